//! A CPD plan's check-ins as they fall in its author's setting: the setting's own term
//! dates (England's around them) and its time zone, so that "due by 18 December" is the
//! school's 18 December. Also who is reminded of one by email, at most once a week.

use crate::store::{plans, term_dates, Db};
use domain::check_in::{self, CheckIn, State, REMINDER_GAP};
use domain::terms;
use domain::zone::Zone;

/// A plan's check-ins, and the day it is in the setting's zone.
pub async fn schedule(
    db: &Db,
    setting_id: i64,
    zone: &Zone,
    started_at: i64,
    now: i64,
) -> Result<(Vec<CheckIn>, i64), sqlx::Error> {
    let own = term_dates::get(db, setting_id).await?;
    let started = zone.day(started_at);
    let calendar = terms::calendar(&own, started);
    Ok((check_in::schedule(&calendar, started), zone.day(now)))
}

/// One person's reminder, for their digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub time_zone: String,
    /// "The check-in for Spring term 2027, first half was due by 12 February 2027."
    pub line: String,
}

/// What a reminder says of a check-in.
pub fn reminder_line(c: &CheckIn, state: State) -> String {
    let due = domain::zone::day_words(c.term.last);
    let name = check_in::in_sentence(&c.name);
    match state {
        State::Missed => format!(
            "The check-in for {name} was due by {due}. It is not too late: what you tried, what changed and what next still count."
        ),
        _ => format!("The check-in for {name} is due by {due}."),
    }
}

/// Everyone with a check-in due soon or missed who has not been reminded in the last week.
pub async fn reminders(db: &Db, now: i64) -> Result<Vec<Reminder>, sqlx::Error> {
    let mut out = Vec::new();
    let mut own_terms = std::collections::HashMap::new();
    for p in plans::to_remind(db, now - REMINDER_GAP).await? {
        let zone = Zone::stored(&p.time_zone);
        let own = match own_terms.entry(p.setting_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(term_dates::get(db, p.setting_id).await?)
            }
        };
        let started = zone.day(p.started_at);
        let calendar = terms::calendar(own, started);
        let (check_ins, today) = (check_in::schedule(&calendar, started), zone.day(now));
        if let Some((c, state)) =
            check_in::to_mention(&check_ins, today, |n| p.answered.contains(&n))
        {
            out.push(Reminder {
                user_id: p.user_id,
                email: p.email,
                name: p.name,
                time_zone: p.time_zone,
                line: reminder_line(c, state),
            });
        }
    }
    Ok(out)
}

/// Whether the person's check-in `number` can be answered now: she has a plan, and its
/// half-term has begun.
pub async fn opened(
    db: &Db,
    me: &domain::model::Me,
    number: u8,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let Some(plan) = plans::get(db, me.id).await? else {
        return Ok(false);
    };
    let (check_ins, today) = schedule(db, me.setting_id, &me.zone, plan.started_at, now).await?;
    Ok(check_ins
        .iter()
        .any(|c| c.number == number && today >= c.opens))
}
