//! Community sessions (the monthly "swap and support"): a SENCo, an admin or a network
//! moderator schedules one; people say they are coming; afterwards those who attended
//! record it (its time counts towards their CPD time) and the organiser posts notes linked
//! to the examples discussed.

use crate::api::community::SpaceLink;
use domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: String,
    pub topic: String,
    pub starts_at: i64,
    pub minutes: u32,
    pub place: String,
    pub organiser: String,
    pub setting_name: String,
    pub notes: String,
    pub coming_count: u32,
    pub coming: bool,
    pub attended: bool,
    /// It has started: attendance can be recorded.
    pub started: bool,
    pub organised_by_me: bool,
    /// Posts linked from the notes: (id, title).
    pub linked: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsView {
    pub spaces: Vec<SpaceLink>,
    pub space: String,
    pub space_name: String,
    pub sessions: Vec<SessionView>,
    pub can_schedule: bool,
    /// Recent examples of the space, to link from notes (organisers only): (id, title).
    pub examples: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
use crate::api::community::ssr_helpers::*;

#[server(endpoint = "community/sessions")]
pub async fn community_sessions(space: Option<String>) -> Result<SessionsView, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let who = who(&me);
    let now = services::store::now();
    let all_spaces = spaces(&me).await?;
    // Opened plainly, it opens where the next session is (or, with none to come, the last).
    let space = match space {
        Some(given) => given,
        None => where_sessions_are(&db, who, &all_spaces, now).await?,
    };
    let (space, link) = pick_space(&all_spaces, &space)?;
    let mut sessions = Vec::new();
    for s in sessions_store::list(&db, who, space).await? {
        let linked = sessions_store::linked_posts(&db, who, &s.id).await?;
        sessions.push(SessionView {
            started: s.starts_at <= now,
            organised_by_me: s.organiser_id == me.id,
            coming_count: s.coming_count as u32,
            minutes: s.minutes as u32,
            id: s.id,
            topic: s.topic,
            starts_at: s.starts_at,
            place: s.place,
            organiser: s.organiser,
            setting_name: s.setting_name,
            notes: s.notes,
            coming: s.coming,
            attended: s.attended,
            linked,
        });
    }
    let can_schedule = may_organise(&me, space).await?;
    let examples = if sessions.iter().any(|s| s.organised_by_me) {
        let filters = store::ListFilters {
            kind: Some(domain::community::PostKind::Example),
            ..Default::default()
        };
        store::list(&db, who, space, &filters, 1, 50)
            .await?
            .0
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect()
    } else {
        vec![]
    };
    Ok(SessionsView {
        spaces: all_spaces,
        space: link.param,
        space_name: link.name,
        sessions,
        can_schedule,
        examples,
    })
}

/// Of the person's `spaces`, the one with the soonest session to come; with none to come,
/// the one with the latest held; with none at all, their setting's own. Its address value.
#[cfg(feature = "ssr")]
async fn where_sessions_are(
    db: &services::store::Db,
    who: store::Who,
    spaces: &[crate::api::community::SpaceLink],
    now: i64,
) -> Result<String, AppError> {
    // Ranked so that smaller is better: any session to come before any held.
    let mut best: Option<((bool, i64), &str)> = None;
    for link in spaces {
        let Some(space) = Space::parse(&link.param) else {
            continue;
        };
        let starts = sessions_store::list(db, who, space)
            .await?
            .into_iter()
            .map(|s| s.starts_at);
        let (coming, held): (Vec<i64>, Vec<i64>) = starts.partition(|at| *at > now);
        let rank = match (coming.iter().min(), held.iter().max()) {
            (Some(next), _) => (false, *next),
            (None, Some(last)) => (true, -last),
            (None, None) => continue,
        };
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, &link.param));
        }
    }
    Ok(best
        .map(|(_, param)| param.to_string())
        .unwrap_or_else(|| Space::Setting.param()))
}

#[cfg(feature = "ssr")]
async fn may_organise(me: &Me, space: Space) -> Result<bool, AppError> {
    use domain::model::Role;
    Ok(matches!(me.role, Role::Senco | Role::Admin)
        || match space.network_id() {
            Some(id) => networks::is_moderator(&db()?, id, me.id).await?,
            None => false,
        })
}

/// Schedules a session (or records one held up to 60 days ago). The date and time are as
/// clocks in the organiser's setting show them.
#[server(endpoint = "community/schedule")]
pub async fn schedule_session(
    id: String,
    space: String,
    topic: String,
    date: String,
    time: String,
    minutes: String,
    place: String,
) -> Result<(), AppError> {
    let outcome = schedule(&id, &space, &topic, &date, &time, &minutes, &place).await;
    match &outcome {
        Ok(()) => crate::api::redirect_plain_form(&format!("/community/sessions?space={space}")),
        Err(error) => crate::api::plain_form_error::<ScheduleSession>(
            "/community/sessions",
            &[
                ("space", &space),
                ("topic", &topic),
                ("date", &date),
                ("time", &time),
                ("minutes", &minutes),
                ("place", &place),
            ],
            error,
        ),
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn schedule(
    id: &str,
    space: &str,
    topic: &str,
    date: &str,
    time: &str,
    minutes: &str,
    place: &str,
) -> Result<(), AppError> {
    use domain::community::{MAX_SESSION_AGE_DAYS, MAX_SESSION_MINUTES};
    let me = require_writer(Need::SignedIn).await?;
    let (space, _) = find_space(&me, space).await?;
    if !may_organise(&me, space).await? {
        return Err(AppError::Forbidden);
    }
    check_id(id)?;
    let mut checks = domain::validate::Checks::new();
    let topic = checks.check(
        "topic",
        match topic.trim() {
            t if t.chars().count() < 3 => Err("Give the session a topic.".to_string()),
            t if t.chars().count() > 200 => Err("Keep the topic to 200 characters.".to_string()),
            t => Ok(t.to_string()),
        },
    );
    let place = checks.check(
        "place",
        match place.trim() {
            "" => Err("Say where it is, or how to join online.".to_string()),
            p if p.chars().count() > 300 => Err("Keep this to 300 characters.".to_string()),
            p => Ok(p.to_string()),
        },
    );
    let minutes = checks.check(
        "minutes",
        minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (10..=MAX_SESSION_MINUTES).contains(m))
            .ok_or_else(|| {
                format!("Give the length in minutes, from 10 to {MAX_SESSION_MINUTES}.")
            }),
    );
    let now = services::store::now();
    let starts_at = checks.check(
        "date",
        me.zone
            .instant(date, time)
            .ok_or_else(|| "Give a date and a time, such as 2026-12-03 and 16:00.".to_string())
            .and_then(|at| {
                if at < now - MAX_SESSION_AGE_DAYS * 86_400 {
                    Err(format!("A session can be recorded up to {MAX_SESSION_AGE_DAYS} days after it was held."))
                } else if at > now + 400 * 86_400 {
                    Err("Schedule sessions up to a year ahead.".to_string())
                } else {
                    Ok(at)
                }
            }),
    );
    checks.finish()?;
    let (Some(topic), Some(place), Some(minutes), Some(starts_at)) =
        (topic, place, minutes, starts_at)
    else {
        return Err(AppError::Internal);
    };
    let new = sessions_store::NewSession {
        id,
        organiser_id: me.id,
        setting_id: me.setting_id,
        network_id: space.network_id(),
        topic: &topic,
        starts_at,
        minutes,
        place: &place,
    };
    match sessions_store::create(&db()?, &new).await? {
        store::Stored::Done => Ok(()),
        // Sessions are few and made by hand: they have no daily limit of their own.
        store::Stored::NotYours | store::Stored::Full => Err(refused_id()),
    }
}

#[cfg(feature = "ssr")]
async fn session_for(me: &Me, id: &str) -> Result<sessions_store::SessionRow, AppError> {
    sessions_store::get(&db()?, who(me), id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound("There is no such session, or it is not shared with you.".into())
        })
}

#[cfg(feature = "ssr")]
fn back_to(session: &sessions_store::SessionRow) -> String {
    let space = session
        .network_id
        .map_or(Space::Setting, Space::Network)
        .param();
    format!("/community/sessions?space={space}#session-{}", session.id)
}

/// Says the person is coming, or no longer is.
#[server(endpoint = "community/rsvp")]
pub async fn rsvp(session: String, coming: bool) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let found = session_for(&me, &session).await?;
    sessions_store::set_coming(&db()?, &found.id, me.id, coming).await?;
    crate::api::redirect_plain_form(&back_to(&found));
    Ok(())
}

/// Records that the person attended a session that has started: its time is added to
/// their CPD time.
#[server(endpoint = "community/attend")]
pub async fn attend(session: String) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let found = session_for(&me, &session).await?;
    if found.starts_at > services::store::now() {
        return Err(AppError::invalid(
            "attend",
            "You can record attending once the session has started.",
        ));
    }
    sessions_store::attend(&db()?, &found.id, me.id).await?;
    crate::api::redirect_plain_form(&back_to(&found));
    Ok(())
}

/// The organiser's notes after a session, linked to the examples discussed.
#[server(endpoint = "community/notes")]
pub async fn session_notes(
    session: String,
    notes: String,
    #[server(default)] discussed: Vec<String>,
) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let found = session_for(&me, &session).await?;
    if found.organiser_id != me.id {
        return Err(AppError::Forbidden);
    }
    let notes =
        domain::community::check_reply(&notes).map_err(|m| AppError::invalid("notes", m))?;
    let mut linked = Vec::new();
    for id in discussed.iter().take(50) {
        if let Some(post) = store::post(&db()?, who(&me), id).await? {
            linked.push(post.id);
        }
    }
    sessions_store::set_notes(&db()?, &found.id, &notes, &linked).await?;
    crate::api::redirect_plain_form(&back_to(&found));
    Ok(())
}
