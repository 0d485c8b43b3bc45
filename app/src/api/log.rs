//! The learning log: answers on section pages (with autosave), the log itself, submitting
//! to the SENCo and follow-ups. Everything is the signed-in person's own.

use crate::error::AppError;
use crate::log::{EntryKind, EntryStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One question on a section page and its answer so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub prompt_key: String,
    pub question: String,
    pub kind: EntryKind,
    pub entry_id: Option<String>,
    pub body: String,
    pub rev: i64,
    pub status: Option<EntryStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReply {
    pub entry_id: String,
    pub rev: i64,
    pub status: EntryStatus,
    /// Set when the entry changed elsewhere: the other text, to compare with.
    pub conflict: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySummary {
    pub id: String,
    pub module_number: u32,
    pub module_title: String,
    pub section_title: String,
    pub section_href: String,
    pub kind: EntryKind,
    pub question: String,
    pub status: EntryStatus,
    pub updated_at: i64,
    pub excerpt: String,
    /// Feedback the author has not opened yet.
    pub new_feedback: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub rev: Option<i64>,
    pub body: String,
    pub status: EntryStatus,
    pub conflict: bool,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub author: String,
    pub body: String,
    pub created_at: i64,
    pub action: crate::review::ReviewAction,
    /// The submitted version it was about.
    pub rev: Option<i64>,
    /// Not yet seen by the entry's author.
    pub unread: bool,
}

#[cfg(feature = "ssr")]
impl From<crate::store::log::FeedbackRow> for Feedback {
    fn from(f: crate::store::log::FeedbackRow) -> Self {
        Feedback {
            author: f.author,
            body: f.body,
            created_at: f.created_at,
            action: crate::review::ReviewAction::parse(&f.action)
                .unwrap_or(crate::review::ReviewAction::Comment),
            rev: f.rev,
            unread: f.read_at.is_none(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryDetail {
    pub summary: EntrySummary,
    pub body: String,
    /// One page of the history, newest first (`REVISIONS_PER_PAGE`).
    pub revisions: Vec<Revision>,
    /// The page shown (1 is the newest) and how many versions there are in all.
    pub history_page: u32,
    pub revision_count: u32,
    pub feedback: Vec<Feedback>,
    /// Who else has read or acted on this entry, newest first.
    pub viewed_by: Vec<Access>,
}

/// One line of the audit trail, as the entry's author sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub who: String,
    pub what: String,
    pub at: i64,
    pub entry_id: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<crate::store::review::AccessRow> for Access {
    fn from(a: crate::store::review::AccessRow) -> Self {
        let what = match a.action.as_str() {
            "viewed" => "Read",
            "exported" => "Included in an evidence pack",
            other => crate::review::ReviewAction::parse(other)
                .map(|r| r.label())
                .unwrap_or("Opened"),
        };
        Access {
            who: a.who,
            what: what.to_string(),
            at: a.at,
            entry_id: a.entry_id,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub section_title: String,
    pub module_number: u32,
    pub href: String,
    pub due_at: i64,
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::*;
    use crate::content::{section_href, Course};
    use crate::log::{prompts_for, FOLLOW_UP_PROMPT};
    use crate::store::log::EntryRow;

    /// The question an entry answers, in words.
    pub fn question(course: &Course, section_key: &str, prompt_key: &str) -> String {
        if prompt_key == "follow_up" {
            return FOLLOW_UP_PROMPT.to_string();
        }
        course
            .section(section_key)
            .and_then(|(_, s)| prompts_for(s).into_iter().find(|(k, ..)| k == prompt_key))
            .map(|(_, q, _)| q)
            .unwrap_or_else(|| "A question no longer in the course".to_string())
    }

    pub fn summary(course: &Course, row: &EntryRow) -> EntrySummary {
        let (module_number, module_title, section_title, href) = course
            .section(&row.section_key)
            .map(|(m, s)| {
                (
                    m.number,
                    m.title.clone(),
                    s.title.clone(),
                    section_href(&m.key, &s.slug),
                )
            })
            .unwrap_or((0, String::new(), row.section_key.clone(), "/modules".into()));
        let excerpt: String = row.body.chars().take(160).collect();
        EntrySummary {
            id: row.id.clone(),
            module_number,
            module_title,
            section_title,
            section_href: href,
            kind: EntryKind::parse(&row.kind).unwrap_or(EntryKind::Reflection),
            question: question(course, &row.section_key, &row.prompt_key),
            status: EntryStatus::parse(&row.status).unwrap_or(EntryStatus::Draft),
            updated_at: row.updated_at,
            excerpt: if excerpt.len() < row.body.len() {
                format!("{excerpt}…")
            } else {
                excerpt
            },
            new_feedback: false,
        }
    }
}

#[cfg(feature = "ssr")]
use crate::{
    log::{check_length, prompts_for, EntryKind as Kind, FOLLOW_UP_PROMPT},
    server::{
        course, db,
        guard::{require, require_writer, Need},
    },
    store::log as store,
};

/// The questions of a section with the person's answers so far.
#[server(endpoint = "log/section")]
pub async fn section_answers(section_key: String) -> Result<Vec<Answer>, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let (_, section) = course
        .section(&section_key)
        .ok_or_else(|| AppError::NotFound("There is no such section.".into()))?;
    let db = db()?;
    let rows = store::for_section(&db, me.id, &section.key).await?;
    let mut questions = prompts_for(section);
    let follow_up_scheduled: Option<(i64,)> =
        sqlx::query_as("SELECT due_at FROM follow_ups WHERE user_id = ? AND section_key = ?")
            .bind(me.id)
            .bind(&section.key)
            .fetch_optional(&db)
            .await?;
    if follow_up_scheduled.is_some() || rows.iter().any(|r| r.prompt_key == "follow_up") {
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
                status: row.and_then(|r| EntryStatus::parse(&r.status)),
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
    let me = require_writer(Need::SignedIn)?;
    if !crate::api::course::valid_op_id(&op_id) || !crate::api::course::valid_op_id(&entry_id) {
        return Err(AppError::invalid("body", "This answer could not be saved: reload the page and try again. Your text is kept on this device."));
    }
    check_length(&body).map_err(|m| AppError::invalid("body", m))?;
    let course = course()?;
    let (_, section) = course
        .section(&section_key)
        .ok_or_else(|| AppError::NotFound("There is no such section.".into()))?;
    let kind = if prompt_key == "follow_up" && section.kind == crate::content::SectionKind::Practice
    {
        Kind::FollowUp
    } else {
        prompts_for(section)
            .into_iter()
            .find(|(k, ..)| *k == prompt_key)
            .map(|(_, _, kind)| kind)
            .ok_or_else(|| {
                AppError::NotFound("That question is not part of this section.".into())
            })?
    };
    let input = store::SaveInput {
        op_id: &op_id,
        entry_id: &entry_id,
        user_id: me.id,
        section_key: &section.key,
        prompt_key: &prompt_key,
        kind,
        base_rev,
        body: &body,
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

#[server(endpoint = "log/list")]
pub async fn log_list(
    module: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    q: Option<String>,
) -> Result<Vec<EntrySummary>, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let words = crate::log::search_words(q.as_deref().unwrap_or_default())
        .map_err(|m| AppError::invalid("q", m))?;
    let filters = store::Filters {
        module: module.as_deref().filter(|m| course.module(m).is_some()),
        kind: kind.as_deref().and_then(EntryKind::parse),
        status: status.as_deref().and_then(EntryStatus::parse),
        words: &words,
    };
    let db = db()?;
    let rows = store::list(&db, me.id, &filters).await?;
    let unread = crate::store::review::entries_with_unread_feedback(&db, me.id).await?;
    Ok(rows
        .iter()
        .map(|r| EntrySummary {
            new_feedback: unread.contains(&r.id),
            ..server::summary(&course, r)
        })
        .collect())
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
        status: EntryStatus::parse(&r.status).unwrap_or(EntryStatus::Draft),
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
    crate::store::review::mark_feedback_read(&db, me.id, &row.id).await?;
    let viewed_by = crate::store::review::accesses(&db, me.id, Some(&row.id), 50)
        .await?
        .into_iter()
        .map(Access::from)
        .collect();
    Ok(EntryDetail {
        summary: server::summary(&course, &row),
        body: row.body,
        revisions,
        history_page,
        revision_count,
        feedback,
        viewed_by,
    })
}

/// Submits one entry, or every draft of a module, to the setting's SENCo.
#[server(endpoint = "log/submit")]
pub async fn submit_entries(id: Option<String>, module: Option<String>) -> Result<u64, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let ids: Vec<String> = match (id, module) {
        (Some(id), _) => {
            let row = store::get(&db, me.id, &id)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such entry in your log.".into()))?;
            if !EntryStatus::parse(&row.status).is_some_and(EntryStatus::can_submit) {
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
                .filter(|r| {
                    EntryStatus::parse(&r.status).is_some_and(EntryStatus::can_submit)
                        && !r.body.trim().is_empty()
                })
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
    let rows = store::due_follow_ups(&db()?, me.id, crate::store::now()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, due_at)| {
            course.section(&key).map(|(m, s)| FollowUp {
                section_title: s.title.clone(),
                module_number: m.number,
                href: format!(
                    "{}#follow-up",
                    crate::content::section_href(&m.key, &s.slug)
                ),
                due_at,
            })
        })
        .collect())
}

/// Everything a person has in Tandem, for the printable log, the PDF and "download my data".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportData {
    /// The person's setting's time zone, for the dates in files made on the server.
    #[serde(skip)]
    pub zone: crate::zone::Zone,
    pub name: String,
    pub email: String,
    pub setting: String,
    pub sector: String,
    pub generated_at: i64,
    /// First and last dates of activity (progress or writing).
    pub period: Option<(i64, i64)>,
    pub cpd_minutes: u32,
    pub sections_complete: u32,
    pub sections_total: u32,
    pub modules_completed: Vec<ModuleCompletion>,
    pub entries: Vec<ExportEntry>,
    /// Every progress event recorded (sections opened and completed, time on task).
    pub activity: Vec<Activity>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub section_key: String,
    pub kind: String,
    pub seconds: i64,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCompletion {
    pub number: u32,
    pub title: String,
    pub completed_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEntry {
    pub id: String,
    pub module: String,
    pub section: String,
    pub kind: EntryKind,
    pub question: String,
    pub body: String,
    pub status: EntryStatus,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub feedback: Vec<Feedback>,
}

impl ExportData {
    pub fn course_complete(&self) -> bool {
        self.sections_total > 0 && self.sections_complete == self.sections_total
    }
}

#[cfg(feature = "ssr")]
pub async fn export_data(
    db: &crate::store::Db,
    course: &crate::content::Course,
    me: &crate::model::Me,
) -> Result<ExportData, AppError> {
    use crate::progress::{cpd_minutes, SectionState};
    let states = crate::store::progress::states(db, me.id).await?;
    let rows = store::list(db, me.id, &store::Filters::default()).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut feedback = store::feedback_for(db, &ids).await?;
    let mut entries = vec![];
    for row in rows.iter().rev() {
        let summary = server::summary(course, row);
        let feedback = feedback
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(Feedback::from)
            .collect();
        entries.push(ExportEntry {
            id: row.id.clone(),
            module: format!("Module {}: {}", summary.module_number, summary.module_title),
            section: summary.section_title,
            kind: summary.kind,
            question: summary.question,
            body: row.body.clone(),
            status: summary.status,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
            feedback,
        });
    }
    let state = |key: &str| states.get(key).copied().unwrap_or_default();
    let modules_completed = course
        .modules
        .iter()
        .filter_map(|m| {
            let done: Option<Vec<i64>> = m
                .sections
                .iter()
                .map(|s| state(&s.key).completed_at)
                .collect();
            done.and_then(|d| d.into_iter().max())
                .map(|at| ModuleCompletion {
                    number: m.number,
                    title: m.title.clone(),
                    completed_at: at,
                })
        })
        .collect();
    let all: Vec<(u32, SectionState)> = course
        .sections()
        .map(|(_, s)| (s.minutes, state(&s.key)))
        .collect();
    let times: Vec<i64> = states
        .values()
        .flat_map(|s| [s.first_opened_at, s.last_opened_at, s.completed_at])
        .flatten()
        .chain(rows.iter().flat_map(|r| [r.created_at, r.updated_at]))
        .collect();
    Ok(ExportData {
        zone: me.zone.clone(),
        name: me.display_name.clone(),
        email: me.email.clone(),
        setting: me.setting_name.clone(),
        sector: me.sector.label().to_string(),
        generated_at: crate::store::now(),
        period: times
            .iter()
            .min()
            .zip(times.iter().max())
            .map(|(a, b)| (*a, *b)),
        cpd_minutes: cpd_minutes(&all),
        sections_complete: all.iter().filter(|(_, s)| s.is_complete()).count() as u32,
        sections_total: all.len() as u32,
        modules_completed,
        entries,
        activity: crate::store::progress::events(db, me.id)
            .await?
            .into_iter()
            .map(|e| Activity {
                section_key: e.section_key,
                kind: e.kind,
                seconds: e.seconds,
                at: e.happened_at,
            })
            .collect(),
    })
}

#[server(endpoint = "log/export")]
pub async fn log_export() -> Result<ExportData, AppError> {
    let me = require(Need::SignedIn)?;
    export_data(&db()?, &*course()?, &me).await
}
