//! The facilitator guide: for a SENCo running the course with a group of staff.

use domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One module's line in the guide's timetable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleTime {
    pub number: u32,
    pub title: String,
    pub href: String,
    pub minutes: u32,
    pub activities: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideView {
    pub title: String,
    pub summary: String,
    /// Sanitised at load (`content/facilitator.md`).
    pub html: String,
    pub modules: Vec<ModuleTime>,
    pub total_minutes: u32,
}

/// The guide, with each module's estimated time from the same rule as the CPD hours.
/// SENCos only.
#[server(endpoint = "facilitator/guide")]
pub async fn facilitator_guide() -> Result<GuideView, AppError> {
    use crate::server::{
        course,
        guard::{require, SENCO},
    };
    require(SENCO)?;
    let course = course()?;
    Ok(GuideView {
        title: course.facilitator.title.clone(),
        summary: course.facilitator.summary.clone(),
        html: course.facilitator.html.clone(),
        modules: course
            .modules
            .iter()
            .map(|m| ModuleTime {
                number: m.number,
                title: m.title.clone(),
                href: format!("/modules/{}", m.key),
                minutes: m.minutes(),
                activities: m.sections.iter().map(|s| s.activities.len() as u32).sum(),
            })
            .collect(),
        total_minutes: course.minutes(),
    })
}
