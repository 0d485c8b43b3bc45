//! A setting admin's single sign-on: which provider, which email domains, the role new
//! people get, and whether passwords still work. The client secret goes in and never
//! comes out.

use domain::error::AppError;
use domain::single_sign_on::{ProviderView, TrustSignOnView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{
    db,
    guard::{require, ADMIN},
    state,
};
#[cfg(feature = "ssr")]
use domain::{
    single_sign_on::{self as sso, ProviderKind},
    validate::Checks,
};
#[cfg(feature = "ssr")]
use services::store::single_sign_on as store;

/// The address to register at the provider: TANDEM_PUBLIC_URL, or the one the admin uses.
#[cfg(feature = "ssr")]
fn redirect_uri() -> Result<String, AppError> {
    let origin = match state()?.public_origin {
        Some(origin) => origin,
        None => {
            let host = use_context::<http::request::Parts>()
                .and_then(|p| {
                    p.headers
                        .get(http::header::HOST)?
                        .to_str()
                        .ok()
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "127.0.0.1:3000".into());
            format!("http://{host}")
        }
    };
    Ok(format!("{origin}/sign-in/sso/callback"))
}

/// The admin's setting's single sign-on, if it is set up.
/// Whether the sign-in page offers a school account: only when some setting or trust has
/// single sign-on set up. Public (the sign-in page asks it), and says nothing about whom.
#[server(endpoint = "sso/offered")]
pub async fn school_sign_in_offered() -> Result<bool, AppError> {
    Ok(store::offered(&db()?).await?)
}

#[server(endpoint = "admin/sso")]
pub async fn sso_settings() -> Result<Option<ProviderView>, AppError> {
    let me = require(ADMIN)?;
    let Some(p) = store::get(&db()?, me.setting_id).await? else {
        return Ok(None);
    };
    Ok(Some(ProviderView {
        kind: p.kind,
        issuer: p.issuer,
        client_id: p.client_id,
        domains: p.domains,
        issuer_approved: p.issuer_approved,
        new_role: p.new_role,
        password_allowed: p.password_allowed,
        redirect_uri: redirect_uri()?,
        updated_at: p.updated_at,
    }))
}

/// The trusts whose sign-on covers the admin's setting (set up by whoever runs Tandem).
#[server(endpoint = "admin/sso_trusts")]
pub async fn trust_sign_on() -> Result<Vec<TrustSignOnView>, AppError> {
    let me = require(ADMIN)?;
    let trusts = services::store::trust_sign_on::of_setting(&db()?, me.setting_id).await?;
    Ok(trusts
        .into_iter()
        .map(|(network, p)| TrustSignOnView {
            network,
            kind: p.kind,
            domains: p.domains.into_iter().map(|d| d.domain).collect(),
        })
        .collect())
}

/// Where a new provider's redirect URI will be (shown before anything is saved).
#[server(endpoint = "admin/sso_redirect")]
pub async fn sso_redirect_uri() -> Result<NewProvider, AppError> {
    require(ADMIN)?;
    Ok(NewProvider {
        redirect_uri: redirect_uri()?,
        cannot_keep_secrets: services::secrets::key_problem().map(|e| e.to_string()),
    })
}

/// What an admin needs before filling in a provider's details.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewProvider {
    /// The address to register at the provider.
    pub redirect_uri: String,
    /// Why the server cannot keep a client secret yet (so the form cannot be saved).
    pub cannot_keep_secrets: Option<String>,
}

#[server(endpoint = "admin/sso_save")]
pub async fn save_sso(
    kind: String,
    issuer: String,
    client_id: String,
    #[server(default)] client_secret: String,
    domains: String,
    new_role: String,
    #[server(default)] password_allowed: String,
) -> Result<(), AppError> {
    let outcome = save(
        kind.clone(),
        issuer.clone(),
        client_id.clone(),
        client_secret,
        domains.clone(),
        new_role.clone(),
        password_allowed.clone(),
    )
    .await;
    if let Err(error) = &outcome {
        // Everything but the secret goes back to the form.
        let keep = [
            ("kind", kind.as_str()),
            ("issuer", issuer.as_str()),
            ("client_id", client_id.as_str()),
            ("domains", domains.as_str()),
            ("new_role", new_role.as_str()),
            (
                "password_allowed",
                if password_allowed.is_empty() {
                    "off"
                } else {
                    "on"
                },
            ),
        ];
        super::plain_form_error::<SaveSso>("/admin/sign-in", &keep, error);
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn save(
    kind: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    domains: String,
    new_role: String,
    password_allowed: String,
) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    let db = db()?;
    let saved = store::get(&db, me.setting_id).await?;
    let mut checks = Checks::new();
    let kind = checks.check(
        "kind",
        ProviderKind::parse(&kind).ok_or_else(|| "Choose your provider.".to_string()),
    );
    let issuer = checks.check(
        "issuer",
        sso::issuer(
            kind.unwrap_or(ProviderKind::Other),
            &issuer,
            services::network::sso_loopback_http(),
        ),
    );
    let client_id = checks.check("client_id", sso::client_id(&client_id));
    let secret = checks.check(
        "client_secret",
        sso::client_secret(&client_secret, saved.is_some()),
    );
    let domains = checks.check("domains", sso::domains(&domains));
    let new_role = checks.check("new_role", sso::new_role(&new_role));
    checks.finish()?;
    let (Some(kind), Some(issuer), Some(client_id), Some(secret), Some(domains), Some(new_role)) =
        (kind, issuer, client_id, secret, domains, new_role)
    else {
        return Err(AppError::Internal);
    };
    let taken = |domain: &str| {
        AppError::invalid(
            "domains",
            format!("{domain} already signs in to another setting, or to your trust, on this Tandem. Ask whoever runs Tandem to sort out which it belongs to."),
        )
    };
    if let Some(domain) = store::domain_taken(&db, me.setting_id, &domains).await? {
        return Err(taken(&domain));
    }
    let sealed = match secret {
        Some(secret) => Some(
            services::secrets::seal(sso::Owner::Setting(me.setting_id), &secret)
                .map_err(|e| AppError::invalid("client_secret", e.to_string()))?,
        ),
        None => None,
    };
    let provider = store::Saved {
        setting_id: me.setting_id,
        kind,
        issuer: &issuer,
        client_id: &client_id,
        domains: &domains,
        new_role,
        password_allowed: !password_allowed.is_empty(),
    };
    if let Err(domain) = store::save(&db, &provider, sealed.as_deref(), me.id).await? {
        return Err(taken(&domain));
    }
    super::redirect_plain_form("/admin/sign-in");
    Ok(())
}

/// Turns single sign-on off: everyone signs in with a password again (people whose
/// accounts were made by it ask the admin for an invite to set one).
#[server(endpoint = "admin/sso_off")]
pub async fn turn_off_sso() -> Result<(), AppError> {
    let me = require(ADMIN)?;
    store::remove(&db()?, me.setting_id).await?;
    super::redirect_plain_form("/admin/sign-in");
    Ok(())
}
