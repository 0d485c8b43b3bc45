//! Queries with optional conditions (the learning log's filters, the review queue's): each
//! condition is added together with its value, so a condition and its bound value can never
//! get out of step, and no value is ever written into the SQL.

use sqlx::{Database, QueryBuilder};

pub struct Filtered<'a, DB: Database> {
    query: QueryBuilder<'a, DB>,
    conditions: usize,
}

impl<'a, DB: Database> Filtered<'a, DB> {
    /// `select` ends where the conditions go (`... FROM t`); they follow as `WHERE .. AND ..`.
    pub fn new(select: &str) -> Self {
        Filtered {
            query: QueryBuilder::new(select),
            conditions: 0,
        }
    }

    /// Adds `condition`, whose one `?` takes `value`, when there is a value.
    pub fn and<T>(mut self, condition: &'static str, value: Option<T>) -> Self
    where
        T: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB> + Send,
    {
        let Some(value) = value else { return self };
        let (before, after) = condition.split_once('?').unwrap_or((condition, ""));
        self.query
            .push(if self.conditions == 0 {
                " WHERE "
            } else {
                " AND "
            })
            .push(before)
            .push_bind(value)
            .push(after);
        self.conditions += 1;
        self
    }

    /// Adds `condition`, whose `?`s take `values` in order.
    pub fn and_each<T>(mut self, condition: &'static str, values: Vec<T>) -> Self
    where
        T: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB> + Send,
    {
        let mut parts = condition.split('?');
        self.query.push(if self.conditions == 0 {
            " WHERE "
        } else {
            " AND "
        });
        self.query.push(parts.next().unwrap_or_default());
        for (value, part) in values.into_iter().zip(parts) {
            self.query.push_bind(value).push(part);
        }
        self.conditions += 1;
        self
    }

    /// Adds a condition with no value.
    pub fn and_sql(mut self, condition: &'static str) -> Self {
        self.query
            .push(if self.conditions == 0 {
                " WHERE "
            } else {
                " AND "
            })
            .push(condition);
        self.conditions += 1;
        self
    }

    /// The finished query, with its `ORDER BY` (or any other tail).
    pub fn then(mut self, tail: &str) -> QueryBuilder<'a, DB> {
        self.query.push(" ").push(tail);
        self.query
    }
}

#[cfg(test)]
mod tests {
    use super::Filtered;

    #[test]
    fn conditions_join_with_their_placeholders_and_skip_when_empty() {
        let sql = Filtered::<sqlx::Sqlite>::new("SELECT 1 FROM t")
            .and("a = ?", Some(1_i64))
            .and("b = ?", None::<i64>)
            .and("instr(c, ? || '.') = 1", Some("m1"))
            .and_sql("d IS NULL")
            .then("ORDER BY a")
            .into_sql();
        assert_eq!(
            sql,
            "SELECT 1 FROM t WHERE a = ? AND instr(c, ? || '.') = 1 AND d IS NULL ORDER BY a"
        );
        let none = Filtered::<sqlx::Sqlite>::new("SELECT 1 FROM t")
            .and("a = ?", None::<i64>)
            .then("")
            .into_sql();
        assert_eq!(none.trim(), "SELECT 1 FROM t");
    }
}
