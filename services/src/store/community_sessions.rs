//! Community sessions (the monthly "swap and support"): scheduled for a setting or a
//! network, who is coming, who attended (their CPD time), and the notes afterwards.

use super::community::{Stored, Who};
use super::{now, Db};
use domain::community::Space;

/// `cs` is a session of `?2`'s setting, or of a network that setting belongs to.
const VISIBLE: &str = "((cs.network_id IS NULL AND cs.setting_id = ?2)
     OR EXISTS (SELECT 1 FROM network_settings ns WHERE ns.network_id = cs.network_id AND ns.setting_id = ?2 AND ns.accepted_at IS NOT NULL))";

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub topic: String,
    pub starts_at: i64,
    pub minutes: i64,
    pub place: String,
    pub notes: String,
    pub notes_at: Option<i64>,
    pub organiser_id: i64,
    pub organiser: String,
    pub setting_name: String,
    pub network_id: Option<i64>,
    pub coming_count: i64,
    pub coming: bool,
    pub attended: bool,
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub organiser_id: i64,
    pub setting_id: i64,
    pub network_id: Option<i64>,
    pub topic: &'a str,
    pub starts_at: i64,
    pub minutes: i64,
    pub place: &'a str,
}

pub async fn create(db: &Db, new: &NewSession<'_>) -> Result<Stored, sqlx::Error> {
    let mut tx = super::write(db).await?;
    let owner = "SELECT organiser_id FROM community_sessions WHERE id = ?";
    if let Some(stored) =
        super::community::earlier(&mut tx, owner, new.id, new.organiser_id).await?
    {
        return Ok(stored);
    }
    sqlx::query(
        "INSERT INTO community_sessions (id, organiser_id, setting_id, network_id, topic, starts_at, minutes, place, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new.id)
    .bind(new.organiser_id)
    .bind(new.setting_id)
    .bind(new.network_id)
    .bind(new.topic)
    .bind(new.starts_at)
    .bind(new.minutes)
    .bind(new.place)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Stored::Done)
}

fn select() -> String {
    "SELECT cs.id, cs.topic, cs.starts_at, cs.minutes, cs.place, cs.notes, cs.notes_at, cs.organiser_id,
            u.display_name AS organiser, s.name AS setting_name, cs.network_id,
            (SELECT COUNT(*) FROM session_people sp WHERE sp.session_id = cs.id AND sp.coming) AS coming_count,
            EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = cs.id AND sp.user_id = ?1 AND sp.coming) AS coming,
            EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = cs.id AND sp.user_id = ?1 AND sp.attended) AS attended
     FROM community_sessions cs JOIN users u ON u.id = cs.organiser_id JOIN settings s ON s.id = cs.setting_id"
        .to_string()
}

/// The sessions of a space, soonest first.
pub async fn list(db: &Db, who: Who, space: Space) -> Result<Vec<SessionRow>, sqlx::Error> {
    let sql = format!(
        "{} WHERE {VISIBLE} AND cs.network_id IS ?3 AND (cs.network_id IS NOT NULL OR cs.setting_id = ?2) ORDER BY cs.starts_at",
        select()
    );
    sqlx::query_as(&sql)
        .bind(who.user_id)
        .bind(who.setting_id)
        .bind(space.network_id())
        .fetch_all(db.pool())
        .await
}

/// A session the person may see.
pub async fn get(db: &Db, who: Who, id: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    let sql = format!("{} WHERE cs.id = ?3 AND {VISIBLE}", select());
    sqlx::query_as(&sql)
        .bind(who.user_id)
        .bind(who.setting_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// Says the person is coming (or no longer is).
pub async fn set_coming(
    db: &Db,
    session_id: &str,
    user_id: i64,
    coming: bool,
) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query(
        "INSERT INTO session_people (session_id, user_id, coming) VALUES (?1, ?2, ?3)
         ON CONFLICT (session_id, user_id) DO UPDATE SET coming = ?3",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(coming)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Records that the person attended (the caller has checked the session has started).
pub async fn attend(db: &Db, session_id: &str, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query(
        "INSERT INTO session_people (session_id, user_id, coming, attended) VALUES (?1, ?2, 1, 1)
         ON CONFLICT (session_id, user_id) DO UPDATE SET attended = 1",
    )
    .bind(session_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The notes after a session, and the posts discussed (ids the caller has checked).
pub async fn set_notes(
    db: &Db,
    session_id: &str,
    notes: &str,
    post_ids: &[String],
) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query("UPDATE community_sessions SET notes = ?, notes_at = ? WHERE id = ?")
        .bind(notes)
        .bind(now())
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM session_posts WHERE session_id = ?")
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    for post_id in post_ids {
        sqlx::query(
            "INSERT INTO session_posts (session_id, post_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(session_id)
        .bind(post_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The posts linked from a session's notes: (id, title), for those the person may see.
pub async fn linked_posts(
    db: &Db,
    who: Who,
    session_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT p.id, p.title FROM session_posts sp JOIN posts p ON p.id = sp.post_id
         WHERE sp.session_id = ?4 AND p.hidden_at IS NULL AND {} ORDER BY p.title",
        super::community::VISIBLE
    ))
    .bind(who.user_id)
    .bind(who.setting_id)
    .bind(who.setting_moderator)
    .bind(session_id)
    .fetch_all(db.pool())
    .await
}

/// Minutes of community sessions the person attended: part of their CPD time.
pub async fn attended_minutes(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(cs.minutes), 0) FROM session_people sp JOIN community_sessions cs ON cs.id = sp.session_id
         WHERE sp.user_id = ? AND sp.attended",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await
}
