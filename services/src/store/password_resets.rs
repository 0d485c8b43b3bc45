//! A way back in for someone who has forgotten their password: a link emailed to their
//! address (a long random token), or, where Tandem sends no email, a one-time code their
//! setting's admin makes and hands over. Never a password the admin chooses.
//!
//! Only hashes of the secrets are stored. An admin's code is also kept in the clear until
//! the admin's page has shown it once (the form that made it is a plain post, answered by a
//! redirect). A person has at most one reset waiting: a new one ends the last. A used reset
//! stays, without its secret, so that the person is told who set their password by code.

use super::{now, sessions::hash_token};

/// How long an emailed link works.
pub const LINK_TTL_SECS: i64 = 60 * 60;
/// How long an admin's code works: long enough to hand over on the next school day.
pub const CODE_TTL_SECS: i64 = 24 * 60 * 60;
/// How long the person is told, after signing in, that a code from an admin set their password.
pub const NOTICE_SECS: i64 = 30 * 24 * 60 * 60;

/// A random token for an emailed link (256 bits), as a proof's browser token is made.
pub fn new_token() -> String {
    super::proofs::new_token()
}

/// An admin's code, `ABCD-EFGH`, made as invite codes are (letters and digits that cannot
/// be mistaken for one another: 40 bits, guessed only through sign-in's rate limits).
pub fn new_code() -> String {
    super::invites::new_code()
}

/// A code as typed (any case, spaces or dashes anywhere), as it was made.
pub fn normalise_code(typed: &str) -> String {
    let chars: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() == 8 {
        format!("{}-{}", &chars[..4], &chars[4..])
    } else {
        chars
    }
}

fn secret_hash(secret: &str) -> String {
    hash_token(&format!("password-reset:{secret}"))
}

/// An admin's code, shown once: for whom, and until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub code: String,
    pub name: String,
    pub expires_at: i64,
}

/// A reset by an admin's code that set the person's password recently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub admin: String,
    pub at: i64,
}

#[engines::both]
mod sql {
    use super::*;

    /// Makes a reset for `user_id` (ending any earlier one still waiting) and returns its id.
    /// `by_admin`: the admin who made it, whose page shows the code once.
    pub async fn create(
        db: &Db,
        user_id: i64,
        secret: &str,
        by_admin: Option<i64>,
    ) -> Result<String, sqlx::Error> {
        let (id, hash, at) = (new_token(), secret_hash(secret), now());
        let ttl = if by_admin.is_some() {
            CODE_TTL_SECS
        } else {
            LINK_TTL_SECS
        };
        let (expires_at, shown) = (at + ttl, by_admin.map(|_| secret));
        let mut tx = write(db).await?;
        sqlx::query!(
            "DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL",
            user_id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO password_resets (id, user_id, secret_hash, by_admin, shown_code, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            id,
            user_id,
            hash,
            by_admin,
            shown,
            at,
            expires_at
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The code of reset `id`, for the admin of `setting_id` who made it, once: the clear
    /// copy is gone after this.
    pub async fn show_once(
        db: &Db,
        id: &str,
        admin_id: i64,
        setting_id: i64,
    ) -> Result<Option<Shown>, sqlx::Error> {
        let mut tx = write(db).await?;
        let row = sqlx::query!(
            r#"SELECT r.shown_code AS "code!", u.display_name AS name, r.expires_at
               FROM password_resets r JOIN users u ON u.id = r.user_id
               WHERE r.id = $1 AND r.by_admin = $2 AND u.setting_id = $3
                 AND r.shown_code IS NOT NULL AND r.used_at IS NULL"#,
            id,
            admin_id,
            setting_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        if row.is_some() {
            sqlx::query!(
                "UPDATE password_resets SET shown_code = NULL WHERE id = $1",
                id
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(row.map(|r| Shown {
            code: r.code,
            name: r.name,
            expires_at: r.expires_at,
        }))
    }

    /// Whether the emailed link `token` still works (the page asks before the new password).
    pub async fn link_works(db: &Db, token: &str) -> Result<bool, sqlx::Error> {
        let (hash, at) = (secret_hash(token), now());
        let found = sqlx::query_scalar!(
            "SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
             WHERE r.secret_hash = $1 AND r.by_admin IS NULL AND r.used_at IS NULL
               AND r.expires_at > $2 AND u.active = TRUE",
            hash,
            at
        )
        .fetch_optional(db.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Uses a reset to set a new password (`password_hash`), in one write that also ends
    /// every session of the person: an emailed link's token (`email` None), or an admin's
    /// code with the person's address. Returns whose it was; None when it is wrong, used,
    /// expired, or the person is deactivated. Once only: a second tab finds it gone.
    pub async fn redeem(
        db: &Db,
        secret: &str,
        email: Option<&str>,
        password_hash: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        let (hash, at) = (secret_hash(secret), now());
        let mut tx = write(db).await?;
        let found = sqlx::query!(
            r#"SELECT r.id AS "id!", r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
               WHERE r.secret_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.active = TRUE
                 AND (CAST($3 AS TEXT) IS NULL AND r.by_admin IS NULL
                      OR r.by_admin IS NOT NULL AND u.email = $4)"#,
            hash,
            at,
            email,
            email
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let used = sqlx::query!(
            "UPDATE password_resets SET used_at = $1, secret_hash = NULL, shown_code = NULL
             WHERE id = $2 AND used_at IS NULL",
            at,
            found.id
        )
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Ok(None);
        }
        sqlx::query!(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            password_hash,
            found.user_id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM sessions WHERE user_id = $1", found.user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(found.user_id))
    }

    /// The latest reset by an admin's code that set this person's password, within
    /// [`NOTICE_SECS`]: told on their home page, so a reset they did not ask for is seen.
    pub async fn notice(db: &Db, user_id: i64) -> Result<Option<Notice>, sqlx::Error> {
        let since = now() - NOTICE_SECS;
        let row = sqlx::query!(
            r#"SELECT a.display_name AS "admin?: String", r.used_at AS "at!"
               FROM password_resets r LEFT JOIN users a ON a.id = r.by_admin
               WHERE r.user_id = $1 AND r.used_at IS NOT NULL AND r.used_at >= $2
                 AND r.by_admin IS NOT NULL
               ORDER BY r.used_at DESC LIMIT 1"#,
            user_id,
            since
        )
        .fetch_optional(db.pool())
        .await?;
        Ok(row.map(|r| Notice {
            admin: r.admin.unwrap_or_else(|| "your setting's admin".into()),
            at: r.at,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    async fn redeem_now(db: &crate::store::Db, secret: &str, email: Option<&str>) -> Option<i64> {
        redeem(db, secret, email, "new-hash").await.unwrap()
    }

    #[tokio::test]
    async fn an_emailed_link_works_once_and_a_newer_one_ends_it() {
        let db = test_db::fresh().await;
        let (_, sam) = test_db::person(&db, "sam@oak.example", Role::Practitioner, None).await;
        let (first, second) = (new_token(), new_token());
        create(&db, sam, &first, None).await.unwrap();
        assert!(link_works(&db, &first).await.unwrap());
        create(&db, sam, &second, None).await.unwrap();
        assert!(
            !link_works(&db, &first).await.unwrap(),
            "the newer link ends it"
        );
        assert_eq!(redeem_now(&db, &first, None).await, None);
        // A link is not a code: it is refused with an address beside it.
        assert_eq!(
            redeem_now(&db, &second, Some("sam@oak.example")).await,
            None
        );
        let session = crate::store::sessions::create(&db, sam).await.unwrap();
        assert_eq!(redeem_now(&db, &second, None).await, Some(sam));
        assert_eq!(redeem_now(&db, &second, None).await, None, "once only");
        assert_eq!(
            crate::store::users::password_hash(&db, sam)
                .await
                .unwrap()
                .as_deref(),
            Some("new-hash")
        );
        assert!(
            crate::store::sessions::resolve(&db, &session, crate::store::sessions::Badges::Read)
                .await
                .unwrap()
                .is_none(),
            "signed out everywhere"
        );
        assert_eq!(notice(&db, sam).await.unwrap(), None, "nobody else set it");
    }

    #[tokio::test]
    async fn an_admins_code_is_shown_once_and_works_only_with_its_persons_address() {
        let db = test_db::fresh().await;
        let (oak, admin) = test_db::person(&db, "admin@oak.example", Role::Admin, None).await;
        let (_, sam) = test_db::person(&db, "sam@oak.example", Role::Practitioner, Some(oak)).await;
        let (elm, elm_admin) = test_db::person(&db, "admin@elm.example", Role::Admin, None).await;
        let code = new_code();
        let id = create(&db, sam, &code, Some(admin)).await.unwrap();
        // Only the admin who made it, of the person's setting, sees it; and only once.
        assert_eq!(show_once(&db, &id, elm_admin, elm).await.unwrap(), None);
        let shown = show_once(&db, &id, admin, oak).await.unwrap().unwrap();
        assert_eq!(
            (shown.code.as_str(), shown.name.as_str()),
            (code.as_str(), "sam@oak.example")
        );
        assert_eq!(show_once(&db, &id, admin, oak).await.unwrap(), None);
        // As typed, with the wrong address, or without one, it does nothing.
        let typed = normalise_code(&code.to_lowercase().replace('-', " "));
        assert_eq!(typed, code);
        assert_eq!(
            redeem_now(&db, &typed, Some("admin@oak.example")).await,
            None
        );
        assert_eq!(redeem_now(&db, &typed, None).await, None);
        assert_eq!(
            redeem_now(&db, &typed, Some("sam@oak.example")).await,
            Some(sam)
        );
        assert_eq!(redeem_now(&db, &typed, Some("sam@oak.example")).await, None);
        let told = notice(&db, sam).await.unwrap().unwrap();
        assert_eq!(told.admin, "admin@oak.example");
    }
}
