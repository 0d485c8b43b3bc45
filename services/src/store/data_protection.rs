//! UK GDPR: erasing a person's records (on request, or when the setting's retention period
//! after they left has passed), and everything Tandem holds about a person (subject access).
//!
//! Erasure keeps the account's row as "Former member" (the feedback they gave others, the
//! sessions they organised and the audit lines about who read what still need someone to
//! point at), with no name, address or password left in it. Their own writing goes:
//! learning-log entries with every revision, the feedback they received, progress,
//! follow-ups, sessions, and their community posts and replies unless the setting keeps
//! posts under "Former member". One line per erasure goes in `data_protection_log`, with
//! counts only.

use super::now;
use serde::Serialize;

/// What an erasure removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    pub people: i64,
    pub entries: i64,
    pub feedback_received: i64,
    pub progress_events: i64,
    pub posts: i64,
    pub replies: i64,
}

impl Erased {
    fn add(&mut self, other: &Erased) {
        self.people += other.people;
        self.entries += other.entries;
        self.feedback_received += other.feedback_received;
        self.progress_events += other.progress_events;
        self.posts += other.posts;
        self.replies += other.replies;
    }
}

/// An admin erases a person of their setting, who must already be deactivated (so nobody
/// is erased by a slip of the hand on the staff list).
pub enum Refusal {
    NotInSetting,
    StillActive,
    AlreadyErased,
}

/// Seconds in a year of the retention period (a calendar year on average).
const YEAR_SECS: i64 = 31_557_600;

/// A setting's data protection choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Policy {
    pub retention_years: i64,
    pub erase_posts: bool,
}

/// One line of the data protection log, as an admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct LogLine {
    pub action: String,
    pub by: Option<String>,
    pub detail: String,
    pub at: i64,
}

/// Everything else Tandem holds about a person, beside their learning log (subject access):
/// their account, who read their entries, feedback they gave, their community writing,
/// the sessions they signed up to, and the proposals they made or answered.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Held {
    pub account: Account,
    pub identities: Vec<Linked>,
    pub audit_about_you: Vec<Audit>,
    pub feedback_you_gave: Vec<Given>,
    pub community_posts: Vec<Post>,
    pub community_replies: Vec<Reply>,
    pub community_sessions: Vec<Session>,
    pub reports_you_made: Vec<Report>,
    /// What they chose for each proposal their SENCo offered them.
    pub proposals_you_answered: Vec<ProposalAnswer>,
    /// What they proposed to their staff, as a SENCo.
    pub proposals_you_made: Vec<ProposalMade>,
}

#[derive(Clone, Debug, Default, Serialize, sqlx::FromRow)]
pub struct Account {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub sector: String,
    pub setting: String,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub preferences: String,
    pub specialist: bool,
    pub expertise: String,
    pub active: bool,
    pub deactivated_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Linked {
    pub issuer: String,
    pub subject: String,
    pub linked_at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Audit {
    pub who: String,
    pub action: String,
    pub entry_id: Option<String>,
    pub at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Given {
    pub to: String,
    pub entry_id: String,
    pub action: String,
    pub body: String,
    pub at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Post {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub need: String,
    pub tried: String,
    pub outcome: String,
    pub change: String,
    pub body: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Reply {
    pub id: String,
    pub post_id: String,
    pub body: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Session {
    pub topic: String,
    pub starts_at: i64,
    pub minutes: i64,
    pub coming: bool,
    pub attended: bool,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Report {
    pub post_id: String,
    pub reason: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ProposalAnswer {
    pub title: String,
    pub kind: String,
    /// True: added to their plan; false: not for them.
    pub added_to_plan: bool,
    pub answered_at: i64,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ProposalMade {
    pub title: String,
    pub kind: String,
    pub area: String,
    pub details: String,
    pub created_at: i64,
    pub withdrawn_at: Option<i64>,
}

#[engines::both]
mod sql {
    use super::*;

    /// Erases one person's records inside the caller's write transaction.
    async fn erase_in(
        tx: &mut Conn,
        user_id: i64,
        erase_posts: bool,
    ) -> Result<Erased, sqlx::Error> {
        let at = now();
        let person = sqlx::query!(
            "SELECT email, display_name, setting_id FROM users WHERE id = $1",
            user_id
        )
        .fetch_one(&mut *tx)
        .await?;
        forget_elsewhere(
            tx,
            user_id,
            &person.email,
            &person.display_name,
            person.setting_id,
        )
        .await?;
        let mut erased = Erased {
        people: 1,
        entries: sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM log_entries WHERE user_id = $1"#, user_id)
            .fetch_one(&mut *tx)
            .await?,
        feedback_received: sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!" FROM feedback f JOIN log_entries e ON e.id = f.entry_id WHERE e.user_id = $1"#,
            user_id
        )
        .fetch_one(&mut *tx)
        .await?,
        progress_events: sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!" FROM progress_events WHERE user_id = $1"#,
            user_id
        )
        .fetch_one(&mut *tx)
        .await?,
        ..Erased::default()
    };
        // Entries take their revisions, submissions, feedback and audit lines about them along
        // (ON DELETE CASCADE); audit lines without an entry (a SENCo opened the person's page)
        // stay: they hold no content.
        let id = user_id;
        for query in [
            sqlx::query!("DELETE FROM log_entries WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM progress_events WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM section_progress WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM progress_days WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM follow_ups WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM self_review_answers WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM self_reviews WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM plan_events WHERE owner_id = $1", id),
            sqlx::query!("DELETE FROM plans WHERE user_id = $1", id),
            // What they said on a colleague's plan stays in its history, without a name.
            sqlx::query!(
                "UPDATE plan_events SET actor_id = NULL WHERE actor_id = $1",
                id
            ),
            sqlx::query!("DELETE FROM plan_proposal_answers WHERE user_id = $1", id),
            // A SENCo's proposals stay for her staff, without her name.
            sqlx::query!(
                "UPDATE plan_proposals SET author_id = NULL WHERE author_id = $1",
                id
            ),
            sqlx::query!("DELETE FROM sessions WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM op_outcomes WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM helpful_marks WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM follows WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM session_people WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM user_identities WHERE user_id = $1", id),
            sqlx::query!("DELETE FROM network_moderators WHERE user_id = $1", id),
            sqlx::query!("UPDATE reports SET reason = '' WHERE reporter_id = $1", id),
        ] {
            query.execute(&mut *tx).await?;
        }
        if erase_posts {
            sqlx::query!(
            "DELETE FROM post_revisions WHERE post_id IN (SELECT id FROM posts WHERE author_id = $1)",
            id
        )
        .execute(&mut *tx)
        .await?;
            erased.posts = sqlx::query!(
            "UPDATE posts SET deleted_at = COALESCE(deleted_at, $1), title = '', need = '', tried = '', outcome = '', change = '', body = '', age = ''
             WHERE author_id = $2 AND title || need || tried || outcome || change || body || age != ''",
            at,
            id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
            erased.replies = sqlx::query!(
            "UPDATE replies SET deleted_at = COALESCE(deleted_at, $1), body = '' WHERE author_id = $2 AND body != ''",
            at,
            id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
        }
        sqlx::query!(
        "UPDATE users SET email = 'erased-' || id || '@erased.invalid', display_name = 'Former member',
           password_hash = '!erased', preferences = '{}', active = FALSE, specialist = FALSE, expertise = '',
           deactivated_at = COALESCE(deactivated_at, $1), erased_at = $1
         WHERE id = $2",
        at,
        id
    )
    .execute(&mut *tx)
    .await?;
        Ok(erased)
    }

    /// Where a person's name and address sit in rows that are not theirs: invites made for
    /// them, staff import files that listed them, and "shared by <name>" at the top of
    /// colleagues' "I tried this" entries (and those entries' earlier versions).
    async fn forget_elsewhere(
        tx: &mut Conn,
        user_id: i64,
        email: &str,
        name: &str,
        setting_id: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
        "UPDATE invites SET email = NULL, display_name = NULL WHERE setting_id = $1 AND email = $2 COLLATE NOCASE",
        setting_id,
        email
    )
    .execute(&mut *tx)
    .await?;
        sqlx::query!(
            "DELETE FROM mail_outbox WHERE user_id = $1 OR to_email = $2 COLLATE NOCASE",
            user_id,
            email
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM email_proofs WHERE user_id = $1", user_id)
            .execute(&mut *tx)
            .await?;
        let imports = sqlx::query!(
        r#"SELECT id AS "id!", rows, bad FROM staff_imports
         WHERE setting_id = $1 AND (instr(lower(rows), lower($2)) > 0 OR instr(lower(bad), lower($2)) > 0)"#,
        setting_id,
        email
    )
    .fetch_all(&mut *tx)
    .await?;
        for import in imports {
            let without = |json: &str, field: &str| {
                let list: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
                let kept: Vec<serde_json::Value> = list
                    .into_iter()
                    .filter(|row| {
                        !row[field]
                            .as_str()
                            .is_some_and(|v| v.to_lowercase().contains(&email.to_lowercase()))
                    })
                    .collect();
                serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into())
            };
            let (rows, bad) = (without(&import.rows, "email"), without(&import.bad, "text"));
            sqlx::query!(
                "UPDATE staff_imports SET rows = $1, bad = $2 WHERE id = $3",
                rows,
                bad,
                import.id
            )
            .execute(&mut *tx)
            .await?;
        }
        // The opening line `api::community::tried_this` writes: I tried “<title>”, shared by <name> (<setting>).
        let shared_by = format!("shared by {name} (");
        let prefix = domain::community::TRIED_PREFIX;
        sqlx::query!(
            "UPDATE log_entries SET body = replace(body, $1, 'shared by Former member (')
         WHERE instr(body, $1) > 0
           AND section_key IN (SELECT $3 || p.id FROM posts p WHERE p.author_id = $2)",
            shared_by,
            user_id,
            prefix
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE log_entry_revisions SET body = replace(body, $1, 'shared by Former member (')
         WHERE instr(body, $1) > 0
           AND (SELECT e.section_key FROM log_entries e WHERE e.id = entry_id)
               IN (SELECT $3 || p.id FROM posts p WHERE p.author_id = $2)",
            shared_by,
            user_id,
            prefix
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    async fn log(
        tx: &mut Conn,
        setting_id: i64,
        action: &str,
        actor: Option<i64>,
        erased: &Erased,
    ) -> Result<(), sqlx::Error> {
        let detail = serde_json::to_string(erased).unwrap_or_default();
        let at = now();
        sqlx::query!(
        "INSERT INTO data_protection_log (setting_id, action, actor_id, detail, at) VALUES ($1, $2, $3, $4, $5)",
        setting_id,
        action,
        actor,
        detail,
        at
    )
    .execute(&mut *tx)
    .await?;
        Ok(())
    }

    pub async fn erase(
        db: &Db,
        setting_id: i64,
        user_id: i64,
        admin_id: i64,
    ) -> Result<Result<Erased, Refusal>, sqlx::Error> {
        let mut tx = write(db).await?;
        let person = sqlx::query!(
        r#"SELECT u.setting_id, u.active AS "active: bool", u.erased_at, s.erase_posts AS "erase_posts: bool"
         FROM users u JOIN settings s ON s.id = u.setting_id WHERE u.id = $1"#,
        user_id
    )
    .fetch_optional(&mut *tx)
    .await?;
        let erase_posts = match person {
            None => return Ok(Err(Refusal::NotInSetting)),
            Some(p) if p.setting_id != setting_id => return Ok(Err(Refusal::NotInSetting)),
            Some(p) if p.active => return Ok(Err(Refusal::StillActive)),
            Some(p) if p.erased_at.is_some() => return Ok(Err(Refusal::AlreadyErased)),
            Some(p) => p.erase_posts,
        };
        let erased = erase_in(&mut tx, user_id, erase_posts).await?;
        log(&mut tx, setting_id, "erasure", Some(admin_id), &erased).await?;
        tx.commit().await?;
        Ok(Ok(erased))
    }

    /// Erases everyone whose account was closed longer ago than their setting keeps records.
    /// One audit line per setting with anything erased, counts only. Returns the totals.
    pub async fn apply_retention(db: &Db, at: i64) -> Result<Erased, sqlx::Error> {
        let due = sqlx::query!(
            r#"SELECT u.id AS "id!", u.setting_id, s.erase_posts AS "erase_posts: bool"
         FROM users u JOIN settings s ON s.id = u.setting_id
         WHERE u.active = FALSE AND u.erased_at IS NULL AND u.deactivated_at IS NOT NULL
           AND u.deactivated_at < $1 - s.retention_years * $2
         ORDER BY u.setting_id"#,
            at,
            YEAR_SECS
        )
        .fetch_all(db.pool())
        .await?;
        let mut total = Erased::default();
        for group in due.chunk_by(|a, b| a.setting_id == b.setting_id) {
            let mut tx = write(db).await?;
            let mut setting = Erased::default();
            for person in group {
                setting.add(&erase_in(&mut tx, person.id, person.erase_posts).await?);
            }
            log(&mut tx, group[0].setting_id, "retention", None, &setting).await?;
            tx.commit().await?;
            total.add(&setting);
        }
        Ok(total)
    }

    pub async fn policy(db: &Db, setting_id: i64) -> Result<Policy, sqlx::Error> {
        sqlx::query_as!(
        Policy,
        r#"SELECT retention_years, erase_posts AS "erase_posts: bool" FROM settings WHERE id = $1"#,
        setting_id
    )
    .fetch_one(db.pool())
    .await
    }

    pub async fn set_policy(db: &Db, setting_id: i64, policy: &Policy) -> Result<(), sqlx::Error> {
        let erase_posts = policy.erase_posts;
        sqlx::query!(
            "UPDATE settings SET retention_years = $1, erase_posts = $2 WHERE id = $3",
            policy.retention_years,
            erase_posts,
            setting_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    pub async fn log_lines(db: &Db, setting_id: i64) -> Result<Vec<LogLine>, sqlx::Error> {
        sqlx::query_as!(
        LogLine,
        r#"SELECT l.action, u.display_name AS "by?", l.detail, l.at FROM data_protection_log l
         LEFT JOIN users u ON u.id = l.actor_id WHERE l.setting_id = $1 ORDER BY l.at DESC, l.id DESC LIMIT 50"#,
        setting_id
    )
    .fetch_all(db.pool())
    .await
    }

    /// The setting's privacy notice (Markdown; empty: Tandem's default) and when it changed.
    pub async fn privacy_notice(
        db: &Db,
        setting_id: i64,
    ) -> Result<(String, Option<i64>), sqlx::Error> {
        let row = sqlx::query!(
            "SELECT privacy_notice, privacy_updated_at FROM settings WHERE id = $1",
            setting_id
        )
        .fetch_one(db.pool())
        .await?;
        Ok((row.privacy_notice, row.privacy_updated_at))
    }

    pub async fn set_privacy_notice(
        db: &Db,
        setting_id: i64,
        text: &str,
    ) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
            "UPDATE settings SET privacy_notice = $1, privacy_updated_at = $2 WHERE id = $3",
            text,
            at,
            setting_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    pub async fn held(db: &Db, user_id: i64) -> Result<Held, sqlx::Error> {
        let pool = db.pool();
        Ok(Held {
        account: sqlx::query_as!(
            Account,
            r#"SELECT u.email, u.display_name, u.role, u.sector, s.name AS setting, u.created_at, u.last_seen_at,
                    u.preferences, u.specialist AS "specialist: bool", u.expertise, u.active AS "active: bool",
                    u.deactivated_at
             FROM users u JOIN settings s ON s.id = u.setting_id WHERE u.id = $1"#,
            user_id
        )
        .fetch_one(pool)
        .await?,
        identities: sqlx::query_as!(
            Linked,
            "SELECT issuer, subject, linked_at FROM user_identities WHERE user_id = $1",
            user_id
        )
        .fetch_all(pool)
        .await?,
        audit_about_you: sqlx::query_as!(
            Audit,
            "SELECT u.display_name AS who, a.action, a.entry_id, a.at FROM audit_log a JOIN users u ON u.id = a.actor_id
             WHERE a.subject_id = $1 ORDER BY a.at",
            user_id
        )
        .fetch_all(pool)
        .await?,
        feedback_you_gave: sqlx::query_as!(
            Given,
            r#"SELECT u.display_name AS "to", f.entry_id, f.action, f.body, f.created_at AS at
             FROM feedback f JOIN log_entries e ON e.id = f.entry_id JOIN users u ON u.id = e.user_id
             WHERE f.author_id = $1 ORDER BY f.created_at"#,
            user_id
        )
        .fetch_all(pool)
        .await?,
        community_posts: sqlx::query_as!(
            Post,
            r#"SELECT id AS "id!", kind, title, need, tried, outcome, change, body, created_at, deleted_at
             FROM posts WHERE author_id = $1 ORDER BY created_at"#,
            user_id
        )
        .fetch_all(pool)
        .await?,
        community_replies: sqlx::query_as!(
            Reply,
            r#"SELECT id AS "id!", post_id, body, created_at, deleted_at FROM replies WHERE author_id = $1 ORDER BY created_at"#,
            user_id
        )
        .fetch_all(pool)
        .await?,
        community_sessions: sqlx::query_as!(
            Session,
            r#"SELECT c.topic, c.starts_at, c.minutes, p.coming AS "coming: bool", p.attended AS "attended: bool"
             FROM session_people p JOIN community_sessions c ON c.id = p.session_id
             WHERE p.user_id = $1 ORDER BY c.starts_at"#,
            user_id
        )
        .fetch_all(pool)
        .await?,
        reports_you_made: sqlx::query_as!(
            Report,
            "SELECT post_id, reason, created_at FROM reports WHERE reporter_id = $1 ORDER BY created_at",
            user_id
        )
        .fetch_all(pool)
        .await?,
        proposals_you_answered: sqlx::query_as!(
            ProposalAnswer,
            r#"SELECT p.title, p.kind, a.joined AS "added_to_plan: bool", a.answered_at
             FROM plan_proposal_answers a JOIN plan_proposals p ON p.id = a.proposal_id
             WHERE a.user_id = $1 ORDER BY a.answered_at"#,
            user_id
        )
        .fetch_all(pool)
        .await?,
        proposals_you_made: sqlx::query_as!(
            ProposalMade,
            "SELECT title, kind, area, details, created_at, withdrawn_at
             FROM plan_proposals WHERE author_id = $1 ORDER BY created_at",
            user_id
        )
        .fetch_all(pool)
        .await?,
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::community::{self, NewPost, NewReply, Stored};
    use crate::store::Db;
    use crate::store::{test_db, users};
    use domain::community::{Area, Checked, PostKind};
    use domain::model::{Role, Sector};

    async fn write_in_community(db: &Db, user_id: i64, setting_id: i64, id: &str) {
        let post = Checked {
            kind: PostKind::Example,
            title: "Now and next boards".into(),
            area: Area::CommunicationInteraction,
            sector: Sector::SchoolAge,
            age: String::new(),
            module: None,
            need: "Transitions".into(),
            tried: String::new(),
            outcome: String::new(),
            change: String::new(),
            body: String::new(),
        };
        let new = NewPost {
            id,
            author_id: user_id,
            setting_id,
            network_id: None,
            post: &post,
            source_entry_id: None,
        };
        assert_eq!(
            community::create_post(db, &new).await.unwrap(),
            Stored::Done
        );
        let reply = NewReply {
            id: &format!("{id}-reply"),
            post_id: id,
            parent_id: None,
            author_id: user_id,
            body: "It helped.",
        };
        assert_eq!(
            community::add_reply(db, &reply).await.unwrap(),
            Stored::Done
        );
    }

    #[tokio::test]
    async fn only_a_closed_account_of_the_admins_setting_is_erased_and_only_once() {
        let db = test_db::fresh().await;
        let (ash, admin) = test_db::person(&db, "admin@ash.test", Role::Admin, None).await;
        let (_, teacher) = test_db::person(&db, "t@ash.test", Role::Practitioner, Some(ash)).await;
        let (elm, stranger) = test_db::person(&db, "s@elm.test", Role::Practitioner, None).await;
        write_in_community(&db, teacher, ash, "p1").await;

        assert!(matches!(
            erase(&db, ash, teacher, admin).await.unwrap(),
            Err(Refusal::StillActive)
        ));
        users::set_active(&db, stranger, false).await.unwrap();
        assert!(matches!(
            erase(&db, ash, stranger, admin).await.unwrap(),
            Err(Refusal::NotInSetting)
        ));
        assert!(matches!(
            erase(&db, elm, 999, admin).await.unwrap(),
            Err(Refusal::NotInSetting)
        ));

        users::set_active(&db, teacher, false).await.unwrap();
        let erased = erase(&db, ash, teacher, admin).await.unwrap().ok().unwrap();
        assert_eq!((erased.people, erased.posts, erased.replies), (1, 1, 1));
        assert!(matches!(
            erase(&db, ash, teacher, admin).await.unwrap(),
            Err(Refusal::AlreadyErased)
        ));

        let held = held(&db, teacher).await.unwrap();
        assert_eq!(held.account.display_name, "Former member");
        assert!(held.account.email.ends_with("@erased.invalid"));
        assert!(held
            .community_posts
            .iter()
            .all(|p| p.title.is_empty() && p.deleted_at.is_some()));
        assert!(held.community_replies.iter().all(|r| r.body.is_empty()));
        let log = log_lines(&db, ash).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].action.as_str(), log[0].by.as_deref()),
            ("erasure", Some("admin@ash.test"))
        );
        assert!(
            log[0].detail.contains("\"posts\":1"),
            "counts only: {}",
            log[0].detail
        );
        assert!(
            log_lines(&db, elm).await.unwrap().is_empty(),
            "another setting's log is its own"
        );
    }

    #[tokio::test]
    async fn retention_erases_those_closed_longer_than_the_settings_period_keeping_posts_if_asked()
    {
        let db = test_db::fresh().await;
        let (ash, _) = test_db::person(&db, "admin@ash.test", Role::Admin, None).await;
        let (_, teacher) = test_db::person(&db, "t@ash.test", Role::Practitioner, Some(ash)).await;
        write_in_community(&db, teacher, ash, "p1").await;
        let keep_posts = Policy {
            retention_years: 1,
            erase_posts: false,
        };
        set_policy(&db, ash, &keep_posts).await.unwrap();
        assert_eq!(policy(&db, ash).await.unwrap(), keep_posts);
        users::set_active(&db, teacher, false).await.unwrap();

        let now = super::now();
        assert_eq!(
            apply_retention(&db, now + YEAR_SECS / 2).await.unwrap(),
            Erased::default()
        );
        let erased = apply_retention(&db, now + YEAR_SECS + 60).await.unwrap();
        assert_eq!((erased.people, erased.posts, erased.replies), (1, 0, 0));
        let held = held(&db, teacher).await.unwrap();
        assert_eq!(
            held.community_posts[0].title, "Now and next boards",
            "kept as Former member's"
        );
        assert_eq!(
            apply_retention(&db, now + 3 * YEAR_SECS).await.unwrap(),
            Erased::default(),
            "once"
        );
        assert_eq!(log_lines(&db, ash).await.unwrap()[0].action, "retention");

        set_privacy_notice(&db, ash, "We keep records for a year.")
            .await
            .unwrap();
        let (notice, changed) = privacy_notice(&db, ash).await.unwrap();
        assert_eq!(notice, "We keep records for a year.");
        assert!(changed.is_some());
    }
}
