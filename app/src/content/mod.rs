//! The course: modules and sections, loaded from `content/` at startup (see
//! `content/README.md`). Section keys (`m2.knowledge`) are stable: progress and the learning
//! log refer to them, never to files.

#[cfg(feature = "ssr")]
pub mod load;
#[cfg(feature = "ssr")]
mod markdown;

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
    pub minutes: u32,
    pub prompts: Vec<String>,
    pub steps: Vec<EnquiryStep>,
    /// Sanitised HTML, rendered once at load.
    pub segments: Vec<Segment>,
    /// Words a reader of each sector reads (shared text plus their sector's passages).
    pub words: [u32; 3],
}

impl Section {
    pub fn words_for(&self, sector: Sector) -> u32 {
        self.words[sector_index(sector)]
    }

    /// Minutes of reading at a steady 200 words a minute, rounded up.
    pub fn reading_minutes(&self, sector: Sector) -> u32 {
        self.words_for(sector).div_ceil(200).max(1)
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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Course {
    pub modules: Vec<Module>,
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
