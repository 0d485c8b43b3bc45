//! Time zones: every date a person sees is a day in their setting's time zone (Europe/London
//! unless the setting's admin chose another), so an entry written at 00:30 in June is dated
//! the day it was written, not the day before.
//!
//! The server looks the zone up in jiff's copy of the time zone database and hands the page
//! the zone's offsets over the years Tandem can show (`Zone`); the browser formats with those
//! offsets, so it writes exactly what the server wrote, with no time zone database in the wasm.

use serde::{Deserialize, Serialize};

/// The zone a setting starts with.
pub const DEFAULT_ZONE: &str = "Europe/London";

/// A time zone as the UTC offsets it takes: each `(from, seconds)` applies from its instant
/// until the next one. Built on the server (`Zone::named`); UTC when there is none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    pub name: String,
    offsets: Vec<(i64, i32)>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone {
            name: "UTC".into(),
            offsets: vec![],
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Zone {
    /// Seconds ahead of UTC at `unix`.
    pub fn offset_at(&self, unix: i64) -> i32 {
        let after = self.offsets.partition_point(|(from, _)| *from <= unix);
        match after {
            0 => self.offsets.first().map_or(0, |(_, offset)| *offset),
            n => self.offsets[n - 1].1,
        }
    }

    /// The day `unix` falls on here, written out: "22 November 2026".
    pub fn date(&self, unix: i64) -> String {
        day_words(self.day(unix))
    }

    /// The day `unix` falls on here, as days since 1970-01-01.
    pub fn day(&self, unix: i64) -> i64 {
        (unix + i64::from(self.offset_at(unix))).div_euclid(86_400)
    }
}

impl Zone {
    /// The time of day `unix` falls on here: "16:30".
    pub fn time(&self, unix: i64) -> String {
        let local = (unix + i64::from(self.offset_at(unix))).rem_euclid(86_400);
        format!("{:02}:{:02}", local / 3_600, local % 3_600 / 60)
    }

    /// The instant of a date ("2026-11-23") and time ("16:30") as clocks here show them;
    /// None when either is not a real date or time.
    pub fn instant(&self, date: &str, time: &str) -> Option<i64> {
        let mut d = date.trim().splitn(3, '-').map(|p| p.parse::<i64>().ok());
        let (year, month, day) = (d.next()??, d.next()??, d.next()??);
        let mut t = time.trim().splitn(2, ':').map(|p| p.parse::<i64>().ok());
        let (hour, minute) = (t.next()??, t.next()??);
        if !(1..=12).contains(&month) || !(0..24).contains(&hour) || !(0..60).contains(&minute) {
            return None;
        }
        let days = days_from_civil(year, month as u32, day as u32);
        if civil_from_days(days) != (year, month as u32, day as u32) {
            return None;
        }
        let naive = days * 86_400 + hour * 3_600 + minute * 60;
        // The offset in force at that local time (taken at the naive instant, then again at
        // the corrected one, which settles it outside the hour a clock change skips).
        let first = naive - i64::from(self.offset_at(naive));
        Some(naive - i64::from(self.offset_at(first)))
    }
}

/// A day (days since 1970-01-01) written out: "22 November 2026".
pub fn day_words(day: i64) -> String {
    let (year, month, day) = civil_from_days(day);
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

/// (year, month, day) to days since 1970-01-01: the inverse of `civil_from_days`.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's algorithm: the
/// calendar arithmetic only; the offsets above come from the time zone database.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::Zone;
    use jiff::{tz::TimeZone, Timestamp};
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    /// The years a page can show dates from: 2020 to 2050 (about sixty changes for a zone
    /// with summer time). Before, the first offset holds; after, the last.
    const FROM: i64 = 1_577_836_800;
    const UNTIL: i64 = 2_524_608_000;

    impl Zone {
        /// The zone of this IANA name ("Europe/London"), or None when there is no such zone.
        pub fn named(name: &str) -> Option<Zone> {
            static KNOWN: OnceLock<Mutex<HashMap<String, Zone>>> = OnceLock::new();
            let known = KNOWN.get_or_init(Default::default);
            if let Some(zone) = known.lock().ok()?.get(name) {
                return Some(zone.clone());
            }
            let tz = TimeZone::get(name).ok()?;
            let start = Timestamp::from_second(FROM).ok()?;
            let mut offsets = vec![(FROM, tz.to_offset(start).seconds())];
            for change in tz.following(start) {
                let at = change.timestamp().as_second();
                if at >= UNTIL {
                    break;
                }
                offsets.push((at, change.offset().seconds()));
            }
            let zone = Zone {
                name: name.to_string(),
                offsets,
            };
            known.lock().ok()?.insert(name.to_string(), zone.clone());
            Some(zone)
        }

        /// The zone stored for a setting. A name the database no longer knows (renamed
        /// zones are kept as links, so this is rare) is logged and shown in UTC.
        pub fn stored(name: &str) -> Zone {
            Zone::named(name).unwrap_or_else(|| {
                tracing::warn!(name, "unknown time zone stored for a setting; showing UTC");
                Zone::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates_and_times_become_instants_and_back() {
        let utc = Zone::default();
        assert_eq!(utc.instant("2026-11-23", "16:30"), Some(1_795_451_400));
        assert_eq!(utc.time(1_795_451_400), "16:30");
        assert_eq!(utc.instant("2026-02-30", "10:00"), None);
        assert_eq!(utc.instant("2026-11-23", "25:00"), None);
        assert_eq!(utc.instant("soon", "10:00"), None);
        let summer = Zone {
            name: "BST".into(),
            offsets: vec![(0, 3_600)],
        };
        assert_eq!(
            summer.instant("2026-11-23", "16:30"),
            Some(1_795_451_400 - 3_600)
        );
        assert_eq!(summer.time(1_795_451_400 - 3_600), "16:30");
    }

    #[test]
    fn dates_are_written_out_in_full() {
        let utc = Zone::default();
        assert_eq!(utc.date(0), "1 January 1970");
        assert_eq!(utc.date(1_795_305_600), "22 November 2026");
        assert_eq!(utc.date(951_782_400), "29 February 2000");
        assert_eq!(utc.date(1_709_251_199), "29 February 2024");
        assert_eq!(utc.date(-86_400), "31 December 1969");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn near_midnight_the_day_is_the_one_lived_in_london() {
        let london = Zone::named("Europe/London").unwrap();
        // 30 June 2026, 23:30 UTC is 00:30 on 1 July in London (summer time).
        assert_eq!(london.date(1_782_862_200), "1 July 2026");
        // 30 December 2026, 23:30 UTC is still 30 December (GMT).
        assert_eq!(london.date(1_798_673_400), "30 December 2026");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn across_the_clock_changes() {
        let london = Zone::named("Europe/London").unwrap();
        // Clocks go forward at 01:00 UTC on 29 March 2026.
        assert_eq!(london.offset_at(1_774_745_999), 0);
        assert_eq!(london.offset_at(1_774_746_000), 3600);
        // 28 March, 23:30 UTC (GMT): 28 March. 29 March, 23:30 UTC (BST): 30 March.
        assert_eq!(london.date(1_774_740_600), "28 March 2026");
        assert_eq!(london.date(1_774_827_000), "30 March 2026");
        // Clocks go back at 01:00 UTC on 25 October 2026: 24 October, 23:30 UTC is 00:30
        // on the 25th (BST); 25 October, 23:30 UTC is still the 25th (GMT).
        assert_eq!(london.date(1_792_884_600), "25 October 2026");
        assert_eq!(london.date(1_792_971_000), "25 October 2026");
        // A zone far from UTC, and one that does not exist.
        let auckland = Zone::named("Pacific/Auckland").unwrap();
        assert_eq!(auckland.date(1_782_862_200), "1 July 2026");
        assert_eq!(auckland.date(1_782_777_600), "30 June 2026");
        assert!(Zone::named("Europe/Atlantis").is_none());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_zone_survives_the_trip_to_the_browser() {
        let london = Zone::named("Europe/London").unwrap();
        let json = serde_json::to_string(&london).unwrap();
        assert!(json.len() < 2_000, "{} bytes in every page", json.len());
        let back: Zone = serde_json::from_str(&json).unwrap();
        assert_eq!(back.date(1_782_862_200), "1 July 2026");
    }
}
