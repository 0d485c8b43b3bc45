//! The signed-in person's own details, reading preferences and password.

use domain::error::AppError;
use domain::model::{LineSpacing, Preferences, TextSize};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{
    db,
    guard::{self, require, Need},
};
#[cfg(feature = "ssr")]
use domain::validate::{self, Checks};
#[cfg(feature = "ssr")]
use services::{
    password,
    store::{rate_limit, sessions, users},
};

#[server(endpoint = "update_profile")]
pub async fn update_profile(display_name: String, sector: String) -> Result<(), AppError> {
    let me = require(Need::SignedIn)?;
    let mut checks = Checks::new();
    let name = checks.check("display_name", validate::display_name(&display_name));
    let sector = checks.check("sector", validate::sector(&sector));
    checks.finish()?;
    if let (Some(name), Some(sector)) = (name, sector) {
        users::update_profile(&db()?, me.id, &name, sector).await?;
    }
    super::redirect_plain_form("/profile?saved=details");
    Ok(())
}

/// What others see of the person in the community, besides their name, role and setting.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublicProfile {
    /// They work in a specialist setting (shown beside their answers).
    pub specialist: bool,
    /// Areas of expertise, comma-separated as they wrote them.
    pub expertise: String,
}

pub const MAX_EXPERTISE_CHARS: usize = 200;

#[server(endpoint = "community_profile")]
pub async fn community_profile() -> Result<PublicProfile, AppError> {
    let me = require(Need::SignedIn)?;
    let (specialist, expertise) = services::store::community::profile(&db()?, me.id).await?;
    Ok(PublicProfile {
        specialist,
        expertise,
    })
}

#[server(endpoint = "save_community_profile")]
pub async fn save_community_profile(
    specialist: Option<String>,
    #[server(default)] expertise: String,
) -> Result<(), AppError> {
    let me = require(Need::SignedIn)?;
    let tags: Vec<&str> = expertise
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let expertise = tags.join(", ");
    if expertise.chars().count() > MAX_EXPERTISE_CHARS {
        return Err(AppError::invalid(
            "expertise",
            format!("Keep your areas of expertise to {MAX_EXPERTISE_CHARS} characters."),
        ));
    }
    services::store::community::set_profile(&db()?, me.id, ticked(&specialist), &expertise).await?;
    super::redirect_plain_form("/profile?saved=community");
    Ok(())
}

/// Form checkboxes arrive as "on" when ticked and not at all otherwise.
pub(crate) fn ticked(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false")
}

pub fn preferences_from_form(
    text_size: &str,
    line_spacing: &str,
    dyslexia_font: &Option<String>,
    high_contrast: &Option<String>,
    reduced_motion: &Option<String>,
) -> Result<Preferences, AppError> {
    let text_size = match text_size {
        "standard" => TextSize::Standard,
        "large" => TextSize::Large,
        "largest" => TextSize::Largest,
        _ => return Err(AppError::invalid("text_size", "Choose a text size")),
    };
    let line_spacing = match line_spacing {
        "standard" => LineSpacing::Standard,
        "wide" => LineSpacing::Wide,
        "widest" => LineSpacing::Widest,
        _ => return Err(AppError::invalid("line_spacing", "Choose a line spacing")),
    };
    Ok(Preferences {
        text_size,
        line_spacing,
        dyslexia_font: ticked(dyslexia_font),
        high_contrast: ticked(high_contrast),
        reduced_motion: ticked(reduced_motion),
    })
}

#[server(endpoint = "save_preferences")]
pub async fn save_preferences(
    text_size: String,
    line_spacing: String,
    dyslexia_font: Option<String>,
    high_contrast: Option<String>,
    reduced_motion: Option<String>,
) -> Result<Preferences, AppError> {
    let me = require(Need::SignedIn)?;
    let preferences = preferences_from_form(
        &text_size,
        &line_spacing,
        &dyslexia_font,
        &high_contrast,
        &reduced_motion,
    )?;
    users::set_preferences(&db()?, me.id, &preferences).await?;
    super::redirect_plain_form("/profile?saved=preferences#preferences");
    Ok(preferences)
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let me = require(Need::SignedIn)?;
    let mut checks = Checks::new();
    if current_password.is_empty() {
        checks.check::<()>(
            "current_password",
            Err("Enter your current password".into()),
        );
    }
    let new_password = checks.check("new_password", validate::new_password(&new_password));
    if new_password
        .as_deref()
        .is_some_and(|p| p != confirm_password)
    {
        checks.check::<()>(
            "confirm_password",
            Err("The two new passwords do not match".into()),
        );
    }
    checks.finish()?;
    let db = db()?;
    // The same limit as signing in: someone at an unlocked screen cannot guess the
    // password to take the account over.
    let bucket = format!("password:account:{}", me.id);
    if !rate_limit::attempt(&db, &[(bucket.clone(), &rate_limit::PER_ACCOUNT)]).await? {
        return Err(AppError::TooManyAttempts(
            "Too many wrong passwords. Wait 15 minutes and try again.".into(),
        ));
    }
    let stored = users::password_hash(&db, me.id).await?;
    match password::verify(current_password, stored).await {
        Ok(true) => rate_limit::clear(&db, &bucket).await?,
        Ok(false) => {
            return Err(AppError::invalid(
                "current_password",
                "Your current password is not right",
            ))
        }
        Err(busy) => {
            rate_limit::refund(&db, &bucket).await?;
            return Err(busy);
        }
    }
    let hash = password::hash(new_password.unwrap_or_default()).await?;
    users::set_password_hash(&db, me.id, &hash).await?;
    // Anyone signed in as this person elsewhere is signed out.
    if let Some(token) = guard::viewer().token {
        sessions::delete_others(&db, me.id, &token).await?;
    }
    super::redirect_plain_form("/profile?saved=password");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_forms_are_read_strictly() {
        let p = preferences_from_form(
            "large",
            "widest",
            &Some("on".into()),
            &None,
            &Some("on".into()),
        )
        .unwrap();
        assert_eq!(p.text_size, TextSize::Large);
        assert_eq!(p.line_spacing, LineSpacing::Widest);
        assert!(p.dyslexia_font && !p.high_contrast && p.reduced_motion);
        assert!(
            preferences_from_form("huge", "standard", &None, &None, &None)
                .unwrap_err()
                .field("text_size")
                .is_some()
        );
        assert!(
            preferences_from_form("standard", "double", &None, &None, &None)
                .unwrap_err()
                .field("line_spacing")
                .is_some()
        );
    }
}

/// A school account (Microsoft, Google or another provider) linked to the person's account.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInLink {
    /// "Microsoft account", "Google account", "school account", or the provider's address.
    pub provider: String,
    pub issuer: String,
    pub subject: String,
    pub linked_at: i64,
    /// How it was linked: "password", "emailed code", or "school-sign-in" (the account was
    /// made, or its unproved address taken over, by signing in with it).
    pub how: String,
}

#[server(endpoint = "profile/links")]
pub async fn sign_in_links() -> Result<Vec<SignInLink>, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let providers = services::store::single_sign_on::serving(&db, me.setting_id).await?;
    Ok(services::store::single_sign_on::links(&db, me.id)
        .await?
        .into_iter()
        .map(|l| SignInLink {
            provider: match providers.iter().find(|p| p.issuer == l.issuer) {
                Some(p) => p.kind.account().to_string(),
                None => format!("account at {}", l.issuer),
            },
            issuer: l.issuer,
            subject: l.subject,
            linked_at: l.linked_at,
            how: l.how,
        })
        .collect())
}

/// Removes a school account from the person's account. Everywhere else they are signed in
/// is signed out (a link they did not make may have been used).
#[server(endpoint = "profile/unlink")]
pub async fn remove_sign_in_link(issuer: String, subject: String) -> Result<(), AppError> {
    let me = guard::require_writer(Need::SignedIn).await?;
    let keep = guard::viewer().token;
    match services::store::single_sign_on::unlink(&db()?, me.id, &issuer, &subject, keep.as_deref())
        .await?
    {
        None => Err(AppError::NotFound(
            "That school account is not linked to yours.".into(),
        )),
        Some(Err(())) => Err(AppError::invalid(
            "link",
            "This is the only way you sign in (your account has no Tandem password), so it stays. Ask your setting admin if it is not yours.",
        )),
        Some(Ok(())) => {
            super::redirect_plain_form("/profile?saved=links#sign-in-links");
            Ok(())
        }
    }
}
