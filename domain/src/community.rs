//! The community of practice: what a post is, where it is shared, the checks on what people
//! write, and the privacy prompt that flags likely names before anything is published.
//!
//! Who may see what (enforced by `services::store::community`, one SQL rule):
//! - a post shared with "my setting" is seen by the people of the author's setting;
//! - a post shared with a network is seen by the people of every setting that has accepted
//!   that network, and nobody else;
//! - a hidden post or reply is seen only by its author and its moderators (the SENCo and
//!   admins of the author's setting, and the network's moderators for network posts);
//! - nothing from the learning log is ever shown: a post is a copy its author made.

use crate::model::Sector;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum PostKind {
    Example,
    Question,
}

impl PostKind {
    pub const ALL: [PostKind; 2] = [PostKind::Example, PostKind::Question];

    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Example => "example",
            PostKind::Question => "question",
        }
    }

    pub fn parse(s: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PostKind::Example => "Practice example",
            PostKind::Question => "Question",
        }
    }
}

/// The four broad areas of need of the SEND Code of Practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum Area {
    CommunicationInteraction,
    CognitionLearning,
    Semh,
    SensoryPhysical,
}

impl Area {
    pub const ALL: [Area; 4] = [
        Area::CommunicationInteraction,
        Area::CognitionLearning,
        Area::Semh,
        Area::SensoryPhysical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::CommunicationInteraction => "communication_interaction",
            Area::CognitionLearning => "cognition_learning",
            Area::Semh => "semh",
            Area::SensoryPhysical => "sensory_physical",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Area::CommunicationInteraction => "Communication and interaction",
            Area::CognitionLearning => "Cognition and learning",
            Area::Semh => "Social, emotional and mental health",
            Area::SensoryPhysical => "Sensory and/or physical",
        }
    }
}

/// Where something is shared: the person's own setting, or one of its networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Space {
    Setting,
    Network(i64),
}

impl Space {
    /// The form and address value: `setting` or `network-<id>`.
    pub fn param(self) -> String {
        match self {
            Space::Setting => "setting".into(),
            Space::Network(id) => format!("network-{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Space> {
        match s.trim() {
            "" | "setting" => Some(Space::Setting),
            other => other
                .strip_prefix("network-")
                .and_then(|id| id.parse().ok())
                .map(Space::Network),
        }
    }

    pub fn network_id(self) -> Option<i64> {
        match self {
            Space::Setting => None,
            Space::Network(id) => Some(id),
        }
    }
}

/// A post as a space's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PostSummary {
    pub id: String,
    pub kind: PostKind,
    pub title: String,
    pub area: Area,
    pub sector: Sector,
    pub age: String,
    pub module_key: Option<String>,
    /// The start of the need (an example) or the question.
    pub excerpt: String,
    pub author: String,
    pub setting_name: String,
    pub created_at: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub reply_count: u32,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub helpful_count: u32,
    /// A question with an answer marked as the one that helped.
    pub answered: bool,
    pub hidden: bool,
}

pub const MAX_TITLE_CHARS: usize = 120;
pub const MIN_TITLE_CHARS: usize = 5;
pub const MAX_TEXT_CHARS: usize = 4_000;
pub const MAX_REPLY_CHARS: usize = 4_000;
pub const MAX_AGE_CHARS: usize = 40;
pub const MAX_REASON_CHARS: usize = 500;
/// Posts on one page of a space.
pub const PAGE_SIZE: u32 = 25;

/// A post as its author wrote it, before it is checked: the compose form's fields, by
/// their names there (a field left out of the form is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub kind: String,
    pub title: String,
    pub area: String,
    pub sector: String,
    pub age: String,
    pub module: String,
    pub need: String,
    pub tried: String,
    pub outcome: String,
    pub change: String,
    pub body: String,
}

impl Draft {
    /// Each field with its name in the compose form, in the form's order.
    pub fn fields(&self) -> [(&'static str, &str); 11] {
        [
            ("kind", &self.kind),
            ("title", &self.title),
            ("area", &self.area),
            ("sector", &self.sector),
            ("age", &self.age),
            ("module", &self.module),
            ("need", &self.need),
            ("tried", &self.tried),
            ("outcome", &self.outcome),
            ("change", &self.change),
            ("body", &self.body),
        ]
    }
}

/// A post that passed the checks: trimmed, with its tags parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub kind: PostKind,
    pub title: String,
    pub area: Area,
    pub sector: Sector,
    pub age: String,
    pub module: Option<String>,
    pub need: String,
    pub tried: String,
    pub outcome: String,
    pub change: String,
    pub body: String,
}

/// Checks a post, naming each field that needs changing. `modules` are the course's module
/// keys (a post may name one).
pub fn check(draft: &Draft, modules: &[String]) -> Result<Checked, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let kind = PostKind::parse(&draft.kind);
    if kind.is_none() {
        problems.push((
            "kind",
            "Choose whether this is a practice example or a question.".into(),
        ));
    }
    let title = draft.title.trim().to_string();
    let title_chars = title.chars().count();
    if title_chars < MIN_TITLE_CHARS {
        problems.push((
            "title",
            format!("Give it a title of at least {MIN_TITLE_CHARS} characters, so others can tell what it is about."),
        ));
    } else if title_chars > MAX_TITLE_CHARS {
        problems.push((
            "title",
            format!("Keep the title to {MAX_TITLE_CHARS} characters (this is {title_chars})."),
        ));
    }
    let area = Area::parse(&draft.area);
    if area.is_none() {
        problems.push(("area", "Choose the area of need it is about.".into()));
    }
    let sector = Sector::parse(&draft.sector);
    if sector.is_none() {
        problems.push(("sector", "Choose the sector it is about.".into()));
    }
    let age = draft.age.trim().to_string();
    if age.chars().count() > MAX_AGE_CHARS {
        problems.push((
            "age",
            format!("Keep the age or stage to {MAX_AGE_CHARS} characters."),
        ));
    }
    let module = Some(draft.module.trim().to_string()).filter(|m| !m.is_empty());
    if module.as_ref().is_some_and(|m| !modules.contains(m)) {
        problems.push((
            "module",
            "Choose one of the course's modules, or none.".into(),
        ));
    }
    let mut text = |field: &'static str, value: &str, needed: Option<&str>| {
        let value = value.trim().to_string();
        let chars = value.chars().count();
        if chars > MAX_TEXT_CHARS {
            problems.push((
                field,
                format!(
                    "This is {chars} characters; the limit is {MAX_TEXT_CHARS}. Shorten it by {} and post again. Nothing has been cut.",
                    chars - MAX_TEXT_CHARS
                ),
            ));
        } else if value.is_empty() {
            if let Some(message) = needed {
                problems.push((field, message.to_string()));
            }
        }
        value
    };
    let example = kind == Some(PostKind::Example);
    let question = kind == Some(PostKind::Question);
    let need = text(
        "need",
        &draft.need,
        example.then_some("Describe the need: who it was for, without naming them."),
    );
    let tried = text(
        "tried",
        &draft.tried,
        example.then_some("Say what you tried."),
    );
    let outcome = text(
        "outcome",
        &draft.outcome,
        example.then_some("Say what happened, and how you could tell."),
    );
    let change = text("change", &draft.change, None);
    let body = text(
        "body",
        &draft.body,
        question.then_some("Write your question."),
    );
    match (kind, area, sector, problems.is_empty()) {
        (Some(kind), Some(area), Some(sector), true) => Ok(Checked {
            kind,
            title,
            area,
            sector,
            age,
            module,
            need: if example { need } else { String::new() },
            tried: if example { tried } else { String::new() },
            outcome: if example { outcome } else { String::new() },
            change: if example { change } else { String::new() },
            body: if question { body } else { String::new() },
        }),
        _ => Err(problems),
    }
}

/// Checks a reply or comment.
pub fn check_reply(body: &str) -> Result<String, String> {
    let body = body.trim();
    let chars = body.chars().count();
    if chars == 0 {
        Err("Write something before you post.".into())
    } else if chars > MAX_REPLY_CHARS {
        Err(format!(
            "This is {chars} characters; the limit is {MAX_REPLY_CHARS}. Shorten it by {} and post again. Nothing has been cut.",
            chars - MAX_REPLY_CHARS
        ))
    } else {
        Ok(body.to_string())
    }
}

/// Checks the reason given for a report or for hiding something.
pub fn check_reason(reason: &str) -> Result<String, String> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    if chars < 3 {
        Err("Say why, in a few words.".into())
    } else if chars > MAX_REASON_CHARS {
        Err(format!(
            "Keep the reason to {MAX_REASON_CHARS} characters (this is {chars})."
        ))
    } else {
        Ok(reason.to_string())
    }
}

/// Words that may be someone's name: capitalised words whose lower-case form is not in the
/// course's vocabulary (`vocabulary` holds the course's words in lower case), each once, in
/// the order they first appear. A heuristic to prompt the author, never a filter: it misses
/// names that are also words ("Grace") and flags words the course never uses.
pub fn likely_names(text: &str, vocabulary: &HashSet<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for word in text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '-')) {
        let word = word.trim_matches(|c| c == '\'' || c == '-');
        let word = word.strip_suffix("'s").unwrap_or(word);
        let mut chars = word.chars();
        let Some(first) = chars.next() else { continue };
        let rest: String = chars.collect();
        // Capitalised, not an acronym ("SENCo", "EHCP", "TA" are not names).
        if !first.is_uppercase()
            || rest.is_empty()
            || rest.chars().filter(|c| c.is_uppercase()).count() > 1
            || rest.chars().all(char::is_uppercase)
        {
            continue;
        }
        let lower = word.to_lowercase();
        if vocabulary.contains(&lower) || COMMON.contains(&lower.as_str()) {
            continue;
        }
        if seen.insert(lower) {
            out.push(word.to_string());
        }
    }
    out
}

/// Words everyone writes that a course about SEND may never happen to use.
const COMMON: [&str; 40] = [
    "i",
    "i'm",
    "i've",
    "i'd",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "christmas",
    "easter",
    "ok",
    "okay",
    "thanks",
    "hi",
    "hello",
    "yes",
    "no",
    "england",
    "english",
    "maths",
    "year",
    "reception",
    "nursery",
    "college",
    "school",
];

/// The vocabulary `likely_names` checks against: the words `texts` use in lower case. A
/// word the course only ever capitalises (the names in its case studies) is left out, so a
/// post that borrows one is still asked about.
pub fn vocabulary<'a>(texts: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    let mut words = HashSet::new();
    for text in texts {
        for word in text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '-')) {
            let word = word.trim_matches(|c| c == '\'' || c == '-');
            if word.chars().count() > 1 && word.starts_with(char::is_lowercase) {
                words.insert(word.to_string());
            }
        }
    }
    words
}

/// "Tried from the community" entries in the learning log are keyed by the post.
pub const TRIED_PREFIX: &str = "community:";
pub const TRIED_PROMPT: &str = "What did you try, with whom, and what did you notice?";

pub fn tried_key(post_id: &str) -> String {
    format!("{TRIED_PREFIX}{post_id}")
}

pub fn post_of_tried_key(section_key: &str) -> Option<&str> {
    section_key.strip_prefix(TRIED_PREFIX)
}

/// The longest a community session may be credited as CPD time.
pub const MAX_SESSION_MINUTES: i64 = 480;
/// How far back a session may be recorded (one held before it was put in Tandem).
pub const MAX_SESSION_AGE_DAYS: i64 = 60;

/// How many characters of a post a list shows; the store reads one more, so that it is
/// known whether there was more.
pub const EXCERPT_CHARS: usize = 220;

/// The start of a post as a list shows it: whole if it fits, else cut at the last space
/// before [`EXCERPT_CHARS`] (not mid-word), with an ellipsis.
pub fn excerpt(text: &str) -> String {
    let text = text.trim_end();
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > EXCERPT_CHARS / 2 => &cut[..i],
        // One very long word: cut it rather than show almost nothing.
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-".contains(c))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(excerpt("A short question? "), "A short question?");
        let long = "word ".repeat(60);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
        let exact = "x".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact), exact, "fits exactly: whole, no ellipsis");
        let one_word = "y".repeat(EXCERPT_CHARS + 5);
        assert_eq!(excerpt(&one_word).chars().count(), EXCERPT_CHARS + 1);
        let commas = format!("{} tail, more words here", "a ".repeat(105));
        assert!(!excerpt(&commas).contains(",…"));
    }

    fn draft(kind: &str) -> Draft {
        Draft {
            kind: kind.into(),
            title: "Visual timetables at the door".into(),
            area: "communication_interaction".into(),
            sector: "school_age".into(),
            age: "Year 2".into(),
            module: "m1".into(),
            need: "A pupil found transitions hard.".into(),
            tried: "A now-and-next board.".into(),
            outcome: "Calmer starts on 8 of 10 days.".into(),
            change: String::new(),
            body: "Ignored for examples".into(),
        }
    }

    #[test]
    fn an_example_needs_its_parts_and_a_question_its_text() {
        let modules = vec!["m1".to_string()];
        let ok = check(&draft("example"), &modules).unwrap();
        assert_eq!(
            (ok.kind, ok.area, ok.body.as_str()),
            (PostKind::Example, Area::CommunicationInteraction, "")
        );
        let mut empty = draft("example");
        empty.tried = "   ".into();
        let fields: Vec<_> = check(&empty, &modules)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["tried"]);
        let mut question = draft("question");
        question.body = String::new();
        let fields: Vec<_> = check(&question, &modules)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["body"]);
    }

    #[test]
    fn hostile_tags_and_oversized_text_are_named() {
        let mut bad = draft("poll");
        bad.area = "x".into();
        bad.sector = "nowhere".into();
        bad.module = "m9".into();
        bad.title = "x".repeat(MAX_TITLE_CHARS + 1);
        bad.need = "é".repeat(MAX_TEXT_CHARS + 1);
        let fields: Vec<_> = check(&bad, &["m1".into()])
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            ["kind", "title", "area", "sector", "module", "need"]
        );
        let mut long = draft("example");
        long.need = "é".repeat(MAX_TEXT_CHARS + 1);
        let problems = check(&long, &["m1".into()]).unwrap_err();
        assert_eq!(problems[0].0, "need");
        assert!(
            problems[0].1.contains("Shorten it by 1"),
            "{}",
            problems[0].1
        );
    }

    #[test]
    fn likely_names_are_capitalised_words_the_course_does_not_use() {
        // The course's case studies name people; only its lower-case words count.
        let vocab = vocabulary([
            "Jayden joined in on time after the visual timetable. We used Makaton; makaton helped.",
        ]);
        let text = "After lunch Jayden's mum and Mrs Okafor met the SENCo and the TA. Makaton helped; Jayden smiled. On Monday we met.";
        assert_eq!(likely_names(text, &vocab), ["Jayden", "Mrs", "Okafor"]);
        assert!(likely_names("no capitals here at all", &vocab).is_empty());
    }

    #[test]
    fn spaces_round_trip_and_refuse_junk() {
        assert_eq!(Space::parse("setting"), Some(Space::Setting));
        assert_eq!(Space::parse("network-12"), Some(Space::Network(12)));
        assert_eq!(
            Space::parse(&Space::Network(3).param()),
            Some(Space::Network(3))
        );
        assert_eq!(Space::parse("network-x"), None);
        assert_eq!(Space::parse("elsewhere"), None);
    }
}
