//! Fixed-window counters of failed attempts kept in the database, so that they hold across restarts and
//! across several server processes.

use super::{now, Db};

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

/// Counts an attempt against every bucket before it is tried, in one write, and says whether
/// all of them were still within their limits. Counting first is what makes a burst of
/// parallel guesses count: checking first and counting afterwards lets them all through.
/// A successful attempt gives its count back (`refund`), so only failures use a limit up
/// and people who type their password right are never held up.
pub async fn attempt(db: &Db, buckets: &[(String, &Limit)]) -> Result<bool, sqlx::Error> {
    let now = now();
    let mut tx = super::write(db).await?;
    let mut allowed = true;
    for (bucket, limit) in buckets {
        let hits = sqlx::query_scalar!(
            r#"INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?1, ?2, 1)
               ON CONFLICT (bucket) DO UPDATE SET
                 hits = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE hits + 1 END,
                 window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
               RETURNING hits AS "hits!""#,
            bucket,
            now,
            limit.window_secs
        )
        .fetch_one(&mut *tx)
        .await?;
        allowed &= hits <= limit.max_hits;
    }
    tx.commit().await?;
    Ok(allowed)
}

/// Takes back one attempt counted by `attempt` (it succeeded).
pub async fn refund(db: &Db, bucket: &str) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query!(
        "UPDATE rate_limits SET hits = MAX(hits - 1, 0) WHERE bucket = ?",
        bucket
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Counters whose window ended long ago (the longest window is 15 minutes).
pub async fn sweep(tx: &mut sqlx::SqliteConnection, at: i64) -> Result<u64, sqlx::Error> {
    let before = at - 24 * 60 * 60;
    Ok(
        sqlx::query!("DELETE FROM rate_limits WHERE window_start < ?", before)
            .execute(tx)
            .await?
            .rows_affected(),
    )
}

/// True when `bucket` has used up its limit in the current window.
pub async fn blocked(db: &Db, bucket: &str, limit: &Limit) -> Result<bool, sqlx::Error> {
    let since = now() - limit.window_secs;
    let hits = sqlx::query_scalar!(
        "SELECT hits FROM rate_limits WHERE bucket = ? AND window_start > ?",
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
    let mut tx = super::write(db).await?;
    sqlx::query!("DELETE FROM rate_limits WHERE bucket = ?", bucket)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
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
        let swept = sweep(
            &mut db.pool().acquire().await.unwrap(),
            now() + 2 * 24 * 3600,
        )
        .await
        .unwrap();
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

    #[tokio::test]
    async fn a_new_window_starts_afresh() {
        let db = test_db::fresh().await;
        let limit = Limit {
            max_hits: 1,
            window_secs: 60,
        };
        assert!(hit(&db, "k", &limit).await.unwrap());
        assert!(!hit(&db, "k", &limit).await.unwrap());
        sqlx::query("UPDATE rate_limits SET window_start = window_start - 61")
            .execute(db.pool())
            .await
            .unwrap();
        assert!(hit(&db, "k", &limit).await.unwrap());
    }
}
