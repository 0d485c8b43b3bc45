//! UK GDPR: erasure on request, retention after people leave, subject access, and the
//! privacy notice.

use crate::common::*;
use app::api::admin::SetMemberActive;
use app::api::auth::SignIn;
use app::api::community::PostReply;
use app::api::course::RecordProgress;
use app::api::data_protection::{ErasePerson, PrivacyNotice, SavePrivacyNotice, SaveRetention};
use app::api::learning_log::{SaveAnswer, SubmitEntries};
use app::api::plan::{SavePlan, SaveSelfReview};
use app::api::proposals::{AnswerOffer, OfferView, Offers, Propose};
use app::api::review::ReviewEntry;
use http::StatusCode;

const ENTRY: &str = "a1111111-2222-4333-8444-555555555555";

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.sql().await)
        .await
        .unwrap()
}

/// Sam writes an answer, opens a section and replies in the community.
async fn sam_leaves_traces(app: &TestApp, sam: &str) {
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", "a2222222-2222-4333-8444-555555555555"),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "0"),
                ("body", "Sam's private reflection about a pupil."),
            ],
            Some(sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call::<RecordProgress>(
            &[
                ("op_id", "a3333333-2222-4333-8444-555555555555"),
                ("section_key", "m1.knowledge"),
                ("kind", "opened"),
            ],
            Some(sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .call::<PostReply>(
            &[
                ("id", "a4444444-2222-4333-8444-555555555555"),
                ("post", "demo-post-007"),
                ("body", "Sam's reply in the community."),
            ],
            Some(sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut review: Vec<(&str, &str)> = domain::self_review::Area::ALL
        .iter()
        .map(|a| (a.rating_field(), "2"))
        .collect();
    review.push(("outcomes_words", "Sam's own words about outcomes."));
    let r = app.call::<SaveSelfReview>(&review, Some(sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let goal = [("base_rev", "0"), ("goal1", "Sam's own goal for Jay.")];
    let r = app.call::<SavePlan>(&goal, Some(sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn an_admin_erases_a_closed_account_and_the_log_keeps_counts_only() {
    let app = TestApp::new().await;
    let (admin, sam) = (app.sign_in(ADMIN).await, app.sign_in(SAM).await);
    let sam_id = app.user_id(SAM).await;
    sam_leaves_traces(&app, &sam).await;
    let erase = |confirm: &'static str| {
        let (app, admin, id) = (&app, &admin, sam_id.to_string());
        async move {
            app.call::<ErasePerson>(&[("user_id", &id), ("confirm", confirm)], Some(admin))
                .await
        }
    };
    // Still active: refused, nothing erased.
    let r = erase("on").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Deactivate the account first"),
        "{}",
        r.body
    );
    let r = app
        .call::<SetMemberActive>(
            &[("user_id", &sam_id.to_string()), ("active", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Not confirmed: refused.
    assert_eq!(erase("").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM log_entries WHERE user_id = $1",
            sam_id
        )
        .await,
        1
    );

    let r = erase("on").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 learning-log entries"), "{}", r.body);
    for table in [
        "log_entries",
        "progress_events",
        "section_progress",
        "progress_days",
        "sessions",
        "self_reviews",
        "self_review_answers",
        "plans",
    ] {
        let n = count(
            &app,
            &format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1"),
            sam_id,
        )
        .await;
        assert_eq!(n, 0, "{table}");
    }
    let text: i64 = count(
        &app,
        "SELECT COUNT(*) FROM replies WHERE author_id = $1 AND body LIKE '%Sam%'",
        sam_id,
    )
    .await;
    assert_eq!(text, 0, "the community reply's text is gone");
    let (email, name): (String, String) =
        sqlx::query_as("SELECT email, display_name FROM users WHERE id = $1")
            .bind(sam_id)
            .fetch_one(app.sql().await)
            .await
            .unwrap();
    assert_eq!(
        (email.ends_with("@erased.invalid"), name.as_str()),
        (true, "Former member")
    );
    // The log line: counts only.
    let (action, detail): (String, String) =
        sqlx::query_as("SELECT action, detail FROM data_protection_log")
            .fetch_one(app.sql().await)
            .await
            .unwrap();
    assert_eq!(action, "erasure");
    // Sam's reply above, and the demo's posts and replies of Sam's.
    let counts: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(
        (counts["people"].as_i64(), counts["entries"].as_i64()),
        (Some(1), Some(1)),
        "{detail}"
    );
    assert!(counts["replies"].as_i64() >= Some(1), "{detail}");
    assert!(
        !detail.contains("Sam") && !detail.contains("sam@"),
        "{detail}"
    );
    // Gone for good: no sign-in, and a second erasure is refused.
    let r = app
        .call::<SignIn>(
            &[("email", SAM), ("password", server::demo::DEMO_PASSWORD)],
            None,
        )
        .await;
    assert_ne!(r.status, StatusCode::OK);
    assert_eq!(erase("on").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nobody else's records were touched.
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE erased_at IS NULL AND id != $1",
            sam_id
        )
        .await
            > 3
    );
}

#[tokio::test]
async fn retention_erases_only_those_who_left_longer_ago_than_the_setting_keeps_records() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let (sam, ella) = (app.user_id(SAM).await, app.user_id(ELLA).await);
    for id in [sam, ella] {
        let r = app
            .call::<SetMemberActive>(
                &[("user_id", &id.to_string()), ("active", "false")],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let now = services::store::now();
    let year = 31_557_600;
    // Sam left seven years ago, Ella one year ago; Oakfield keeps records for six.
    for (id, ago) in [(sam, 7 * year), (ella, year)] {
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2")
            .bind(now - ago)
            .bind(id)
            .execute(app.sql().await)
            .await
            .unwrap();
    }
    // Ten years: nobody yet.
    let r = app
        .call::<SaveRetention>(&[("years", "10")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let none = services::store::data_protection::apply_retention(&app.state.db, now)
        .await
        .unwrap();
    assert_eq!(none.people, 0);
    let r = app
        .call::<SaveRetention>(&[("years", "0")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call::<SaveRetention>(&[("years", "6")], Some(&admin))
            .await
            .status,
        StatusCode::OK
    );

    let erased = services::store::data_protection::apply_retention(&app.state.db, now)
        .await
        .unwrap();
    assert_eq!(erased.people, 1);
    let erased_ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE erased_at IS NOT NULL")
            .fetch_all(app.sql().await)
            .await
            .unwrap();
    assert_eq!(erased_ids, vec![(sam,)]);
    let lines: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT action, actor_id FROM data_protection_log")
            .fetch_all(app.sql().await)
            .await
            .unwrap();
    assert_eq!(lines, vec![("retention".to_string(), None)]);
    // Running again finds nothing more.
    let again = services::store::data_protection::apply_retention(&app.state.db, now)
        .await
        .unwrap();
    assert_eq!(again.people, 0);
}

#[tokio::test]
async fn a_person_downloads_everything_held_about_them() {
    let app = TestApp::new().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    sam_leaves_traces(&app, &sam).await;
    // Sam submits the entry and the SENCo reads it: an audit line about Sam.
    let r = app
        .call::<SubmitEntries>(&[("id", ENTRY)], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call::<ReviewEntry>(&[("id", ENTRY)], Some(&senco))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The SENCo proposes something; Sam adds it to her plan.
    let r = app
        .call::<Propose>(
            &[
                ("kind", "session"),
                ("area", "outcomes"),
                ("sector", ""),
                ("title", "Outcomes written with learners"),
                ("day", ""),
                ("details", "Bring a target."),
            ],
            Some(&senco),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let offers: Vec<OfferView> = json(&app.call::<Offers>(&[], Some(&sam)).await);
    let offer = offers
        .iter()
        .find(|o| o.title == "Outcomes written with learners")
        .unwrap();
    let r = app
        .call::<AnswerOffer>(&[("id", offer.id.as_str()), ("join", "true")], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.get("/log/export.json", Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK);
    let data: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(data["account"]["email"], SAM);
    let answered = data["proposals_you_answered"].as_array().unwrap();
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert_eq!(answered[0]["title"], "Outcomes written with learners");
    assert_eq!(answered[0]["added_to_plan"], true);
    assert!(data["proposals_you_made"].as_array().unwrap().is_empty());
    let hers: serde_json::Value =
        serde_json::from_str(&app.get("/log/export.json", Some(&senco)).await.body).unwrap();
    assert!(hers["proposals_you_made"]
        .as_array()
        .unwrap()
        .iter()
        .any(
            |p| p["title"] == "Outcomes written with learners" && p["details"] == "Bring a target."
        ));
    assert!(
        hers["proposals_you_answered"]
            .as_array()
            .unwrap()
            .is_empty(),
        "Sam's choice is hers alone"
    );
    assert!(data["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["body"].as_str().unwrap().contains("private reflection")));
    assert_eq!(
        data["self_review"]["answers"][3]["words"],
        "Sam's own words about outcomes."
    );
    assert_eq!(data["plan"]["goals"][0]["words"], "Sam's own goal for Jay.");
    assert_eq!(data["plan"]["history"][0]["kind"], "saved");
    let replies = data["community_replies"].as_array().unwrap();
    assert!(replies
        .iter()
        .any(|r| r["body"].as_str().unwrap().contains("Sam's reply")));
    let audit = data["audit_about_you"].as_array().unwrap();
    assert!(!audit.is_empty(), "{}", r.body);
    assert!(audit
        .iter()
        .all(|a| a["who"].is_string() && a["at"].is_i64()));
    // Only the person's own: nothing of Ella's.
    assert!(!r.body.contains("ella@"));
    assert_eq!(
        app.get("/log/export.json", None).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_privacy_notice_is_the_settings_own_once_written() {
    let app = TestApp::new().await;
    let (admin, sam) = (app.sign_in(ADMIN).await, app.sign_in(SAM).await);
    let before: serde_json::Value =
        serde_json::from_str(&app.call::<PrivacyNotice>(&[], Some(&sam)).await.body).unwrap();
    assert_eq!(before["text"], "");
    let r = app
        .call::<SavePrivacyNotice>(
            &[(
                "notice",
                "## Oakfield's notice\nWe keep training records for six years.",
            )],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let after: serde_json::Value =
        serde_json::from_str(&app.call::<PrivacyNotice>(&[], Some(&sam)).await.body).unwrap();
    assert!(after["text"]
        .as_str()
        .unwrap()
        .contains("Oakfield's notice"));
    // Before sign-in: Tandem's own, naming no setting.
    let anyone: serde_json::Value =
        serde_json::from_str(&app.call::<PrivacyNotice>(&[], None).await.body).unwrap();
    assert_eq!(
        (anyone["setting"].clone(), anyone["text"].clone()),
        (serde_json::Value::Null, serde_json::json!(""))
    );
    // Too long: refused, nothing saved; a practitioner may not edit it.
    let long = "x".repeat(20_001);
    let r = app
        .call::<SavePrivacyNotice>(&[("notice", &long)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call::<SavePrivacyNotice>(&[("notice", "mine")], Some(&sam))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = app.get("/privacy", Some(&sam)).await;
    assert!(
        page.body.contains("Oakfield&#x27;s notice") || page.body.contains("Oakfield's notice"),
        "{}",
        &page.body[..500.min(page.body.len())]
    );
}
