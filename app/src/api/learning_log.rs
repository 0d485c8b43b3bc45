//! The learning log: answers on section pages (with autosave), the log itself, submitting
//! to the SENCo and follow-ups. Everything is the signed-in person's own.

use domain::error::AppError;
pub use domain::learning_log::{
    Access, Activity, Answer, EntryDetail, EntrySummary, ExportData, ExportEntry, Feedback,
    FollowUp, ModuleCompletion, Revision, SaveReply,
};
#[cfg(feature = "ssr")]
use domain::learning_log::{EntryKind, EntryStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, require_writer, Need},
};
#[cfg(feature = "ssr")]
use domain::learning_log::{check_length, prompts_for, EntryKind as Kind, FOLLOW_UP_PROMPT};
#[cfg(feature = "ssr")]
use services::{learning_log::summary, store::learning_log as store};

/// The questions of a section with the person's answers so far.
#[server(endpoint = "log/section")]
pub async fn section_answers(section_key: String) -> Result<Vec<Answer>, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let db = db()?;
    let rows = store::for_section(&db, me.id, &section_key).await?;
    let (mut questions, follow_up_shown) =
        if let Some(n) = domain::check_in::number_of(&section_key) {
            if !services::check_ins::opened(&db, &me, n, services::store::now()).await? {
                return Err(AppError::NotFound(
                    "That check-in has not opened yet.".into(),
                ));
            }
            let asked = domain::check_in::QUESTIONS
                .iter()
                .map(|(k, q)| (k.to_string(), q.to_string(), Kind::FollowUp));
            (asked.collect(), false)
        } else if domain::community::post_of_tried_key(&section_key).is_some() {
            // An example tried from the community: the note, then "what changed?" once due.
            let due = store::follow_up_due(&db, me.id, &section_key).await?;
            if due.is_none() {
                return Err(AppError::NotFound("There is no such section.".into()));
            }
            let tried = (
                "tried".to_string(),
                domain::community::TRIED_PROMPT.to_string(),
                Kind::PracticeNote,
            );
            (
                vec![tried],
                due.is_some_and(|d| d <= services::store::now()),
            )
        } else {
            let (_, section) = course
                .section(&section_key)
                .ok_or_else(|| AppError::NotFound("There is no such section.".into()))?;
            (
                prompts_for(section),
                store::follow_up_scheduled(&db, me.id, &section.key).await?,
            )
        };
    if follow_up_shown || rows.iter().any(|r| r.prompt_key == "follow_up") {
        questions.push(("follow_up".into(), FOLLOW_UP_PROMPT.into(), Kind::FollowUp));
    }
    Ok(questions
        .into_iter()
        .map(|(prompt_key, question, kind)| {
            let row = rows.iter().find(|r| r.prompt_key == prompt_key);
            Answer {
                prompt_key,
                question,
                kind,
                entry_id: row.map(|r| r.id.clone()),
                body: row.map(|r| r.body.clone()).unwrap_or_default(),
                rev: row.map_or(0, |r| r.rev),
                status: row.map(|r| r.status),
            }
        })
        .collect())
}

/// Saves one answer (autosave). `base_rev` is the revision the text was written on.
/// Idempotent by `op_id`; a text written on an older revision is kept as a conflict.
#[server(endpoint = "log/save")]
pub async fn save_answer(
    op_id: String,
    entry_id: String,
    section_key: String,
    prompt_key: String,
    base_rev: i64,
    body: String,
) -> Result<SaveReply, AppError> {
    let me = require_writer(Need::SignedIn).await?;
    ssr::save(
        &me,
        &op_id,
        &entry_id,
        &section_key,
        &prompt_key,
        base_rev,
        &body,
    )
    .await
}

/// One answer box of a section page's plain form.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnswerField {
    pub prompt_key: String,
    pub entry_id: String,
    pub base_rev: i64,
    pub body: String,
}

/// A section has at most a handful of questions; a form with more is not one of ours.
pub const MAX_ANSWERS_PER_FORM: usize = 8;

/// Saves a section's answers from the page's plain form, when the page's code has not
/// loaded (JavaScript off, or a wasm that failed): the browser then comes back to the page
/// (Leptos' form redirect). An answer left as it was is not saved again; one written on an
/// older revision is kept as a conflict, as autosave does. Returns how many were saved.
#[server(endpoint = "log/save_section")]
pub async fn save_section(
    section_key: String,
    #[server(default)] answers: Vec<AnswerField>,
) -> Result<u32, AppError> {
    let me = require_writer(Need::SignedIn).await?;
    if answers.len() > MAX_ANSWERS_PER_FORM {
        return Err(AppError::invalid(
            "body",
            "This form has more answers than a section has.",
        ));
    }
    let current = store::for_section(&db()?, me.id, &section_key).await?;
    let mut saved = 0;
    for answer in answers {
        let unchanged = current
            .iter()
            .find(|a| a.prompt_key == answer.prompt_key)
            .map_or(answer.body.trim().is_empty(), |a| a.body == answer.body);
        if unchanged {
            continue;
        }
        let op_id = crate::session::new_op_id();
        ssr::save(
            &me,
            &op_id,
            &answer.entry_id,
            &section_key,
            &answer.prompt_key,
            answer.base_rev,
            &answer.body,
        )
        .await
        .map_err(|e| match e {
            // The page's error summary links to the answer box itself.
            AppError::Invalid(mut fields) => {
                for f in &mut fields {
                    f.field = format!("answer-{}", answer.prompt_key);
                }
                AppError::Invalid(fields)
            }
            other => other,
        })?;
        saved += 1;
    }
    Ok(saved)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    /// The kind of an answer to one of a course section's questions.
    fn section_kind(section_key: &str, prompt_key: &str) -> Result<Kind, AppError> {
        let course = course()?;
        let (_, section) = course
            .section(section_key)
            .ok_or_else(|| AppError::NotFound("There is no such section.".into()))?;
        if prompt_key == "follow_up" && section.kind == domain::content::SectionKind::Practice {
            return Ok(Kind::FollowUp);
        }
        prompts_for(section)
            .into_iter()
            .find(|(k, ..)| *k == prompt_key)
            .map(|(_, _, kind)| kind)
            .ok_or_else(|| AppError::NotFound("That question is not part of this section.".into()))
    }

    /// The kind of an answer about a community example the person tried: only once they
    /// have said so ("I tried this" made the first entry and the follow-up).
    async fn tried_kind(user_id: i64, key: &str, prompt_key: &str) -> Result<Kind, AppError> {
        let tried = store::follow_up_scheduled(&db()?, user_id, key).await?;
        match prompt_key {
            "tried" if tried => Ok(Kind::PracticeNote),
            "follow_up" if tried => Ok(Kind::FollowUp),
            _ => Err(AppError::NotFound(
                "That question is not part of this section.".into(),
            )),
        }
    }

    /// The kind of an answer to one of the person's plan check-ins: only once it has opened.
    async fn check_in_kind(
        me: &domain::model::Me,
        number: u8,
        prompt_key: &str,
    ) -> Result<Kind, AppError> {
        if domain::check_in::question(prompt_key).is_none() {
            return Err(AppError::NotFound(
                "That question is not part of this check-in.".into(),
            ));
        }
        if !services::check_ins::opened(&db()?, me, number, services::store::now()).await? {
            return Err(AppError::NotFound(
                "That check-in has not opened yet.".into(),
            ));
        }
        Ok(Kind::FollowUp)
    }

    /// One answer, checked and stored: what autosave and the plain form share.
    pub async fn save(
        me: &domain::model::Me,
        op_id: &str,
        entry_id: &str,
        section_key: &str,
        prompt_key: &str,
        base_rev: i64,
        body: &str,
    ) -> Result<SaveReply, AppError> {
        if !crate::api::course::valid_op_id(op_id) || !crate::api::course::valid_op_id(entry_id) {
            return Err(AppError::invalid("body", "This answer could not be saved: reload the page and try again. Your text is kept on this device."));
        }
        check_length(body).map_err(|m| AppError::invalid("body", m))?;
        let user_id = me.id;
        let kind = match (
            domain::community::post_of_tried_key(section_key),
            domain::check_in::number_of(section_key),
        ) {
            (Some(_), _) => tried_kind(user_id, section_key, prompt_key).await?,
            (_, Some(n)) => check_in_kind(me, n, prompt_key).await?,
            _ => section_kind(section_key, prompt_key)?,
        };
        let input = store::SaveInput {
            op_id,
            entry_id,
            user_id,
            section_key,
            prompt_key,
            kind,
            base_rev,
            body,
        };
        let result = match store::save(&db()?, &input).await? {
            Ok(result) => result,
            Err(store::Refusal::NotYours) => {
                return Err(AppError::NotFound("There is no such entry in your log.".into()))
            }
            Err(store::Refusal::TooManyConflicts) => return Err(AppError::invalid(
                "body",
                "This answer has many versions from other devices waiting. Open it, choose which version to keep, then save again. Your text is kept on this device.",
            )),
        };
        Ok(SaveReply {
            entry_id: result.entry_id,
            rev: result.rev,
            status: result.status,
            conflict: match result.outcome {
                store::SaveOutcome::Saved => None,
                store::SaveOutcome::Conflict { theirs } => Some(theirs),
            },
        })
    }
}

#[server(endpoint = "log/list")]
pub async fn log_list(
    module: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    q: Option<String>,
) -> Result<Vec<EntrySummary>, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let words = domain::learning_log::search_words(q.as_deref().unwrap_or_default())
        .map_err(|m| AppError::invalid("q", m))?;
    let filters = store::Filters {
        module: module.as_deref().filter(|m| course.module(m).is_some()),
        kind: kind.as_deref().and_then(EntryKind::parse),
        status: status.as_deref().and_then(EntryStatus::parse),
        words: &words,
    };
    let db = db()?;
    let rows = store::list(&db, me.id, &filters).await?;
    let unread = services::store::review::entries_with_unread_feedback(&db, me.id).await?;
    Ok(summaries(&course, &rows, &unread))
}

/// Entries as the log lists them, each marked when it has feedback not yet opened.
#[cfg(feature = "ssr")]
fn summaries(
    course: &domain::content::Course,
    rows: &[store::EntryRow],
    unread: &[String],
) -> Vec<EntrySummary> {
    rows.iter()
        .map(|r| EntrySummary {
            new_feedback: unread.contains(&r.id),
            ..summary(course, r)
        })
        .collect()
}

/// What waits for the person from their SENCo: entries with feedback they have not opened,
/// and entries they were asked to revise (until they resubmit), newest first. Home and the
/// log show these first, so feedback finds its reader.
#[server(endpoint = "log/waiting")]
pub async fn feedback_waiting() -> Result<Vec<EntrySummary>, AppError> {
    let me = require(Need::SignedIn)?;
    let (db, course) = (db()?, course()?);
    let unread = services::store::review::entries_with_unread_feedback(&db, me.id).await?;
    let revise = store::Filters {
        status: Some(EntryStatus::NeedsRevision),
        ..Default::default()
    };
    let mut rows = store::list(&db, me.id, &revise).await?;
    for id in &unread {
        if !rows.iter().any(|r| &r.id == id) {
            rows.extend(store::get(&db, me.id, id).await?);
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
    Ok(summaries(&course, &rows, &unread))
}

/// Versions shown per page of an entry's history.
pub const REVISIONS_PER_PAGE: u32 = 20;

/// One entry with its feedback, who has read it, and one page of its history (`history`,
/// 1 for the newest versions).
#[server(endpoint = "log/entry")]
pub async fn log_entry(id: String, history: Option<u32>) -> Result<EntryDetail, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let row = store::get(&db, me.id, &id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such entry in your log.".into()))?;
    let course = course()?;
    let revision_count = store::revision_count(&db, &row.id).await?;
    let pages = revision_count.div_ceil(REVISIONS_PER_PAGE).max(1);
    let history_page = history.unwrap_or(1).clamp(1, pages);
    let revisions = store::revisions(
        &db,
        &row.id,
        REVISIONS_PER_PAGE,
        (history_page - 1) * REVISIONS_PER_PAGE,
    )
    .await?
    .into_iter()
    .map(|r| Revision {
        rev: r.rev,
        body: r.body,
        status: r.status,
        conflict: r.conflict,
        created_at: r.created_at,
    })
    .collect();
    let feedback = store::feedback(&db, &row.id)
        .await?
        .into_iter()
        .map(Feedback::from)
        .collect();
    // Opening the entry is reading its feedback: the unread badge goes once it is seen.
    services::store::review::mark_feedback_read(&db, me.id, &row.id).await?;
    let viewed_by = services::store::review::accesses(&db, me.id, Some(&row.id), 50)
        .await?
        .into_iter()
        .map(Access::from)
        .collect();
    Ok(EntryDetail {
        summary: summary(&course, &row),
        body: row.body,
        revisions,
        history_page,
        revision_count,
        feedback,
        viewed_by,
    })
}

/// Submits one entry, or every draft of a module, to the setting's SENCo. A plain form
/// comes back to the page it was sent from, which says what was sent (`?submitted=`).
#[server(endpoint = "log/submit")]
pub async fn submit_entries(id: Option<String>, module: Option<String>) -> Result<u64, AppError> {
    let page = match (&id, &module) {
        (Some(id), _) => format!("/log/{}", crate::urlencode(id)),
        (None, Some(m)) => format!("/log?module={}", crate::urlencode(m)),
        (None, None) => "/log".to_string(),
    };
    let outcome = submit(id, module).await;
    match &outcome {
        Ok(n) => {
            let join = if page.contains('?') { '&' } else { '?' };
            super::redirect_plain_form(&format!("{page}{join}submitted={n}"))
        }
        Err(error) => super::plain_form_error::<SubmitEntries>(&page, &[], error),
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn submit(id: Option<String>, module: Option<String>) -> Result<u64, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let ids: Vec<String> = match (id, module) {
        (Some(id), _) => {
            let row = store::get(&db, me.id, &id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such entry in your log.".into()))?;
            if !row.status.can_submit() {
                return Err(AppError::invalid("submit", "This entry has already been submitted. Edit it to make a new version to submit."));
            }
            if row.body.trim().is_empty() {
                return Err(AppError::invalid(
                    "submit",
                    "This entry is empty. Write your answer before submitting it.",
                ));
            }
            vec![id]
        }
        (None, Some(module)) => {
            let module = course()?
                .module(&module)
                .map(|m| m.key.clone())
                .ok_or_else(|| AppError::NotFound("There is no such module.".into()))?;
            let filters = store::Filters {
                module: Some(&module),
                ..Default::default()
            };
            store::list(&db, me.id, &filters)
                .await?
                .into_iter()
                .filter(|r| r.status.can_submit() && !r.body.trim().is_empty())
                .map(|r| r.id)
                .collect()
        }
        (None, None) => {
            return Err(AppError::invalid(
                "submit",
                "Choose an entry or a module to submit.",
            ))
        }
    };
    let count = store::submit(&db, me.id, &ids).await?;
    Ok(count)
}

#[server(endpoint = "log/follow_ups")]
pub async fn due_follow_ups() -> Result<Vec<FollowUp>, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let rows = store::due_follow_ups(&db()?, me.id, services::store::now()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, due_at)| {
            if let Some(post) = domain::community::post_of_tried_key(&key) {
                return Some(FollowUp {
                    section_title: "An example you tried from the community".into(),
                    module_number: 0,
                    href: format!("/community/p/{post}#tried"),
                    due_at,
                });
            }
            course.section(&key).map(|(m, s)| FollowUp {
                section_title: s.title.clone(),
                module_number: m.number,
                href: format!(
                    "{}#follow-up",
                    domain::content::section_href(&m.key, &s.slug)
                ),
                due_at,
            })
        })
        .collect())
}

#[server(endpoint = "log/export")]
pub async fn log_export() -> Result<ExportData, AppError> {
    let me = require(Need::SignedIn)?;
    services::learning_log::export_data(&db()?, &*course()?, &me).await
}
