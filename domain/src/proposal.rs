//! From need to action (issue 29): a SENCo who sees a need many of her staff share proposes
//! a community session or a practice focus for an INSET day. It is offered on the plans of
//! the people it is for (her setting, or one sector of it); each decides for herself whether
//! to add it to her plan. Nobody is signed up by someone else.

use crate::model::Sector;
use crate::self_review::Area;
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_DETAILS_CHARS: usize = 1_500;
/// How far ahead a proposal's day may be: a school year and a bit.
pub const MAX_DAYS_AHEAD: i64 = 400;

/// What is proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Session,
    Inset,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Session, Kind::Inset];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Inset => "inset",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// As the form offers it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Session => "A community session",
            Kind::Inset => "A practice focus for an INSET day",
        }
    }

    /// As a list names it.
    pub fn short(self) -> &'static str {
        match self {
            Kind::Session => "Community session",
            Kind::Inset => "INSET day practice focus",
        }
    }
}

/// The proposal form as sent: every field text, checked by `check`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub area: String,
    /// Empty: everyone in the setting.
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub title: String,
    /// "2027-03-12", or empty when the day is not fixed yet.
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub details: String,
    /// The form's id, new with each page: sent again (its answer lost), it is kept once.
    #[serde(default)]
    pub op: String,
}

impl ProposalForm {
    /// Its fields by name, to keep what was typed when it is refused.
    pub fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("kind", &self.kind),
            ("area", &self.area),
            ("sector", &self.sector),
            ("title", &self.title),
            ("day", &self.day),
            ("details", &self.details),
        ]
    }

    /// The form as it came back from a refusal (`get` reads the page's query), if it did.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Option<ProposalForm> {
        let title = get("title");
        let details = get("details");
        if title.is_none() && details.is_none() {
            return None;
        }
        Some(ProposalForm {
            kind: get("kind").unwrap_or_default(),
            area: get("area").unwrap_or_default(),
            sector: get("sector").unwrap_or_default(),
            title: title.unwrap_or_default(),
            day: get("day").unwrap_or_default(),
            details: details.unwrap_or_default(),
            op: String::new(),
        })
    }
}

/// A checked proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub kind: Kind,
    pub area: Area,
    /// None: everyone in the setting.
    pub sector: Option<Sector>,
    pub title: String,
    /// Days since 1970-01-01 (`terms::parse_day`), if fixed.
    pub day: Option<i64>,
    pub details: String,
}

/// A field and what is wrong with it.
pub type Problem = (String, String);

/// The proposal a form describes, or every problem with it. `today` is the setting's day.
pub fn check(form: &ProposalForm, today: i64) -> Result<Proposal, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut problem = |field: &str, message: String| problems.push((field.into(), message));
    let kind = Kind::parse(&form.kind);
    if kind.is_none() {
        problem(
            "kind",
            "Choose a community session or a practice focus for an INSET day.".into(),
        );
    }
    let area = Area::parse(form.area.trim());
    if area.is_none() {
        problem("area", "Choose the area of need it answers.".into());
    }
    let sector = match form.sector.trim() {
        "" => Some(None),
        s => Sector::parse(s).map(Some),
    };
    if sector.is_none() {
        problem("sector", "Choose who it is for from the list.".into());
    }
    let title = form.title.trim().to_string();
    let n = title.chars().count();
    if n == 0 {
        problem(
            "title",
            "Give it a title, such as \"Writing outcomes with learners\".".into(),
        );
    } else if n > MAX_TITLE_CHARS {
        problem(
            "title",
            format!("Keep the title to {MAX_TITLE_CHARS} characters (this is {n}). Nothing has been cut."),
        );
    }
    let details = form.details.trim().to_string();
    let n = details.chars().count();
    if n > MAX_DETAILS_CHARS {
        problem(
            "details",
            format!(
                "Keep this to {MAX_DETAILS_CHARS} characters (this is {n}). Nothing has been cut."
            ),
        );
    }
    let day = match form.day.trim() {
        "" => Some(None),
        text => match crate::terms::parse_day(text) {
            None => {
                problem(
                    "day",
                    "Enter the day as a date, such as 2027-03-12, or leave it empty.".into(),
                );
                None
            }
            Some(d) if d < today => {
                problem(
                    "day",
                    "That day has passed: choose today or a day to come.".into(),
                );
                None
            }
            Some(d) if d > today + MAX_DAYS_AHEAD => {
                problem("day", "Choose a day within the next school year.".into());
                None
            }
            Some(d) => Some(Some(d)),
        },
    };
    match (kind, area, sector, day) {
        (Some(kind), Some(area), Some(sector), Some(day)) if problems.is_empty() => Ok(Proposal {
            kind,
            area,
            sector,
            title,
            day,
            details,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::parse_day;

    fn form() -> ProposalForm {
        ProposalForm {
            kind: "session".into(),
            area: "outcomes".into(),
            sector: String::new(),
            title: "  Writing outcomes with learners ".into(),
            day: "2027-03-12".into(),
            details: "Bring one target you wrote this term.".into(),
            op: String::new(),
        }
    }

    #[test]
    fn a_complete_proposal_is_trimmed_and_kept() {
        let today = parse_day("2027-01-04").unwrap();
        let p = check(&form(), today).unwrap();
        assert_eq!(p.kind, Kind::Session);
        assert_eq!(p.area, Area::Outcomes);
        assert_eq!(p.sector, None);
        assert_eq!(p.title, "Writing outcomes with learners");
        assert_eq!(p.day, parse_day("2027-03-12"));
        let undated = ProposalForm {
            day: " ".into(),
            sector: "early_years".into(),
            ..form()
        };
        let p = check(&undated, today).unwrap();
        assert_eq!((p.day, p.sector), (None, Some(Sector::EarlyYears)));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let today = parse_day("2027-04-01").unwrap();
        let bad = ProposalForm {
            kind: "party".into(),
            area: "cooking".into(),
            sector: "university".into(),
            title: "x".repeat(MAX_TITLE_CHARS + 1),
            day: "2027-03-12".into(),
            details: "y".repeat(MAX_DETAILS_CHARS + 1),
            op: String::new(),
        };
        let fields: Vec<String> = check(&bad, today)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            ["kind", "area", "sector", "title", "details", "day"]
        );
        let far = ProposalForm {
            day: "2029-01-01".into(),
            ..form()
        };
        assert_eq!(check(&far, today).unwrap_err()[0].0, "day");
        let empty = ProposalForm {
            title: " ".into(),
            day: "12/03/2027".into(),
            ..form()
        };
        let problems = check(&empty, today).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[1].1.contains("as a date"));
    }

    #[test]
    fn a_refused_form_comes_back_whole() {
        let f = form();
        let back = ProposalForm::from_fields(|k| {
            f.fields()
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        });
        assert_eq!(back, Some(f));
        assert_eq!(ProposalForm::from_fields(|_| None), None);
    }
}
