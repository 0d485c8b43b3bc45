//! Leases on the jobs that must run once however many app servers share the database:
//! email digests, the mail outbox and housekeeping. A server runs a job only while it holds
//! the job's lease, renewing it each turn; a server that stops stops renewing, and once the
//! lease lapses the next server to try takes it over. So a job never runs twice at once and
//! never stops for good because one server did.

use super::now;

#[engines::both]
mod sql {
    use super::*;

    /// Takes or renews `job`'s lease for `holder` until `ttl_secs` from now. True when `holder`
    /// holds it (it was free, had lapsed, or was already theirs); false while another holds it.
    pub async fn hold(
        db: &Db,
        job: &str,
        holder: &str,
        ttl_secs: i64,
    ) -> Result<bool, sqlx::Error> {
        let at = now();
        let until = at + ttl_secs;
        let taken = sqlx::query!(
            "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= $4",
            job,
            holder,
            until,
            at
        )
        .write_in_turn(db)
        .await?;
        Ok(taken.rows_affected() == 1)
    }

    /// Gives up `holder`'s leases (a server stopping cleanly), so another server need not wait
    /// for them to lapse.
    pub async fn release_all(db: &Db, holder: &str) -> Result<u64, sqlx::Error> {
        Ok(
            sqlx::query!("DELETE FROM job_leases WHERE holder = $1", holder)
                .write_in_turn(db)
                .await?
                .rows_affected(),
        )
    }

    /// Who holds `job` now, if its lease has not lapsed.
    pub async fn holder(db: &Db, job: &str) -> Result<Option<String>, sqlx::Error> {
        let at = now();
        sqlx::query_scalar!(
            "SELECT holder FROM job_leases WHERE job = $1 AND expires_at > $2",
            job,
            at
        )
        .fetch_optional(db.pool())
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use crate::store::Db;

    async fn lapse(db: &Db, job: &str) {
        test_db::execute(
            db,
            &format!("UPDATE job_leases SET expires_at = $1 WHERE job = '{job}'"),
            &[now() - 1],
        )
        .await;
    }

    #[tokio::test]
    async fn one_server_holds_a_job_until_it_stops_renewing() {
        let (_dir, a, b) = test_db::two_servers().await;
        assert!(hold(&a, "digests", "server-a", 60).await.unwrap());
        assert!(
            !hold(&b, "digests", "server-b", 60).await.unwrap(),
            "held by a"
        );
        assert!(
            hold(&a, "digests", "server-a", 60).await.unwrap(),
            "a renews its own"
        );
        assert!(
            hold(&b, "mail", "server-b", 60).await.unwrap(),
            "another job is free"
        );
        assert_eq!(
            holder(&b, "digests").await.unwrap().as_deref(),
            Some("server-a")
        );
        // Server a stops without a word: once its lease lapses, b carries on.
        lapse(&a, "digests").await;
        assert_eq!(holder(&b, "digests").await.unwrap(), None);
        assert!(hold(&b, "digests", "server-b", 60).await.unwrap());
        assert!(
            !hold(&a, "digests", "server-a", 60).await.unwrap(),
            "a came back: b keeps it"
        );
        // A clean stop hands its jobs over at once.
        assert_eq!(release_all(&b, "server-b").await.unwrap(), 2);
        assert!(hold(&a, "mail", "server-a", 60).await.unwrap());
    }

    #[tokio::test]
    async fn servers_asking_at_once_get_one_holder() {
        let (_dir, a, b) = test_db::two_servers().await;
        for round in 0..20 {
            let job = format!("job-{round}");
            let (x, y) = tokio::join!(
                hold(&a, &job, "server-a", 60),
                hold(&b, &job, "server-b", 60)
            );
            assert!(
                x.unwrap() ^ y.unwrap(),
                "round {round}: exactly one holds {job}"
            );
        }
    }
}
