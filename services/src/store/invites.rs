//! Invite codes: how staff join a setting with the right role.

use super::now;
use domain::model::{Invite, Role};
use rand::Rng;

/// Letters and digits that cannot be mistaken for one another when read aloud or typed
/// from a printed sheet (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

pub(crate) fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

const USABLE: &str =
    "revoked_at IS NULL AND expires_at > $1 AND (max_uses IS NULL OR uses < max_uses)";

#[engines::both]
mod sql {
    use super::*;

    /// A new code. Codes that make someone a SENCo or an admin work once, whatever is asked:
    /// a leaked one cannot hand out privileged accounts for weeks. Practitioner codes work
    /// `max_uses` times (None: until they expire).
    pub async fn create(
        db: &Db,
        setting_id: i64,
        role: Role,
        days: i64,
        created_by: Option<i64>,
        max_uses: Option<i64>,
    ) -> Result<Invite, sqlx::Error> {
        let now = now();
        let max_uses = if role == Role::Practitioner {
            max_uses
        } else {
            Some(1)
        };
        loop {
            let code = new_code();
            let expires = now + days * 24 * 60 * 60;
            let inserted = sqlx::query!(
            "INSERT INTO invites (code, setting_id, role, created_by, created_at, expires_at, max_uses) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            code,
            setting_id,
            role as _,
            created_by,
            now,
            expires,
            max_uses
        )
        .write_in_turn(db)
        .await;
            match inserted {
                Ok(_) => {
                    return Ok(Invite {
                        code,
                        role,
                        created_at: now,
                        expires_at: expires,
                        revoked: false,
                        uses: 0,
                        max_uses,
                    })
                }
                // A clash among 31^8 codes is vanishingly rare; draw again.
                Err(e) if crate::store::is_unique_violation(&e) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn list(db: &Db, setting_id: i64) -> Result<Vec<Invite>, sqlx::Error> {
        sqlx::query_as!(
            Invite,
            r#"SELECT code AS "code!", role AS "role: Role", created_at, expires_at,
                  revoked_at IS NOT NULL AS "revoked!: bool", uses, max_uses
           FROM invites WHERE setting_id = $1 ORDER BY created_at DESC, code"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// Revokes a code of this setting; false when the setting has no such code.
    pub async fn revoke(db: &Db, setting_id: i64, code: &str) -> Result<bool, sqlx::Error> {
        let at = now();
        let done = sqlx::query!(
        "UPDATE invites SET revoked_at = COALESCE(revoked_at, $1) WHERE setting_id = $2 AND code = $3",
        at,
        setting_id,
        code
    )
    .write_in_turn(db)
    .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The setting and role a code would grant now, without using it.
    pub async fn usable(db: &Db, code: &str) -> Result<Option<(i64, Role)>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT setting_id, role FROM invites WHERE code = $2 AND {USABLE}"
        ))
        .bind(now())
        .bind(code)
        .fetch_optional(db.pool())
        .await
    }

    /// The setting and role a usable code grants, counting one use. Runs inside the caller's
    /// transaction so that a failed account creation does not use the code up.
    /// The third value is the address a personal invite (from a staff import) was made for.
    pub async fn redeem(
        tx: &mut Conn,
        code: &str,
    ) -> Result<Option<(i64, Role, Option<String>)>, sqlx::Error> {
        sqlx::query_as(&format!(
        "UPDATE invites SET uses = uses + 1 WHERE code = $2 AND {USABLE} RETURNING setting_id, role, email"
    ))
    .bind(now())
    .bind(code)
    .fetch_optional(&mut *tx)
    .await
    }

    /// The settings of a network (those that joined it) whose staff import named `email`
    /// in a personal invite still usable: where a trust's sign-on may place the person.
    pub async fn personal_in_network(
        tx: &mut Conn,
        network_id: i64,
        email: &str,
    ) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar(&format!(
            "SELECT DISTINCT i.setting_id FROM invites i
             JOIN network_settings ns ON ns.setting_id = i.setting_id
             WHERE ns.network_id = $2 AND ns.accepted_at IS NOT NULL
               AND i.email = $3 COLLATE NOCASE AND {USABLE}
             ORDER BY i.setting_id"
        ))
        .bind(now())
        .bind(network_id)
        .bind(email)
        .fetch_all(&mut *tx)
        .await
    }

    /// The role a staff import's personal invite gives `email` in the setting, spending the
    /// invite: the person signed in with their school account instead of using the code.
    pub async fn take_personal(
        tx: &mut Conn,
        setting_id: i64,
        email: &str,
    ) -> Result<Option<Role>, sqlx::Error> {
        sqlx::query_scalar(&format!(
            "UPDATE invites SET uses = uses + 1 WHERE code = (
           SELECT code FROM invites WHERE setting_id = $2 AND email = $3 COLLATE NOCASE AND {USABLE}
           ORDER BY created_at DESC LIMIT 1)
         RETURNING role"
        ))
        .bind(now())
        .bind(setting_id)
        .bind(email)
        .fetch_optional(&mut *tx)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{settings, test_db};
    use domain::model::Sector;

    #[tokio::test]
    async fn codes_redeem_until_revoked_or_expired() {
        let db = test_db::fresh().await;
        let s = settings::create(&db, "Oak", Sector::SchoolAge)
            .await
            .unwrap();
        let invite = create(&db, s, Role::Practitioner, 7, None, None)
            .await
            .unwrap();
        assert_eq!(invite.code.len(), 9);
        let mut conn = crate::store::write(&db).await.unwrap();
        assert_eq!(
            redeem(&mut conn, &invite.code).await.unwrap(),
            Some((s, Role::Practitioner, None))
        );
        assert_eq!(redeem(&mut conn, "ZZZZ-ZZZZ").await.unwrap(), None);
        conn.commit().await.unwrap();
        assert!(revoke(&db, s, &invite.code).await.unwrap());
        let mut conn = crate::store::write(&db).await.unwrap();
        assert_eq!(redeem(&mut conn, &invite.code).await.unwrap(), None);
        conn.commit().await.unwrap();
        let listed = list(&db, s).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].revoked);
        assert_eq!(listed[0].uses, 1);
    }

    #[tokio::test]
    async fn privileged_codes_work_once_and_others_as_often_as_the_admin_chose() {
        let db = test_db::fresh().await;
        let s = settings::create(&db, "Oak", Sector::SchoolAge)
            .await
            .unwrap();
        let senco = create(&db, s, Role::Senco, 7, None, None).await.unwrap();
        let admin = create(&db, s, Role::Admin, 7, None, Some(50))
            .await
            .unwrap();
        let twice = create(&db, s, Role::Practitioner, 7, None, Some(2))
            .await
            .unwrap();
        assert_eq!(
            (senco.max_uses, admin.max_uses, twice.max_uses),
            (Some(1), Some(1), Some(2))
        );
        let mut conn = crate::store::write(&db).await.unwrap();
        for (code, uses) in [(&senco.code, 1), (&admin.code, 1), (&twice.code, 2)] {
            for _ in 0..uses {
                assert!(redeem(&mut conn, code).await.unwrap().is_some());
            }
            assert_eq!(
                redeem(&mut conn, code).await.unwrap(),
                None,
                "{code} is used up"
            );
        }
        conn.commit().await.unwrap();
        assert_eq!(usable(&db, &twice.code).await.unwrap(), None);
    }

    #[tokio::test]
    async fn expired_codes_do_not_redeem() {
        let db = test_db::fresh().await;
        let s = settings::create(&db, "Oak", Sector::SchoolAge)
            .await
            .unwrap();
        let invite = create(&db, s, Role::Practitioner, 1, None, None)
            .await
            .unwrap();
        test_db::execute(&db, "UPDATE invites SET expires_at = $1", &[now() - 1]).await;
        let mut conn = crate::store::write(&db).await.unwrap();
        assert_eq!(redeem(&mut conn, &invite.code).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_setting_cannot_revoke_another_settings_code() {
        let db = test_db::fresh().await;
        let a = settings::create(&db, "Oak", Sector::SchoolAge)
            .await
            .unwrap();
        let b = settings::create(&db, "Elm", Sector::SchoolAge)
            .await
            .unwrap();
        let invite = create(&db, a, Role::Practitioner, 7, None, None)
            .await
            .unwrap();
        assert!(!revoke(&db, b, &invite.code).await.unwrap());
        assert!(!list(&db, a).await.unwrap()[0].revoked);
    }
}
