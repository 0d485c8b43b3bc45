//! Clearing out what is no longer needed (`services::store::sweep`), once an hour while the
//! server runs.

use services::store::sweep::sweep;
use services::store::Db;
use std::time::Duration;

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
