//! Proving that someone owns an email address (after joining with an open invite code) or
//! an account (before a school account is linked to it).
//!
//! A proof belongs to the browser that started it: the browser holds a random token in a
//! cookie and only its hash is stored. The emailed code is stored as a hash too. A proof
//! lasts half an hour and allows five wrong codes in all; then it is gone and the person
//! starts again (signing in again), which has its own limits.

use super::{now, sessions::hash_token};
use rand::Rng;

/// How long a proof lasts.
pub const PROOF_TTL_SECS: i64 = 30 * 60;
/// Wrong codes a proof allows, across every code sent for it.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes sent for one proof, and the wait between two.
pub const MAX_SENDS: i64 = 3;
pub const RESEND_AFTER_SECS: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A new account's address (joined with an open invite code).
    Join,
    /// An existing account, before a school account is linked to it.
    Link,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Join => "join",
            Purpose::Link => "link",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub id: String,
    pub user_id: i64,
    pub purpose: Purpose,
    /// The school account to link (Link only).
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub code_sent: bool,
    pub sends: i64,
    pub sent_at: Option<i64>,
    pub email: String,
    pub display_name: String,
    pub has_password: bool,
}

pub(crate) fn new_token() -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A six-digit code, as people read it from an email.
pub fn new_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000))
}

struct Row {
    id: String,
    user_id: i64,
    purpose: String,
    issuer: Option<String>,
    subject: Option<String>,
    code_hash: Option<String>,
    attempts: i64,
    sends: i64,
    sent_at: Option<i64>,
    email: String,
    display_name: String,
    password_hash: String,
}

fn proof(r: Row) -> Proof {
    Proof {
        id: r.id,
        user_id: r.user_id,
        purpose: if r.purpose == "link" {
            Purpose::Link
        } else {
            Purpose::Join
        },
        issuer: r.issuer,
        subject: r.subject,
        code_sent: r.code_hash.is_some(),
        sends: r.sends,
        sent_at: r.sent_at,
        email: r.email,
        display_name: r.display_name,
        has_password: r.password_hash.starts_with("$argon2"),
    }
}

/// Why a code was not sent.
#[derive(Debug, PartialEq, Eq)]
pub enum NotSent {
    /// No such proof (expired, finished, or another browser's).
    Gone,
    /// One was sent less than a minute ago: wait this many seconds.
    Wait(i64),
    /// Enough codes were sent for this proof.
    Enough,
}

/// Why a code was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Gone,
    /// Wrong; this many tries are left.
    Wrong(i64),
    /// Wrong, and that was the last try: the proof is gone.
    TooMany,
}

#[engines::both]
mod sql {
    use super::*;

    /// Starts a proof for `user_id` (ending any earlier one of the same purpose) and returns
    /// the browser's token: the only copy of it.
    pub async fn start(
        tx: &mut Conn,
        user_id: i64,
        purpose: Purpose,
        link: Option<(&str, &str)>,
    ) -> Result<String, sqlx::Error> {
        let token = new_token();
        let (id, at, kind) = (hash_token(&token), now(), purpose.as_str());
        let (issuer, subject) = link.unzip();
        let stale = at - PROOF_TTL_SECS;
        sqlx::query!(
            "DELETE FROM email_proofs WHERE (user_id = $1 AND purpose = $2) OR created_at < $3",
            user_id,
            kind,
            stale
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
        "INSERT INTO email_proofs (id, user_id, purpose, issuer, subject, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        user_id,
        kind,
        issuer,
        subject,
        at
    )
    .execute(&mut *tx)
    .await?;
        Ok(token)
    }

    async fn row(conn: &mut Conn, token: &str) -> Result<Option<Row>, sqlx::Error> {
        let (id, fresh) = (hash_token(token), now() - PROOF_TTL_SECS);
        sqlx::query_as!(
            Row,
            r#"SELECT p.id AS "id!", p.user_id, p.purpose, p.issuer, p.subject, p.code_hash,
                  p.attempts, p.sends, p.sent_at, u.email, u.display_name, u.password_hash
           FROM email_proofs p JOIN users u ON u.id = p.user_id
           WHERE p.id = $1 AND p.created_at >= $2 AND u.active = TRUE"#,
            id,
            fresh
        )
        .fetch_optional(&mut *conn)
        .await
    }

    /// The proof this browser's token names, while it lasts.
    pub async fn find(db: &Db, token: &str) -> Result<Option<Proof>, sqlx::Error> {
        let mut conn = db.pool().acquire().await?;
        Ok(row(&mut conn, token).await?.map(proof))
    }

    /// Makes a new code for the proof (the last one sent stops working) and puts the email in
    /// the outbox, in one write. Returns where it went.
    pub async fn send_code(
        db: &Db,
        token: &str,
        compose: impl FnOnce(&Proof, &str) -> (String, String),
    ) -> Result<Result<String, NotSent>, sqlx::Error> {
        let mut tx = write(db).await?;
        let Some(r) = row(&mut tx, token).await? else {
            return Ok(Err(NotSent::Gone));
        };
        let at = now();
        if let Some(sent) = r.sent_at.filter(|s| at - s < RESEND_AFTER_SECS) {
            return Ok(Err(NotSent::Wait(sent + RESEND_AFTER_SECS - at)));
        }
        if r.sends >= MAX_SENDS {
            return Ok(Err(NotSent::Enough));
        }
        let code = new_code();
        let code_hash = hash_token(&format!("{}:{code}", r.id));
        sqlx::query!(
            "UPDATE email_proofs SET code_hash = $1, sent_at = $2, sends = sends + 1 WHERE id = $3",
            code_hash,
            at,
            r.id
        )
        .execute(&mut *tx)
        .await?;
        let mut p = proof(r);
        p.sends += 1;
        let (subject, body) = compose(&p, &code);
        crate::store::mail::sql::queue(
            &mut tx,
            Some(p.user_id),
            &p.email,
            &p.display_name,
            &subject,
            &body,
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(p.email))
    }

    /// Uses one of the proof's tries, before the code or password is checked, so that a burst
    /// of parallel guesses all count: never more than `MAX_ATTEMPTS` are checked. Returns the
    /// proof and the tries left after this one.
    pub async fn spend_try(
        db: &Db,
        token: &str,
    ) -> Result<Result<(Proof, i64), Refused>, sqlx::Error> {
        let mut tx = write(db).await?;
        let Some(r) = row(&mut tx, token).await? else {
            return Ok(Err(Refused::Gone));
        };
        if r.attempts >= MAX_ATTEMPTS {
            finish(&mut tx, &r.id).await?;
            tx.commit().await?;
            return Ok(Err(Refused::TooMany));
        }
        let left = MAX_ATTEMPTS - r.attempts - 1;
        sqlx::query!(
            "UPDATE email_proofs SET attempts = attempts + 1 WHERE id = $1",
            r.id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok((proof(r), left)))
    }

    /// Checks the code for this browser's proof (spending a try). Right: the proof, for the
    /// caller to finish (`accounts::finish`).
    pub async fn check_code(
        db: &Db,
        token: &str,
        code: &str,
    ) -> Result<Result<Proof, Refused>, sqlx::Error> {
        let (p, left) = match spend_try(db, token).await? {
            Ok(spent) => spent,
            Err(refused) => return Ok(Err(refused)),
        };
        let typed: String = code.chars().filter(char::is_ascii_digit).collect();
        let stored: Option<String> =
            sqlx::query_scalar!("SELECT code_hash FROM email_proofs WHERE id = $1", p.id)
                .fetch_optional(db.pool())
                .await?
                .flatten();
        let given = hash_token(&format!("{}:{typed}", p.id));
        // Both are hex digests of one length; compared without stopping early.
        let right = stored.as_deref().is_some_and(|stored| {
            stored.len() == given.len()
                && stored
                    .bytes()
                    .zip(given.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if right {
            return Ok(Ok(p));
        }
        Ok(Err(wrong(db, &p.id, left).await?))
    }

    /// A wrong code or password: with no tries left, the proof ends.
    pub async fn wrong(db: &Db, id: &str, left: i64) -> Result<Refused, sqlx::Error> {
        if left > 0 {
            return Ok(Refused::Wrong(left));
        }
        let mut tx = write(db).await?;
        finish(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Refused::TooMany)
    }

    /// Ends a proof. False when it had already ended (a second tab finished it first).
    pub async fn finish(tx: &mut Conn, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query!("DELETE FROM email_proofs WHERE id = $1", id)
            .execute(&mut *tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
