//! A practitioner's CPD plan, starting from her own self-review (issue 29): how confident
//! she feels about each area the course covers, and the modules that suggests. Private to
//! her: only she reads or changes it here.

use domain::error::AppError;
use domain::self_review::{Form, SelfReview};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, require_writer, Need},
};
#[cfg(feature = "ssr")]
use services::store::self_reviews::{self as store, Stage};

/// The person's own self-review, and the modules it suggests starting with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReviewView {
    pub review: Option<SelfReview>,
    /// (module key, "Module 4: Working towards meaningful outcomes")
    pub suggestions: Vec<(String, String)>,
}

#[server(endpoint = "plan/self_review")]
pub async fn my_self_review() -> Result<SelfReviewView, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let review = store::get(&db()?, me.id, Stage::Start).await?;
    let suggestions = review
        .as_ref()
        .map(|r| r.suggested_modules())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|key| course.module(key))
        .map(|m| (m.key.clone(), format!("Module {}: {}", m.number, m.title)))
        .collect();
    Ok(SelfReviewView {
        review,
        suggestions,
    })
}

/// Saves the person's starting self-review (replacing any earlier one). Works as a plain
/// form: it comes back to the plan page, saying so, or with what was typed and what to fix.
#[server(endpoint = "plan/save_self_review")]
pub async fn save_self_review(#[server(flatten)] form: Form) -> Result<(), AppError> {
    let outcome = save(&form).await;
    match &outcome {
        Ok(()) => super::redirect_plain_form("/plan?saved=1#suggestions"),
        Err(error) => {
            let fields = form.fields();
            let keep: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            super::plain_form_error::<SaveSelfReview>("/plan", &keep, error)
        }
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn save(form: &Form) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let (answers, learners) = domain::self_review::check(form).map_err(|problems| {
        AppError::Invalid(
            problems
                .into_iter()
                .map(|(field, message)| domain::error::FieldError::new(&field, message))
                .collect(),
        )
    })?;
    store::save(&db()?, me.id, Stage::Start, &answers, &learners).await?;
    Ok(())
}
