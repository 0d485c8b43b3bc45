//! What a shared tablet relies on from the server: repeated writes get their first answer,
//! writes go only into their own person's log, sign-out ends the right session, personal
//! pages are never stored, and every shell URL names the build.

use crate::common::*;
use app::api::auth::{CurrentMe, SignOut};
use app::api::course::RecordProgress;
use app::api::learning_log::{EntryDetail, LogEntry, LogList, SaveAnswer, SaveReply};
use http::StatusCode;

const ENTRY: &str = "21111111-2222-4333-8444-555555555555";

fn op(n: u32) -> String {
    format!("10000000-0000-4000-8000-{n:012}")
}

fn save_form(n: u32, base: i64, body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("op_id", op(n)),
        ("entry_id", ENTRY.to_string()),
        ("section_key", "m1.reflection".to_string()),
        ("prompt_key", "p1".to_string()),
        ("base_rev", base.to_string()),
        ("body", body.to_string()),
    ]
}

async fn save(app: &TestApp, cookie: &str, n: u32, base: i64, body: &str) -> Reply {
    let form = save_form(n, base, body);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call::<SaveAnswer>(&form, Some(cookie)).await
}

fn reply(r: &Reply) -> SaveReply {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

#[tokio::test]
async fn a_repeated_save_gets_exactly_its_first_answer() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    assert_eq!(reply(&save(&app, &sam, 1, 0, "First text.").await).rev, 1);
    assert_eq!(reply(&save(&app, &sam, 2, 1, "Laptop text.").await).rev, 2);
    // A tablet's text written on revision 1: a conflict, answered with the laptop's text.
    let conflict = reply(&save(&app, &sam, 3, 1, "Tablet text.").await);
    assert_eq!(conflict.conflict.as_deref(), Some("Laptop text."));
    // The entry moves on before the tablet's retry arrives.
    assert_eq!(
        reply(&save(&app, &sam, 4, 2, "Laptop, later.").await).rev,
        3
    );
    // The reply was lost: the same op again gets the same conflict, not "saved".
    assert_eq!(
        reply(&save(&app, &sam, 3, 1, "Tablet text.").await),
        conflict
    );
    // And an accepted op repeated gets its own revision, not the entry's current one.
    let first = reply(&save(&app, &sam, 2, 1, "Laptop text.").await);
    assert_eq!((first.rev, first.conflict), (2, None));
    let detail: EntryDetail = serde_json::from_str(
        &app.call::<LogEntry>(&[("id", ENTRY)], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(detail.body, "Laptop, later.");
    assert_eq!(detail.revisions.len(), 4, "repeats write nothing");
}

#[tokio::test]
async fn another_persons_op_id_is_not_answered() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let ella = app.sign_in(ELLA).await;
    reply(&save(&app, &sam, 1, 0, "Sam's text.").await);
    let r = save(&app, &ella, 1, 0, "Sam's text.").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains("Sam's text"));
}

#[tokio::test]
async fn a_write_queued_by_one_person_is_refused_under_anothers_session() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let ella = app.sign_in(ELLA).await;
    let sam_id = app.user_id(SAM).await.to_string();
    let count = || async {
        let rows: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM log_entries), (SELECT COUNT(*) FROM progress_events)",
        )
        .fetch_one(app.sql().await)
        .await
        .unwrap();
        rows
    };
    let before = count().await;
    let form = save_form(7, 0, "Sam's reflection, queued on the tablet.");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app
        .call_with::<SaveAnswer>(&form, Some(&ella), &[("tandem-person", &sam_id)])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("WrongPerson"), "{}", refused.body);
    for record in [(
        Endpoint::of::<RecordProgress>(),
        vec![
            ("op_id", op(8)),
            ("section_key", "m1.knowledge".into()),
            ("kind", "opened".into()),
        ],
    )] {
        let fields: Vec<(&str, &str)> = record.1.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .call_at_with(
                record.0,
                &fields,
                Some(&ella),
                &[("tandem-person", &sam_id)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    }
    assert_eq!(count().await, before, "nothing was written to anyone's log");
    // Under its own person's session it goes through.
    let ok = app
        .call_with::<SaveAnswer>(&form, Some(&sam), &[("tandem-person", &sam_id)])
        .await;
    assert_eq!(reply(&ok).rev, 1);
    // Nobody signed in: the outbox is told to sign in again, as before.
    let r = app
        .call_with::<SaveAnswer>(&form, None, &[("tandem-person", &sam_id)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

fn session_tag(page: &Reply) -> String {
    let person = page.headers["tandem-person"].to_str().unwrap();
    person.split(' ').nth(1).unwrap().to_string()
}

#[tokio::test]
async fn signing_out_ends_only_the_session_it_names() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let page = app.get("/profile", Some(&sam)).await;
    assert_eq!(page.status, StatusCode::OK);
    let sam_id = app.user_id(SAM).await;
    let tag = session_tag(&page);
    assert_eq!(
        page.headers["tandem-person"],
        format!("{sam_id} {tag}").as_str()
    );
    assert!(page.body.contains(&format!("data-session=\"{tag}\"")));
    assert!(page.body.contains(&format!("data-person=\"{sam_id}\"")));

    // A device that signed out offline reconnects after someone else has signed in: the
    // session it names is not the one its cookie now holds, which stays.
    let ella = app.sign_in(ELLA).await;
    let r = app.call::<SignOut>(&[("session", &tag)], Some(&ella)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.session_cookie().is_none(), "Ella's cookie is left alone");
    assert_eq!(
        app.get("/profile", Some(&ella)).await.status,
        StatusCode::OK
    );

    // The session it names ends, and the browser is told to drop what it cached.
    let r = app.call::<SignOut>(&[("session", &tag)], Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["clear-site-data"], "\"cache\"");
    assert_eq!(r.session_cookie().as_deref(), Some("tandem_session="));
    let me = app.call::<CurrentMe>(&[], Some(&sam)).await;
    assert_eq!(me.body, "null");
}

#[tokio::test]
async fn personal_pages_are_never_stored_and_shell_urls_name_the_build() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let build = app.state.shell.build.clone();
    assert_eq!(build.len(), 16);
    for path in ["/", "/log", "/profile", "/modules/m1/reflection"] {
        let page = app.get(path, Some(&sam)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        for url in [
            format!("/pkg/tandem.css?v={build}"),
            format!("/offline.js?v={build}"),
            format!("/lock.js?v={build}"),
        ] {
            assert!(page.body.contains(&url), "{path} names {url}");
        }
        // A page with islands names its code under this build too.
        if path.starts_with("/modules") {
            for url in [
                format!("/islands.js?v={build}"),
                format!("/pkg/tandem.js?v={build}"),
                format!("/pkg/tandem_bg.wasm?v={build}"),
            ] {
                assert!(page.body.contains(&url), "{path} names {url}");
            }
        }
        assert!(page.body.contains(&format!("data-build=\"{build}\"")));
    }
    let r = app.call::<LogList>(&[], Some(&sam)).await;
    assert_eq!(r.headers["cache-control"], "no-store");
    let signed_out = app.get("/sign-in", None).await;
    assert!(signed_out.headers.get("tandem-person").is_none());

    // The worker and the offline layer carry the build; this build's URLs are kept for good.
    let worker = app.get("/sw.js", None).await;
    assert_eq!(worker.status, StatusCode::OK);
    assert!(worker.body.contains(&format!("const BUILD = \"{build}\"")));
    assert!(!worker.body.contains("__TANDEM_BUILD__"));
    assert_eq!(worker.headers["cache-control"], "no-cache");
    assert!(worker.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    let offline = app.get(&format!("/offline.js?v={build}"), None).await;
    assert!(offline.body.contains(&format!("/outbox-core.js?v={build}")));
    assert_eq!(
        offline.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let stale = app.get("/offline.js?v=0000000000000000", None).await;
    assert_eq!(
        stale.headers["cache-control"], "no-cache",
        "another build's URL is checked each time"
    );
    let page = app.get("/signed-out.html", None).await;
    assert!(page.body.contains(&format!("/pkg/tandem.css?v={build}")));
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("style-src 'self'"));
}

#[tokio::test]
async fn progress_counts_from_when_it_happened_and_schedules_its_follow_up_with_it() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (app, sam) = (&app, &sam);
    let record = |n: u32, key: &'static str, at: i64| {
        let op = op(n);
        let at = at.to_string();
        async move {
            app.call::<RecordProgress>(
                &[
                    ("op_id", &op),
                    ("section_key", key),
                    ("kind", "completed"),
                    ("client_time", &at),
                ],
                Some(sam),
            )
            .await
        }
    };
    // Completed offline three hours ago, arriving now.
    assert_eq!(
        record(1, "m1.practice", now - 3 * 3600).await.status,
        StatusCode::OK
    );
    // A device clock set in the future counts as now; one from years ago, as a year ago.
    assert_eq!(
        record(2, "m2.knowledge", now + 86_400 * 30).await.status,
        StatusCode::OK
    );
    assert_eq!(
        record(3, "m3.knowledge", 1_000_000).await.status,
        StatusCode::OK
    );
    // Repeated: counts once, schedules once.
    assert_eq!(
        record(1, "m1.practice", now - 3 * 3600).await.status,
        StatusCode::OK
    );
    let sam_id = app.user_id(SAM).await;
    let completed: Vec<(String, i64)> = sqlx::query_as(
        "SELECT section_key, completed_at FROM section_progress WHERE user_id = $1 ORDER BY section_key",
    )
    .bind(sam_id)
    .fetch_all(app.sql().await)
    .await
    .unwrap();
    assert_eq!(completed[0].0, "m1.practice");
    assert!(
        (completed[0].1 - (now - 3 * 3600)).abs() < 60,
        "{completed:?}"
    );
    assert!(
        (completed[1].1 - now).abs() < 60,
        "not in the future: {completed:?}"
    );
    assert!(
        (completed[2].1 - (now - 366 * 86_400)).abs() < 60,
        "{completed:?}"
    );
    let follow_ups: Vec<(String, i64)> =
        sqlx::query_as("SELECT section_key, due_at FROM follow_ups WHERE user_id = $1")
            .bind(sam_id)
            .fetch_all(app.sql().await)
            .await
            .unwrap();
    assert_eq!(follow_ups.len(), 1);
    assert_eq!(
        follow_ups[0].1,
        completed[0].1 + 21 * 86_400,
        "weeks after it was tried"
    );
}

#[tokio::test]
async fn old_write_answers_and_sessions_are_swept() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    reply(&save(&app, &sam, 1, 0, "Kept text.").await);
    reply(&save(&app, &sam, 2, 1, "Newer text.").await);
    let long_ago = time::OffsetDateTime::now_utc().unix_timestamp()
        - services::store::sweep::OUTCOMES_KEPT_SECS
        - 1;
    sqlx::query("UPDATE op_outcomes SET created_at = $1 WHERE op_id = $2")
        .bind(long_ago)
        .bind(op(1))
        .execute(app.sql().await)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET expires_at = $1")
        .bind(long_ago)
        .execute(app.sql().await)
        .await
        .unwrap();
    assert_eq!(
        services::store::sweep::sweep(&app.state.db).await.unwrap(),
        2
    );
    let left: Vec<(String,)> =
        sqlx::query_as("SELECT op_id FROM op_outcomes WHERE op_id IN ($1, $2)")
            .bind(op(1))
            .bind(op(2))
            .fetch_all(app.sql().await)
            .await
            .unwrap();
    assert_eq!(left, vec![(op(2),)]);
}
