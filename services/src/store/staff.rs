//! The setting dashboard's reads: every active member of a setting (or just one), and all
//! their section states in one query (a 500-person setting is one round trip, not 500).

use super::progress::state_from_row;
use super::Db;
use domain::progress::SectionState;
use domain::staff::Person;
use std::collections::HashMap;

/// The active members of a setting, or only `member` when given.
pub async fn people(
    db: &Db,
    setting_id: i64,
    member: Option<i64>,
) -> Result<Vec<Person>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.display_name AS name, u.role, u.sector,
                NULLIF(MAX(COALESCE(u.last_seen_at, 0), COALESCE((SELECT MAX(e.updated_at) FROM log_entries e WHERE e.user_id = u.id), 0)), 0)
                  AS last_active,
                (SELECT COUNT(*) FROM log_entries e WHERE e.user_id = u.id AND e.status = 'submitted') AS awaiting_review
         FROM users u WHERE u.setting_id = ? AND u.active = 1 AND (? IS NULL OR u.id = ?)",
    )
    .bind(setting_id)
    .bind(member)
    .bind(member)
    .fetch_all(db.pool())
    .await
}

type StateRow = (i64, String, Option<i64>, Option<i64>, Option<i64>, i64);

/// Section states of everyone in a setting (or only `member`), by user id, then section key.
pub async fn states(
    db: &Db,
    setting_id: i64,
    member: Option<i64>,
) -> Result<HashMap<i64, HashMap<String, SectionState>>, sqlx::Error> {
    let rows: Vec<StateRow> = sqlx::query_as(
        "SELECT p.user_id, p.section_key, p.first_opened_at, p.last_opened_at, p.completed_at, p.active_seconds
         FROM section_progress p JOIN users u ON u.id = p.user_id WHERE u.setting_id = ? AND u.active = 1
           AND (? IS NULL OR u.id = ?)",
    )
    .bind(setting_id)
    .bind(member)
    .bind(member)
    .fetch_all(db.pool())
    .await?;
    let mut out: HashMap<i64, HashMap<String, SectionState>> = HashMap::new();
    for (user, key, a, b, c, d) in rows {
        out.entry(user)
            .or_default()
            .insert(key, state_from_row((a, b, c, d)));
    }
    Ok(out)
}
