//! Signing in and out, and joining a setting with an invite code.

use domain::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{client_address, cookies, db, guard};
#[cfg(feature = "ssr")]
use domain::validate::{self, Checks};
#[cfg(feature = "ssr")]
use services::{
    password,
    store::{invites, rate_limit, sessions, users},
};

/// The current person, for pages that want to re-check after a change.
#[server(endpoint = "me")]
pub async fn current_me() -> Result<Option<domain::model::Me>, AppError> {
    Ok(guard::current_user())
}

/// Signs in and answers with the page to go to next.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    let outcome = check_and_start_session(&email, password, next.as_deref()).await;
    if let Err(error) = &outcome {
        let next = next.unwrap_or_default();
        super::plain_form_error::<SignIn>("/sign-in", &[("next", &next), ("email", &email)], error);
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn check_and_start_session(
    email: &str,
    password: String,
    next: Option<&str>,
) -> Result<String, AppError> {
    let mut checks = Checks::new();
    let email = checks.check("email", validate::email(email));
    if password.is_empty() {
        checks.check::<()>("password", Err("Enter your password".into()));
    }
    checks.finish()?;
    let email = email.unwrap_or_default();
    let db = db()?;

    // Counted before the password is checked, so a burst of parallel guesses all count;
    // a right password gives its count back. Failures slow down one address's guesses at
    // one account, one address's guesses at many, and (never by more than half a minute)
    // guesses at one account from everywhere: an attacker elsewhere cannot lock anyone out.
    let address = client_address();
    let buckets = [
        (
            format!("sign_in:pair:{email}|{address}"),
            &rate_limit::SIGN_IN_PAIR,
        ),
        (
            format!("sign_in:address:{address}"),
            &rate_limit::SIGN_IN_ADDRESS,
        ),
        (
            format!("sign_in:account:{email}"),
            &rate_limit::SIGN_IN_ACCOUNT,
        ),
    ];
    let wait = rate_limit::attempt_with_backoff(&db, &buckets).await?;
    if wait > 0 {
        return Err(AppError::TooManyAttempts(format!(
            "Too many attempts to sign in. Wait {} and try again, or ask your setting admin for help.",
            domain::error::wait_words(wait)
        )));
    }
    let credentials = users::credentials_by_email(&db, &email).await?;
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = match password::verify(password, hash).await {
        Ok(matches) => matches,
        Err(busy) => {
            // Not tried, so not counted.
            for (bucket, _) in &buckets {
                rate_limit::refund(&db, bucket).await?;
            }
            return Err(busy);
        }
    };
    let user_id = match credentials {
        // The setting signs in with its school accounts only (admins keep their password,
        // so an outage at the provider never locks the setting out).
        Some(c)
            if matches
                && c.active
                && !c.is_admin
                && !services::store::single_sign_on::password_allowed(&db, c.setting_id)
                    .await? =>
        {
            forgive(&db, &buckets).await?;
            return Err(AppError::invalid(
                "password",
                "Your setting signs in with your school account, not a password. Use “Continue with your school account” below.",
            ));
        }
        Some(c) if matches && c.active && !c.email_proved => {
            forgive(&db, &buckets).await?;
            return prove_address(&db, c.id).await;
        }
        Some(c) if matches && c.active => c.id,
        Some(_) if matches => {
            forgive(&db, &buckets).await?;
            return Err(AppError::invalid(
                "email",
                "This account has been deactivated. Ask your setting admin to reactivate it.",
            ));
        }
        _ => {
            return Err(AppError::invalid(
                "password",
                "The email address or password is not right. Check both and try again.",
            ))
        }
    };

    forgive(&db, &buckets).await?;
    start_session(&db, user_id).await?;
    let next = super::safe_next(next);
    super::redirect_plain_form(&next);
    Ok(next)
}

/// The right password: this attempt is not held against anyone, and this address starts
/// afresh with the account.
#[cfg(feature = "ssr")]
async fn forgive(
    db: &services::store::Db,
    buckets: &[(String, &rate_limit::Backoff); 3],
) -> Result<(), AppError> {
    rate_limit::clear(db, &buckets[0].0).await?;
    rate_limit::refund(db, &buckets[1].0).await?;
    rate_limit::refund(db, &buckets[2].0).await?;
    Ok(())
}

/// The account's address was never proved (it joined with an open invite code): nobody is
/// signed in until it is. Where Tandem sends email, a code goes to the address and this
/// browser is sent to enter it; otherwise the setting's admin confirms the person.
#[cfg(feature = "ssr")]
async fn prove_address(db: &services::store::Db, user_id: i64) -> Result<String, AppError> {
    let mut tx = services::store::write(db).await?;
    let token = services::accounts::start_join_proof(&mut tx, user_id).await?;
    tx.commit().await?;
    cookies::Jar::Proof.set(&token, services::store::proofs::PROOF_TTL_SECS);
    if services::mail::enabled() {
        // A code that cannot be sent just now can be asked for again on the page.
        if let Err(error) = services::accounts::send_code(db, &token).await {
            tracing::error!(%error, "queueing a confirmation code failed");
        }
    }
    super::redirect_plain_form(CONFIRM_PAGE);
    Ok(CONFIRM_PAGE.to_string())
}

/// Where a person proves their address.
pub const CONFIRM_PAGE: &str = "/confirm-email";

/// A new session id at every sign-in (and the old one ended), so a session id planted
/// before sign-in is worthless afterwards.
#[cfg(feature = "ssr")]
pub(crate) async fn start_session(db: &services::store::Db, user_id: i64) -> Result<(), AppError> {
    if let Some(old) = guard::viewer().token {
        sessions::delete(db, &old).await?;
    }
    let token = sessions::create(db, user_id).await?;
    users::touch_last_seen(db, user_id).await?;
    cookies::set_session(&token);
    Ok(())
}

/// Ends the session. `session` (a session tag) names the one to end: a device that
/// signed out while offline sends it when it reconnects, and by then someone else may have
/// signed in, whose session must stay.
#[server(endpoint = "sign_out")]
pub async fn sign_out(session: Option<String>) -> Result<(), AppError> {
    let viewer = guard::viewer();
    if let (Some(wanted), Some(current)) = (session.filter(|s| !s.is_empty()), &viewer.session_tag)
    {
        if wanted != *current {
            return Ok(());
        }
    }
    if let Some(token) = viewer.token {
        sessions::delete(&db()?, &token).await?;
    }
    cookies::clear_session();
    // The browser's HTTP cache goes too ("Back" shows nothing). Not "storage": it holds
    // other people's unsent work on a shared device. Not "cookies": it would reach other
    // sites of the school's domain; the session cookie is cleared above.
    cookies::clear_site_cache();
    super::redirect_plain_form("/sign-in?signed_out=1");
    Ok(())
}

/// Creates an account in the setting an invite code belongs to, and signs the person in
/// (or, with an open code, sends them to prove their address). A refused plain form goes
/// back to the join page with everything but the password kept.
#[server(endpoint = "join")]
pub async fn join(
    code: String,
    display_name: String,
    email: String,
    password: String,
    // Absent when no radio button was chosen: the check below says so, by the field.
    #[server(default)] sector: String,
) -> Result<String, AppError> {
    let outcome = create_account(&code, &display_name, &email, password, &sector).await;
    if let Err(error) = &outcome {
        let keep = [
            ("code", code.as_str()),
            ("display_name", display_name.as_str()),
            ("email", email.as_str()),
            ("sector", sector.as_str()),
        ];
        super::plain_form_error::<Join>("/join", &keep, error);
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn create_account(
    code: &str,
    display_name: &str,
    email: &str,
    password: String,
    sector: &str,
) -> Result<String, AppError> {
    let mut checks = Checks::new();
    let code = checks.check("code", validate::invite_code(code));
    let display_name = checks.check("display_name", validate::display_name(display_name));
    let email = checks.check("email", validate::email(email));
    let password = checks.check("password", validate::new_password(&password));
    let sector = checks.check("sector", validate::sector(sector));
    checks.finish()?;
    let (Some(code), Some(display_name), Some(email), Some(password), Some(sector)) =
        (code, display_name, email, password, sector)
    else {
        return Err(AppError::Internal);
    };
    let db = db()?;
    // The code is checked (and a wrong one counted) before any password is hashed, so
    // guessing codes costs the server nothing much.
    let address_bucket = format!("join:address:{}", client_address());
    let buckets = [(address_bucket.clone(), &rate_limit::INVITES_PER_ADDRESS)];
    if !rate_limit::attempt(&db, &buckets).await? {
        return Err(AppError::TooManyAttempts(
            "Too many invite codes were not recognised. Wait 15 minutes and try again.".into(),
        ));
    }
    let unrecognised = || {
        AppError::invalid(
            "code",
            "That invite code is not recognised, or it has expired or been used up. Check it with the person who gave it to you.",
        )
    };
    if invites::usable(&db, &code).await?.is_none() {
        return Err(unrecognised());
    }
    rate_limit::refund(&db, &address_bucket).await?;
    let password_hash = password::hash(password).await?;
    let mut tx = services::store::write(&db).await?;
    let Some((setting_id, role, for_email)) = invites::redeem(&mut tx, &code).await? else {
        // Used up or revoked in the moment since it was checked.
        return Err(unrecognised());
    };
    // A personal invite (from a staff import) works only for the address it was made for;
    // returning here rolls the use back.
    if for_email
        .as_ref()
        .is_some_and(|e| !e.eq_ignore_ascii_case(&email))
    {
        return Err(AppError::invalid(
            "email",
            "This invite code was made for a different email address. Use the address your setting has for you, as printed beside the code.",
        ));
    }
    // A personal invite went to this address (emailed, or handed over by the admin who made
    // it): using it proves the address. An open code proves nothing about it.
    let proved = for_email.is_some();
    let new_user = users::NewUser {
        email: &email,
        display_name: &display_name,
        password_hash: &password_hash,
        role,
        setting_id,
        sector,
        email_proved: proved,
    };
    let user_id = match users::create_in(&mut tx, &new_user).await {
        Ok(id) => id,
        Err(users::CreateError::EmailTaken) => {
            return Err(AppError::invalid(
                "email",
                "There is already an account with this email address. Sign in instead.",
            ))
        }
        Err(users::CreateError::Db(error)) => {
            tracing::error!(%error, "creating an account failed");
            return Err(AppError::Internal);
        }
    };
    tx.commit().await?;
    if !proved {
        return prove_address(&db, user_id).await;
    }
    start_session(&db, user_id).await?;
    super::redirect_plain_form("/");
    Ok("/".to_string())
}
