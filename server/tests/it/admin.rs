//! The setting admin's server functions: each refuses the wrong people.

use crate::common::*;
use app::api::admin::{
    ChangeRole, CreateInvite, InviteCodes, RevokeInvite, SetMemberActive, Staff,
};
use app::api::auth::{CurrentMe, SignIn};
use domain::model::{Member, Role};
use http::StatusCode;

const ADMIN_CALLS: [(Endpoint, &[(&str, &str)]); 4] = [
    (Endpoint::of::<Staff>(), &[]),
    (Endpoint::of::<InviteCodes>(), &[]),
    (
        Endpoint::of::<CreateInvite>(),
        &[("role", "practitioner"), ("days", "7")],
    ),
    (Endpoint::of::<RevokeInvite>(), &[("code", "ABCD-EFGH")]),
];

#[tokio::test]
async fn admin_functions_refuse_anonymous_people_practitioners_and_sencos() {
    let app = TestApp::new().await;
    for (endpoint, form) in ADMIN_CALLS {
        assert_eq!(
            app.call_at(endpoint, form, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    for who in [SAM, SENCO] {
        let cookie = app.sign_in(who).await;
        for (endpoint, form) in ADMIN_CALLS {
            let reply = app.call_at(endpoint, form, Some(&cookie)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who} {endpoint}");
        }
        let sam = app.user_id(SAM).await.to_string();
        assert_eq!(
            app.call::<ChangeRole>(&[("user_id", &sam), ("role", "admin")], Some(&cookie))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.call::<SetMemberActive>(&[("user_id", &sam), ("active", "false")], Some(&cookie))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn an_admin_lists_staff_and_changes_a_role() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let staff: Vec<Member> =
        serde_json::from_str(&app.call::<Staff>(&[], Some(&admin)).await.body).unwrap();
    assert_eq!(staff.len(), 4 + server::demo_plans::accounts().count());
    let sam = app.user_id(SAM).await.to_string();
    let reply = app
        .call::<ChangeRole>(&[("user_id", &sam), ("role", "senco")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let staff: Vec<Member> =
        serde_json::from_str(&app.call::<Staff>(&[], Some(&admin)).await.body).unwrap();
    assert_eq!(
        staff.iter().find(|m| m.email == SAM).unwrap().role,
        Role::Senco
    );
}

#[tokio::test]
async fn an_admin_cannot_touch_another_settings_staff() {
    let app = TestApp::new().await;
    let stranger = app
        .person_elsewhere("t@riverside.example", Role::Practitioner)
        .await
        .to_string();
    let admin = app.sign_in(ADMIN).await;
    let reply = app
        .call::<ChangeRole>(&[("user_id", &stranger), ("role", "admin")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = app
        .call::<SetMemberActive>(&[("user_id", &stranger), ("active", "false")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let staff: Vec<Member> =
        serde_json::from_str(&app.call::<Staff>(&[], Some(&admin)).await.body).unwrap();
    assert!(staff.iter().all(|m| m.email != "t@riverside.example"));
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_deactivated() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let me = app.user_id(ADMIN).await.to_string();
    let reply = app
        .call::<ChangeRole>(&[("user_id", &me), ("role", "practitioner")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("at least one active admin"));
    let reply = app
        .call::<SetMemberActive>(&[("user_id", &me), ("active", "false")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn deactivating_a_member_signs_them_out_and_blocks_sign_in() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let sam_session = app.sign_in(SAM).await;
    let sam = app.user_id(SAM).await.to_string();
    let reply = app
        .call::<SetMemberActive>(&[("user_id", &sam), ("active", "false")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        app.call::<CurrentMe>(&[], Some(&sam_session)).await.body,
        "null"
    );
    let again = app
        .call::<SignIn>(
            &[("email", SAM), ("password", server::demo::DEMO_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("deactivated"));
    assert_eq!(
        app.call::<SetMemberActive>(&[("user_id", &sam), ("active", "true")], Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    app.sign_in(SAM).await;
}

#[tokio::test]
async fn invite_lifetimes_are_validated() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let reply = app
        .call::<CreateInvite>(&[("role", "janitor"), ("days", "400")], Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Choose a role") && reply.body.contains("from 1 to 90"));
}
