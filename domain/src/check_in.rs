//! The rhythm of a CPD plan: a check-in each half-term for the two terms after it starts,
//! answered in the learning log (so with its autosave, outbox and conflict handling), then
//! an end review. Each check-in belongs to a half-term of the setting's calendar
//! (`terms`); the first can be answered from the day the plan starts, the others from
//! their half-term's first day, and each is due by its half-term's last day.

use crate::terms::{self, HalfTerm};
use serde::{Deserialize, Serialize};

/// Two terms: four half-terms, a check-in at the end of each.
pub const CHECK_INS: u8 = 4;
/// How close to its due day a check-in is mentioned on the home page and in the digest.
pub const DUE_SOON_DAYS: i64 = 14;
/// A missed check-in is mentioned in the digest no more often than this (seconds).
pub const REMINDER_GAP: i64 = 7 * 86_400;

/// Check-ins are kept in the learning log under `plan:check-in:N`.
pub const PREFIX: &str = "plan:check-in:";

/// Each check-in asks the same three things.
pub const QUESTIONS: [(&str, &str); 3] = [
    (
        "tried",
        "What have you tried towards your goals this half-term, and with whom?",
    ),
    (
        "changed",
        "What changed for the learner or learners? How do you know?",
    ),
    (
        "next",
        "What will you do next, and what support would help?",
    ),
];

/// A half-term's name inside a sentence: "the check-in for the half-term from …", but
/// "for Spring term 2027, first half".
pub fn in_sentence(name: &str) -> String {
    match name.strip_prefix("The half-term") {
        Some(rest) => format!("the half-term{rest}"),
        None => name.to_string(),
    }
}

pub fn key(number: u8) -> String {
    format!("{PREFIX}{number}")
}

/// The check-in a learning-log section key names (1 to `CHECK_INS`), if it names one.
pub fn number_of(section_key: &str) -> Option<u8> {
    let n: u8 = section_key.strip_prefix(PREFIX)?.parse().ok()?;
    (1..=CHECK_INS).contains(&n).then_some(n)
}

pub fn question(prompt_key: &str) -> Option<&'static str> {
    QUESTIONS
        .iter()
        .find(|(k, _)| *k == prompt_key)
        .map(|(_, q)| *q)
}

/// One check-in of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub number: u8,
    /// "Spring term 2027, first half".
    pub name: String,
    pub term: HalfTerm,
    /// The first day it can be answered.
    pub opens: i64,
}

/// Where a check-in stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// Its half-term has not started.
    Later,
    /// It can be answered; its due day is more than two weeks away.
    Open,
    /// It can be answered and is due within two weeks.
    DueSoon,
    /// Its half-term ended with nothing written. It can still be answered.
    Missed,
    /// Something is written.
    Done,
}

impl CheckIn {
    pub fn state(&self, today: i64, answered: bool) -> State {
        if answered {
            State::Done
        } else if today < self.opens {
            State::Later
        } else if today > self.term.last {
            State::Missed
        } else if self.term.last - today < DUE_SOON_DAYS {
            State::DueSoon
        } else {
            State::Open
        }
    }

    pub fn section_key(&self) -> String {
        key(self.number)
    }
}

/// A plan's check-ins, from the day it started (its first goals saved) and the setting's
/// calendar: the half-term it started in (or, in a holiday, the next), and the three after.
pub fn schedule(calendar: &[HalfTerm], started: i64) -> Vec<CheckIn> {
    let from = calendar.partition_point(|t| t.last < started);
    calendar[from.min(calendar.len())..]
        .iter()
        .take(usize::from(CHECK_INS))
        .zip(1..)
        .map(|(term, number)| CheckIn {
            number,
            name: terms::name(calendar, term),
            term: *term,
            opens: if number == 1 { started } else { term.first },
        })
        .collect()
}

/// The end review opens with the last check-in: its self-review is read beside the first.
pub fn end_review_open(check_ins: &[CheckIn], today: i64) -> bool {
    check_ins.last().is_some_and(|c| today >= c.opens)
}

/// The check-in to mention to its author on `today`: one due within two weeks, else the
/// latest missed. None once the plan's two terms are over (its end review is what is left)
/// and while nothing is due soon or missed.
pub fn to_mention(
    check_ins: &[CheckIn],
    today: i64,
    answered: impl Fn(u8) -> bool,
) -> Option<(&CheckIn, State)> {
    if check_ins.last().is_none_or(|c| today > c.term.last) {
        return None;
    }
    let states: Vec<(&CheckIn, State)> = check_ins
        .iter()
        .map(|c| (c, c.state(today, answered(c.number))))
        .collect();
    let due = states.iter().find(|(_, s)| *s == State::DueSoon);
    due.or_else(|| states.iter().rev().find(|(_, s)| *s == State::Missed))
        .copied()
}

/// How far back a plan's start may be moved: a plan brought into Tandem part-way.
pub const EARLIEST_START_DAYS: i64 = 366;

/// The day a plan started, as its author gives it ("2026-09-07"): a real day, not after
/// `today` and not more than a year before it.
pub fn check_start(text: &str, today: i64) -> Result<i64, String> {
    let day = terms::parse_day(text)
        .ok_or_else(|| "Enter the day your plan started, as in 2026-09-07.".to_string())?;
    if day > today {
        return Err(
            "Your plan cannot start in the future: its first check-in opens the day it starts."
                .into(),
        );
    }
    if day < today - EARLIEST_START_DAYS {
        return Err("Choose a day within the last year: a plan runs over two terms.".into());
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::{england, parse_day};

    fn day(s: &str) -> i64 {
        parse_day(s).unwrap()
    }

    #[test]
    fn four_check_ins_follow_the_half_terms_from_the_plans_start() {
        let calendar = england(day("2026-12-06"));
        let plan = schedule(&calendar, day("2026-12-06"));
        assert_eq!(plan.len(), 4);
        assert_eq!(plan[0].name, "Autumn term 2026, second half");
        assert_eq!(
            plan[0].opens,
            day("2026-12-06"),
            "answerable from the start"
        );
        assert_eq!(plan[1].opens, day("2027-01-04"));
        assert_eq!(plan[3].name, "Summer term 2027, first half");
        assert_eq!(plan[3].term.last, day("2027-05-28"));
        // Started in the Christmas holiday: the first check-in is spring's.
        let later = schedule(&calendar, day("2026-12-27"));
        assert_eq!(later[0].term.first, day("2027-01-04"));
        assert_eq!(later[0].opens, day("2026-12-27"));
    }

    #[test]
    fn a_check_in_is_later_open_due_soon_missed_or_done() {
        let calendar = england(day("2027-01-10"));
        let plan = schedule(&calendar, day("2027-01-10"));
        let first = &plan[0];
        assert_eq!(first.state(day("2027-01-10"), false), State::Open);
        assert_eq!(first.state(day("2027-02-01"), false), State::DueSoon);
        assert_eq!(first.state(day("2027-02-13"), false), State::Missed);
        assert_eq!(first.state(day("2027-02-13"), true), State::Done);
        assert_eq!(plan[1].state(day("2027-01-10"), false), State::Later);
        assert!(!end_review_open(&plan, day("2027-04-11")));
        assert!(end_review_open(&plan, day("2027-06-07")));
        let mention = |today: &str, answered: &[u8]| {
            to_mention(&plan, day(today), |n| answered.contains(&n)).map(|(c, s)| (c.number, s))
        };
        assert_eq!(mention("2027-03-20", &[2]), Some((1, State::Missed)));
        // Due soon comes first; then the latest missed, not the oldest.
        assert_eq!(mention("2027-03-20", &[]), Some((2, State::DueSoon)));
        assert_eq!(mention("2027-06-01", &[]), Some((3, State::Missed)));
        assert_eq!(mention("2027-01-10", &[]), None, "open, not yet due soon");
        // Two terms over: nothing more to chase.
        assert_eq!(mention("2027-07-22", &[]), None);
    }

    #[test]
    fn a_plan_may_start_up_to_a_year_back_and_never_ahead() {
        let today = day("2027-01-10");
        assert_eq!(check_start("2026-09-07", today), Ok(day("2026-09-07")));
        assert_eq!(check_start(" 2027-01-10 ", today), Ok(today));
        assert!(check_start("2027-01-11", today)
            .unwrap_err()
            .contains("future"));
        assert!(check_start("2025-12-01", today)
            .unwrap_err()
            .contains("last year"));
        assert!(check_start("last September", today)
            .unwrap_err()
            .contains("as in"));
    }

    #[test]
    fn check_in_keys_name_only_real_check_ins() {
        assert_eq!(number_of(&key(2)), Some(2));
        assert_eq!(number_of("plan:check-in:0"), None);
        assert_eq!(number_of("plan:check-in:5"), None);
        assert_eq!(number_of("plan:check-in:x"), None);
        assert_eq!(number_of("m1.reflection"), None);
        assert_eq!(
            question("changed").map(|q| q.starts_with("What changed")),
            Some(true)
        );
        assert_eq!(question("p1"), None);
    }
}
