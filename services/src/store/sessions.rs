//! Sessions: a random token in an HttpOnly cookie, of which only a SHA-256 hash is stored.

use super::{now, users};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use domain::model::Me;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a session lasts without signing in again: a school term's fortnight.
pub const SESSION_TTL_SECS: i64 = 14 * 24 * 60 * 60;

pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A name for a session that pages may carry (to tell one sign-in on a device from the
/// next) without carrying anything that could be used as the session.
pub fn tag(token: &str) -> String {
    let digest = Sha256::digest(format!("tandem-session-tag:{token}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether a request reads the counts on the navigation badges with the person (`resolve`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Badges {
    /// Pages show them, and a few server functions hand them over.
    Read,
    /// Everything else: `Me::counts` is all zeros.
    Skip,
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[engines::both]
mod sql {
    use super::*;

    /// Starts a new session and returns its token (the only copy of it).
    pub async fn create(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
        let token = new_token();
        let (hash, now) = (hash_token(&token), now());
        let expires = now + SESSION_TTL_SECS;
        sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        hash,
        user_id,
        now,
        expires
    )
    .write_in_turn(db)
    .await?;
        // Expired sessions are swept here, at sign-in, rather than by a timer.
        sqlx::query!("DELETE FROM sessions WHERE expires_at <= $1", now)
            .write_in_turn(db)
            .await?;
        Ok(token)
    }

    /// The person behind a token, if the session is current and the account still active;
    /// with their badge counts, or zeros in their place (`Badges`).
    pub async fn resolve(db: &Db, token: &str, badges: Badges) -> Result<Option<Me>, sqlx::Error> {
        let columns = match badges {
            Badges::Read => users::ME_COLUMNS,
            Badges::Skip => users::ME_COLUMNS_NO_BADGES,
        };
        let row = sqlx::query_as(&format!(
        "SELECT {columns} FROM sessions x JOIN users u ON u.id = x.user_id JOIN settings s ON s.id = u.setting_id
         WHERE x.token_hash = $1 AND x.expires_at > $2 AND u.active = TRUE AND u.email_verified_at IS NOT NULL"
    ))
    .bind(hash_token(token))
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
        Ok(row.map(users::me_from_row))
    }

    pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
        let hash = hash_token(token);
        sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", hash)
            .write_in_turn(db)
            .await?;
        Ok(())
    }

    /// Ends every session of a person but the one given (after a password change).
    pub async fn delete_others(db: &Db, user_id: i64, keep_token: &str) -> Result<(), sqlx::Error> {
        let keep = hash_token(keep_token);
        sqlx::query!(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
            user_id,
            keep
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use crate::store::Db;
    use domain::model::Role;

    async fn user(db: &Db) -> i64 {
        test_db::person(db, "a@acorn.org", Role::Practitioner, None)
            .await
            .1
    }

    #[tokio::test]
    async fn a_token_resolves_until_deleted() {
        let db = test_db::fresh().await;
        let id = user(&db).await;
        let token = create(&db, id).await.unwrap();
        assert_eq!(
            resolve(&db, &token, Badges::Read)
                .await
                .unwrap()
                .unwrap()
                .id,
            id
        );
        assert!(resolve(&db, "not-a-token", Badges::Read)
            .await
            .unwrap()
            .is_none());
        delete(&db, &token).await.unwrap();
        assert!(resolve(&db, &token, Badges::Read).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn expired_sessions_do_not_resolve() {
        let db = test_db::fresh().await;
        let id = user(&db).await;
        let token = create(&db, id).await.unwrap();
        test_db::execute(&db, "UPDATE sessions SET expires_at = $1", &[now() - 1]).await;
        assert!(resolve(&db, &token, Badges::Read).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn only_the_hash_is_stored() {
        let db = test_db::fresh().await;
        let id = user(&db).await;
        let token = create(&db, id).await.unwrap();
        let stored = (test_db::text(&db, "SELECT token_hash FROM sessions").await,);
        assert_ne!(stored.0, token);
        assert_eq!(stored.0, hash_token(&token));
    }

    #[tokio::test]
    async fn a_password_change_ends_the_other_sessions() {
        let db = test_db::fresh().await;
        let id = user(&db).await;
        let here = create(&db, id).await.unwrap();
        let elsewhere = create(&db, id).await.unwrap();
        delete_others(&db, id, &here).await.unwrap();
        assert!(resolve(&db, &here, Badges::Read).await.unwrap().is_some());
        assert!(resolve(&db, &elsewhere, Badges::Read)
            .await
            .unwrap()
            .is_none());
    }
}
