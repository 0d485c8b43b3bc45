//! The course server functions: refusals, progress that counts once, sector views.

use crate::common::*;
use app::api::course::{
    CourseOverview, ModuleData, ModuleView, Overview, RecordProgress, SectionData, SectionView,
    ViewSegment,
};
use app::api::guide::FacilitatorGuide;
use domain::model::Sector;
use domain::progress::Status;
use http::StatusCode;

const OP: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

#[tokio::test]
async fn the_course_needs_a_signed_in_person() {
    let app = TestApp::new().await;
    for (endpoint, form) in [
        (Endpoint::of::<CourseOverview>(), vec![]),
        (Endpoint::of::<ModuleView>(), vec![("key", "m1")]),
        (
            Endpoint::of::<SectionView>(),
            vec![("module", "m1"), ("section", "knowledge")],
        ),
        (
            Endpoint::of::<RecordProgress>(),
            vec![
                ("op_id", OP),
                ("section_key", "m1.knowledge"),
                ("kind", "completed"),
            ],
        ),
    ] {
        assert_eq!(
            app.call_at(endpoint, &form, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    let page = app.get("/modules/m1/knowledge", None).await;
    assert_eq!(page.status, StatusCode::FOUND);
}

async fn overview(app: &TestApp, cookie: &str) -> Overview {
    let reply = app.call::<CourseOverview>(&[], Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn record(app: &TestApp, cookie: &str, op: &str, key: &str, kind: &str) -> StatusCode {
    app.call::<RecordProgress>(
        &[("op_id", op), ("section_key", key), ("kind", kind)],
        Some(cookie),
    )
    .await
    .status
}

#[tokio::test]
async fn a_new_practitioner_starts_at_the_beginning() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let o = overview(&app, &sam).await;
    assert_eq!(o.modules.len(), 7);
    assert_eq!((o.overall.complete, o.overall.total), (0, 24));
    assert_eq!(o.cpd_minutes, 0);
    let resume = o.resume.unwrap();
    assert_eq!(resume.href, "/modules/m1/knowledge");
    assert!(!resume.started);
    assert!(o.modules.iter().all(|m| m.status == Status::NotStarted));
}

#[tokio::test]
async fn a_completion_sent_twice_counts_once_and_progress_is_per_person() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    assert_eq!(
        record(&app, &sam, OP, "m1.knowledge", "completed").await,
        StatusCode::OK
    );
    assert_eq!(
        record(&app, &sam, OP, "m1.knowledge", "completed").await,
        StatusCode::OK
    );
    let o = overview(&app, &sam).await;
    assert_eq!(o.overall.complete, 1);
    assert_eq!(o.modules[0].tally.explain(), "1 of 3 sections complete");
    assert_eq!(o.modules[0].status, Status::InProgress);
    // CPD time is the section's estimated minutes, from the one rule (content/README.md).
    let (_, knowledge) = app.state.course.section("m1.knowledge").unwrap();
    assert_eq!(o.cpd_minutes, knowledge.minutes);
    assert!(
        (30..=60).contains(&knowledge.minutes),
        "{}",
        knowledge.minutes
    );
    assert_eq!(o.resume.unwrap().href, "/modules/m1/practice");
    let events: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM progress_events")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(events.0, 1);

    let ella = app.sign_in(ELLA).await;
    assert_eq!(
        overview(&app, &ella).await.overall.complete,
        0,
        "Sam's progress is his own"
    );
    // Ella cannot replay Sam's op id to affect anything of his or hers.
    assert_eq!(
        record(&app, &ella, OP, "m2.knowledge", "completed").await,
        StatusCode::OK
    );
    assert_eq!(overview(&app, &ella).await.overall.complete, 0);
}

/// "Continue where you left off" goes to the next unfinished section after the one
/// finished last: glancing at a later module does not move it, finishing something there
/// does.
#[tokio::test]
async fn resuming_follows_the_section_after_the_latest_finished_one() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let op = |n: u32| format!("00000000-0000-4000-8000-{n:012}");
    record(&app, &sam, &op(1), "m1.knowledge", "completed").await;
    record(&app, &sam, &op(2), "m6.knowledge", "opened").await;
    let resume = overview(&app, &sam).await.resume.unwrap();
    assert_eq!(resume.href, "/modules/m1/practice", "a glance at module 6");

    record(&app, &sam, &op(3), "m3.practice", "opened").await;
    record(&app, &sam, &op(4), "m3.practice", "completed").await;
    let resume = overview(&app, &sam).await.resume.unwrap();
    assert_eq!(
        resume.href, "/modules/m3/reflection",
        "finished in module 3"
    );
    assert!(resume.started);
    let m3 = app.state.course.module("m3").unwrap();
    let (_, practice) = app.state.course.section("m3.practice").unwrap();
    assert_eq!(
        resume.minutes_left_in_module,
        m3.minutes() - practice.minutes
    );
}

#[tokio::test]
async fn bad_progress_is_refused_with_reasons() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    assert_eq!(
        record(&app, &sam, "x", "m1.knowledge", "completed").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        record(&app, &sam, OP, "m1.nothing", "completed").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        record(&app, &sam, OP, "m1.knowledge", "uncompleted").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let zero = app
        .call::<RecordProgress>(
            &[
                ("op_id", OP),
                ("section_key", "m1.knowledge"),
                ("kind", "time_spent"),
                ("seconds", "0"),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY);
    let minute = app
        .call::<RecordProgress>(
            &[
                ("op_id", OP),
                ("section_key", "m1.knowledge"),
                ("kind", "time_spent"),
                ("seconds", "60"),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(minute.status, StatusCode::OK);
    assert_eq!(overview(&app, &sam).await.active_minutes, 1);
}

#[tokio::test]
async fn sections_show_the_persons_sector_unless_they_ask_for_another() {
    let app = TestApp::new().await;
    let ella = app.sign_in(ELLA).await;
    let sectors = |reply: crate::common::Reply| -> Vec<Sector> {
        let view: SectionData = serde_json::from_str(&reply.body).unwrap();
        view.segments
            .iter()
            .filter_map(|s| {
                if let ViewSegment::Sector(x, _) = s {
                    Some(*x)
                } else {
                    None
                }
            })
            .collect()
    };
    let own = app
        .call::<SectionView>(&[("module", "m1"), ("section", "knowledge")], Some(&ella))
        .await;
    let own = sectors(own);
    assert!(!own.is_empty());
    assert!(own.iter().all(|s| *s == Sector::EarlyYears));
    let other = app
        .call::<SectionView>(
            &[
                ("module", "m1"),
                ("section", "knowledge"),
                ("sector", "post_16"),
            ],
            Some(&ella),
        )
        .await;
    assert!(sectors(other).iter().all(|s| *s == Sector::Post16));
    let missing = app
        .call::<SectionView>(&[("module", "m1"), ("section", "nowhere")], Some(&ella))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn module_pages_list_outcomes_sections_and_reading() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let reply = app.call::<ModuleView>(&[("key", "m5")], Some(&sam)).await;
    let module: ModuleData = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(module.sections.len(), 4);
    assert!(module.outcomes.len() >= 3);
    assert!(module
        .reading
        .iter()
        .any(|r| r.title.contains("code of practice") || r.title.contains("Code of Practice")));
    assert_eq!(
        app.call::<ModuleView>(&[("key", "m9")], Some(&sam))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_section_page_is_server_rendered_with_the_readers_examples() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let page = app.get("/modules/m2/knowledge", Some(&sam)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("School age example"));
    assert!(!page.body.contains("Early Years example"));
    assert!(
        page.body
            .contains(&format!(r#"action="{}""#, RecordProgress::PATH)),
        "mark as complete works without wasm"
    );
    let other = app
        .get("/modules/m2/knowledge?sector=early_years", Some(&sam))
        .await;
    assert!(other.body.contains("Early Years example"));
    assert!(other.body.contains("not your own sector"));
    assert_eq!(
        app.get("/modules/m2/nowhere", Some(&sam)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_reform_box_is_dated_and_other_modules_link_to_it() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let page = app.get("/modules/m5/knowledge", Some(&sam)).await;
    assert_eq!(page.status, StatusCode::OK);
    let reviewed = app
        .state
        .course
        .section("m5.knowledge")
        .unwrap()
        .1
        .reviewed
        .clone()
        .unwrap();
    assert!(
        page.body
            .contains(r#"<aside class="may-change" id="what-may-change""#),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&format!(r#"Last reviewed <time datetime="{reviewed}">"#)));
    for section in ["m3/knowledge", "m4/knowledge"] {
        let page = app.get(&format!("/modules/{section}"), Some(&sam)).await;
        assert!(
            page.body
                .contains(r#"href="/modules/m5/knowledge#what-may-change""#),
            "{section} links to the box"
        );
    }
}

#[tokio::test]
async fn the_facilitator_guide_is_for_sencos_only() {
    let app = TestApp::new().await;
    assert_eq!(
        app.call::<FacilitatorGuide>(&[], None).await.status,
        StatusCode::UNAUTHORIZED
    );
    for who in [SAM, ELLA, ADMIN] {
        let cookie = app.sign_in(who).await;
        assert_eq!(
            app.call::<FacilitatorGuide>(&[], Some(&cookie))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let page = app.get("/facilitator", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{who}");
        assert!(page.body.contains("You cannot see this page"));
    }
    assert_eq!(
        app.get("/facilitator", None).await.status,
        StatusCode::FOUND
    );
}

#[tokio::test]
async fn a_senco_reads_the_facilitator_guide_with_module_times() {
    use app::api::guide::GuideView;
    let app = TestApp::new().await;
    let senco = app.sign_in(SENCO).await;
    let reply = app.call::<FacilitatorGuide>(&[], Some(&senco)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let guide: GuideView = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(guide.title, app.state.course.facilitator.title);
    assert_eq!(guide.modules.len(), 7);
    assert_eq!(guide.total_minutes, app.state.course.minutes());
    assert_eq!(
        guide.modules.iter().map(|m| m.minutes).sum::<u32>(),
        guide.total_minutes
    );
    assert!(guide.modules.iter().all(|m| m.activities > 0));
    assert!(
        guide.html.contains("<h2>"),
        "the guide is rendered Markdown"
    );
    let page = app.get("/facilitator", Some(&senco)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("How long each module takes"));
    assert!(
        page.body.contains(r#"href="/facilitator""#),
        "linked from the SENCo's navigation"
    );
}
