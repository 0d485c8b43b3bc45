//! Single sign-on's refusals at the server (the browser suite signs in for real against a
//! certified provider: end2end/tests/sso.spec.ts).

use crate::common::*;
use app::api::auth::SignIn;
use app::api::single_sign_on::{SaveSso, SsoRedirectUri};
use axum::body::Body;
use domain::model::Role;
use domain::single_sign_on::ProviderKind;
use http::{Request, StatusCode};
use services::store::single_sign_on as store;

async fn provider(app: &TestApp, password_allowed: bool) {
    let setting_id: i64 = sqlx::query_scalar("SELECT setting_id FROM users WHERE email = $1")
        .bind(ADMIN)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    let domains = vec!["oakfield.example".to_string()];
    let p = store::Saved {
        setting_id,
        kind: ProviderKind::Other,
        // Nothing listens here: the provider is "down" (and plain http on this machine is
        // refused anyway without the test flag).
        issuer: "http://127.0.0.1:9",
        client_id: "tandem",
        domains: &domains,
        new_role: Role::Practitioner,
        password_allowed,
    };
    store::save(
        &app.state.db,
        &p,
        Some("v1.not-a-real-seal.x"),
        app.user_id(ADMIN).await,
    )
    .await
    .unwrap()
    .unwrap();
    store::approve(&app.state.db, setting_id, None)
        .await
        .unwrap();
}

async fn start(app: &TestApp, email: &str) -> Reply {
    let request = Request::post("/sign-in/sso")
        .header("host", HOST)
        .header("origin", format!("http://{HOST}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("email={}", urlencode(email))))
        .unwrap();
    app.send(request).await
}

fn location(r: &Reply) -> &str {
    r.headers["location"].to_str().unwrap()
}

#[tokio::test]
async fn an_address_without_single_sign_on_is_sent_back_with_it_kept() {
    let app = TestApp::new().await;
    let r = start(&app, "someone@nowhere.example").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/sign-in?sso=not-set-up&email=someone%40nowhere.example"
    );
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_or_read_is_a_clear_refusal() {
    let app = TestApp::new().await;
    provider(&app, true).await;
    let r = start(&app, "sam@oakfield.example").await;
    assert!(
        location(&r).starts_with("/sign-in?sso=unavailable&provider=other"),
        "{}",
        location(&r)
    );
}

#[tokio::test]
async fn an_answer_this_browser_did_not_ask_for_is_refused() {
    let app = TestApp::new().await;
    for cookie in [None, Some("tandem_sso=abc"), Some("tandem_sso=")] {
        let mut request =
            Request::get("/sign-in/sso/callback?code=x&state=abc").header("host", HOST);
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        let r = app.send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(location(&r), "/sign-in?sso=expired", "{cookie:?}");
        assert!(r.session_cookie().is_none());
    }
}

#[tokio::test]
async fn with_passwords_off_staff_are_sent_to_single_sign_on_but_admins_are_not() {
    let app = TestApp::new().await;
    provider(&app, false).await;
    let password = server::demo::DEMO_PASSWORD;
    let r = app
        .call::<SignIn>(&[("email", SAM), ("password", password)], None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("signs in with your school account"),
        "{}",
        r.body
    );
    assert!(r.session_cookie().is_none());
    // A wrong password still says only that it is wrong.
    let r = app
        .call::<SignIn>(&[("email", SAM), ("password", "wrong")], None)
        .await;
    assert!(r.body.contains("not right"), "{}", r.body);
    app.sign_in(ADMIN).await;
}

#[tokio::test]
async fn a_client_secret_is_never_stored_without_the_servers_key() {
    // The tests run without TANDEM_SECRET_KEY (scripts/e2e.sh sets one for the browser suite).
    if std::env::var("TANDEM_SECRET_KEY").is_ok() {
        return;
    }
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let r = app
        .call::<SaveSso>(
            &[
                ("kind", "google"),
                ("issuer", "https://accounts.google.com"),
                ("client_id", "tandem"),
                ("client_secret", "s3cret"),
                ("domains", "oakfield.example"),
                ("new_role", "practitioner"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("TANDEM_SECRET_KEY"), "{}", r.body);
    // Said before the form too, so nobody fills it in for nothing.
    let before = app.call::<SsoRedirectUri>(&[], Some(&admin)).await;
    assert!(
        before.body.contains("no TANDEM_SECRET_KEY"),
        "{}",
        before.body
    );
    std::env::set_var("TANDEM_SECRET_KEY", "short");
    let before = app.call::<SsoRedirectUri>(&[], Some(&admin)).await;
    assert!(before.body.contains("too short"), "{}", before.body);
    std::env::set_var(
        "TANDEM_SECRET_KEY",
        "0123456789abcdef0123456789abcdef-tests",
    );
    let before = app.call::<SsoRedirectUri>(&[], Some(&admin)).await;
    assert!(
        before.body.contains("\"cannot_keep_secrets\":null"),
        "{}",
        before.body
    );
    std::env::remove_var("TANDEM_SECRET_KEY");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_providers")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

/// `tandem sso trust`: the form's checks, a secret only from the environment, a domain that
/// signs in through one provider only, and the operator's command as the approval.
#[tokio::test]
async fn a_trusts_sign_on_is_checked_like_a_settings_and_approved_as_it_is_set() {
    use server::trust_sign_on::{off, set, Args};
    let app = TestApp::new().await;
    let db = &app.state.db;
    let trust = services::store::networks::create(db, "Riverside")
        .await
        .unwrap();
    let domains = vec!["riverside.example".to_string()];
    let args = |network, issuer, secret| Args {
        network,
        kind: "google",
        issuer,
        client_id: "tandem",
        domains: &domains,
        secret,
    };
    let google = "https://accounts.google.com";
    let refused = |r: anyhow::Result<String>| r.unwrap_err().to_string();
    assert!(refused(set(db, &args("Nowhere", google, Some("s"))).await).contains("no network"));
    assert!(
        refused(set(db, &args("Riverside", "https://evil.example", Some("s"))).await)
            .contains("https://accounts.google.com")
    );
    assert!(refused(set(db, &args("Riverside", google, None)).await)
        .contains("TANDEM_SSO_CLIENT_SECRET"));
    if std::env::var("TANDEM_SECRET_KEY").is_err() {
        assert!(
            refused(set(db, &args("Riverside", google, Some("s"))).await)
                .contains("TANDEM_SECRET_KEY")
        );
        std::env::set_var(
            "TANDEM_SECRET_KEY",
            "0123456789abcdef0123456789abcdef-tests",
        );
    }
    // Oakfield (the demo setting) signs in oakfield.example itself: the trust cannot have it.
    provider(&app, true).await;
    let oakfield = vec!["oakfield.example".to_string()];
    let taken = Args {
        domains: &oakfield,
        ..args("Riverside", google, Some("s3cret"))
    };
    assert!(refused(set(db, &taken).await).contains("oakfield.example already signs in"));
    assert!(services::store::trust_sign_on::get(db, trust)
        .await
        .unwrap()
        .is_none());

    let said = set(db, &args("Riverside", google, Some("s3cret")))
        .await
        .unwrap();
    assert!(said.contains("riverside.example"), "{said}");
    let p = store::for_domain(db, "riverside.example")
        .await
        .unwrap()
        .unwrap();
    assert!(p.issuer_approved && p.signs_in("riverside.example"));
    assert_eq!(
        services::secrets::open(p.owner, &p.secret_sealed).unwrap(),
        "s3cret",
        "sealed for the trust"
    );
    assert!(off(db, "Riverside").await.unwrap().contains("is off"));
    assert!(off(db, "Riverside")
        .await
        .unwrap()
        .contains("had no single sign-on"));
    let r = start(&app, "ada@riverside.example").await;
    assert!(
        location(&r).starts_with("/sign-in?sso=not-set-up"),
        "{}",
        location(&r)
    );
}

#[tokio::test]
async fn the_sign_in_page_offers_a_school_account_only_once_someone_has_one() {
    let app = TestApp::new().await;
    let page = app.get("/sign-in", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign in to Tandem"), "{}", page.body);
    assert!(
        !page.body.contains("sso-email"),
        "no box while nobody has one"
    );
    // Sent back by single sign-on (a form from an old page), the box is there, address kept.
    let back = app
        .get(
            "/sign-in?sso=not-set-up&email=someone%40nowhere.example",
            None,
        )
        .await;
    assert!(back.body.contains("id=\"sso-email\""), "{}", back.body);
    assert!(back.body.contains("someone@nowhere.example"));
    provider(&app, true).await;
    let page = app.get("/sign-in", None).await;
    assert!(page.body.contains("Continue with your school account"));
}
