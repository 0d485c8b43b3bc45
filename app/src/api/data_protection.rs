//! UK GDPR for a setting's admin: how long records of people who left are kept, erasing a
//! person, and the privacy notice everyone can read.

use domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    db,
    guard::{current_user, require, ADMIN},
};
#[cfg(feature = "ssr")]
use services::store::{data_protection as store, users};

/// What the admin's data protection page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub retention_years: i64,
    pub erase_posts: bool,
    /// People whose accounts are closed and whose records are still held: (id, name, email).
    pub closed: Vec<(i64, String, String)>,
    pub log: Vec<LogLine>,
    pub notice: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    pub action: String,
    pub by: Option<String>,
    pub detail: String,
    pub at: i64,
}

#[server(endpoint = "admin/data_protection")]
pub async fn data_protection() -> Result<Overview, AppError> {
    let me = require(ADMIN)?;
    let db = db()?;
    let policy = store::policy(&db, me.setting_id).await?;
    let closed = users::members(&db, me.setting_id)
        .await?
        .into_iter()
        .filter(|m| !m.active)
        .map(|m| (m.id, m.display_name, m.email))
        .collect();
    let log = store::log_lines(&db, me.setting_id)
        .await?
        .into_iter()
        .map(|l| LogLine {
            action: l.action,
            by: l.by,
            detail: describe(&l.detail),
            at: l.at,
        })
        .collect();
    Ok(Overview {
        retention_years: policy.retention_years,
        erase_posts: policy.erase_posts,
        closed,
        log,
        notice: store::privacy_notice(&db, me.setting_id).await?.0,
    })
}

/// An audit line's counts in words.
#[cfg(feature = "ssr")]
fn describe(detail: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    let n = |k: &str| v[k].as_i64().unwrap_or(0);
    format!(
        "{} people; {} learning-log entries, {} pieces of feedback received, {} progress records, {} community posts and {} replies erased",
        n("people"), n("entries"), n("feedback_received"), n("progress_events"), n("posts"), n("replies")
    )
}

#[server(endpoint = "admin/retention")]
pub async fn save_retention(
    years: String,
    #[server(default)] keep_posts: String,
) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    let years = match years.trim().parse::<i64>() {
        Ok(y) if (1..=50).contains(&y) => y,
        _ => {
            return Err(AppError::invalid(
                "years",
                "Enter a whole number of years from 1 to 50.",
            ))
        }
    };
    let policy = store::Policy {
        retention_years: years,
        erase_posts: keep_posts.is_empty(),
    };
    store::set_policy(&db()?, me.setting_id, &policy).await?;
    super::redirect_plain_form("/admin/data");
    Ok(())
}

/// The longest privacy notice an admin can save.
pub const MAX_NOTICE: usize = 20_000;

#[server(endpoint = "admin/privacy_notice")]
pub async fn save_privacy_notice(#[server(default)] notice: String) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    let notice = notice.replace("\r\n", "\n");
    if notice.chars().count() > MAX_NOTICE {
        return Err(AppError::invalid(
            "notice",
            format!("The notice is {} characters long; it can be at most {MAX_NOTICE}. Your text is kept below.", notice.chars().count()),
        ));
    }
    store::set_privacy_notice(&db()?, me.setting_id, notice.trim()).await?;
    super::redirect_plain_form("/admin/data");
    Ok(())
}

/// Erases a closed account's records (see `services::store::data_protection`).
#[server(endpoint = "admin/erase")]
pub async fn erase_person(
    user_id: i64,
    #[server(default)] confirm: String,
) -> Result<String, AppError> {
    let me = require(ADMIN)?;
    if confirm.is_empty() {
        return Err(AppError::invalid("confirm", "Tick the box to confirm that this person's records should be erased. It cannot be undone."));
    }
    match store::erase(&db()?, me.setting_id, user_id, me.id).await? {
        Ok(erased) => {
            super::redirect_plain_form("/admin/data?erased=1");
            Ok(format!(
                "Erased: {} learning-log entries, {} pieces of feedback, {} progress records, {} community posts and {} replies.",
                erased.entries, erased.feedback_received, erased.progress_events, erased.posts, erased.replies
            ))
        }
        Err(store::Refusal::NotInSetting) => Err(AppError::NotFound(
            "That person is not in your setting.".into(),
        )),
        Err(store::Refusal::StillActive) => Err(AppError::invalid(
            "confirm",
            "Deactivate the account first (Staff and invites), then erase its records.",
        )),
        Err(store::Refusal::AlreadyErased) => Err(AppError::invalid(
            "confirm",
            "This person's records have already been erased.",
        )),
    }
}

/// The privacy notice: the signed-in person's setting's own, or Tandem's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub setting: Option<String>,
    pub text: String,
    pub updated_at: Option<i64>,
    pub retention_years: i64,
}

#[server(endpoint = "privacy")]
pub async fn privacy_notice() -> Result<Notice, AppError> {
    let Some(me) = current_user() else {
        return Ok(Notice {
            setting: None,
            text: String::new(),
            updated_at: None,
            retention_years: 6,
        });
    };
    let db = db()?;
    let (text, updated_at) = store::privacy_notice(&db, me.setting_id).await?;
    let policy = store::policy(&db, me.setting_id).await?;
    Ok(Notice {
        setting: Some(me.setting_name),
        text,
        updated_at,
        retention_years: policy.retention_years,
    })
}
