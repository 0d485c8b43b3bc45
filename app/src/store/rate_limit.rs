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

/// True when `bucket` has used up its limit in the current window. Only failures are
/// counted (see `hit`), so people who type their password right are never held up.
pub async fn blocked(db: &Db, bucket: &str, limit: &Limit) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT hits FROM rate_limits WHERE bucket = ? AND window_start > ?")
            .bind(bucket)
            .bind(now() - limit.window_secs)
            .fetch_optional(db)
            .await?;
    Ok(row.is_some_and(|(hits,)| hits >= limit.max_hits))
}

/// Counts one failure against `bucket`; returns false when the limit is now used up.
pub async fn hit(db: &Db, bucket: &str, limit: &Limit) -> Result<bool, sqlx::Error> {
    let now = now();
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?1, ?2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE hits + 1 END,
           window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
         RETURNING hits",
    )
    .bind(bucket)
    .bind(now)
    .bind(limit.window_secs)
    .fetch_one(db)
    .await?;
    Ok(row.0 <= limit.max_hits)
}

/// Forgets the account's failures after a successful sign-in.
pub async fn clear(db: &Db, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE bucket = ?")
        .bind(bucket)
        .execute(db)
        .await?;
    Ok(())
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
    async fn a_new_window_starts_afresh() {
        let db = test_db::fresh().await;
        let limit = Limit {
            max_hits: 1,
            window_secs: 60,
        };
        assert!(hit(&db, "k", &limit).await.unwrap());
        assert!(!hit(&db, "k", &limit).await.unwrap());
        sqlx::query("UPDATE rate_limits SET window_start = window_start - 61")
            .execute(&db)
            .await
            .unwrap();
        assert!(hit(&db, "k", &limit).await.unwrap());
    }
}
