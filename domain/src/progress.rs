//! Progress rules, with no I/O: how events change a section's state, and how percentages,
//! CPD hours and "continue where you left off" follow from those states.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum EventKind {
    Opened,
    Completed,
    TimeSpent,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Completed => "completed",
            EventKind::TimeSpent => "time_spent",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        [
            EventKind::Opened,
            EventKind::Completed,
            EventKind::TimeSpent,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The longest stretch of active time one event may report. The page reports every minute,
/// so anything longer is a client bug or tampering, and is capped rather than trusted.
pub const MAX_SECONDS_PER_EVENT: i64 = 300;

/// Progress events one person may record in a day. A full day's reading records one event a
/// minute at most; this is ten times that, and stops a script from filling the database.
pub const MAX_EVENTS_PER_DAY: i64 = 10_000;

/// One person's state for one section.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionState {
    pub first_opened_at: Option<i64>,
    pub last_opened_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub active_seconds: i64,
}

impl SectionState {
    pub fn is_complete(&self) -> bool {
        self.completed_at.is_some()
    }

    pub fn is_started(&self) -> bool {
        self.first_opened_at.is_some() || self.completed_at.is_some() || self.active_seconds > 0
    }

    /// Two states as one: the earlier first opening and completion, the later last opening,
    /// the time added up. An event applied to a state is the state merged with the event
    /// applied to nothing (`apply`), so a store may merge an event's own state into the one
    /// it holds without reading it first, in any order. PostgreSQL's `LEAST`, `GREATEST`
    /// and `+` do the same (`store::progress::record`): the first two pass over a null.
    pub fn merge(self, other: SectionState) -> SectionState {
        fn pick(a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64) -> Option<i64> {
            match (a, b) {
                (Some(a), Some(b)) => Some(f(a, b)),
                (a, b) => a.or(b),
            }
        }
        SectionState {
            first_opened_at: pick(self.first_opened_at, other.first_opened_at, i64::min),
            last_opened_at: pick(self.last_opened_at, other.last_opened_at, i64::max),
            completed_at: pick(self.completed_at, other.completed_at, i64::min),
            active_seconds: self.active_seconds + other.active_seconds,
        }
    }
}

/// Applies one (new, not yet seen) event. Completion is monotonic: once complete, a
/// section stays complete whatever arrives later, and the first completion time is kept.
/// Deduplication by op id happens before this, in the store.
pub fn apply(state: SectionState, kind: EventKind, at: i64, seconds: i64) -> SectionState {
    let mut next = state;
    match kind {
        EventKind::Opened => {
            next.first_opened_at = Some(state.first_opened_at.map_or(at, |t| t.min(at)));
            next.last_opened_at = Some(state.last_opened_at.map_or(at, |t| t.max(at)));
        }
        EventKind::Completed => {
            next.completed_at = Some(state.completed_at.map_or(at, |t| t.min(at)));
            next.last_opened_at = Some(state.last_opened_at.map_or(at, |t| t.max(at)));
        }
        EventKind::TimeSpent => next.active_seconds += seconds.clamp(0, MAX_SECONDS_PER_EVENT),
    }
    next
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    NotStarted,
    InProgress,
    Complete,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "Not started",
            Status::InProgress => "In progress",
            Status::Complete => "Complete",
        }
    }

    pub fn of(states: &[SectionState]) -> Status {
        if !states.is_empty() && states.iter().all(SectionState::is_complete) {
            Status::Complete
        } else if states.iter().any(SectionState::is_started) {
            Status::InProgress
        } else {
            Status::NotStarted
        }
    }
}

/// "4 of 15 sections complete", and the matching percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub complete: u32,
    pub total: u32,
}

impl Tally {
    pub fn of(states: &[SectionState]) -> Tally {
        Tally {
            complete: states.iter().filter(|s| s.is_complete()).count() as u32,
            total: states.len() as u32,
        }
    }

    /// Whole percent, rounded down so 100% only ever means everything is done.
    pub fn percent(&self) -> u32 {
        (self.complete * 100).checked_div(self.total).unwrap_or(0)
    }

    pub fn explain(&self) -> String {
        format!(
            "{} of {} section{} complete",
            self.complete,
            self.total,
            if self.total == 1 { "" } else { "s" }
        )
    }
}

/// CPD time credited: the estimated minutes of every completed section (the practice
/// activity happens away from the screen, so time on the page alone would undercount).
pub fn cpd_minutes(sections: &[(u32, SectionState)]) -> u32 {
    sections
        .iter()
        .filter(|(_, s)| s.is_complete())
        .map(|(minutes, _)| minutes)
        .sum()
}

/// What the CPD time counts, in the words shown wherever it is stated (the home page, the
/// printable log, the PDFs and the facilitator guide). It follows the rule in
/// `crate::content::estimate_minutes`; `content/README.md` explains it for authors.
pub const CPD_BASIS: &str = "CPD time is the estimated time of the sections completed: reading at 200 words a minute, the structured activities, and 4 minutes for each answer written in the learning log. Time spent trying a practice task in the setting is not included: when it is logged in a practice note, with dates and minutes, the setting may count it as well.";

/// "3.5 hours", "45 minutes".
pub fn describe_minutes(minutes: u32) -> String {
    if minutes < 60 {
        return format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" });
    }
    let hours = minutes as f64 / 60.0;
    let rounded = (hours * 2.0).round() / 2.0;
    if rounded.fract() == 0.0 {
        format!(
            "{} hour{}",
            rounded as u32,
            if rounded == 1.0 { "" } else { "s" }
        )
    } else {
        format!("{rounded:.1} hours")
    }
}

/// Where to pick up: the first unfinished section after the one finished most recently, so
/// a glance at a later module does not move the place (finishing something there does);
/// failing that, the first unfinished section in course order. None when everything is
/// complete. `sections` is in course order.
pub fn resume_index(sections: &[SectionState]) -> Option<usize> {
    let after = sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.completed_at.map(|t| (t, i)))
        .max_by_key(|(t, i)| (*t, *i))
        .map_or(0, |(_, i)| i + 1);
    let unfinished = |from: usize| {
        sections
            .iter()
            .skip(from)
            .position(|s| !s.is_complete())
            .map(|i| i + from)
    };
    unfinished(after).or_else(|| unfinished(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_basis_matches_the_rule() {
        use crate::content::{MINUTES_PER_LOG_ANSWER, WORDS_PER_MINUTE};
        assert!(CPD_BASIS.contains(&format!("{WORDS_PER_MINUTE} words a minute")));
        assert!(CPD_BASIS.contains(&format!("{MINUTES_PER_LOG_ANSWER} minutes for each answer")));
    }

    fn done(at: i64) -> SectionState {
        apply(SectionState::default(), EventKind::Completed, at, 0)
    }

    #[test]
    fn completion_is_never_undone_by_a_late_or_replayed_event() {
        let s = done(100);
        let s = apply(s, EventKind::Opened, 50, 0); // a late "opened" from an offline device
        assert_eq!(s.completed_at, Some(100));
        let s = apply(s, EventKind::Completed, 200, 0); // completed again elsewhere
        assert_eq!(
            s.completed_at,
            Some(100),
            "the first completion time is kept"
        );
        let s = apply(s, EventKind::Completed, 20, 0); // an older completion arriving late
        assert_eq!(s.completed_at, Some(20));
        assert!(s.is_complete());
    }

    #[test]
    fn opening_keeps_the_first_and_last_times_whatever_the_order() {
        let s = apply(SectionState::default(), EventKind::Opened, 300, 0);
        let s = apply(s, EventKind::Opened, 100, 0);
        let s = apply(s, EventKind::Opened, 200, 0);
        assert_eq!(
            (s.first_opened_at, s.last_opened_at),
            (Some(100), Some(300))
        );
    }

    #[test]
    fn an_event_applied_is_its_own_state_merged_in() {
        let times = [None, Some(50), Some(100), Some(150)];
        let mut states = vec![];
        for first in times {
            for last in times {
                for completed in times {
                    for active_seconds in [0, 40] {
                        states.push(SectionState {
                            first_opened_at: first,
                            last_opened_at: last,
                            completed_at: completed,
                            active_seconds,
                        });
                    }
                }
            }
        }
        for state in states {
            for kind in [
                EventKind::Opened,
                EventKind::Completed,
                EventKind::TimeSpent,
            ] {
                for (at, seconds) in [(25, 30), (100, 0), (200, 10_000), (75, -5)] {
                    let own = apply(SectionState::default(), kind, at, seconds);
                    assert_eq!(
                        state.merge(own),
                        apply(state, kind, at, seconds),
                        "{kind:?} at {at} for {seconds} s on {state:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn time_spent_adds_up_and_is_capped_per_event() {
        let s = apply(SectionState::default(), EventKind::TimeSpent, 0, 60);
        let s = apply(s, EventKind::TimeSpent, 0, 10_000);
        let s = apply(s, EventKind::TimeSpent, 0, -50);
        assert_eq!(s.active_seconds, 60 + MAX_SECONDS_PER_EVENT);
    }

    #[test]
    fn tallies_explain_their_percentages() {
        let states = [
            done(1),
            done(2),
            SectionState::default(),
            SectionState::default(),
        ];
        let tally = Tally::of(&states);
        assert_eq!(tally.percent(), 50);
        assert_eq!(tally.explain(), "2 of 4 sections complete");
        assert_eq!(
            Tally {
                complete: 2,
                total: 3
            }
            .percent(),
            66,
            "rounded down"
        );
        assert_eq!(
            Tally {
                complete: 0,
                total: 0
            }
            .percent(),
            0
        );
        assert_eq!(
            Tally {
                complete: 1,
                total: 1
            }
            .explain(),
            "1 of 1 section complete"
        );
    }

    #[test]
    fn module_status_follows_its_sections() {
        let opened = apply(SectionState::default(), EventKind::Opened, 1, 0);
        assert_eq!(
            Status::of(&[SectionState::default(); 3]),
            Status::NotStarted
        );
        assert_eq!(
            Status::of(&[opened, SectionState::default()]),
            Status::InProgress
        );
        assert_eq!(Status::of(&[done(1), done(2)]), Status::Complete);
        assert_eq!(Status::of(&[]), Status::NotStarted);
    }

    #[test]
    fn cpd_time_credits_completed_sections_only() {
        assert_eq!(
            cpd_minutes(&[(45, done(1)), (30, SectionState::default()), (15, done(2))]),
            60
        );
        assert_eq!(describe_minutes(45), "45 minutes");
        assert_eq!(describe_minutes(60), "1 hour");
        assert_eq!(describe_minutes(90), "1.5 hours");
        assert_eq!(describe_minutes(540), "9 hours");
    }

    #[test]
    fn resuming_picks_the_next_unfinished_section_after_the_latest_finished() {
        let opened = |t| apply(SectionState::default(), EventKind::Opened, t, 0);
        // Finished 0, then only glanced at 3: resume at 1, not 3.
        let states = [
            done(10),
            SectionState::default(),
            SectionState::default(),
            opened(20),
        ];
        assert_eq!(resume_index(&states), Some(1));
        // Finished 0, then finished 2 (skipping ahead on purpose): resume at 3.
        let states = [done(10), SectionState::default(), done(30), opened(20)];
        assert_eq!(resume_index(&states), Some(3));
        // Opened 1 and half-way through it: resume there.
        let states = [done(10), opened(15), SectionState::default()];
        assert_eq!(resume_index(&states), Some(1));
        // The latest finished is the last section: back to the first unfinished one.
        let states = [done(10), SectionState::default(), done(30)];
        assert_eq!(resume_index(&states), Some(1));
        // Nothing done yet: the first section, whatever was glanced at.
        assert_eq!(resume_index(&[SectionState::default(), opened(5)]), Some(0));
        // Everything complete.
        assert_eq!(resume_index(&[done(1), done(2)]), None);
    }
}
