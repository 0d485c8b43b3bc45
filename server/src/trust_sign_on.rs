//! `tandem sso trust` and `tandem sso trust-off`: one sign-in provider for every setting of a
//! network, set up by whoever runs Tandem. The same checks as a setting admin's form
//! (`domain::single_sign_on`); the operator's word is its approval.

use anyhow::Context;
use domain::single_sign_on::{self as sso, Owner, ProviderKind};
use services::store::{networks, trust_sign_on as store, Db};

/// Where the client secret comes from (not an argument: others on the machine see those).
pub const SECRET_VARIABLE: &str = "TANDEM_SSO_CLIENT_SECRET";

pub struct Args<'a> {
    pub network: &'a str,
    pub kind: &'a str,
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub domains: &'a [String],
    pub secret: Option<&'a str>,
}

/// Checks and saves a trust's provider; what to tell the operator.
pub async fn set(db: &Db, a: &Args<'_>) -> anyhow::Result<String> {
    let network_id = find(db, a.network).await?;
    let kind = ProviderKind::parse(a.kind.trim())
        .with_context(|| format!("--kind {:?}: use microsoft, google or other", a.kind))?;
    let loopback = services::network::sso_loopback_http();
    let issuer = sso::issuer(kind, a.issuer, loopback).map_err(anyhow::Error::msg)?;
    let client_id = sso::client_id(a.client_id).map_err(anyhow::Error::msg)?;
    let domains = sso::domains(&a.domains.join(",")).map_err(anyhow::Error::msg)?;
    let raw = a.secret.unwrap_or_default();
    if raw.trim().is_empty() {
        anyhow::bail!("set {SECRET_VARIABLE} to the client secret the provider gave you");
    }
    let secret = sso::client_secret(raw, false)
        .map_err(anyhow::Error::msg)?
        .unwrap_or_default();
    let sealed = services::secrets::seal(Owner::Trust(network_id), &secret)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let saved = store::Saved {
        network_id,
        kind,
        issuer: &issuer,
        client_id: &client_id,
        secret_sealed: &sealed,
        domains: &domains,
    };
    if let Err(domain) = store::save(db, &saved).await? {
        anyhow::bail!(
            "{domain} already signs in through a setting's or another trust's provider here \
             (see `tandem sso list`); nothing was saved"
        );
    }
    Ok(format!(
        "{} now signs in everyone at {} through {}, in whichever of its settings has them. \
         Someone new is placed only in the setting whose staff import named them.\n\
         Register this redirect URI with the provider: <your TANDEM_PUBLIC_URL>/sign-in/sso/callback",
        a.network,
        domains.join(", "),
        kind.label()
    ))
}

pub async fn off(db: &Db, network: &str) -> anyhow::Result<String> {
    let network_id = find(db, network).await?;
    Ok(if store::remove(db, network_id).await? {
        format!("{network}'s single sign-on is off. People keep their accounts; those who have no Tandem password cannot sign in until it is set up again (with the same issuer, their links work again).")
    } else {
        format!("{network} had no single sign-on.")
    })
}

async fn find(db: &Db, network: &str) -> anyhow::Result<i64> {
    networks::by_name(db, network)
        .await?
        .with_context(|| format!("no network {network:?}; see `tandem network list`"))
}
