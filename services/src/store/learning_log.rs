//! Learning-log entries, their revisions, feedback and follow-ups.

use super::now;
use super::outcomes::Earlier;
use crate::metrics::{self, Outbox};
use domain::learning_log::{decide_save, EntryKind, EntryStatus, SaveDecision};
use domain::review::ReviewAction;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub struct SaveInput<'a> {
    pub op_id: &'a str,
    pub entry_id: &'a str,
    pub user_id: i64,
    pub section_key: &'a str,
    pub prompt_key: &'a str,
    pub kind: EntryKind,
    pub base_rev: i64,
    pub body: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved,
    /// The stored text differs from the one sent and was not its base: both are kept; the
    /// stored one is returned for the person to compare.
    Conflict {
        theirs: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveResult {
    /// The entry's id: the one sent, or the id of the entry that already answers this
    /// question (when another device created it first).
    pub entry_id: String,
    pub rev: i64,
    pub status: EntryStatus,
    pub outcome: SaveOutcome,
}

type Current = (String, i64, i64, String, EntryStatus);

/// Conflicting texts kept per entry before the person must settle them.
pub const MAX_CONFLICTS_PER_ENTRY: i64 = 50;

/// A save that is not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The entry, or the op id, is someone else's.
    NotYours,
    /// The entry already holds `MAX_CONFLICTS_PER_ENTRY` unsettled texts.
    TooManyConflicts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct EntryRow {
    pub id: String,
    pub section_key: String,
    pub prompt_key: String,
    pub kind: EntryKind,
    pub body: String,
    pub status: EntryStatus,
    pub rev: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

const ENTRY_COLUMNS: &str = "e.id, e.section_key, e.prompt_key, e.kind, e.body, e.status, e.rev, e.created_at, e.updated_at, e.submitted_at";

#[derive(Default)]
pub struct Filters<'a> {
    pub module: Option<&'a str>,
    pub kind: Option<EntryKind>,
    pub status: Option<EntryStatus>,
    /// Full-text search words, already bounded (`domain::learning_log::search_words`).
    pub words: &'a [String],
}

/// Turns validated search words (see `domain::learning_log::search_words`) into an FTS5 query over
/// one person's entries: the owner's token and every word must match. Words of three
/// letters or more match as prefixes ("reflect" finds "reflection"); shorter ones only as
/// whole words, since a one-letter prefix would expand to most of the index.
pub fn fts_query(user_id: i64, words: &[String]) -> Option<String> {
    fts_terms(words).map(|terms| format!("owner : \"u{user_id}\" AND body : ({terms})"))
}

/// Search words as FTS5 terms that must all match: words of three letters or more as
/// prefixes ("reflect" finds "reflection"), shorter ones only whole. None for no words.
pub fn fts_terms(words: &[String]) -> Option<String> {
    let terms: Vec<String> = words
        .iter()
        .map(|w| {
            let w = w.replace('"', "");
            if w.chars().count() >= domain::learning_log::MIN_PREFIX_CHARS {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The same search words as a PostgreSQL text-search query (`to_tsquery('simple', …)`):
/// every word must match, those of three letters or more as prefixes. Each word is quoted
/// as a lexeme (the words hold only letters, digits, `'` and `-`; `'` is doubled), so no
/// word can be read as an operator. None for no words.
///
/// A prefix is written as "the word or a word it starts" (`'visual' | 'visual':*`, which
/// finds the same posts): PostgreSQL guesses a bare prefix matches 1 row in 50, so for a
/// common word it sorted thousands of matches for a page of 20; with the word itself it
/// knows from its statistics how common the word is and reads the page in date order.
pub fn ts_query(words: &[String]) -> Option<String> {
    let terms: Vec<String> = words
        .iter()
        .map(|w| {
            let quoted = format!("'{}'", w.replace('\'', "''"));
            if w.chars().count() >= domain::learning_log::MIN_PREFIX_CHARS {
                format!("({quoted} | {quoted}:*)")
            } else {
                quoted
            }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRow {
    pub rev: Option<i64>,
    pub body: String,
    pub status: EntryStatus,
    pub conflict: bool,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct FeedbackRow {
    pub entry_id: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
    pub action: ReviewAction,
    pub rev: Option<i64>,
    pub read_at: Option<i64>,
}

#[engines::both]
mod sql {
    use super::*;

    /// Saves one answer. Idempotent by op id: a repeated save gets exactly the answer the
    /// first one got (its revision, or the conflict and the other text) and writes nothing.
    /// Returns None when the entry, or the op id, belongs to someone else.
    pub async fn save(
        db: &Db,
        input: &SaveInput<'_>,
    ) -> Result<Result<SaveResult, Refusal>, sqlx::Error> {
        let at = now();
        let mut tx = write_for(db, input.user_id).await?;
        // The op's kept answer, if any, and the entry, in one trip: a save is a handful of
        // statements, each a trip to SQLite's thread while the next writer waits.
        let row = sqlx::query!(
            r#"SELECT o.user_id AS "op_user?", o.reply AS "op_reply?",
                  e.id AS "id?", e.user_id AS "owner?", e.rev AS "rev?", e.body AS "body?",
                  e.status AS "status?: EntryStatus"
           FROM (SELECT 1 AS one) AS one
           LEFT JOIN op_outcomes o ON o.op_id = $1
           LEFT JOIN log_entries e ON e.id = (
             SELECT id FROM log_entries
             WHERE id = $2 OR (user_id = $3 AND section_key = $4 AND prompt_key = $5)
             ORDER BY id = $2 DESC LIMIT 1)"#,
            input.op_id,
            input.entry_id,
            input.user_id,
            input.section_key,
            input.prompt_key,
        )
        .fetch_one(&mut *tx)
        .await?;
        let kept = row.op_user.zip(row.op_reply);
        match Earlier::of(kept, input.user_id) {
            Earlier::Unseen => {}
            Earlier::Answered(result) => return Ok(Ok(result)),
            Earlier::NotYours => return Ok(Err(Refusal::NotYours)),
        }
        let current: Option<Current> = match (row.id, row.owner, row.rev, row.body, row.status) {
            (Some(id), Some(owner), Some(rev), Some(body), Some(status)) => {
                Some((id, owner, rev, body, status))
            }
            _ => None,
        };
        if let Some((_, owner, ..)) = &current {
            if *owner != input.user_id {
                return Ok(Err(Refusal::NotYours));
            }
        }
        let decision = decide_save(
            current
                .as_ref()
                .map(|(_, _, rev, body, _)| (*rev, body.as_str())),
            input.base_rev,
            input.body,
        );
        let result = match (decision, current) {
            (SaveDecision::Create, _) => {
                let status = EntryStatus::Draft;
                sqlx::query!(
                "INSERT INTO log_entries (id, user_id, section_key, prompt_key, kind, body, status, rev, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)",
                input.entry_id,
                input.user_id,
                input.section_key,
                input.prompt_key,
                input.kind as _,
                input.body,
                status as _,
                at,
                at,
            )
            .execute(&mut *tx)
            .await?;
                revision(
                    &mut tx,
                    input.entry_id,
                    Some(1),
                    input.body,
                    status,
                    false,
                    input.op_id,
                    at,
                )
                .await?;
                SaveResult {
                    entry_id: input.entry_id.to_string(),
                    rev: 1,
                    status,
                    outcome: SaveOutcome::Saved,
                }
            }
            (SaveDecision::Accept { rev }, Some((id, _, _, _, old_status))) => {
                let status = old_status.after_edit();
                let result = SaveResult {
                    entry_id: id,
                    rev,
                    status,
                    outcome: SaveOutcome::Saved,
                };
                accept(&mut tx, input, &result, at).await?;
                return finish(tx, result).await;
            }
            (SaveDecision::Unchanged, Some((id, _, rev, _, status))) => SaveResult {
                entry_id: id,
                rev,
                status,
                outcome: SaveOutcome::Saved,
            },
            (SaveDecision::Conflict, Some((id, _, rev, body, status))) => {
                // The same conflicting text again (another tab, a retry with a new op id) is
                // kept once; past a cap, the person settles what is there before adding more.
                let conflicts = sqlx::query!(
                    r#"SELECT COUNT(*) AS "kept!: i64", COALESCE(SUM(CASE WHEN body = $1 THEN 1 ELSE 0 END), 0) AS "same!: i64"
                   FROM log_entry_revisions WHERE entry_id = $2 AND conflict = TRUE"#,
                    input.body,
                    id,
                )
                .fetch_one(&mut *tx)
                .await?;
                if conflicts.same == 0 {
                    if conflicts.kept >= MAX_CONFLICTS_PER_ENTRY {
                        metrics::outbox(Outbox::Refused);
                        return Ok(Err(Refusal::TooManyConflicts));
                    }
                    revision(
                        &mut tx,
                        &id,
                        None,
                        input.body,
                        status,
                        true,
                        input.op_id,
                        at,
                    )
                    .await?;
                }
                SaveResult {
                    entry_id: id,
                    rev,
                    status,
                    outcome: SaveOutcome::Conflict { theirs: body },
                }
            }
            (_, None) => unreachable!("decide_save only creates when there is no entry"),
        };
        crate::store::outcomes::sql::keep(&mut tx, input.op_id, input.user_id, &result).await?;
        finish(tx, result).await
    }

    async fn finish(
        tx: WriteTx,
        result: SaveResult,
    ) -> Result<Result<SaveResult, Refusal>, sqlx::Error> {
        tx.commit().await?;
        metrics::outbox(match result.outcome {
            SaveOutcome::Saved => Outbox::Accepted,
            SaveOutcome::Conflict { .. } => Outbox::Conflicted,
        });
        Ok(Ok(result))
    }

    /// An accepted edit, the most common write there is: the entry's new text, its revision
    /// and the save's kept answer (`outcomes::keep`). SQLite runs them in turn (in process, a
    /// statement costs microseconds); PostgreSQL in one statement, as each statement is a
    /// trip to the database while the person's next write waits.
    async fn accept(
        tx: &mut Conn,
        input: &SaveInput<'_>,
        result: &SaveResult,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let (id, rev, status) = (&result.entry_id, result.rev, result.status);
        #[only(sqlite)]
        {
            sqlx::query!(
                "UPDATE log_entries SET body = $1, rev = $2, status = $3, updated_at = $4 WHERE id = $5",
                input.body,
                rev,
                status as _,
                at,
                id,
            )
            .execute(&mut *tx)
            .await?;
            revision(
                tx,
                id,
                Some(rev),
                input.body,
                status,
                false,
                input.op_id,
                at,
            )
            .await?;
            crate::store::outcomes::sql::keep(tx, input.op_id, input.user_id, result).await?;
        }
        #[only(postgres)]
        {
            let reply = crate::store::outcomes::stored(result)?;
            sqlx::query!(
                "WITH entry AS (
                   UPDATE log_entries SET body = $1, rev = $2, status = $3, updated_at = $4 WHERE id = $5
                   RETURNING id
                 ), revision AS (
                   INSERT INTO log_entry_revisions (entry_id, rev, body, status, conflict, op_id, created_at)
                   SELECT id, $2, $1, $3, FALSE, $6, $4 FROM entry
                 )
                 INSERT INTO op_outcomes (op_id, user_id, reply, created_at) VALUES ($6, $7, $8, $4)",
                input.body,
                rev,
                status as _,
                at,
                id,
                input.op_id,
                input.user_id,
                reply,
            )
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn revision(
        tx: &mut Conn,
        entry_id: &str,
        rev: Option<i64>,
        body: &str,
        status: EntryStatus,
        conflict: bool,
        op_id: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
        "INSERT INTO log_entry_revisions (entry_id, rev, body, status, conflict, op_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        entry_id,
        rev,
        body,
        status as _,
        conflict,
        op_id,
        at,
    )
    .execute(&mut *tx)
    .await?;
        Ok(())
    }

    /// One person's entries for one section.
    pub async fn for_section(
        db: &Db,
        user_id: i64,
        section_key: &str,
    ) -> Result<Vec<EntryRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries e WHERE e.user_id = $1 AND e.section_key = $2"
        ))
        .bind(user_id)
        .bind(section_key)
        .fetch_all(db.pool())
        .await
    }

    pub async fn list(
        db: &Db,
        user_id: i64,
        filters: &Filters<'_>,
    ) -> Result<Vec<EntryRow>, sqlx::Error> {
        let select = format!("SELECT {ENTRY_COLUMNS} FROM log_entries e");
        // Search: FTS5 on SQLite, a tsvector on PostgreSQL.
        #[only(sqlite)]
        let matching = (
            "e.rowid IN (SELECT rowid FROM log_entries_fts WHERE log_entries_fts MATCH ?)",
            fts_query(user_id, filters.words),
        );
        #[only(postgres)]
        let matching = (
            "e.search_vector @@ to_tsquery('simple', ?)",
            ts_query(filters.words),
        );
        crate::store::filter::Filtered::new(&select)
            .and("e.user_id = ?", Some(user_id))
            .and(matching.0, matching.1)
            .and("instr(e.section_key, ? || '.') = 1", filters.module)
            .and("e.kind = ?", filters.kind.map(|k| k.as_str()))
            .and("e.status = ?", filters.status.map(|s| s.as_str()))
            .then("ORDER BY e.updated_at DESC, e.section_key, e.prompt_key")
            .build_query_as()
            .fetch_all(db.pool())
            .await
    }

    /// An entry of this person's (None for anyone else's).
    pub async fn get(db: &Db, user_id: i64, id: &str) -> Result<Option<EntryRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries e WHERE e.user_id = $1 AND e.id = $2"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await
    }

    pub async fn revision_count(db: &Db, entry_id: &str) -> Result<u32, sqlx::Error> {
        let n = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM log_entry_revisions WHERE entry_id = $1"#,
            entry_id
        )
        .fetch_one(db.pool())
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// One page of an entry's versions, newest first.
    pub async fn revisions(
        db: &Db,
        entry_id: &str,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<RevisionRow>, sqlx::Error> {
        let limit = i64::from(limit);
        let offset = i64::from(offset);
        sqlx::query_as!(
        RevisionRow,
        r#"SELECT rev, body, status AS "status: EntryStatus", conflict AS "conflict: bool", created_at
           FROM log_entry_revisions WHERE entry_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"#,
        entry_id,
        limit,
        offset,
    )
    .fetch_all(db.pool())
    .await
    }

    /// The feedback on one entry, oldest first.
    pub async fn feedback(db: &Db, entry_id: &str) -> Result<Vec<FeedbackRow>, sqlx::Error> {
        Ok(feedback_for(db, &[entry_id])
            .await?
            .remove(entry_id)
            .unwrap_or_default())
    }

    /// The feedback on many entries in one query per 500 (not one per entry), by entry id.
    pub async fn feedback_for(
        db: &Db,
        entry_ids: &[&str],
    ) -> Result<HashMap<String, Vec<FeedbackRow>>, sqlx::Error> {
        let mut out: HashMap<String, Vec<FeedbackRow>> = HashMap::new();
        for chunk in entry_ids.chunks(500) {
            let mut query = sqlx::QueryBuilder::new(
            "SELECT f.entry_id, u.display_name AS author, f.body, f.created_at, f.action, f.rev, f.read_at
             FROM feedback f JOIN users u ON u.id = f.author_id WHERE f.entry_id IN (",
        );
            let mut ids = query.separated(", ");
            for id in chunk {
                ids.push_bind(*id);
            }
            query.push(") ORDER BY f.created_at, f.id");
            for row in query
                .build_query_as::<FeedbackRow>()
                .fetch_all(db.pool())
                .await?
            {
                out.entry(row.entry_id.clone()).or_default().push(row);
            }
        }
        Ok(out)
    }

    /// Submits entries of this person's that may be submitted; returns how many were.
    pub async fn submit(db: &Db, user_id: i64, ids: &[String]) -> Result<u64, sqlx::Error> {
        let at = now();
        let mut count = 0;
        let mut tx = write(db).await?;
        for id in ids {
            let done = sqlx::query!(
            "UPDATE log_entries SET status = 'submitted', submitted_at = $1, submitted_rev = rev
             WHERE id = $2 AND user_id = $3 AND status IN ('draft', 'needs_revision')",
            at,
            id,
            user_id,
        )
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                // The same revision submitted again (after a revision request with no edit)
                // keeps its first submission row.
                sqlx::query!(
                "INSERT INTO submissions (entry_id, rev, submitted_at) SELECT id, rev, $1 FROM log_entries WHERE id = $2
                 ON CONFLICT (entry_id, rev) DO NOTHING",
                at,
                id,
            )
            .execute(&mut *tx)
            .await?;
            }
            count += done.rows_affected();
        }
        tx.commit().await?;
        Ok(count)
    }

    /// Schedules the follow-up prompt for a practice section (once; a later completion does
    /// not move it). Part of the write that records the completion.
    pub async fn schedule_follow_up(
        tx: &mut Conn,
        user_id: i64,
        section_key: &str,
        due_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
        "INSERT INTO follow_ups (user_id, section_key, due_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        user_id,
        section_key,
        due_at,
    )
    .execute(tx)
    .await?;
        Ok(())
    }

    /// Whether a follow-up is scheduled for this person's practice section (due or not).
    pub async fn follow_up_scheduled(
        db: &Db,
        user_id: i64,
        section_key: &str,
    ) -> Result<bool, sqlx::Error> {
        let row = sqlx::query_scalar!(
            r#"SELECT CAST(1 AS BIGINT) AS "found!: i64" FROM follow_ups WHERE user_id = $1 AND section_key = $2"#,
            user_id,
            section_key,
        )
        .fetch_optional(db.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Follow-ups that are due and not yet answered.
    pub async fn due_follow_ups(
        db: &Db,
        user_id: i64,
        at: i64,
    ) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let rows = sqlx::query!(
        "SELECT f.section_key, f.due_at FROM follow_ups f WHERE f.user_id = $1 AND f.due_at <= $2 AND f.done_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM log_entries e WHERE e.user_id = f.user_id AND e.section_key = f.section_key AND e.prompt_key = 'follow_up')
         ORDER BY f.due_at",
        user_id,
        at,
    )
    .fetch_all(db.pool())
    .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.section_key, r.due_at))
            .collect())
    }

    /// When the follow-up of a section (or a tried example) is due, if one is scheduled.
    pub async fn follow_up_due(
        db: &Db,
        user_id: i64,
        section_key: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT due_at FROM follow_ups WHERE user_id = $1 AND section_key = $2")
            .bind(user_id)
            .bind(section_key)
            .fetch_optional(db.pool())
            .await
    }

    /// "I tried this" on a community example: the person's practice note for it (made once,
    /// starting with `opening`) and its follow-up, due at `due_at`. Returns the entry's id; a
    /// second try returns the same entry and changes nothing.
    pub async fn tried(
        db: &Db,
        user_id: i64,
        section_key: &str,
        opening: &str,
        due_at: i64,
    ) -> Result<String, sqlx::Error> {
        let mut tx = write(db).await?;
        let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM log_entries WHERE user_id = $1 AND section_key = $2 AND prompt_key = 'tried'",
    )
    .bind(user_id)
    .bind(section_key)
    .fetch_optional(&mut *tx)
    .await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                let at = now();
                sqlx::query(
                "INSERT INTO log_entries (id, user_id, section_key, prompt_key, kind, body, status, rev, created_at, updated_at)
                 VALUES ($1, $2, $3, 'tried', 'practice_note', $4, 'draft', 1, $5, $6)",
            )
            .bind(&id)
            .bind(user_id)
            .bind(section_key)
            .bind(opening)
            .bind(at)
            .bind(at)
            .execute(&mut *tx)
            .await?;
                revision(
                    &mut tx,
                    &id,
                    Some(1),
                    opening,
                    EntryStatus::Draft,
                    false,
                    &id,
                    at,
                )
                .await?;
                id
            }
        };
        schedule_follow_up(&mut tx, user_id, section_key, due_at).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn follow_up_days(db: &Db, setting_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(
            "SELECT follow_up_days FROM settings WHERE id = $1",
            setting_id
        )
        .fetch_one(db.pool())
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use crate::store::Db;
    use domain::model::Role;

    async fn person(db: &Db, email: &str) -> i64 {
        test_db::person(db, email, Role::Practitioner, None).await.1
    }

    fn input<'a>(op: &'a str, id: &'a str, user: i64, base: i64, body: &'a str) -> SaveInput<'a> {
        SaveInput {
            op_id: op,
            entry_id: id,
            user_id: user,
            section_key: "m1.reflection",
            prompt_key: "p1",
            kind: EntryKind::Reflection,
            base_rev: base,
            body,
        }
    }

    #[tokio::test]
    async fn saves_make_revisions_and_replays_change_nothing() {
        let db = test_db::fresh().await;
        let me = person(&db, "a@b.org").await;
        let first = save(&db, &input("op1", "e1", me, 0, "first"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((first.rev, first.outcome), (1, SaveOutcome::Saved));
        let second = save(&db, &input("op2", "e1", me, 1, "second"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.rev, 2);
        let replay = save(&db, &input("op2", "e1", me, 1, "second"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(replay, second, "the kept answer, whole");
        // The accepted edit's text, in the entry and in its revision (one statement on
        // PostgreSQL, `accept`).
        let kept = revisions(&db, "e1", 100, 0).await.unwrap();
        let kept: Vec<_> = kept
            .iter()
            .map(|r| (r.rev, r.body.as_str(), r.conflict))
            .collect();
        assert!(kept.contains(&(Some(2), "second", false)), "{kept:?}");
        assert_eq!(kept.len(), 2);
        let entry = test_db::text(&db, "SELECT body FROM log_entries WHERE id = 'e1'").await;
        assert_eq!(entry, "second");
    }

    /// Two app servers on one database, each with its own pool and queue of writers: a
    /// retried save that reaches both at once is applied once and both answer alike, and
    /// two devices editing from the same revision through different servers get one save
    /// and one kept conflict, never a silent overwrite. Many rounds, for the interleavings.
    #[tokio::test]
    async fn two_servers_apply_a_retry_once_and_keep_a_stale_save_as_a_conflict() {
        let (_dir, a, b) = test_db::two_servers().await;
        let me = person(&a, "a@b.org").await;
        for round in 0..25 {
            // Each round its own question, so each starts a new entry.
            let (entry, section) = (format!("e{round}"), format!("m1.s{round}"));
            let ops = ["first", "laptop", "tablet"].map(|op| format!("{op}-{round}"));
            let at = |op: usize, base: i64, body: &'static str| SaveInput {
                section_key: &section,
                ..input(&ops[op], &entry, me, base, body)
            };
            let (first, retry) = (at(0, 0, "started"), at(0, 0, "started"));
            let (one, two) = tokio::join!(save(&a, &first), save(&b, &retry));
            let (one, two) = (one.unwrap().unwrap(), two.unwrap().unwrap());
            assert_eq!(
                one, two,
                "a retry gets the first answer, whichever server has it"
            );
            assert_eq!((one.rev, one.outcome), (1, SaveOutcome::Saved));

            let (laptop, tablet) = (at(1, 1, "from the laptop"), at(2, 1, "from the tablet"));
            let (l, t) = tokio::join!(save(&a, &laptop), save(&b, &tablet));
            let (l, t) = (l.unwrap().unwrap(), t.unwrap().unwrap());
            let outcomes = [&l.outcome, &t.outcome];
            let saved = outcomes
                .iter()
                .filter(|o| ***o == SaveOutcome::Saved)
                .count();
            assert_eq!(saved, 1, "round {round}: one save wins: {outcomes:?}");
            let (winner, loser) = if l.outcome == SaveOutcome::Saved {
                ("from the laptop", "from the tablet")
            } else {
                ("from the tablet", "from the laptop")
            };
            let stored = get(&b, me, &entry).await.unwrap().unwrap();
            assert_eq!((stored.body.as_str(), stored.rev), (winner, 2));
            let revs = revisions(&a, &entry, 100, 0).await.unwrap();
            assert!(
                revs.iter().any(|r| r.conflict && r.body == loser),
                "round {round}: the other text is kept as a conflict"
            );
        }
    }

    #[tokio::test]
    async fn a_stale_save_keeps_both_texts() {
        let db = test_db::fresh().await;
        let me = person(&db, "a@b.org").await;
        save(&db, &input("op1", "e1", me, 0, "first"))
            .await
            .unwrap()
            .unwrap();
        save(&db, &input("op2", "e1", me, 1, "from the laptop"))
            .await
            .unwrap()
            .unwrap();
        let stale = save(&db, &input("op3", "e1", me, 1, "from the tablet"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stale.outcome,
            SaveOutcome::Conflict {
                theirs: "from the laptop".into()
            }
        );
        let revs = revisions(&db, "e1", 100, 0).await.unwrap();
        assert!(revs
            .iter()
            .any(|r| r.conflict && r.body == "from the tablet"));
        // A second device that started the same answer under its own id meets the same entry.
        let other_device = save(&db, &input("op4", "e2", me, 0, "tablet's own start"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(other_device.entry_id, "e1");
        assert!(matches!(other_device.outcome, SaveOutcome::Conflict { .. }));
    }

    #[tokio::test]
    async fn conflicting_texts_are_kept_once_each_and_capped() {
        let db = test_db::fresh().await;
        let me = person(&db, "a@b.org").await;
        save(&db, &input("op0", "e1", me, 0, "first"))
            .await
            .unwrap()
            .unwrap();
        save(&db, &input("op1", "e1", me, 1, "current"))
            .await
            .unwrap()
            .unwrap();
        let conflicts = |db: Db| async move {
            let n: (i64,) = (test_db::number(
                &db,
                "SELECT COUNT(*) FROM log_entry_revisions WHERE conflict = TRUE",
                &[],
            )
            .await,);
            n.0
        };
        for n in 0..3 {
            let r = save(&db, &input(&format!("same{n}"), "e1", me, 1, "stale"))
                .await
                .unwrap()
                .unwrap();
            assert!(matches!(r.outcome, SaveOutcome::Conflict { .. }));
        }
        assert_eq!(conflicts(db.clone()).await, 1, "the same text is kept once");
        for n in 1..MAX_CONFLICTS_PER_ENTRY {
            save(
                &db,
                &input(&format!("c{n}"), "e1", me, 1, &format!("stale {n}")),
            )
            .await
            .unwrap()
            .unwrap();
        }
        assert_eq!(conflicts(db.clone()).await, MAX_CONFLICTS_PER_ENTRY);
        assert_eq!(
            save(&db, &input("one-more", "e1", me, 1, "yet another"))
                .await
                .unwrap(),
            Err(Refusal::TooManyConflicts)
        );
        // Settling it (a save on the current revision) still works.
        let settled = save(&db, &input("settle", "e1", me, 2, "settled"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(settled.rev, 3);
    }

    #[tokio::test]
    async fn nobody_saves_over_someone_elses_entry() {
        let db = test_db::fresh().await;
        let me = person(&db, "a@b.org").await;
        let other = person(&db, "c@d.org").await;
        save(&db, &input("op1", "e1", me, 0, "mine"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            save(&db, &input("op2", "e1", other, 1, "theirs"))
                .await
                .unwrap(),
            Err(Refusal::NotYours)
        );
        assert_eq!(get(&db, me, "e1").await.unwrap().unwrap().body, "mine");
        assert!(get(&db, other, "e1").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn editing_a_submitted_entry_makes_a_draft_and_search_finds_words() {
        let db = test_db::fresh().await;
        let me = person(&db, "a@b.org").await;
        save(
            &db,
            &input("op1", "e1", me, 0, "Visual timetables helped Jay settle"),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(submit(&db, me, &["e1".into()]).await.unwrap(), 1);
        assert_eq!(
            submit(&db, me, &["e1".into()]).await.unwrap(),
            0,
            "already submitted"
        );
        let edited = save(
            &db,
            &input(
                "op2",
                "e1",
                me,
                1,
                "Visual timetables helped Jay settle quickly",
            ),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(edited.status, EntryStatus::Draft);
        let found = list(
            &db,
            me,
            &Filters {
                words: &["timetable".to_string()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1);
        let none = list(
            &db,
            me,
            &Filters {
                words: &["phonics".to_string()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(none.is_empty());
        let hostile = list(
            &db,
            me,
            &Filters {
                words: &["\" OR * NEAR(".to_string(), "j".to_string()],
                ..Default::default()
            },
        )
        .await;
        assert!(hostile.is_ok(), "search text can never break the query");
        // Only the person's own entries are searched.
        let other = person(&db, "c@d.org").await;
        let theirs = list(
            &db,
            other,
            &Filters {
                words: &["timetable".to_string()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(theirs.is_empty());
    }
}
