//! A setting's own term dates, as half-terms (`domain::terms`). Written only whole, by its
//! admin; none kept means England's usual dates.

use domain::terms::HalfTerm;

#[engines::both]
mod sql {
    use super::*;

    /// The setting's own half-terms, in order (empty: it has entered none).
    pub async fn get(db: &Db, setting_id: i64) -> Result<Vec<HalfTerm>, sqlx::Error> {
        sqlx::query_as!(
            HalfTerm,
            r#"SELECT first_day AS "first!: i64", last_day AS "last!: i64" FROM term_dates
               WHERE setting_id = $1 ORDER BY first_day"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// Replaces the setting's half-terms with `terms` (checked by `domain::terms::parse`).
    pub async fn set(db: &Db, setting_id: i64, terms: &[HalfTerm]) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        sqlx::query!("DELETE FROM term_dates WHERE setting_id = $1", setting_id)
            .execute(&mut *tx)
            .await?;
        for t in terms {
            sqlx::query!(
                "INSERT INTO term_dates (setting_id, first_day, last_day) VALUES ($1, $2, $3)",
                setting_id,
                t.first,
                t.last
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    #[tokio::test]
    async fn a_settings_term_dates_are_replaced_whole_and_kept_apart() {
        let db = test_db::fresh().await;
        let (a, _) = test_db::person(&db, "admin@oak.example", Role::Admin, None).await;
        let (b, _) = test_db::person(&db, "admin@elm.example", Role::Admin, None).await;
        let terms =
            domain::terms::parse("2027-02-22 to 2027-03-26\n2027-01-04 to 2027-02-12").unwrap();
        set(&db, a, &terms).await.unwrap();
        assert_eq!(get(&db, a).await.unwrap(), terms);
        assert_eq!(
            get(&db, a).await.unwrap()[0].first,
            domain::terms::parse_day("2027-01-04").unwrap()
        );
        assert!(get(&db, b).await.unwrap().is_empty());
        set(&db, a, &terms[..1]).await.unwrap();
        assert_eq!(get(&db, a).await.unwrap(), terms[..1].to_vec());
        set(&db, a, &[]).await.unwrap();
        assert!(get(&db, a).await.unwrap().is_empty());
    }
}
