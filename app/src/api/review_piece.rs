//! A SENCo reads and answers what one person submitted from one module as one piece
//! (`services::review`): the answers in the order the course asks them, one reply for all.

use super::review::PieceDetail;
use domain::error::AppError;
use domain::learning_log::EntryStatus;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::review::{changed, earlier_reply, next_piece, not_found, PieceAnswer};
#[cfg(feature = "ssr")]
use crate::api::learning_log::Feedback;
#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, SENCO},
};
#[cfg(feature = "ssr")]
use domain::{content::Course, review::ReviewAction};
#[cfg(feature = "ssr")]
use services::{
    learning_log::question,
    review,
    store::{
        review::{self as store, SubmittedEntry},
        Db,
    },
};

/// The longest list of answers a reply may name (a module asks fewer than 40 questions).
#[cfg(feature = "ssr")]
const MAX_ENTRIES_FIELD: usize = 4_000;

/// One person's submitted answers from one module (`module`: a module key, or a tried
/// post's key), for their SENCo. Reading it is written to the audit log, as for one entry.
#[server(endpoint = "review/piece")]
pub async fn review_piece(author: i64, module: String) -> Result<PieceDetail, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    let (waiting, answered) = piece_entries(&db, &course, me.setting_id, author, &module).await?;
    let Some(first) = waiting.first().or(answered.first()).cloned() else {
        return Err(not_found());
    };
    let read: Vec<(i64, &str)> = waiting
        .iter()
        .chain(&answered)
        .map(|e| (e.author_id, e.id.as_str()))
        .collect();
    store::audit(&db, me.id, &read, store::Access::Viewed).await?;
    let ids: Vec<&str> = read.iter().map(|(_, id)| *id).collect();
    let mut feedback = services::store::learning_log::feedback_for(&db, &ids).await?;
    let mut answers = |entries: Vec<SubmittedEntry>| {
        entries
            .into_iter()
            .map(|e| PieceAnswer {
                question: question(&course, &e.section_key, &e.prompt_key),
                section_title: services::learning_log::place(&course, &e.section_key).section_title,
                feedback: feedback
                    .remove(&e.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Feedback::from)
                    .collect(),
                id: e.id,
                kind: e.kind,
                status: e.status,
                rev: e.submitted_rev,
                submitted_at: e.submitted_at,
                body: e.body,
                changes: None,
            })
            .collect::<Vec<_>>()
    };
    let mut waiting = answers(waiting);
    let answered = answers(answered);
    // What changed since the version submitted before, for an answer sent back and returned.
    for a in &mut waiting {
        let versions = store::submitted_versions(&db, &a.id).await?;
        a.changes = versions
            .get(1)
            .map(|before| domain::review::compare(&before.body, &a.body));
    }
    let (module_number, title) = match course.module(&module) {
        Some(m) => (m.number, m.title.clone()),
        None => (
            0,
            services::learning_log::place(&course, &module).section_title,
        ),
    };
    Ok(PieceDetail {
        op: super::new_form_op(),
        next: next_piece(&db, &course, me.setting_id, author, &module).await?,
        author: first.author,
        author_id: author,
        sector: first.sector,
        key: module,
        module_number,
        title,
        waiting,
        answered,
    })
}

/// One reply about every answer of a piece that waits: feedback, "reviewed" or "needs
/// revision", beside each. `entries` is what the SENCo read (`id:rev,…`): if an answer
/// was added, taken back or changed since, nothing is recorded.
#[server(endpoint = "review/act_piece")]
pub async fn review_act_piece(
    author: i64,
    module: String,
    entries: String,
    action: String,
    comment: String,
    #[server(default)] op: String,
) -> Result<EntryStatus, AppError> {
    let outcome = act(author, &module, &entries, &action, &comment, &op).await;
    let page = review::piece_href(author, &module);
    match &outcome {
        Ok(status) => super::redirect_plain_form(&format!("{page}?sent={}", status.as_str())),
        Err(error) => {
            super::plain_form_error::<ReviewActPiece>(&page, &[("comment", &comment)], error)
        }
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn act(
    author: i64,
    key: &str,
    entries: &str,
    action: &str,
    comment: &str,
    op: &str,
) -> Result<EntryStatus, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    if let Some(earlier) = earlier_reply(&db, op, me.id).await? {
        return earlier;
    }
    let action = ReviewAction::parse(action)
        .ok_or_else(|| AppError::invalid("action", "Choose what to do with these answers."))?;
    if author == me.id {
        // A SENCo doing the course submits to a colleague or their head, not to themselves.
        return Err(AppError::Forbidden);
    }
    if entries.len() > MAX_ENTRIES_FIELD {
        return Err(changed());
    }
    let read: Option<Vec<(&str, i64)>> = entries
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (id, rev) = pair.rsplit_once(':')?;
            Some((id, rev.parse().ok()?))
        })
        .collect();
    let read = read.ok_or_else(changed)?;
    let (waiting, _) = piece_entries(&db, &course, me.setting_id, author, key).await?;
    if waiting.is_empty() {
        return Err(not_found());
    }
    // The reply is about exactly what was on the SENCo's screen.
    let same = read.len() == waiting.len()
        && waiting
            .iter()
            .all(|e| read.contains(&(e.id.as_str(), e.submitted_rev)));
    if !same {
        return Err(changed());
    }
    let to = domain::review::decide(EntryStatus::Submitted, action, comment)
        .map_err(|message| AppError::invalid("comment", message))?;
    let decisions: Vec<store::Decision> = waiting
        .iter()
        .map(|e| store::Decision {
            entry_id: &e.id,
            reviewer_id: me.id,
            author_id: e.author_id,
            rev: e.submitted_rev,
            action,
            comment,
            from: e.status,
            to,
        })
        .collect();
    if !store::decide_all(&db, op, &decisions).await? {
        return Err(changed());
    }
    Ok(to)
}

/// The person's submitted answers in the piece, in the order the course asks them: those
/// waiting for the SENCo, and those already answered. Another setting's person has none.
#[cfg(feature = "ssr")]
async fn piece_entries(
    db: &Db,
    course: &Course,
    setting_id: i64,
    author: i64,
    key: &str,
) -> Result<(Vec<SubmittedEntry>, Vec<SubmittedEntry>), AppError> {
    let mut entries: Vec<SubmittedEntry> = store::submitted_by(db, setting_id, author)
        .await?
        .into_iter()
        .filter(|e| review::piece_of(course, &e.section_key) == key)
        .collect();
    review::in_course_order(course, &mut entries);
    Ok(entries
        .into_iter()
        .partition(|e| e.status == EntryStatus::Submitted))
}
