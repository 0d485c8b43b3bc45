//! Sign-in, sessions, joining with an invite code, and the profile, through the router.

use crate::common::*;
use app::api::admin::{CreateInvite, RevokeInvite};
use app::api::auth::{CurrentMe, Join, SignIn, SignOut};
use app::api::profile::{ChangePassword, SavePreferences, UpdateProfile};
use http::StatusCode;

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::new().await;
    let reply = app.get("/healthz", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ok");
}

#[tokio::test]
async fn signing_in_sets_a_safe_session_cookie() {
    let app = TestApp::new().await;
    let reply = app
        .call::<SignIn>(
            &[
                ("email", "SAM@oakfield.example"),
                ("password", server::demo::DEMO_PASSWORD),
                ("next", "/profile"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "\"/profile\"");
    let set_cookie = reply.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let me = app
        .call::<CurrentMe>(&[], Some(&reply.session_cookie().unwrap()))
        .await;
    assert!(me.body.contains("Sam Taylor"), "{}", me.body);
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_clear_message() {
    let app = TestApp::new().await;
    let reply = app
        .call::<SignIn>(&[("email", SAM), ("password", "not the password")], None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("email address or password is not right"),
        "{}",
        reply.body
    );
    assert!(reply.session_cookie().is_none());
    let unknown = app
        .call::<SignIn>(
            &[
                ("email", "nobody@oakfield.example"),
                ("password", "whatever it is"),
            ],
            None,
        )
        .await;
    assert_eq!(
        unknown.body, reply.body,
        "unknown accounts look the same as wrong passwords"
    );
}

#[tokio::test]
async fn empty_fields_are_each_named() {
    let app = TestApp::new().await;
    let reply = app
        .call::<SignIn>(&[("email", ""), ("password", "")], None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Enter your email address"));
    assert!(reply.body.contains("Enter your password"));
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let reply = app
            .call::<SignIn>(&[("email", SAM), ("password", "wrong wrong wrong")], None)
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = app
        .call::<SignIn>(
            &[("email", SAM), ("password", server::demo::DEMO_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.body.contains("Too many attempts"));
    // Another account from the same address is not blocked by Sam's failures.
    app.sign_in(ELLA).await;
}

#[tokio::test]
async fn signing_in_again_rotates_the_session() {
    let app = TestApp::new().await;
    let first = app.sign_in(SAM).await;
    let reply = app
        .call::<SignIn>(
            &[("email", SAM), ("password", server::demo::DEMO_PASSWORD)],
            Some(&first),
        )
        .await;
    let second = reply.session_cookie().unwrap();
    assert_ne!(first, second);
    assert!(
        app.call::<CurrentMe>(&[], Some(&first))
            .await
            .body
            .contains("null"),
        "the old session is ended"
    );
    assert!(app
        .call::<CurrentMe>(&[], Some(&second))
        .await
        .body
        .contains("Sam Taylor"));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(SAM).await;
    let reply = app.call::<SignOut>(&[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(app.call::<CurrentMe>(&[], Some(&cookie)).await.body, "null");
}

async fn invite(app: &TestApp, role: &str) -> String {
    let admin = app.sign_in(ADMIN).await;
    let reply = app
        .call::<CreateInvite>(&[("role", role), ("days", "14")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let invite: domain::model::Invite = serde_json::from_str(&reply.body).unwrap();
    invite.code
}

#[tokio::test]
async fn joining_with_an_invite_creates_an_account_with_its_role() {
    let app = TestApp::new().await;
    let code = invite(&app, "senco").await;
    let lower = code.to_lowercase().replace('-', " ");
    let reply = app
        .call::<Join>(
            &[
                ("code", &lower),
                ("display_name", "Jo Bloggs"),
                ("email", "jo@oakfield.example"),
                ("password", "kettle orbit window plum"),
                ("sector", "post_16"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // An open code proves nothing about the address: not signed in until it is proved
    // (here, where Tandem sends no email, by the admin).
    assert!(reply.session_cookie().is_none());
    app.confirm_by_admin("jo@oakfield.example").await;
    let signed_in = app
        .call::<SignIn>(
            &[
                ("email", "jo@oakfield.example"),
                ("password", "kettle orbit window plum"),
            ],
            None,
        )
        .await;
    let me = app
        .call::<CurrentMe>(&[], Some(&signed_in.session_cookie().unwrap()))
        .await;
    let me: Option<domain::model::Me> = serde_json::from_str(&me.body).unwrap();
    let me = me.unwrap();
    assert_eq!(me.role, domain::model::Role::Senco);
    assert_eq!(me.sector, domain::model::Sector::Post16);
    assert_eq!(me.setting_name, server::demo::SETTING_NAME);
}

#[tokio::test]
async fn joining_refuses_unknown_codes_weak_passwords_and_taken_emails() {
    let app = TestApp::new().await;
    let unknown = app
        .call::<Join>(
            &[
                ("code", "ZZZZ-ZZZZ"),
                ("display_name", "Jo"),
                ("email", "jo@x.org"),
                ("password", "kettle orbit window"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.body.contains("invite code is not recognised"),
        "{}",
        unknown.body
    );

    let code = invite(&app, "practitioner").await;
    let weak = app
        .call::<Join>(
            &[
                ("code", &code),
                ("display_name", "Jo"),
                ("email", "jo@x.org"),
                ("password", "short"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.body.contains("at least 10 characters"),
        "{}",
        weak.body
    );

    let taken = app
        .call::<Join>(
            &[
                ("code", &code),
                ("display_name", "Jo"),
                ("email", SAM),
                ("password", "kettle orbit window"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("already an account"), "{}", taken.body);
    // The failed attempts did not use the code up.
    let uses: (i64,) = sqlx::query_as("SELECT uses FROM invites WHERE code = $1")
        .bind(&code)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(uses.0, 0);
}

#[tokio::test]
async fn a_revoked_code_no_longer_works() {
    let app = TestApp::new().await;
    let code = invite(&app, "practitioner").await;
    let admin = app.sign_in(ADMIN).await;
    assert_eq!(
        app.call::<RevokeInvite>(&[("code", &code)], Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    let reply = app
        .call::<Join>(
            &[
                ("code", &code),
                ("display_name", "Jo"),
                ("email", "jo@x.org"),
                ("password", "kettle orbit window"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn profile_changes_need_a_signed_in_person() {
    let app = TestApp::new().await;
    for (endpoint, form) in [
        (
            Endpoint::of::<UpdateProfile>(),
            vec![("display_name", "X"), ("sector", "school_age")],
        ),
        (
            Endpoint::of::<SavePreferences>(),
            vec![("text_size", "large"), ("line_spacing", "wide")],
        ),
        (
            Endpoint::of::<ChangePassword>(),
            vec![
                ("current_password", "a"),
                ("new_password", "b"),
                ("confirm_password", "b"),
            ],
        ),
    ] {
        let reply = app.call_at(endpoint, &form, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{endpoint}");
        assert!(
            reply.body.contains("Unauthenticated"),
            "{endpoint}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn profile_details_change() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(SAM).await;
    let reply = app
        .call::<UpdateProfile>(
            &[
                ("display_name", "  Samuel   Taylor "),
                ("sector", "post_16"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let me: Option<domain::model::Me> =
        serde_json::from_str(&app.call::<CurrentMe>(&[], Some(&cookie)).await.body).unwrap();
    let me = me.unwrap();
    assert_eq!(me.display_name, "Samuel Taylor");
    assert_eq!(me.sector, domain::model::Sector::Post16);
    let bad = app
        .call::<UpdateProfile>(&[("display_name", ""), ("sector", "space")], Some(&cookie))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter your name") && bad.body.contains("Choose a sector"));
}

#[tokio::test]
async fn preferences_are_rendered_into_the_page_and_follow_the_account() {
    let app = TestApp::new().await;
    let cookie = app.sign_in(SAM).await;
    let reply = app
        .call::<SavePreferences>(
            &[
                ("text_size", "largest"),
                ("line_spacing", "wide"),
                ("high_contrast", "on"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // Another device: a new session for the same person.
    let elsewhere = app.sign_in(SAM).await;
    let page = app.get("/", Some(&elsewhere)).await;
    let html_tag = page
        .body
        .split('>')
        .find(|t| t.contains("<html"))
        .unwrap_or_default();
    assert!(
        html_tag.contains(r#"class="pref-text-largest pref-spacing-wide pref-high-contrast""#),
        "{html_tag}"
    );
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::new().await;
    let here = app.sign_in(SAM).await;
    let elsewhere = app.sign_in(SAM).await;
    let wrong = app
        .call::<ChangePassword>(
            &[
                ("current_password", "nope"),
                ("new_password", "kettle orbit window"),
                ("confirm_password", "kettle orbit window"),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("current password is not right"));
    let mismatch = app
        .call::<ChangePassword>(
            &[
                ("current_password", server::demo::DEMO_PASSWORD),
                ("new_password", "kettle orbit window"),
                ("confirm_password", "kettle orbit door"),
            ],
            Some(&here),
        )
        .await;
    assert!(mismatch.body.contains("do not match"));
    let ok = app
        .call::<ChangePassword>(
            &[
                ("current_password", server::demo::DEMO_PASSWORD),
                ("new_password", "kettle orbit window"),
                ("confirm_password", "kettle orbit window"),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(app
        .call::<CurrentMe>(&[], Some(&here))
        .await
        .body
        .contains("Sam"));
    assert_eq!(
        app.call::<CurrentMe>(&[], Some(&elsewhere)).await.body,
        "null"
    );
    let new_sign_in = app
        .call::<SignIn>(&[("email", SAM), ("password", "kettle orbit window")], None)
        .await;
    assert_eq!(new_sign_in.status, StatusCode::OK);
}
