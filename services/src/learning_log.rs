//! The learning log as people read it: an entry's question in words, its summary line, and
//! everything a person has (the export behind the printable log, the PDF and "download my
//! data").

use crate::store::{
    self,
    learning_log::{EntryRow, FeedbackRow},
    review::AccessRow,
    Db,
};
use domain::check_in;
use domain::content::{section_href, Course};
use domain::error::AppError;
use domain::learning_log::{
    prompts_for, Access, Activity, EntrySummary, ExportData, ExportEntry, Feedback,
    ModuleCompletion, FOLLOW_UP_PROMPT,
};
use domain::model::Me;

/// The question an entry answers, in words.
pub fn question(course: &Course, section_key: &str, prompt_key: &str) -> String {
    if prompt_key == "follow_up" {
        return FOLLOW_UP_PROMPT.to_string();
    }
    if check_in::number_of(section_key).is_some() {
        return check_in::question(prompt_key)
            .unwrap_or("A question no longer asked")
            .to_string();
    }
    if domain::community::post_of_tried_key(section_key).is_some() {
        return domain::community::TRIED_PROMPT.to_string();
    }
    course
        .section(section_key)
        .and_then(|(_, s)| prompts_for(s).into_iter().find(|(k, ..)| k == prompt_key))
        .map(|(_, q, _)| q)
        .unwrap_or_else(|| "A question no longer in the course".to_string())
}

/// Where an entry's question is asked: a course section, a community post the person
/// tried, or a check-in on their CPD plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// 0 outside the course.
    pub module_number: u32,
    pub module_title: String,
    pub section_title: String,
    pub href: String,
}

pub fn place(course: &Course, section_key: &str) -> Place {
    if let Some((m, s)) = course.section(section_key) {
        return Place {
            module_number: m.number,
            module_title: m.title.clone(),
            section_title: s.title.clone(),
            href: section_href(&m.key, &s.slug),
        };
    }
    let (module_title, section_title, href) = match (
        domain::community::post_of_tried_key(section_key),
        check_in::number_of(section_key),
    ) {
        (Some(post), _) => (
            "Community".to_string(),
            "Tried from the community".to_string(),
            format!("/community/p/{post}"),
        ),
        (_, Some(n)) => (
            "Your CPD plan".to_string(),
            format!("Check-in {n}"),
            format!("/plan#check-in-{n}"),
        ),
        _ => (
            String::new(),
            section_key.to_string(),
            "/modules".to_string(),
        ),
    };
    Place {
        module_number: 0,
        module_title,
        section_title,
        href,
    }
}

pub fn summary(course: &Course, row: &EntryRow) -> EntrySummary {
    let Place {
        module_number,
        module_title,
        section_title,
        href,
    } = place(course, &row.section_key);
    let excerpt: String = row.body.chars().take(160).collect();
    EntrySummary {
        id: row.id.clone(),
        module_number,
        module_title,
        section_title,
        section_href: href,
        kind: row.kind,
        question: question(course, &row.section_key, &row.prompt_key),
        status: row.status,
        updated_at: row.updated_at,
        excerpt: if excerpt.len() < row.body.len() {
            format!("{excerpt}…")
        } else {
            excerpt
        },
        new_feedback: false,
    }
}

impl From<FeedbackRow> for Feedback {
    fn from(f: FeedbackRow) -> Self {
        Feedback {
            author: f.author,
            body: f.body,
            created_at: f.created_at,
            action: f.action,
            rev: f.rev,
            unread: f.read_at.is_none(),
        }
    }
}

impl From<AccessRow> for Access {
    fn from(a: AccessRow) -> Self {
        Access {
            who: a.who,
            what: a.action.label().to_string(),
            at: a.at,
            entry_id: a.entry_id,
        }
    }
}

pub async fn export_data(db: &Db, course: &Course, me: &Me) -> Result<ExportData, AppError> {
    use domain::progress::{cpd_minutes, SectionState};
    let states = store::progress::states(db, me.id).await?;
    let rows =
        store::learning_log::list(db, me.id, &store::learning_log::Filters::default()).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut feedback = store::learning_log::feedback_for(db, &ids).await?;
    let mut entries = vec![];
    for row in rows.iter().rev() {
        let summary = summary(course, row);
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
        generated_at: store::now(),
        period: times
            .iter()
            .min()
            .zip(times.iter().max())
            .map(|(a, b)| (*a, *b)),
        // Course sections completed, plus community sessions attended.
        cpd_minutes: cpd_minutes(&all)
            + store::community_sessions::attended_minutes(db, me.id).await? as u32,
        sections_complete: all.iter().filter(|(_, s)| s.is_complete()).count() as u32,
        sections_total: all.len() as u32,
        modules_completed,
        entries,
        activity: store::progress::events(db, me.id)
            .await?
            .into_iter()
            .map(|e| Activity {
                section_key: e.section_key,
                kind: e.kind.as_str().to_string(),
                seconds: e.seconds,
                at: e.happened_at,
            })
            .collect(),
        self_review: store::self_reviews::get(db, me.id, store::self_reviews::Stage::Start).await?,
        end_review: store::self_reviews::get(db, me.id, store::self_reviews::Stage::End).await?,
        plan: plan_export(db, me.id).await?,
    })
}

/// The person's plan and its history, for her download.
async fn plan_export(
    db: &Db,
    user_id: i64,
) -> Result<Option<domain::plan::PlanExport>, sqlx::Error> {
    let Some(plan) = store::plans::get(db, user_id).await? else {
        return Ok(None);
    };
    let history = store::plans::events(db, user_id)
        .await?
        .into_iter()
        .map(|e| domain::plan::ExportEvent {
            who: e.who.unwrap_or_default(),
            kind: e.kind,
            comment: (e.kind == domain::plan::EventKind::Comment).then_some(e.body),
            at: e.at,
        })
        .collect();
    Ok(Some(domain::plan::PlanExport {
        goals: plan.goals,
        shared: plan.shared_at.is_some(),
        started_at: plan.started_at,
        history,
    }))
}
