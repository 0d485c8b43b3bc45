//! The PDFs (learning log, certificate, evidence pack) print every name and every script a
//! reflection may quote, and are tagged for screen readers.

use crate::common::*;
use app::api::learning_log::{SaveAnswer, SubmitEntries};
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
