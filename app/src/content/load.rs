//! Loading and validating the course files. Any mistake stops startup with a message that
//! names the file and line, so a broken module never reaches a practitioner.

use super::{
    markdown, sector_index, Course, EnquiryStep, Module, Reading, Section, SectionKind, Segment,
};
use crate::model::Sector;
use serde::Deserialize;
use std::collections::HashSet;
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
    minutes: u32,
    #[serde(default)]
    prompts: Vec<String>,
    #[serde(default)]
    steps: Vec<EnquiryStep>,
}

/// The line (1-based) of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
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

/// Loads every module folder under `dir`, in folder-name order.
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
    let mut links = vec![];
    for folder in folders {
        let module = load_module(&folder, &mut keys, &mut links)?;
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
    for (file, line, target) in links {
        if course.section(&target).is_none() {
            return Err(error(
                &file,
                line,
                format!("link to @{target}, but there is no section with that key"),
            ));
        }
    }
    Ok(course)
}

type Links = Vec<(PathBuf, usize, String)>;

fn load_module(
    folder: &Path,
    keys: &mut HashSet<String>,
    links: &mut Links,
) -> Result<Module, ContentError> {
    let manifest_path = folder.join("module.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| error(&manifest_path, 0, format!("cannot read: {e}")))?;
    let manifest: Manifest = parse_toml(&manifest_path, &text, 1)?;
    let key_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("key"))
        .map_or(1, |i| i + 1);
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
    ] {
        if empty {
            return Err(error(
                &manifest_path,
                1,
                format!("`{field}` must not be empty"),
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
        let section = load_section(&path, &manifest.key, stem, links)?;
        if !keys.insert(section.key.clone()) {
            return Err(error(&path, 2, format!("duplicate key {:?}", section.key)));
        }
        sections.push(section);
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

fn is_key_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn load_section(
    path: &Path,
    module_key: &str,
    stem: &str,
    links: &mut Links,
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
    if fm.minutes == 0 {
        return Err(error(path, 2, "`minutes` must be more than 0"));
    }
    match fm.kind {
        SectionKind::Reflection if !(3..=5).contains(&fm.prompts.len()) => {
            return Err(error(
                path,
                2,
                format!(
                    "a reflection needs 3 to 5 prompts, this has {}",
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
    let blocks = split_sector_blocks(path, body, body_first_line)?;
    collect_links(path, body, body_first_line, links);
    if blocks
        .iter()
        .all(|b| matches!(b, Block::Shared(s) if s.trim().is_empty()))
    {
        return Err(error(path, body_first_line, "the section has no text"));
    }
    let mut words = [0u32; 3];
    let mut segments = vec![];
    for block in blocks {
        match block {
            Block::Shared(md) => {
                let n = markdown::count_words(&md);
                words.iter_mut().for_each(|w| *w += n);
                if !md.trim().is_empty() {
                    segments.push(Segment::Shared(markdown::render(&md)));
                }
            }
            Block::Sectors(passages) => {
                for (sector, md) in &passages {
                    words[sector_index(*sector)] += markdown::count_words(md);
                }
                segments.push(Segment::Sectors(
                    passages
                        .into_iter()
                        .map(|(s, md)| (s, markdown::render(&md)))
                        .collect(),
                ));
            }
        }
    }
    Ok(Section {
        key: fm.key,
        slug: stem.to_string(),
        kind: fm.kind,
        title: fm.title,
        minutes: fm.minutes,
        prompts: fm.prompts,
        steps: fm.steps,
        segments,
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

enum Block {
    Shared(String),
    Sectors(Vec<(Sector, String)>),
}

/// Splits a body into shared text and groups of `::: sector …` passages. Passages separated
/// only by blank lines form one group, which must give each sector exactly once.
fn split_sector_blocks(
    path: &Path,
    body: &str,
    first_line: usize,
) -> Result<Vec<Block>, ContentError> {
    let mut blocks: Vec<Block> = vec![];
    let mut shared = String::new();
    let mut group: Vec<(Sector, String)> = vec![];
    let mut group_line = 0;
    let mut open: Option<(Sector, String, usize)> = None;

    let close_group = |group: &mut Vec<(Sector, String)>,
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
        if let Some((sector, text, start)) = open.as_mut() {
            if trimmed == ":::" {
                group.push((*sector, std::mem::take(text)));
                open = None;
            } else if trimmed.starts_with(":::") {
                return Err(error(
                    path,
                    n,
                    format!(
                        "a sector passage opened on line {start} is not closed before this line"
                    ),
                ));
            } else {
                text.push_str(line);
                text.push('\n');
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(":::") {
            let rest = rest.trim();
            let Some(name) = rest.strip_prefix("sector") else {
                return Err(error(
                    path,
                    n,
                    format!("unknown block {rest:?}: only `::: sector <name>` blocks are allowed"),
                ));
            };
            let name = name.trim();
            let Some(sector) = Sector::parse(name) else {
                return Err(error(
                    path,
                    n,
                    format!("unknown sector {name:?}: use early-years, school-age or post-16"),
                ));
            };
            if group.is_empty() {
                blocks.push(Block::Shared(std::mem::take(&mut shared)));
                group_line = n;
            }
            open = Some((sector, String::new(), n));
            continue;
        }
        if !group.is_empty() && trimmed.is_empty() {
            continue;
        }
        close_group(&mut group, &mut blocks, group_line)?;
        shared.push_str(line);
        shared.push('\n');
    }
    if let Some((_, _, start)) = open {
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
fn collect_links(path: &Path, body: &str, first_line: usize, links: &mut Links) {
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

    /// Writes a small course into a temporary folder; `edit` breaks it in one way.
    fn fixture(edit: impl FnOnce(&Path)) -> (tempfile_lite::Dir, Result<Course, ContentError>) {
        let dir = tempfile_lite::Dir::new();
        let m = dir.path().join("m1-test");
        std::fs::create_dir_all(&m).unwrap();
        std::fs::write(m.join("module.toml"), "key = \"m1\"\nnumber = 1\ntitle = \"Test\"\nsummary = \"S\"\noutcomes = [\"o\"]\nsections = [\"knowledge\", \"reflection\"]\n\n[[reading]]\ntitle = \"Code\"\npublisher = \"DfE\"\nyear = 2015\n").unwrap();
        std::fs::write(
            m.join("knowledge.md"),
            "+++\nkey = \"m1.knowledge\"\nkind = \"knowledge\"\ntitle = \"Know\"\nminutes = 10\n+++\n\n## Intro\n\nShared words here. See [reflect](@m1.reflection).\n\n::: sector early-years\nNursery example.\n:::\n\n::: sector school-age\nClassroom example.\n:::\n\n::: sector post-16\nCollege example words.\n:::\n\nAfter.\n",
        )
        .unwrap();
        std::fs::write(
            m.join("reflection.md"),
            "+++\nkey = \"m1.reflection\"\nkind = \"reflection\"\ntitle = \"Reflect\"\nminutes = 5\nprompts = [\"a\", \"b\", \"c\"]\n+++\n\nThink about it.\n",
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
        assert_eq!(section.segments.len(), 3);
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
        assert_eq!(course.minutes(), 15);
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
            |m| replace(&m.join("knowledge.md"), "minutes = 10", "minutes = ten"),
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
            20,
            "never closed",
        );
    }

    #[test]
    fn a_reflection_needs_three_to_five_prompts() {
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
            "3 to 5 prompts",
        );
    }

    #[test]
    fn the_real_course_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let course = load_course(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(course.modules.len(), 6);
        assert_eq!(
            course.modules.iter().map(|m| m.number).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6]
        );
        for module in &course.modules[..5] {
            let kinds: Vec<_> = module.sections.iter().map(|s| s.kind).collect();
            assert_eq!(
                kinds,
                vec![
                    SectionKind::Knowledge,
                    SectionKind::Practice,
                    SectionKind::Reflection
                ],
                "{}",
                module.key
            );
            assert!(
                module.sections[0].has_sector_passages(),
                "{} knowledge has sector examples",
                module.key
            );
            assert!(
                !module.reading.is_empty(),
                "{} has further reading",
                module.key
            );
        }
        assert!(course.modules[5]
            .sections
            .iter()
            .all(|s| s.kind == SectionKind::Enquiry));
        let hours = course.minutes() as f64 / 60.0;
        assert!(
            (8.0..=10.0).contains(&hours),
            "about nine hours, got {hours}"
        );
        for (_, section) in course.sections() {
            let text = section
                .segments
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<String>()
                .to_lowercase();
            for banned in ["lorem ipsum", "todo", "tbd"] {
                assert!(!text.contains(banned), "{} contains {banned}", section.key);
            }
            assert!(
                section.words_for(Sector::SchoolAge) >= 120,
                "{} is too short",
                section.key
            );
        }
    }
}

/// A temporary folder for the fixtures, removed when dropped (no extra crate needed).
#[cfg(test)]
mod tempfile_lite {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Self {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let path = std::env::temp_dir().join(format!(
                "tandem-content-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
