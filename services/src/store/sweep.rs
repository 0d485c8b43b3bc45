//! Clearing out what is no longer needed: expired sessions, old write answers and finished
//! rate-limit counters (the server runs this once an hour).

use super::{now, Db};

/// How long a write's first answer is kept for its repeats. A device sends its outbox as
/// soon as it can; a repeat comes from a reply lost seconds or hours ago, or a tablet that
/// was put away for the holidays mid-send.
pub const OUTCOMES_KEPT_SECS: i64 = 90 * 24 * 60 * 60;

/// Deletes what has expired, in one write. Returns the rows deleted.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    let at = now();
    let outcomes_before = at - OUTCOMES_KEPT_SECS;
    let mut tx = super::write(db).await?;
    let sessions = sqlx::query!("DELETE FROM sessions WHERE expires_at <= ?", at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let outcomes = sqlx::query!(
        "DELETE FROM op_outcomes WHERE created_at < ?",
        outcomes_before
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let counters = super::rate_limit::sweep(&mut tx, at).await?;
    tx.commit().await?;
    Ok(sessions + outcomes + counters)
}
