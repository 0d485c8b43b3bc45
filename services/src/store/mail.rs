//! Email waiting to be sent: codes that prove an address, and notices that a school
//! account was linked. Written in the same transaction as what it tells of, sent within
//! seconds by `mail::send_outbox`, and deleted once sent (it may hold a code).

use super::now;

pub struct Waiting {
    pub id: i64,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
}

/// How long an email is tried before it is dropped (a code in it is long expired by then).
const GIVE_UP_SECS: i64 = 24 * 60 * 60;

#[engines::both]
mod sql {
    use super::*;

    /// Puts one email in the outbox (inside the caller's write).
    pub async fn queue(
        tx: &mut Conn,
        user_id: Option<i64>,
        to_email: &str,
        to_name: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
        "INSERT INTO mail_outbox (user_id, to_email, to_name, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        user_id,
        to_email,
        to_name,
        subject,
        body,
        at
    )
    .execute(&mut *tx)
    .await?;
        Ok(())
    }

    /// The oldest waiting emails; ones waiting longer than a day are dropped.
    pub async fn waiting(db: &Db, limit: i64) -> Result<Vec<Waiting>, sqlx::Error> {
        let stale = now() - GIVE_UP_SECS;
        let mut tx = write(db).await?;
        sqlx::query!("DELETE FROM mail_outbox WHERE created_at < $1", stale)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        sqlx::query_as!(
        Waiting,
        r#"SELECT id AS "id!", to_email, to_name, subject, body FROM mail_outbox ORDER BY id LIMIT $1"#,
        limit
    )
    .fetch_all(db.pool())
    .await
    }

    pub async fn sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query!("DELETE FROM mail_outbox WHERE id = $1", id)
            .write_in_turn(db)
            .await?;
        Ok(())
    }
}
