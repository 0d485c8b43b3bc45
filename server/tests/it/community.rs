//! The community through the router: who sees what (setting-only, network, hidden), sharing
//! with the privacy check, answers marked as helpful, "I tried this" and its follow-up,
//! reports and moderation, sessions and CPD time, and the refusals of each.
//!
//! The demo data is the world: Oakfield and "Riverside College and Bridge Specialist
//! School" share network 1; `person_elsewhere` adds people of a third setting outside it.

use crate::common::*;
use app::api::community::{
    AcceptAnswer, CommunityPost, CommunityReports, CommunitySpace, Moderate, PostReply, PostView,
    PublishPost, ReportPost, ReportView, SpaceView, TriedThis,
};
use app::api::community_sessions::{
    Attend, CommunitySessions, ScheduleSession, SessionNotes, SessionsView,
};
use app::api::course::{CourseOverview, Overview};
use app::api::learning_log::{DueFollowUps, FollowUp, LogList, SaveAnswer};
use app::api::review::{NavCounts, Notices};
use domain::model::Role;
use http::StatusCode;

const BRIDGE_SENCO: &str = "senco@riversidebridge.example";
const BRIDGE_TEACHER: &str = "niamh.doherty@riversidebridge.example";
/// A post shared with Oakfield only.
const OAKFIELD_ONLY: &str = "demo-post-007";
/// Ella's post, shared with the network.
const NETWORK_POST: &str = "demo-post-000";

async fn post(app: &TestApp, cookie: &str, id: &str) -> Reply {
    app.call::<CommunityPost>(&[("id", id)], Some(cookie)).await
}

async fn space(app: &TestApp, cookie: &str, space: &str, q: &str) -> Reply {
    app.call::<CommunitySpace>(&[("space", space), ("q", q)], Some(cookie))
        .await
}

async fn publish(app: &TestApp, cookie: &str, extra: &[(&str, &str)]) -> Reply {
    let mut form = vec![
        ("id", "c1111111-2222-4333-8444-555555555555"),
        ("space", "network-1"),
        ("kind", "question"),
        ("title", "what helps with lining up after break?"),
        ("area", "semh"),
        ("sector", "school_age"),
        (
            "body",
            "a pupil in year 3 finds the noise hard. what has worked for you?",
        ),
        ("confirm_private", "on"),
    ];
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    app.call::<PublishPost>(&form, Some(cookie)).await
}

#[tokio::test]
async fn setting_only_network_and_outside_posts_are_seen_by_the_right_people_only() {
    let app = TestApp::new().await;
    app.person_elsewhere("outsider@elsewhere.example", Role::Senco)
        .await;
    let (sam, bridge, outsider) = (
        app.sign_in(SAM).await,
        app.sign_in(BRIDGE_TEACHER).await,
        app.sign_in("outsider@elsewhere.example").await,
    );
    // Oakfield-only: Sam yes; the network's other setting and outsiders no, and the same
    // "not found" as an id that does not exist.
    assert_eq!(post(&app, &sam, OAKFIELD_ONLY).await.status, StatusCode::OK);
    for cookie in [&bridge, &outsider] {
        let r = post(&app, cookie, OAKFIELD_ONLY).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert_eq!(r.body, post(&app, cookie, "no-such-post-id").await.body);
    }
    // Network posts: both settings of the network, nobody outside it.
    assert_eq!(
        post(&app, &bridge, NETWORK_POST).await.status,
        StatusCode::OK
    );
    assert_eq!(
        post(&app, &outsider, NETWORK_POST).await.status,
        StatusCode::NOT_FOUND
    );
    // (The outsider's page of the space, read beside the check that refuses it, is neither
    // shown nor kept for the network's members: the count below is theirs.)
    assert_eq!(
        space(&app, &outsider, "network-1", "").await.status,
        StatusCode::NOT_FOUND
    );
    // Lists and search never carry another setting's setting-only posts.
    let title = json::<PostView>(&post(&app, &sam, OAKFIELD_ONLY).await).title;
    let word = title.split_whitespace().last().unwrap().to_string();
    let mine: SpaceView = json(&space(&app, &sam, "setting", &word).await);
    assert!(mine.posts.iter().any(|p| p.id == OAKFIELD_ONLY));
    for space_name in ["setting", "network-1"] {
        let theirs: SpaceView = json(&space(&app, &bridge, space_name, "").await);
        assert!(
            !theirs.posts.iter().any(|p| p.id == OAKFIELD_ONLY),
            "{space_name}"
        );
    }
    let network: SpaceView = json(&space(&app, &bridge, "network-1", "").await);
    assert_eq!(network.total, 11, "the demo's network posts");
    // Replies are refused where the post cannot be seen.
    let r = app
        .call::<PostReply>(
            &[
                ("id", "d1111111-2222-4333-8444-555555555555"),
                ("post", OAKFIELD_ONLY),
                ("body", "Hello"),
            ],
            Some(&bridge),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// Opened plainly, the community opens where the life is: on the space with the newest
/// post the person may see. A space, a search or a page named in the address is kept.
#[tokio::test]
async fn the_community_opens_on_the_space_with_the_newest_post() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let opened = |extra: &'static [(&'static str, &'static str)]| {
        let (app, sam) = (&app, sam.clone());
        async move { json::<SpaceView>(&app.call::<CommunitySpace>(extra, Some(&sam)).await).space }
    };
    json::<String>(&publish(&app, &sam, &[]).await);
    assert_eq!(
        opened(&[]).await,
        "network-1",
        "a question in the network just now"
    );
    assert_eq!(opened(&[("space", "setting")]).await, "setting", "named");
    assert_eq!(
        opened(&[("q", "lining")]).await,
        "setting",
        "a search stays where it was"
    );
    json::<String>(
        &publish(
            &app,
            &sam,
            &[
                ("id", "c2222222-2222-4333-8444-555555555555"),
                ("space", "setting"),
            ],
        )
        .await,
    );
    assert_eq!(opened(&[]).await, "setting", "then one in the setting");
}

#[tokio::test]
async fn a_question_is_answered_across_the_network_and_the_asker_marks_what_helped() {
    let app = TestApp::new().await;
    let (sam, ella, bridge, oak_senco) = (
        app.sign_in(SAM).await,
        app.sign_in(ELLA).await,
        app.sign_in(BRIDGE_TEACHER).await,
        app.sign_in(SENCO).await,
    );
    let id = json::<String>(&publish(&app, &sam, &[]).await);
    // A retry of the same write stores it once; someone else's reuse of the id is refused.
    assert_eq!(json::<String>(&publish(&app, &sam, &[]).await), id);
    assert_eq!(
        publish(&app, &ella, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // The other setting sees it as new, answers it.
    let counts: NavCounts = json(&app.call::<Notices>(&[], Some(&bridge)).await);
    assert_eq!(counts.community_new, 1);
    let answer = "e1111111-2222-4333-8444-555555555555";
    let r = app
        .call::<PostReply>(
            &[
                ("id", answer),
                ("post", &id),
                ("body", "A visual countdown and going first."),
            ],
            Some(&bridge),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Only the asker (or their SENCo) marks the answer that helped.
    for cookie in [&ella, &bridge] {
        let r = app
            .call::<AcceptAnswer>(&[("post", &id), ("reply", answer)], Some(cookie))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    let r = app
        .call::<AcceptAnswer>(&[("post", &id), ("reply", "not-a-reply-of-it")], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .call::<AcceptAnswer>(&[("post", &id), ("reply", answer)], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let seen: PostView = json(&post(&app, &oak_senco, &id).await);
    assert_eq!(seen.accepted_reply_id.as_deref(), Some(answer));
    assert_eq!(seen.replies.len(), 1);
    assert!(
        seen.replies[0].by.specialist,
        "the specialist setting shows"
    );
    assert_eq!(
        seen.replies[0].by.setting,
        "Riverside College and Bridge Specialist School"
    );
    let answered: SpaceView = json(
        &app.call::<CommunitySpace>(
            &[
                ("space", "network-1"),
                ("answered", "yes"),
                ("kind", "question"),
            ],
            Some(&sam),
        )
        .await,
    );
    assert!(answered.posts.iter().any(|p| p.id == id && p.answered));
    // Looking at the space clears the "new" count.
    json::<SpaceView>(&space(&app, &bridge, "network-1", "").await);
    let counts: NavCounts = json(&app.call::<Notices>(&[], Some(&bridge)).await);
    assert_eq!(counts.community_new, 0);
}

#[tokio::test]
async fn sharing_asks_for_the_privacy_confirmation_and_flags_likely_names() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let before: SpaceView = json(&space(&app, &sam, "network-1", "").await);
    let r = publish(&app, &sam, &[("confirm_private", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("confirm_private"), "{}", r.body);
    let named = [(
        "body",
        "jayden in year 3 finds it hard; Jayden's mum and Mrs Okafor agree.",
    )];
    let r = publish(&app, &sam, &named).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for word in ["Jayden", "Mrs", "Okafor", "names_checked"] {
        assert!(r.body.contains(word), "{word}: {}", r.body);
    }
    let after: SpaceView = json(&space(&app, &sam, "network-1", "").await);
    assert_eq!(after.total, before.total, "nothing was published");
    // Hostile and oversized text gets a message naming the field, never a 5xx.
    let long = "x".repeat(domain::community::MAX_TEXT_CHARS + 1);
    let r = publish(&app, &sam, &[("body", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Shorten it by 1"), "{}", r.body);
    // Checked: published.
    let r = publish(&app, &sam, &[named[0], ("names_checked", "on")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A plain form that fails goes back to the form with what was typed.
    let r = app
        .call_with::<PublishPost>(
            &[
                ("id", "f1111111-2222-4333-8444-555555555555"),
                ("space", "setting"),
                ("kind", "example"),
                ("title", "a plain form example"),
                ("area", "semh"),
                ("sector", "school_age"),
                ("need", "kept need text"),
            ],
            Some(&sam),
            &[("accept", "text/html")],
        )
        .await;
    let location = r
        .headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        location.starts_with("/community/new?"),
        "{} {location}",
        r.status
    );
    assert!(location.contains("kept%20need%20text"), "{location}");
}

#[tokio::test]
async fn i_tried_this_makes_a_private_log_entry_and_a_follow_up() {
    let app = TestApp::new().await;
    let (sam, ella) = (app.sign_in(SAM).await, app.sign_in(ELLA).await);
    let entry = json::<String>(
        &app.call::<TriedThis>(&[("post", NETWORK_POST)], Some(&sam))
            .await,
    );
    // Twice is still one entry.
    assert_eq!(
        json::<String>(
            &app.call::<TriedThis>(&[("post", NETWORK_POST)], Some(&sam))
                .await
        ),
        entry
    );
    let log: Vec<app::api::learning_log::EntrySummary> =
        json(&app.call::<LogList>(&[], Some(&sam)).await);
    let tried = log.iter().find(|e| e.id == entry).expect("in Sam's log");
    assert_eq!(tried.section_href, format!("/community/p/{NETWORK_POST}"));
    let view: PostView = json(&post(&app, &sam, NETWORK_POST).await);
    let due = view
        .tried_entry
        .and_then(|t| t.follow_up_due)
        .expect("a follow-up");
    assert!(due > services::store::now() + 20 * 86_400);
    // The author sees nothing of it: the log is private.
    let theirs: PostView = json(&post(&app, &ella, NETWORK_POST).await);
    assert!(theirs.tried_entry.is_none());
    // Not due yet; once due it is on the home page, and its answer saves like any other.
    assert!(json::<Vec<FollowUp>>(&app.call::<DueFollowUps>(&[], Some(&sam)).await).is_empty());
    sqlx::query("UPDATE follow_ups SET due_at = 0 WHERE section_key LIKE 'community:%'")
        .execute(app.sql().await)
        .await
        .unwrap();
    let due: Vec<FollowUp> = json(&app.call::<DueFollowUps>(&[], Some(&sam)).await);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].href, format!("/community/p/{NETWORK_POST}#tried"));
    let key = domain::community::tried_key(NETWORK_POST);
    let save = |op: &'static str, who: String, key: String, prompt: &'static str| {
        let app = &app;
        async move {
            app.call::<SaveAnswer>(
                &[
                    ("op_id", op),
                    ("entry_id", op),
                    ("section_key", &key),
                    ("prompt_key", prompt),
                    ("base_rev", "0"),
                    ("body", "He now lines up first most days."),
                ],
                Some(&who),
            )
            .await
        }
    };
    let r = save(
        "a2222222-2222-4333-8444-555555555555",
        sam.clone(),
        key.clone(),
        "follow_up",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Nobody writes into a "tried" they never made, nor a made-up key.
    let r = save(
        "a3333333-2222-4333-8444-555555555555",
        ella.clone(),
        key.clone(),
        "follow_up",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = save(
        "a4444444-2222-4333-8444-555555555555",
        sam.clone(),
        "community:nothing".into(),
        "tried",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_report_reaches_the_authors_moderators_who_hide_it_for_everyone_else() {
    let app = TestApp::new().await;
    let (sam, ella, oak_senco, bridge, bridge_senco) = (
        app.sign_in(SAM).await,
        app.sign_in(ELLA).await,
        app.sign_in(SENCO).await,
        app.sign_in(BRIDGE_TEACHER).await,
        app.sign_in(BRIDGE_SENCO).await,
    );
    let r = app
        .call::<ReportPost>(&[("post", NETWORK_POST), ("reason", "x")], Some(&bridge))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let r = app
        .call::<ReportPost>(
            &[
                ("post", NETWORK_POST),
                ("reason", "It could identify the child."),
            ],
            Some(&bridge),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Ella's post: Oakfield's SENCo moderates it; the other setting's SENCo does not.
    let reports: Vec<ReportView> = json(&app.call::<CommunityReports>(&[], Some(&oak_senco)).await);
    assert_eq!(reports.len(), 1);
    assert!(
        json::<Vec<ReportView>>(&app.call::<CommunityReports>(&[], Some(&bridge_senco)).await)
            .is_empty()
    );
    let hide = |cookie: String| {
        let app = &app;
        async move {
            app.call::<Moderate>(
                &[
                    ("post", NETWORK_POST),
                    ("action", "hide"),
                    ("reason", "It could identify a child."),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    for cookie in [&sam, &bridge_senco, &ella] {
        assert_eq!(hide(cookie.clone()).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(hide(oak_senco.clone()).await.status, StatusCode::OK);
    // Hidden: gone for everyone but its author and moderators, who see why.
    for cookie in [&sam, &bridge] {
        assert_eq!(
            post(&app, cookie, NETWORK_POST).await.status,
            StatusCode::NOT_FOUND
        );
        let list: SpaceView = json(&space(&app, cookie, "network-1", "").await);
        assert!(!list.posts.iter().any(|p| p.id == NETWORK_POST));
    }
    let own: PostView = json(&post(&app, &ella, NETWORK_POST).await);
    assert_eq!(
        own.hidden_reason.as_deref(),
        Some("It could identify a child.")
    );
    assert_eq!(own.moderation.len(), 1, "the action is recorded");
    let moderated: PostView = json(&post(&app, &oak_senco, NETWORK_POST).await);
    assert!(moderated.moderator && moderated.hidden_reason.is_some());
    assert!(
        json::<Vec<ReportView>>(&app.call::<CommunityReports>(&[], Some(&oak_senco)).await)
            .is_empty()
    );
    // A network moderator may act on any of the network's posts.
    let niamh = app.user_id(BRIDGE_TEACHER).await;
    assert!(
        services::store::networks::add_moderator(&app.state.db, 1, niamh)
            .await
            .unwrap()
    );
    let seen: PostView = json(&post(&app, &bridge, NETWORK_POST).await);
    assert!(seen.moderator);
    let r = app
        .call::<Moderate>(
            &[
                ("post", NETWORK_POST),
                ("action", "unhide"),
                ("reason", "Edited by the author."),
            ],
            Some(&bridge),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(post(&app, &sam, NETWORK_POST).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sessions_open_on_the_space_where_the_next_session_is() {
    let app = TestApp::new().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    let opened = |space: Option<&'static str>| {
        let (app, sam) = (&app, sam.clone());
        async move {
            let args: Vec<(&str, &str)> = space.map(|s| ("space", s)).into_iter().collect();
            json::<SessionsView>(&app.call::<CommunitySessions>(&args, Some(&sam)).await).space
        }
    };
    // The demo's next session is the network's, a week away; the setting has none.
    assert_eq!(opened(None).await, "network-1");
    assert_eq!(opened(Some("setting")).await, "setting", "named");
    // One of the setting's own, sooner, takes over.
    let tomorrow = time::OffsetDateTime::now_utc().date().next_day().unwrap();
    let date = format!(
        "{}-{:02}-{:02}",
        tomorrow.year(),
        u8::from(tomorrow.month()),
        tomorrow.day()
    );
    let r = app
        .call::<ScheduleSession>(
            &[
                ("id", "a6666666-2222-4333-8444-555555555555"),
                ("space", "setting"),
                ("topic", "Tomorrow's twilight"),
                ("date", &date),
                ("time", "16:00"),
                ("minutes", "45"),
                ("place", "The hall"),
            ],
            Some(&senco),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(opened(None).await, "setting");
}

#[tokio::test]
async fn an_attended_session_adds_its_time_to_cpd_and_only_organisers_schedule() {
    let app = TestApp::new().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    let yesterday = time::OffsetDateTime::now_utc()
        .date()
        .previous_day()
        .unwrap();
    let date = format!(
        "{}-{:02}-{:02}",
        yesterday.year(),
        u8::from(yesterday.month()),
        yesterday.day()
    );
    let schedule = |cookie: String, id: &'static str, date: String| {
        let app = &app;
        async move {
            app.call::<ScheduleSession>(
                &[
                    ("id", id),
                    ("space", "network-1"),
                    ("topic", "Swap and support"),
                    ("date", &date),
                    ("time", "16:00"),
                    ("minutes", "45"),
                    ("place", "The library"),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    let id = "a5555555-2222-4333-8444-555555555555";
    assert_eq!(
        schedule(sam.clone(), id, date.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let r = schedule(senco.clone(), id, "2026-02-30".into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("date"), "{}", r.body);
    assert_eq!(
        schedule(senco.clone(), id, date).await.status,
        StatusCode::OK
    );
    let before: Overview = json(&app.call::<CourseOverview>(&[], Some(&sam)).await);
    let r = app.call::<Attend>(&[("session", id)], Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after: Overview = json(&app.call::<CourseOverview>(&[], Some(&sam)).await);
    assert_eq!(after.cpd_minutes, before.cpd_minutes + 45);
    // Recording it twice counts it once; a session not yet started cannot be attended.
    app.call::<Attend>(&[("session", id)], Some(&sam)).await;
    let again: Overview = json(&app.call::<CourseOverview>(&[], Some(&sam)).await);
    assert_eq!(again.cpd_minutes, after.cpd_minutes);
    let r = app
        .call::<Attend>(&[("session", "demo-session-next")], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let view: SessionsView = json(
        &app.call::<CommunitySessions>(&[("space", "network-1")], Some(&sam))
            .await,
    );
    assert!(view.sessions.iter().any(|s| s.id == id && s.attended));
    // Afterwards the organiser's notes link the examples discussed; each reader sees only
    // those they may see.
    let notes = |cookie: String| {
        let app = &app;
        async move {
            app.call::<SessionNotes>(
                &[
                    ("session", id),
                    ("notes", "We compared two approaches."),
                    ("discussed[0]", NETWORK_POST),
                    ("discussed[1]", OAKFIELD_ONLY),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(notes(sam.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(notes(senco.clone()).await.status, StatusCode::OK);
    let bridge = app.sign_in(BRIDGE_TEACHER).await;
    for (cookie, linked) in [(&sam, 2), (&bridge, 1)] {
        let view: SessionsView = json(
            &app.call::<CommunitySessions>(&[("space", "network-1")], Some(cookie))
                .await,
        );
        let session = view.sessions.iter().find(|s| s.id == id).unwrap();
        assert_eq!(session.notes, "We compared two approaches.");
        assert_eq!(session.linked.len(), linked);
    }
}

#[tokio::test]
async fn followers_hear_of_new_replies_in_their_digest_without_the_text() {
    let app = TestApp::new().await;
    let (sam, bridge) = (app.sign_in(SAM).await, app.sign_in(BRIDGE_TEACHER).await);
    let r = app
        .call::<app::api::community::FollowPost>(
            &[("post", NETWORK_POST), ("on", "true")],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = "a reply whose words stay in Tandem";
    let r = app
        .call::<PostReply>(
            &[
                ("id", "a6666666-2222-4333-8444-555555555555"),
                ("post", NETWORK_POST),
                ("body", secret),
            ],
            Some(&bridge),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pending = services::store::digest::pending(&app.state.db)
        .await
        .unwrap();
    let sams: Vec<_> = pending
        .iter()
        .filter(|l| l.recipient_email == SAM)
        .cloned()
        .collect();
    assert_eq!(sams.len(), 1, "one new reply on the thread Sam follows");
    let (subject, body) =
        services::mail::compose(&app.state.course, &sams, "https://tandem.example");
    assert!(
        subject.contains("1 new reply in the community"),
        "{subject}"
    );
    assert!(body.contains("Niamh Doherty replied"), "{body}");
    assert!(!body.contains(secret), "{body}");
    // Its author hears nothing of their own reply.
    assert!(!pending.iter().any(|l| l.recipient_email == BRIDGE_TEACHER));
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_a_post_and_edits_keep_the_earlier_text() {
    let app = TestApp::new().await;
    let (sam, ella, senco) = (
        app.sign_in(SAM).await,
        app.sign_in(ELLA).await,
        app.sign_in(SENCO).await,
    );
    let id = json::<String>(&publish(&app, &sam, &[]).await);
    let edit = [
        ("editing", id.as_str()),
        ("title", "what helps with lining up after lunch?"),
    ];
    // Someone else's edit or delete is refused and changes nothing.
    for cookie in [&ella, &senco] {
        assert_eq!(
            publish(&app, cookie, &edit).await.status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .call::<app::api::community::DeletePost>(&[("post", &id)], Some(cookie))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        json::<PostView>(&post(&app, &sam, &id).await).title,
        "what helps with lining up after break?"
    );
    // The author's edit keeps the earlier version; their delete removes the post.
    assert_eq!(publish(&app, &sam, &edit).await.status, StatusCode::OK);
    let edited: PostView = json(&post(&app, &sam, &id).await);
    assert_eq!(edited.title, "what helps with lining up after lunch?");
    assert_eq!(edited.revisions.len(), 1);
    assert_eq!(
        edited.revisions[0].1,
        "what helps with lining up after break?"
    );
    let r = app
        .call::<app::api::community::DeletePost>(&[("post", &id)], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(post(&app, &sam, &id).await.status, StatusCode::NOT_FOUND);
    // A retried publish of the deleted post's id does not bring it back.
    assert_eq!(json::<String>(&publish(&app, &sam, &[]).await), id);
    assert_eq!(post(&app, &ella, &id).await.status, StatusCode::NOT_FOUND);
}
