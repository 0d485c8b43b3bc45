//! Fixed-window counters of failed attempts kept in the database, so that they hold across restarts and
//! across several server processes.

use super::now;

pub struct Limit {
    pub max_hits: i64,
    pub window_secs: i64,
}

/// Sign-in and invite attempts: per account (or code) and per network address.
pub const PER_ACCOUNT: Limit = Limit {
    max_hits: 5,
    window_secs: 15 * 60,
};
pub const PER_ADDRESS: Limit = Limit {
    max_hits: 30,
    window_secs: 15 * 60,
};
/// Unrecognised invite codes from one address: enough for typing mistakes, too few to guess.
pub const INVITES_PER_ADDRESS: Limit = Limit {
    max_hits: 10,
    window_secs: 15 * 60,
};

/// Growing delays instead of a hard stop: `free` failures, then each further attempt waits
/// `base_secs`, doubled for every failure since, up to `max_secs`. Failures are forgotten
/// `forget_secs` after the last one. A bucket of this kind keeps the time of its last
/// counted failure in `window_start`.
pub struct Backoff {
    pub free: i64,
    pub base_secs: i64,
    pub max_secs: i64,
    pub forget_secs: i64,
}

impl Backoff {
    /// Seconds still to wait before another attempt, after `hits` failures, the last at
    /// `last_at` (0: go ahead).
    pub fn wait(&self, hits: i64, last_at: i64, now: i64) -> i64 {
        if now - last_at >= self.forget_secs || hits < self.free {
            return 0;
        }
        let doublings = (hits - self.free).min(20) as u32;
        let delay = self
            .base_secs
            .saturating_mul(1 << doublings)
            .min(self.max_secs);
        (last_at + delay - now).max(0)
    }
}

/// Signing in to one account from one address: five tries, then a minute, two, four...
pub const SIGN_IN_PAIR: Backoff = Backoff {
    free: 5,
    base_secs: 60,
    max_secs: 15 * 60,
    forget_secs: 60 * 60,
};
/// One account from every address together (guessing spread over many machines): short
/// delays that never grow past half a minute, so nobody elsewhere can lock the real person
/// (or an admin) out.
pub const SIGN_IN_ACCOUNT: Backoff = Backoff {
    free: 20,
    base_secs: 2,
    max_secs: 30,
    forget_secs: 60 * 60,
};
/// One address trying many accounts.
pub const SIGN_IN_ADDRESS: Backoff = Backoff {
    free: 30,
    base_secs: 60,
    max_secs: 15 * 60,
    forget_secs: 60 * 60,
};

#[engines::both]
mod sql {
    use super::*;

    /// Counts an attempt against every bucket, in one write, unless one of them must still
    /// wait: then nothing is counted (so refused attempts never push anyone's wait further
    /// out) and the longest wait, in seconds, is returned. 0: counted, go ahead.
    pub async fn attempt_with_backoff(
        db: &Db,
        buckets: &[(String, &Backoff)],
    ) -> Result<i64, sqlx::Error> {
        let now = now();
        let mut tx = write(db).await?;
        let mut counts = Vec::with_capacity(buckets.len());
        let mut wait = 0;
        for (bucket, backoff) in buckets {
            let row = sqlx::query_as::<_, (i64, i64)>(
                "SELECT hits, window_start FROM rate_limits WHERE bucket = $1",
            )
            .bind(bucket)
            .fetch_optional(&mut *tx)
            .await?;
            let hits = match row {
                Some((hits, last_at)) if now - last_at < backoff.forget_secs => {
                    wait = wait.max(backoff.wait(hits, last_at, now));
                    hits
                }
                _ => 0,
            };
            counts.push(hits + 1);
        }
        if wait > 0 {
            return Ok(wait);
        }
        for ((bucket, _), hits) in buckets.iter().zip(counts) {
            sqlx::query(
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, $3)
             ON CONFLICT (bucket) DO UPDATE SET window_start = $2, hits = $3",
            )
            .bind(bucket)
            .bind(now)
            .bind(hits)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(0)
    }

    /// Counts an attempt against every bucket before it is tried, in one write, and says whether
    /// all of them were still within their limits. Counting first is what makes a burst of
    /// parallel guesses count: checking first and counting afterwards lets them all through.
    /// A successful attempt gives its count back (`refund`), so only failures use a limit up
    /// and people who type their password right are never held up.
    pub async fn attempt(db: &Db, buckets: &[(String, &Limit)]) -> Result<bool, sqlx::Error> {
        let mut tx = write(db).await?;
        let mut allowed = true;
        for (bucket, limit) in buckets {
            allowed &= count_in(&mut tx, bucket, limit).await?;
        }
        tx.commit().await?;
        Ok(allowed)
    }

    /// Counts one hit against a fixed-window bucket inside the caller's write; true while the
    /// bucket is within its limit (this hit included).
    pub async fn count_in(tx: &mut Conn, bucket: &str, limit: &Limit) -> Result<bool, sqlx::Error> {
        let now = now();
        let hits = sqlx::query_scalar!(
            r#"INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
           ON CONFLICT (bucket) DO UPDATE SET
             hits = CASE WHEN rate_limits.window_start <= $2 - $3 THEN 1 ELSE rate_limits.hits + 1 END,
             window_start = CASE WHEN rate_limits.window_start <= $2 - $3 THEN $2 ELSE rate_limits.window_start END
           RETURNING hits AS "hits!""#,
            bucket,
            now,
            limit.window_secs
        )
        .fetch_one(&mut *tx)
        .await?;
        Ok(hits <= limit.max_hits)
    }

    /// Takes back one attempt counted by `attempt` (it succeeded).
    pub async fn refund(db: &Db, bucket: &str) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        sqlx::query!(
            "UPDATE rate_limits SET hits = MAX(hits - 1, 0) WHERE bucket = $1",
            bucket
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Counters whose window ended long ago (the longest window is 15 minutes).
    pub async fn sweep(tx: &mut Conn, at: i64) -> Result<u64, sqlx::Error> {
        let before = at - 24 * 60 * 60;
        Ok(
            sqlx::query!("DELETE FROM rate_limits WHERE window_start < $1", before)
                .execute(tx)
                .await?
                .rows_affected(),
        )
    }

    /// True when `bucket` has used up its limit in the current window.
    pub async fn blocked(db: &Db, bucket: &str, limit: &Limit) -> Result<bool, sqlx::Error> {
        let since = now() - limit.window_secs;
        let hits = sqlx::query_scalar!(
            "SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start > $2",
            bucket,
            since
        )
        .fetch_optional(db.pool())
        .await?;
        Ok(hits.is_some_and(|hits| hits >= limit.max_hits))
    }

    /// Counts one failure against `bucket`; returns false when the limit is now used up.
    pub async fn hit(db: &Db, bucket: &str, limit: &Limit) -> Result<bool, sqlx::Error> {
        attempt(db, &[(bucket.to_string(), limit)]).await
    }

    /// Forgets the account's failures after a successful sign-in.
    pub async fn clear(db: &Db, bucket: &str) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        sqlx::query!("DELETE FROM rate_limits WHERE bucket = $1", bucket)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;

    #[tokio::test]
    async fn a_bucket_allows_its_limit_then_refuses() {
        let db = test_db::fresh().await;
        let limit = Limit {
            max_hits: 3,
            window_secs: 60,
        };
        for _ in 0..3 {
            assert!(hit(&db, "signin:a@b.org", &limit).await.unwrap());
        }
        assert!(!hit(&db, "signin:a@b.org", &limit).await.unwrap());
        assert!(
            hit(&db, "signin:other@b.org", &limit).await.unwrap(),
            "buckets are separate"
        );
        assert!(blocked(&db, "signin:a@b.org", &limit).await.unwrap());
        assert!(!blocked(&db, "signin:other@b.org", &limit).await.unwrap());
        clear(&db, "signin:a@b.org").await.unwrap();
        assert!(!blocked(&db, "signin:a@b.org", &limit).await.unwrap());
        assert!(hit(&db, "signin:a@b.org", &limit).await.unwrap());
    }

    #[tokio::test]
    async fn attempts_count_before_they_are_tried_and_successes_give_theirs_back() {
        let db = test_db::fresh().await;
        const ACCOUNT: Limit = Limit {
            max_hits: 2,
            window_secs: 60,
        };
        const ADDRESS: Limit = Limit {
            max_hits: 3,
            window_secs: 60,
        };
        let buckets = [
            ("acct".to_string(), &ACCOUNT),
            ("addr".to_string(), &ADDRESS),
        ];
        assert!(attempt(&db, &buckets).await.unwrap());
        refund(&db, "acct").await.unwrap();
        refund(&db, "addr").await.unwrap();
        assert!(attempt(&db, &buckets).await.unwrap());
        assert!(attempt(&db, &buckets).await.unwrap());
        assert!(
            !attempt(&db, &buckets).await.unwrap(),
            "the account's two failures are used"
        );
        // A burst in parallel: every one is counted, and no more than the limit get through.
        let db2 = test_db::fresh().await;
        let tries = (0..20).map(|_| {
            let db2 = db2.clone();
            async move {
                let buckets = [("burst".to_string(), &ACCOUNT)];
                attempt(&db2, &buckets).await.unwrap()
            }
        });
        let allowed = futures_allowed(tries).await;
        assert_eq!(allowed, 2);
        let mut tx = crate::store::write(&db).await.unwrap();
        let swept = sweep(&mut tx, now() + 2 * 24 * 3600).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(swept, 2);
    }

    async fn futures_allowed(
        tries: impl Iterator<Item = impl std::future::Future<Output = bool> + Send + 'static>,
    ) -> usize {
        let handles: Vec<_> = tries.map(tokio::spawn).collect();
        let mut allowed = 0;
        for h in handles {
            allowed += usize::from(h.await.unwrap());
        }
        allowed
    }

    #[test]
    fn delays_grow_after_the_free_tries_and_are_forgotten() {
        let b = Backoff {
            free: 3,
            base_secs: 10,
            max_secs: 60,
            forget_secs: 600,
        };
        assert_eq!(b.wait(2, 1000, 1000), 0, "within the free tries");
        assert_eq!(b.wait(3, 1000, 1000), 10);
        assert_eq!(b.wait(3, 1000, 1004), 6);
        assert_eq!(b.wait(4, 1000, 1000), 20);
        assert_eq!(b.wait(5, 1000, 1000), 40);
        assert_eq!(b.wait(6, 1000, 1000), 60, "never past the cap");
        assert_eq!(b.wait(1_000_000, 1000, 1000), 60);
        assert_eq!(b.wait(9, 1000, 1600), 0, "forgotten");
    }

    #[tokio::test]
    async fn a_waiting_bucket_refuses_without_counting() {
        let db = test_db::fresh().await;
        const B: Backoff = Backoff {
            free: 2,
            base_secs: 100,
            max_secs: 1000,
            forget_secs: 3600,
        };
        let pair = [("pair".to_string(), &B), ("other".to_string(), &B)];
        assert_eq!(attempt_with_backoff(&db, &pair).await.unwrap(), 0);
        assert_eq!(attempt_with_backoff(&db, &pair).await.unwrap(), 0);
        let wait = attempt_with_backoff(&db, &pair).await.unwrap();
        assert!((99..=100).contains(&wait), "{wait}");
        // Refused attempts were not counted: the wait does not grow.
        assert!(attempt_with_backoff(&db, &pair).await.unwrap() <= 100);
        let (hits,): (i64,) = (test_db::number(
            &db,
            "SELECT hits FROM rate_limits WHERE bucket = 'pair'",
            &[],
        )
        .await,);
        assert_eq!(hits, 2);
        // Once the wait is over, one more try; then twice as long.
        test_db::execute(
            &db,
            "UPDATE rate_limits SET window_start = window_start - 100",
            &[],
        )
        .await;
        assert_eq!(attempt_with_backoff(&db, &pair).await.unwrap(), 0);
        assert!(attempt_with_backoff(&db, &pair).await.unwrap() > 150);
        // A bucket nobody has used is never held up by another's wait.
        let fresh = [("fresh".to_string(), &B)];
        assert_eq!(attempt_with_backoff(&db, &fresh).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_new_window_starts_afresh() {
        let db = test_db::fresh().await;
        let limit = Limit {
            max_hits: 1,
            window_secs: 60,
        };
        assert!(hit(&db, "k", &limit).await.unwrap());
        assert!(!hit(&db, "k", &limit).await.unwrap());
        test_db::execute(
            &db,
            "UPDATE rate_limits SET window_start = window_start - 61",
            &[],
        )
        .await;
        assert!(hit(&db, "k", &limit).await.unwrap());
    }
}
