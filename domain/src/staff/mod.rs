//! The setting dashboard's rules, with no I/O: one row per staff member built from their
//! section states, how rows sort and filter, and the module completion counts.

use crate::model::{Role, Sector};
use crate::progress::{cpd_minutes, SectionState, Status, Tally};
use serde::{Deserialize, Serialize};

pub mod import;
mod views;
pub use views::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub sector: Sector,
    /// Sections complete per module, in course order.
    pub modules: Vec<Tally>,
    pub overall: Tally,
    pub status: Status,
    pub cpd_minutes: u32,
    pub last_active: Option<i64>,
    pub awaiting_review: u32,
}

/// Per module: how many staff have completed it, and how many have started but not
/// finished it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCount {
    pub number: u32,
    pub title: String,
    pub complete: u32,
    pub in_progress: u32,
}

/// A staff member as the store gives them, before their progress is worked out.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub sector: Sector,
    pub last_active: Option<i64>,
    pub awaiting_review: i64,
}

/// The course shape the dashboard needs: each module's number, title and sections
/// (key, minutes), in order.
pub type Shape<'a> = Vec<(u32, &'a str, Vec<(&'a str, u32)>)>;

/// One row per person. `state(person, section key)` looks up that person's state.
pub fn rows(
    people: Vec<Person>,
    shape: &Shape<'_>,
    state: impl Fn(i64, &str) -> SectionState,
) -> Vec<StaffRow> {
    people
        .into_iter()
        .map(|p| {
            let mut all = Vec::new();
            let modules = shape
                .iter()
                .map(|(_, _, sections)| {
                    let states: Vec<SectionState> =
                        sections.iter().map(|(key, _)| state(p.id, key)).collect();
                    all.extend(sections.iter().zip(&states).map(|((_, m), s)| (*m, *s)));
                    Tally::of(&states)
                })
                .collect();
            let states: Vec<SectionState> = all.iter().map(|(_, s)| *s).collect();
            let latest = states
                .iter()
                .flat_map(|s| [s.last_opened_at, s.completed_at])
                .flatten()
                .chain(p.last_active)
                .max();
            StaffRow {
                id: p.id,
                name: p.name,
                role: p.role,
                sector: p.sector,
                modules,
                overall: Tally::of(&states),
                status: Status::of(&states),
                cpd_minutes: cpd_minutes(&all),
                last_active: latest,
                awaiting_review: u32::try_from(p.awaiting_review).unwrap_or(u32::MAX),
            }
        })
        .collect()
}

pub fn module_counts(rows: &[StaffRow], shape: &Shape<'_>) -> Vec<ModuleCount> {
    shape
        .iter()
        .enumerate()
        .map(|(i, (number, title, _))| {
            let tallies = rows.iter().map(|r| r.modules[i]);
            ModuleCount {
                number: *number,
                title: title.to_string(),
                complete: tallies
                    .clone()
                    .filter(|t| t.total > 0 && t.complete == t.total)
                    .count() as u32,
                in_progress: tallies
                    .filter(|t| t.complete > 0 && t.complete < t.total)
                    .count() as u32,
            }
        })
        .collect()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    #[default]
    Name,
    Progress,
    Cpd,
    LastActive,
    Awaiting,
}

impl SortBy {
    pub const ALL: [SortBy; 5] = [
        SortBy::Name,
        SortBy::Progress,
        SortBy::Cpd,
        SortBy::LastActive,
        SortBy::Awaiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Progress => "progress",
            SortBy::Cpd => "cpd",
            SortBy::LastActive => "last_active",
            SortBy::Awaiting => "awaiting",
        }
    }

    pub fn parse(s: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Names read A to Z; numbers and dates read most first, which is what a SENCo
    /// looking for "who needs a nudge" or "who is waiting" wants on the first click.
    pub fn default_descending(self) -> bool {
        self != SortBy::Name
    }
}

/// Sorts in place; ties keep alphabetical order so the list never jumps about.
pub fn sort(rows: &mut [StaffRow], by: SortBy, descending: bool) {
    rows.sort_by(|a, b| {
        let order = match by {
            SortBy::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            SortBy::Progress => a.overall.complete.cmp(&b.overall.complete),
            SortBy::Cpd => a.cpd_minutes.cmp(&b.cpd_minutes),
            SortBy::LastActive => a.last_active.cmp(&b.last_active),
            SortBy::Awaiting => a.awaiting_review.cmp(&b.awaiting_review),
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
}

/// Whom the dashboard is about: every practitioner, and a SENCo or admin once they have
/// begun the course themselves (running the setting is not taking the CPD).
pub fn taking_part(row: &StaffRow) -> bool {
    row.role == Role::Practitioner || row.status != Status::NotStarted
}

pub fn keep(row: &StaffRow, sector: Option<Sector>, status: Option<Status>) -> bool {
    sector.is_none_or(|s| row.sector == s) && status.is_none_or(|s| row.status == s)
}

/// Staff rows per page of the dashboard: a large setting's page stays quick to send and to
/// read (the CSV has everyone).
pub const PAGE_SIZE: usize = 50;

/// Page `page` (1-based; out of range → the nearest page) of `rows`, with the page shown
/// and how many pages there are (at least 1).
pub fn page_of<T>(rows: Vec<T>, page: u32, size: usize) -> (Vec<T>, u32, u32) {
    let pages = rows.len().div_ceil(size).max(1) as u32;
    let page = page.clamp(1, pages);
    let start = (page as usize - 1) * size;
    (
        rows.into_iter().skip(start).take(size).collect(),
        page,
        pages,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(at: i64) -> SectionState {
        SectionState {
            first_opened_at: Some(at),
            last_opened_at: Some(at),
            completed_at: Some(at),
            active_seconds: 60,
        }
    }

    fn person(id: i64, name: &str) -> Person {
        Person {
            id,
            name: name.into(),
            role: Role::Practitioner,
            sector: Sector::SchoolAge,
            last_active: None,
            awaiting_review: id,
        }
    }

    fn shape() -> Shape<'static> {
        vec![
            (1, "One", vec![("m1.a", 30), ("m1.b", 60)]),
            (2, "Two", vec![("m2.a", 45)]),
        ]
    }

    #[test]
    fn rows_count_modules_minutes_and_activity() {
        let people = vec![person(1, "Bea"), person(2, "al")];
        let rows = rows(people, &shape(), |id, key| match (id, key) {
            (1, "m1.a") | (1, "m1.b") => done(100),
            (1, "m2.a") => SectionState {
                last_opened_at: Some(300),
                ..Default::default()
            },
            _ => SectionState::default(),
        });
        let bea = &rows[0];
        assert_eq!((bea.modules[0].complete, bea.modules[1].complete), (2, 0));
        assert_eq!((bea.cpd_minutes, bea.last_active), (90, Some(300)));
        assert_eq!(bea.status, Status::InProgress);
        assert_eq!(rows[1].status, Status::NotStarted);
        let counts = module_counts(&rows, &shape());
        assert_eq!((counts[0].complete, counts[0].in_progress), (1, 0));
        assert_eq!((counts[1].complete, counts[1].in_progress), (0, 0));
    }

    #[test]
    fn leaders_count_as_staff_only_once_they_take_the_course() {
        let lead = |id, role| Person {
            role,
            ..person(id, "x")
        };
        let people = vec![
            person(1, "Bea"),
            lead(2, Role::Senco),
            lead(3, Role::Admin),
            lead(4, Role::Senco),
        ];
        let rows = rows(people, &shape(), |id, key| {
            if id == 4 && key == "m1.a" {
                done(5)
            } else {
                SectionState::default()
            }
        });
        let kept: Vec<i64> = rows
            .iter()
            .filter(|r| taking_part(r))
            .map(|r| r.id)
            .collect();
        assert_eq!(kept, [1, 4]);
    }

    #[test]
    fn sorting_and_filtering() {
        let mut rows = rows(
            vec![person(1, "Bea"), person(2, "al"), person(3, "Cy")],
            &shape(),
            |id, key| {
                if id == 3 && key == "m1.a" {
                    done(5)
                } else {
                    SectionState::default()
                }
            },
        );
        sort(&mut rows, SortBy::Name, false);
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["al", "Bea", "Cy"]
        );
        sort(&mut rows, SortBy::Awaiting, true);
        assert_eq!(rows[0].name, "Cy");
        sort(&mut rows, SortBy::Progress, true);
        assert_eq!(
            rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["Cy", "al", "Bea"],
            "ties fall back to name order"
        );
        assert!(keep(&rows[0], None, Some(Status::InProgress)));
        assert!(!keep(&rows[1], None, Some(Status::InProgress)));
        assert!(!keep(&rows[0], Some(Sector::EarlyYears), None));
    }

    #[test]
    fn pages_hold_at_most_a_page_and_out_of_range_pages_are_the_nearest() {
        let rows: Vec<u32> = (1..=120).collect();
        assert_eq!(
            super::page_of(rows.clone(), 1, 50),
            ((1..=50).collect(), 1, 3)
        );
        assert_eq!(
            super::page_of(rows.clone(), 3, 50),
            ((101..=120).collect(), 3, 3)
        );
        assert_eq!(super::page_of(rows.clone(), 9, 50).1, 3);
        assert_eq!(super::page_of(rows, 0, 50).1, 1);
        assert_eq!(super::page_of(Vec::<u32>::new(), 2, 50), (vec![], 1, 1));
    }
}
