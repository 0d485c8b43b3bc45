//! Proving an address or an account is yours, in the browser that started it (the proof
//! cookie): the code emailed after joining with an open invite code (`/confirm-email`), and
//! the account's password or an emailed code before a school account is linked to it
//! (`/sign-in/link`). Nobody is signed in until the proof is passed.

use domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{cookies::Jar, db};
#[cfg(feature = "ssr")]
use services::store::proofs::{self, NotSent, Purpose, Refused};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProofKind {
    /// A new account's address.
    Join,
    /// An existing account, before a school account is linked to it.
    Link,
}

/// What the proof page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofView {
    pub kind: ProofKind,
    /// The address, partly hidden (`s***@oakfield.example`).
    pub email: String,
    /// "Microsoft account", "Google account" or "school account" (links only).
    pub account: String,
    /// Whether Tandem sends email (otherwise the admin confirms new people).
    pub mail: bool,
    pub code_sent: bool,
    /// Whether the account has a password to prove it with (links only).
    pub has_password: bool,
}

/// `s***@oakfield.example`: enough for the person to know which address, not enough to
/// give it away to whoever is looking at the screen.
pub fn mask(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "your address".into(),
    }
}

#[cfg(feature = "ssr")]
fn token() -> Result<String, AppError> {
    Jar::Proof.from_request().ok_or_else(gone)
}

#[cfg(feature = "ssr")]
fn gone() -> AppError {
    AppError::NotFound(
        "This check has ended (it lasts half an hour, on the device it started on). Sign in again to start a new one."
            .into(),
    )
}

/// The kind of the setting's sign-in provider, or its trust's (Other when it has none now).
#[cfg(feature = "ssr")]
async fn provider_kind(
    setting_id: Option<i64>,
) -> Result<domain::single_sign_on::ProviderKind, AppError> {
    let kind = match setting_id {
        Some(id) => services::store::single_sign_on::serving(&db()?, id)
            .await?
            .first()
            .map(|p| p.kind),
        None => None,
    };
    Ok(kind.unwrap_or(domain::single_sign_on::ProviderKind::Other))
}

/// The proof this browser is part way through, if any.
#[server(endpoint = "proof")]
pub async fn proof_status() -> Result<Option<ProofView>, AppError> {
    let Some(token) = Jar::Proof.from_request() else {
        return Ok(None);
    };
    let Some(p) = proofs::find(&db()?, &token).await? else {
        return Ok(None);
    };
    let setting = services::store::users::setting_of(&db()?, p.user_id).await?;
    Ok(Some(ProofView {
        kind: match p.purpose {
            Purpose::Join => ProofKind::Join,
            Purpose::Link => ProofKind::Link,
        },
        email: mask(&p.email),
        account: provider_kind(setting).await?.account().to_string(),
        mail: services::mail::enabled(),
        code_sent: p.code_sent,
        has_password: p.has_password,
    }))
}

/// Emails a code for this browser's proof.
#[server(endpoint = "proof/send")]
pub async fn send_proof_code() -> Result<String, AppError> {
    let outcome = async {
        if !services::mail::enabled() {
            return Err(AppError::invalid(
                "code",
                "Tandem does not send email here. Ask your setting admin to confirm you.",
            ));
        }
        match services::accounts::send_code(&db()?, &token()?).await? {
            Ok(email) => Ok(mask(&email)),
            Err(NotSent::Gone) => Err(gone()),
            Err(NotSent::Wait(seconds)) => Err(AppError::TooManyAttempts(format!(
                "A code was sent a moment ago. Check your email, or wait {} to ask for another.",
                domain::error::wait_words(seconds)
            ))),
            Err(NotSent::Enough) => Err(AppError::TooManyAttempts(
                "Three codes have been sent. Use the newest one, or sign in again later.".into(),
            )),
        }
    }
    .await;
    if let Err(error) = &outcome {
        super::plain_form_error::<SendProofCode>(&here().await, &[], error);
    } else {
        super::redirect_plain_form(&format!("{}?sent=1", here().await));
    }
    outcome
}

/// The page this browser's proof is shown on.
#[cfg(feature = "ssr")]
async fn here() -> String {
    let link = match (Jar::Proof.from_request(), db()) {
        (Some(token), Ok(db)) => proofs::find(&db, &token)
            .await
            .ok()
            .flatten()
            .is_some_and(|p| p.purpose == Purpose::Link),
        _ => false,
    };
    if link {
        "/sign-in/link".into()
    } else {
        "/confirm-email".into()
    }
}

/// The code from the email. Right: the address is proved (and a school account linked),
/// and the person is signed in.
#[server(endpoint = "proof/code")]
pub async fn enter_proof_code(code: String) -> Result<String, AppError> {
    let page = here().await;
    let outcome = async {
        let token = token()?;
        let db = db()?;
        let proof = match proofs::check_code(&db, &token, &code).await? {
            Ok(proof) => proof,
            Err(refused) => return Err(refusal(refused, "code")),
        };
        let how = "emailed code";
        finish(&db, &proof, how).await
    }
    .await;
    match &outcome {
        Ok(next) => super::redirect_plain_form(next),
        Err(error) => super::plain_form_error::<EnterProofCode>(&page, &[], error),
    }
    outcome
}

/// The Tandem password of the account a school account is to be linked to.
#[server(endpoint = "proof/password")]
pub async fn link_with_password(password: String) -> Result<String, AppError> {
    let outcome = async {
        let token = token()?;
        let db = db()?;
        if password.is_empty() {
            return Err(AppError::invalid("password", "Enter your Tandem password."));
        }
        let (proof, left) = match proofs::spend_try(&db, &token).await? {
            Ok(spent) => spent,
            Err(refused) => return Err(refusal(refused, "password")),
        };
        if proof.purpose != Purpose::Link {
            return Err(gone());
        }
        let hash = services::store::users::password_hash(&db, proof.user_id).await?;
        if !services::password::verify(password, hash).await? {
            let refused = proofs::wrong(&db, &proof.id, left).await?;
            return Err(refusal(refused, "password"));
        }
        finish(&db, &proof, "password").await
    }
    .await;
    match &outcome {
        Ok(next) => super::redirect_plain_form(next),
        Err(error) => super::plain_form_error::<LinkWithPassword>("/sign-in/link", &[], error),
    }
    outcome
}

#[cfg(feature = "ssr")]
fn refusal(refused: Refused, field: &str) -> AppError {
    match refused {
        Refused::Gone => gone(),
        Refused::Wrong(left) => AppError::invalid(
            field,
            format!(
                "That {} is not right. {left} {} left.",
                if field == "code" { "code" } else { "password" },
                if left == 1 { "try" } else { "tries" }
            ),
        ),
        Refused::TooMany => AppError::TooManyAttempts(
            "Too many wrong tries, so this check has ended. Sign in again to start a new one, or ask your setting admin."
                .into(),
        ),
    }
}

/// The proof is passed: proved, linked where it was a link (and the owner told), signed in.
#[cfg(feature = "ssr")]
async fn finish(
    db: &services::store::Db,
    proof: &proofs::Proof,
    how: &str,
) -> Result<String, AppError> {
    let Some(user_id) = services::accounts::finish(db, proof, how).await? else {
        return Err(gone());
    };
    if proof.purpose == Purpose::Link {
        let setting = services::store::users::setting_of(db, user_id).await?;
        let kind = provider_kind(setting).await?;
        services::accounts::tell_of_link(db, user_id, kind.account()).await?;
    }
    Jar::Proof.set("", 0);
    super::auth::start_session(db, user_id).await?;
    Ok("/".to_string())
}
