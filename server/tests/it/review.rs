//! SENCo review and oversight through the router: the queue, decisions, badges, the
//! dashboard, exports, the audit trail, and every refusal.

use crate::common::*;
use app::api::course::RecordProgress;
use app::api::learning_log::{Access, EntryDetail, LogEntry, SaveAnswer, SubmitEntries};
use app::api::review::{
    MyEntryViews, NavCounts, Notices, QueueView, ReviewAct, ReviewDetail, ReviewEntry, ReviewQueue,
};
use app::api::staff::{Dashboard, MemberView, StaffDashboard, StaffMember};
use domain::learning_log::EntryStatus;
use domain::model::Role;
use http::StatusCode;

const ENTRY: &str = "11111111-2222-4333-8444-555555555555";

async fn write(app: &TestApp, cookie: &str, op: u32, base: i64, body: &str) {
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", &format!("00000000-0000-4000-8000-{op:012}")),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", &base.to_string()),
                ("body", body),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn submit(app: &TestApp, cookie: &str) {
    let r = app
        .call::<SubmitEntries>(&[("id", ENTRY)], Some(cookie))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn act(app: &TestApp, cookie: &str, rev: i64, action: &str, comment: &str) -> Reply {
    app.call::<ReviewAct>(
        &[
            ("id", ENTRY),
            ("rev", &rev.to_string()),
            ("action", action),
            ("comment", comment),
        ],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn the_review_loop_from_submission_to_reviewed() {
    let app = TestApp::new().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    write(&app, &sam, 1, 0, "Jay settled with a visual timetable").await;

    let queue: QueueView = json(&app.call::<ReviewQueue>(&[], Some(&senco)).await);
    assert!(queue.items.is_empty(), "a draft is not in the queue");
    let r = app
        .call::<ReviewEntry>(&[("id", ENTRY)], Some(&senco))
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a SENCo cannot open a draft"
    );

    submit(&app, &sam).await;
    let counts: NavCounts = json(&app.call::<Notices>(&[], Some(&senco)).await);
    assert_eq!(counts.awaiting_review, 1);
    let queue: QueueView = json(&app.call::<ReviewQueue>(&[], Some(&senco)).await);
    assert_eq!(queue.items[0].author, "Sam Taylor");
    assert!(!queue.items[0].resubmitted);
    let review: ReviewDetail = json(
        &app.call::<ReviewEntry>(&[("id", ENTRY)], Some(&senco))
            .await,
    );
    assert_eq!((review.rev, review.changes), (1, None));

    // A revision request needs a comment; the refusal says so.
    let r = act(&app, &senco, 1, "needs_revision", "  ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("needs a comment"), "{}", r.body);
    let status: EntryStatus =
        json(&act(&app, &senco, 1, "needs_revision", "Say what Jay did next.").await);
    assert_eq!(status, EntryStatus::NeedsRevision);

    // The practitioner sees the badge, then the comment; opening the entry clears the badge.
    let counts: NavCounts = json(&app.call::<Notices>(&[], Some(&sam)).await);
    assert_eq!(counts.unread_feedback, 1);
    let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", ENTRY)], Some(&sam)).await);
    assert_eq!(detail.summary.status, EntryStatus::NeedsRevision);
    assert!(detail.feedback[0].unread && detail.feedback[0].body == "Say what Jay did next.");
    assert!(
        detail.viewed_by.iter().any(|a| a.what == "Read"),
        "the author sees who read it"
    );
    let counts: NavCounts = json(&app.call::<Notices>(&[], Some(&sam)).await);
    assert_eq!(counts.unread_feedback, 0);

    // Revised and resubmitted: back in the queue, with the change shown against the old text.
    write(
        &app,
        &sam,
        2,
        1,
        "Jay settled with a visual timetable and then chose his own task",
    )
    .await;
    submit(&app, &sam).await;
    let queue: QueueView = json(&app.call::<ReviewQueue>(&[], Some(&senco)).await);
    assert!(queue.items[0].resubmitted);
    let review: ReviewDetail = json(
        &app.call::<ReviewEntry>(&[("id", ENTRY)], Some(&senco))
            .await,
    );
    assert_eq!((review.rev, review.versions.len()), (2, 2));
    let changes = review
        .changes
        .expect("a comparison with the earlier version");
    assert!(changes
        .iter()
        .any(|c| matches!(c, domain::review::Change::Added(t) if t.contains("chose"))));

    // A decision on the old version is refused; on the new one it lands.
    let r = act(&app, &senco, 1, "reviewed", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let status: EntryStatus = json(&act(&app, &senco, 2, "reviewed", "Thank you").await);
    assert_eq!(status, EntryStatus::Reviewed);
    let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", ENTRY)], Some(&sam)).await);
    assert_eq!(detail.summary.status, EntryStatus::Reviewed);
    let views: Vec<Access> = json(&app.call::<MyEntryViews>(&[], Some(&sam)).await);
    assert!(views.iter().any(|a| a.what == "Marked reviewed"));
}

#[tokio::test]
async fn a_senco_never_sees_the_draft_that_follows_a_submission() {
    let app = TestApp::new().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    write(&app, &sam, 1, 0, "Submitted words").await;
    submit(&app, &sam).await;
    write(&app, &sam, 2, 1, "Private second thoughts").await;
    let sam_id = app.user_id(SAM).await.to_string();
    let r = app
        .call::<ReviewEntry>(&[("id", ENTRY)], Some(&senco))
        .await;
    let review: ReviewDetail = json(&r);
    assert_eq!(review.body, "Submitted words");
    let member = app
        .call::<StaffMember>(&[("id", &sam_id)], Some(&senco))
        .await;
    assert!(!member.body.contains("Private second thoughts"));
    let pdf = app
        .get(&format!("/staff/{sam_id}/evidence.pdf"), Some(&senco))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains("Submitted words") && !text.contains("Private second thoughts"));
    // Taken back to draft, it cannot be decided on.
    let r = act(&app, &senco, 1, "reviewed", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("changing this entry"), "{}", r.body);
}

#[tokio::test]
async fn review_and_oversight_are_refused_to_everyone_else() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    write(&app, &sam, 1, 0, "Mine").await;
    submit(&app, &sam).await;
    let sam_id = app.user_id(SAM).await.to_string();
    app.person_elsewhere("senco@riverside.example", Role::Senco)
        .await;
    app.person_elsewhere("admin@riverside.example", Role::Admin)
        .await;
    let other_senco = app.sign_in("senco@riverside.example").await;
    let other_admin = app.sign_in("admin@riverside.example").await;
    let ella = app.sign_in(ELLA).await;
    let admin = app.sign_in(ADMIN).await;

    let calls: Vec<(Endpoint, Vec<(&str, &str)>)> = vec![
        (Endpoint::of::<ReviewQueue>(), vec![]),
        (Endpoint::of::<ReviewEntry>(), vec![("id", ENTRY)]),
        (
            Endpoint::of::<ReviewAct>(),
            vec![
                ("id", ENTRY),
                ("rev", "1"),
                ("action", "comment"),
                ("comment", "hi"),
            ],
        ),
        (Endpoint::of::<StaffDashboard>(), vec![]),
        (Endpoint::of::<StaffMember>(), vec![("id", &sam_id)]),
    ];
    for (endpoint, form) in &calls {
        assert_eq!(
            app.call_at(*endpoint, form, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
        // A practitioner (even the author) and an admin are not reviewers.
        for cookie in [&ella, &sam, &admin, &other_admin] {
            assert_eq!(
                app.call_at(*endpoint, form, Some(cookie)).await.status,
                StatusCode::FORBIDDEN,
                "{endpoint}"
            );
        }
    }
    // A SENCo of another setting finds nothing of this one.
    assert_eq!(
        app.call::<ReviewEntry>(&[("id", ENTRY)], Some(&other_senco))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call::<StaffMember>(&[("id", &sam_id)], Some(&other_senco))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = act(&app, &other_senco, 1, "reviewed", "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let queue: QueueView = json(&app.call::<ReviewQueue>(&[], Some(&other_senco)).await);
    assert!(queue.items.is_empty() && queue.staff.iter().all(|(_, n)| !n.contains("oakfield")));
    let board: Dashboard = json(&app.call::<StaffDashboard>(&[], Some(&other_senco)).await);
    assert!(board.rows.iter().all(|r| r.name != "Sam Taylor"));
    assert_eq!(
        app.get(&format!("/staff/{sam_id}/evidence.pdf"), Some(&other_senco))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/staff/{sam_id}/evidence.pdf"), Some(&ella))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/staff/progress.csv", Some(&ella)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/staff/progress.csv", None).await.status,
        StatusCode::SEE_OTHER
    );
    // Another practitioner cannot open Sam's entry by id.
    assert_eq!(
        app.call::<LogEntry>(&[("id", ENTRY)], Some(&ella))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Nothing refused above left a trace in Sam's audit trail.
    let views: Vec<Access> = json(&app.call::<MyEntryViews>(&[], Some(&sam)).await);
    assert!(views.is_empty(), "{views:?}");
}

#[tokio::test]
async fn the_dashboard_counts_progress_and_the_csv_matches() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    for (n, section) in ["m1.knowledge", "m1.practice", "m1.reflection"]
        .iter()
        .enumerate()
    {
        let r = app
            .call::<RecordProgress>(
                &[
                    ("op_id", &format!("00000000-0000-4000-8000-{:012}", 100 + n)),
                    ("section_key", section),
                    ("kind", "completed"),
                    ("seconds", "0"),
                ],
                Some(&sam),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let senco = app.sign_in(SENCO).await;
    let board: Dashboard = json(
        &app.call::<StaffDashboard>(&[("sort", "progress")], Some(&senco))
            .await,
    );
    assert_eq!(board.rows[0].name, "Sam Taylor", "most progress first");
    assert_eq!(board.rows[0].modules[0].complete, 3);
    assert_eq!(board.modules[0].complete, 1);
    // The practitioners (Sam, Ella and the staff part-way through plans); the SENCo and the
    // admin have not begun the course.
    assert_eq!(
        board.staff_total,
        2 + server::demo_plans::accounts().count() as u32
    );
    assert!(board
        .rows
        .iter()
        .all(|r| r.role == domain::model::Role::Practitioner));
    let filtered: Dashboard = json(
        &app.call::<StaffDashboard>(&[("status", "in_progress")], Some(&senco))
            .await,
    );
    assert_eq!(filtered.rows.len(), 1);
    let csv = app.get("/staff/progress.csv", Some(&senco)).await;
    assert_eq!(csv.status, StatusCode::OK);
    let sam_line = csv.body.lines().find(|l| l.contains("Sam Taylor")).unwrap();
    assert!(
        sam_line.contains("\"3\",\"24\"") && sam_line.contains("\"3/3\""),
        "{sam_line}"
    );
    let page = app.get("/staff", Some(&senco)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg") && page.body.contains("Module completion across staff"));
}

#[tokio::test]
async fn the_staff_page_is_audited_for_the_author() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    write(&app, &sam, 1, 0, "Mine").await;
    submit(&app, &sam).await;
    let senco = app.sign_in(SENCO).await;
    let sam_id = app.user_id(SAM).await.to_string();
    let member: MemberView = json(
        &app.call::<StaffMember>(&[("id", &sam_id)], Some(&senco))
            .await,
    );
    assert_eq!(member.submitted.len(), 1);
    let views: Vec<Access> = json(&app.call::<MyEntryViews>(&[], Some(&sam)).await);
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].entry_id.as_deref(), Some(ENTRY));
}

/// A large setting's dashboard comes a page at a time: everyone once across the pages, a
/// page past the end is the last page, and the page's links keep the sort.
#[tokio::test]
async fn a_large_settings_dashboard_comes_a_page_at_a_time() {
    use services::store::users::{self, NewUser};
    let app = TestApp::new().await;
    let senco = app.sign_in(SENCO).await;
    let setting_id: i64 = sqlx::query_scalar("SELECT setting_id FROM users WHERE email = $1")
        .bind(SENCO)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    for i in 0..60 {
        let (email, name) = (
            format!("p{i:02}@oakfield.example"),
            format!("Person {i:02}"),
        );
        let user = NewUser {
            email: &email,
            display_name: &name,
            password_hash: "not used",
            role: Role::Practitioner,
            setting_id,
            sector: domain::model::Sector::SchoolAge,
            email_proved: true,
        };
        users::create(&app.state.db, &user).await.unwrap();
    }
    let first: Dashboard = json(&app.call::<StaffDashboard>(&[], Some(&senco)).await);
    let total = first.staff_total;
    assert!(total > 60, "{total}");
    assert_eq!(
        (first.rows.len(), first.page, first.pages, first.matching),
        (50, 1, 2, total)
    );
    let second: Dashboard = json(
        &app.call::<StaffDashboard>(&[("page", "2")], Some(&senco))
            .await,
    );
    assert_eq!((second.rows.len() as u32, second.page), (total - 50, 2));
    let mut names: Vec<String> = first
        .rows
        .iter()
        .chain(&second.rows)
        .map(|r| r.name.clone())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len() as u32, total, "everyone once");
    let beyond: Dashboard = json(
        &app.call::<StaffDashboard>(&[("page", "99")], Some(&senco))
            .await,
    );
    assert_eq!(beyond.page, 2);

    let page = app
        .get("/staff?sort=progress&dir=desc&page=2", Some(&senco))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("page 2 of 2"), "{}", page.body);
    assert!(page
        .body
        .contains(r#"href="/staff?sort=progress&amp;dir=desc&amp;page=1#staff-heading""#));
    assert!(!page.body.contains("Next page"));
}
