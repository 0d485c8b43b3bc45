//! Server-rendered pages: status codes, redirects, and the headers every answer carries.

use crate::common::*;
use app::api::auth::{CurrentMe, SignIn, SignOut};
use http::StatusCode;

/// The policy a page went out with, and whether its scripts carry the policy's nonce.
fn nonce_matches(page: &Reply) -> Result<(), String> {
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .ok_or_else(|| format!("no nonce in {csp:?}"))?;
    if !csp.contains("script-src 'self'") {
        return Err(format!("not the page policy: {csp}"));
    }
    let scripts = page.body.matches("<script nonce=").count();
    let carried = page.body.matches(&format!("nonce=\"{nonce}\"")).count();
    if scripts == carried {
        Ok(())
    } else {
        Err(format!(
            "{carried} of {scripts} inline scripts carry the nonce {nonce}"
        ))
    }
}

#[tokio::test]
async fn every_html_answer_goes_out_under_the_page_policy_with_its_own_nonce() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let senco = app.sign_in(SENCO).await;
    for (path, cookie) in [
        ("/sign-in", None),
        ("/", Some(&sam)),
        ("/modules/m1/knowledge", Some(&sam)),
        ("/log", Some(&sam)),
        ("/community", Some(&sam)),
        ("/community/p/demo-post-003", Some(&sam)),
        ("/review", Some(&senco)),
        ("/staff", Some(&senco)),
        ("/nowhere", Some(&sam)),
    ] {
        let page = app.get(path, cookie.map(|c| c.as_str())).await;
        assert!(
            page.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html")),
            "{path}"
        );
        nonce_matches(&page).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

/// A request as a browser makes it when a person opens `path`.
fn navigation(path: &str, cookie: &str) -> http::Request<axum::body::Body> {
    http::Request::get(path)
        .header("cookie", cookie)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("sec-fetch-mode", "navigate")
        .body(axum::body::Body::empty())
        .unwrap()
}

/// When Tandem cannot even find out who is asking (its database out of reach, as under
/// overload), a browser still gets a page it can show: styled, under a policy that lets the
/// stylesheet load, with a 503; the app's own fetch gets the same words as plain text.
#[tokio::test]
async fn a_refusal_before_any_page_renders_is_a_styled_page_for_a_browser() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    app.state.db.close().await;
    let page = app.send(navigation("/log", &sam)).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        header("content-type").starts_with("text/html"),
        "{}",
        header("content-type")
    );
    assert!(header("content-security-policy").contains("style-src 'self'"));
    assert!(page
        .body
        .contains("<link rel=\"stylesheet\" href=\"/pkg/tandem.css?v="));
    assert!(page
        .body
        .contains("Tandem cannot reach its database just now"));

    let fetch = http::Request::get("/log")
        .header("cookie", &sam)
        .header("accept", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    let plain = app.send(fetch).await;
    assert_eq!(plain.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(plain.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
}

/// Whatever a browser is shown as a page goes out under the page policy, even an answer
/// that does not say it is HTML (the browser would guess that it is).
#[tokio::test]
async fn a_navigation_always_goes_out_under_the_page_policy() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    for path in ["/log/export.json", "/favicon.svg", "/nowhere"] {
        let reply = app.send(navigation(path, &sam)).await;
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("style-src 'self'") && csp.contains("'nonce-"),
            "{path}: {csp}"
        );
    }
}

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
        page.body.contains(&format!(r#"action="{}""#, SignIn::PATH)),
        "a plain form posts to the server"
    );
    assert!(page.body.contains(r#"<label for="email""#));
    assert!(page.body.contains("Skip to main content"));
}

/// Pages render on the server; only islands load code. Signed out, there are none: no
/// code at all. A page loads a bundle exactly when it has islands: the learner's on the
/// course's pages, the full one on a thread and the sharing form; and each page's islands
/// are in its bundle.
#[tokio::test]
async fn pages_load_only_the_code_their_islands_need() {
    let app = TestApp::new().await;
    for path in ["/sign-in", "/join", "/privacy"] {
        let page = app.get(path, None).await;
        assert!(!page.body.contains(".wasm"), "{path} loads no wasm");
        assert!(
            !page.body.contains("/islands.js"),
            "{path} loads no island code"
        );
        assert!(
            !page.body.contains("<leptos-island"),
            "{path} has no islands"
        );
        assert!(
            page.body.contains("/offline.js?v="),
            "the outbox script still loads"
        );
    }
    let sam = app.sign_in(SAM).await;
    let senco = app.sign_in(SENCO).await;
    let admin = app.sign_in(ADMIN).await;
    let ella = app.sign_in(ELLA).await;
    let pages: Vec<(&str, &str, Option<&str>)> = vec![
        ("/plan", &ella, None),
        ("/plan/check-in/1", &ella, Some("tandem")),
        ("/plan/end-review", &ella, None),
        ("/plan/summary", &ella, None),
        ("/plan", &senco, None),
        ("/plan/proposals", &senco, None),
        ("/", &sam, None),
        ("/log", &sam, None),
        ("/profile", &sam, None),
        ("/community", &sam, None),
        ("/community/sessions", &sam, None),
        ("/modules", &sam, Some("tandem")),
        ("/modules/m2", &sam, Some("tandem")),
        ("/modules/m2/knowledge", &sam, Some("tandem")),
        ("/modules/m2/reflection", &sam, Some("tandem")),
        ("/community/p/demo-post-000", &sam, Some("tandem-full")),
        ("/community/new", &sam, Some("tandem-full")),
        ("/review", &senco, None),
        ("/staff", &senco, None),
        ("/facilitator", &senco, None),
        ("/admin", &admin, None),
        ("/admin/sign-in", &admin, None),
        ("/admin/data", &admin, None),
        ("/admin/import", &admin, None),
    ];
    for (path, cookie, bundle) in pages {
        let page = app.get(path, Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let names = islands(&page.body);
        assert_eq!(
            page.body.contains("/islands.js"),
            !names.is_empty(),
            "{path}: loads code exactly when it has islands ({names:?})"
        );
        match bundle {
            Some(bundle) => assert!(
                page.body.contains(&format!("/pkg/{bundle}_bg.wasm?v=")),
                "{path} loads {bundle}"
            ),
            None => assert!(!page.body.contains(".wasm"), "{path} loads no wasm"),
        }
        for name in names {
            assert!(
                bundle == Some("tandem-full") || LEARNER_ISLANDS.contains(&name.as_str()),
                "{path} has the island {name}, which the learner's bundle does not hold"
            );
        }
    }
    let section = app.get("/modules/m2/reflection", Some(&sam)).await;
    assert_eq!(
        islands(&section.body),
        vec!["ActivityTracker", "ReadAloud", "AnswerForm", "MarkComplete"]
    );
}

/// The islands of the learner's bundle (`hydrate` without `full`: app/src/islands).
const LEARNER_ISLANDS: [&str; 6] = [
    "ActivityTracker",
    "ReadAloud",
    "AnswerForm",
    "MarkComplete",
    "OfflineSave",
    "SavedHere",
];

/// The islands in a page, by component name, in order.
fn islands(html: &str) -> Vec<String> {
    html.split(r#"<leptos-island data-component=""#)
        .skip(1)
        .map(|rest| {
            rest.split(['_', '"'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Pages with data are whole in their first response (no placeholder waiting for a
/// script), and a section's text appears once: not again in the hydration data.
#[tokio::test]
async fn pages_are_complete_and_a_section_carries_its_text_once() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(SAM).await;
    for path in [
        "/",
        "/modules",
        "/modules/m2",
        "/modules/m2/knowledge",
        "/log",
        "/profile",
    ] {
        let page = app.get(path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("Loading"), "{path} has a placeholder");
        assert!(page.body.contains("<h1"), "{path}");
    }
    let page = app.get("/modules/m2/knowledge", Some(&cookie)).await;
    let article = page
        .body
        .split(r#"<article id="section-text""#)
        .nth(1)
        .expect("the section's text");
    let paragraph = article
        .split("<p>")
        .nth(1)
        .and_then(|p| p.split("</p>").next())
        .unwrap();
    let sentence: String = paragraph.chars().take(60).collect();
    assert!(sentence.len() > 40, "{sentence}");
    assert_eq!(page.body.matches(&sentence).count(), 1, "{sentence}");
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
    let request = axum::http::Request::post(SignOut::PATH)
        .header("host", HOST)
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        app.call::<CurrentMe>(&[], Some(&cookie))
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
    // Any other non-page response (here the icon as a page's <link> loads it) still
    // allows nothing.
    let icon = http::Request::get("/favicon.svg")
        .header(
            "accept",
            "image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8",
        )
        .header("sec-fetch-mode", "no-cors")
        .body(axum::body::Body::empty())
        .unwrap();
    let other = app.send(icon).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!csp(&other).contains("connect-src"), "{}", csp(&other));
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_one_from_a_proxy() {
    let app = TestApp::new().await;
    let id = |r: &Reply| {
        r.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (a, b) = (
        app.get("/sign-in", None).await,
        app.get("/healthz", None).await,
    );
    assert!(!id(&a).is_empty() && !id(&b).is_empty());
    assert_ne!(id(&a), id(&b), "each request has its own id");
    let proxied = app
        .send(
            http::Request::get("/sign-in")
                .header("host", HOST)
                .header("x-request-id", "proxy-7f3a")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(id(&proxied), "proxy-7f3a");
}

#[tokio::test]
async fn static_files_are_served_without_the_database() {
    // Files are the same for everyone, so a session cookie does not send them to the
    // database: a tablet still gets the app shell while the database is unavailable.
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    app.state.db.close().await;
    for path in [
        "/sw.js",
        "/offline.js",
        "/favicon.svg",
        "/manifest.webmanifest",
    ] {
        assert_eq!(
            app.get(path, Some(&sam)).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    assert_eq!(
        app.get("/log", Some(&sam)).await.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "pages need the session, so they say the database is unavailable"
    );
}

#[tokio::test]
async fn a_download_asked_for_signed_out_leads_back_to_its_page_after_sign_in() {
    let app = TestApp::new().await;
    let sam_id = app.user_id(SAM).await;
    for (path, back) in [
        ("/log/learning-log.pdf".to_string(), "/log".to_string()),
        ("/staff/progress.csv".into(), "/staff".into()),
        (
            format!("/staff/{sam_id}/evidence.pdf"),
            format!("/staff/{sam_id}"),
        ),
    ] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            r.headers.get("location").unwrap(),
            &format!("/sign-in?next={back}"),
            "{path}"
        );
    }
    // Refusals other than "sign in first" keep their status, in words.
    let sam = app.sign_in(SAM).await;
    let r = app.get("/staff/progress.csv", Some(&sam)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("permission"), "{}", r.body);
}

/// Pages are compressed as browsers ask: Brotli when it is accepted (every browser over
/// HTTPS), gzip otherwise (Chrome over plain HTTP), and never twice.
#[tokio::test]
async fn pages_are_compressed_with_the_best_encoding_the_browser_takes() {
    let app = TestApp::new().await;
    let fetch = |accept: &'static str| {
        let app = &app;
        async move {
            let request = http::Request::get("/sign-in")
                .header("host", HOST)
                .header("accept", "text/html")
                .header("accept-encoding", accept)
                .body(axum::body::Body::empty())
                .unwrap();
            app.send(request).await
        }
    };
    let plain = fetch("identity").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get("content-encoding").is_none());
    for (accept, expected) in [
        ("gzip, deflate, br, zstd", "br"),
        ("br", "br"),
        ("gzip, deflate", "gzip"),
    ] {
        let page = fetch(accept).await;
        assert_eq!(page.status, StatusCode::OK);
        let encodings: Vec<_> = page.headers.get_all("content-encoding").iter().collect();
        assert_eq!(encodings, [expected], "for {accept:?}");
        assert!(
            page.bytes.len() * 2 < plain.bytes.len(),
            "{accept:?}: {} bytes compressed against {} plain",
            page.bytes.len(),
            plain.bytes.len()
        );
    }
}

#[tokio::test]
async fn filters_read_from_the_address_treat_empty_and_hand_edited_values_plainly() {
    let app = TestApp::new().await;
    let ella = app.sign_in(ELLA).await;
    let senco = app.sign_in(SENCO).await;
    let saved = app
        .call::<app::api::learning_log::SaveAnswer>(
            &[
                ("op_id", "71111111-2222-4333-8444-555555555555"),
                ("entry_id", "71111111-2222-4333-8444-666666666666"),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "0"),
                ("body", "A visual timetable by the door."),
            ],
            Some(&ella),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // An empty filter (a form sends `?q=`) is no filter: the same entries as none at all.
    let plain = app.get("/log", Some(&ella)).await;
    let empty = app.get("/log?module=&kind=&status=&q=", Some(&ella)).await;
    assert_eq!(plain.status, StatusCode::OK);
    let count = |html: &str| html.matches("href=\"/log/").count();
    assert!(count(&plain.body) > 0);
    assert_eq!(count(&plain.body), count(&empty.body));
    // A typed value is kept in its box.
    let searched = app.get("/log?q=visual", Some(&ella)).await;
    assert!(
        searched.body.contains("value=\"visual\""),
        "the search stays in its box"
    );
    // A page number that is not one is read as no page, never an error page.
    for path in [
        "/staff?page=x&sort=name",
        "/community?page=-1",
        "/log/00000000-0000-4000-8000-000000000000?history=lots",
    ] {
        let cookie = if path.starts_with("/staff") {
            &senco
        } else {
            &ella
        };
        let reply = app.get(path, Some(cookie)).await;
        assert!(
            reply.status == StatusCode::OK || reply.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.status
        );
        assert!(!reply.body.contains("Sorry, there is a problem"), "{path}");
    }
    let staff = app.get("/staff?page=x&sector=primary", Some(&senco)).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert!(staff.body.contains("Staff progress"));
}
