//! A setting's staff progress for its SENCo: every member's row for the dashboard and the
//! progress CSV, and one member with what they submitted, audited (the member's page and
//! the evidence pack share it).

use crate::store::{self, Db};
use domain::content::Course;
use domain::error::AppError;
use domain::learning_log::Feedback;
use domain::model::Me;
use domain::staff::{module_counts, rows, MemberView, ModuleCount, Shape, StaffRow, SubmittedItem};

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

/// Every active member of a setting taking part in the CPD (`domain::staff::taking_part`)
/// with their progress, and the per-module counts.
pub async fn dashboard_rows(
    db: &Db,
    course: &Course,
    setting_id: i64,
) -> Result<(Vec<StaffRow>, Vec<ModuleCount>), AppError> {
    let mut all = staff_rows(db, course, setting_id, None).await?;
    all.retain(domain::staff::taking_part);
    let counts = module_counts(&all, &shape(course));
    Ok((all, counts))
}

async fn staff_rows(
    db: &Db,
    course: &Course,
    setting_id: i64,
    member: Option<i64>,
) -> Result<Vec<StaffRow>, AppError> {
    let people = store::staff::people(db, setting_id, member).await?;
    let states = store::staff::states(db, setting_id, member).await?;
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
    access: store::review::Access,
) -> Result<MemberView, AppError> {
    let row = staff_rows(db, course, senco.setting_id, Some(member_id))
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("That person is not in your setting.".into()))?;
    let mut entries = store::review::submitted_by(db, senco.setting_id, member_id).await?;
    // In the order the course asks its questions ("What I tried" before "What happened").
    crate::review::in_course_order(course, &mut entries);
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let mut feedback = store::learning_log::feedback_for(db, &ids).await?;
    let submitted: Vec<SubmittedItem> = entries
        .into_iter()
        .map(|e| {
            let (number, title, section) = course
                .section(&e.section_key)
                .map(|(m, s)| (m.number, m.title.clone(), s.title.clone()))
                .unwrap_or_default();
            SubmittedItem {
                question: crate::learning_log::question(course, &e.section_key, &e.prompt_key),
                module_number: number,
                module_title: title,
                section_title: section,
                kind: e.kind,
                status: e.status,
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
    store::review::audit(db, senco.id, &read, access).await?;
    Ok(MemberView {
        row,
        module_titles: course.modules.iter().map(|m| m.title.clone()).collect(),
        submitted,
    })
}
