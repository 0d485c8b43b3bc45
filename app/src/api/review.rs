//! The SENCo's side of the learning log: the review queue, reading a submitted entry
//! (audited), feedback and decisions, and the counts shown in the navigation.

use crate::api::learning_log::{Feedback, Revision};
use domain::error::AppError;
use domain::learning_log::{EntryKind, EntryStatus};
use domain::model::Sector;
use domain::review::Change;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One person's waiting answers from one module (a piece, `services::review`), or a single
/// answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// The piece's page, or the answer's own when it is one.
    pub href: String,
    /// How many answers wait in it.
    pub answers: u32,
    pub module_title: String,
    pub author: String,
    pub sector: Sector,
    pub module_number: u32,
    pub section_title: String,
    pub question: String,
    pub kind: EntryKind,
    pub submitted_at: i64,
    pub resubmitted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub items: Vec<QueueItem>,
    /// Everyone in the setting, for the "practitioner" filter: (id, name).
    pub staff: Vec<(i64, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDetail {
    pub id: String,
    pub author: String,
    pub author_id: i64,
    pub sector: Sector,
    pub module_number: u32,
    pub module_title: String,
    pub section_title: String,
    pub section_href: String,
    pub question: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    /// The submitted revision shown (decisions are about this one).
    pub rev: i64,
    pub submitted_at: i64,
    pub body: String,
    /// What changed since the version submitted before this one, if any.
    pub changes: Option<Vec<Change>>,
    /// Every version the author submitted, newest first.
    pub versions: Vec<Revision>,
    pub feedback: Vec<Feedback>,
    /// "Next submission": the oldest other piece waiting.
    pub next: Option<String>,
    /// The id the reply from this page goes by, so that a reply sent twice is recorded once.
    pub op: String,
}

/// One answer of a piece, for the piece's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceAnswer {
    pub id: String,
    pub question: String,
    pub section_title: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub rev: i64,
    pub submitted_at: i64,
    pub body: String,
    pub changes: Option<Vec<Change>>,
    pub feedback: Vec<Feedback>,
}

/// What one person has submitted from one module, read and answered together: the answers
/// waiting, in the order the course asks them, and those already answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceDetail {
    pub author: String,
    pub author_id: i64,
    pub sector: Sector,
    pub key: String,
    pub module_number: u32,
    pub title: String,
    pub waiting: Vec<PieceAnswer>,
    pub answered: Vec<PieceAnswer>,
    pub next: Option<String>,
    /// As `ReviewDetail::op`.
    pub op: String,
}

pub use domain::model::NavCounts;

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, Need, SENCO},
};
#[cfg(feature = "ssr")]
use domain::review::ReviewAction;
#[cfg(feature = "ssr")]
use services::{learning_log::question, review, store::review as store};

#[server(endpoint = "review/queue")]
pub async fn review_queue(
    practitioner: Option<String>,
    module: Option<String>,
    sector: Option<String>,
) -> Result<QueueView, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    let filters = store::QueueFilters {
        author_id: practitioner.as_deref().and_then(|p| p.parse().ok()),
        module: module.as_deref().filter(|m| course.module(m).is_some()),
        sector: sector.as_deref().and_then(Sector::parse),
    };
    let rows = store::queue(&db, me.setting_id, &filters).await?;
    let items = review::pieces(&course, rows)
        .into_iter()
        .map(|p| {
            let r = &p.first;
            let services::learning_log::Place {
                module_number,
                module_title,
                section_title,
                ..
            } = services::learning_log::place(&course, &r.section_key);
            QueueItem {
                href: p.href(),
                answers: p.entries.len() as u32,
                module_title,
                question: question(&course, &r.section_key, &r.prompt_key),
                author: p.author.clone(),
                sector: p.sector,
                module_number,
                section_title,
                kind: r.kind,
                submitted_at: p.submitted_at,
                resubmitted: p.resubmitted,
            }
        })
        .collect();
    let staff = services::store::users::members(&db, me.setting_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.display_name))
        .collect();
    Ok(QueueView { items, staff })
}

/// A submitted entry for its SENCo. Reading it is written to the audit log.
#[server(endpoint = "review/entry")]
pub async fn review_entry(id: String) -> Result<ReviewDetail, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    let entry = store::submitted_entry(&db, me.setting_id, &id)
        .await?
        .ok_or_else(not_found)?;
    store::audit(
        &db,
        me.id,
        &[(entry.author_id, &entry.id)],
        store::Access::Viewed,
    )
    .await?;
    let versions = store::submitted_versions(&db, &entry.id).await?;
    let changes = versions
        .get(1)
        .map(|before| domain::review::compare(&before.body, &entry.body));
    let services::learning_log::Place {
        module_number,
        module_title,
        section_title,
        href: section_href,
    } = services::learning_log::place(&course, &entry.section_key);
    let feedback = services::store::learning_log::feedback(&db, &entry.id)
        .await?
        .into_iter()
        .map(Feedback::from)
        .collect();
    let next = next_piece(
        &db,
        &course,
        me.setting_id,
        entry.author_id,
        &review::piece_of(&course, &entry.section_key),
    )
    .await?;
    Ok(ReviewDetail {
        next,
        op: super::new_form_op(),
        question: question(&course, &entry.section_key, &entry.prompt_key),
        id: entry.id,
        author: entry.author,
        author_id: entry.author_id,
        sector: entry.sector,
        module_number,
        module_title,
        section_title,
        section_href,
        kind: entry.kind,
        status: entry.status,
        rev: entry.submitted_rev,
        submitted_at: entry.submitted_at,
        body: entry.body,
        changes,
        versions: versions
            .into_iter()
            .map(|v| Revision {
                rev: Some(v.rev),
                body: v.body,
                status: EntryStatus::Submitted,
                conflict: false,
                created_at: v.submitted_at,
            })
            .collect(),
        feedback,
    })
}

/// Feedback, "reviewed" or "needs revision" on a submitted entry. `rev` is the version
/// the SENCo read: if the author has since changed it, nothing is recorded.
#[server(endpoint = "review/act")]
pub async fn review_act(
    id: String,
    rev: i64,
    action: String,
    comment: String,
    #[server(default)] op: String,
) -> Result<EntryStatus, AppError> {
    let outcome = act(&id, rev, &action, &comment, &op).await;
    let page = format!("/review/{}", crate::urlencode(&id));
    match &outcome {
        Ok(status) => super::redirect_plain_form(&format!("{page}?sent={}", status.as_str())),
        Err(error) => super::plain_form_error::<ReviewAct>(&page, &[("comment", &comment)], error),
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn act(
    id: &str,
    rev: i64,
    action: &str,
    comment: &str,
    op: &str,
) -> Result<EntryStatus, AppError> {
    let me = require(SENCO)?;
    let db = db()?;
    if let Some(earlier) = earlier_reply(&db, op, me.id).await? {
        return earlier;
    }
    let action = ReviewAction::parse(action)
        .ok_or_else(|| AppError::invalid("action", "Choose what to do with this entry."))?;
    let entry = store::submitted_entry(&db, me.setting_id, id)
        .await?
        .ok_or_else(not_found)?;
    if entry.author_id == me.id {
        // A SENCo doing the course submits to a colleague or their head, not to themselves.
        return Err(AppError::Forbidden);
    }
    let from = entry.status;
    let to = domain::review::decide(from, action, comment)
        .map_err(|message| AppError::invalid("comment", message))?;
    let decision = store::Decision {
        entry_id: &entry.id,
        reviewer_id: me.id,
        author_id: entry.author_id,
        rev,
        action,
        comment,
        from,
        to,
    };
    if !store::decide(&db, op, &decision).await? {
        return Err(changed());
    }
    Ok(to)
}

/// What a reply sent again is answered: the first try's answer, or a refusal when the id
/// is someone else's (or not an id). None: it is new.
#[cfg(feature = "ssr")]
pub(super) async fn earlier_reply(
    db: &services::store::Db,
    op: &str,
    me: i64,
) -> Result<Option<Result<EntryStatus, AppError>>, AppError> {
    use services::store::outcomes::Earlier;
    if op.len() > 64 {
        return Ok(Some(Err(changed())));
    }
    Ok(match store::earlier_reply(db, op, me).await? {
        Earlier::Unseen => None,
        Earlier::Answered(status) => Some(Ok(status)),
        Earlier::NotYours => Some(Err(changed())),
    })
}

/// The answer to a reply about a text that moved on while the SENCo read it.
#[cfg(feature = "ssr")]
pub(super) fn changed() -> AppError {
    AppError::invalid(
        "comment",
        "This changed while you were reading it. Your comment is still in the box: reload the page to see the new version, then send it again.",
    )
}

/// Where "Next submission" goes from `author_id`'s piece `key`.
#[cfg(feature = "ssr")]
pub(super) async fn next_piece(
    db: &services::store::Db,
    course: &domain::content::Course,
    setting_id: i64,
    author_id: i64,
    key: &str,
) -> Result<Option<String>, AppError> {
    let rows = store::queue(db, setting_id, &Default::default()).await?;
    Ok(review::next_after(
        &review::pieces(course, rows),
        author_id,
        key,
    ))
}

/// The numbers on the navigation badges: read with the person for every request (see
/// `store::users::ME_COLUMNS`), so this only hands them over.
#[server(endpoint = "notices")]
pub async fn notices() -> Result<NavCounts, AppError> {
    Ok(require(Need::SignedIn)?.counts)
}

/// Who has read or acted on the signed-in person's entries, newest first.
#[server(endpoint = "log/views")]
pub async fn my_entry_views() -> Result<Vec<crate::api::learning_log::Access>, AppError> {
    let me = require(Need::SignedIn)?;
    Ok(store::accesses(&db()?, me.id, None, 50)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[cfg(feature = "ssr")]
pub(super) fn not_found() -> AppError {
    AppError::NotFound("There is no submitted entry with that id in your setting.".into())
}
