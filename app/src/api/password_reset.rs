//! A forgotten password: a link by email where Tandem sends email, or a one-time code from
//! the setting's admin where it does not; never a password the admin chooses. Setting the
//! new one signs the person out everywhere. Asking never says whether an address has an
//! account. The codes and links themselves: `services::store::password_resets`.

use domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    client_address, db,
    guard::{require, Need, ADMIN},
};
#[cfg(feature = "ssr")]
use domain::validate::{self, Checks};
#[cfg(feature = "ssr")]
use services::store::{password_resets as resets, rate_limit, users};

/// What the forgotten-password pages need to know: whether a link can be emailed.
#[server(endpoint = "password/ways")]
pub async fn resets_by_email() -> Result<bool, AppError> {
    // Public: the pages ask before anyone is signed in, and it says nothing about anyone.
    Ok(services::mail::enabled())
}

/// Emails a link to set a new password to `email`, if it is an active account's. The answer
/// is the same either way (and the page says so), so nobody learns who has an account.
#[server(endpoint = "password/forgot")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let outcome = send_link(&email).await;
    if let Err(error) = &outcome {
        super::plain_form_error::<ForgotPassword>("/forgot-password", &[("email", &email)], error);
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn send_link(email: &str) -> Result<(), AppError> {
    let email = validate::email(email).map_err(|m| AppError::invalid("email", m))?;
    if !services::mail::enabled() {
        return Err(AppError::invalid(
            "email",
            "This Tandem does not send email. Ask your setting admin for a reset code, then enter it on the next page.",
        ));
    }
    let db = db()?;
    // Bounded per address asked for and per network address, so nobody can fill someone's
    // inbox or this server's outbox.
    let buckets = [
        (format!("reset:email:{email}"), &rate_limit::PER_ACCOUNT),
        (
            format!("reset:address:{}", client_address()),
            &rate_limit::PER_ADDRESS,
        ),
    ];
    if !rate_limit::attempt(&db, &buckets).await? {
        return Err(AppError::TooManyAttempts(
            "Too many links asked for. Wait 15 minutes and try again, or ask your setting admin for a reset code.".into(),
        ));
    }
    services::accounts::email_reset_link(&db, &email).await?;
    super::redirect_plain_form("/forgot-password?sent=1");
    Ok(())
}

/// Sets a new password with an emailed link's `token`, or with an admin's `code` and the
/// person's `email`. On success the person signs in afresh (every session of theirs ends).
#[server(endpoint = "password/reset")]
pub async fn reset_password(
    #[server(default)] token: String,
    #[server(default)] email: String,
    #[server(default)] code: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let outcome = reset_with(&token, &email, &code, &new_password, &confirm_password).await;
    if let Err(error) = &outcome {
        // What was typed goes back (never a password); a link's token stays in the address.
        // Only what could be right goes back into the address (not a megabyte of it).
        let short = |v: &str, max: usize| {
            if v.len() <= max {
                v.to_string()
            } else {
                String::new()
            }
        };
        let (token, email, code) = (short(&token, 200), short(&email, 320), short(&code, 40));
        let keep = [
            ("token", token.as_str()),
            ("email", email.as_str()),
            ("code", code.as_str()),
        ];
        super::plain_form_error::<ResetPassword>("/reset-password", &keep, error);
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn reset_with(
    token: &str,
    email: &str,
    code: &str,
    new_password: &str,
    confirm_password: &str,
) -> Result<(), AppError> {
    let by_link = !token.is_empty();
    // A link's token is 43 characters and a code 9: anything far longer is not one.
    if token.len() > 200 {
        return Err(AppError::invalid(
            "new_password",
            "This link is not a Tandem reset link. Ask for a new one from the sign-in page.",
        ));
    }
    let mut checks = Checks::new();
    let email = if by_link {
        None
    } else {
        let email = checks.check("email", validate::email(email));
        if code.trim().is_empty() {
            checks.check::<()>(
                "code",
                Err("Enter the reset code your setting admin gave you".into()),
            );
        } else if code.len() > 40 {
            checks.check::<()>(
                "code",
                Err("A reset code is eight letters and numbers, like ABCD-EFGH".into()),
            );
        }
        email
    };
    let password = checks.check("new_password", validate::new_password(new_password));
    if password.as_deref().is_some_and(|p| p != confirm_password) {
        checks.check::<()>(
            "confirm_password",
            Err("The two new passwords do not match".into()),
        );
    }
    checks.finish()?;
    let db = db()?;
    // Counted before the code is checked, as sign-in counts guesses: a code is 40 bits, and
    // these bound the guesses at one account and from one network address.
    let mut buckets = vec![(
        format!("reset:try:{}", client_address()),
        &rate_limit::PER_ADDRESS,
    )];
    if let Some(email) = &email {
        buckets.push((format!("reset:try:{email}"), &rate_limit::PER_ACCOUNT));
    }
    if !rate_limit::attempt(&db, &buckets).await? {
        return Err(AppError::TooManyAttempts(
            "Too many tries. Wait 15 minutes and try again.".into(),
        ));
    }
    let hash = services::password::hash(password.unwrap_or_default()).await?;
    let secret = if by_link {
        token.to_string()
    } else {
        resets::normalise_code(code)
    };
    match resets::redeem(&db, &secret, email.as_deref(), &hash).await? {
        Some(_) => {
            for (bucket, _) in &buckets {
                rate_limit::refund(&db, bucket).await?;
            }
            super::redirect_plain_form("/sign-in?password_reset=1");
            Ok(())
        }
        None if by_link => Err(AppError::invalid(
            "new_password",
            "This link has been used or has expired. Ask for a new one from the sign-in page.",
        )),
        None => Err(AppError::invalid(
            "code",
            "That code does not match this email address, or it has been used or has expired. Check both, or ask your setting admin for a new code.",
        )),
    }
}

/// Whether an emailed link still works (its page says so before the form).
#[server(endpoint = "password/link")]
pub async fn reset_link_works(token: String) -> Result<bool, AppError> {
    // Public: the link is the only key, and the answer names nobody.
    Ok(resets::link_works(&db()?, &token).await?)
}

/// Makes a one-time code for a member of the admin's setting to set a new password with
/// (any earlier code of theirs stops working). The admin's page shows it once.
#[server(endpoint = "admin/reset_code")]
pub async fn make_reset_code(user_id: i64) -> Result<String, AppError> {
    let me = require(ADMIN)?;
    if services::mail::enabled() {
        return Err(AppError::invalid(
            "user_id",
            "This Tandem sends email: ask them to choose “Forgotten your password?” on the sign-in page, so the link goes to their own inbox.",
        ));
    }
    let db = db()?;
    if user_id == me.id {
        return Err(AppError::invalid(
            "user_id",
            "Change your own password on your profile page.",
        ));
    }
    let member = users::member(&db, me.setting_id, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That person is not in your setting.".into()))?;
    let id = resets::create(&db, member.id, &resets::new_code(), Some(me.id)).await?;
    super::redirect_plain_form(&format!("/admin?reset={id}#reset-code"));
    Ok(id)
}

/// A code the admin made, for the page that made it: shown once, then only its hash stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetCode {
    pub code: String,
    pub name: String,
    pub expires_at: i64,
}

#[server(endpoint = "admin/reset_code/show")]
pub async fn show_reset_code(id: String) -> Result<Option<ResetCode>, AppError> {
    let me = require(ADMIN)?;
    Ok(resets::show_once(&db()?, &id, me.id, me.setting_id)
        .await?
        .map(|s| ResetCode {
            code: s.code,
            name: s.name,
            expires_at: s.expires_at,
        }))
}

/// A recent reset of this person's password by a code from an admin: (admin, when).
#[server(endpoint = "password/notice")]
pub async fn reset_notice() -> Result<Option<(String, i64)>, AppError> {
    let me = require(Need::SignedIn)?;
    Ok(resets::notice(&db()?, me.id)
        .await?
        .map(|n| (n.admin, n.at)))
}
