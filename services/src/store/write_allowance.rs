//! The write allowance every app server shares: a token bucket per person (`burst` writes
//! at once, then `per_second`), kept in the database so that a person's writes count once
//! however a load balancer spreads them. Servers take tokens a few at a time (`take`) and
//! spend them in memory (`services::throttle`), so most writes cost no extra database write.

/// The bucket's shape.
#[derive(Clone, Copy, Debug)]
pub struct Bucket {
    pub burst: f64,
    pub per_second: f64,
}

#[engines::both]
mod sql {
    use super::*;

    /// Takes up to `want` whole tokens from `person`'s bucket as it stands at `at_ms`
    /// (milliseconds since the epoch), refilling it first. Returns how many were taken: 0 when
    /// the person has written as much as the bucket allows just now (a refused write takes
    /// nothing, so it never pushes the wait further out).
    pub async fn take(
        db: &Db,
        person: i64,
        bucket: Bucket,
        want: u32,
        at_ms: i64,
    ) -> Result<u32, sqlx::Error> {
        let mut tx = write(db).await?;
        let tokens = sqlx::query_scalar!(
            r#"INSERT INTO write_allowance (person_id, tokens, at_ms) VALUES ($1, $2, $4)
           ON CONFLICT (person_id) DO UPDATE SET
             tokens = MIN(CAST($2 AS DOUBLE PRECISION), write_allowance.tokens
                          + CAST(MAX($4 - write_allowance.at_ms, 0) AS DOUBLE PRECISION) * CAST($3 AS DOUBLE PRECISION) / 1000.0),
             at_ms = MAX(write_allowance.at_ms, $4)
           RETURNING tokens"#,
            person,
            bucket.burst,
            bucket.per_second,
            at_ms
        )
        .fetch_one(&mut *tx)
        .await?;
        let taken = (tokens.floor().max(0.0) as u32).min(want);
        if taken > 0 {
            let spent = f64::from(taken);
            sqlx::query!(
                "UPDATE write_allowance SET tokens = tokens - $1 WHERE person_id = $2",
                spent,
                person
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(taken)
    }

    /// Buckets that have been full for a day hold nothing worth keeping.
    pub async fn sweep(tx: &mut Conn, at: i64) -> Result<u64, sqlx::Error> {
        let before_ms = (at - 24 * 60 * 60) * 1000;
        Ok(
            sqlx::query!("DELETE FROM write_allowance WHERE at_ms < $1", before_ms)
                .execute(tx)
                .await?
                .rows_affected(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    const SMALL: Bucket = Bucket {
        burst: 5.0,
        per_second: 2.0,
    };

    #[tokio::test]
    async fn a_burst_then_the_steady_rate_and_a_refusal_takes_nothing() {
        let db = test_db::fresh().await;
        let (_, person) = test_db::person(&db, "sam@oak.example", Role::Practitioner, None).await;
        let t = 1_000_000;
        assert_eq!(take(&db, person, SMALL, 3, t).await.unwrap(), 3);
        assert_eq!(
            take(&db, person, SMALL, 3, t).await.unwrap(),
            2,
            "what is left"
        );
        assert_eq!(take(&db, person, SMALL, 3, t).await.unwrap(), 0, "used up");
        assert_eq!(take(&db, person, SMALL, 3, t + 100).await.unwrap(), 0);
        // Refused tries took nothing: half a second after the burst gives one token.
        assert_eq!(take(&db, person, SMALL, 3, t + 500).await.unwrap(), 1);
        assert_eq!(
            take(&db, person, SMALL, 9, t + 60_000).await.unwrap(),
            5,
            "refilled to the burst, no more"
        );
    }

    #[tokio::test]
    async fn two_servers_draw_on_one_bucket() {
        let (_dir, first, second) = test_db::two_servers().await;
        let (_, person) =
            test_db::person(&first, "sam@oak.example", Role::Practitioner, None).await;
        let t = 2_000_000;
        assert_eq!(take(&first, person, SMALL, 3, t).await.unwrap(), 3);
        assert_eq!(take(&second, person, SMALL, 3, t).await.unwrap(), 2);
        assert_eq!(take(&first, person, SMALL, 1, t).await.unwrap(), 0);
        assert_eq!(take(&second, person, SMALL, 1, t).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_day_full_is_swept_and_an_erased_person_takes_their_bucket_along() {
        let db = test_db::fresh().await;
        let (_, person) = test_db::person(&db, "sam@oak.example", Role::Practitioner, None).await;
        let day_ago_ms = (crate::store::now() - 25 * 60 * 60) * 1000;
        take(&db, person, SMALL, 1, day_ago_ms).await.unwrap();
        let mut tx = crate::store::write(&db).await.unwrap();
        assert_eq!(sweep(&mut tx, crate::store::now()).await.unwrap(), 1);
        tx.commit().await.unwrap();
        take(&db, person, SMALL, 1, 1_000).await.unwrap();
        test_db::execute(&db, "DELETE FROM users WHERE id = $1", &[person]).await;
        let left: i64 = test_db::number(&db, "SELECT COUNT(*) FROM write_allowance", &[]).await;
        assert_eq!(left, 0);
    }
}
