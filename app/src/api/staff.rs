//! Setting oversight for the SENCo: the staff dashboard, one staff member's page, and the
//! data behind the progress CSV and the evidence pack. Only people of the SENCo's own
//! setting, and only what they submitted.

use crate::api::log::Feedback;
use crate::error::AppError;
use crate::log::{EntryKind, EntryStatus};
use crate::oversight::{ModuleCount, SortBy, StaffRow};
use crate::progress::Status;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub setting: String,
    /// Everyone, before filters (the chart and totals describe the whole setting).
    pub staff_total: u32,
    pub modules: Vec<ModuleCount>,
    /// The rows shown: filtered and sorted as asked.
    pub rows: Vec<StaffRow>,
    pub sort: SortBy,
    pub descending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedItem {
    pub id: String,
    pub module_number: u32,
    pub module_title: String,
    pub section_title: String,
    pub question: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub submitted_at: i64,
    pub body: String,
    pub feedback: Vec<Feedback>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub row: StaffRow,
    pub module_titles: Vec<String>,
    pub submitted: Vec<SubmittedItem>,
}

#[cfg(feature = "ssr")]
pub use server::{dashboard_rows, member_view};

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::content::Course;
    use crate::model::Me;
    use crate::oversight::{module_counts, rows, Shape};
    use crate::store::{oversight, review, Db};

    pub fn shape(course: &Course) -> Shape<'_> {
        course
            .modules
            .iter()
            .map(|m| {
                let sections = m
                    .sections
                    .iter()
                    .map(|s| (s.key.as_str(), s.minutes))
                    .collect();
                (m.number, m.title.as_str(), sections)
            })
            .collect()
    }

    /// Every active member of a setting with their progress, and the per-module counts.
    pub async fn dashboard_rows(
        db: &Db,
        course: &Course,
        setting_id: i64,
    ) -> Result<(Vec<StaffRow>, Vec<ModuleCount>), AppError> {
        let all = staff_rows(db, course, setting_id, None).await?;
        let counts = module_counts(&all, &shape(course));
        Ok((all, counts))
    }

    async fn staff_rows(
        db: &Db,
        course: &Course,
        setting_id: i64,
        member: Option<i64>,
    ) -> Result<Vec<StaffRow>, AppError> {
        let people = oversight::people(db, setting_id, member).await?;
        let states = oversight::states(db, setting_id, member).await?;
        Ok(rows(people, &shape(course), |id, section| {
            states
                .get(&id)
                .and_then(|s| s.get(section))
                .copied()
                .unwrap_or_default()
        }))
    }

    /// One staff member of the SENCo's setting: their progress and what they submitted
    /// (never drafts), with its feedback. Everything shown is written to the audit log as
    /// `access` (viewed on the page, or exported in the evidence pack).
    pub async fn member_view(
        db: &Db,
        course: &Course,
        senco: &Me,
        member_id: i64,
        access: review::Access,
    ) -> Result<MemberView, AppError> {
        let row = staff_rows(db, course, senco.setting_id, Some(member_id))
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound("That person is not in your setting.".into()))?;
        let entries = review::submitted_by(db, senco.setting_id, member_id).await?;
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        let mut feedback = crate::store::log::feedback_for(db, &ids).await?;
        let submitted: Vec<SubmittedItem> = entries
            .into_iter()
            .map(|e| {
                let (number, title, section) = course
                    .section(&e.section_key)
                    .map(|(m, s)| (m.number, m.title.clone(), s.title.clone()))
                    .unwrap_or_default();
                SubmittedItem {
                    question: crate::api::log::server::question(
                        course,
                        &e.section_key,
                        &e.prompt_key,
                    ),
                    module_number: number,
                    module_title: title,
                    section_title: section,
                    kind: EntryKind::parse(&e.kind).unwrap_or(EntryKind::Reflection),
                    status: EntryStatus::parse(&e.status).unwrap_or(EntryStatus::Submitted),
                    submitted_at: e.submitted_at,
                    feedback: feedback
                        .remove(&e.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(Feedback::from)
                        .collect(),
                    body: e.body,
                    id: e.id,
                }
            })
            .collect();
        let read: Vec<(i64, &str)> = submitted
            .iter()
            .map(|s| (member_id, s.id.as_str()))
            .collect();
        review::audit(db, senco.id, &read, access).await?;
        Ok(MemberView {
            row,
            module_titles: course.modules.iter().map(|m| m.title.clone()).collect(),
            submitted,
        })
    }
}

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, SENCO},
};

#[server(endpoint = "staff/dashboard")]
pub async fn staff_dashboard(
    sector: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
) -> Result<Dashboard, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    let (all, modules) = dashboard_rows(&db, &course, me.setting_id).await?;
    let staff_total = all.len() as u32;
    let sector = sector.as_deref().and_then(crate::model::Sector::parse);
    let status = status.as_deref().and_then(|s| {
        [Status::NotStarted, Status::InProgress, Status::Complete]
            .into_iter()
            .find(|x| status_key(*x) == s)
    });
    let sort = sort.as_deref().and_then(SortBy::parse).unwrap_or_default();
    let descending = match dir.as_deref() {
        Some("asc") => false,
        Some("desc") => true,
        _ => sort.default_descending(),
    };
    let mut rows: Vec<StaffRow> = all
        .into_iter()
        .filter(|r| crate::oversight::keep(r, sector, status))
        .collect();
    crate::oversight::sort(&mut rows, sort, descending);
    Ok(Dashboard {
        setting: me.setting_name,
        staff_total,
        modules,
        rows,
        sort,
        descending,
    })
}

/// The query-string value of a status filter.
pub fn status_key(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not_started",
        Status::InProgress => "in_progress",
        Status::Complete => "complete",
    }
}

/// A staff member's page for their SENCo: progress and submitted entries (never drafts).
/// Every entry shown is written to the audit log.
#[server(endpoint = "staff/member")]
pub async fn staff_member(id: i64) -> Result<MemberView, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    member_view(&db, &course, &me, id, crate::store::review::Access::Viewed).await
}
