//! The course: modules and sections, loaded from `content/` at startup (see
//! `content/README.md`). Section keys (`m2.knowledge`) are stable: progress and the learning
//! log refer to them, never to files.

use crate::model::Sector;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Knowledge,
    Practice,
    Reflection,
    Enquiry,
}

impl SectionKind {
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Knowledge => "Knowledge",
            SectionKind::Practice => "Practice",
            SectionKind::Reflection => "Reflection",
            SectionKind::Enquiry => "Enquiry",
        }
    }
}

/// The steps of a module 6 enquiry, each recorded in the learning log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnquiryStep {
    Question,
    Baseline,
    Plan,
    Action,
    Evidence,
    Impact,
    NextSteps,
}

impl EnquiryStep {
    pub fn label(self) -> &'static str {
        match self {
            EnquiryStep::Question => "Enquiry question",
            EnquiryStep::Baseline => "Baseline",
            EnquiryStep::Plan => "Plan",
            EnquiryStep::Action => "Action",
            EnquiryStep::Evidence => "Evidence",
            EnquiryStep::Impact => "Impact",
            EnquiryStep::NextSteps => "Next steps",
        }
    }
}

/// The kinds of structured activity a section can set (`::: activity <kind> | <n> min | <title>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    /// A situation with a decision to make.
    Scenario,
    /// A short look at one's own room, routine or practice.
    Audit,
    /// A task to try first, then compare with a model answer.
    ModelAnswer,
    /// A step done with a colleague: plan together, observe each other, compare notes.
    WithAColleague,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] = [
        ActivityKind::Scenario,
        ActivityKind::Audit,
        ActivityKind::ModelAnswer,
        ActivityKind::WithAColleague,
    ];

    /// The word an author writes after `::: activity`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Scenario => "scenario",
            ActivityKind::Audit => "audit",
            ActivityKind::ModelAnswer => "model-answer",
            ActivityKind::WithAColleague => "with-a-colleague",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Scenario => "Scenario",
            ActivityKind::Audit => "Audit",
            ActivityKind::ModelAnswer => "Try it and compare",
            ActivityKind::WithAColleague => "With a colleague",
        }
    }
}

/// A structured activity in a section, as the report and the time estimate see it (its
/// text is part of the section's rendered segments).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub kind: ActivityKind,
    pub minutes: u32,
    pub title: String,
    pub has_model_answer: bool,
}

/// How Tandem estimates a section's minutes (`content/README.md`, "Estimated minutes"):
/// reading at this many words a minute, for the longest sector version of the section…
pub const WORDS_PER_MINUTE: u32 = 200;
/// …plus each activity's own minutes, plus this many minutes for every answer the section
/// asks for in the learning log (a reflection prompt, a practice note field, an enquiry step).
pub const MINUTES_PER_LOG_ANSWER: u32 = 4;
/// The minutes an author may give one activity.
pub const ACTIVITY_MINUTES: std::ops::RangeInclusive<u32> = 3..=30;

/// The one rule: minutes = ⌈longest sector's words ÷ 200⌉ + activity minutes + 4 × log answers.
pub fn estimate_minutes(words: [u32; 3], activity_minutes: u32, log_answers: u32) -> u32 {
    let longest = words.into_iter().max().unwrap_or(0);
    longest.div_ceil(WORDS_PER_MINUTE).max(1)
        + activity_minutes
        + MINUTES_PER_LOG_ANSWER * log_answers
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub title: String,
    pub publisher: String,
    pub year: u16,
    #[serde(default)]
    pub note: Option<String>,
}

/// Part of a section's body: shown to everyone, or one passage per sector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Shared(String),
    Sectors(Vec<(Sector, String)>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// `m2.knowledge`
    pub key: String,
    /// `knowledge` (the file stem; used in the page's address)
    pub slug: String,
    pub kind: SectionKind,
    pub title: String,
    /// Estimated minutes, derived from words, activities and log answers by
    /// [`estimate_minutes`] (never typed in by hand).
    pub minutes: u32,
    pub prompts: Vec<String>,
    pub steps: Vec<EnquiryStep>,
    /// Sanitised HTML, rendered once at load.
    pub segments: Vec<Segment>,
    /// Words a reader of each sector reads (shared text, activities and reflection prompts,
    /// plus their sector's passages).
    pub words: [u32; 3],
    /// The structured activities, in reading order.
    pub activities: Vec<Activity>,
    /// When the section's "What may change" box was last checked against the law and
    /// guidance (`2026-12-04`), if it has one.
    pub reviewed: Option<String>,
}

impl Section {
    pub fn words_for(&self, sector: Sector) -> u32 {
        self.words[sector_index(sector)]
    }

    /// Minutes of reading at a steady 200 words a minute, rounded up.
    pub fn reading_minutes(&self, sector: Sector) -> u32 {
        self.words_for(sector).div_ceil(200).max(1)
    }

    /// Answers the section asks for in the learning log: its reflection prompts, the three
    /// fields of a practice note (`crate::log::prompts_for`), or its enquiry steps.
    pub fn log_answers(&self) -> u32 {
        match self.kind {
            SectionKind::Knowledge => 0,
            SectionKind::Reflection => self.prompts.len() as u32,
            SectionKind::Practice => 3,
            SectionKind::Enquiry => self.steps.len() as u32,
        }
    }

    pub fn activity_minutes(&self) -> u32 {
        self.activities.iter().map(|a| a.minutes).sum()
    }

    pub fn has_sector_passages(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Sectors(_)))
    }
}

pub fn sector_index(sector: Sector) -> usize {
    match sector {
        Sector::EarlyYears => 0,
        Sector::SchoolAge => 1,
        Sector::Post16 => 2,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    /// `m2`
    pub key: String,
    pub number: u32,
    pub title: String,
    pub summary: String,
    pub outcomes: Vec<String>,
    pub reading: Vec<Reading>,
    pub sections: Vec<Section>,
}

impl Module {
    pub fn minutes(&self) -> u32 {
        self.sections.iter().map(|s| s.minutes).sum()
    }
}

/// The facilitator guide for SENCos running the course with a group (`content/facilitator.md`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    pub title: String,
    pub summary: String,
    /// Sanitised HTML, rendered once at load.
    pub html: String,
    pub words: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Course {
    pub modules: Vec<Module>,
    pub facilitator: Guide,
}

impl Course {
    pub fn module(&self, key: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.key == key)
    }

    pub fn section(&self, key: &str) -> Option<(&Module, &Section)> {
        self.modules
            .iter()
            .find_map(|m| m.sections.iter().find(|s| s.key == key).map(|s| (m, s)))
    }

    /// Every section in reading order.
    pub fn sections(&self) -> impl Iterator<Item = (&Module, &Section)> {
        self.modules
            .iter()
            .flat_map(|m| m.sections.iter().map(move |s| (m, s)))
    }

    pub fn minutes(&self) -> u32 {
        self.modules.iter().map(Module::minutes).sum()
    }
}

/// The address of a section's page.
pub fn section_href(module_key: &str, slug: &str) -> String {
    format!("/modules/{module_key}/{slug}")
}

/// `m2.knowledge` → `/modules/m2/knowledge`.
pub fn href_for_key(key: &str) -> Option<String> {
    let (module, slug) = key.split_once('.')?;
    Some(section_href(module, slug))
}
