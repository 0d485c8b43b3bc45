//! What the learning log's pages and files show: one answer, one entry with its history
//! and feedback, and everything a person has (the export).

use super::{EntryKind, EntryStatus};
use crate::review::ReviewAction;
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
    pub action: ReviewAction,
    /// The submitted version it was about.
    pub rev: Option<i64>,
    /// Not yet seen by the entry's author.
    pub unread: bool,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub section_title: String,
    pub module_number: u32,
    pub href: String,
    pub due_at: i64,
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
    /// The self-review their CPD plan starts from, if they have written one.
    #[serde(default)]
    pub self_review: Option<crate::self_review::SelfReview>,
    /// The self-review again at the end of the plan, two terms on.
    #[serde(default)]
    pub end_review: Option<crate::self_review::SelfReview>,
    /// Their CPD plan's goals and history, comments by their SENCo included.
    #[serde(default)]
    pub plan: Option<crate::plan::PlanExport>,
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
