//! A CPD plan's rhythm through the router: check-ins answered in the learning log only once
//! open and only by their author, what the SENCo sees of them, term dates that are the
//! admin's to set, and the end review that opens with the last check-in.

use crate::common::*;
use app::api::admin::{SetTermDates, TermDates};
use app::api::check_in::{
    CheckIn, CheckInReminder, EndReview, EndReviewView, Reminder, SaveEndReview, SetPlanStart,
};
use app::api::learning_log::{Answer, SaveAnswer, SaveReply, SectionAnswers};
use app::api::plan::{PlanView, ReadPlan, SavePlan, SharePlan};
use domain::check_in::State;
use http::StatusCode;

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

async fn answer(
    app: &TestApp,
    cookie: &str,
    n: u32,
    key: &str,
    prompt: &str,
    base: i64,
    body: &str,
) -> Reply {
    app.call::<SaveAnswer>(
        &[
            ("op_id", &uuid(n)),
            ("entry_id", &uuid(1000 + n)),
            ("section_key", key),
            ("prompt_key", prompt),
            ("base_rev", &base.to_string()),
            ("body", body),
        ],
        Some(cookie),
    )
    .await
}

async fn start_plan(app: &TestApp, cookie: &str) {
    let form = [
        ("owner", ""),
        ("base_rev", "0"),
        ("goal1", "Help J join in from the start of lessons"),
        ("modules1[]", "m4"),
        ("learners1", "J, Year 4"),
    ];
    let r = app.call::<SavePlan>(&form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn plan(app: &TestApp, cookie: &str, owner: i64) -> Reply {
    app.call::<ReadPlan>(&[("owner", &owner.to_string())], Some(cookie))
        .await
}

#[tokio::test]
async fn a_check_in_is_answered_in_the_log_once_open_and_only_by_its_author() {
    let app = TestApp::new().await;
    let (sam, ella, senco) = (
        app.sign_in(SAM).await,
        app.sign_in(ELLA).await,
        app.sign_in(SENCO).await,
    );
    let sam_id = app.user_id(SAM).await;
    let first = domain::check_in::key(1);

    // No plan, no check-in: nothing to answer, and nothing is written.
    let r = answer(&app, &sam, 1, &first, "tried", 0, "Too early").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.call::<CheckIn>(&[("number", "1")], Some(&sam)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    start_plan(&app, &sam).await;
    let mine: PlanView = json(&plan(&app, &sam, 0).await);
    assert_eq!(mine.check_ins.len(), 4);
    assert_ne!(
        mine.check_ins[0].state,
        State::Later,
        "the first opens with the plan"
    );
    assert!(
        mine.check_ins[1..].iter().all(|c| c.state == State::Later),
        "{:?}",
        mine.check_ins
    );
    assert!(!mine.end_review_open);

    // The second has not opened; a question no check-in asks is not one.
    let second = domain::check_in::key(2);
    for (key, prompt) in [
        (second.as_str(), "tried"),
        (first.as_str(), "p1"),
        ("plan:check-in:9", "tried"),
    ] {
        let r = answer(&app, &sam, 2, key, prompt, 0, "Words").await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{key} {prompt}: {}",
            r.body
        );
    }
    let r = app.call::<CheckIn>(&[("number", "2")], Some(&sam)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Answered like any log answer: a retry is applied once, a stale text kept as a conflict.
    let saved: SaveReply =
        json(&answer(&app, &sam, 3, &first, "tried", 0, "Visual timetable with J").await);
    let again: SaveReply =
        json(&answer(&app, &sam, 3, &first, "tried", 0, "Visual timetable with J").await);
    assert_eq!((saved.rev, again.rev), (1, 1), "a retry changes nothing");
    let stale: SaveReply = json(
        &answer(
            &app,
            &sam,
            4,
            &first,
            "tried",
            0,
            "From the tablet, offline",
        )
        .await,
    );
    assert!(stale.conflict.is_some(), "{stale:?}");
    let asked: Vec<Answer> = json(
        &app.call::<SectionAnswers>(&[("section_key", &first)], Some(&sam))
            .await,
    );
    let keys: Vec<&str> = asked.iter().map(|a| a.prompt_key.as_str()).collect();
    assert_eq!(keys, ["tried", "changed", "next"]);
    assert_eq!(asked[0].body, "Visual timetable with J");

    // Ella's check-in 1 is her own (her demo plan): Sam's words are not in it.
    let hers = app
        .call::<SectionAnswers>(&[("section_key", &first)], Some(&ella))
        .await;
    assert!(!hers.body.contains("Visual timetable"), "{}", hers.body);

    let mine: PlanView = json(&plan(&app, &sam, 0).await);
    assert_eq!(mine.check_ins[0].state, State::Done);
    let view: app::api::check_in::CheckInView =
        json(&app.call::<CheckIn>(&[("number", "1")], Some(&sam)).await);
    assert_eq!(view.of, 4);

    // The SENCo sees nothing until it is shared, then whether each is done, never the words.
    assert_eq!(
        plan(&app, &senco, sam_id).await.status,
        StatusCode::NOT_FOUND
    );
    app.call::<SharePlan>(&[("share", "true")], Some(&sam))
        .await;
    let r = plan(&app, &senco, sam_id).await;
    let seen: PlanView = json(&r);
    assert_eq!(seen.check_ins[0].state, State::Done);
    assert!(!r.body.contains("Visual timetable"), "{}", r.body);

    // Nobody signed in gets nothing.
    for r in [
        app.call::<CheckIn>(&[("number", "1")], None).await,
        app.call::<CheckInReminder>(&[], None).await,
        app.call::<EndReview>(&[], None).await,
    ] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
}

#[tokio::test]
async fn the_end_review_opens_with_the_last_check_in_and_sits_beside_the_first() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let rated: Vec<(&str, &str)> = domain::self_review::Area::ALL
        .iter()
        .map(|a| (a.rating_field(), "3"))
        .collect();

    // No plan: no end review.
    assert_eq!(
        app.call::<EndReview>(&[], Some(&sam)).await.status,
        StatusCode::NOT_FOUND
    );
    start_plan(&app, &sam).await;
    let v: EndReviewView = json(&app.call::<EndReview>(&[], Some(&sam)).await);
    assert!(!v.open);
    let r = app.call::<SaveEndReview>(&rated, Some(&sam)).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "not before it opens: {}",
        r.body
    );

    // A start day ahead, or more than a year back, is refused and changes nothing.
    let day = |days_ago: i64| {
        let today = domain::zone::Zone::named("Europe/London")
            .unwrap()
            .day(services::store::now());
        domain::terms::iso(today - days_ago)
    };
    for (bad, says) in [
        (day(-2), "future"),
        (day(400), "last year"),
        ("soon".to_string(), "as in"),
    ] {
        let r = app
            .call::<SetPlanStart>(&[("started", &bad)], Some(&sam))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(says), "{bad}: {}", r.body);
    }
    // Brought into Tandem part-way: started 360 days ago, its two terms are over. The end
    // review is open, and no check-in is chased any more.
    let r = app
        .call::<SetPlanStart>(&[("started", &day(360))], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine: PlanView = json(&plan(&app, &sam, 0).await);
    assert_eq!(mine.started_on, day(360));
    assert!(mine.end_review_open);
    assert!(
        mine.check_ins.iter().all(|c| c.state == State::Missed),
        "{:?}",
        mine.check_ins
    );
    let reminder: Option<Reminder> = json(&app.call::<CheckInReminder>(&[], Some(&sam)).await);
    assert_eq!(reminder, None);
    let v: EndReviewView = json(&app.call::<EndReview>(&[], Some(&sam)).await);
    assert!(v.open && v.end.is_none());
    assert_eq!(v.goals.len(), 1);
    assert_eq!(
        v.goals[0].modules,
        ["Module 4: Working towards meaningful outcomes"]
    );

    // Refused field by field, keeping nothing half-saved; then saved beside the start.
    let r = app.call::<SaveEndReview>(&rated[..2], Some(&sam)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("evidence_rating"), "{}", r.body);
    let r = app.call::<SaveEndReview>(&rated, Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: EndReviewView = json(&app.call::<EndReview>(&[], Some(&sam)).await);
    assert_eq!(v.end.expect("saved").answers.len(), 6);
    assert!(
        v.start.is_none(),
        "Sam never wrote a starting self-review: the start stays empty"
    );
}

#[tokio::test]
async fn term_dates_are_the_admins_to_set_and_each_bad_line_is_named() {
    let app = TestApp::new().await;
    let (admin, senco) = (app.sign_in(ADMIN).await, app.sign_in(SENCO).await);
    let good = "2027-01-04 to 2027-02-12\n2027-02-22 to 2027-03-26\n";
    for who in [Some(senco.as_str()), None] {
        let r = app.call::<SetTermDates>(&[("terms", good)], who).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED),
            "{}",
            r.body
        );
    }
    let r = app
        .call::<SetTermDates>(
            &[(
                "terms",
                "2027-01-04 to 2027-02-12\nafter Easter\n2027-02-30 to 2027-03-26",
            )],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("Line 2") && r.body.contains("2027-02-30 is not a date"),
        "{}",
        r.body
    );
    let kept: String = json(&app.call::<TermDates>(&[], Some(&admin)).await);
    assert_eq!(kept, "", "nothing half-saved");
    let r = app
        .call::<SetTermDates>(&[("terms", good)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let kept: String = json(&app.call::<TermDates>(&[], Some(&admin)).await);
    assert_eq!(kept, good);
    // Another setting's admin sees none of them.
    app.person_elsewhere("admin@riverside.example", domain::model::Role::Admin)
        .await;
    let other = app.sign_in("admin@riverside.example").await;
    let theirs: String = json(&app.call::<TermDates>(&[], Some(&other)).await);
    assert_eq!(theirs, "");
}

/// Half-terms set around today (days from it): one ended, one ending in five days, two ahead.
pub(crate) fn terms_around_today() -> (String, i64) {
    let today = domain::zone::Zone::named("Europe/London")
        .unwrap()
        .day(services::store::now());
    let iso = |d: i64| domain::terms::iso(today + d);
    let text = [(-40, -20), (-10, 5), (20, 60), (70, 100)]
        .iter()
        .map(|(a, b)| format!("{} to {}\n", iso(*a), iso(*b)))
        .collect();
    (text, today)
}

#[tokio::test]
async fn home_mentions_the_check_in_due_soon_then_the_latest_missed_then_none() {
    let app = TestApp::new().await;
    let (admin, sam) = (app.sign_in(ADMIN).await, app.sign_in(SAM).await);
    let (terms, today) = terms_around_today();
    let r = app
        .call::<SetTermDates>(&[("terms", &terms)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let reminder = || async {
        let r: Option<Reminder> = json(&app.call::<CheckInReminder>(&[], Some(&sam)).await);
        r.map(|r| (r.number, r.state))
    };
    assert_eq!(reminder().await, None, "no plan, nothing to mention");
    start_plan(&app, &sam).await;
    let started = domain::terms::iso(today - 30);
    let r = app
        .call::<SetPlanStart>(&[("started", &started)], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The first half-term ended unanswered; the second ends in five days.
    let mine: PlanView = json(&plan(&app, &sam, 0).await);
    assert_eq!(
        mine.check_ins[1].state,
        State::DueSoon,
        "{:?}",
        mine.check_ins
    );
    // Answering the one due leaves the latest missed; answering that leaves nothing.
    let steps = [(2, "tried", Some((1, State::Missed))), (1, "next", None)];
    assert_eq!(reminder().await, Some((2, State::DueSoon)));
    for (n, (number, prompt, then)) in steps.into_iter().enumerate() {
        let key = domain::check_in::key(number);
        let r = answer(&app, &sam, n as u32 + 1, &key, prompt, 0, "Now and then").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(reminder().await, then);
    }
}
