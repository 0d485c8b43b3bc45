//! What a SENCo reads and does: the review queue, submitted texts (never drafts), their
//! decisions and feedback, and the audit trail of who read whose entries.
//!
//! Every query here takes the SENCo's setting id and joins on the author's setting, so an
//! id from another setting finds nothing.

use super::now;
use super::outcomes::{key, Earlier};
use domain::learning_log::{EntryKind, EntryStatus};
use domain::model::Sector;
use domain::review::{AuditAction, ReviewAction};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct QueueRow {
    pub id: String,
    pub author_id: i64,
    pub author: String,
    pub sector: Sector,
    pub section_key: String,
    pub prompt_key: String,
    pub kind: EntryKind,
    pub submitted_at: i64,
    /// How many times this entry has been submitted (more than one: a resubmission).
    pub times_submitted: i64,
}

#[derive(Default)]
pub struct QueueFilters<'a> {
    pub author_id: Option<i64>,
    pub module: Option<&'a str>,
    pub sector: Option<Sector>,
}

/// A submitted entry as its SENCo may see it: the latest submitted text, not the draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SubmittedEntry {
    pub id: String,
    pub author_id: i64,
    pub author: String,
    pub sector: Sector,
    pub section_key: String,
    pub prompt_key: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub submitted_rev: i64,
    pub submitted_at: i64,
    pub body: String,
}

const SUBMITTED_COLUMNS: &str = "e.id, u.id AS author_id, u.display_name AS author, u.sector, e.section_key, e.prompt_key, e.kind,
    e.status, e.submitted_rev, e.submitted_at,
    (SELECT r.body FROM log_entry_revisions r WHERE r.entry_id = e.id AND r.rev = e.submitted_rev AND r.conflict = FALSE) AS body";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedVersion {
    pub rev: i64,
    pub body: String,
    pub submitted_at: i64,
}

pub struct Decision<'a> {
    pub entry_id: &'a str,
    pub reviewer_id: i64,
    pub author_id: i64,
    /// The submitted revision the reviewer read; the decision is refused if it moved on.
    pub rev: i64,
    pub action: ReviewAction,
    pub comment: &'a str,
    pub from: EntryStatus,
    pub to: EntryStatus,
}

/// What was done with someone's entries, for the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Viewed,
    ExportedEvidence,
}

impl From<Access> for AuditAction {
    fn from(access: Access) -> Self {
        match access {
            Access::Viewed => AuditAction::Viewed,
            Access::ExportedEvidence => AuditAction::Exported,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRow {
    pub who: String,
    pub entry_id: Option<String>,
    pub section_key: Option<String>,
    pub prompt_key: Option<String>,
    pub action: AuditAction,
    pub at: i64,
}

#[engines::both]
mod sql {
    use super::*;

    /// Entries waiting for review in a setting, oldest first. The setting's people first,
    /// then their submitted entries (`CROSS JOIN` fixes SQLite's order; see `users::ME_COLUMNS`).
    pub async fn queue(
        db: &Db,
        setting_id: i64,
        filters: &QueueFilters<'_>,
    ) -> Result<Vec<QueueRow>, sqlx::Error> {
        crate::store::filter::Filtered::new(
        "SELECT e.id, u.id AS author_id, u.display_name AS author, u.sector, e.section_key, e.prompt_key, e.kind,
                e.submitted_at, (SELECT COUNT(*) FROM submissions s WHERE s.entry_id = e.id) AS times_submitted
         FROM users u CROSS JOIN log_entries e",
    )
    .and_sql("e.user_id = u.id")
    .and("u.setting_id = ?", Some(setting_id))
    .and_sql("e.status = 'submitted'")
    .and("u.id = ?", filters.author_id)
    .and("instr(e.section_key, ? || '.') = 1", filters.module)
    .and("u.sector = ?", filters.sector.map(|s| s.as_str()))
    .then("ORDER BY e.submitted_at, e.id")
    .build_query_as()
    .fetch_all(db.pool())
    .await
    }

    pub async fn submitted_entry(
        db: &Db,
        setting_id: i64,
        entry_id: &str,
    ) -> Result<Option<SubmittedEntry>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {SUBMITTED_COLUMNS} FROM log_entries e JOIN users u ON u.id = e.user_id
         WHERE e.id = $1 AND u.setting_id = $2 AND e.submitted_rev IS NOT NULL"
        ))
        .bind(entry_id)
        .bind(setting_id)
        .fetch_optional(db.pool())
        .await
    }

    /// Every entry one person has submitted (their latest submitted texts), for their
    /// SENCo's view of them and the evidence pack.
    pub async fn submitted_by(
        db: &Db,
        setting_id: i64,
        author_id: i64,
    ) -> Result<Vec<SubmittedEntry>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {SUBMITTED_COLUMNS} FROM log_entries e JOIN users u ON u.id = e.user_id
         WHERE u.id = $1 AND u.setting_id = $2 AND e.submitted_rev IS NOT NULL
         ORDER BY e.section_key, e.prompt_key"
        ))
        .bind(author_id)
        .bind(setting_id)
        .fetch_all(db.pool())
        .await
    }

    /// The texts an entry's author submitted, newest first.
    pub async fn submitted_versions(
        db: &Db,
        entry_id: &str,
    ) -> Result<Vec<SubmittedVersion>, sqlx::Error> {
        sqlx::query_as!(
            SubmittedVersion,
            "SELECT s.rev, r.body, s.submitted_at FROM submissions s
         JOIN log_entry_revisions r ON r.entry_id = s.entry_id AND r.rev = s.rev AND r.conflict = FALSE
         WHERE s.entry_id = $1 ORDER BY s.rev DESC",
            entry_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// The answer the reply `op` by `reviewer_id` was given, if this is another try of it
    /// (a reply lost on the way back, the form sent again): it is answered the same and
    /// nothing is recorded twice. An empty `op` (a page from before replies had one) is new.
    pub async fn earlier_reply(
        db: &Db,
        op: &str,
        reviewer_id: i64,
    ) -> Result<Earlier<EntryStatus>, sqlx::Error> {
        if op.is_empty() {
            return Ok(Earlier::Unseen);
        }
        let mut tx = write(db).await?;
        crate::store::outcomes::sql::earlier(&mut tx, &key("review", op), reviewer_id).await
    }

    /// Records a reviewer's feedback or decision. False when the entry changed since the
    /// reviewer read it (resubmitted, or taken back to draft), so nothing was written.
    pub async fn decide(db: &Db, op: &str, d: &Decision<'_>) -> Result<bool, sqlx::Error> {
        decide_all(db, op, std::slice::from_ref(d)).await
    }

    /// Records one reply (`op`, see `earlier_reply`) about several answers (a piece,
    /// `crate::review`): the same words and decision beside each. All or nothing: false, with
    /// nothing written, when any of them changed since the reviewer read it.
    pub async fn decide_all(
        db: &Db,
        op: &str,
        decisions: &[Decision<'_>],
    ) -> Result<bool, sqlx::Error> {
        let Some(first) = decisions.first() else {
            return Ok(false);
        };
        let at = now();
        let mut tx = write(db).await?;
        let op = (!op.is_empty()).then(|| key("review", op));
        if let Some(op) = &op {
            // Two tries that crossed: the second waited for the first's transaction.
            match crate::store::outcomes::sql::earlier::<EntryStatus>(
                &mut tx,
                op,
                first.reviewer_id,
            )
            .await?
            {
                Earlier::Unseen => {}
                Earlier::Answered(_) => return Ok(true),
                Earlier::NotYours => return Ok(false),
            }
        }
        for d in decisions {
            let moved = sqlx::query!(
                "UPDATE log_entries SET status = $1 WHERE id = $2 AND status = $3 AND submitted_rev = $4",
                d.to as _,
                d.entry_id,
                d.from as _,
                d.rev,
            )
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() == 0 {
                // Dropping the transaction takes back what was written for the others.
                return Ok(false);
            }
            let comment = d.comment.trim();
            if !comment.is_empty() || d.action != ReviewAction::Comment {
                sqlx::query!(
                    "INSERT INTO feedback (entry_id, author_id, body, created_at, action, rev) VALUES ($1, $2, $3, $4, $5, $6)",
                    d.entry_id,
                    d.reviewer_id,
                    comment,
                    at,
                    d.action as _,
                    d.rev,
                )
                .execute(&mut *tx)
                .await?;
            }
            let action = AuditAction::from(d.action);
            audit_row(&mut tx, d.reviewer_id, d.author_id, d.entry_id, action, at).await?;
        }
        if let Some(op) = &op {
            crate::store::outcomes::sql::keep(&mut tx, op, first.reviewer_id, &first.to).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Writes one audit row per entry read by someone other than its author.
    pub async fn audit(
        db: &Db,
        actor_id: i64,
        entries: &[(i64, &str)],
        access: Access,
    ) -> Result<(), sqlx::Error> {
        let at = now();
        let action = AuditAction::from(access);
        let mut tx = write(db).await?;
        for &(subject_id, entry_id) in entries {
            if subject_id == actor_id {
                continue;
            }
            audit_row(&mut tx, actor_id, subject_id, entry_id, action, at).await?;
        }
        tx.commit().await
    }

    /// One line of the audit log: `actor` did `action` to `subject`'s entry, inside a write.
    async fn audit_row(
        tx: &mut Conn,
        actor_id: i64,
        subject_id: i64,
        entry_id: &str,
        action: AuditAction,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
        "INSERT INTO audit_log (actor_id, subject_id, entry_id, action, at) VALUES ($1, $2, $3, $4, $5)",
        actor_id,
        subject_id,
        entry_id,
        action as _,
        at,
    )
    .execute(tx)
    .await?;
        Ok(())
    }

    /// Who has read or acted on a person's entries (one entry, or all), newest first.
    pub async fn accesses(
        db: &Db,
        subject_id: i64,
        entry_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AccessRow>, sqlx::Error> {
        sqlx::query_as!(
        AccessRow,
        r#"SELECT u.display_name AS who, a.entry_id, e.section_key AS "section_key?", e.prompt_key AS "prompt_key?",
                  a.action AS "action: AuditAction", a.at
           FROM audit_log a JOIN users u ON u.id = a.actor_id LEFT JOIN log_entries e ON e.id = a.entry_id
           WHERE a.subject_id = $1 AND (CAST($2 AS TEXT) IS NULL OR a.entry_id = $3)
           ORDER BY a.at DESC, a.id DESC LIMIT $4"#,
        subject_id,
        entry_id,
        entry_id,
        limit,
    )
    .fetch_all(db.pool())
    .await
    }

    /// Marks the feedback on one of the person's entries read; true if any was unread.
    pub async fn mark_feedback_read(
        db: &Db,
        user_id: i64,
        entry_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let at = now();
        let done = sqlx::query!(
            "UPDATE feedback SET read_at = $1 WHERE entry_id = $2 AND read_at IS NULL
         AND entry_id IN (SELECT id FROM log_entries WHERE user_id = $3)",
            at,
            entry_id,
            user_id,
        )
        .write_in_turn(db)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Entry ids of a person's with feedback they have not read.
    pub async fn entries_with_unread_feedback(
        db: &Db,
        user_id: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar!(
            "SELECT DISTINCT f.entry_id FROM feedback f JOIN log_entries e ON e.id = f.entry_id
         WHERE e.user_id = $1 AND f.read_at IS NULL",
            user_id
        )
        .fetch_all(db.pool())
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::learning_log::{save, submit, SaveInput};
    use crate::store::test_db;
    use crate::store::test_db::person;
    use crate::store::Db;
    use domain::learning_log::EntryKind;
    use domain::model::Role;

    async fn write(db: &Db, user: i64, op: &str, base: i64, body: &str) {
        let input = SaveInput {
            op_id: op,
            entry_id: "e1",
            user_id: user,
            section_key: "m1.reflection",
            prompt_key: "p1",
            kind: EntryKind::Reflection,
            base_rev: base,
            body,
        };
        save(db, &input).await.unwrap().unwrap();
    }

    fn decision<'a>(
        reviewer: i64,
        author: i64,
        rev: i64,
        action: ReviewAction,
        comment: &'a str,
        to: EntryStatus,
    ) -> Decision<'a> {
        Decision {
            entry_id: "e1",
            reviewer_id: reviewer,
            author_id: author,
            rev,
            action,
            comment,
            from: EntryStatus::Submitted,
            to,
        }
    }

    #[tokio::test]
    async fn a_senco_sees_submitted_text_only_and_only_in_their_setting() {
        let db = test_db::fresh().await;
        let (setting, sam) = person(&db, "sam@a.org", Role::Practitioner, None).await;
        let (_, senco) = person(&db, "senco@a.org", Role::Senco, Some(setting)).await;
        let (elsewhere, senco_elsewhere) = person(&db, "senco@b.org", Role::Senco, None).await;

        write(&db, sam, "op1", 0, "first thoughts").await;
        assert!(
            submitted_entry(&db, setting, "e1").await.unwrap().is_none(),
            "a draft is invisible"
        );
        submit(&db, sam, &["e1".into()]).await.unwrap();
        write(&db, sam, "op2", 1, "second thoughts, still a draft").await;

        let seen = submitted_entry(&db, setting, "e1").await.unwrap().unwrap();
        assert_eq!(seen.body, "first thoughts", "the draft text is never shown");
        assert!(submitted_entry(&db, elsewhere, "e1")
            .await
            .unwrap()
            .is_none());
        assert!(
            queue(&db, setting, &QueueFilters::default())
                .await
                .unwrap()
                .is_empty(),
            "an entry taken back to draft leaves the queue"
        );

        submit(&db, sam, &["e1".into()]).await.unwrap();
        let queued = queue(&db, setting, &QueueFilters::default()).await.unwrap();
        assert_eq!((queued.len(), queued[0].times_submitted), (1, 2));
        // The badge counts, read with the person.
        let counts = |id| {
            let db = db.clone();
            async move {
                crate::store::users::me(&db, id)
                    .await
                    .unwrap()
                    .unwrap()
                    .counts
            }
        };
        assert_eq!(counts(senco).await.awaiting_review, 1);
        assert_eq!(counts(senco_elsewhere).await.awaiting_review, 0);
        // Through a session: with the badges for a page, as zeros for a request without.
        use crate::store::sessions::{self, Badges};
        let token = sessions::create(&db, senco).await.unwrap();
        let resolve = |badges| sessions::resolve(&db, &token, badges);
        let page = resolve(Badges::Read).await.unwrap().unwrap();
        assert_eq!((page.id, page.counts.awaiting_review), (senco, 1));
        let bare = resolve(Badges::Skip).await.unwrap().unwrap();
        assert_eq!(
            (bare.id, bare.role, bare.setting_id),
            (senco, Role::Senco, setting)
        );
        assert_eq!(bare.counts, Default::default());
        let versions = submitted_versions(&db, "e1").await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.rev).collect::<Vec<_>>(),
            vec![2, 1]
        );

        // A decision on a revision that is no longer the submitted one changes nothing.
        let stale = decision(
            senco,
            sam,
            1,
            ReviewAction::Reviewed,
            "",
            EntryStatus::Reviewed,
        );
        assert!(!decide(&db, "", &stale).await.unwrap());
        let ask = decision(
            senco,
            sam,
            2,
            ReviewAction::NeedsRevision,
            "Add an example",
            EntryStatus::NeedsRevision,
        );
        assert!(decide(&db, "", &ask).await.unwrap());
        assert_eq!(counts(sam).await.unread_feedback, 1);
        assert!(mark_feedback_read(&db, sam, "e1").await.unwrap());
        assert_eq!(counts(sam).await.unread_feedback, 0);
        let trail = accesses(&db, sam, Some("e1"), 10).await.unwrap();
        assert_eq!(trail[0].action, domain::review::AuditAction::NeedsRevision);
    }

    #[tokio::test]
    async fn audit_skips_the_author_reading_their_own() {
        let db = test_db::fresh().await;
        let (setting, sam) = person(&db, "sam@a.org", Role::Practitioner, None).await;
        let (_, senco) = person(&db, "senco@a.org", Role::Senco, Some(setting)).await;
        write(&db, sam, "op1", 0, "text").await;
        audit(&db, sam, &[(sam, "e1")], Access::Viewed)
            .await
            .unwrap();
        assert!(accesses(&db, sam, None, 10).await.unwrap().is_empty());
        audit(&db, senco, &[(sam, "e1")], Access::Viewed)
            .await
            .unwrap();
        let trail = accesses(&db, sam, None, 10).await.unwrap();
        assert_eq!((trail.len(), trail[0].who.as_str()), (1, "senco@a.org"));
    }
}
