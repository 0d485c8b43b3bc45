//! The community's posts, replies, marks, follows, reports and moderation. Who may see a
//! post is one SQL rule (`VISIBLE`, described in `domain::community`), used by every read,
//! so a list, a search, a thread and a reply can never disagree about it.

use super::filter::Filtered;
use super::{now, Db};
use domain::community::{Area, Checked, PostKind, PostSummary, Space};
use domain::model::{Role, Sector};

/// The person asking, as the visibility rule needs them.
#[derive(Clone, Copy, Debug)]
pub struct Who {
    pub user_id: i64,
    pub setting_id: i64,
    /// A SENCo or admin: moderates their own setting's posts.
    pub setting_moderator: bool,
}

/// `p` is visible to `?1` (user id) of `?2` (setting id), `?3` (1 when a setting moderator).
pub(crate) const VISIBLE: &str = "p.deleted_at IS NULL
    AND ((p.network_id IS NULL AND p.setting_id = ?2)
         OR EXISTS (SELECT 1 FROM network_settings ns WHERE ns.network_id = p.network_id AND ns.setting_id = ?2 AND ns.accepted_at IS NOT NULL))
    AND (p.hidden_at IS NULL OR p.author_id = ?1 OR (?3 AND p.setting_id = ?2)
         OR EXISTS (SELECT 1 FROM network_moderators m WHERE m.network_id = p.network_id AND m.user_id = ?1))";

/// Whether `?1`/`?2`/`?3` moderate post `p`.
const MODERATES: &str = "((?3 AND p.setting_id = ?2)
    OR EXISTS (SELECT 1 FROM network_moderators m WHERE m.network_id = p.network_id AND m.user_id = ?1))";

/// How an author is shown: their name, or "Former member" once their account is closed.
const AUTHOR: &str = "CASE WHEN u.active THEN u.display_name ELSE 'Former member' END";

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PostRow {
    pub id: String,
    pub kind: PostKind,
    pub title: String,
    pub area: Area,
    pub sector: Sector,
    pub age: String,
    pub module_key: Option<String>,
    pub need: String,
    pub tried: String,
    pub outcome: String,
    pub change: String,
    pub body: String,
    pub author_id: i64,
    pub author: String,
    pub author_role: Role,
    pub author_specialist: bool,
    pub author_expertise: String,
    pub setting_id: i64,
    pub setting_name: String,
    pub network_id: Option<i64>,
    pub network_name: Option<String>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub hidden_reason: Option<String>,
    pub accepted_reply_id: Option<String>,
    pub reply_count: i64,
    pub helpful_count: i64,
    pub source_entry_id: Option<String>,
    pub moderator: bool,
    pub helpful_mine: bool,
    pub following: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ReplyRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub author_id: i64,
    pub author: String,
    pub author_role: Role,
    pub author_specialist: bool,
    pub author_expertise: String,
    pub setting_name: String,
    pub body: String,
    pub helpful_count: i64,
    pub created_at: i64,
    pub hidden_reason: Option<String>,
    pub helpful_mine: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ListFilters<'a> {
    pub kind: Option<PostKind>,
    pub sector: Option<Sector>,
    pub area: Option<Area>,
    pub module: Option<&'a str>,
    /// Some(true): questions with an answer that helped; Some(false): questions still open.
    pub answered: Option<bool>,
    pub words: &'a [String],
}

pub struct NewPost<'a> {
    pub id: &'a str,
    pub author_id: i64,
    pub setting_id: i64,
    pub network_id: Option<i64>,
    pub post: &'a Checked,
    pub source_entry_id: Option<&'a str>,
}

/// What came of a write whose id the browser made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Stored now, or by an earlier try of the same write.
    Done,
    /// The id is someone else's.
    NotYours,
    /// The person has written `DAILY_WRITES` posts, replies and edits in the last day.
    Full,
}

/// Posts, replies and edits one person may store in a day: far more than anyone writes, and
/// a ceiling on what a runaway script (or a person pasting in a loop) can fill the database
/// with.
pub const DAILY_WRITES: i64 = 100;

/// Versions of a post kept: the newest, as the learning log keeps a bounded number of
/// conflicts. Older ones are dropped.
pub const KEPT_REVISIONS: i64 = 20;

/// Counts one of the day's writes for `author_id` (a counter of its own, so dropping old
/// versions of a post gives nothing back); true when the day's writes were already used up
/// (then nothing is stored).
async fn full(tx: &mut sqlx::SqliteConnection, author_id: i64) -> Result<bool, sqlx::Error> {
    const DAY: super::rate_limit::Limit = super::rate_limit::Limit {
        max_hits: DAILY_WRITES,
        window_secs: 24 * 60 * 60,
    };
    let within =
        super::rate_limit::count_in(tx, &format!("community:writes:{author_id}"), &DAY).await?;
    Ok(!within)
}

fn binds<'q>(
    query: sqlx::query::QueryAs<'q, sqlx::Sqlite, PostRow, sqlx::sqlite::SqliteArguments<'q>>,
    who: Who,
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, PostRow, sqlx::sqlite::SqliteArguments<'q>> {
    query
        .bind(who.user_id)
        .bind(who.setting_id)
        .bind(who.setting_moderator)
}

/// What became of an earlier write with this id, if there was one: `owner_sql` selects the
/// id's owner. Ids are made by browsers, so a retry finds its first try here.
pub(crate) async fn earlier(
    tx: &mut super::WriteTx,
    owner_sql: &str,
    id: &str,
    user_id: i64,
) -> Result<Option<Stored>, sqlx::Error> {
    let owner: Option<i64> = sqlx::query_scalar(owner_sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(owner.map(|owner| {
        if owner == user_id {
            Stored::Done
        } else {
            Stored::NotYours
        }
    }))
}

pub async fn create_post(db: &Db, new: &NewPost<'_>) -> Result<Stored, sqlx::Error> {
    let mut tx = super::write(db).await?;
    if let Some(stored) = earlier(
        &mut tx,
        "SELECT author_id FROM posts WHERE id = ?",
        new.id,
        new.author_id,
    )
    .await?
    {
        return Ok(stored);
    }
    if full(&mut tx, new.author_id).await? {
        return Ok(Stored::Full);
    }
    let p = new.post;
    let at = now();
    sqlx::query(
        "INSERT INTO posts (id, author_id, setting_id, network_id, kind, title, area, sector, age, module_key,
                            need, tried, outcome, change, body, source_entry_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new.id)
    .bind(new.author_id)
    .bind(new.setting_id)
    .bind(new.network_id)
    .bind(p.kind)
    .bind(&p.title)
    .bind(p.area)
    .bind(p.sector)
    .bind(&p.age)
    .bind(&p.module)
    .bind(&p.need)
    .bind(&p.tried)
    .bind(&p.outcome)
    .bind(&p.change)
    .bind(&p.body)
    .bind(new.source_entry_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    follow_in(&mut tx, new.author_id, new.id, true).await?;
    tx.commit().await?;
    Ok(Stored::Done)
}

fn post_select() -> String {
    format!(
        "SELECT p.id, p.kind, p.title, p.area, p.sector, p.age, p.module_key, p.need, p.tried, p.outcome, p.change, p.body,
                p.author_id, {AUTHOR} AS author, u.role AS author_role, u.specialist AS author_specialist,
                u.expertise AS author_expertise, p.setting_id, s.name AS setting_name, p.network_id,
                n.name AS network_name, p.created_at, p.edited_at, p.hidden_reason, p.accepted_reply_id,
                p.reply_count, p.helpful_count,
                CASE WHEN p.author_id = ?1 THEN p.source_entry_id END AS source_entry_id,
                {MODERATES} AS moderator,
                EXISTS (SELECT 1 FROM helpful_marks h WHERE h.user_id = ?1 AND h.target_id = p.id) AS helpful_mine,
                EXISTS (SELECT 1 FROM follows f WHERE f.user_id = ?1 AND f.post_id = p.id) AS following
         FROM posts p JOIN users u ON u.id = p.author_id JOIN settings s ON s.id = p.setting_id
              LEFT JOIN networks n ON n.id = p.network_id"
    )
}

/// A post the person may see (None for any other, so ids reveal nothing).
pub async fn post(db: &Db, who: Who, id: &str) -> Result<Option<PostRow>, sqlx::Error> {
    let sql = format!("{} WHERE p.id = ?4 AND {VISIBLE}", post_select());
    binds(sqlx::query_as(&sql), who)
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// One page of a space, newest first, and how many posts match in all.
pub async fn list(
    db: &Db,
    who: Who,
    space: Space,
    filters: &ListFilters<'_>,
    page: u32,
    size: u32,
) -> Result<(Vec<PostSummary>, u32), sqlx::Error> {
    let select = format!(
        "SELECT p.id, p.kind, p.title, p.area, p.sector, p.age, p.module_key,
                substr(CASE WHEN p.kind = 'example' THEN p.need ELSE p.body END, 1, 220) AS excerpt,
                {AUTHOR} AS author, s.name AS setting_name, p.created_at, p.reply_count, p.helpful_count,
                p.accepted_reply_id IS NOT NULL AS answered, p.hidden_at IS NOT NULL AS hidden
         FROM posts p JOIN users u ON u.id = p.author_id JOIN settings s ON s.id = p.setting_id"
    );
    let query = |head: &str| {
        let hidden_setting = who.setting_moderator.then_some(who.setting_id);
        let filtered = Filtered::new(head)
            .and_sql("p.deleted_at IS NULL")
            .and_each(
                "(p.hidden_at IS NULL OR p.author_id = ? OR p.setting_id = ? OR EXISTS (SELECT 1 FROM network_moderators m WHERE m.network_id = p.network_id AND m.user_id = ?))",
                vec![who.user_id, hidden_setting.unwrap_or(-1), who.user_id],
            );
        let filtered = match space {
            // The caller has checked that the person's setting belongs to the network.
            Space::Network(id) => filtered.and("p.network_id = ?", Some(id)),
            Space::Setting => filtered
                .and_sql("p.network_id IS NULL")
                .and("p.setting_id = ?", Some(who.setting_id)),
        };
        filtered
            .and(
                "p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)",
                super::learning_log::fts_terms(filters.words),
            )
            .and("p.kind = ?", filters.kind.map(PostKind::as_str))
            .and("p.sector = ?", filters.sector.map(Sector::as_str))
            .and("p.area = ?", filters.area.map(Area::as_str))
            .and("p.module_key = ?", filters.module)
            .and(
                "p.kind = 'question' AND (p.accepted_reply_id IS NOT NULL) = ?",
                filters.answered,
            )
    };
    let total: i64 = query("SELECT COUNT(*) FROM posts p")
        .then("")
        .build_query_scalar()
        .fetch_one(db.pool())
        .await?;
    let offset = (page.max(1) - 1) as i64 * size as i64;
    let rows = query(&select)
        .then(&format!(
            "ORDER BY p.created_at DESC, p.id LIMIT {size} OFFSET {offset}"
        ))
        .build_query_as()
        .fetch_all(db.pool())
        .await?;
    Ok((rows, total as u32))
}

/// The replies of a post the person may see, oldest first; hidden ones only for their
/// author and the post's moderators.
pub async fn replies(db: &Db, who: Who, post: &PostRow) -> Result<Vec<ReplyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT r.id, r.parent_id, r.author_id, {AUTHOR} AS author, u.role AS author_role,
                u.specialist AS author_specialist, u.expertise AS author_expertise, s.name AS setting_name,
                r.body, r.helpful_count, r.created_at, r.hidden_reason,
                EXISTS (SELECT 1 FROM helpful_marks h WHERE h.user_id = ?1 AND h.target_id = r.id) AS helpful_mine
         FROM replies r JOIN users u ON u.id = r.author_id JOIN settings s ON s.id = u.setting_id
         WHERE r.post_id = ?2 AND r.deleted_at IS NULL AND (r.hidden_at IS NULL OR r.author_id = ?1 OR ?3)
         ORDER BY r.created_at, r.id"
    ))
    .bind(who.user_id)
    .bind(&post.id)
    .bind(post.moderator)
    .fetch_all(db.pool())
    .await
}

pub struct NewReply<'a> {
    pub id: &'a str,
    pub post_id: &'a str,
    pub parent_id: Option<&'a str>,
    pub author_id: i64,
    pub body: &'a str,
}

/// Adds a reply (the caller has checked the post is visible and the parent is its own).
/// The author follows the thread from then on.
pub async fn add_reply(db: &Db, new: &NewReply<'_>) -> Result<Stored, sqlx::Error> {
    let mut tx = super::write(db).await?;
    if let Some(stored) = earlier(
        &mut tx,
        "SELECT author_id FROM replies WHERE id = ?",
        new.id,
        new.author_id,
    )
    .await?
    {
        return Ok(stored);
    }
    if full(&mut tx, new.author_id).await? {
        return Ok(Stored::Full);
    }
    sqlx::query(
        "INSERT INTO replies (id, post_id, parent_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(new.id)
    .bind(new.post_id)
    .bind(new.parent_id)
    .bind(new.author_id)
    .bind(new.body)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE posts SET reply_count = reply_count + 1 WHERE id = ?")
        .bind(new.post_id)
        .execute(&mut *tx)
        .await?;
    follow_in(&mut tx, new.author_id, new.post_id, true).await?;
    tx.commit().await?;
    Ok(Stored::Done)
}

/// Whether `reply_id` is a live reply of `post_id`.
pub async fn reply_of(db: &Db, post_id: &str, reply_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT 1 FROM replies WHERE id = ? AND post_id = ? AND deleted_at IS NULL",
    )
    .bind(reply_id)
    .bind(post_id)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

/// Marks the answer that helped (None: none does).
pub async fn accept(db: &Db, post_id: &str, reply_id: Option<&str>) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query("UPDATE posts SET accepted_reply_id = ? WHERE id = ?")
        .bind(reply_id)
        .bind(post_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// "Helpful" on a post or one of its replies, once per person; false if already marked.
pub async fn mark_helpful(
    db: &Db,
    user_id: i64,
    post_id: &str,
    reply_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let mut tx = super::write(db).await?;
    let target = reply_id.unwrap_or(post_id);
    let added = sqlx::query(
        "INSERT INTO helpful_marks (user_id, target_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(target)
    .bind(now())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if added {
        let table = if reply_id.is_some() {
            "replies"
        } else {
            "posts"
        };
        sqlx::query(&format!(
            "UPDATE {table} SET helpful_count = helpful_count + 1 WHERE id = ?"
        ))
        .bind(target)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}

async fn follow_in(
    tx: &mut super::WriteTx,
    user_id: i64,
    post_id: &str,
    on: bool,
) -> Result<(), sqlx::Error> {
    let sql = if on {
        "INSERT INTO follows (user_id, post_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM follows WHERE user_id = ?1 AND post_id = ?2 AND ?3 IS NOT NULL"
    };
    sqlx::query(sql)
        .bind(user_id)
        .bind(post_id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn follow(db: &Db, user_id: i64, post_id: &str, on: bool) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    follow_in(&mut tx, user_id, post_id, on).await?;
    tx.commit().await
}

/// The threads a person follows that they may still see: their addresses, for keeping on
/// their devices.
pub async fn followed(db: &Db, who: Who) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT p.id, p.title FROM follows f JOIN posts p ON p.id = f.post_id
         WHERE f.user_id = ?1 AND {VISIBLE} ORDER BY f.created_at DESC"
    ))
    .bind(who.user_id)
    .bind(who.setting_id)
    .bind(who.setting_moderator)
    .fetch_all(db.pool())
    .await
}

/// An author's change to their post; the text before it is kept (the newest
/// `KEPT_REVISIONS` versions). NotYours: not the author's (or deleted).
pub async fn edit_post(
    db: &Db,
    author_id: i64,
    id: &str,
    post: &Checked,
) -> Result<Stored, sqlx::Error> {
    let mut tx = super::write(db).await?;
    if full(&mut tx, author_id).await? {
        return Ok(Stored::Full);
    }
    let at = now();
    let kept = sqlx::query(
        "INSERT INTO post_revisions (post_id, title, need, tried, outcome, change, body, saved_at)
         SELECT id, title, need, tried, outcome, change, body, ? FROM posts
         WHERE id = ? AND author_id = ? AND deleted_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .bind(author_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if kept == 0 {
        return Ok(Stored::NotYours);
    }
    sqlx::query(
        "DELETE FROM post_revisions WHERE post_id = ?1 AND id NOT IN
           (SELECT id FROM post_revisions WHERE post_id = ?1 ORDER BY id DESC LIMIT ?2)",
    )
    .bind(id)
    .bind(KEPT_REVISIONS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE posts SET title = ?, area = ?, sector = ?, age = ?, module_key = ?, need = ?, tried = ?,
                          outcome = ?, change = ?, body = ?, edited_at = ? WHERE id = ?",
    )
    .bind(&post.title)
    .bind(post.area)
    .bind(post.sector)
    .bind(&post.age)
    .bind(&post.module)
    .bind(&post.need)
    .bind(&post.tried)
    .bind(&post.outcome)
    .bind(&post.change)
    .bind(&post.body)
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Stored::Done)
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RevisionRow {
    pub title: String,
    pub need: String,
    pub tried: String,
    pub outcome: String,
    pub change: String,
    pub body: String,
    pub saved_at: i64,
}

/// Earlier texts of a post, newest first.
pub async fn revisions(db: &Db, post_id: &str) -> Result<Vec<RevisionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT title, need, tried, outcome, change, body, saved_at FROM post_revisions WHERE post_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(post_id)
    .bind(KEPT_REVISIONS)
    .fetch_all(db.pool())
    .await
}

/// An author deletes their post: its text and history go; the id stays so that a retried
/// write cannot bring it back.
pub async fn delete_post(db: &Db, author_id: i64, id: &str) -> Result<bool, sqlx::Error> {
    let mut tx = super::write(db).await?;
    let done = sqlx::query(
        "UPDATE posts SET deleted_at = ?, title = '', need = '', tried = '', outcome = '', change = '', body = '', age = ''
         WHERE id = ? AND author_id = ? AND deleted_at IS NULL",
    )
    .bind(now())
    .bind(id)
    .bind(author_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    sqlx::query("DELETE FROM post_revisions WHERE post_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM follows WHERE post_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done)
}

pub async fn report(
    db: &Db,
    reporter_id: i64,
    post_id: &str,
    reply_id: Option<&str>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query(
        "INSERT INTO reports (post_id, reply_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(post_id)
    .bind(reply_id)
    .bind(reporter_id)
    .bind(reason)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub post_id: String,
    pub reply_id: Option<String>,
    pub title: String,
    pub excerpt: String,
    pub author: String,
    pub reason: String,
    pub created_at: i64,
    pub hidden: bool,
}

/// Open reports on posts the person moderates, oldest first. Reporters stay anonymous.
pub async fn open_reports(db: &Db, who: Who) -> Result<Vec<ReportRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT r.id, r.post_id, r.reply_id, p.title,
                substr(COALESCE(rp.body, CASE WHEN p.kind = 'example' THEN p.need ELSE p.body END), 1, 300) AS excerpt,
                {AUTHOR} AS author, r.reason, r.created_at,
                COALESCE(rp.hidden_at, p.hidden_at) IS NOT NULL AS hidden
         FROM reports r JOIN posts p ON p.id = r.post_id LEFT JOIN replies rp ON rp.id = r.reply_id
              JOIN users u ON u.id = COALESCE(rp.author_id, p.author_id)
         WHERE r.closed_at IS NULL AND {VISIBLE} AND {MODERATES}
         ORDER BY r.created_at"
    ))
    .bind(who.user_id)
    .bind(who.setting_id)
    .bind(who.setting_moderator)
    .fetch_all(db.pool())
    .await
}

/// A moderator's action on a post or a reply; every one is logged, and closes the reports
/// on what it acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderation {
    Hide,
    Unhide,
    Dismiss,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Moderation> {
        match s {
            "hide" => Some(Moderation::Hide),
            "unhide" => Some(Moderation::Unhide),
            "dismiss" => Some(Moderation::Dismiss),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Moderation::Hide => "hide",
            Moderation::Unhide => "unhide",
            Moderation::Dismiss => "dismiss",
        }
    }
}

pub async fn moderate(
    db: &Db,
    moderator_id: i64,
    post_id: &str,
    reply_id: Option<&str>,
    action: Moderation,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    let at = now();
    let table = if reply_id.is_some() {
        "replies"
    } else {
        "posts"
    };
    let target = reply_id.unwrap_or(post_id);
    match action {
        Moderation::Hide => {
            sqlx::query(&format!(
                "UPDATE {table} SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?"
            ))
            .bind(at)
            .bind(moderator_id)
            .bind(reason)
            .bind(target)
            .execute(&mut *tx)
            .await?;
        }
        Moderation::Unhide => {
            sqlx::query(&format!(
                "UPDATE {table} SET hidden_at = NULL, hidden_by = NULL, hidden_reason = NULL WHERE id = ?"
            ))
            .bind(target)
            .execute(&mut *tx)
            .await?;
        }
        Moderation::Dismiss => {}
    }
    sqlx::query(
        "UPDATE reports SET closed_at = ?, closed_by = ? WHERE post_id = ? AND reply_id IS ? AND closed_at IS NULL",
    )
    .bind(at)
    .bind(moderator_id)
    .bind(post_id)
    .bind(reply_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO moderation_log (moderator_id, post_id, reply_id, action, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(moderator_id)
    .bind(post_id)
    .bind(reply_id)
    .bind(action.as_str())
    .bind(reason)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LogRow {
    pub moderator: String,
    pub action: String,
    pub reason: String,
    pub created_at: i64,
}

/// The moderation of one post (and its replies), newest first.
pub async fn moderation_log(db: &Db, post_id: &str) -> Result<Vec<LogRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.display_name AS moderator, l.action, l.reason, l.created_at
         FROM moderation_log l JOIN users u ON u.id = l.moderator_id WHERE l.post_id = ? ORDER BY l.id DESC",
    )
    .bind(post_id)
    .fetch_all(db.pool())
    .await
}

/// The person has looked at the community now: the navigation's "new" count starts again.
pub async fn mark_seen(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query("UPDATE users SET community_seen_at = ? WHERE id = ?")
        .bind(now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Moves a post (or one of its replies) back in time: for demo data, which tells of weeks
/// of conversation.
pub async fn backdate(db: &Db, id: &str, reply: bool, at: i64) -> Result<(), sqlx::Error> {
    let table = if reply { "replies" } else { "posts" };
    let mut tx = super::write(db).await?;
    sqlx::query(&format!("UPDATE {table} SET created_at = ? WHERE id = ?"))
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// What others see of a person in the community: whether they work in a specialist
/// setting, and their areas of expertise (comma-separated, as they wrote them).
pub async fn set_profile(
    db: &Db,
    user_id: i64,
    specialist: bool,
    expertise: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = super::write(db).await?;
    sqlx::query("UPDATE users SET specialist = ?, expertise = ? WHERE id = ?")
        .bind(specialist)
        .bind(expertise)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The community profile of a person: (specialist, expertise).
pub async fn profile(db: &Db, user_id: i64) -> Result<(bool, String), sqlx::Error> {
    sqlx::query_as("SELECT specialist, expertise FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_one(db.pool())
        .await
}
