use super::{is_unique_violation, now};
use domain::model::{Me, Member, Preferences, Role, Sector};

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub setting_id: i64,
    pub sector: Sector,
    /// Whether the person has proved the address is theirs (or someone answerable vouches
    /// for it: the operator, a personal invite sent to it, their school's sign-in). An
    /// account that has not cannot be signed in to until it does.
    pub email_proved: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CreateError {
    EmailTaken,
    Db(String),
}

impl From<sqlx::Error> for CreateError {
    fn from(error: sqlx::Error) -> Self {
        if is_unique_violation(&error) {
            CreateError::EmailTaken
        } else {
            CreateError::Db(error.to_string())
        }
    }
}

/// What sign-in needs to know about an account.
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub active: bool,
    pub setting_id: i64,
    pub is_admin: bool,
    pub email_proved: bool,
    pub display_name: String,
    pub email: String,
}

/// One person as stored, with their setting and badge counts (`ME_COLUMNS`).
#[derive(sqlx::FromRow)]
pub(crate) struct MeRow {
    id: i64,
    email: String,
    display_name: String,
    role: Role,
    sector: Sector,
    setting_id: i64,
    setting_name: String,
    /// JSON text (TEXT on both engines).
    preferences: String,
    awaiting_review: i64,
    unread_feedback: i64,
    /// Posts by others the person may see, made since they last looked at the community
    /// (`visible_posts`, without the hidden ones), up to 100 (`COMMUNITY_NEW_SHOWN`).
    community_new: i64,
    time_zone: String,
}

/// The person, and the counts on their navigation badges, in one query (the badges cost no
/// extra round trip on the requests that show them). `CROSS JOIN` keeps SQLite to the
/// setting's people first and then each one's submitted entries (an index on both): left to
/// itself it walked every submitted entry in the database, 15 ms on every SENCo request in
/// a local authority's million entries. PostgreSQL reads it as a plain join.
pub(crate) const ME_COLUMNS: &str =
    "u.id, u.email, u.display_name, u.role, u.sector, u.setting_id, s.name AS setting_name, u.preferences,
     CASE WHEN u.role = 'senco' THEN (SELECT COUNT(*) FROM users a CROSS JOIN log_entries e
                                      WHERE e.user_id = a.id AND a.setting_id = u.setting_id AND e.status = 'submitted') ELSE 0 END
       AS awaiting_review,
     (SELECT COUNT(*) FROM feedback f JOIN log_entries e ON e.id = f.entry_id
      WHERE e.user_id = u.id AND f.read_at IS NULL AND f.author_id <> u.id) AS unread_feedback,
     (SELECT COUNT(*) FROM (SELECT 1 FROM visible_posts p
      WHERE p.viewer_id = u.id AND p.hidden_at IS NULL AND p.author_id <> u.id
        AND p.created_at > COALESCE(u.community_seen_at, u.created_at - 1) LIMIT 100) new_posts)
       AS community_new,
     s.time_zone";

/// `ME_COLUMNS` with the badges read as zero, for requests that show none (`Badges::Skip`).
/// The three counts were most of the time a save or a progress event spent reading who
/// was asking (about 0.3 ms of PostgreSQL's time, for numbers nobody sees).
pub(crate) const ME_COLUMNS_NO_BADGES: &str =
    "u.id, u.email, u.display_name, u.role, u.sector, u.setting_id, s.name AS setting_name, u.preferences,
     CAST(0 AS BIGINT) AS awaiting_review, CAST(0 AS BIGINT) AS unread_feedback, CAST(0 AS BIGINT) AS community_new,
     s.time_zone";

pub(crate) fn me_from_row(row: MeRow) -> Me {
    Me {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: row.role,
        sector: row.sector,
        setting_id: row.setting_id,
        setting_name: row.setting_name,
        // Written only by `set_preferences`; a row from before a field existed reads as
        // the defaults for what is missing.
        preferences: serde_json::from_str(&row.preferences).unwrap_or_default(),
        counts: domain::model::NavCounts {
            awaiting_review: row.awaiting_review as u32,
            unread_feedback: row.unread_feedback as u32,
            community_new: row.community_new as u32,
        },
        zone: domain::zone::Zone::stored(&row.time_zone),
    }
}

const MEMBER_COLUMNS: &str = "id, email, display_name, role, sector, active, last_seen_at,
                              email_verified_at IS NOT NULL AS email_proved";

#[engines::both]
mod sql {
    use super::*;

    /// Creates a person, in their turn (`write`).
    pub async fn create(db: &Db, user: &NewUser<'_>) -> Result<i64, CreateError> {
        let mut tx = write(db).await?;
        let id = create_in(&mut tx, user).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a person inside a write already taken (joining with an invite).
    pub async fn create_in(tx: &mut Conn, user: &NewUser<'_>) -> Result<i64, CreateError> {
        let at = now();
        let proved = user.email_proved.then_some(at);
        let id = sqlx::query_scalar!(
        r#"INSERT INTO users (email, display_name, password_hash, role, setting_id, sector, created_at, email_verified_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id AS "id!""#,
        user.email,
        user.display_name,
        user.password_hash,
        user.role as _,
        user.setting_id,
        user.sector as _,
        at,
        proved,
    )
    .fetch_one(tx)
    .await?;
        Ok(id)
    }

    pub async fn credentials_by_email(
        db: &Db,
        email: &str,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        sqlx::query_as!(
            Credentials,
            r#"SELECT id AS "id!", password_hash, active AS "active: bool", setting_id,
                  role = 'admin' AS "is_admin!: bool",
                  email_verified_at IS NOT NULL AS "email_proved!: bool", display_name, email
           FROM users WHERE email = $1"#,
            email
        )
        .fetch_optional(db.pool())
        .await
    }

    /// The setting a person belongs to.
    pub async fn setting_of(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar!("SELECT setting_id FROM users WHERE id = $1", user_id)
            .fetch_optional(db.pool())
            .await
    }

    /// Where to write to a person: (email, display name).
    pub async fn address(db: &Db, user_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
        Ok(sqlx::query!(
            "SELECT email, display_name FROM users WHERE id = $1 AND erased_at IS NULL",
            user_id
        )
        .fetch_optional(db.pool())
        .await?
        .map(|r| (r.email, r.display_name)))
    }

    pub async fn password_hash(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user_id)
            .fetch_optional(db.pool())
            .await
    }

    pub async fn me(db: &Db, user_id: i64) -> Result<Option<Me>, sqlx::Error> {
        let row: Option<MeRow> = sqlx::query_as(&format!(
        "SELECT {ME_COLUMNS} FROM users u JOIN settings s ON s.id = u.setting_id WHERE u.id = $1 AND u.active = TRUE"
    ))
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
        Ok(row.map(me_from_row))
    }

    pub async fn members(db: &Db, setting_id: i64) -> Result<Vec<Member>, sqlx::Error> {
        let rows: Vec<Member> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM users WHERE setting_id = $1 AND erased_at IS NULL ORDER BY active DESC, display_name COLLATE NOCASE"
    ))
    .bind(setting_id)
    .fetch_all(db.pool())
    .await?;
        Ok(rows)
    }

    pub async fn member(
        db: &Db,
        setting_id: i64,
        user_id: i64,
    ) -> Result<Option<Member>, sqlx::Error> {
        let row: Option<Member> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM users WHERE setting_id = $1 AND id = $2"
        ))
        .bind(setting_id)
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
        Ok(row)
    }

    pub async fn active_admins(db: &Db, setting_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM users WHERE setting_id = $1 AND role = 'admin' AND active = TRUE"#,
        setting_id
    )
    .fetch_one(db.pool())
    .await
    }

    pub async fn set_role(db: &Db, user_id: i64, role: Role) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE users SET role = $1 WHERE id = $2",
            role as _,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// Deactivating also ends every session, so the person is signed out everywhere at once.
    pub async fn set_active(db: &Db, user_id: i64, active: bool) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        // The clock for keeping a leaver's records starts when the account is closed.
        let closed_at = (!active).then(now);
        let stored = active;
        sqlx::query!(
            "UPDATE users SET active = $1, deactivated_at = $2 WHERE id = $3",
            stored,
            closed_at,
            user_id
        )
        .execute(&mut *tx)
        .await?;
        if !active {
            sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
                .execute(&mut *tx)
                .await?;
            // Codes they handed out stop working with them.
            let at = now();
            sqlx::query!(
                "UPDATE invites SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL",
                at,
                user_id
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    pub async fn update_profile(
        db: &Db,
        user_id: i64,
        display_name: &str,
        sector: Sector,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE users SET display_name = $1, sector = $2 WHERE id = $3",
            display_name,
            sector as _,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    pub async fn set_preferences(
        db: &Db,
        user_id: i64,
        preferences: &Preferences,
    ) -> Result<(), sqlx::Error> {
        let json = serde_json::to_string(preferences).unwrap_or_default();
        sqlx::query!(
            "UPDATE users SET preferences = $1 WHERE id = $2",
            json,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// An admin vouches for a person of their setting who could not prove their address by
    /// email (Tandem sends none). False when there is no such person waiting.
    pub async fn confirm(db: &Db, setting_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
        let at = now();
        let done = sqlx::query!(
        "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND setting_id = $3 AND email_verified_at IS NULL AND erased_at IS NULL",
        at,
        user_id,
        setting_id
    )
    .write_in_turn(db)
    .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The person proved their address (an emailed code) inside the caller's write.
    pub async fn mark_proved(tx: &mut Conn, user_id: i64) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
            "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2",
            at,
            user_id
        )
        .execute(tx)
        .await?;
        Ok(())
    }

    pub async fn set_password_hash(db: &Db, user_id: i64, hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            hash,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    pub async fn touch_last_seen(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
            "UPDATE users SET last_seen_at = $1 WHERE id = $2",
            at,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use crate::store::{settings, test_db};

    async fn setting(db: &Db) -> i64 {
        settings::create(db, "Oak Tree Primary", Sector::SchoolAge)
            .await
            .unwrap()
    }

    fn new_user<'a>(email: &'a str, setting_id: i64) -> NewUser<'a> {
        NewUser {
            email,
            display_name: "Sam Jones",
            password_hash: "hash",
            role: Role::Practitioner,
            setting_id,
            sector: Sector::SchoolAge,
            email_proved: true,
        }
    }

    #[tokio::test]
    async fn emails_are_unique_whatever_their_case() {
        let db = test_db::fresh().await;
        let s = setting(&db).await;
        create(&db, &new_user("sam@oak.sch.uk", s)).await.unwrap();
        assert_eq!(
            create(&db, &new_user("SAM@oak.sch.uk", s)).await,
            Err(CreateError::EmailTaken)
        );
        assert!(credentials_by_email(&db, "Sam@Oak.sch.uk")
            .await
            .unwrap()
            .is_some());
    }

    #[tokio::test]
    async fn me_joins_the_setting_and_reads_preferences() {
        let db = test_db::fresh().await;
        let s = setting(&db).await;
        let id = create(&db, &new_user("sam@oak.sch.uk", s)).await.unwrap();
        let prefs = Preferences {
            high_contrast: true,
            ..Default::default()
        };
        set_preferences(&db, id, &prefs).await.unwrap();
        let me = me(&db, id).await.unwrap().unwrap();
        assert_eq!(me.setting_name, "Oak Tree Primary");
        assert_eq!(me.preferences, prefs);
    }

    #[tokio::test]
    async fn deactivated_members_disappear_from_me_and_lose_sessions() {
        let db = test_db::fresh().await;
        let s = setting(&db).await;
        let id = create(&db, &new_user("sam@oak.sch.uk", s)).await.unwrap();
        let token = crate::store::sessions::create(&db, id).await.unwrap();
        set_active(&db, id, false).await.unwrap();
        assert!(me(&db, id).await.unwrap().is_none());
        assert!(
            crate::store::sessions::resolve(&db, &token, crate::store::sessions::Badges::Read)
                .await
                .unwrap()
                .is_none()
        );
        assert!(!member(&db, s, id).await.unwrap().unwrap().active);
    }

    #[tokio::test]
    async fn members_are_only_found_in_their_own_setting() {
        let db = test_db::fresh().await;
        let a = setting(&db).await;
        let b = settings::create(&db, "Riverside College", Sector::Post16)
            .await
            .unwrap();
        let id = create(&db, &new_user("sam@oak.sch.uk", a)).await.unwrap();
        assert!(member(&db, a, id).await.unwrap().is_some());
        assert!(member(&db, b, id).await.unwrap().is_none());
        assert_eq!(members(&db, b).await.unwrap().len(), 0);
    }
}
