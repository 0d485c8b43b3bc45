//! Loading and validating the course files. Any mistake stops startup with a message that
//! names the file and line, so a broken module never reaches a practitioner. The rules are
//! documented, one by one, in `content/README.md`.

use crate::markdown;
use domain::content::{
    estimate_minutes, sector_index, Activity, ActivityKind, Course, EnquiryStep, Guide, Module,
    Reading, Section, SectionKind, Segment, ACTIVITY_MINUTES, MINUTES_PER_LOG_ANSWER,
    WORDS_PER_MINUTE,
};
use domain::model::Sector;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

impl std::error::Error for ContentError {}

fn error(file: &Path, line: usize, message: impl Into<String>) -> ContentError {
    ContentError {
        file: file.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// The facilitator guide's file, beside the module folders.
pub const FACILITATOR_FILE: &str = "facilitator.md";
/// Reflection prompts per section. Prompts are numbered p1… by position, so new prompts
/// are only ever appended.
const PROMPTS: std::ops::RangeInclusive<usize> = 3..=6;
/// Structured activities per knowledge section.
const KNOWLEDGE_ACTIVITIES: std::ops::RangeInclusive<usize> = 2..=4;
/// The oldest further-reading year accepted (anything older is almost certainly a typo).
const OLDEST_READING: u16 = 1990;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    key: String,
    number: u32,
    title: String,
    summary: String,
    outcomes: Vec<String>,
    sections: Vec<String>,
    #[serde(default)]
    reading: Vec<Reading>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    key: String,
    kind: SectionKind,
    title: String,
    /// Optional: minutes are computed. If given, it must agree with the rule.
    #[serde(default)]
    minutes: Option<u32>,
    #[serde(default)]
    prompts: Vec<String>,
    #[serde(default)]
    steps: Vec<EnquiryStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideFrontMatter {
    title: String,
    summary: String,
}

/// The line (1-based) of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The first line of `text` (1-based, counted from `first_line`) that starts with `prefix`.
fn line_starting(text: &str, prefix: &str, first_line: usize) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .map(|i| i + first_line)
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
    first_line: usize,
) -> Result<T, ContentError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1) + first_line - 1;
        error(file, line, e.message().trim().to_string())
    })
}

/// This year, from the system clock (good enough to refuse a reading from the future).
fn this_year() -> u16 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (1970 + seconds / 31_556_952) as u16
}

/// Where a module or section is checked against names used elsewhere in the course.
struct Collected {
    /// `](@key)` links, checked once every module is loaded.
    links: Vec<(PathBuf, usize, String)>,
    /// Case studies with the names they list.
    cases: Vec<CaseRef>,
}

struct CaseRef {
    file: PathBuf,
    line: usize,
    names: Vec<String>,
    continued: bool,
}

/// Loads every module folder under `dir`, in folder-name order, and the facilitator guide.
/// The element id of a section's "What may change" box, for links to it.
pub const MAY_CHANGE_ID: &str = markdown::MAY_CHANGE_ID;

/// How long a "What may change" box stays current after its review.
pub const REVIEW_EVERY_MONTHS: u8 = 12;

/// The boxes whose review is due (12 months old or more) or dated after `today`, each as a
/// sentence naming the section. `tandem content` and the content test refuse the course
/// while any is listed; the server only warns, so a school's Tandem still starts.
pub fn overdue_reviews(course: &Course, today: time::Date) -> Vec<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let year_ago = today
        .replace_year(today.year() - 1)
        .unwrap_or_else(|_| today - time::Duration::days(365));
    course
        .sections()
        .filter_map(|(_, section)| {
            let text = section.reviewed.as_deref()?;
            let date = time::Date::parse(text, format).ok()?;
            if date > today {
                Some(format!(
                    "{}: the what-may-change box says it was reviewed on {text}, which is after today ({today})",
                    section.key
                ))
            } else if date <= year_ago {
                Some(format!(
                    "{}: the what-may-change box was last reviewed on {text}, {REVIEW_EVERY_MONTHS} months or more ago. Check it against the current law and guidance, then update its date (content/facilitator.md, \"Keeping it current\")",
                    section.key
                ))
            } else {
                None
            }
        })
        .collect()
}

pub fn load_course(dir: &Path) -> Result<Course, ContentError> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| error(dir, 0, format!("cannot read the content folder: {e}")))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(error(dir, 0, "no module folders found"));
    }
    let mut course = Course::default();
    let mut keys = HashSet::new();
    let mut collected = Collected {
        links: vec![],
        cases: vec![],
    };
    for folder in folders {
        let module = load_module(&folder, &mut keys, &mut collected)?;
        if course.modules.iter().any(|m| m.number == module.number) {
            return Err(error(
                &folder.join("module.toml"),
                1,
                format!("module number {} is used twice", module.number),
            ));
        }
        course.modules.push(module);
    }
    course.modules.sort_by_key(|m| m.number);
    course.facilitator = load_guide(&dir.join(FACILITATOR_FILE), &mut collected)?;
    for (file, line, target) in collected.links {
        let (key, fragment) = match target.split_once('#') {
            Some((key, fragment)) => (key, Some(fragment)),
            None => (target.as_str(), None),
        };
        let Some((_, section)) = course.section(key) else {
            return Err(error(
                &file,
                line,
                format!("link to @{target}, but there is no section with that key"),
            ));
        };
        match fragment {
            Some(MAY_CHANGE_ID) if section.reviewed.is_none() => {
                return Err(error(
                    &file,
                    line,
                    format!("link to @{target}, but {key} has no what-may-change box"),
                ))
            }
            Some(other) if other != MAY_CHANGE_ID => {
                return Err(error(
                    &file,
                    line,
                    format!("link to @{target}: only #{MAY_CHANGE_ID} may follow a section key"),
                ))
            }
            _ => {}
        }
    }
    check_case_names(&collected.cases)?;
    Ok(course)
}

/// A name as compared across case studies: lower-case, without a title ("Mr Okafor" and
/// "Ms Okafor" are the same surname).
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !matches!(*w, "Mr" | "Mrs" | "Ms" | "Miss" | "Mx" | "Dr"))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// No two case studies share a name; a continued case study only uses names introduced by
/// another case study.
fn check_case_names(cases: &[CaseRef]) -> Result<(), ContentError> {
    let mut first_use: HashMap<String, (&Path, usize)> = HashMap::new();
    for case in cases.iter().filter(|c| !c.continued) {
        for name in &case.names {
            if let Some((file, line)) = first_use.insert(name_key(name), (&case.file, case.line)) {
                return Err(error(
                    &case.file,
                    case.line,
                    format!(
                        "the name {name:?} is already used by the case study at {}:{line}: give each case study its own names",
                        file.display()
                    ),
                ));
            }
        }
    }
    for case in cases.iter().filter(|c| c.continued) {
        if let Some(name) = case
            .names
            .iter()
            .find(|n| !first_use.contains_key(&name_key(n)))
        {
            return Err(error(
                &case.file,
                case.line,
                format!(
                    "a continued case study lists {name:?}, but no case study introduces that name"
                ),
            ));
        }
    }
    Ok(())
}

fn load_module(
    folder: &Path,
    keys: &mut HashSet<String>,
    collected: &mut Collected,
) -> Result<Module, ContentError> {
    let manifest_path = folder.join("module.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| error(&manifest_path, 0, format!("cannot read: {e}")))?;
    let manifest: Manifest = parse_toml(&manifest_path, &text, 1)?;
    let key_line = line_starting(&text, "key", 1).unwrap_or(1);
    if !is_key_part(&manifest.key) {
        return Err(error(
            &manifest_path,
            key_line,
            format!(
                "module key {:?} must be lower-case letters and digits, like m2",
                manifest.key
            ),
        ));
    }
    if !keys.insert(manifest.key.clone()) {
        return Err(error(
            &manifest_path,
            key_line,
            format!(
                "duplicate key {:?}: another module already uses it",
                manifest.key
            ),
        ));
    }
    for (field, empty) in [
        ("title", manifest.title.trim().is_empty()),
        ("summary", manifest.summary.trim().is_empty()),
        ("outcomes", manifest.outcomes.is_empty()),
        ("sections", manifest.sections.is_empty()),
        ("reading", manifest.reading.is_empty()),
    ] {
        if empty {
            return Err(error(
                &manifest_path,
                1,
                format!("`{field}` must not be empty"),
            ));
        }
    }
    let newest = this_year();
    for reading in &manifest.reading {
        let line = text
            .lines()
            .position(|l| l.contains(&format!("{:?}", reading.title)))
            .map_or(1, |i| i + 1);
        if reading.title.trim().is_empty() || reading.publisher.trim().is_empty() {
            return Err(error(
                &manifest_path,
                line,
                "further reading needs a title and a publisher",
            ));
        }
        if !(OLDEST_READING..=newest).contains(&reading.year) {
            return Err(error(
                &manifest_path,
                line,
                format!(
                    "the year {} of {:?} is not plausible: give the year of the edition you cite ({OLDEST_READING} to {newest})",
                    reading.year, reading.title
                ),
            ));
        }
    }
    let mut sections = vec![];
    for stem in &manifest.sections {
        let path = folder.join(format!("{stem}.md"));
        if !path.is_file() {
            let line = text
                .lines()
                .position(|l| l.contains(&format!("\"{stem}\"")))
                .map_or(1, |i| i + 1);
            return Err(error(
                &manifest_path,
                line,
                format!(
                    "missing section: `sections` lists {stem:?} but {} does not exist",
                    path.display()
                ),
            ));
        }
        let section = load_section(&path, &manifest.key, stem, collected)?;
        if !keys.insert(section.key.clone()) {
            return Err(error(&path, 2, format!("duplicate key {:?}", section.key)));
        }
        check_section_shape(&path, &section)?;
        sections.push(section);
    }
    let practice_like: Vec<&Section> = sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Practice | SectionKind::Enquiry))
        .collect();
    let with_colleague = |s: &&Section| {
        s.activities
            .iter()
            .any(|a| a.kind == ActivityKind::WithAColleague)
    };
    if !practice_like.is_empty() && !practice_like.iter().any(with_colleague) {
        return Err(error(
            &manifest_path,
            1,
            "the module's practice task needs a `::: activity with-a-colleague` step",
        ));
    }
    Ok(Module {
        key: manifest.key,
        number: manifest.number,
        title: manifest.title,
        summary: manifest.summary,
        outcomes: manifest.outcomes,
        reading: manifest.reading,
        sections,
    })
}

/// What each kind of section must contain.
fn check_section_shape(path: &Path, section: &Section) -> Result<(), ContentError> {
    let activities = section.activities.len();
    match section.kind {
        SectionKind::Knowledge | SectionKind::Practice if !section.has_sector_passages() => {
            Err(error(
                path,
                1,
                "knowledge and practice sections need sector passages (`::: sector …`, all three sectors)",
            ))
        }
        SectionKind::Knowledge if !KNOWLEDGE_ACTIVITIES.contains(&activities) => Err(error(
            path,
            1,
            format!(
                "a knowledge section needs {} to {} structured activities (`::: activity …`), this has {activities}",
                KNOWLEDGE_ACTIVITIES.start(),
                KNOWLEDGE_ACTIVITIES.end()
            ),
        )),
        SectionKind::Practice
            if !section
                .activities
                .iter()
                .any(|a| a.kind == ActivityKind::WithAColleague) =>
        {
            Err(error(
                path,
                1,
                "a practice section needs a `::: activity with-a-colleague` step",
            ))
        }
        _ => Ok(()),
    }
}

fn is_key_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn load_section(
    path: &Path,
    module_key: &str,
    stem: &str,
    collected: &mut Collected,
) -> Result<Section, ContentError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| error(path, 0, format!("cannot read: {e}")))?;
    let (front, body, body_first_line) = split_front_matter(path, &text)?;
    let fm: FrontMatter = parse_toml(path, front, 2)?;
    let expected = format!("{module_key}.{stem}");
    if fm.key != expected {
        return Err(error(
            path,
            2,
            format!(
                "key is {:?} but this file should have key {expected:?}",
                fm.key
            ),
        ));
    }
    if fm.title.trim().is_empty() {
        return Err(error(path, 2, "`title` must not be empty"));
    }
    match fm.kind {
        SectionKind::Reflection if !PROMPTS.contains(&fm.prompts.len()) => {
            return Err(error(
                path,
                2,
                format!(
                    "a reflection needs {} to {} prompts, this has {}",
                    PROMPTS.start(),
                    PROMPTS.end(),
                    fm.prompts.len()
                ),
            ))
        }
        SectionKind::Enquiry if fm.steps.is_empty() => {
            return Err(error(
                path,
                2,
                "an enquiry section must list the `steps` it records",
            ))
        }
        _ => {}
    }
    let blocks = parse_body(path, body, body_first_line)?;
    collect_links(path, body, body_first_line, &mut collected.links);
    if blocks.iter().all(|b| match b {
        Block::Shared(t) => t.is_blank(),
        _ => false,
    }) {
        return Err(error(path, body_first_line, "the section has no text"));
    }
    let id_prefix = format!("{module_key}-{stem}");
    let prompt_words: u32 = fm.prompts.iter().map(|p| markdown::count_words(p)).sum();
    let mut words = [prompt_words; 3];
    let mut segments = vec![];
    let mut activities = vec![];
    let mut reviewed = None;
    for block in blocks {
        match block {
            Block::Shared(text) => {
                let n = text.words();
                words.iter_mut().for_each(|w| *w += n);
                collect_cases(path, &text, &mut collected.cases);
                if !text.is_blank() {
                    segments.push(Segment::Shared(text.render()));
                }
            }
            Block::Sectors(passages) => {
                for (sector, text) in &passages {
                    words[sector_index(*sector)] += text.words();
                    collect_cases(path, text, &mut collected.cases);
                }
                segments.push(Segment::Sectors(
                    passages
                        .into_iter()
                        .map(|(s, text)| (s, text.render()))
                        .collect(),
                ));
            }
            Block::MayChange(boxed) => {
                let n = markdown::count_words(&boxed.body);
                words.iter_mut().for_each(|w| *w += n);
                segments.push(Segment::Shared(markdown::render_may_change(
                    boxed.reviewed,
                    &boxed.body,
                )));
                reviewed = Some(boxed.reviewed);
            }
            Block::Activity(a) => {
                let n = markdown::count_words(&a.title)
                    + markdown::count_words(&a.body)
                    + a.answer
                        .as_ref()
                        .map_or(0, |(_, md)| markdown::count_words(md));
                words.iter_mut().for_each(|w| *w += n);
                let id = format!("{id_prefix}-activity-{}", activities.len() + 1);
                segments.push(Segment::Shared(markdown::render_activity(
                    &id,
                    a.kind,
                    a.minutes,
                    &a.title,
                    &a.body,
                    a.answer.as_ref().map(|(s, md)| (s.as_str(), md.as_str())),
                )));
                activities.push(Activity {
                    kind: a.kind,
                    minutes: a.minutes,
                    title: a.title,
                    has_model_answer: a.answer.is_some(),
                });
            }
        }
    }
    let mut section = Section {
        key: fm.key,
        slug: stem.to_string(),
        kind: fm.kind,
        title: fm.title,
        minutes: 0,
        prompts: fm.prompts,
        steps: fm.steps,
        segments,
        words,
        activities,
        reviewed: reviewed.map(|d: time::Date| d.to_string()),
    };
    section.minutes = estimate_minutes(
        section.words,
        section.activity_minutes(),
        section.log_answers(),
    );
    if let Some(given) = fm.minutes.filter(|m| *m != section.minutes) {
        let longest = section.words.into_iter().max().unwrap_or(0);
        return Err(error(
            path,
            line_starting(front, "minutes", 2).unwrap_or(2),
            format!(
                "`minutes = {given}` disagrees with the rule: this section comes to {} minutes ({} of reading for the longest sector's {longest} words at {WORDS_PER_MINUTE} a minute, {} of activities, {} for {} learning-log answers). Remove the line (minutes are computed) or correct it",
                section.minutes,
                longest.div_ceil(WORDS_PER_MINUTE).max(1),
                section.activity_minutes(),
                MINUTES_PER_LOG_ANSWER * section.log_answers(),
                section.log_answers()
            ),
        ));
    }
    Ok(section)
}

/// The facilitator guide: front matter (title, summary) and plain Markdown with links.
fn load_guide(path: &Path, collected: &mut Collected) -> Result<Guide, ContentError> {
    if !path.is_file() {
        return Err(error(
            path,
            0,
            "missing the facilitator guide: the course needs this file (see content/README.md)",
        ));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| error(path, 0, format!("cannot read: {e}")))?;
    let (front, body, body_first_line) = split_front_matter(path, &text)?;
    let fm: GuideFrontMatter = parse_toml(path, front, 2)?;
    if fm.title.trim().is_empty() || fm.summary.trim().is_empty() {
        return Err(error(path, 2, "`title` and `summary` must not be empty"));
    }
    if let Some(i) = body.lines().position(|l| l.trim_start().starts_with(":::")) {
        return Err(error(
            path,
            body_first_line + i,
            "the facilitator guide is plain Markdown: `:::` blocks are only for module sections",
        ));
    }
    let words = markdown::count_words(body);
    if words == 0 {
        return Err(error(path, body_first_line, "the guide has no text"));
    }
    collect_links(path, body, body_first_line, &mut collected.links);
    Ok(Guide {
        title: fm.title,
        summary: fm.summary,
        html: markdown::render(body),
        words,
    })
}

/// Splits `+++` front matter from the body; returns (front matter, body, body's first line).
fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(&'a str, &'a str, usize), ContentError> {
    let text_start = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text_start
        .strip_prefix("+++\n")
        .or_else(|| text_start.strip_prefix("+++\r\n"))
    else {
        return Err(error(
            path,
            1,
            "front matter missing: the file must start with a line of +++",
        ));
    };
    let Some(end) = rest.find("\n+++") else {
        return Err(error(
            path,
            1,
            "front matter is not closed: add a line of +++ after it",
        ));
    };
    let front = &rest[..end + 1];
    let after = &rest[end + 4..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let body_first_line = front.matches('\n').count() + 3;
    Ok((front, body, body_first_line))
}

/// A case study marked with `::: case Name, Name`: the names of everyone it mentions.
struct CaseStudy {
    names: Vec<String>,
    continued: bool,
    line: usize,
    markdown: String,
}

/// Markdown, possibly with case studies marked in it.
#[derive(Default)]
struct Text {
    pieces: Vec<Piece>,
}

enum Piece {
    Markdown(String),
    Case(CaseStudy),
}

impl Text {
    fn push_line(&mut self, line: &str) {
        if let Some(Piece::Markdown(md)) = self.pieces.last_mut() {
            md.push_str(line);
            md.push('\n');
        } else {
            self.pieces.push(Piece::Markdown(format!("{line}\n")));
        }
    }

    fn is_blank(&self) -> bool {
        self.pieces.iter().all(|p| match p {
            Piece::Markdown(md) => md.trim().is_empty(),
            Piece::Case(_) => false,
        })
    }

    fn words(&self) -> u32 {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Markdown(md) => markdown::count_words(md),
                Piece::Case(c) => markdown::count_words(&c.markdown),
            })
            .sum()
    }

    fn render(&self) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Markdown(md) => markdown::render(md),
                Piece::Case(c) => markdown::render_case(&c.markdown),
            })
            .collect()
    }
}

/// An activity block as written: `::: activity <kind> | <n> min | <title>`, its text, and
/// an optional `::: answer` part.
struct ActivityBlock {
    kind: ActivityKind,
    minutes: u32,
    title: String,
    line: usize,
    body: String,
    /// (the summary line readers click, the model answer's Markdown)
    answer: Option<(String, String)>,
}

/// A dated box on what may change in law or guidance (`::: may-change | reviewed 2026-12-04`).
struct MayChangeBlock {
    reviewed: time::Date,
    line: usize,
    body: String,
}

enum Block {
    Shared(Text),
    Sectors(Vec<(Sector, Text)>),
    Activity(ActivityBlock),
    MayChange(MayChangeBlock),
}

fn collect_cases(path: &Path, text: &Text, cases: &mut Vec<CaseRef>) {
    for piece in &text.pieces {
        if let Piece::Case(c) = piece {
            cases.push(CaseRef {
                file: path.to_path_buf(),
                line: c.line,
                names: c.names.clone(),
                continued: c.continued,
            });
        }
    }
}

/// Whether `name` appears in `text` as whole words.
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// `::: case Ava, Nadia` or `::: case Hana, Theo (continued)`.
fn parse_case_header(path: &Path, line: usize, args: &str) -> Result<CaseStudy, ContentError> {
    let args = args.trim();
    let (list, continued) = match args.strip_suffix("(continued)") {
        Some(rest) => (rest.trim(), true),
        None => (args, false),
    };
    let names: Vec<String> = list
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err(error(
            path,
            line,
            "a case study must list the names it uses: `::: case Ava, Nadia`",
        ));
    }
    if let Some(bad) = names.iter().find(|n| {
        !n.chars().next().is_some_and(char::is_uppercase)
            || !n
                .chars()
                .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '’')
    }) {
        return Err(error(
            path,
            line,
            format!(
                "{bad:?} does not look like a name: list names with capitals, separated by commas"
            ),
        ));
    }
    Ok(CaseStudy {
        names,
        continued,
        line,
        markdown: String::new(),
    })
}

/// `scenario | 10 min | The detention decision`.
fn parse_activity_header(
    path: &Path,
    line: usize,
    args: &str,
) -> Result<ActivityBlock, ContentError> {
    let parts: Vec<&str> = args.split('|').map(str::trim).collect();
    let [kind, minutes, title] = parts[..] else {
        return Err(error(
            path,
            line,
            "write an activity as `::: activity <kind> | <minutes> min | <title>`",
        ));
    };
    let Some(kind) = ActivityKind::parse(kind) else {
        let known: Vec<&str> = ActivityKind::ALL.iter().map(|k| k.as_str()).collect();
        return Err(error(
            path,
            line,
            format!("unknown activity kind {kind:?}: use {}", known.join(", ")),
        ));
    };
    let number = ["minutes", "minute", "mins", "min"]
        .iter()
        .find_map(|unit| minutes.strip_suffix(unit))
        .unwrap_or(minutes)
        .trim();
    let Ok(minutes) = number.parse::<u32>() else {
        return Err(error(
            path,
            line,
            format!("the activity's time {minutes:?} should be a number of minutes, like `10 min`"),
        ));
    };
    if !ACTIVITY_MINUTES.contains(&minutes) {
        return Err(error(
            path,
            line,
            format!(
                "an activity takes {} to {} minutes; split a longer one",
                ACTIVITY_MINUTES.start(),
                ACTIVITY_MINUTES.end()
            ),
        ));
    }
    if title.is_empty() {
        return Err(error(
            path,
            line,
            "the activity needs a title after the second |",
        ));
    }
    Ok(ActivityBlock {
        kind,
        minutes,
        title: title.to_string(),
        line,
        body: String::new(),
        answer: None,
    })
}

/// `| reviewed 2026-12-04`: the date someone last checked the box against the law and guidance.
fn parse_may_change_header(
    path: &Path,
    line: usize,
    args: &str,
) -> Result<MayChangeBlock, ContentError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = args
        .trim()
        .strip_prefix('|')
        .and_then(|rest| rest.trim().strip_prefix("reviewed"))
        .map(str::trim);
    match date.map(|d| (d, time::Date::parse(d, format))) {
        Some((_, Ok(reviewed))) => Ok(MayChangeBlock {
            reviewed,
            line,
            body: String::new(),
        }),
        Some((d, Err(_))) => Err(error(
            path,
            line,
            format!("{d:?} is not a date: write it as YYYY-MM-DD, for example `::: may-change | reviewed 2026-12-04`"),
        )),
        None => Err(error(
            path,
            line,
            "the box needs the date it was last reviewed: `::: may-change | reviewed YYYY-MM-DD`",
        )),
    }
}

/// A Markdown heading of level 1 to 3 (`#`, `##`, `###` followed by a space).
fn heading_level(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|c| *c == '#').count();
    (hashes > 0 && t[hashes..].starts_with(' ')).then_some(hashes)
}

fn check_case_names_appear(path: &Path, case: &CaseStudy) -> Result<(), ContentError> {
    match case.names.iter().find(|n| !mentions(&case.markdown, n)) {
        Some(name) => Err(error(
            path,
            case.line,
            format!("the case study lists {name:?}, but its text never mentions that name"),
        )),
        None if case.markdown.trim().is_empty() => {
            Err(error(path, case.line, "the case study has no text"))
        }
        None => Ok(()),
    }
}

/// Splits a body into shared text, groups of `::: sector …` passages and activities, with
/// case studies marked inside shared text or a sector passage. Passages separated only by
/// blank lines form one group, which must give each sector exactly once.
fn parse_body(path: &Path, body: &str, first_line: usize) -> Result<Vec<Block>, ContentError> {
    let mut blocks: Vec<Block> = vec![];
    let mut shared = Text::default();
    let mut group: Vec<(Sector, Text)> = vec![];
    let mut group_line = 0;
    let mut sector_open: Option<(Sector, Text, usize)> = None;
    let mut case_open: Option<CaseStudy> = None;
    let mut activity_open: Option<ActivityBlock> = None;
    let mut may_change_open: Option<MayChangeBlock> = None;
    let mut seen_h2 = false;

    let close_group = |group: &mut Vec<(Sector, Text)>,
                       blocks: &mut Vec<Block>,
                       line: usize|
     -> Result<(), ContentError> {
        if group.is_empty() {
            return Ok(());
        }
        let given: HashSet<Sector> = group.iter().map(|(s, _)| *s).collect();
        if given.len() != group.len() || given.len() != 3 {
            let missing: Vec<&str> = Sector::ALL
                .iter()
                .filter(|s| !given.contains(s))
                .map(|s| s.label())
                .collect();
            let detail = if missing.is_empty() {
                "a sector appears twice".to_string()
            } else {
                format!("missing {}", missing.join(", "))
            };
            return Err(error(
                path,
                line,
                format!("sector passages must come in a group of all three sectors ({detail})"),
            ));
        }
        blocks.push(Block::Sectors(std::mem::take(group)));
        Ok(())
    };

    for (i, line) in body.lines().enumerate() {
        let n = first_line + i;
        let trimmed = line.trim();

        if let Some(case) = case_open.as_mut() {
            if trimmed == ":::" {
                let case = case_open.take().expect("open case");
                check_case_names_appear(path, &case)?;
                match sector_open.as_mut() {
                    Some((_, text, _)) => text.pieces.push(Piece::Case(case)),
                    None => shared.pieces.push(Piece::Case(case)),
                }
            } else if trimmed.starts_with(":::") {
                return Err(error(
                    path,
                    n,
                    format!(
                        "the case study opened on line {} must be closed with a line of ::: before another block",
                        case.line
                    ),
                ));
            } else {
                case.markdown.push_str(line);
                case.markdown.push('\n');
            }
            continue;
        }

        if let Some(boxed) = may_change_open.as_mut() {
            if trimmed == ":::" {
                let boxed = may_change_open.take().expect("open box");
                if boxed.body.trim().is_empty() {
                    return Err(error(
                        path,
                        boxed.line,
                        "the what-may-change box has no text",
                    ));
                }
                blocks.push(Block::MayChange(boxed));
            } else if trimmed.starts_with(":::") {
                return Err(error(
                    path,
                    n,
                    format!(
                        "the what-may-change box opened on line {} must be closed with a line of ::: before another block",
                        boxed.line
                    ),
                ));
            } else if heading_level(line).is_some_and(|l| l <= 3) {
                return Err(error(
                    path,
                    n,
                    "headings inside the what-may-change box start at #### (the box's title is a level-3 heading)",
                ));
            } else {
                boxed.body.push_str(line);
                boxed.body.push('\n');
            }
            continue;
        }

        if let Some(activity) = activity_open.as_mut() {
            if trimmed == ":::" {
                let activity = activity_open.take().expect("open activity");
                if activity.body.trim().is_empty() {
                    return Err(error(path, activity.line, "the activity has no text"));
                }
                if activity.kind == ActivityKind::ModelAnswer && activity.answer.is_none() {
                    return Err(error(
                        path,
                        activity.line,
                        "a model-answer activity needs its answer after a line of `::: answer`",
                    ));
                }
                if activity
                    .answer
                    .as_ref()
                    .is_some_and(|(_, md)| md.trim().is_empty())
                {
                    return Err(error(path, activity.line, "the model answer has no text"));
                }
                blocks.push(Block::Activity(activity));
            } else if let Some(rest) = trimmed.strip_prefix(":::") {
                let rest = rest.trim();
                let Some(summary) = rest.strip_prefix("answer") else {
                    return Err(error(
                        path,
                        n,
                        format!(
                            "only `::: answer` may open inside an activity (the activity opened on line {} is not closed)",
                            activity.line
                        ),
                    ));
                };
                if activity.answer.is_some() {
                    return Err(error(path, n, "an activity has at most one `::: answer`"));
                }
                let summary = summary.trim();
                let summary = if summary.is_empty() {
                    "Compare with a model answer"
                } else {
                    summary
                };
                activity.answer = Some((summary.to_string(), String::new()));
            } else {
                if heading_level(line).is_some_and(|l| l <= 3) {
                    return Err(error(
                        path,
                        n,
                        "headings inside an activity start at #### (the activity's title is a level-3 heading)",
                    ));
                }
                let target = match activity.answer.as_mut() {
                    Some((_, md)) => md,
                    None => &mut activity.body,
                };
                target.push_str(line);
                target.push('\n');
            }
            continue;
        }

        if let Some((sector, text, start)) = sector_open.as_mut() {
            if trimmed == ":::" {
                group.push((*sector, std::mem::take(text)));
                sector_open = None;
            } else if let Some(rest) = trimmed.strip_prefix(":::") {
                match rest.trim().strip_prefix("case") {
                    Some(args) => case_open = Some(parse_case_header(path, n, args)?),
                    None => {
                        return Err(error(
                            path,
                            n,
                            format!(
                                "a sector passage opened on line {start} is not closed before this line (only `::: case` may open inside it)"
                            ),
                        ))
                    }
                }
            } else {
                text.push_line(line);
            }
            continue;
        }

        if let Some(rest) = trimmed.strip_prefix(":::") {
            let rest = rest.trim();
            let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            match word {
                "sector" => {
                    let name = args.trim();
                    let Some(sector) = Sector::parse(name) else {
                        return Err(error(
                            path,
                            n,
                            format!(
                                "unknown sector {name:?}: use early-years, school-age or post-16"
                            ),
                        ));
                    };
                    if group.is_empty() {
                        blocks.push(Block::Shared(std::mem::take(&mut shared)));
                        group_line = n;
                    }
                    sector_open = Some((sector, Text::default(), n));
                }
                "activity" => {
                    close_group(&mut group, &mut blocks, group_line)?;
                    if !seen_h2 {
                        return Err(error(
                            path,
                            n,
                            "an activity comes after a `## ` heading (its title is a level-3 heading)",
                        ));
                    }
                    blocks.push(Block::Shared(std::mem::take(&mut shared)));
                    activity_open = Some(parse_activity_header(path, n, args)?);
                }
                "case" => {
                    close_group(&mut group, &mut blocks, group_line)?;
                    case_open = Some(parse_case_header(path, n, args)?);
                }
                "may-change" => {
                    close_group(&mut group, &mut blocks, group_line)?;
                    if !seen_h2 {
                        return Err(error(
                            path,
                            n,
                            "the what-may-change box comes after a `## ` heading (its title is a level-3 heading)",
                        ));
                    }
                    if blocks.iter().any(|b| matches!(b, Block::MayChange(_))) {
                        return Err(error(path, n, "a section has at most one what-may-change box"));
                    }
                    blocks.push(Block::Shared(std::mem::take(&mut shared)));
                    may_change_open = Some(parse_may_change_header(path, n, args)?);
                }
                "answer" => {
                    return Err(error(
                        path,
                        n,
                        "`::: answer` belongs inside an activity",
                    ))
                }
                _ => {
                    return Err(error(
                        path,
                        n,
                        format!(
                            "unknown block {rest:?}: use `::: sector <name>`, `::: activity …`, `::: case …` or `::: may-change | reviewed YYYY-MM-DD`"
                        ),
                    ))
                }
            }
            continue;
        }
        if !group.is_empty() && trimmed.is_empty() {
            continue;
        }
        close_group(&mut group, &mut blocks, group_line)?;
        if heading_level(line) == Some(2) {
            seen_h2 = true;
        }
        shared.push_line(line);
    }
    if let Some(case) = case_open {
        return Err(error(
            path,
            case.line,
            "this case study is never closed with a line of :::",
        ));
    }
    if let Some(activity) = activity_open {
        return Err(error(
            path,
            activity.line,
            "this activity is never closed with a line of :::",
        ));
    }
    if let Some(boxed) = may_change_open {
        return Err(error(
            path,
            boxed.line,
            "this what-may-change box is never closed with a line of :::",
        ));
    }
    if let Some((_, _, start)) = sector_open {
        return Err(error(
            path,
            start,
            "this sector passage is never closed with a line of :::",
        ));
    }
    close_group(&mut group, &mut blocks, group_line)?;
    blocks.push(Block::Shared(shared));
    Ok(blocks)
}

/// Finds `](@key)` links with their line numbers, to check once every module is loaded.
fn collect_links(
    path: &Path,
    body: &str,
    first_line: usize,
    links: &mut Vec<(PathBuf, usize, String)>,
) {
    for (i, line) in body.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("](@") {
            let after = &rest[at + 3..];
            let end = after.find(')').unwrap_or(after.len());
            links.push((
                path.to_path_buf(),
                first_line + i,
                after[..end].trim().to_string(),
            ));
            rest = &after[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a small course into a temporary folder; `edit` breaks it in one way (it gets
    /// the module folder; the facilitator guide is in its parent).
    fn fixture(edit: impl FnOnce(&Path)) -> (crate::test_dir::Dir, Result<Course, ContentError>) {
        let dir = crate::test_dir::Dir::new();
        let m = dir.path().join("m1-test");
        std::fs::create_dir_all(&m).unwrap();
        std::fs::write(m.join("module.toml"), "key = \"m1\"\nnumber = 1\ntitle = \"Test\"\nsummary = \"S\"\noutcomes = [\"o\"]\nsections = [\"knowledge\", \"reflection\"]\n\n[[reading]]\ntitle = \"Code\"\npublisher = \"DfE\"\nyear = 2015\n").unwrap();
        std::fs::write(
            m.join("knowledge.md"),
            "+++\nkey = \"m1.knowledge\"\nkind = \"knowledge\"\ntitle = \"Know\"\n# minutes are computed\n+++\n\n## Intro\n\nShared words here. See [reflect](@m1.reflection).\n\n::: sector early-years\nNursery example.\n:::\n\n::: sector school-age\nClassroom example.\n:::\n\n::: sector post-16\nCollege example words.\n:::\n\nAfter.\n\n::: activity scenario | 5 min | A choice\nWhat would you do?\n::: answer\nTalk first.\n:::\n\n::: activity audit | 3 min | Your room\nLook around.\n:::\n",
        )
        .unwrap();
        std::fs::write(
            m.join("reflection.md"),
            "+++\nkey = \"m1.reflection\"\nkind = \"reflection\"\ntitle = \"Reflect\"\n# minutes are computed\nprompts = [\"a\", \"b\", \"c\"]\n+++\n\nThink about it.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join(FACILITATOR_FILE),
            "+++\ntitle = \"Guide\"\nsummary = \"For SENCos.\"\n+++\n\n## Sessions\n\nMeet after [module 1](@m1.knowledge).\n",
        )
        .unwrap();
        edit(&m);
        let result = load_course(dir.path());
        (dir, result)
    }

    fn replace(path: &Path, from: &str, to: &str) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "fixture lacks {from:?}");
        std::fs::write(path, text.replace(from, to)).unwrap();
    }

    fn expect_error(edit: impl FnOnce(&Path), file: &str, line: usize, message: &str) {
        let (_dir, result) = fixture(edit);
        let e = result.expect_err("the broken fixture must not load");
        assert!(e.file.ends_with(file), "{e}");
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains(message), "{e}");
    }

    #[test]
    fn a_good_course_loads_with_sector_passages_and_links() {
        let (_dir, result) = fixture(|_| {});
        let course = result.unwrap();
        let (_, section) = course.section("m1.knowledge").unwrap();
        // Intro, the sector group, "After.", and the two activities.
        assert_eq!(section.segments.len(), 5);
        let Segment::Sectors(passages) = &section.segments[1] else {
            panic!("expected sector passages")
        };
        assert_eq!(
            passages.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            Sector::ALL.to_vec()
        );
        assert!(passages[0].1.contains("Nursery example"));
        let Segment::Shared(intro) = &section.segments[0] else {
            panic!()
        };
        assert!(intro.contains(r#"href="/modules/m1/reflection""#));
        assert!(section.words_for(Sector::Post16) > section.words_for(Sector::EarlyYears));
        // Reading rounds up to a minute; the activities add 5 + 3; the reflection's three
        // log answers add 4 each.
        assert_eq!(section.minutes, 1 + 5 + 3);
        assert_eq!(
            course.section("m1.reflection").unwrap().1.minutes,
            1 + 3 * 4
        );
        assert_eq!(course.minutes(), 22);
        assert_eq!(
            section.activities,
            vec![
                Activity {
                    kind: ActivityKind::Scenario,
                    minutes: 5,
                    title: "A choice".into(),
                    has_model_answer: true
                },
                Activity {
                    kind: ActivityKind::Audit,
                    minutes: 3,
                    title: "Your room".into(),
                    has_model_answer: false
                },
            ]
        );
        let Segment::Shared(activity) = &section.segments[3] else {
            panic!("expected the first activity")
        };
        assert!(
            activity.contains(r#"id="m1-knowledge-activity-1""#),
            "{activity}"
        );
        assert!(activity.contains("<details"), "{activity}");
        assert_eq!(course.facilitator.title, "Guide");
        assert!(course
            .facilitator
            .html
            .contains(r#"href="/modules/m1/knowledge""#));
    }

    #[test]
    fn a_missing_section_file_is_named() {
        expect_error(
            |m| std::fs::remove_file(m.join("reflection.md")).unwrap(),
            "module.toml",
            6,
            "missing section",
        );
    }

    #[test]
    fn an_unknown_sector_is_named_with_its_line() {
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "::: sector post-16",
                    "::: sector secondary",
                )
            },
            "knowledge.md",
            20,
            "unknown sector \"secondary\"",
        );
    }

    #[test]
    fn a_duplicate_key_is_refused() {
        expect_error(
            |m| {
                replace(
                    &m.join("module.toml"),
                    "sections = [\"knowledge\", \"reflection\"]",
                    "sections = [\"knowledge\", \"reflection\", \"reflection\"]",
                )
            },
            "reflection.md",
            2,
            "duplicate key",
        );
    }

    #[test]
    fn a_broken_internal_link_is_named_with_its_line() {
        expect_error(
            |m| replace(&m.join("knowledge.md"), "(@m1.reflection)", "(@m9.nowhere)"),
            "knowledge.md",
            10,
            "@m9.nowhere",
        );
    }

    #[test]
    fn malformed_front_matter_is_named() {
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "# minutes are computed",
                    "minutes = ten",
                )
            },
            "knowledge.md",
            5,
            "",
        );
        expect_error(
            |m| replace(&m.join("knowledge.md"), "+++\n\n## Intro", "\n## Intro"),
            "knowledge.md",
            1,
            "not closed",
        );
        expect_error(
            |m| replace(&m.join("reflection.md"), "+++\nkey", "key"),
            "reflection.md",
            1,
            "front matter missing",
        );
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "kind = \"knowledge\"",
                    "kind = \"lecture\"",
                )
            },
            "knowledge.md",
            3,
            "unknown variant",
        );
    }

    #[test]
    fn an_incomplete_sector_group_or_unclosed_passage_is_refused() {
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "::: sector post-16\nCollege example words.\n:::\n",
                    "",
                )
            },
            "knowledge.md",
            12,
            "missing Post-16",
        );
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "College example words.\n:::",
                    "College example words.",
                )
            },
            "knowledge.md",
            25,
            "opened on line 20 is not closed",
        );
    }

    #[test]
    fn a_reflection_needs_three_to_six_prompts() {
        expect_error(
            |m| {
                replace(
                    &m.join("reflection.md"),
                    "prompts = [\"a\", \"b\", \"c\"]",
                    "prompts = [\"a\"]",
                )
            },
            "reflection.md",
            2,
            "3 to 6 prompts",
        );
    }

    #[test]
    fn minutes_that_disagree_with_the_rule_are_refused() {
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "# minutes are computed",
                    "minutes = 45",
                )
            },
            "knowledge.md",
            5,
            "comes to 9 minutes",
        );
        let (_dir, result) = fixture(|m| {
            replace(
                &m.join("knowledge.md"),
                "# minutes are computed",
                "minutes = 9",
            )
        });
        assert_eq!(
            result.unwrap().section("m1.knowledge").unwrap().1.minutes,
            9
        );
    }

    #[test]
    fn activities_are_checked() {
        let k = |from: &'static str, to: &'static str| {
            move |m: &Path| replace(&m.join("knowledge.md"), from, to)
        };
        expect_error(
            k("activity audit | 3 min", "activity quiz | 3 min"),
            "knowledge.md",
            32,
            "unknown activity kind \"quiz\"",
        );
        expect_error(
            k("audit | 3 min", "audit | 45 min"),
            "knowledge.md",
            32,
            "3 to 30 minutes",
        );
        expect_error(
            k("audit | 3 min | Your room", "audit | 3 min"),
            "knowledge.md",
            32,
            "<kind> | <minutes> min | <title>",
        );
        expect_error(
            k("audit | 3 min", "model-answer | 3 min"),
            "knowledge.md",
            32,
            "needs its answer",
        );
        expect_error(
            k("Talk first.\n", "Talk first.\n::: answer\nAgain.\n"),
            "knowledge.md",
            30,
            "at most one",
        );
        expect_error(
            k(
                "::: activity scenario | 5 min | A choice\nWhat would you do?\n::: answer\nTalk first.\n:::\n\n",
                "",
            ),
            "knowledge.md",
            1,
            "2 to 4 structured activities",
        );
        expect_error(
            k("Look around.", "## Look around."),
            "knowledge.md",
            33,
            "start at ####",
        );
        expect_error(
            k("## Intro", "Intro"),
            "knowledge.md",
            26,
            "after a `## ` heading",
        );
        expect_error(
            k("Look around.\n:::\n", "Look around.\n"),
            "knowledge.md",
            32,
            "never closed",
        );
    }

    #[test]
    fn the_case_study_format_is_checked() {
        let case_in_early_years = |m: &Path| {
            replace(
                &m.join("knowledge.md"),
                "Nursery example.\n",
                "::: case Ava, Nadia\nAva, 3, and her key person Nadia.\n:::\n",
            )
        };
        let (_dir, result) = fixture(case_in_early_years);
        let course = result.unwrap();
        let Segment::Sectors(passages) = &course.section("m1.knowledge").unwrap().1.segments[1]
        else {
            panic!()
        };
        assert!(passages[0]
            .1
            .contains(r#"<div class="case-study"><p>Ava, 3"#));

        // The same name in two case studies (here a surname with a title) is refused.
        expect_error(
            |m| {
                case_in_early_years(m);
                replace(
                    &m.join("knowledge.md"),
                    "Classroom example.\n",
                    "::: case Leo, Mr Nadia\nLeo and Mr Nadia.\n:::\n",
                )
            },
            "knowledge.md",
            19,
            "already used by the case study at",
        );
        // A listed name that the text never mentions.
        expect_error(
            |m| {
                replace(
                    &m.join("knowledge.md"),
                    "Nursery example.\n",
                    "::: case Ava, Nadia\nAvalon and Nadia.\n:::\n",
                )
            },
            "knowledge.md",
            13,
            "never mentions that name",
        );
        // A case study carried on elsewhere keeps its names; an unknown one is refused.
        let (_dir, result) = fixture(|m| {
            case_in_early_years(m);
            replace(
                &m.join("reflection.md"),
                "Think about it.\n",
                "::: case Ava (continued)\nAva again.\n:::\n",
            )
        });
        assert!(result.is_ok(), "{result:?}");
        expect_error(
            |m| {
                replace(
                    &m.join("reflection.md"),
                    "Think about it.\n",
                    "Think.\n\n::: case Zed (continued)\nZed again.\n:::\n",
                )
            },
            "reflection.md",
            11,
            "no case study introduces",
        );
    }

    #[test]
    fn a_practice_task_needs_a_step_with_a_colleague() {
        let practice = "+++\nkey = \"m1.practice\"\nkind = \"practice\"\ntitle = \"Try\"\n+++\n\n## Steps\n\nDo it.\n\n::: sector early-years\nA.\n:::\n\n::: sector school-age\nB.\n:::\n\n::: sector post-16\nC.\n:::\n";
        let add_practice = |m: &Path, text: &str| {
            std::fs::write(m.join("practice.md"), text).unwrap();
            replace(
                &m.join("module.toml"),
                "[\"knowledge\", \"reflection\"]",
                "[\"knowledge\", \"practice\", \"reflection\"]",
            );
        };
        expect_error(
            |m| add_practice(m, practice),
            "practice.md",
            1,
            "with-a-colleague",
        );
        let (_dir, result) = fixture(|m| {
            add_practice(
                m,
                &format!("{practice}\n::: activity with-a-colleague | 10 min | Plan it together\nMeet a colleague.\n:::\n"),
            )
        });
        let course = result.unwrap();
        let (_, section) = course.section("m1.practice").unwrap();
        // One activity of 10 minutes and the three practice-note answers.
        assert_eq!(section.minutes, 1 + 10 + 3 * 4);
    }

    #[test]
    fn further_reading_needs_a_plausible_year() {
        expect_error(
            |m| replace(&m.join("module.toml"), "year = 2015", "year = 215"),
            "module.toml",
            9,
            "not plausible",
        );
    }

    #[test]
    fn the_facilitator_guide_is_required_and_plain() {
        expect_error(
            |m| std::fs::remove_file(m.parent().unwrap().join(FACILITATOR_FILE)).unwrap(),
            FACILITATOR_FILE,
            0,
            "missing the facilitator guide",
        );
        expect_error(
            |m| {
                replace(
                    &m.parent().unwrap().join(FACILITATOR_FILE),
                    "Meet after",
                    "::: sector post-16\nMeet after",
                )
            },
            FACILITATOR_FILE,
            8,
            "plain Markdown",
        );
        expect_error(
            |m| {
                replace(
                    &m.parent().unwrap().join(FACILITATOR_FILE),
                    "(@m1.knowledge)",
                    "(@m1.nothing)",
                )
            },
            FACILITATOR_FILE,
            8,
            "@m1.nothing",
        );
    }

    fn with_box(date: &str) -> impl FnOnce(&Path) {
        let header = format!("::: may-change | reviewed {date}");
        move |m: &Path| {
            replace(
                &m.join("knowledge.md"),
                "After.\n",
                &format!("After.\n\n{header}\nThe law may change.\n:::\n"),
            )
        }
    }

    #[test]
    fn a_what_may_change_box_is_dated_titled_and_linkable() {
        let (_dir, result) = fixture(|m| {
            with_box("2026-01-10")(m);
            replace(
                &m.parent().unwrap().join(FACILITATOR_FILE),
                "(@m1.knowledge)",
                "(@m1.knowledge#what-may-change)",
            );
        });
        let course = result.unwrap();
        let (_, section) = course.section("m1.knowledge").unwrap();
        assert_eq!(section.reviewed.as_deref(), Some("2026-01-10"));
        let boxed = section
            .segments
            .iter()
            .find_map(|s| match s {
                Segment::Shared(html) if html.contains("<aside") => Some(html.clone()),
                _ => None,
            })
            .expect("the box is rendered");
        assert!(boxed.contains(r#"id="what-may-change""#), "{boxed}");
        assert!(boxed.contains(">What may change</h3>"), "{boxed}");
        assert!(
            boxed.contains(r#"Last reviewed <time datetime="2026-01-10">10 January 2026</time>"#),
            "{boxed}"
        );
        assert!(boxed.contains("The law may change."), "{boxed}");
        // Its four words are read by every sector.
        let (_dir, plain) = fixture(|_| {});
        let before = plain.unwrap().section("m1.knowledge").unwrap().1.words;
        assert_eq!(section.words, before.map(|w| w + 4));
        assert!(course
            .facilitator
            .html
            .contains(r#"href="/modules/m1/knowledge#what-may-change""#));
        assert_eq!(course.section("m1.reflection").unwrap().1.reviewed, None);
    }

    #[test]
    fn a_what_may_change_box_is_checked() {
        let k = |from: &'static str, to: &'static str| {
            move |m: &Path| replace(&m.join("knowledge.md"), from, to)
        };
        expect_error(with_box("2026-13-01"), "knowledge.md", 26, "is not a date");
        expect_error(with_box(""), "knowledge.md", 26, "YYYY-MM-DD");
        expect_error(
            |m: &Path| {
                with_box("2026-01-10")(m);
                replace(
                    &m.join("knowledge.md"),
                    "The law may change.\n:::\n",
                    "The law.\n",
                );
            },
            "knowledge.md",
            29,
            "opened on line 26 must be closed with a line of :::",
        );
        expect_error(
            |m: &Path| {
                with_box("2026-01-10")(m);
                replace(&m.join("knowledge.md"), "The law may change.", "### Inside");
            },
            "knowledge.md",
            27,
            "start at ####",
        );
        expect_error(
            k(
                "## Intro\n",
                "::: may-change | reviewed 2026-01-10\nEarly.\n:::\n",
            ),
            "knowledge.md",
            8,
            "after a `## ` heading",
        );
        // A link to the box needs the box, and no other fragment is known.
        expect_error(
            |m: &Path| {
                replace(
                    &m.parent().unwrap().join(FACILITATOR_FILE),
                    "(@m1.knowledge)",
                    "(@m1.knowledge#what-may-change)",
                )
            },
            FACILITATOR_FILE,
            8,
            "has no what-may-change box",
        );
        expect_error(
            |m: &Path| {
                with_box("2026-01-10")(m);
                replace(
                    &m.parent().unwrap().join(FACILITATOR_FILE),
                    "(@m1.knowledge)",
                    "(@m1.knowledge#intro)",
                )
            },
            FACILITATOR_FILE,
            8,
            "only #what-may-change",
        );
    }

    #[test]
    fn a_review_is_due_after_twelve_months_and_never_in_the_future() {
        let (_dir, result) = fixture(with_box("2026-01-10"));
        let course = result.unwrap();
        let day = |y, m, d| {
            time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
        };
        assert!(overdue_reviews(&course, day(2026, 1, 10)).is_empty());
        assert!(overdue_reviews(&course, day(2027, 1, 9)).is_empty());
        let due = overdue_reviews(&course, day(2027, 1, 10));
        assert_eq!(due.len(), 1, "{due:?}");
        assert!(
            due[0].starts_with("m1.knowledge: ") && due[0].contains("12 months or more"),
            "{due:?}"
        );
        let future = overdue_reviews(&course, day(2026, 1, 9));
        assert!(
            future.len() == 1 && future[0].contains("after today"),
            "{future:?}"
        );
        // A course without a box has nothing to review.
        let (_dir, plain) = fixture(|_| {});
        assert!(overdue_reviews(&plain.unwrap(), day(2040, 1, 1)).is_empty());
    }

    #[test]
    fn the_real_course_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let course = load_course(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(course.modules.len(), 7);
        assert_eq!(
            course.modules.iter().map(|m| m.number).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6, 7]
        );
        // Every module but the enquiry (6) starts with knowledge and ends with a practice
        // task and a reflection.
        for module in course.modules.iter().filter(|m| m.key != "m6") {
            let kinds: Vec<_> = module.sections.iter().map(|s| s.kind).collect();
            assert_eq!(kinds[0], SectionKind::Knowledge, "{}", module.key);
            assert_eq!(
                kinds[kinds.len() - 2..],
                [SectionKind::Practice, SectionKind::Reflection],
                "{}",
                module.key
            );
        }
        // Module 2 carries a strand for each broad area of need.
        let areas = course.section("m2.areas").expect("m2.areas").1;
        assert_eq!(areas.kind, SectionKind::Knowledge);
        assert_eq!(areas.activities.len(), 4);
        assert!(course.modules[5]
            .sections
            .iter()
            .all(|s| s.kind == SectionKind::Enquiry));
        let hours = course.minutes() as f64 / 60.0;
        assert!(
            (12.0..=16.0).contains(&hours),
            "about fourteen hours, spread over two or three terms, got {hours}"
        );
        for (module, section) in course.sections() {
            let text = section
                .segments
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<String>()
                .to_lowercase();
            for banned in ["lorem ipsum", "todo", "tbd", "crutch"] {
                assert!(!text.contains(banned), "{} contains {banned}", section.key);
            }
            assert!(
                section.words_for(Sector::SchoolAge) >= 120,
                "{} is too short",
                section.key
            );
            // The time rule counts the same log answers the log asks for.
            assert_eq!(
                domain::learning_log::prompts_for(section).len() as u32,
                section.log_answers(),
                "{}",
                section.key
            );
            if section.kind == SectionKind::Reflection {
                assert!(
                    text.contains("safeguarding"),
                    "{} says what to do about a safeguarding concern",
                    section.key
                );
            }
            if section.kind == SectionKind::Knowledge {
                // Honest hours: the activities are most of a knowledge section's time.
                assert!(
                    section.activity_minutes() >= section.reading_minutes(Sector::SchoolAge),
                    "{}",
                    module.key
                );
            }
        }
        // The opening self-audit is recorded in module 1 and revisited in module 6.
        let m1 = course.section("m1.reflection").unwrap().1;
        assert!(m1.prompts.last().unwrap().contains("self-audit"));
        let m6 = course.section("m6.impact").unwrap().1;
        assert!(m6.activities.iter().any(|a| a.title.contains("self-audit")));
        assert!(course.facilitator.words > 600);
        // The reform box in module 5 is current (reviewed within the last 12 months).
        assert!(course.section("m5.knowledge").unwrap().1.reviewed.is_some());
        let overdue = overdue_reviews(&course, time::OffsetDateTime::now_utc().date());
        assert!(overdue.is_empty(), "{}", overdue.join("\n"));
    }
}
