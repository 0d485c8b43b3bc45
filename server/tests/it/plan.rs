//! The self-review a CPD plan starts from, through the router: saved and read back by its
//! author only, refused plainly when incomplete (keeping what was typed), and gone with an
//! erased account's data.

use crate::common::*;
use app::api::plan::{MySelfReview, SaveSelfReview, SelfReviewView};
use http::StatusCode;

fn json<T: serde::de::DeserializeOwned>(r: &Reply) -> T {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

const RATED: [(&str, &str); 6] = [
    ("adaptive_teaching_rating", "3"),
    ("identifying_needs_rating", "2"),
    ("participation_rating", "1"),
    ("outcomes_rating", "1"),
    ("graduated_approach_rating", "4"),
    ("evidence_rating", "3"),
];

#[tokio::test]
async fn a_self_review_is_saved_suggests_modules_and_is_seen_by_its_author_only() {
    let app = TestApp::new().await;
    let (sam, ella, senco) = (
        app.sign_in(SAM).await,
        app.sign_in(ELLA).await,
        app.sign_in(SENCO).await,
    );
    let empty: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&sam)).await);
    assert!(empty.review.is_none() && empty.suggestions.is_empty());

    let mut form = RATED.to_vec();
    form.push((
        "participation_words",
        "  I ask, but it rarely changes my plans. ",
    ));
    form.push(("learners", "J, Year 4"));
    let r = app.call::<SaveSelfReview>(&form, Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&sam)).await);
    let review = mine.review.expect("saved");
    assert_eq!(review.answers.len(), 6);
    assert_eq!(
        review.answers[2].words,
        "I ask, but it rarely changes my plans."
    );
    assert_eq!(review.learners, "J, Year 4");
    let suggested: Vec<&str> = mine.suggestions.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(suggested, ["m3", "m4"], "the areas rated lowest");

    // Private: a colleague and the SENCo each see only their own (Ella's from the demo).
    let ellas: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&ella)).await);
    assert_eq!(
        ellas.review.unwrap().learners,
        "A, Year 2, speech and language needs"
    );
    let sencos: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&senco)).await);
    assert!(sencos.review.is_none());
    for endpoint in [
        Endpoint::of::<MySelfReview>(),
        Endpoint::of::<SaveSelfReview>(),
    ] {
        assert_eq!(
            app.call_at(endpoint, &form, None).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn an_incomplete_self_review_is_refused_field_by_field_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let long = "a".repeat(domain::self_review::MAX_WORDS_CHARS + 1);
    let form = [
        ("adaptive_teaching_rating", "3"),
        ("identifying_needs_rating", "7"),
        ("evidence_words", long.as_str()),
        ("learners", "J, Year 4"),
    ];
    let r = app.call::<SaveSelfReview>(&form, Some(&sam)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in [
        "identifying_needs_rating",
        "participation_rating",
        "evidence_words",
    ] {
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let mine: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&sam)).await);
    assert!(mine.review.is_none(), "nothing half-saved");

    // As a plain form (no script yet), it comes back to the page with the words kept.
    let r = app
        .call_with::<SaveSelfReview>(&form, Some(&sam), &[("accept", "text/html")])
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let to = r.headers[http::header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/plan?"), "{to}");
    assert!(to.contains("learners=J%2C%20Year%204"), "{to}");
    assert!(to.contains("adaptive_teaching_rating=3"), "{to}");
}
