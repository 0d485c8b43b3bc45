//! Single sign-on: each setting's provider, sign-ins in flight, and the provider accounts
//! linked to Tandem accounts.

use super::{now, Db};
use domain::model::{Role, Sector};
use domain::single_sign_on::ProviderKind;

/// How long a sign-in may take at the provider before its state is no longer accepted.
pub const LOGIN_TTL_SECS: i64 = 600;
/// The password hash of an account made by single sign-on: no password matches it.
pub const NO_PASSWORD: &str = "!single-sign-on";

#[derive(Clone, Debug)]
pub struct Provider {
    pub setting_id: i64,
    pub kind: ProviderKind,
    pub issuer: String,
    pub client_id: String,
    pub secret_sealed: String,
    pub domains: Vec<String>,
    pub new_role: Role,
    pub password_allowed: bool,
    pub updated_at: i64,
}

struct Row {
    setting_id: i64,
    kind: String,
    issuer: String,
    client_id: String,
    secret_sealed: String,
    domains: String,
    new_role: String,
    password_allowed: bool,
    updated_at: i64,
}

impl From<Row> for Provider {
    fn from(r: Row) -> Self {
        Provider {
            setting_id: r.setting_id,
            kind: ProviderKind::parse(&r.kind).unwrap_or(ProviderKind::Other),
            issuer: r.issuer,
            client_id: r.client_id,
            secret_sealed: r.secret_sealed,
            domains: r.domains.split(',').map(str::to_string).collect(),
            new_role: Role::parse(&r.new_role).unwrap_or(Role::Practitioner),
            password_allowed: r.password_allowed,
            updated_at: r.updated_at,
        }
    }
}

pub async fn get(db: &Db, setting_id: i64) -> Result<Option<Provider>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"SELECT setting_id, kind, issuer, client_id, secret_sealed, domains, new_role,
                  password_allowed AS "password_allowed: bool", updated_at
           FROM sign_in_providers WHERE setting_id = ?"#,
        setting_id
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Provider::from))
}

/// The provider that signs in people of an email domain (a domain belongs to one setting).
pub async fn for_domain(db: &Db, domain: &str) -> Result<Option<Provider>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"SELECT setting_id, kind, issuer, client_id, secret_sealed, domains, new_role,
                  password_allowed AS "password_allowed: bool", updated_at
           FROM sign_in_providers WHERE ',' || domains || ',' LIKE '%,' || ? || ',%'
           ORDER BY setting_id LIMIT 1"#,
        domain
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(Provider::from))
}

/// Another setting's provider that already signs in one of `domains`, if any.
pub async fn domain_taken(
    db: &Db,
    setting_id: i64,
    domains: &[String],
) -> Result<Option<String>, sqlx::Error> {
    for domain in domains {
        if let Some(p) = for_domain(db, domain).await? {
            if p.setting_id != setting_id {
                return Ok(Some(domain.clone()));
            }
        }
    }
    Ok(None)
}

/// Saves a setting's provider. `secret_sealed` None keeps the one saved before.
pub async fn save(
    db: &Db,
    p: &Provider,
    secret_sealed: Option<&str>,
    by: i64,
) -> Result<(), sqlx::Error> {
    let (kind, role, domains, at) = (
        p.kind.as_str(),
        p.new_role.as_str(),
        p.domains.join(","),
        now(),
    );
    let mut tx = super::write(db).await?;
    sqlx::query!(
        "INSERT INTO sign_in_providers (setting_id, kind, issuer, client_id, secret_sealed, domains, new_role, password_allowed, updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, COALESCE(?5, ''), ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (setting_id) DO UPDATE SET kind = ?2, issuer = ?3, client_id = ?4,
           secret_sealed = COALESCE(?5, secret_sealed), domains = ?6, new_role = ?7,
           password_allowed = ?8, updated_by = ?9, updated_at = ?10",
        p.setting_id,
        kind,
        p.issuer,
        p.client_id,
        secret_sealed,
        domains,
        role,
        p.password_allowed,
        by,
        at
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn remove(db: &Db, setting_id: i64) -> Result<bool, sqlx::Error> {
    use super::WriteOne;
    let done = sqlx::query!(
        "DELETE FROM sign_in_providers WHERE setting_id = ?",
        setting_id
    )
    .write_in_turn(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether people of this setting may still sign in with a password (admins always may,
/// so a provider outage never locks a setting out).
pub async fn password_allowed(db: &Db, setting_id: i64) -> Result<bool, sqlx::Error> {
    Ok(get(db, setting_id)
        .await?
        .is_none_or(|p| p.password_allowed))
}

/// A sign-in sent to the provider. Old ones that were never finished go at the same time.
pub async fn begin(
    db: &Db,
    state: &str,
    setting_id: i64,
    nonce: &str,
    verifier: &str,
) -> Result<(), sqlx::Error> {
    let at = now();
    let stale = at - LOGIN_TTL_SECS;
    let mut tx = super::write(db).await?;
    sqlx::query!("DELETE FROM sso_logins WHERE created_at < ?", stale)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO sso_logins (state, setting_id, nonce, pkce_verifier, created_at) VALUES (?, ?, ?, ?, ?)",
        state,
        setting_id,
        nonce,
        verifier,
        at
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub struct Pending {
    pub setting_id: i64,
    pub nonce: String,
    pub verifier: String,
}

/// The sign-in a provider's answer belongs to: once only, and only while it is fresh.
pub async fn take(db: &Db, state: &str) -> Result<Option<Pending>, sqlx::Error> {
    let fresh = now() - LOGIN_TTL_SECS;
    let mut tx = super::write(db).await?;
    let row = sqlx::query_as!(
        Pending,
        r#"DELETE FROM sso_logins WHERE state = ? AND created_at >= ?
           RETURNING setting_id, nonce, pkce_verifier AS verifier"#,
        state,
        fresh
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Who the provider says signed in (after the ID token was verified).
pub struct Identity<'a> {
    pub issuer: &'a str,
    pub subject: &'a str,
    pub email: &'a str,
    pub name: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Signed in before with this provider account.
    Known(i64),
    /// An existing account, linked now by its email address.
    Linked(i64),
    /// A new account in the setting.
    Created(i64),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The account is closed.
    Closed,
    /// The email address belongs to an account in another setting.
    OtherSetting,
}

/// Finds, links or creates the account for a verified identity, in the provider's setting.
pub async fn sign_in(
    db: &Db,
    provider: &Provider,
    who: &Identity<'_>,
    sector: Sector,
) -> Result<Result<Outcome, Refusal>, sqlx::Error> {
    let at = now();
    let mut tx = super::write(db).await?;
    let linked = sqlx::query!(
        r#"SELECT u.id AS "id!", u.active AS "active: bool", u.setting_id
           FROM user_identities i JOIN users u ON u.id = i.user_id
           WHERE i.issuer = ? AND i.subject = ?"#,
        who.issuer,
        who.subject
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(u) = linked {
        return Ok(match (u.active, u.setting_id == provider.setting_id) {
            (false, _) => Err(Refusal::Closed),
            (true, false) => Err(Refusal::OtherSetting),
            (true, true) => Ok(Outcome::Known(u.id)),
        });
    }
    let existing = sqlx::query!(
        r#"SELECT id AS "id!", active AS "active: bool", setting_id FROM users WHERE email = ?"#,
        who.email
    )
    .fetch_optional(&mut *tx)
    .await?;
    let outcome = match existing {
        Some(u) if u.setting_id != provider.setting_id => return Ok(Err(Refusal::OtherSetting)),
        Some(u) if !u.active => return Ok(Err(Refusal::Closed)),
        Some(u) => Outcome::Linked(u.id),
        None => {
            let new_user = super::users::NewUser {
                email: who.email,
                display_name: who.name,
                password_hash: NO_PASSWORD,
                role: provider.new_role,
                setting_id: provider.setting_id,
                sector,
            };
            match super::users::create_in(&mut tx, &new_user).await {
                Ok(id) => Outcome::Created(id),
                Err(super::users::CreateError::EmailTaken) => {
                    return Ok(Err(Refusal::OtherSetting))
                }
                Err(super::users::CreateError::Db(e)) => return Err(sqlx::Error::Protocol(e)),
            }
        }
    };
    let user_id = match outcome {
        Outcome::Known(id) | Outcome::Linked(id) | Outcome::Created(id) => id,
    };
    sqlx::query!(
        "INSERT INTO user_identities (issuer, subject, user_id, linked_at) VALUES (?, ?, ?, ?)",
        who.issuer,
        who.subject,
        user_id,
        at
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(outcome))
}
