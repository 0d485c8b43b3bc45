//! Review rules with no I/O: what a SENCo may do to an entry, how a resubmitted text is
//! compared with the one reviewed before, and how the staff dashboard sorts and filters.

use crate::learning_log::EntryStatus;
use serde::{Deserialize, Serialize};

/// The longest feedback comment kept (feedback is a reply, not an essay).
pub const MAX_FEEDBACK_CHARS: usize = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum ReviewAction {
    /// Feedback only; the status does not change.
    Comment,
    /// Mark the submitted text reviewed.
    Reviewed,
    /// Hand the entry back to its author with a comment saying what to change.
    NeedsRevision,
}

impl ReviewAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Comment => "comment",
            ReviewAction::Reviewed => "reviewed",
            ReviewAction::NeedsRevision => "needs_revision",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewAction> {
        [
            ReviewAction::Comment,
            ReviewAction::Reviewed,
            ReviewAction::NeedsRevision,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    /// How the action reads in the feedback thread.
    pub fn label(self) -> &'static str {
        match self {
            ReviewAction::Comment => "Feedback",
            ReviewAction::Reviewed => "Marked reviewed",
            ReviewAction::NeedsRevision => "Revision requested",
        }
    }
}

/// What someone other than its author did with an entry, as the audit log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum AuditAction {
    /// Opened on the review page or a staff member's page.
    Viewed,
    /// Included in an evidence pack.
    Exported,
    Comment,
    Reviewed,
    NeedsRevision,
    /// A SENCo read the CPD plan its author shared (no entry).
    PlanViewed,
}

impl AuditAction {
    /// How the line reads in the entry's "who has seen this" list.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Viewed => "Read",
            AuditAction::Exported => "Included in an evidence pack",
            AuditAction::Comment => ReviewAction::Comment.label(),
            AuditAction::Reviewed => ReviewAction::Reviewed.label(),
            AuditAction::NeedsRevision => ReviewAction::NeedsRevision.label(),
            AuditAction::PlanViewed => "Read your CPD plan",
        }
    }
}

impl From<ReviewAction> for AuditAction {
    fn from(action: ReviewAction) -> Self {
        match action {
            ReviewAction::Comment => AuditAction::Comment,
            ReviewAction::Reviewed => AuditAction::Reviewed,
            ReviewAction::NeedsRevision => AuditAction::NeedsRevision,
        }
    }
}

/// The status an entry moves to when a SENCo acts on it, or why they cannot.
/// `status` is the entry's status now; `comment` what they wrote (may be empty).
pub fn decide(
    status: EntryStatus,
    action: ReviewAction,
    comment: &str,
) -> Result<EntryStatus, String> {
    let comment = comment.trim();
    if comment.chars().count() > MAX_FEEDBACK_CHARS {
        return Err(format!(
            "Feedback can be up to {MAX_FEEDBACK_CHARS} characters; this is {}. Nothing has been cut.",
            comment.chars().count()
        ));
    }
    match (action, status) {
        (_, EntryStatus::Draft) => Err(
            "The author is changing this entry. You can reply once they submit it again.".into(),
        ),
        (ReviewAction::Comment, _) if comment.is_empty() => {
            Err("Write your feedback before sending it.".into())
        }
        (ReviewAction::Comment, status) => Ok(status),
        (ReviewAction::NeedsRevision, _) if comment.is_empty() => Err(
            "Say what you would like changed: a revision request needs a comment.".into(),
        ),
        (ReviewAction::Reviewed | ReviewAction::NeedsRevision, EntryStatus::Submitted) => {
            Ok(match action {
                ReviewAction::Reviewed => EntryStatus::Reviewed,
                _ => EntryStatus::NeedsRevision,
            })
        }
        (ReviewAction::Reviewed, EntryStatus::Reviewed) => {
            Err("This entry is already marked reviewed.".into())
        }
        (_, _) => Err(
            "This entry is waiting for its author to revise it; it comes back to your queue when they resubmit it."
                .into(),
        ),
    }
}

/// One run of words in a comparison of two texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Same(String),
    Added(String),
    Removed(String),
}

/// Word-level differences between the text reviewed before and the new one, so a SENCo
/// can see at once what a revision changed. Whitespace is kept with the word before it.
pub fn compare(old: &str, new: &str) -> Vec<Change> {
    let a = words(old);
    let b = words(new);
    // Longest common subsequence table; entries are a few thousand words at most, and
    // texts longer than that are compared as whole paragraphs would be (all changed).
    if a.len() * b.len() > 4_000_000 {
        return vec![Change::Removed(old.into()), Change::Added(new.into())];
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i].trim_end() == b[j].trim_end() {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<Change> = Vec::new();
    let push = |out: &mut Vec<Change>, change: Change| match (out.last_mut(), change) {
        (Some(Change::Same(s)), Change::Same(t))
        | (Some(Change::Added(s)), Change::Added(t))
        | (Some(Change::Removed(s)), Change::Removed(t)) => s.push_str(&t),
        (_, change) => out.push(change),
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i].trim_end() == b[j].trim_end() {
            push(&mut out, Change::Same(b[j].to_string()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            push(&mut out, Change::Removed(a[i].to_string()));
            i += 1;
        } else {
            push(&mut out, Change::Added(b[j].to_string()));
            j += 1;
        }
    }
    out
}

fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_space = true;
        } else if in_space {
            out.push(&text[start..i]);
            start = i;
            in_space = false;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_request_needs_a_comment() {
        assert!(decide(EntryStatus::Submitted, ReviewAction::NeedsRevision, "  ").is_err());
        assert_eq!(
            decide(
                EntryStatus::Submitted,
                ReviewAction::NeedsRevision,
                "Say more about Jay"
            ),
            Ok(EntryStatus::NeedsRevision)
        );
    }

    #[test]
    fn statuses_move_only_from_submitted() {
        assert_eq!(
            decide(EntryStatus::Submitted, ReviewAction::Reviewed, ""),
            Ok(EntryStatus::Reviewed)
        );
        assert!(decide(EntryStatus::Reviewed, ReviewAction::Reviewed, "").is_err());
        assert!(decide(EntryStatus::NeedsRevision, ReviewAction::Reviewed, "").is_err());
        assert!(decide(EntryStatus::Draft, ReviewAction::Comment, "hello").is_err());
        // A comment leaves the status alone, and needs words.
        assert_eq!(
            decide(EntryStatus::Reviewed, ReviewAction::Comment, "Lovely"),
            Ok(EntryStatus::Reviewed)
        );
        assert!(decide(EntryStatus::Submitted, ReviewAction::Comment, "").is_err());
    }

    #[test]
    fn over_long_feedback_is_refused_not_cut() {
        let long = "a".repeat(MAX_FEEDBACK_CHARS + 1);
        let message = decide(EntryStatus::Submitted, ReviewAction::Comment, &long).unwrap_err();
        assert!(message.contains("Nothing has been cut"));
    }

    #[test]
    fn compare_marks_added_and_removed_words() {
        let changes = compare("Jay settled well today", "Jay settled quickly today");
        assert_eq!(
            changes,
            vec![
                Change::Same("Jay settled ".into()),
                Change::Removed("well ".into()),
                Change::Added("quickly ".into()),
                Change::Same("today".into()),
            ]
        );
        assert_eq!(compare("same", "same"), vec![Change::Same("same".into())]);
        assert_eq!(compare("", "new"), vec![Change::Added("new".into())]);
    }
}
