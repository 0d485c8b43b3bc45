//! The setting dashboard's reads: every active member of a setting (or just one), and all
//! their section states in one query (a 500-person setting is one round trip, not 500).

use super::Db;
use domain::model::{Role, Sector};
use domain::progress::SectionState;
use domain::staff::Person;
use std::collections::HashMap;

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
                (SELECT COUNT(*) FROM log_entries e WHERE e.user_id = u.id AND e.status = 'submitted') AS "awaiting_review!: u32"
         FROM users u WHERE u.setting_id = ? AND u.active = 1 AND (? IS NULL OR u.id = ?)"#,
        setting_id,
        member,
        member
    )
    .fetch_all(db.pool())
    .await
}

/// Section states of everyone in a setting (or only `member`), by user id, then section key.
pub async fn states(
    db: &Db,
    setting_id: i64,
    member: Option<i64>,
) -> Result<HashMap<i64, HashMap<String, SectionState>>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT p.user_id, p.section_key, p.first_opened_at, p.last_opened_at, p.completed_at, p.active_seconds
         FROM section_progress p JOIN users u ON u.id = p.user_id WHERE u.setting_id = ? AND u.active = 1
           AND (? IS NULL OR u.id = ?)",
        setting_id,
        member,
        member
    )
    .fetch_all(db.pool())
    .await?;
    let mut out: HashMap<i64, HashMap<String, SectionState>> = HashMap::new();
    for r in rows {
        let state = SectionState {
            first_opened_at: r.first_opened_at,
            last_opened_at: r.last_opened_at,
            completed_at: r.completed_at,
            active_seconds: r.active_seconds,
        };
        out.entry(r.user_id)
            .or_default()
            .insert(r.section_key, state);
    }
    Ok(out)
}
