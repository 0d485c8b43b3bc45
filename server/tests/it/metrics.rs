//! `/metrics`: off by default, behind a token on the public port, and counting what an
//! operator watches (requests by route, outbox outcomes, the pool). Also the JSON log format.

use crate::common::*;
use app::api::learning_log::SaveAnswer;
use axum::body::Body;
use http::{Request, StatusCode};
use server::metrics::Access;

pub const TOKEN: &str = "a-long-random-scrape-token";

pub async fn scrape(app: &TestApp, auth: Option<&str>) -> Reply {
    let mut request = Request::get("/metrics").header("host", HOST);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

/// The value of one series line, e.g. `tandem_outbox_writes_total{outcome="accepted"}`.
pub fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_are_off_by_default_and_need_the_token_on_the_public_port() {
    let app = TestApp::new().await;
    assert_eq!(
        scrape(&app, Some(&format!("Bearer {TOKEN}"))).await.status,
        StatusCode::NOT_FOUND
    );

    let mut app = TestApp::new().await;
    app.router = server::router::with_metrics(
        app.state.clone(),
        Some(Access {
            token: Some(TOKEN.into()),
        }),
    );
    for auth in [
        None,
        Some("Bearer wrong-token-of-some-length"),
        Some(TOKEN),
        Some("Basic YTpi"),
    ] {
        let r = scrape(&app, auth).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(!r.body.contains("tandem_"), "{auth:?} saw metrics");
    }
    let r = scrape(&app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
}

#[tokio::test]
async fn metrics_count_routes_and_outbox_outcomes() {
    let mut app = TestApp::new().await;
    app.router = server::router::with_metrics(
        app.state.clone(),
        Some(Access {
            token: Some(TOKEN.into()),
        }),
    );
    let auth = format!("Bearer {TOKEN}");
    let before = scrape(&app, Some(&auth)).await.body;

    let sam = app.sign_in(SAM).await;
    assert_eq!(
        app.get("/modules/m1", Some(&sam)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/modules/m2", Some(&sam)).await.status,
        StatusCode::OK
    );
    let save = |op: &'static str, base: &'static str, body: &'static str| {
        let (app, sam) = (&app, &sam);
        async move {
            app.call::<SaveAnswer>(
                &[
                    ("op_id", op),
                    ("entry_id", "71111111-2222-4333-8444-555555555555"),
                    ("section_key", "m1.reflection"),
                    ("prompt_key", "p1"),
                    ("base_rev", base),
                    ("body", body),
                ],
                Some(sam),
            )
            .await
        }
    };
    assert_eq!(
        save("71111111-0000-4000-8000-000000000001", "0", "first")
            .await
            .status,
        StatusCode::OK
    );
    // The reply was lost and the device sends it again: replayed.
    assert_eq!(
        save("71111111-0000-4000-8000-000000000001", "0", "first")
            .await
            .status,
        StatusCode::OK
    );
    // Another device wrote on the first version: a conflict, both kept.
    assert_eq!(
        save("71111111-0000-4000-8000-000000000002", "0", "other")
            .await
            .status,
        StatusCode::OK
    );
    // Someone else reusing the id: refused.
    let ella = app.sign_in(ELLA).await;
    let stolen = app
        .call::<SaveAnswer>(
            &[
                ("op_id", "71111111-0000-4000-8000-000000000001"),
                ("entry_id", "72222222-2222-4333-8444-555555555555"),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "0"),
                ("body", "x"),
            ],
            Some(&ella),
        )
        .await;
    assert_ne!(stolen.status, StatusCode::OK);
    // Made-up paths never become series.
    app.get("/made-up-path-12345", None).await;

    let after = scrape(&app, Some(&auth)).await.body;
    let grew = |series: &str| value(&after, series) - value(&before, series);
    assert_eq!(
        grew(r#"tandem_http_requests_total{route="/modules/{module}",method="GET",status="200"}"#),
        2.0,
        "{after}"
    );
    assert_eq!(
        grew(r#"tandem_http_request_duration_seconds_count{route="/modules/{module}"}"#),
        2.0
    );
    assert!(
        grew(r#"tandem_http_requests_total{route="/api/log/save",method="POST",status="200"}"#)
            >= 3.0
    );
    for (outcome, n) in [
        ("accepted", 1.0),
        ("replayed", 1.0),
        ("conflicted", 1.0),
        ("refused", 1.0),
    ] {
        assert!(
            grew(&format!(
                r#"tandem_outbox_writes_total{{outcome="{outcome}"}}"#
            )) >= n,
            "{outcome}: {after}"
        );
    }
    assert!(!after.contains("made-up-path"));
    assert!(value(&after, r#"tandem_db_connections{state="max"}"#) >= 1.0);
    assert!(value(&after, "tandem_db_write_wait_seconds_count") >= 3.0);
}

#[test]
fn json_logs_are_one_object_per_line() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("serve")
        .env("TANDEM_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env(
            "TANDEM_DATABASE_URL",
            format!("sqlite://{}/t.db", dir.path().display()),
        )
        .env("TANDEM_CONTENT_DIR", root.join("content"))
        .env("LEPTOS_SITE_ROOT", root.join("public"))
        .env("TANDEM_ADDR", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = std::io::BufReader::new(server.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .find(|l| l.contains("serving"))
        .expect("the server logs that it is serving");
    server.kill().unwrap();
    server.wait().unwrap();
    let log: serde_json::Value = serde_json::from_str(&line).expect(&line);
    assert_eq!(log["level"], "INFO", "{line}");
    assert!(
        log["message"]
            .as_str()
            .unwrap()
            .contains("Tandem is serving"),
        "{line}"
    );
    assert!(log["timestamp"].is_string(), "{line}");
}
