//! A forgotten password: an admin's one-time code where Tandem sends no email, a link by
//! email where it does; the refusals around both.

use crate::common::*;
use app::api::auth::SignIn;
use app::api::password_reset::{
    ForgotPassword, MakeResetCode, ResetNotice, ResetPassword, ShowResetCode,
};
use http::StatusCode;

const NEW: &str = "a brand new pass phrase";

fn json<T: serde::de::DeserializeOwned>(r: &Reply) -> T {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {} {}", r.status, r.body))
}

async fn session_with(app: &TestApp, email: &str, password: &str) -> String {
    app.call::<SignIn>(&[("email", email), ("password", password)], None)
        .await
        .session_cookie()
        .expect("signed in")
}

fn code_form<'a>(email: &'a str, code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("code", code),
        ("new_password", NEW),
        ("confirm_password", NEW),
    ]
}

async fn signs_in_with(app: &TestApp, email: &str, password: &str) -> bool {
    app.call::<SignIn>(&[("email", email), ("password", password)], None)
        .await
        .status
        == StatusCode::OK
}

#[tokio::test]
async fn an_admins_code_lets_the_person_choose_a_new_password_once() {
    let app = TestApp::new().await;
    let (admin, sam) = (app.sign_in(ADMIN).await, app.sign_in(SAM).await);
    let sam_id = app.user_id(SAM).await.to_string();
    // Not for practitioners, not for themselves, not for another setting's people.
    let ella = app.sign_in(ELLA).await;
    let r = app
        .call::<MakeResetCode>(&[("user_id", &sam_id)], Some(&ella))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let own = app.user_id(ADMIN).await.to_string();
    let r = app
        .call::<MakeResetCode>(&[("user_id", &own)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    app.person_elsewhere("admin@riverside.example", domain::model::Role::Admin)
        .await;
    let other_admin = app.sign_in("admin@riverside.example").await;
    let r = app
        .call::<MakeResetCode>(&[("user_id", &sam_id)], Some(&other_admin))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let id: String = json(
        &app.call::<MakeResetCode>(&[("user_id", &sam_id)], Some(&admin))
            .await,
    );
    // Shown once, to the admin who made it only.
    let r = app
        .call::<ShowResetCode>(&[("id", &id)], Some(&other_admin))
        .await;
    assert_eq!(json::<Option<serde_json::Value>>(&r), None);
    let shown: serde_json::Value = json::<Option<serde_json::Value>>(
        &app.call::<ShowResetCode>(&[("id", &id)], Some(&admin))
            .await,
    )
    .expect("the code, once");
    let code = shown["code"].as_str().unwrap().to_string();
    assert_eq!(shown["name"], "Sam Taylor");
    let again = app
        .call::<ShowResetCode>(&[("id", &id)], Some(&admin))
        .await;
    assert_eq!(json::<Option<serde_json::Value>>(&again), None);

    // Wrong address, wrong code, passwords that differ: refused, and nothing changes.
    for (email, typed) in [(ELLA, code.as_str()), (SAM, "ZZZZ-ZZZZ")] {
        let r = app
            .call::<ResetPassword>(&code_form(email, typed), None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("does not match"), "{}", r.body);
    }
    let mut mismatched = code_form(SAM, &code);
    mismatched[3] = ("confirm_password", "something else entirely");
    let r = app.call::<ResetPassword>(&mismatched, None).await;
    assert!(r.body.contains("do not match"), "{}", r.body);
    assert!(signs_in_with(&app, SAM, server::demo::DEMO_PASSWORD).await);

    // Typed in lower case with a space: it works, once, and signs Sam out everywhere.
    let typed = code.to_lowercase().replace('-', " ");
    let r = app
        .call::<ResetPassword>(&code_form(SAM, &typed), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.call::<ResetNotice>(&[], Some(&sam)).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the old session has ended"
    );
    assert!(!signs_in_with(&app, SAM, server::demo::DEMO_PASSWORD).await);
    assert!(signs_in_with(&app, SAM, NEW).await);
    let r = app
        .call::<ResetPassword>(&code_form(SAM, &code), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "used once only");

    // Sam is told, on signing in, who set the password by code.
    let sam = session_with(&app, SAM, NEW).await;
    let notice: Option<(String, i64)> = json(&app.call::<ResetNotice>(&[], Some(&sam)).await);
    assert_eq!(notice.map(|(who, _)| who).as_deref(), Some("Alex Morgan"));
    assert!(app
        .get("/", Some(&sam))
        .await
        .body
        .contains("was used to set your password"));
}

#[tokio::test]
async fn where_tandem_sends_email_a_link_goes_to_the_address_and_nobody_learns_who_has_an_account()
{
    services::mail::turn_on();
    let app = TestApp::new().await;
    let same = |r: &Reply| (r.status, r.body.clone());
    let known = app.call::<ForgotPassword>(&[("email", SAM)], None).await;
    let unknown = app
        .call::<ForgotPassword>(&[("email", "nobody@oakfield.example")], None)
        .await;
    assert_eq!(same(&known), same(&unknown), "the same answer either way");
    assert_eq!(known.status, StatusCode::OK, "{}", known.body);
    let body: String = sqlx::query_scalar(
        "SELECT body FROM mail_outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(SAM)
    .fetch_one(app.sql().await)
    .await
    .expect("an email to Sam");
    let token = body
        .split("reset-password?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a link")
        .to_string();
    let mails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(mails, 1, "nothing to the unknown address");
    // An admin's code is not offered where the link can go to the person's own inbox.
    let admin = app.sign_in(ADMIN).await;
    let sam_id = app.user_id(SAM).await.to_string();
    let r = app
        .call::<MakeResetCode>(&[("user_id", &sam_id)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let page = app
        .get(&format!("/reset-password?token={token}"), None)
        .await;
    assert!(page.body.contains("Set my new password"), "{}", page.body);
    let form = [
        ("token", token.as_str()),
        ("new_password", NEW),
        ("confirm_password", NEW),
    ];
    let r = app.call::<ResetPassword>(&form, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(signs_in_with(&app, SAM, NEW).await);
    let r = app.call::<ResetPassword>(&form, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "once only");
    let page = app
        .get(&format!("/reset-password?token={token}"), None)
        .await;
    assert!(page.body.contains("has been used or has expired"));
    // Nobody is told a code set it: it was Sam's own inbox.
    let sam = session_with(&app, SAM, NEW).await;
    let notice: Option<(String, i64)> = json(&app.call::<ResetNotice>(&[], Some(&sam)).await);
    assert_eq!(notice, None);
}
