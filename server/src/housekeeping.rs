//! Clearing out what is no longer needed, once an hour while the server runs.

use services::store::{now, Db};
use std::time::Duration;

/// How long a write's first answer is kept for its repeats. A device sends its outbox as
/// soon as it can; a repeat comes from a reply lost seconds or hours ago, or a tablet that
/// was put away for the holidays mid-send.
pub const OUTCOMES_KEPT_SECS: i64 = 90 * 24 * 60 * 60;

/// Deletes expired sessions, old write answers and finished rate-limit counters. Returns
/// the rows deleted.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    let at = now();
    let mut tx = services::store::write(db).await?;
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let outcomes = sqlx::query("DELETE FROM op_outcomes WHERE created_at < ?")
        .bind(at - OUTCOMES_KEPT_SECS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let counters = services::store::rate_limit::sweep(&mut tx, at).await?;
    tx.commit().await?;
    Ok(sessions + outcomes + counters)
}

pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            match sweep(&db).await {
                Ok(0) => {}
                Ok(rows) => {
                    tracing::info!(
                        rows,
                        "housekeeping: old sessions, write answers and counters deleted"
                    )
                }
                Err(error) => {
                    tracing::warn!(%error, "housekeeping failed; trying again in an hour")
                }
            }
        }
    });
}
