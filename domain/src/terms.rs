//! A setting's term dates, as half-terms: the rhythm a CPD plan's check-ins follow. The
//! setting's admin enters its own; until then (and beyond the last one entered) a typical
//! calendar for England is used. Days are counted since 1970-01-01 in the setting's zone
//! (`Zone::day`), so "today" is the day lived in the school, not in UTC.

use crate::zone::{civil_from_days, day_words, days_from_civil};
use serde::{Deserialize, Serialize};

/// One half-term: its first and last school day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HalfTerm {
    pub first: i64,
    pub last: i64,
}

/// A typical year in England (dates vary a little by local authority), 2025 to 2029.
/// Later and earlier years repeat the nearest one 52 weeks on, keeping the weekdays.
const ENGLAND: [(&str, &str); 24] = [
    ("2025-09-03", "2025-10-24"),
    ("2025-11-03", "2025-12-19"),
    ("2026-01-05", "2026-02-13"),
    ("2026-02-23", "2026-03-27"),
    ("2026-04-13", "2026-05-22"),
    ("2026-06-01", "2026-07-22"),
    ("2026-09-02", "2026-10-23"),
    ("2026-11-02", "2026-12-18"),
    ("2027-01-04", "2027-02-12"),
    ("2027-02-22", "2027-03-26"),
    ("2027-04-12", "2027-05-28"),
    ("2027-06-07", "2027-07-21"),
    ("2027-09-01", "2027-10-22"),
    ("2027-11-01", "2027-12-17"),
    ("2028-01-04", "2028-02-11"),
    ("2028-02-21", "2028-03-31"),
    ("2028-04-18", "2028-05-26"),
    ("2028-06-05", "2028-07-21"),
    ("2028-09-04", "2028-10-20"),
    ("2028-10-30", "2028-12-20"),
    ("2029-01-03", "2029-02-09"),
    ("2029-02-19", "2029-03-29"),
    ("2029-04-16", "2029-05-25"),
    ("2029-06-04", "2029-07-20"),
];

const YEAR: i64 = 52 * 7;
/// The most half-terms a setting may enter: four school years.
pub const MAX_HALF_TERMS: usize = 24;
/// The longest a half-term may be, in days (ten weeks is already long).
const LONGEST: i64 = 12 * 7;

/// "2027-01-04" as a day; None when it is not a real date.
pub fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// A day as a form shows it: "2027-01-04".
pub fn iso(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

impl HalfTerm {
    /// "2 November to 18 December 2026".
    pub fn dates(&self) -> String {
        let (first, last) = (day_words(self.first), day_words(self.last));
        let same_year = civil_from_days(self.first).0 == civil_from_days(self.last).0;
        match first.rsplit_once(' ') {
            Some((day_month, _)) if same_year => format!("{day_month} to {last}"),
            _ => format!("{first} to {last}"),
        }
    }
}

/// The default calendar for England, reaching at least a year either side of `around`.
pub fn england(around: i64) -> Vec<HalfTerm> {
    let mut terms: Vec<HalfTerm> = ENGLAND
        .iter()
        .filter_map(|(a, b)| {
            Some(HalfTerm {
                first: parse_day(a)?,
                last: parse_day(b)?,
            })
        })
        .collect();
    while terms.last().is_some_and(|t| t.last < around + 2 * YEAR) {
        let year: Vec<HalfTerm> = terms[terms.len() - 6..].to_vec();
        terms.extend(year.iter().map(|t| shifted(*t, YEAR)));
    }
    while terms.first().is_some_and(|t| t.first > around - 2 * YEAR) {
        let year: Vec<HalfTerm> = terms[..6].iter().map(|t| shifted(*t, -YEAR)).collect();
        terms.splice(0..0, year);
    }
    terms
}

fn shifted(t: HalfTerm, by: i64) -> HalfTerm {
    HalfTerm {
        first: t.first + by,
        last: t.last + by,
    }
}

/// The calendar a setting follows: its own half-terms, and England's before and after them.
pub fn calendar(own: &[HalfTerm], around: i64) -> Vec<HalfTerm> {
    let england = england(around);
    let (Some(first), Some(last)) = (own.first(), own.last()) else {
        return england;
    };
    let mut terms: Vec<HalfTerm> = england
        .iter()
        .copied()
        .filter(|t| t.last < first.first)
        .collect();
    terms.extend_from_slice(own);
    terms.extend(england.into_iter().filter(|t| t.first > last.last));
    terms
}

/// Names a half-term the way schools do ("Autumn term 2026, second half") when its school
/// year (August to July) has the usual six; otherwise by its dates.
pub fn name(calendar: &[HalfTerm], term: &HalfTerm) -> String {
    let school_year = |day: i64| {
        let (y, m, _) = civil_from_days(day);
        if m >= 8 {
            y
        } else {
            y - 1
        }
    };
    let year = school_year(term.first);
    let same_year: Vec<&HalfTerm> = calendar
        .iter()
        .filter(|t| school_year(t.first) == year)
        .collect();
    let position = same_year.iter().position(|t| *t == term);
    match position {
        Some(i) if same_year.len() == 6 => {
            let (season, calendar_year) = match i / 2 {
                0 => ("Autumn", year),
                1 => ("Spring", year + 1),
                _ => ("Summer", year + 1),
            };
            let half = if i % 2 == 0 { "first" } else { "second" };
            format!("{season} term {calendar_year}, {half} half")
        }
        _ => format!("The half-term from {}", term.dates()),
    }
}

/// Reads an admin's term dates: one half-term per line, its first and last day
/// ("2027-01-04 to 2027-02-12"). Blank lines are skipped; an empty text means England's.
/// Every line's problem is named, so the admin can fix them all at once.
pub fn parse(text: &str) -> Result<Vec<HalfTerm>, Vec<String>> {
    let mut terms = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if lines.len() > MAX_HALF_TERMS {
        return Err(vec![format!(
            "Enter at most {MAX_HALF_TERMS} half-terms (four school years); this has {}.",
            lines.len()
        )]);
    }
    for (n, line) in lines {
        let dates: Vec<&str> = line
            .split(|c: char| !(c.is_ascii_digit() || c == '-'))
            .filter(|w| w.len() >= 8 && w.contains('-'))
            .collect();
        let [first, last] = dates[..] else {
            problems.push(format!(
                "Line {n} (\"{}\"): write the half-term's first and last day, as in 2027-01-04 to 2027-02-12.",
                line.chars().take(40).collect::<String>()
            ));
            continue;
        };
        match (parse_day(first), parse_day(last)) {
            (Some(a), Some(b)) if b < a => {
                problems.push(format!("Line {n}: the half-term ends ({last}) before it starts ({first})."))
            }
            (Some(a), Some(b)) if b - a > LONGEST => problems.push(format!(
                "Line {n}: {first} to {last} is longer than 12 weeks; enter each half-term on its own line."
            )),
            (Some(first), Some(last)) => terms.push(HalfTerm { first, last }),
            (a, _) => problems.push(format!(
                "Line {n}: {} is not a date (write it as year-month-day, as in 2027-01-04).",
                if a.is_none() { first } else { last }
            )),
        }
    }
    terms.sort();
    for pair in terms.windows(2) {
        if pair[1].first <= pair[0].last {
            problems.push(format!(
                "The half-terms {} and {} overlap.",
                pair[0].dates(),
                pair[1].dates()
            ));
        }
    }
    if problems.is_empty() {
        Ok(terms)
    } else {
        Err(problems)
    }
}

/// The text an admin edits: one half-term per line.
pub fn text(terms: &[HalfTerm]) -> String {
    terms
        .iter()
        .map(|t| format!("{} to {}\n", iso(t.first), iso(t.last)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> i64 {
        parse_day(s).unwrap()
    }

    #[test]
    fn england_covers_any_year_in_half_terms_that_do_not_overlap() {
        for around in [day("2020-03-01"), day("2026-12-06"), day("2035-06-30")] {
            let terms = england(around);
            assert!(terms.first().unwrap().first < around - YEAR);
            assert!(terms.last().unwrap().last > around + YEAR);
            assert!(terms.windows(2).all(|w| w[0].last < w[1].first));
        }
        let terms = england(day("2026-12-06"));
        let now = terms
            .iter()
            .find(|t| t.first <= day("2026-12-06") && day("2026-12-06") <= t.last)
            .unwrap();
        assert_eq!(now.dates(), "2 November to 18 December 2026");
        assert_eq!(name(&terms, now), "Autumn term 2026, second half");
        let spring = terms.iter().find(|t| t.first == day("2027-02-22")).unwrap();
        assert_eq!(name(&terms, spring), "Spring term 2027, second half");
    }

    #[test]
    fn a_settings_own_dates_come_first_and_england_fills_in_around_them() {
        let own = parse("2027-01-05 to 2027-02-11\n\n2027-02-21 - 2027-03-27\n").unwrap();
        let terms = calendar(&own, day("2027-01-10"));
        assert!(terms.contains(&own[0]) && terms.contains(&own[1]));
        assert!(!terms.iter().any(|t| t.first == day("2027-01-04")));
        assert!(terms.iter().any(|t| t.first == day("2027-04-12")));
        assert!(terms.iter().any(|t| t.first == day("2026-11-02")));
        assert!(terms.windows(2).all(|w| w[0].last < w[1].first));
        assert_eq!(name(&terms, &own[0]), "Spring term 2027, first half");
        // Not six in its school year: named by its dates.
        assert_eq!(
            name(&own, &own[0]),
            "The half-term from 5 January to 11 February 2027"
        );
        assert_eq!(
            text(&own),
            "2027-01-05 to 2027-02-11\n2027-02-21 to 2027-03-27\n"
        );
    }

    #[test]
    fn each_bad_line_is_named() {
        let problems = parse("2027-01-05 to 2027-02-11\nafter Easter\n2027-02-30 to 2027-03-27\n2027-05-01 to 2027-04-01\n2027-01-20 to 2027-02-20\n2027-06-01 to 2027-10-01").unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].starts_with("Line 2 (\"after Easter\")"));
        assert!(problems[1].contains("2027-02-30 is not a date"));
        assert!(problems[2].contains("ends (2027-04-01) before it starts"));
        assert!(problems[3].contains("longer than 12 weeks"));
        assert!(problems[4].contains("overlap"));
        assert_eq!(parse("  \n").unwrap(), vec![]);
        assert!(parse(&"2027-01-05 to 2027-02-11\n".repeat(25)).is_err());
    }
}
