//! The course as a person sees it: the catalogue, a module, a section in their sector,
//! and the progress events the pages send.

use domain::content::{EnquiryStep, Reading, SectionKind};
use domain::error::AppError;
use domain::model::Sector;
use domain::progress::{Status, Tally};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCard {
    pub key: String,
    pub number: u32,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub tally: Tally,
    pub status: Status,
}

impl ModuleCard {
    pub fn href(&self) -> String {
        format!("/modules/{}", self.key)
    }
}

/// "Continue where you left off".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    pub module_number: u32,
    pub module_title: String,
    pub section_title: String,
    pub section_kind: SectionKind,
    pub href: String,
    /// Estimated minutes of the module's sections not yet complete.
    pub minutes_left_in_module: u32,
    pub started: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub modules: Vec<ModuleCard>,
    pub overall: Tally,
    pub total_minutes: u32,
    pub cpd_minutes: u32,
    pub active_minutes: u32,
    pub resume: Option<Resume>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionRow {
    pub title: String,
    pub kind: SectionKind,
    pub minutes: u32,
    pub status: Status,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleData {
    pub card: ModuleCard,
    pub outcomes: Vec<String>,
    pub reading: Vec<Reading>,
    pub sections: Vec<SectionRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewSegment {
    Shared(String),
    Sector(Sector, String),
}

impl SectionData {
    /// Takes the rendered text out of the segments, leaving them empty: the page keeps it
    /// out of the hydration data (see `SectionPage`).
    pub fn take_text(&mut self) -> Vec<String> {
        self.segments
            .iter_mut()
            .map(|segment| match segment {
                ViewSegment::Shared(html) | ViewSegment::Sector(_, html) => std::mem::take(html),
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbour {
    pub href: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionData {
    pub key: String,
    pub module_key: String,
    pub module_number: u32,
    pub module_title: String,
    pub title: String,
    pub kind: SectionKind,
    pub minutes: u32,
    pub reading_minutes: u32,
    /// The sector whose passages are shown, and the person's own.
    pub sector: Sector,
    pub own_sector: Sector,
    pub has_sector_passages: bool,
    pub segments: Vec<ViewSegment>,
    pub prompts: Vec<String>,
    pub steps: Vec<EnquiryStep>,
    pub completed: bool,
    /// 1-based position in the module, and the module's section count.
    pub position: (usize, usize),
    pub previous: Option<Neighbour>,
    pub next: Option<Neighbour>,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::server::{
        course, db,
        guard::{require, require_writer, Need},
    };
    pub use domain::content::{section_href, Course, Segment};
    pub use domain::progress::{
        cpd_minutes, resume_index, EventKind, SectionState, MAX_SECONDS_PER_EVENT,
    };
    pub use services::store::progress;
    pub use std::collections::HashMap;

    pub fn card(
        module: &domain::content::Module,
        states: &HashMap<String, SectionState>,
    ) -> super::ModuleCard {
        let list: Vec<SectionState> = module
            .sections
            .iter()
            .map(|s| states.get(&s.key).copied().unwrap_or_default())
            .collect();
        super::ModuleCard {
            key: module.key.clone(),
            number: module.number,
            title: module.title.clone(),
            summary: module.summary.clone(),
            minutes: module.minutes(),
            tally: super::Tally::of(&list),
            status: super::Status::of(&list),
        }
    }
}
#[cfg(feature = "ssr")]
use ssr::*;

#[server(endpoint = "course/overview")]
pub async fn course_overview() -> Result<Overview, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let db = db()?;
    let states = progress::states(&db, me.id).await?;
    let mut overview = overview(&course, &states);
    // Community sessions attended count as CPD time too.
    overview.cpd_minutes +=
        services::store::community_sessions::attended_minutes(&db, me.id).await? as u32;
    Ok(overview)
}

#[cfg(feature = "ssr")]
pub fn overview(course: &Course, states: &HashMap<String, SectionState>) -> Overview {
    let all: Vec<(
        &domain::content::Module,
        &domain::content::Section,
        SectionState,
    )> = course
        .sections()
        .map(|(m, s)| (m, s, states.get(&s.key).copied().unwrap_or_default()))
        .collect();
    let list: Vec<SectionState> = all.iter().map(|(_, _, st)| *st).collect();
    let resume = resume_index(&list).map(|i| {
        let (module, section, _) = all[i];
        let minutes_left_in_module = module
            .sections
            .iter()
            .filter(|s| !states.get(&s.key).is_some_and(SectionState::is_complete))
            .map(|s| s.minutes)
            .sum();
        Resume {
            module_number: module.number,
            module_title: module.title.clone(),
            section_title: section.title.clone(),
            section_kind: section.kind,
            href: section_href(&module.key, &section.slug),
            minutes_left_in_module,
            started: list.iter().any(SectionState::is_started),
        }
    });
    Overview {
        modules: course.modules.iter().map(|m| card(m, states)).collect(),
        overall: Tally::of(&list),
        total_minutes: course.minutes(),
        cpd_minutes: cpd_minutes(
            &all.iter()
                .map(|(_, s, st)| (s.minutes, *st))
                .collect::<Vec<_>>(),
        ),
        active_minutes: (list.iter().map(|s| s.active_seconds).sum::<i64>() / 60) as u32,
        resume,
    }
}

#[server(endpoint = "course/module")]
pub async fn module_view(key: String) -> Result<ModuleData, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let module = course
        .module(&key)
        .ok_or_else(|| AppError::NotFound("There is no such module.".into()))?;
    let states = progress::states(&db()?, me.id).await?;
    let sections = module
        .sections
        .iter()
        .map(|s| {
            let state = states.get(&s.key).copied().unwrap_or_default();
            SectionRow {
                title: s.title.clone(),
                kind: s.kind,
                minutes: s.minutes,
                status: Status::of(&[state]),
                href: section_href(&module.key, &s.slug),
            }
        })
        .collect();
    Ok(ModuleData {
        card: card(module, &states),
        outcomes: module.outcomes.clone(),
        reading: module.reading.clone(),
        sections,
    })
}

#[server(endpoint = "course/section")]
pub async fn section_view(
    module: String,
    section: String,
    sector: Option<String>,
) -> Result<SectionData, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let key = format!("{module}.{section}");
    let (m, s) = course
        .section(&key)
        .ok_or_else(|| AppError::NotFound("There is no such section.".into()))?;
    let shown = sector
        .as_deref()
        .and_then(Sector::parse)
        .unwrap_or(me.sector);
    let states = progress::states(&db()?, me.id).await?;
    let index = m.sections.iter().position(|x| x.key == s.key).unwrap_or(0);
    let flat: Vec<_> = course.sections().collect();
    let flat_index = flat.iter().position(|(_, x)| x.key == s.key).unwrap_or(0);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| flat.get(i)).map(|(nm, ns)| Neighbour {
            href: section_href(&nm.key, &ns.slug),
            title: if nm.key == m.key {
                ns.title.clone()
            } else {
                format!("Module {}: {}", nm.number, nm.title)
            },
        })
    };
    let segments = s
        .segments
        .iter()
        .filter_map(|segment| match segment {
            Segment::Shared(html) => Some(ViewSegment::Shared(html.clone())),
            Segment::Sectors(passages) => passages
                .iter()
                .find(|(x, _)| *x == shown)
                .map(|(x, html)| ViewSegment::Sector(*x, html.clone())),
        })
        .collect();
    Ok(SectionData {
        key: s.key.clone(),
        module_key: m.key.clone(),
        module_number: m.number,
        module_title: m.title.clone(),
        title: s.title.clone(),
        kind: s.kind,
        minutes: s.minutes,
        reading_minutes: s.reading_minutes(shown),
        sector: shown,
        own_sector: me.sector,
        has_sector_passages: s.has_sector_passages(),
        segments,
        prompts: s.prompts.clone(),
        steps: s.steps.clone(),
        completed: states.get(&s.key).is_some_and(SectionState::is_complete),
        position: (index + 1, m.sections.len()),
        previous: neighbour(flat_index.checked_sub(1)),
        next: neighbour(Some(flat_index + 1)),
    })
}

/// Op ids are made by the browser (UUIDs); anything else is refused rather than stored.
pub fn valid_op_id(op_id: &str) -> bool {
    (8..=64).contains(&op_id.len()) && op_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Records one progress event. Idempotent: the same op id twice counts once. The endpoint
/// is fixed because pages queue these and may send them after an update. `client_time`
/// (seconds since the epoch) is when it happened on the device, which may be hours before
/// it arrives.
#[server(endpoint = "progress/record")]
pub async fn record_progress(
    op_id: String,
    section_key: String,
    kind: String,
    seconds: Option<i64>,
    client_time: Option<i64>,
) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    if !valid_op_id(&op_id) {
        return Err(AppError::invalid(
            "op_id",
            "The change could not be recorded: its id is not valid.",
        ));
    }
    let kind = EventKind::parse(&kind)
        .ok_or_else(|| AppError::invalid("kind", "Unknown kind of progress."))?;
    let seconds = seconds.unwrap_or(0);
    if kind == EventKind::TimeSpent && !(1..=MAX_SECONDS_PER_EVENT).contains(&seconds) {
        return Err(AppError::invalid(
            "seconds",
            format!("Time on task must be from 1 to {MAX_SECONDS_PER_EVENT} seconds."),
        ));
    }
    let course = course()?;
    let Some((module, section)) = course.section(&section_key) else {
        return Err(AppError::NotFound("There is no such section.".into()));
    };
    let db = db()?;
    // Effective CPD is rhythmic: ask "what has changed?" a few weeks after trying it.
    let follow_up_after =
        if kind == EventKind::Completed && section.kind == domain::content::SectionKind::Practice {
            Some(services::store::learning_log::follow_up_days(&db, me.setting_id).await? * 86_400)
        } else {
            None
        };
    let event = progress::NewEvent {
        op_id: &op_id,
        user_id: me.id,
        section_key: &section.key,
        kind,
        seconds,
        client_time,
        follow_up_after,
    };
    if progress::record(&db, &event).await? == progress::Recorded::DayFull {
        return Err(AppError::TooManyAttempts(
            "Tandem has recorded a great deal of activity from you today. It will record more tomorrow.".into(),
        ));
    }
    if kind == EventKind::Completed {
        crate::api::redirect_plain_form(&section_href(&module.key, &section.slug));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::valid_op_id;

    #[test]
    fn op_ids_must_look_like_uuids() {
        assert!(valid_op_id("0b9f2c1e-8a4d-4f6b-9c3e-2d1a5b7c9e0f"));
        assert!(!valid_op_id("short"));
        assert!(!valid_op_id("has spaces in it ok"));
        assert!(!valid_op_id(&"a".repeat(65)));
    }
}
