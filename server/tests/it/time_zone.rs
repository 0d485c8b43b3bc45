//! Dates are days in the setting's time zone: an admin chooses it, and "last active",
//! downloads and digests follow it near midnight and across the clock changes.

use crate::common::*;
use app::api::admin::SetTimeZone;
use http::StatusCode;

/// 30 June 2026, 23:30 UTC: already 1 July in London (summer time).
const JUNE_NIGHT: i64 = 1_782_862_200;
/// 24 October 2026, 23:30 UTC: 00:30 on the 25th in London, the night the clocks go back.
const CLOCKS_BACK_NIGHT: i64 = 1_792_884_600;

/// Sam was last active at `at` (nothing of Sam's is later).
async fn sam_last_active(app: &TestApp, at: i64) {
    let sam = app.user_id(SAM).await;
    sqlx::query("UPDATE users SET last_seen_at = $1 WHERE id = $2")
        .bind(at)
        .bind(sam)
        .execute(app.sql().await)
        .await
        .unwrap();
    sqlx::query("UPDATE log_entries SET updated_at = 0 WHERE user_id = $1")
        .bind(sam)
        .execute(app.sql().await)
        .await
        .unwrap();
}

/// Sam's "last active" in the SENCo's progress download.
async fn last_active_in_csv(app: &TestApp, senco: &str) -> String {
    let csv = app.get("/staff/progress.csv", Some(senco)).await;
    assert_eq!(csv.status, StatusCode::OK);
    let row = csv
        .body
        .lines()
        .find(|l| l.starts_with("\"Sam Taylor\""))
        .expect("Sam's row")
        .to_string();
    row.split(',').nth(7).unwrap().trim_matches('"').to_string()
}

#[tokio::test]
async fn last_active_is_the_day_in_the_settings_time_zone() {
    let app = TestApp::new().await;
    let senco = app.sign_in(SENCO).await;
    sam_last_active(&app, JUNE_NIGHT).await;
    assert_eq!(last_active_in_csv(&app, &senco).await, "1 July 2026");
    sam_last_active(&app, CLOCKS_BACK_NIGHT).await;
    assert_eq!(last_active_in_csv(&app, &senco).await, "25 October 2026");

    // The admin moves the setting to UTC: the same instants are the days before.
    let admin = app.sign_in(ADMIN).await;
    let r = app
        .call::<SetTimeZone>(&[("time_zone", "UTC")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(last_active_in_csv(&app, &senco).await, "24 October 2026");
    sam_last_active(&app, JUNE_NIGHT).await;
    assert_eq!(last_active_in_csv(&app, &senco).await, "30 June 2026");
}

#[tokio::test]
async fn only_an_admin_sets_the_time_zone_and_only_to_a_real_one() {
    let app = TestApp::new().await;
    for who in [SAM, SENCO] {
        let cookie = app.sign_in(who).await;
        let r = app
            .call::<SetTimeZone>(&[("time_zone", "UTC")], Some(&cookie))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let r = app.call::<SetTimeZone>(&[("time_zone", "UTC")], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let admin = app.sign_in(ADMIN).await;
    let long = "Europe/".repeat(100);
    for bad in ["Europe/Atlantis", "", "../../etc/passwd", long.as_str()] {
        let r = app
            .call::<SetTimeZone>(&[("time_zone", bad)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(r.body.contains("time_zone"), "{}", r.body);
    }
    // Nothing changed, and a setting elsewhere is untouched by this admin's choice.
    let elsewhere = app
        .person_elsewhere("head@riverside.example", domain::model::Role::Admin)
        .await;
    let r = app
        .call::<SetTimeZone>(&[("time_zone", "Asia/Singapore")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let zones: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, s.time_zone FROM users u JOIN settings s ON s.id = u.setting_id
         WHERE u.email IN ($1, $2) ORDER BY u.id",
    )
    .bind(ADMIN)
    .bind("head@riverside.example")
    .fetch_all(app.sql().await)
    .await
    .unwrap();
    assert!(zones.contains(&(app.user_id(ADMIN).await, "Asia/Singapore".into())));
    assert!(zones.contains(&(elsewhere, "Europe/London".into())));
}

#[tokio::test]
async fn a_digest_dates_a_late_submission_by_the_recipients_day() {
    let app = TestApp::new().await;
    let line = services::store::digest::DigestLine {
        recipient_id: 1,
        recipient_email: SENCO.into(),
        recipient_name: "Priya Shah".into(),
        actor: "Sam Taylor".into(),
        section_key: "m1.reflection".into(),
        prompt_key: "p1".into(),
        event: None,
        at: JUNE_NIGHT,
        time_zone: "Europe/London".into(),
    };
    let (_, body) = services::mail::compose(
        &app.state.course,
        std::slice::from_ref(&line),
        "https://t.example",
    );
    assert!(body.contains("(1 July 2026)"), "{body}");
    let utc = services::store::digest::DigestLine {
        time_zone: "UTC".into(),
        ..line
    };
    let (_, body) = services::mail::compose(&app.state.course, &[utc], "https://t.example");
    assert!(body.contains("(30 June 2026)"), "{body}");
}
