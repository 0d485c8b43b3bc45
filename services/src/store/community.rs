//! The community's posts, replies, marks, follows, reports and moderation. Who may see a
//! post is one SQL rule, the `visible_posts` view (migration 0015), which every read of
//! posts goes through (here, the navigation's count in `users` and the digest), so a list,
//! a search, a thread, a report and a count can never disagree about it. How an author is
//! shown is the `community_authors` view.

use super::filter::Filtered;
use super::now;
use super::outcomes::key;
use domain::community::{Area, Checked, PostKind, PostSummary, Space};
use domain::model::{Role, Sector};

/// The person asking. Whether they moderate a post (a SENCo or admin of its setting, a
/// network's moderator) the rule reads from their account, not from here.
#[derive(Clone, Copy, Debug)]
pub struct Who {
    pub user_id: i64,
    /// Their setting, whose own space a list shows.
    pub setting_id: i64,
}

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

impl PostRow {
    /// The post as its compose form shows it, for editing.
    pub fn draft(&self) -> domain::community::Draft {
        domain::community::Draft {
            kind: self.kind.as_str().into(),
            title: self.title.clone(),
            area: self.area.as_str().into(),
            sector: self.sector.as_str().into(),
            age: self.age.clone(),
            module: self.module_key.clone().unwrap_or_default(),
            need: self.need.clone(),
            tried: self.tried.clone(),
            outcome: self.outcome.clone(),
            change: self.change.clone(),
            body: self.body.clone(),
        }
    }
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

/// What makes one page of a space differ from another, for `list_memo`: the space, the
/// filters and page, and the person's setting (the rule shows the posts that are not hidden
/// by the viewer's setting alone: its own space, and the networks it has joined).
fn memo_key(who: Who, space: Space, f: &ListFilters<'_>, page: u32, size: u32) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{:?}|{}|{page}|{size}",
        who.setting_id,
        space.param(),
        f.kind.map(PostKind::as_str).unwrap_or_default(),
        f.sector.map(Sector::as_str).unwrap_or_default(),
        f.area.map(Area::as_str).unwrap_or_default(),
        f.module.unwrap_or_default(),
        f.answered,
        f.words.join(" "),
    )
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

pub struct NewReply<'a> {
    pub id: &'a str,
    pub post_id: &'a str,
    pub parent_id: Option<&'a str>,
    pub author_id: i64,
    pub body: &'a str,
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

/// How far a space's posts are counted: past it, a page says "more than 1,000".
pub const COUNT_LIMIT: u32 = 1000;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LogRow {
    pub moderator: String,
    pub action: String,
    pub reason: String,
    pub created_at: i64,
}

#[engines::both]
mod sql {
    use super::*;

    /// Counts one of the day's writes for `author_id` (a counter of its own, so dropping old
    /// versions of a post gives nothing back); true when the day's writes were already used up
    /// (then nothing is stored).
    async fn full(tx: &mut Conn, author_id: i64) -> Result<bool, sqlx::Error> {
        const DAY: crate::store::rate_limit::Limit = crate::store::rate_limit::Limit {
            max_hits: DAILY_WRITES,
            window_secs: 24 * 60 * 60,
        };
        let within = crate::store::rate_limit::sql::count_in(
            tx,
            &format!("community:writes:{author_id}"),
            &DAY,
        )
        .await?;
        Ok(!within)
    }

    pub async fn create_post(db: &Db, new: &NewPost<'_>) -> Result<Stored, sqlx::Error> {
        let mut tx = write(db).await?;
        let op = key("post", new.id);
        let earlier = crate::store::outcomes::sql::earlier(&mut tx, &op, new.author_id).await?;
        if let Some(stored) = earlier.answer(Stored::NotYours) {
            return Ok(stored);
        }
        if full(&mut tx, new.author_id).await? {
            return Ok(Stored::Full);
        }
        let p = new.post;
        let at = now();
        let made = sqlx::query!(
        "INSERT INTO posts (id, author_id, setting_id, network_id, kind, title, area, sector, age, module_key,
                            need, tried, outcome, change, body, source_entry_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (id) DO NOTHING",
        new.id,
        new.author_id,
        new.setting_id,
        new.network_id,
        p.kind as _,
        p.title,
        p.area as _,
        p.sector as _,
        p.age,
        p.module,
        p.need,
        p.tried,
        p.outcome,
        p.change,
        p.body,
        new.source_entry_id,
        at
    )
    .execute(&mut *tx)
    .await?;
        if made.rows_affected() == 0 {
            // Made before its first answer was swept (`outcomes`): the id is taken once.
            return Ok(Stored::Done);
        }
        follow_in(&mut tx, new.author_id, new.id, true).await?;
        crate::store::outcomes::sql::keep(&mut tx, &op, new.author_id, &Stored::Done).await?;
        tx.commit().await?;
        Ok(Stored::Done)
    }

    /// A post the person may see (None for any other, so ids reveal nothing).
    pub async fn post(db: &Db, who: Who, id: &str) -> Result<Option<PostRow>, sqlx::Error> {
        sqlx::query_as!(
        PostRow,
        r#"SELECT p.id AS "id!", p.kind AS "kind!: PostKind", p.title AS "title!", p.area AS "area!: Area",
                p.sector AS "sector!: Sector", p.age AS "age!", p.module_key AS "module_key?", p.need AS "need!",
                p.tried AS "tried!", p.outcome AS "outcome!", p.change AS "change!", p.body AS "body!",
                p.author_id AS "author_id!", a.name AS "author!: String", a.role AS "author_role!: Role",
                a.specialist AS "author_specialist!: bool", a.expertise AS "author_expertise!",
                p.setting_id AS "setting_id!", s.name AS "setting_name!", p.network_id AS "network_id?",
                n.name AS "network_name?", p.created_at AS "created_at!", p.edited_at AS "edited_at?",
                p.hidden_reason AS "hidden_reason?", p.accepted_reply_id AS "accepted_reply_id?",
                p.reply_count AS "reply_count!", p.helpful_count AS "helpful_count!",
                CASE WHEN p.author_id = $1 THEN p.source_entry_id END AS "source_entry_id?: String",
                p.viewer_moderates AS "moderator!: bool",
                EXISTS (SELECT 1 FROM helpful_marks h WHERE h.user_id = $1 AND h.target_id = p.id) AS "helpful_mine!: bool",
                EXISTS (SELECT 1 FROM follows f WHERE f.user_id = $1 AND f.post_id = p.id) AS "following!: bool"
         FROM visible_posts p JOIN community_authors a ON a.id = p.author_id JOIN settings s ON s.id = p.setting_id
              LEFT JOIN networks n ON n.id = p.network_id
         WHERE p.viewer_id = $1 AND p.id = $2"#,
        who.user_id,
        id
    )
    .fetch_optional(db.pool())
    .await
    }

    /// One page of a space, newest first, and how many posts match: counted up to
    /// [`COUNT_LIMIT`], and `COUNT_LIMIT + 1` for "more than that".
    pub async fn list(
        db: &Db,
        who: Who,
        space: Space,
        filters: &ListFilters<'_>,
        page: u32,
        size: u32,
    ) -> Result<(Vec<PostSummary>, u32), sqlx::Error> {
        // The page as someone else who sees the space alike read it, if nothing has changed
        // since (`list_memo`).
        let (version, shared) = memo_state(db, who, space).await?;
        // Only a page others may be given is kept, so only its key is worth writing.
        let key = shared.then(|| memo_key(who, space, filters, page, size));
        if let Some(kept) = key.as_ref().and_then(|k| db.list_memo.get(version, k)) {
            return Ok(kept);
        }
        // `head`, the rule's question about the viewer (`viewer`), then the conditions on the
        // posts themselves: the space, the search and the filters.
        let query = |head: &str, viewer: &'static str, counting: bool| {
            let filtered = Filtered::new(head).and(viewer, Some(who.user_id));
            // Counting a network's posts (or a search's), SQLite would walk the network's index
            // (or the search's matches) and test the rule's "one of the viewer's networks" on
            // every post. `+` keeps it off those, so it reads the viewer's spaces through the
            // rule's own indexed paths and tests the rest. A page is read from the table (where
            // the search's key is the rowid), in date order from the network's index, which the
            // hints would lose.
            #[only(sqlite)]
            let (network, matching, words) = if counting {
                (
                    "+p.network_id = ?",
                    "+p.search_rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)",
                    crate::store::learning_log::fts_terms(filters.words),
                )
            } else {
                (
                    "p.network_id = ?",
                    "p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)",
                    crate::store::learning_log::fts_terms(filters.words),
                )
            };
            #[only(postgres)]
            let (network, matching, words) = (
                "p.network_id = ?",
                "p.search_vector @@ to_tsquery('simple', ?)",
                crate::store::learning_log::ts_query(filters.words),
            );
            let filtered = match space {
                Space::Network(id) => filtered.and(network, Some(id)),
                Space::Setting => filtered
                    .and_sql("p.network_id IS NULL")
                    .and("p.setting_id = ?", Some(who.setting_id)),
            };
            filtered
                .and(matching, words)
                .and("p.kind = ?", filters.kind.map(PostKind::as_str))
                .and("p.sector = ?", filters.sector.map(Sector::as_str))
                .and("p.area = ?", filters.area.map(Area::as_str))
                .and("p.module_key = ?", filters.module)
                .and(
                    "p.kind = 'question' AND (p.accepted_reply_id IS NOT NULL) = ?",
                    filters.answered,
                )
        };
        // Counting stops past the limit: a space of 10,000 posts reads 1,001 of them, not
        // every one, and says "more than 1,000".
        let mut counting = query(
            "SELECT COUNT(*) FROM (SELECT 1 FROM visible_posts p",
            "p.viewer_id = ?",
            true,
        )
        .then(&format!("LIMIT {}) counted", COUNT_LIMIT + 1));
        // The page walks the space's posts newest first (an index on the space, date and id)
        // and asks the visibility rule about each until the page is full, so a page of 20 reads
        // about 20 posts. `LIMIT 1 OFFSET 0` keeps the question per post: without it,
        // PostgreSQL would work out every post the viewer may see first, then join.
        let offset = (page.max(1) - 1) as i64 * size as i64;
        let mut paging = query(
            "SELECT p.id, p.kind, p.title, p.area, p.sector, p.age, p.module_key,
                    substr(CASE WHEN p.kind = 'example' THEN p.need ELSE p.body END, 1, 221) AS excerpt,
                    a.name AS author, s.name AS setting_name, p.created_at, p.reply_count, p.helpful_count,
                    p.accepted_reply_id IS NOT NULL AS answered, p.hidden_at IS NOT NULL AS hidden
             FROM posts p JOIN community_authors a ON a.id = p.author_id JOIN settings s ON s.id = p.setting_id",
            "EXISTS (SELECT 1 FROM visible_posts v WHERE v.viewer_id = ? AND v.id = p.id LIMIT 1 OFFSET 0)",
            false,
        )
        .then(&format!(
            "ORDER BY p.created_at DESC, p.id LIMIT {size} OFFSET {offset}"
        ));
        #[only(sqlite)]
        let (total, rows) = {
            let total = counting.build_query_scalar::<i64>().fetch_one(db.pool());
            let rows = paging.build_query_as().fetch_all(db.pool());
            tokio::try_join!(total, rows)?
        };
        // PostgreSQL chooses for itself between planning a statement for its values each
        // time and keeping one plan for any values, and chose badly both ways. Without
        // search words the plan for any values is the same walk, so it is kept (planning
        // the rule's view took about 3 ms, four times the reading). A search's plan depends
        // on how common its words are: kept, it sorted every match of a common word (120 ms).
        #[only(postgres)]
        let (total, rows) = {
            let mut tx = db.pool().begin().await?;
            let plans = if filters.words.is_empty() {
                "SET LOCAL plan_cache_mode = force_generic_plan"
            } else {
                "SET LOCAL plan_cache_mode = force_custom_plan"
            };
            sqlx::query(plans).execute(&mut *tx).await?;
            let total = counting
                .build_query_scalar::<i64>()
                .fetch_one(&mut *tx)
                .await?;
            let rows = paging.build_query_as().fetch_all(&mut *tx).await?;
            tx.commit().await?;
            (total, rows)
        };
        let read = (rows, total as u32);
        if let Some(key) = key {
            db.list_memo.put(version, key, read.clone());
        }
        Ok(read)
    }

    /// The community's version now (`list_memo`), and whether the person may share pages of
    /// `space` with others: they see no hidden post in it. Read before the page itself, so
    /// a page is never kept under a number newer than what it shows.
    async fn memo_state(db: &Db, who: Who, space: Space) -> Result<(i64, bool), sqlx::Error> {
        let row = match space {
            Space::Network(network_id) => {
                sqlx::query!(
                    r#"SELECT n AS "version!: i64", NOT EXISTS (SELECT 1 FROM visible_posts p
                         WHERE p.viewer_id = $1 AND p.network_id = $2 AND p.hidden_at IS NOT NULL) AS "shared!: bool"
                       FROM community_version"#,
                    who.user_id,
                    network_id
                )
                .fetch_one(db.pool())
                .await
                .map(|r| (r.version, r.shared))
            }
            Space::Setting => {
                sqlx::query!(
                    r#"SELECT n AS "version!: i64", NOT EXISTS (SELECT 1 FROM visible_posts p
                         WHERE p.viewer_id = $1 AND p.network_id IS NULL AND p.setting_id = $2
                           AND p.hidden_at IS NOT NULL) AS "shared!: bool"
                       FROM community_version"#,
                    who.user_id,
                    who.setting_id
                )
                .fetch_one(db.pool())
                .await
                .map(|r| (r.version, r.shared))
            }
        }?;
        Ok(row)
    }

    /// The replies of a post the person may see, oldest first; hidden ones only for their
    /// author and the post's moderators.
    pub async fn replies(db: &Db, who: Who, post: &PostRow) -> Result<Vec<ReplyRow>, sqlx::Error> {
        sqlx::query_as!(
        ReplyRow,
        r#"SELECT r.id AS "id!", r.parent_id, r.author_id, a.name AS "author!: String", a.role AS "author_role!: Role",
                a.specialist AS "author_specialist!: bool", a.expertise AS "author_expertise!", s.name AS setting_name,
                r.body, r.helpful_count, r.created_at, r.hidden_reason,
                EXISTS (SELECT 1 FROM helpful_marks h WHERE h.user_id = $1 AND h.target_id = r.id) AS "helpful_mine!: bool"
         FROM replies r JOIN community_authors a ON a.id = r.author_id JOIN settings s ON s.id = a.setting_id
         WHERE r.post_id = $2 AND r.deleted_at IS NULL AND (r.hidden_at IS NULL OR r.author_id = $1 OR $3)
         ORDER BY r.created_at, r.id"#,
        who.user_id,
        post.id,
        post.moderator
    )
    .fetch_all(db.pool())
    .await
    }

    /// Adds a reply (the caller has checked the post is visible and the parent is its own).
    /// The author follows the thread from then on.
    pub async fn add_reply(db: &Db, new: &NewReply<'_>) -> Result<Stored, sqlx::Error> {
        let mut tx = write(db).await?;
        let op = key("reply", new.id);
        let earlier = crate::store::outcomes::sql::earlier(&mut tx, &op, new.author_id).await?;
        if let Some(stored) = earlier.answer(Stored::NotYours) {
            return Ok(stored);
        }
        if full(&mut tx, new.author_id).await? {
            return Ok(Stored::Full);
        }
        let at = now();
        let made = sqlx::query!(
        "INSERT INTO replies (id, post_id, parent_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING",
        new.id,
        new.post_id,
        new.parent_id,
        new.author_id,
        new.body,
        at
    )
    .execute(&mut *tx)
    .await?;
        if made.rows_affected() == 0 {
            return Ok(Stored::Done);
        }
        sqlx::query!(
            "UPDATE posts SET reply_count = reply_count + 1 WHERE id = $1",
            new.post_id
        )
        .execute(&mut *tx)
        .await?;
        follow_in(&mut tx, new.author_id, new.post_id, true).await?;
        crate::store::outcomes::sql::keep(&mut tx, &op, new.author_id, &Stored::Done).await?;
        tx.commit().await?;
        Ok(Stored::Done)
    }

    /// Whether `reply_id` is a live reply of `post_id`.
    pub async fn reply_of(db: &Db, post_id: &str, reply_id: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM replies WHERE id = $1 AND post_id = $2 AND deleted_at IS NULL) AS "live!: bool""#,
        reply_id,
        post_id
    )
    .fetch_one(db.pool())
    .await
    }

    /// Marks the answer that helped (None: none does).
    pub async fn accept(db: &Db, post_id: &str, reply_id: Option<&str>) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE posts SET accepted_reply_id = $1 WHERE id = $2",
            reply_id,
            post_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// "Helpful" on a post or one of its replies, once per person; false if already marked.
    pub async fn mark_helpful(
        db: &Db,
        user_id: i64,
        post_id: &str,
        reply_id: Option<&str>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = write(db).await?;
        let target = reply_id.unwrap_or(post_id);
        let at = now();
        let added = sqlx::query!(
        "INSERT INTO helpful_marks (user_id, target_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        user_id,
        target,
        at
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
        if added {
            if reply_id.is_some() {
                sqlx::query!(
                    "UPDATE replies SET helpful_count = helpful_count + 1 WHERE id = $1",
                    target
                )
            } else {
                sqlx::query!(
                    "UPDATE posts SET helpful_count = helpful_count + 1 WHERE id = $1",
                    target
                )
            }
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn follow_in(
        tx: &mut WriteTx,
        user_id: i64,
        post_id: &str,
        on: bool,
    ) -> Result<(), sqlx::Error> {
        if on {
            let at = now();
            sqlx::query!(
            "INSERT INTO follows (user_id, post_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            user_id,
            post_id,
            at
        )
        .execute(&mut **tx)
        .await?;
        } else {
            sqlx::query!(
                "DELETE FROM follows WHERE user_id = $1 AND post_id = $2",
                user_id,
                post_id
            )
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    pub async fn follow(db: &Db, user_id: i64, post_id: &str, on: bool) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        follow_in(&mut tx, user_id, post_id, on).await?;
        tx.commit().await
    }

    /// The threads a person follows that they may still see: their addresses, for keeping on
    /// their devices.
    pub async fn followed(db: &Db, who: Who) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query!(
        r#"SELECT p.id AS "id!", p.title AS "title!" FROM follows f JOIN visible_posts p ON p.id = f.post_id
         WHERE f.user_id = $1 AND p.viewer_id = $1 ORDER BY f.created_at DESC"#,
        who.user_id
    )
    .fetch_all(db.pool())
    .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.title)).collect())
    }

    /// An author's change to their post; the text before it is kept (the newest
    /// `KEPT_REVISIONS` versions). NotYours: not the author's (or deleted).
    pub async fn edit_post(
        db: &Db,
        author_id: i64,
        id: &str,
        post: &Checked,
    ) -> Result<Stored, sqlx::Error> {
        let mut tx = write(db).await?;
        if full(&mut tx, author_id).await? {
            return Ok(Stored::Full);
        }
        let at = now();
        let kept = sqlx::query!(
        "INSERT INTO post_revisions (post_id, title, need, tried, outcome, change, body, saved_at)
         SELECT id, title, need, tried, outcome, change, body, $1 FROM posts
         WHERE id = $2 AND author_id = $3 AND deleted_at IS NULL",
        at,
        id,
        author_id
    )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if kept == 0 {
            return Ok(Stored::NotYours);
        }
        sqlx::query!(
            "DELETE FROM post_revisions WHERE post_id = $1 AND id NOT IN
           (SELECT id FROM post_revisions WHERE post_id = $1 ORDER BY id DESC LIMIT $2)",
            id,
            KEPT_REVISIONS
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
        "UPDATE posts SET title = $1, area = $2, sector = $3, age = $4, module_key = $5, need = $6, tried = $7,
                          outcome = $8, change = $9, body = $10, edited_at = $11 WHERE id = $12",
        post.title,
        post.area as _,
        post.sector as _,
        post.age,
        post.module,
        post.need,
        post.tried,
        post.outcome,
        post.change,
        post.body,
        at,
        id
    )
    .execute(&mut *tx)
    .await?;
        tx.commit().await?;
        Ok(Stored::Done)
    }

    /// Earlier texts of a post, newest first.
    pub async fn revisions(db: &Db, post_id: &str) -> Result<Vec<RevisionRow>, sqlx::Error> {
        sqlx::query_as!(
            RevisionRow,
            "SELECT title, need, tried, outcome, change, body, saved_at FROM post_revisions
         WHERE post_id = $1 ORDER BY id DESC LIMIT $2",
            post_id,
            KEPT_REVISIONS
        )
        .fetch_all(db.pool())
        .await
    }

    /// An author deletes their post: its text and history go; the id stays so that a retried
    /// write cannot bring it back.
    pub async fn delete_post(db: &Db, author_id: i64, id: &str) -> Result<bool, sqlx::Error> {
        let mut tx = write(db).await?;
        let at = now();
        let done = sqlx::query!(
        "UPDATE posts SET deleted_at = $1, title = '', need = '', tried = '', outcome = '', change = '', body = '', age = ''
         WHERE id = $2 AND author_id = $3 AND deleted_at IS NULL",
        at,
        id,
        author_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
        if done {
            sqlx::query!("DELETE FROM post_revisions WHERE post_id = $1", id)
                .execute(&mut *tx)
                .await?;
            sqlx::query!("DELETE FROM follows WHERE post_id = $1", id)
                .execute(&mut *tx)
                .await?;
        }
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
        let at = now();
        sqlx::query!(
        "INSERT INTO reports (post_id, reply_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)",
        post_id,
        reply_id,
        reporter_id,
        reason,
        at
    )
    .write_in_turn(db)
    .await?;
        Ok(())
    }

    /// How many open reports wait on posts the person moderates (the community page's link).
    /// Each open report is looked up on its own (there are few), rather than every post the
    /// person can see being tested against the reports: 0.7 ms instead of 10 on PostgreSQL
    /// with 10,000 posts in a network.
    pub async fn open_report_count(db: &Db, who: Who) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM reports r
               WHERE r.closed_at IS NULL
                 AND (SELECT MAX(CASE WHEN p.viewer_moderates THEN 1 ELSE 0 END) FROM visible_posts p
                      WHERE p.id = r.post_id AND p.viewer_id = $1) = 1"#,
            who.user_id
        )
        .fetch_one(db.pool())
        .await
    }

    /// Open reports on posts the person moderates, oldest first. Reporters stay anonymous.
    pub async fn open_reports(db: &Db, who: Who) -> Result<Vec<ReportRow>, sqlx::Error> {
        sqlx::query_as!(
        ReportRow,
        r#"SELECT r.id AS "id!", r.post_id, r.reply_id, p.title AS "title!",
                substr(COALESCE(rp.body, CASE WHEN p.kind = 'example' THEN p.need ELSE p.body END), 1, 300) AS "excerpt!: String",
                a.name AS "author!: String", r.reason, r.created_at,
                COALESCE(rp.hidden_at, p.hidden_at) IS NOT NULL AS "hidden!: bool"
         FROM reports r JOIN visible_posts p ON p.id = r.post_id LEFT JOIN replies rp ON rp.id = r.reply_id
              JOIN community_authors a ON a.id = COALESCE(rp.author_id, p.author_id)
         WHERE r.closed_at IS NULL AND p.viewer_id = $1 AND p.viewer_moderates = TRUE
         ORDER BY r.created_at"#,
        who.user_id
    )
    .fetch_all(db.pool())
    .await
    }

    pub async fn moderate(
        db: &Db,
        moderator_id: i64,
        post_id: &str,
        reply_id: Option<&str>,
        action: Moderation,
        reason: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        let at = now();
        // What the action changes (a dismissal changes nothing but the reports).
        let target = reply_id.unwrap_or(post_id);
        let change = match (action, reply_id.is_some()) {
        (Moderation::Hide, true) => Some(sqlx::query!(
            "UPDATE replies SET hidden_at = $1, hidden_by = $2, hidden_reason = $3 WHERE id = $4",
            at,
            moderator_id,
            reason,
            target
        )),
        (Moderation::Hide, false) => Some(sqlx::query!(
            "UPDATE posts SET hidden_at = $1, hidden_by = $2, hidden_reason = $3 WHERE id = $4",
            at,
            moderator_id,
            reason,
            target
        )),
        (Moderation::Unhide, true) => Some(sqlx::query!(
            "UPDATE replies SET hidden_at = NULL, hidden_by = NULL, hidden_reason = NULL WHERE id = $1",
            target
        )),
        (Moderation::Unhide, false) => Some(sqlx::query!(
            "UPDATE posts SET hidden_at = NULL, hidden_by = NULL, hidden_reason = NULL WHERE id = $1",
            target
        )),
        (Moderation::Dismiss, _) => None,
    };
        if let Some(change) = change {
            change.execute(&mut *tx).await?;
        }
        sqlx::query!(
        "UPDATE reports SET closed_at = $1, closed_by = $2 WHERE post_id = $3 AND reply_id IS NOT DISTINCT FROM $4 AND closed_at IS NULL",
        at,
        moderator_id,
        post_id,
        reply_id
    )
    .execute(&mut *tx)
    .await?;
        let action = action.as_str();
        sqlx::query!(
        "INSERT INTO moderation_log (moderator_id, post_id, reply_id, action, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        moderator_id,
        post_id,
        reply_id,
        action,
        reason,
        at
    )
    .execute(&mut *tx)
    .await?;
        tx.commit().await
    }

    /// The moderation of one post (and its replies), newest first.
    pub async fn moderation_log(db: &Db, post_id: &str) -> Result<Vec<LogRow>, sqlx::Error> {
        sqlx::query_as!(
        LogRow,
        "SELECT u.display_name AS moderator, l.action, l.reason, l.created_at
         FROM moderation_log l JOIN users u ON u.id = l.moderator_id WHERE l.post_id = $1 ORDER BY l.id DESC",
        post_id
    )
    .fetch_all(db.pool())
    .await
    }

    /// The person has looked at the community now: the navigation's "new" count starts again.
    pub async fn mark_seen(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
            "UPDATE users SET community_seen_at = $1 WHERE id = $2",
            at,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// Moves a post (or one of its replies) back in time: for demo data, which tells of weeks
    /// of conversation.
    pub async fn backdate(db: &Db, id: &str, reply: bool, at: i64) -> Result<(), sqlx::Error> {
        if reply {
            sqlx::query!("UPDATE replies SET created_at = $1 WHERE id = $2", at, id)
                .write_in_turn(db)
                .await?;
        } else {
            sqlx::query!("UPDATE posts SET created_at = $1 WHERE id = $2", at, id)
                .write_in_turn(db)
                .await?;
        }
        Ok(())
    }

    /// What others see of a person in the community: whether they work in a specialist
    /// setting, and their areas of expertise (comma-separated, as they wrote them).
    pub async fn set_profile(
        db: &Db,
        user_id: i64,
        specialist: bool,
        expertise: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE users SET specialist = $1, expertise = $2 WHERE id = $3",
            specialist,
            expertise,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// The community profile of a person: (specialist, expertise).
    pub async fn profile(db: &Db, user_id: i64) -> Result<(bool, String), sqlx::Error> {
        let row = sqlx::query!(
            r#"SELECT specialist AS "specialist: bool", expertise FROM users WHERE id = $1"#,
            user_id
        )
        .fetch_one(db.pool())
        .await?;
        Ok((row.specialist, row.expertise))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use crate::store::{digest, networks, settings, test_db, users};
    use std::collections::BTreeSet;

    fn checked(title: &str) -> Checked {
        Checked {
            kind: PostKind::Question,
            title: title.into(),
            area: Area::CognitionLearning,
            sector: Sector::SchoolAge,
            age: String::new(),
            module: None,
            need: String::new(),
            tried: String::new(),
            outcome: String::new(),
            change: String::new(),
            body: format!("{title} body"),
        }
    }

    async fn person(db: &Db, email: &str, role: Role, setting: i64) -> Who {
        let (_, user_id) = test_db::person(db, email, role, Some(setting)).await;
        Who {
            user_id,
            setting_id: setting,
        }
    }

    async fn post_as(db: &Db, id: &str, by: Who, network_id: Option<i64>) {
        let new = NewPost {
            id,
            author_id: by.user_id,
            setting_id: by.setting_id,
            network_id,
            post: &checked(id),
            source_entry_id: None,
        };
        assert_eq!(create_post(db, &new).await.unwrap(), Stored::Done);
    }

    fn ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        ids.into_iter().map(String::from).collect()
    }

    /// The navigation's count of new posts stops at 100 (shown as "99+"), so it costs the
    /// same however much a person has not read; a space's list still counts, and pages
    /// through, every post.
    #[tokio::test]
    async fn the_new_posts_count_stops_at_a_hundred_and_the_list_counts_all() {
        let db = test_db::fresh().await;
        let ash = settings::create(&db, "Ash", Sector::SchoolAge)
            .await
            .unwrap();
        let reader = person(&db, "reader@ash.example", Role::Practitioner, ash).await;
        let writers = [
            person(&db, "one@ash.example", Role::Practitioner, ash).await,
            person(&db, "two@ash.example", Role::Practitioner, ash).await,
        ];
        for n in 0..120 {
            post_as(&db, &format!("post-{n:03}"), writers[n % 2], None).await;
        }
        let me = users::me(&db, reader.user_id).await.unwrap().unwrap();
        assert_eq!(
            me.counts.community_new,
            domain::model::COMMUNITY_NEW_SHOWN + 1
        );
        let filters = ListFilters::default();
        let mut seen = BTreeSet::new();
        for page in 1..=6 {
            let (rows, total) = list(&db, reader, Space::Setting, &filters, page, 20)
                .await
                .unwrap();
            assert_eq!((rows.len(), total), (20, 120), "page {page}");
            seen.extend(rows.into_iter().map(|r| r.id));
        }
        assert_eq!(seen.len(), 120, "six pages of 20 show every post once");
    }

    /// A big space is counted only up to the limit ("more than 1,000"), yet every one of its
    /// posts is still on a page, newest first, once.
    #[tokio::test]
    async fn a_big_space_is_counted_up_to_the_limit_and_paged_through_in_full() {
        let db = test_db::fresh().await;
        let posts = COUNT_LIMIT as usize + 10;
        let network = crate::generate::large_network(&db, 3, posts, "a long test password")
            .await
            .unwrap();
        let member = users::credentials_by_email(&db, crate::generate::NETWORK_EMAIL)
            .await
            .unwrap()
            .unwrap();
        let who = Who {
            user_id: member.id,
            setting_id: member.setting_id,
        };
        let filters = ListFilters::default();
        let mut seen = Vec::new();
        for page in 1..=(posts as u32).div_ceil(100) + 1 {
            let (rows, total) = list(&db, who, Space::Network(network), &filters, page, 100)
                .await
                .unwrap();
            assert_eq!(
                total,
                COUNT_LIMIT + 1,
                "page {page}: counted past the limit"
            );
            seen.extend(rows.into_iter().map(|r| (r.created_at, r.id)));
        }
        assert_eq!(seen.len(), posts, "every post is on a page");
        let mut newest_first = seen.clone();
        newest_first.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        assert_eq!(seen, newest_first, "pages run newest first");
        assert_eq!(
            seen.iter().map(|(_, id)| id).collect::<BTreeSet<_>>().len(),
            posts,
            "no post is on two pages"
        );
    }

    /// A page read for one person is given to the next who sees the space alike, from any
    /// server, until something it shows changes on any server; never to, or from, someone
    /// who sees a hidden post in the space.
    #[tokio::test]
    async fn a_kept_page_is_shared_only_by_those_who_see_the_space_alike_and_changes_everywhere() {
        let (_dir, one, two) = test_db::two_servers().await;
        let ash = settings::create(&one, "Ash", Sector::SchoolAge)
            .await
            .unwrap();
        let [reader, other, writer, senco] = [
            person(&one, "r1@ash.example", Role::Practitioner, ash).await,
            person(&one, "r2@ash.example", Role::Practitioner, ash).await,
            person(&one, "w@ash.example", Role::Practitioner, ash).await,
            person(&one, "s@ash.example", Role::Senco, ash).await,
        ];
        post_as(&one, "first", writer, None).await;
        post_as(&one, "second", writer, None).await;
        let page = |db: &Db, who: Who| {
            let db = db.clone();
            let filters = ListFilters::default();
            async move {
                let (rows, total) = list(&db, who, Space::Setting, &filters, 1, 20)
                    .await
                    .unwrap();
                let mut shown: Vec<(String, u32, bool)> = rows
                    .into_iter()
                    .map(|r| (r.id, r.reply_count, r.hidden))
                    .collect();
                // What is on the page matters here, not its order (newest first: posts
                // written a second apart would swap).
                shown.sort();
                (shown, total)
            }
        };
        let both = vec![
            ("first".to_string(), 0, false),
            ("second".to_string(), 0, false),
        ];
        assert_eq!(page(&one, reader).await, (both.clone(), 2));
        assert_eq!(page(&one, other).await, (both.clone(), 2), "the kept page");
        assert_eq!(page(&two, other).await, (both.clone(), 2));

        // Written on the other server: the first server's kept page goes.
        post_as(&two, "third", writer, None).await;
        let reply = NewReply {
            id: "reply-1",
            post_id: "first",
            parent_id: None,
            author_id: other.user_id,
            body: "a reply",
        };
        assert_eq!(add_reply(&two, &reply).await.unwrap(), Stored::Done);
        let three = vec![
            ("first".to_string(), 1, false),
            ("second".to_string(), 0, false),
            ("third".to_string(), 0, false),
        ];
        assert_eq!(page(&one, reader).await, (three.clone(), 3));

        // Hidden on the other server: gone for the readers, still shown (as hidden) to its
        // author and the SENCo, whose pages are their own and never kept.
        moderate(&two, senco.user_id, "first", None, Moderation::Hide, "why")
            .await
            .unwrap();
        let unhidden = three[1..].to_vec();
        assert_eq!(page(&one, reader).await, (unhidden.clone(), 2));
        let mut with_hidden = three.clone();
        with_hidden[0].2 = true;
        assert_eq!(page(&one, writer).await, (with_hidden.clone(), 3));
        assert_eq!(page(&one, senco).await, (with_hidden, 3));
        assert_eq!(
            page(&one, other).await,
            (unhidden, 2),
            "after the author's and SENCo's"
        );
    }

    /// Every read of posts (a thread, a space's list, followed threads, reports, the
    /// navigation's count, the digest) shows a person exactly the posts the rule lets them
    /// see: settings A and B in a network, C invited but not yet in it; hidden and deleted
    /// posts; a SENCo and a network moderator.
    #[tokio::test]
    async fn every_read_of_posts_agrees_on_who_may_see_them() {
        let db = test_db::fresh().await;
        let [a, b, c] = [
            settings::create(&db, "Ash", Sector::SchoolAge)
                .await
                .unwrap(),
            settings::create(&db, "Birch", Sector::SchoolAge)
                .await
                .unwrap(),
            settings::create(&db, "Cedar", Sector::SchoolAge)
                .await
                .unwrap(),
        ];
        let north = networks::create(&db, "North").await.unwrap();
        for setting in [a, b, c] {
            networks::invite(&db, north, setting).await.unwrap();
        }
        for setting in [a, b] {
            assert!(networks::answer(&db, north, setting, None, true)
                .await
                .unwrap());
        }
        let a1 = person(&db, "a1@x.test", Role::Practitioner, a).await;
        let a2 = person(&db, "a2@x.test", Role::Practitioner, a).await;
        let senco_a = person(&db, "senco@x.test", Role::Senco, a).await;
        let b1 = person(&db, "b1@x.test", Role::Practitioner, b).await;
        let m = person(&db, "m@x.test", Role::Practitioner, b).await;
        let c1 = person(&db, "c1@x.test", Role::Practitioner, c).await;
        let replier = person(&db, "r@x.test", Role::Practitioner, a).await;
        assert!(networks::add_moderator(&db, north, m.user_id)
            .await
            .unwrap());

        post_as(&db, "a-own", a1, None).await;
        post_as(&db, "a-net", a1, Some(north)).await;
        post_as(&db, "a-hidden", a2, None).await;
        post_as(&db, "b-own", b1, None).await;
        post_as(&db, "b-net-hidden", b1, Some(north)).await;
        post_as(&db, "gone", a1, Some(north)).await;
        let all = [
            "a-own",
            "a-net",
            "a-hidden",
            "b-own",
            "b-net-hidden",
            "gone",
        ];
        moderate(
            &db,
            senco_a.user_id,
            "a-hidden",
            None,
            Moderation::Hide,
            "why",
        )
        .await
        .unwrap();
        moderate(
            &db,
            m.user_id,
            "b-net-hidden",
            None,
            Moderation::Hide,
            "why",
        )
        .await
        .unwrap();
        assert!(delete_post(&db, a1.user_id, "gone").await.unwrap());
        for (i, id) in all.iter().enumerate() {
            report(&db, replier.user_id, id, None, "check")
                .await
                .unwrap();
            let reply = NewReply {
                id: &format!("reply-{i}"),
                post_id: id,
                parent_id: None,
                author_id: replier.user_id,
                body: "a reply",
            };
            assert_eq!(add_reply(&db, &reply).await.unwrap(), Stored::Done);
        }

        let cases = [
            (a1, ids(["a-own", "a-net"]), ids([])),
            (a2, ids(["a-own", "a-net", "a-hidden"]), ids([])),
            (
                senco_a,
                ids(["a-own", "a-net", "a-hidden"]),
                ids(["a-own", "a-net", "a-hidden"]),
            ),
            (b1, ids(["a-net", "b-own", "b-net-hidden"]), ids([])),
            (
                m,
                ids(["a-net", "b-own", "b-net-hidden"]),
                ids(["a-net", "b-net-hidden"]),
            ),
            (c1, ids([]), ids([])),
        ];
        for (who, visible, moderated) in cases {
            let name = who.user_id;
            let mut by_id = BTreeSet::new();
            for id in all {
                if let Some(row) = post(&db, who, id).await.unwrap() {
                    by_id.insert(row.id);
                }
            }
            assert_eq!(by_id, visible, "threads of person {name}");

            // A space's list, and a search in it (every post's text has "body").
            let words = ["body".to_string()];
            for filters in [
                ListFilters::default(),
                ListFilters {
                    words: &words,
                    ..Default::default()
                },
            ] {
                let mut listed = BTreeSet::new();
                for space in [Space::Setting, Space::Network(north)] {
                    let (rows, total) = list(&db, who, space, &filters, 1, 50).await.unwrap();
                    assert_eq!(total as usize, rows.len(), "the count of person {name}");
                    listed.extend(rows.into_iter().map(|r| r.id));
                }
                assert_eq!(
                    listed, visible,
                    "lists of person {name}, {:?}",
                    filters.words
                );
            }

            for id in all {
                follow(&db, who.user_id, id, true).await.unwrap();
            }
            let followed: BTreeSet<String> = followed(&db, who)
                .await
                .unwrap()
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            assert_eq!(followed, visible, "followed threads of person {name}");

            let reported: BTreeSet<String> = open_reports(&db, who)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.post_id)
                .collect();
            assert_eq!(reported, moderated, "reports for person {name}");
            assert_eq!(
                open_report_count(&db, who).await.unwrap() as usize,
                moderated.len(),
                "the count of reports for person {name}"
            );

            // The count and the digest leave out hidden posts, and the count the person's own.
            let author = |id: &str| match id {
                "a-own" | "a-net" | "gone" => a1.user_id,
                "a-hidden" => a2.user_id,
                _ => b1.user_id,
            };
            let shown = |own: bool| -> BTreeSet<String> {
                visible
                    .iter()
                    .filter(|id| !id.contains("hidden"))
                    .filter(|id| own || author(id) != who.user_id)
                    .cloned()
                    .collect()
            };
            let me = users::me(&db, who.user_id).await.unwrap().unwrap();
            assert_eq!(
                me.counts.community_new as usize,
                shown(false).len(),
                "navigation count of person {name}"
            );
            let digest: BTreeSet<String> = digest::pending(&db)
                .await
                .unwrap()
                .into_iter()
                .filter(|line| line.recipient_id == who.user_id)
                .filter_map(|line| {
                    line.section_key
                        .strip_prefix("community:")
                        .map(String::from)
                })
                .collect();
            assert_eq!(digest, shown(true), "digest of person {name}");
        }
    }
}
