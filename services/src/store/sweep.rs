//! Clearing out what is no longer needed: expired sessions, old write answers, finished
//! rate-limit counters and write allowances, proofs that ended, and staff import files and the names and
//! addresses of invites past their time (the server runs this once an hour).

use super::now;

/// How long a write's first answer is kept for its repeats. A device sends its outbox as
/// soon as it can; a repeat comes from a reply lost seconds or hours ago, or a tablet that
/// was put away for the holidays mid-send.
pub const OUTCOMES_KEPT_SECS: i64 = 90 * 24 * 60 * 60;

/// How long an uploaded staff list is kept (names and addresses of people who may never
/// join), and the name and address on a personal invite after it expired.
pub const IMPORTS_KEPT_SECS: i64 = 30 * 24 * 60 * 60;

#[engines::both]
mod sql {
    use super::*;

    /// Deletes what has expired, in one write. Returns the rows deleted.
    pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
        let at = now();
        let outcomes_before = at - OUTCOMES_KEPT_SECS;
        let mut tx = write(db).await?;
        let sessions = sqlx::query!("DELETE FROM sessions WHERE expires_at <= $1", at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let outcomes = sqlx::query!(
            "DELETE FROM op_outcomes WHERE created_at < $1",
            outcomes_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let counters = crate::store::rate_limit::sql::sweep(&mut tx, at).await?
            + crate::store::write_allowance::sql::sweep(&mut tx, at).await?;
        let proofs_before = at - crate::store::proofs::PROOF_TTL_SECS;
        let proofs = sqlx::query!(
            "DELETE FROM email_proofs WHERE created_at < $1",
            proofs_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let imports_before = at - IMPORTS_KEPT_SECS;
        let imports = sqlx::query!(
            "DELETE FROM staff_imports WHERE created_at < $1",
            imports_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let invites = sqlx::query!(
            "UPDATE invites SET email = NULL, display_name = NULL
         WHERE (email IS NOT NULL OR display_name IS NOT NULL) AND expires_at < $1",
            imports_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(sessions + outcomes + counters + proofs + imports + invites)
    }
}
