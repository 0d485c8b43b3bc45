//! The learning log through the router: ownership, conflicts, submission, search, exports.

use crate::common::*;
use app::api::course::RecordProgress;
use app::api::learning_log::{
    Answer, DueFollowUps, EntryDetail, EntrySummary, LogEntry, LogExport, LogList, SaveAnswer,
    SaveReply, SaveSection, SectionAnswers, SubmitEntries,
};
use domain::learning_log::EntryStatus;
use http::StatusCode;

const ENTRY: &str = "11111111-2222-4333-8444-555555555555";

fn op(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

async fn save(app: &TestApp, cookie: &str, n: u32, base: i64, body: &str) -> crate::common::Reply {
    app.call::<SaveAnswer>(
        &[
            ("op_id", &op(n)),
            ("entry_id", ENTRY),
            ("section_key", "m1.reflection"),
            ("prompt_key", "p1"),
            ("base_rev", &base.to_string()),
            ("body", body),
        ],
        Some(cookie),
    )
    .await
}

fn reply(r: &crate::common::Reply) -> SaveReply {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn log_functions_need_a_signed_in_person() {
    let app = TestApp::new().await;
    for (endpoint, form) in [
        (
            Endpoint::of::<SectionAnswers>(),
            vec![("section_key", "m1.reflection")],
        ),
        (
            Endpoint::of::<SaveAnswer>(),
            vec![
                ("op_id", op(1).leak() as &str),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "0"),
                ("body", "x"),
            ],
        ),
        (Endpoint::of::<LogList>(), vec![]),
        (Endpoint::of::<LogEntry>(), vec![("id", ENTRY)]),
        (Endpoint::of::<SubmitEntries>(), vec![("id", ENTRY)]),
        (Endpoint::of::<DueFollowUps>(), vec![]),
        (Endpoint::of::<LogExport>(), vec![]),
    ] {
        assert_eq!(
            app.call_at(endpoint, &form, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    for path in [
        "/log/export.json",
        "/log/export.csv",
        "/log/learning-log.pdf",
        "/log/certificate.pdf",
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
    }
}

#[tokio::test]
async fn answers_save_as_revisions_and_a_stale_save_keeps_both_texts() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let first = reply(
        &save(
            &app,
            &sam,
            1,
            0,
            "Jay settled faster with a visual timetable.",
        )
        .await,
    );
    assert_eq!((first.rev, first.conflict.clone()), (1, None));
    let again = reply(
        &save(
            &app,
            &sam,
            1,
            0,
            "Jay settled faster with a visual timetable.",
        )
        .await,
    );
    assert_eq!(again.rev, 1, "a replayed save changes nothing");
    let second = reply(&save(&app, &sam, 2, 1, "Edited on the laptop.").await);
    assert_eq!(second.rev, 2);
    let stale = reply(&save(&app, &sam, 3, 1, "Edited on the tablet, offline.").await);
    assert_eq!(stale.conflict.as_deref(), Some("Edited on the laptop."));
    let detail: EntryDetail = serde_json::from_str(
        &app.call::<LogEntry>(&[("id", ENTRY)], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(detail.body, "Edited on the laptop.");
    assert!(detail
        .revisions
        .iter()
        .any(|r| r.conflict && r.body == "Edited on the tablet, offline."));
    assert_eq!(detail.revisions.len(), 3);

    let answers: Vec<Answer> = serde_json::from_str(
        &app.call::<SectionAnswers>(&[("section_key", "m1.reflection")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    // Five reflection prompts and the self-audit ratings appended as p6.
    assert_eq!(answers.len(), 6);
    assert_eq!(answers[0].body, "Edited on the laptop.");
}

#[tokio::test]
async fn over_long_answers_are_refused_with_a_message_and_not_cut() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let long = "a".repeat(20_001);
    let r = save(&app, &sam, 1, 0, &long).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("limit is 20,000"), "{}", r.body);
    let answers: Vec<Answer> = serde_json::from_str(
        &app.call::<SectionAnswers>(&[("section_key", "m1.reflection")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert!(
        answers[0].body.is_empty(),
        "nothing was stored, not even a cut version"
    );
}

#[tokio::test]
async fn nobody_reads_edits_or_submits_another_persons_entry() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    reply(&save(&app, &sam, 1, 0, "Sam's private draft").await);
    for who in [ELLA, SENCO, ADMIN] {
        let other = app.sign_in(who).await;
        assert_eq!(
            app.call::<LogEntry>(&[("id", ENTRY)], Some(&other))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{who} reads"
        );
        assert_eq!(
            app.call::<SubmitEntries>(&[("id", ENTRY)], Some(&other))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{who} submits"
        );
        assert_eq!(
            save(&app, &other, 50, 1, "overwritten").await.status,
            StatusCode::NOT_FOUND,
            "{who} edits"
        );
        let list: Vec<EntrySummary> =
            serde_json::from_str(&app.call::<LogList>(&[], Some(&other)).await.body).unwrap();
        assert!(list.is_empty(), "{who} lists nothing of Sam's");
        let json = app.get("/log/export.json", Some(&other)).await;
        assert!(
            !json.body.contains("Sam's private draft"),
            "{who} exports nothing of Sam's"
        );
    }
    let detail: EntryDetail = serde_json::from_str(
        &app.call::<LogEntry>(&[("id", ENTRY)], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(detail.body, "Sam's private draft");
}

#[tokio::test]
async fn submitting_moves_a_draft_on_and_editing_makes_a_new_draft() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    reply(&save(&app, &sam, 1, 0, "Ready to share").await);
    let r = app
        .call::<SubmitEntries>(&[("id", ENTRY)], Some(&sam))
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "1"));
    let again = app
        .call::<SubmitEntries>(&[("id", ENTRY)], Some(&sam))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let edited = reply(&save(&app, &sam, 2, 1, "Ready to share, with more").await);
    assert_eq!(edited.status, EntryStatus::Draft);
    let module = app
        .call::<SubmitEntries>(&[("module", "m1")], Some(&sam))
        .await;
    assert_eq!(module.body, "1");
    let list: Vec<EntrySummary> = serde_json::from_str(
        &app.call::<LogList>(&[("status", "submitted")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    let search: Vec<EntrySummary> = serde_json::from_str(
        &app.call::<LogList>(&[("q", "share")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(search.len(), 1);
    let nothing: Vec<EntrySummary> = serde_json::from_str(
        &app.call::<LogList>(&[("q", "phonics")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert!(nothing.is_empty());
}

#[tokio::test]
async fn completing_a_practice_section_schedules_a_follow_up() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    app.call::<RecordProgress>(
        &[
            ("op_id", &op(9)),
            ("section_key", "m2.practice"),
            ("kind", "completed"),
        ],
        Some(&sam),
    )
    .await;
    let due: (i64,) = sqlx::query_as("SELECT due_at FROM follow_ups")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    let days = (due.0 - services::store::now()) as f64 / 86_400.0;
    assert!(
        (20.9..=21.0).contains(&days),
        "three weeks by default, got {days}"
    );
    let answers: Vec<Answer> = serde_json::from_str(
        &app.call::<SectionAnswers>(&[("section_key", "m2.practice")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert!(answers.iter().any(|a| a.prompt_key == "follow_up"));
    assert_eq!(
        app.call::<DueFollowUps>(&[], Some(&sam)).await.body,
        "[]",
        "not due yet"
    );
    sqlx::query("UPDATE follow_ups SET due_at = 0")
        .execute(app.sql().await)
        .await
        .unwrap();
    assert!(app
        .call::<DueFollowUps>(&[], Some(&sam))
        .await
        .body
        .contains("m2/practice#follow-up"));
}

#[tokio::test]
async fn exports_contain_the_persons_entries() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    reply(
        &save(
            &app,
            &sam,
            1,
            0,
            "=SUM(A1) \"quoted\" and visual timetables",
        )
        .await,
    );
    let json = app.get("/log/export.json", Some(&sam)).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(json
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("attachment"));
    let data: app::api::learning_log::ExportData = serde_json::from_str(&json.body).unwrap();
    assert_eq!(data.entries.len(), 1);
    assert_eq!(data.name, "Sam Taylor");
    let csv = app.get("/log/export.csv", Some(&sam)).await;
    assert!(csv.body.starts_with("module,section,kind,question,answer"));
    assert!(
        csv.body
            .contains("\"'=SUM(A1) \"\"quoted\"\" and visual timetables\""),
        "{}",
        csv.body
    );
    let pdf = app.get("/log/learning-log.pdf", Some(&sam)).await;
    assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
    assert_eq!(
        pdf.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"tandem-learning-log.pdf\""
    );
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("=SUM(A1) \"quoted\" and visual timetables"),
        "{text}"
    );
    assert!(text.starts_with("Learning log: Sam Taylor"), "{text}");
    let certificate = app.get("/log/certificate.pdf", Some(&sam)).await;
    assert_eq!(certificate.status, StatusCode::CONFLICT);
    assert!(certificate.body.contains("0 of 24 sections"));
}

#[tokio::test]
async fn the_certificate_is_issued_once_every_section_is_complete() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    app.complete_every_section(&sam).await;
    let certificate = app.get("/log/certificate.pdf", Some(&sam)).await;
    assert_eq!(certificate.status, StatusCode::OK);
    let text = pdf_text(&certificate.bytes);
    assert!(text.contains("Certificate of completion"), "{text}");
    assert!(text.contains("Module 6: Research in practice"), "{text}");
}

/// A section's plain form (JavaScript off): what changed is saved, what was left alone or
/// empty is not, a form from an older revision keeps its text as a conflict, and a form that
/// is not one of ours is refused.
#[tokio::test]
async fn the_plain_form_saves_what_changed_and_loses_nothing() {
    let app = TestApp::new().await;
    app.person_elsewhere("noor@riverside.example", domain::model::Role::Practitioner)
        .await;
    let cookie = app.sign_in("noor@riverside.example").await;
    let form = |rev: &'static str, first: &'static str, second: &'static str| {
        vec![
            ("section_key", "m1.reflection"),
            ("answers[0][prompt_key]", "p1"),
            ("answers[0][entry_id]", ENTRY),
            ("answers[0][base_rev]", rev),
            ("answers[0][body]", first),
            ("answers[1][prompt_key]", "p2"),
            (
                "answers[1][entry_id]",
                "21111111-2222-4333-8444-555555555555",
            ),
            ("answers[1][base_rev]", "0"),
            ("answers[1][body]", second),
        ]
    };
    async fn answers(app: &TestApp, cookie: &str) -> Vec<Answer> {
        let r = app
            .call::<SectionAnswers>(&[("section_key", "m1.reflection")], Some(cookie))
            .await;
        serde_json::from_str(&r.body).unwrap()
    }

    // A browser's form post (Accept: text/html) comes back to its page.
    let r = app
        .call_with::<SaveSection>(
            &form("0", "First thoughts.", "  "),
            Some(&cookie),
            &[
                ("accept", "text/html"),
                ("referer", "http://127.0.0.1:3000/modules/m1/reflection"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let now = answers(&app, &cookie).await;
    assert_eq!(now[0].body, "First thoughts.");
    assert_eq!(now[0].rev, 1);
    assert_eq!(now[1].entry_id, None, "an empty box makes no entry");

    // The same form again: nothing changed, nothing saved.
    let r = app
        .call::<SaveSection>(&form("1", "First thoughts.", ""), Some(&cookie))
        .await;
    assert_eq!(r.body, "0");
    // Sent again from the page as it was before the first save (back, edit, save): kept.
    let r = app
        .call::<SaveSection>(&form("0", "Second thoughts.", ""), Some(&cookie))
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "1"));
    let detail: EntryDetail = serde_json::from_str(
        &app.call::<LogEntry>(&[("id", ENTRY)], Some(&cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(detail.body, "First thoughts.");
    assert!(
        detail
            .revisions
            .iter()
            .any(|r| r.conflict && r.body == "Second thoughts."),
        "{detail:?}"
    );

    // Too long: refused with the answer box named, and a browser's post goes back to the
    // page with the error in its address (a redirect, not an error status).
    let long = "x".repeat(domain::learning_log::MAX_BODY_CHARS + 1);
    let long_form: Vec<(&str, &str)> = vec![
        ("section_key", "m1.reflection"),
        ("answers[0][prompt_key]", "p1"),
        ("answers[0][entry_id]", ENTRY),
        ("answers[0][base_rev]", "1"),
        ("answers[0][body]", &long),
    ];
    let r = app.call::<SaveSection>(&long_form, Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("answer-p1"), "{}", r.body);
    let r = app
        .call_with::<SaveSection>(
            &long_form,
            Some(&cookie),
            &[
                ("accept", "text/html"),
                ("referer", "http://127.0.0.1:3000/modules/m1/reflection"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.status);

    // Not a form of ours: too many answers, or a question the section does not have.
    let mut many = vec![("section_key", "m1.reflection")];
    let names: Vec<(String, String)> = (0..9)
        .map(|i| {
            (
                format!("answers[{i}][prompt_key]"),
                format!("answers[{i}][body]"),
            )
        })
        .collect();
    for (key, body) in &names {
        many.push((key.as_str(), "p1"));
        many.push((body.as_str(), "x"));
    }
    assert_eq!(
        app.call::<SaveSection>(&many, Some(&cookie)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app
        .call::<SaveSection>(
            &[
                ("section_key", "m1.reflection"),
                ("answers[0][prompt_key]", "nope"),
                (
                    "answers[0][entry_id]",
                    "31111111-2222-4333-8444-555555555555",
                ),
                ("answers[0][base_rev]", "0"),
                ("answers[0][body]", "x"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}
