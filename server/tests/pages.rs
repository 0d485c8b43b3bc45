//! Server-rendered pages: status codes, redirects, and the headers every answer carries.

mod common;
use common::*;
use http::StatusCode;

#[tokio::test]
async fn pages_carry_a_nonce_based_content_security_policy() {
    let app = TestApp::new().await;
    let page = app.get("/sign-in", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce");
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(
        page.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(page.headers.get("referrer-policy").unwrap(), "same-origin");
    // Each response has its own nonce.
    let again = app.get("/sign-in", None).await;
    assert_ne!(
        again
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap(),
        csp
    );
}

#[tokio::test]
async fn the_sign_in_page_is_usable_without_javascript() {
    let app = TestApp::new().await;
    let page = app.get("/sign-in", None).await;
    assert!(
        page.body.contains(r#"action="/api/sign_in""#),
        "a plain form posts to the server"
    );
    assert!(page.body.contains(r#"<label for="email""#));
    assert!(page.body.contains("Skip to main content"));
}

#[tokio::test]
async fn unknown_pages_are_404_with_a_helpful_page() {
    let app = TestApp::new().await;
    let page = app.get("/no-such-page", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"));
}

#[tokio::test]
async fn restricted_pages_send_anonymous_people_to_sign_in() {
    let app = TestApp::new().await;
    let page = app.get("/admin", None).await;
    assert_eq!(page.status, StatusCode::FOUND);
    assert_eq!(
        page.headers.get("location").unwrap(),
        "/sign-in?next=/admin"
    );
}

#[tokio::test]
async fn a_practitioner_is_refused_the_admin_page() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(SAM).await;
    let page = app.get("/admin", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("You cannot see this page"));
    assert!(!page.body.contains("Invite staff"));
    let admin = app.sign_in(ADMIN).await;
    let page = app.get("/admin", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Invite staff"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(SAM).await;
    let request = axum::http::Request::post("/api/sign_out")
        .header("host", HOST)
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        app.call("me", &[], Some(&cookie))
            .await
            .body
            .contains("Sam"),
        "the session survived"
    );
}

#[tokio::test]
async fn a_signed_in_dashboard_greets_the_person() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(ELLA).await;
    let page = app.get("/", Some(&cookie)).await;
    assert!(page.body.contains("Hello, Ella"));
    assert!(page.body.contains("Early Years"));
    assert!(
        !page.body.contains("Staff and invites"),
        "practitioners have no admin link"
    );
}

#[tokio::test]
async fn pages_link_the_manifest_and_offline_script_and_the_worker_may_fetch() {
    let app = TestApp::new().await;
    let page = app.get("/sign-in", None).await;
    assert!(page
        .body
        .contains(r#"<link rel="manifest" href="/manifest.webmanifest""#));
    let build = &app.state.shell.build;
    assert!(page.body.contains(&format!(
        r#"<script type="module" src="/offline.js?v={build}"></script>"#
    )));
    let csp = |r: &Reply| {
        r.headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    // The service worker runs under its own script's policy: it may fetch this site and
    // load its one helper script from it, nothing else.
    let worker = app.get("/sw.js", None).await;
    assert!(
        csp(&worker).contains("connect-src 'self'") && csp(&worker).contains("script-src 'self';"),
        "{}",
        csp(&worker)
    );
    // Any other non-page response still allows nothing.
    let other = app.get("/favicon.svg", None).await;
    assert!(!csp(&other).contains("connect-src"), "{}", csp(&other));
}
