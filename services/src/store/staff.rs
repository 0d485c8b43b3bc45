//! The setting dashboard's reads: every active member of a setting (or just one), and all
//! their section states in one query (a 500-person setting is one round trip, not 500).

use domain::model::{Role, Sector};
use domain::progress::SectionState;
use domain::staff::Person;
use std::collections::HashMap;

#[engines::both]
mod sql {
    use super::*;

    /// The active members of a setting, or only `member` when given.
    pub async fn people(
        db: &Db,
        setting_id: i64,
        member: Option<i64>,
    ) -> Result<Vec<Person>, sqlx::Error> {
        sqlx::query_as!(
        Person,
        r#"SELECT u.id AS "id!", u.display_name AS name, u.role AS "role: Role", u.sector AS "sector: Sector",
                NULLIF(MAX(COALESCE(u.last_seen_at, 0), COALESCE((SELECT MAX(e.updated_at) FROM log_entries e WHERE e.user_id = u.id), 0)), 0)
                  AS "last_active?: i64",
                (SELECT COUNT(*) FROM log_entries e WHERE e.user_id = u.id AND e.status = 'submitted') AS "awaiting_review!: i64"
         FROM users u WHERE u.setting_id = $1 AND u.active = TRUE AND (CAST($2 AS BIGINT) IS NULL OR u.id = $3)"#,
        setting_id,
        member,
        member
    )
    .fetch_all(db.pool())
    .await
    }

    /// Section states of everyone in a setting (or only `member`), by user id, then section key.
    /// One row per person, their sections as a JSON array: the driver hands rows over one at a
    /// time, and a 500-person setting has about 5,000 section rows but 500 people.
    pub async fn states(
        db: &Db,
        setting_id: i64,
        member: Option<i64>,
    ) -> Result<HashMap<i64, HashMap<String, SectionState>>, sqlx::Error> {
        // Each person's sections as one JSON array (the dialects name the functions apart).
        #[only(sqlite)]
        let rows = sqlx::query!(
        r#"SELECT p.user_id AS "user_id!",
                json_group_array(json_array(p.section_key, p.first_opened_at, p.last_opened_at,
                                            p.completed_at, p.active_seconds)) AS "sections!: String"
         FROM section_progress p JOIN users u ON u.id = p.user_id WHERE u.setting_id = $1 AND u.active = TRUE
           AND (CAST($2 AS BIGINT) IS NULL OR u.id = $3)
         GROUP BY p.user_id"#,
        setting_id,
        member,
        member
    )
    .fetch_all(db.pool())
    .await?;
        #[only(postgres)]
        let rows = sqlx::query!(
        r#"SELECT p.user_id AS "user_id!",
                CAST(json_agg(json_build_array(p.section_key, p.first_opened_at, p.last_opened_at,
                                                p.completed_at, p.active_seconds)) AS TEXT) AS "sections!: String"
         FROM section_progress p JOIN users u ON u.id = p.user_id WHERE u.setting_id = $1 AND u.active = TRUE
           AND (CAST($2 AS BIGINT) IS NULL OR u.id = $3)
         GROUP BY p.user_id"#,
        setting_id,
        member,
        member
    )
    .fetch_all(db.pool())
    .await?;
        type Section = (String, Option<i64>, Option<i64>, Option<i64>, i64);
        let mut out: HashMap<i64, HashMap<String, SectionState>> =
            HashMap::with_capacity(rows.len());
        for r in rows {
            let sections: Vec<Section> =
                serde_json::from_str(&r.sections).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            out.insert(
                r.user_id,
                sections
                    .into_iter()
                    .map(
                        |(key, first_opened_at, last_opened_at, completed_at, active_seconds)| {
                            let state = SectionState {
                                first_opened_at,
                                last_opened_at,
                                completed_at,
                                active_seconds,
                            };
                            (key, state)
                        },
                    )
                    .collect(),
            );
        }
        Ok(out)
    }
}
