//! Learning-log rules with no I/O: what a save does, how statuses move, and the limits.

use serde::{Deserialize, Serialize};

pub mod autosave;
mod views;
pub use views::*;

/// The longest answer Tandem keeps. The page warns well before it, and never cuts text.
pub const MAX_BODY_CHARS: usize = 20_000;
/// When the page starts showing how many characters are left.
pub const WARN_AT_CHARS: usize = 18_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum EntryKind {
    Reflection,
    PracticeNote,
    Enquiry,
    FollowUp,
}

impl EntryKind {
    pub const ALL: [EntryKind; 4] = [
        EntryKind::Reflection,
        EntryKind::PracticeNote,
        EntryKind::Enquiry,
        EntryKind::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Reflection => "reflection",
            EntryKind::PracticeNote => "practice_note",
            EntryKind::Enquiry => "enquiry",
            EntryKind::FollowUp => "follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Reflection => "Reflection",
            EntryKind::PracticeNote => "Practice note",
            EntryKind::Enquiry => "Enquiry record",
            EntryKind::FollowUp => "Follow-up",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum EntryStatus {
    Draft,
    Submitted,
    Reviewed,
    NeedsRevision,
}

impl EntryStatus {
    pub const ALL: [EntryStatus; 4] = [
        EntryStatus::Draft,
        EntryStatus::Submitted,
        EntryStatus::Reviewed,
        EntryStatus::NeedsRevision,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Reviewed => "reviewed",
            EntryStatus::NeedsRevision => "needs_revision",
        }
    }

    pub fn parse(s: &str) -> Option<EntryStatus> {
        EntryStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::Draft => "Draft",
            EntryStatus::Submitted => "Submitted",
            EntryStatus::Reviewed => "Reviewed",
            EntryStatus::NeedsRevision => "Revision requested",
        }
    }

    /// Editing any shared entry makes a new draft that has to be submitted again: the
    /// SENCo only ever sees text its author chose to send.
    pub fn after_edit(self) -> EntryStatus {
        EntryStatus::Draft
    }

    /// Submitting is allowed from a draft or after a revision was asked for.
    pub fn can_submit(self) -> bool {
        matches!(self, EntryStatus::Draft | EntryStatus::NeedsRevision)
    }
}

/// What the server found when a save arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveDecision {
    /// No entry yet: create it at revision 1.
    Create,
    /// Based on the current revision: accept as the next one.
    Accept { rev: i64 },
    /// The text is already what is stored: nothing to do.
    Unchanged,
    /// Based on an older revision and different from the current text: keep both, and
    /// ask the person to settle it.
    Conflict,
}

/// `current` is the stored (revision, text), if any; `base_rev` the revision the text was
/// written on (0 for a new entry).
pub fn decide_save(current: Option<(i64, &str)>, base_rev: i64, body: &str) -> SaveDecision {
    match current {
        None => SaveDecision::Create,
        Some((_, stored)) if stored == body => SaveDecision::Unchanged,
        Some((rev, _)) if rev == base_rev => SaveDecision::Accept { rev: rev + 1 },
        Some(_) => SaveDecision::Conflict,
    }
}

/// Search: what a person may type. Enough for any real search, and small enough that no
/// search can keep the database busy.
pub const MAX_SEARCH_CHARS: usize = 200;
pub const MAX_SEARCH_WORDS: usize = 8;
/// Shorter words match only whole words, not as prefixes.
pub const MIN_PREFIX_CHARS: usize = 3;

/// The words to search for, or a message saying what to change. Punctuation is dropped
/// (it has no meaning in a search here), so nothing typed can change the query's shape.
pub fn search_words(text: &str) -> Result<Vec<String>, String> {
    let chars = text.chars().count();
    if chars > MAX_SEARCH_CHARS {
        return Err(format!(
            "Search for at most {MAX_SEARCH_CHARS} characters (this is {}).",
            group(chars)
        ));
    }
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '-')
                .collect::<String>()
        })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if words.len() > MAX_SEARCH_WORDS {
        return Err(format!(
            "Search for at most {MAX_SEARCH_WORDS} words at a time (this is {}).",
            words.len()
        ));
    }
    Ok(words)
}

/// A specific message when an answer is too long, saying by how much.
pub fn check_length(body: &str) -> Result<(), String> {
    let chars = body.chars().count();
    if chars > MAX_BODY_CHARS {
        Err(format!(
            "This answer is {} characters long; the limit is {}. Shorten it by {} characters and it will save. Nothing has been cut.",
            group(chars),
            group(MAX_BODY_CHARS),
            group(chars - MAX_BODY_CHARS)
        ))
    } else {
        Ok(())
    }
}

/// 20000 → "20,000".
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The questions a section asks in the log: (prompt key, the question, the kind of entry).
pub fn prompts_for(section: &crate::content::Section) -> Vec<(String, String, EntryKind)> {
    use crate::content::SectionKind;
    match section.kind {
        SectionKind::Knowledge => vec![],
        SectionKind::Reflection => section
            .prompts
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("p{}", i + 1), p.clone(), EntryKind::Reflection))
            .collect(),
        SectionKind::Practice => [
            ("tried", "What I tried"),
            ("happened", "What happened"),
            ("next", "What I'll do next"),
        ]
        .into_iter()
        .map(|(k, q)| (k.to_string(), q.to_string(), EntryKind::PracticeNote))
        .collect(),
        SectionKind::Enquiry => section
            .steps
            .iter()
            .map(|s| {
                (
                    format!("{s:?}").to_lowercase(),
                    s.label().to_string(),
                    EntryKind::Enquiry,
                )
            })
            .collect(),
    }
}

pub const FOLLOW_UP_PROMPT: &str = "What has changed since you tried this?";

/// Where an entry belongs, in words: "Module 2: Noticing needs", or only the title for an
/// entry outside the modules (module 0: an example tried from the community).
pub fn place(module_number: u32, title: &str) -> String {
    if module_number == 0 {
        title.to_string()
    } else {
        format!("Module {module_number}: {title}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_create_accept_or_conflict() {
        assert_eq!(decide_save(None, 0, "a"), SaveDecision::Create);
        assert_eq!(
            decide_save(Some((3, "old")), 3, "new"),
            SaveDecision::Accept { rev: 4 }
        );
        assert_eq!(
            decide_save(Some((3, "same")), 1, "same"),
            SaveDecision::Unchanged
        );
        assert_eq!(
            decide_save(Some((3, "theirs")), 2, "mine"),
            SaveDecision::Conflict
        );
        assert_eq!(
            decide_save(Some((1, "theirs")), 0, "mine"),
            SaveDecision::Conflict,
            "a second device's first save"
        );
    }

    #[test]
    fn editing_shared_entries_makes_a_new_draft() {
        for status in EntryStatus::ALL {
            assert_eq!(status.after_edit(), EntryStatus::Draft);
        }
        assert!(EntryStatus::Draft.can_submit());
        assert!(EntryStatus::NeedsRevision.can_submit());
        assert!(!EntryStatus::Submitted.can_submit());
        assert!(!EntryStatus::Reviewed.can_submit());
    }

    #[test]
    fn over_long_answers_get_a_specific_message() {
        assert!(check_length(&"a".repeat(MAX_BODY_CHARS)).is_ok());
        let message = check_length(&"é".repeat(MAX_BODY_CHARS + 5)).unwrap_err();
        assert!(message.contains("20,005 characters"), "{message}");
        assert!(message.contains("Shorten it by 5 characters"), "{message}");
        assert!(message.contains("Nothing has been cut"));
    }

    #[test]
    fn searches_are_bounded_and_only_words_count() {
        assert_eq!(
            search_words("  visual   timetable "),
            Ok(vec!["visual".into(), "timetable".into()])
        );
        // Search syntax is just words here (each is quoted in the query).
        assert_eq!(
            search_words("\" OR * NEAR( -- ''"),
            Ok(vec!["OR".into(), "NEAR".into()])
        );
        assert_eq!(search_words("* ( ) : ^"), Ok(vec![]));
        assert_eq!(
            search_words("Jay's self-regulation"),
            Ok(vec!["Jay's".into(), "self-regulation".into()])
        );
        let long = "a ".repeat(101);
        assert!(search_words(&long)
            .unwrap_err()
            .contains("at most 200 characters"));
        let many = "w ".repeat(9);
        assert!(search_words(&many).unwrap_err().contains("at most 8 words"));
        assert_eq!(search_words(&"w ".repeat(8)).unwrap().len(), 8);
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(5), "5");
        assert_eq!(group(1234), "1,234");
        assert_eq!(group(1_234_567), "1,234,567");
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
        for s in EntryStatus::ALL {
            assert_eq!(EntryStatus::parse(s.as_str()), Some(s));
        }
    }
}
