//! The PDFs (learning log, certificate, evidence pack, CPD plan summary) print every name
//! and every script a reflection may quote, and are tagged for screen readers.

use crate::common::*;
use app::api::learning_log::{SaveAnswer, SubmitEntries};
use app::api::plan::{SavePlan, SaveSelfReview};
use app::api::review::ReviewAct;
use http::StatusCode;

const ENTRY: &str = "11111111-2222-4333-8444-555555555555";

/// Names the old WinAnsi-only writer printed with `?` in them (all but the first).
const NAMES: [&str; 5] = [
    "Zoë Nowak",
    "Łukasz Wójcik",
    "Nguyễn Thị Lan",
    "Siobhán Ní Bhriain",
    "Ayşe Yılmaz",
];

/// A reflection quoting Greek and Cyrillic.
const REFLECTION: &str = "Eleni said «Καλημέρα, κυρία!» and Oleksandr answered «Доброго ранку, пані вчителько!» so the office staff were the first to greet the class in both.";

/// Sam with a submitted reflection the SENCo has answered, every section complete (so the
/// certificate is issued), and the SENCo and the setting renamed.
async fn world() -> (TestApp, String, String, i64) {
    let app = TestApp::new().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", "00000000-0000-4000-8000-000000000001"),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "0"),
                ("body", REFLECTION),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call::<SubmitEntries>(&[("id", ENTRY)], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call::<ReviewAct>(
            &[
                ("id", ENTRY),
                ("rev", "1"),
                ("action", "reviewed"),
                ("comment", "Ευχαριστώ — спасибо — cảm ơn"),
            ],
            Some(&senco),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.complete_every_section(&sam).await;
    rename(&app, SENCO, "Siobhán Ní Bhriain").await;
    sqlx::query("UPDATE settings SET name = 'Szkoła Podstawowa nr 3 w Łodzi'")
        .execute(app.sql().await)
        .await
        .unwrap();
    let sam_id = app.user_id(SAM).await;
    (app, sam, senco, sam_id)
}

async fn rename(app: &TestApp, email: &str, name: &str) {
    sqlx::query("UPDATE users SET display_name = $1 WHERE email = $2")
        .bind(name)
        .bind(email)
        .execute(app.sql().await)
        .await
        .unwrap();
}

/// The PDF at `path`, checked to be sent as an attachment with the name it always had.
async fn pdf(app: &TestApp, path: &str, cookie: &str) -> Vec<u8> {
    let r = app.get(path, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    assert_eq!(r.headers["content-type"], "application/pdf", "{path}");
    let filename = match path {
        "/log/learning-log.pdf" => "tandem-learning-log.pdf".to_string(),
        "/log/certificate.pdf" => "tandem-certificate.pdf".into(),
        "/plan/summary.pdf" => "tandem-cpd-plan.pdf".into(),
        evidence => format!(
            "tandem-evidence-{}.pdf",
            &evidence["/staff/".len()..evidence.len() - "/evidence.pdf".len()]
        ),
    };
    assert_eq!(
        r.headers["content-disposition"],
        format!("attachment; filename=\"{filename}\"").as_str(),
        "{path}"
    );
    r.bytes
}

#[tokio::test]
async fn every_name_and_script_prints_in_each_pdf() {
    let (app, sam, senco, sam_id) = world().await;
    let evidence = format!("/staff/{sam_id}/evidence.pdf");
    for name in NAMES {
        rename(&app, SAM, name).await;
        let log = pdf_text(&pdf(&app, "/log/learning-log.pdf", &sam).await);
        for expected in [
            &format!("Learning log: {name}"),
            "Setting: Szkoła Podstawowa nr 3 w Łodzi",
            REFLECTION,
            "Feedback from Siobhán Ní Bhriain",
            "Ευχαριστώ — спасибо — cảm ơn",
        ] {
            assert!(log.contains(expected), "{expected:?} in the log: {log}");
        }
        let certificate = pdf_text(&pdf(&app, "/log/certificate.pdf", &sam).await);
        let expected = format!("This certifies that {name} of Szkoła Podstawowa nr 3 w Łodzi");
        assert!(
            certificate.contains(&expected),
            "{expected:?} in the certificate: {certificate}"
        );
        let pack = pdf_text(&pdf(&app, &evidence, &senco).await);
        for expected in [
            &format!("CPD evidence pack: {name}"),
            REFLECTION,
            "by Siobhán Ní Bhriain",
        ] {
            assert!(pack.contains(expected), "{expected:?} in the pack: {pack}");
        }
    }
}

/// What a screen reader needs from the catalog: a structure tree, marked content, the
/// language, and the title shown in place of the file name.
#[tokio::test]
async fn each_pdf_is_tagged_with_its_title_and_language() {
    let (app, sam, senco, sam_id) = world().await;
    rename(&app, SAM, "Łukasz Wójcik").await;
    save_plan(&app, &sam).await;
    for (path, cookie, title) in [
        (
            "/log/learning-log.pdf".to_string(),
            &sam,
            "Learning log: Łukasz Wójcik",
        ),
        (
            "/log/certificate.pdf".into(),
            &sam,
            "Certificate of completion: Łukasz Wójcik",
        ),
        (
            format!("/staff/{sam_id}/evidence.pdf"),
            &senco,
            "Evidence pack: Łukasz Wójcik",
        ),
        ("/plan/summary.pdf".into(), &sam, "CPD plan: Łukasz Wójcik"),
    ] {
        let bytes = pdf(&app, &path, cookie).await;
        let doc = pdf_extract::Document::load_mem(&bytes).unwrap();
        let catalog = doc.catalog().unwrap();
        assert!(catalog.has(b"StructTreeRoot"), "{path}: a structure tree");
        // A true/false entry of one of the catalog's dictionaries.
        let flag = |dict: &[u8], key: &[u8]| {
            catalog
                .get_deref(dict, &doc)
                .and_then(|d| d.as_dict())
                .and_then(|d| d.get(key))
                .and_then(|v| v.as_bool())
                .ok()
        };
        assert_eq!(flag(b"MarkInfo", b"Marked"), Some(true), "{path}: marked");
        let lang = catalog.get(b"Lang").and_then(|l| l.as_str()).unwrap();
        assert_eq!(lang, b"en-GB", "{path}");
        assert_eq!(
            flag(b"ViewerPreferences", b"DisplayDocTitle"),
            Some(true),
            "{path}: the title is shown in place of the file name"
        );
        let info = doc
            .trailer
            .get_deref(b"Info", &doc)
            .and_then(|i| i.as_dict())
            .unwrap();
        let stored = info.get(b"Title").and_then(|t| t.as_str()).unwrap();
        assert_eq!(text_string(stored), title, "{path}");
    }
}

/// Sam's goals, with words in Vietnamese and Greek, linked to module 1 (where `world` gave
/// her a reflection).
const GOAL: &str =
    "Greet each learner in their own language: «Xin chào», «Καλημέρα», every morning.";

/// A plan for the person signed in with `cookie`: one goal, for J, linked to module 1.
async fn save_plan(app: &TestApp, cookie: &str) {
    let form = [
        ("owner", ""),
        ("base_rev", "0"),
        ("goal1", GOAL),
        ("modules1[]", "m1"),
        ("learners1", "J, Year 4"),
    ];
    let r = app.call::<SavePlan>(&form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// The summary page's content as a PDF of her own: the plan's standing, each goal with the
/// log's evidence under it, the self-reviews area by area, and each check-in's answers or
/// where it stands. Nobody else's plan is in it, and a SENCo she shares hers with gets only
/// her own (none).
#[tokio::test]
async fn a_practitioner_downloads_her_own_plan_summary_as_a_pdf() {
    use domain::self_review::{rating_label, Area};
    let (app, sam, senco, _) = world().await;
    rename(&app, SAM, "Nguyễn Thị Lan").await;
    let mut review: Vec<(&str, &str)> = Area::ALL.iter().map(|a| (a.rating_field(), "2")).collect();
    review.push((
        Area::Participation.words_field(),
        "I ask, but what J says rarely changes my plans.",
    ));
    review.push(("learners", "J, Year 4"));
    let r = app.call::<SaveSelfReview>(&review, Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    save_plan(&app, &sam).await;
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", "00000000-0000-4000-8000-000000000071"),
                ("entry_id", "00000000-0000-4000-8000-000000000072"),
                ("section_key", &domain::check_in::key(1)),
                ("prompt_key", "tried"),
                ("base_rev", "0"),
                (
                    "body",
                    "A greeting board by the door, with J choosing the word.",
                ),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let bytes = pdf(&app, "/plan/summary.pdf", &sam).await;
    // PDF/UA-1 kept: every character, the bullets and «» too, is in the font.
    assert!(
        bytes.windows(12).any(|w| w == b"pdfuaid:part"),
        "the plan is PDF/UA-1"
    );
    let text = pdf_text(&bytes);
    let course = &app.state.course;
    let evidence = format!(
        "{}: {}",
        services::learning_log::place(course, "m1.reflection").section_title,
        services::learning_log::question(course, "m1.reflection", "p1")
    );
    let module = course.module("m1").unwrap();
    let participation = format!(
        "{} At the start: {} I ask, but what J says rarely changes my plans. Two terms on: Not written yet",
        Area::Participation.title(),
        rating_label(2)
    );
    for expected in [
        "CPD plan: Nguyễn Thị Lan",
        "Setting: Szkoła Podstawowa nr 3 w Łodzi",
        "Agreed with the SENCo: Not as it stands",
        "Check-ins done: 1 of 4",
        GOAL,
        "For: J, Year 4",
        &format!("Linked to Module {}: {}", module.number, module.title),
        &evidence,
        &participation,
        domain::check_in::QUESTIONS[0].1,
        "A greeting board by the door, with J choosing the word.",
        "Check-in 2:",
        "Opens with its half-term",
    ] {
        assert!(text.contains(expected), "{expected:?} in the plan: {text}");
    }
    // Ella's plan (the demo's) is hers alone: not in Sam's, and in her own download.
    let ellas_goal = "Write A's next targets with her, in words she would use.";
    assert!(!text.contains(ellas_goal), "{text}");
    let ella = app.sign_in(ELLA).await;
    let hers = pdf_text(&pdf(&app, "/plan/summary.pdf", &ella).await);
    assert!(hers.contains(ellas_goal), "{hers}");
    assert!(!hers.contains(GOAL), "{hers}");
    // The SENCo Ella shares her plan with has none of her own: the download is not Ella's.
    let r = app.get("/plan/summary.pdf", Some(&senco)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

/// No plan yet: a 404 that says what to do, never a bare error. Signed out: sign in first,
/// and back to the plan afterwards.
#[tokio::test]
async fn a_plan_summary_pdf_without_a_plan_says_so_and_signed_out_asks_to_sign_in() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let r = app.get("/plan/summary.pdf", Some(&sam)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(r.body, "You have no plan yet: write your goals first.");

    let r = app.get("/plan/summary.pdf", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers["location"], "/sign-in?next=/plan");
}

/// A PDF text string: UTF-16BE after a byte order mark, otherwise (near enough) Latin-1.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(b"\xfe\xff") {
        Some(utf16) => char::decode_utf16(
            utf16
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)])),
        )
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect(),
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}
