//! Background jobs that must run once however many app servers share the database (email
//! digests, the mail outbox, housekeeping). Each turn of a job first takes or renews the
//! job's lease (`store::leases`); a server that does not hold it skips the turn.

use crate::store::{leases, Db};
use std::time::Duration;

/// Whether this server runs `job` now, holding its lease for `ttl`. The lease must outlast
/// a turn and the wait until the next one, so that a running turn is never joined by a
/// second server. A database error skips the turn (the next one tries again).
pub async fn ours(db: &Db, job: &str, ttl: Duration) -> bool {
    match leases::hold(db, job, db.holder(), ttl.as_secs() as i64).await {
        Ok(held) => held,
        Err(error) => {
            tracing::warn!(job, %error, "could not take the job's lease; skipping this turn");
            false
        }
    }
}

/// Hands this server's jobs to the others at once (a clean stop).
pub async fn release(db: &Db) {
    if let Err(error) = leases::release_all(db, db.holder()).await {
        tracing::warn!(%error, "could not release this server's jobs; they lapse by themselves");
    }
}
