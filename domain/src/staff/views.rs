//! What a SENCo's staff pages and downloads show: the dashboard, and one member with what
//! they submitted.

use super::{ModuleCount, SortBy, StaffRow};
use crate::learning_log::{EntryKind, EntryStatus, Feedback};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub setting: String,
    /// Everyone, before filters (the chart and totals describe the whole setting).
    pub staff_total: u32,
    pub modules: Vec<ModuleCount>,
    /// The rows shown: filtered and sorted as asked, one page of them.
    pub rows: Vec<StaffRow>,
    /// How many rows the filters kept, the page shown (1-based) and how many pages.
    pub matching: u32,
    pub page: u32,
    pub pages: u32,
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
