//! A staff list from a spreadsheet (CSV: name, email, role, sector, with a header row, as
//! Excel saves it: UTF-8 with or without a byte-order mark, CRLF or LF, quoted fields), read
//! into rows an admin previews before anything changes.

use crate::model::{Role, Sector};
use crate::validate;
use serde::{Deserialize, Serialize};

/// The most rows one file may hold (a large trust's staff list is well under this).
pub const MAX_ROWS: usize = 2000;
/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 1_000_000;

/// A row that can be imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line of the file it came from (the header is line 1), for messages.
    pub line: usize,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// None: the setting's default sector.
    pub sector: Option<Sector>,
}

/// A row that cannot, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    pub line: usize,
    pub text: String,
    pub problem: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub bad: Vec<BadRow>,
}

/// Why a file as a whole cannot be used, or its upload failed. Only the code travels in
/// the address (`/admin/import?problem=too-large`): the page says the words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileProblem {
    TooLarge,
    NotUtf8,
    Empty,
    NoHeader,
    TooManyRows,
    NoFile,
    CutShort,
    NotSaved,
}

impl FileProblem {
    pub const ALL: [FileProblem; 8] = [
        Self::TooLarge,
        Self::NotUtf8,
        Self::Empty,
        Self::NoHeader,
        Self::TooManyRows,
        Self::NoFile,
        Self::CutShort,
        Self::NotSaved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::TooLarge => "too-large",
            Self::NotUtf8 => "not-utf8",
            Self::Empty => "empty",
            Self::NoHeader => "no-header",
            Self::TooManyRows => "too-many-rows",
            Self::NoFile => "no-file",
            Self::CutShort => "cut-short",
            Self::NotSaved => "not-saved",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn message(self) -> String {
        match self {
            Self::TooLarge => format!("The file is larger than {} KB, the largest Tandem takes. Split it into smaller files.", MAX_BYTES / 1000),
            Self::NotUtf8 => "The file is not UTF-8 text. In Excel, choose File → Save As → “CSV UTF-8 (Comma delimited)”.".into(),
            Self::Empty => "The file is empty. It needs a header row (name, email, role, sector) and one row per person.".into(),
            Self::NoHeader => "The first row must name the columns: name, email, role and (optionally) sector.".into(),
            Self::TooManyRows => format!("The file has more than {MAX_ROWS} people. Split it into smaller files."),
            Self::NoFile => "Choose a CSV file of your staff to upload.".into(),
            Self::CutShort => "The upload was cut short. Choose the file and try again.".into(),
            Self::NotSaved => "The file could not be kept just now. Try again in a minute.".into(),
        }
    }
}

/// Reads the file. Err: the file as a whole cannot be used (not text, no header, too big).
pub fn parse(bytes: &[u8]) -> Result<Parsed, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    // A NUL is never in a text CSV (a UTF-16 file, Excel's "Unicode text", is full of them).
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .ok()
        .filter(|text| !text.contains('\0'))
        .ok_or(FileProblem::NotUtf8)?;
    let records = records(text);
    let Some((_, header)) = records.first() else {
        return Err(FileProblem::Empty);
    };
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.trim().to_lowercase().as_str()))
    };
    let (Some(name_at), Some(email_at), Some(role_at)) = (
        column(&["name", "full name", "display name"]),
        column(&["email", "email address", "e-mail"]),
        column(&["role"]),
    ) else {
        return Err(FileProblem::NoHeader);
    };
    let sector_at = column(&["sector", "phase"]);
    let mut parsed = Parsed::default();
    let mut seen = std::collections::HashMap::new();
    for (line, fields) in records.iter().skip(1) {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if parsed.rows.len() + parsed.bad.len() >= MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let get = |i: usize| fields.get(i).map(|s| s.trim()).unwrap_or("");
        let text = short(&fields.join(", "));
        let mut problems = Vec::new();
        let name = validate::display_name(get(name_at))
            .map_err(|_| "the name is missing or longer than 100 characters".to_string());
        let email = match get(email_at) {
            "" => Err("the email address is missing".to_string()),
            given => validate::email(given)
                .map_err(|_| format!("“{}” is not an email address", short(given))),
        };
        let role = role(get(role_at));
        let sector = match sector_at.map(get).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => sector(s).map(Some),
        };
        for p in [
            name.as_ref().err(),
            email.as_ref().err(),
            role.as_ref().err(),
            sector.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        {
            problems.push(p.clone());
        }
        // Only a usable row claims its address: a corrected copy of a bad row is not a duplicate.
        if let (Ok(email), true) = (&email, problems.is_empty()) {
            if let Some(first) = seen.insert(email.clone(), *line) {
                problems.push(format!("{email} is already on line {first}"));
                seen.insert(email.clone(), first);
            }
        }
        match (name, email, role, sector) {
            (Ok(name), Ok(email), Ok(role), Ok(sector)) if problems.is_empty() => {
                parsed.rows.push(ImportRow {
                    line: *line,
                    name,
                    email,
                    role,
                    sector,
                })
            }
            _ => parsed.bad.push(BadRow {
                line: *line,
                text,
                problem: capitalise(&problems.join("; ")),
            }),
        }
    }
    Ok(parsed)
}

/// A cell as a message shows it: long pastes are cut, so a page never echoes a whole file.
fn short(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(80).collect::<String>())
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Roles as people write them in a spreadsheet.
fn role(raw: &str) -> Result<Role, String> {
    let r = raw.trim().to_lowercase();
    match r.as_str() {
        "practitioner" | "teacher" | "teaching assistant" | "ta" | "staff" => {
            Ok(Role::Practitioner)
        }
        "senco" | "sendco" | "alnco" => Ok(Role::Senco),
        "admin" | "setting admin" | "administrator" => Ok(Role::Admin),
        "" => Err("the role is missing (practitioner, SENCo or admin)".into()),
        _ => Err(format!(
            "“{}” is not a role: use practitioner, SENCo or admin",
            short(raw)
        )),
    }
}

fn sector(raw: &str) -> Result<Sector, String> {
    let s = raw.trim().to_lowercase().replace([' ', '-'], "_");
    Sector::parse(&s)
        .or(match s.as_str() {
            "eyfs" | "early_years" | "nursery" => Some(Sector::EarlyYears),
            "school" | "primary" | "secondary" => Some(Sector::SchoolAge),
            "post16" | "fe" | "college" => Some(Sector::Post16),
            _ => None,
        })
        .ok_or_else(|| {
            format!(
                "“{}” is not a sector: use Early Years, School age or Post-16",
                short(raw)
            )
        })
}

/// CSV records with the line each starts on: quoted fields may hold commas, doubled
/// quotes and line breaks.
fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let (mut fields, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut start) = (false, 1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') | (false, ';') if c == ',' || (c == ';' && !text.contains(',')) => {
                fields.push(std::mem::take(&mut field))
            }
            (false, '\r') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_excel_writes() {
        let file = "\u{FEFF}Name,Email,Role,Sector\r\n\"Okafor, Dana\",Dana@School.org.uk,SENCo,School age\r\nLee Hart,lee@school.org.uk,Teacher,\r\n\r\n";
        let p = parse(file.as_bytes()).unwrap();
        assert_eq!(p.bad, vec![]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].name, "Okafor, Dana");
        assert_eq!(p.rows[0].email, "dana@school.org.uk");
        assert_eq!(p.rows[0].role, Role::Senco);
        assert_eq!(p.rows[0].sector, Some(Sector::SchoolAge));
        assert_eq!(
            (p.rows[1].line, p.rows[1].role, p.rows[1].sector),
            (3, Role::Practitioner, None)
        );
    }

    #[test]
    fn each_bad_row_says_what_is_wrong() {
        let file = "email,role,name\nnot-an-email,teacher,A\nb@x.org,chef,B\nc@x.org,admin,\nC@x.org,admin,C again\n\"quoted\nacross lines\"@x.org,staff,D\n,teacher,E\n";
        let p = parse(file.as_bytes()).unwrap();
        let problems: Vec<_> = p.bad.iter().map(|b| (b.line, b.problem.as_str())).collect();
        assert_eq!(problems[0], (2, "“not-an-email” is not an email address"));
        assert_eq!(
            problems.last(),
            Some(&(8, "The email address is missing")),
            "not '“” is not an email address'"
        );
        assert_eq!(
            problems[1],
            (3, "“chef” is not a role: use practitioner, SENCo or admin")
        );
        assert_eq!(problems[2].0, 4);
        assert!(problems[2].1.starts_with("The name is missing"));
        assert_eq!(problems.len(), 5);
        assert_eq!(
            problems[3].0, 6,
            "the quoted line break keeps line numbers right"
        );
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].line, 5);
    }

    #[test]
    fn whole_file_problems_are_refused_plainly() {
        assert_eq!(parse(b""), Err(FileProblem::Empty));
        assert_eq!(parse(b"first,last\nA,B\n"), Err(FileProblem::NoHeader));
        assert_eq!(parse(&[0x4e, 0x61, 0xff, 0xfe]), Err(FileProblem::NotUtf8));
        // Excel's "Unicode text" (UTF-16): valid UTF-8 byte by byte, but full of NULs.
        let utf16: Vec<u8> = "name,email\nJo,jo@a.example\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(parse(&utf16), Err(FileProblem::NotUtf8));
        let big = "name,email,role\n".to_string() + &"a,a@b.org,staff\n".repeat(70_000);
        assert_eq!(parse(big.as_bytes()), Err(FileProblem::TooLarge));
        // Problems travel as codes, and only known codes have words.
        for p in FileProblem::ALL {
            assert_eq!(FileProblem::parse(p.code()), Some(p));
            assert!(p.message().ends_with('.'));
        }
        assert_eq!(FileProblem::parse("Call us on 0800 000 000"), None);
    }

    #[test]
    fn duplicates_in_a_file_are_caught() {
        let file = "name,email,role\nA,a@x.org,staff\nA2,A@X.org,senco\n";
        let p = parse(file.as_bytes()).unwrap();
        assert_eq!(p.bad.len(), 1);
        assert!(p.bad[0].problem.contains("already on line 2"));
    }
}
