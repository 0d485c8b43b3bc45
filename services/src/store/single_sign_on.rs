//! Single sign-on: each setting's provider and its email domains (both approved by whoever
//! runs Tandem before anyone signs in through them), sign-ins in flight, and the provider
//! accounts linked to Tandem accounts. A trust's provider (one for every setting of a
//! network, `trust_sign_on`) signs people in through the same steps.

use super::now;
use domain::model::{Role, Sector};
use domain::single_sign_on::{DomainState, Owner, ProviderKind};

/// How long a sign-in may take at the provider before its state is no longer accepted.
pub const LOGIN_TTL_SECS: i64 = 600;
/// The password hash of an account made by single sign-on: no password matches it.
pub const NO_PASSWORD: &str = "!single-sign-on";

#[derive(Clone, Debug)]
pub struct Provider {
    pub owner: Owner,
    pub kind: ProviderKind,
    pub issuer: String,
    pub client_id: String,
    pub secret_sealed: String,
    pub domains: Vec<DomainState>,
    pub new_role: Role,
    pub password_allowed: bool,
    pub updated_at: i64,
    /// Whether the operator approved this issuer (Microsoft's and Google's need no approval:
    /// their issuers are fixed, see `domain::single_sign_on::issuer`).
    pub issuer_approved: bool,
}

impl Provider {
    /// Whether `domain` is one of this provider's domains and approved.
    pub fn signs_in(&self, domain: &str) -> bool {
        self.domains
            .iter()
            .any(|d| d.approved && d.domain.eq_ignore_ascii_case(domain))
    }
}

/// What an admin saves (the domains go in their own table).
pub struct Saved<'a> {
    pub setting_id: i64,
    pub kind: ProviderKind,
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub domains: &'a [String],
    pub new_role: Role,
    pub password_allowed: bool,
}

struct Row {
    setting_id: i64,
    kind: String,
    issuer: String,
    client_id: String,
    secret_sealed: String,
    new_role: String,
    password_allowed: bool,
    updated_at: i64,
    approved_issuer: Option<String>,
}

pub struct Pending {
    pub owner: Owner,
    pub nonce: String,
    pub verifier: String,
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
    /// A new account in the setting.
    Created(i64),
    /// An account whose address was never proved: it is the provider's person's now. Its
    /// password is gone and every session of it ended, then the school account was linked.
    Reclaimed(i64),
    /// An account with this address exists and is not linked: the person must prove it is
    /// theirs (its password, or a code sent to the address) before it is linked. Nothing was
    /// changed.
    ProveFirst { user_id: i64, has_password: bool },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The account is closed.
    Closed,
    /// The email address (or the school account) belongs to an account in a setting this
    /// provider does not sign in.
    OtherSetting,
    /// A trust's provider, and no setting of the trust named the person in a staff import
    /// (or more than one did): nobody is placed in a setting they were not named in.
    NotPlaced,
}

/// A school account linked to a Tandem account, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub issuer: String,
    pub subject: String,
    pub linked_at: i64,
    pub how: String,
}

#[engines::both]
mod sql {
    use super::*;

    async fn with_domains(db: &Db, row: Option<Row>) -> Result<Option<Provider>, sqlx::Error> {
        let Some(r) = row else { return Ok(None) };
        let domains = sqlx::query!(
            r#"SELECT domain AS "domain!", approved_at IS NOT NULL AS "approved!: bool"
           FROM sign_in_domains WHERE setting_id = $1 ORDER BY domain"#,
            r.setting_id
        )
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|d| DomainState {
            domain: d.domain,
            approved: d.approved,
        })
        .collect();
        let kind = ProviderKind::parse(&r.kind).unwrap_or(ProviderKind::Other);
        Ok(Some(Provider {
            owner: Owner::Setting(r.setting_id),
            kind,
            issuer_approved: kind != ProviderKind::Other
                || r.approved_issuer.as_deref() == Some(r.issuer.as_str()),
            issuer: r.issuer,
            client_id: r.client_id,
            secret_sealed: r.secret_sealed,
            domains,
            new_role: Role::parse(&r.new_role).unwrap_or(Role::Practitioner),
            password_allowed: r.password_allowed,
            updated_at: r.updated_at,
        }))
    }

    pub async fn get(db: &Db, setting_id: i64) -> Result<Option<Provider>, sqlx::Error> {
        let row = sqlx::query_as!(
            Row,
            r#"SELECT setting_id, kind, issuer, client_id, secret_sealed, new_role,
                  password_allowed AS "password_allowed: bool", updated_at, approved_issuer
           FROM sign_in_providers WHERE setting_id = $1"#,
            setting_id
        )
        .fetch_optional(db.pool())
        .await?;
        with_domains(db, row).await
    }

    /// The provider that signs in people of an email domain (a domain belongs to one setting),
    /// compared exactly, approved or not (the caller says which is waiting).
    pub async fn for_domain(db: &Db, domain: &str) -> Result<Option<Provider>, sqlx::Error> {
        let row = sqlx::query_as!(
        Row,
        r#"SELECT p.setting_id AS "setting_id!", p.kind, p.issuer, p.client_id, p.secret_sealed, p.new_role,
                  p.password_allowed AS "password_allowed: bool", p.updated_at, p.approved_issuer
           FROM sign_in_domains d JOIN sign_in_providers p ON p.setting_id = d.setting_id
           WHERE d.domain = $1"#,
        domain
    )
    .fetch_optional(db.pool())
    .await?;
        match row {
            Some(row) => with_domains(db, Some(row)).await,
            None => crate::store::trust_sign_on::sql::for_domain(db, domain).await,
        }
    }

    /// The provider of a setting or a trust.
    pub async fn by_owner(db: &Db, owner: Owner) -> Result<Option<Provider>, sqlx::Error> {
        match owner {
            Owner::Setting(id) => get(db, id).await,
            Owner::Trust(id) => crate::store::trust_sign_on::sql::get(db, id).await,
        }
    }

    /// The providers that sign in people of a setting: its own, and its trusts'.
    pub async fn serving(db: &Db, setting_id: i64) -> Result<Vec<Provider>, sqlx::Error> {
        let own = get(db, setting_id).await?;
        let trusts = crate::store::trust_sign_on::sql::of_setting(db, setting_id).await?;
        Ok(own
            .into_iter()
            .chain(trusts.into_iter().map(|(_, p)| p))
            .collect())
    }

    /// One of `domains` another setting or a trust already has, if any.
    pub async fn domain_taken(
        db: &Db,
        setting_id: i64,
        domains: &[String],
    ) -> Result<Option<String>, sqlx::Error> {
        for domain in domains {
            let other = sqlx::query_scalar!(
                "SELECT setting_id FROM sign_in_domains WHERE domain = $1 AND setting_id <> $2",
                domain,
                setting_id
            )
            .fetch_optional(db.pool())
            .await?;
            if other.is_some() || trust_has(db.pool(), domain).await? {
                return Ok(Some(domain.clone()));
            }
        }
        Ok(None)
    }

    /// Saves a setting's provider. `secret_sealed` None keeps the one saved before. A changed
    /// issuer loses the operator's approval; domains kept keep theirs, new ones wait for it.
    /// Err(domain): another setting took that domain in the meantime (nothing saved).
    pub async fn save(
        db: &Db,
        p: &Saved<'_>,
        secret_sealed: Option<&str>,
        by: i64,
    ) -> Result<Result<(), String>, sqlx::Error> {
        let (kind, role, at) = (p.kind.as_str(), p.new_role.as_str(), now());
        let password_allowed = p.password_allowed;
        let mut tx = write(db).await?;
        sqlx::query!(
        "INSERT INTO sign_in_providers (setting_id, kind, issuer, client_id, secret_sealed, new_role, password_allowed, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, COALESCE($5, ''), $6, $7, $8, $9)
         ON CONFLICT (setting_id) DO UPDATE SET kind = $2, issuer = $3, client_id = $4,
           secret_sealed = COALESCE($5, sign_in_providers.secret_sealed), new_role = $6,
           password_allowed = $7, updated_by = $8, updated_at = $9,
           approved_issuer = CASE WHEN sign_in_providers.issuer = $3 THEN sign_in_providers.approved_issuer END",
        p.setting_id,
        kind,
        p.issuer,
        p.client_id,
        secret_sealed,
        role,
        password_allowed,
        by,
        at
    )
    .execute(&mut *tx)
    .await?;
        let listed = sqlx::query_scalar!(
            r#"SELECT domain AS "domain!" FROM sign_in_domains WHERE setting_id = $1"#,
            p.setting_id
        )
        .fetch_all(&mut *tx)
        .await?;
        for gone in listed.iter().filter(|d| !p.domains.contains(d)) {
            sqlx::query!(
                "DELETE FROM sign_in_domains WHERE setting_id = $1 AND domain = $2",
                p.setting_id,
                gone
            )
            .execute(&mut *tx)
            .await?;
        }
        for domain in p.domains {
            if trust_has(&mut *tx, domain).await? {
                return Ok(Err(domain.clone()));
            }
            let added = sqlx::query!(
                "INSERT INTO sign_in_domains (domain, setting_id, added_at) VALUES ($1, $2, $3)
             ON CONFLICT (domain) DO NOTHING",
                domain,
                p.setting_id,
                at
            )
            .execute(&mut *tx)
            .await?;
            if added.rows_affected() == 0 {
                let holder = sqlx::query_scalar!(
                    "SELECT setting_id FROM sign_in_domains WHERE domain = $1",
                    domain
                )
                .fetch_one(&mut *tx)
                .await?;
                if holder != p.setting_id {
                    return Ok(Err(domain.clone()));
                }
            }
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    pub async fn remove(db: &Db, setting_id: i64) -> Result<bool, sqlx::Error> {
        let mut tx = write(db).await?;
        sqlx::query!(
            "DELETE FROM sign_in_domains WHERE setting_id = $1",
            setting_id
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query!(
            "DELETE FROM sign_in_providers WHERE setting_id = $1",
            setting_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every provider, for the operator (`tandem sso list`): settings' by name, then trusts'.
    pub async fn all(db: &Db) -> Result<Vec<(String, Provider)>, sqlx::Error> {
        let settings = sqlx::query!(
            r#"SELECT p.setting_id AS "setting_id!", s.name FROM sign_in_providers p
           JOIN settings s ON s.id = p.setting_id ORDER BY s.name"#
        )
        .fetch_all(db.pool())
        .await?;
        let trusts = sqlx::query!(
            r#"SELECT t.network_id AS "network_id!", n.name FROM trust_sign_on t
               JOIN networks n ON n.id = t.network_id ORDER BY n.name"#
        )
        .fetch_all(db.pool())
        .await?;
        let owners = settings
            .into_iter()
            .map(|s| (s.name, Owner::Setting(s.setting_id)))
            .chain(
                trusts
                    .into_iter()
                    .map(|t| (t.name, Owner::Trust(t.network_id))),
            );
        let mut out = Vec::new();
        for (name, owner) in owners {
            if let Some(p) = by_owner(db, owner).await? {
                out.push((name, p));
            }
        }
        Ok(out)
    }

    /// The operator approves a setting's provider: its issuer as it is now, and its domains
    /// (all of them, or only `domain`). Returns what was approved.
    pub async fn approve(
        db: &Db,
        setting_id: i64,
        domain: Option<&str>,
    ) -> Result<Option<Vec<String>>, sqlx::Error> {
        let mut tx = write(db).await?;
        let found = sqlx::query!(
            "UPDATE sign_in_providers SET approved_issuer = issuer WHERE setting_id = $1",
            setting_id
        )
        .execute(&mut *tx)
        .await?;
        if found.rows_affected() == 0 {
            return Ok(None);
        }
        let at = now();
        let approved = sqlx::query_scalar!(
            r#"UPDATE sign_in_domains SET approved_at = COALESCE(approved_at, $1)
           WHERE setting_id = $2 AND (CAST($3 AS TEXT) IS NULL OR domain = $3) RETURNING domain AS "domain!""#,
            at,
            setting_id,
            domain
        )
        .fetch_all(&mut *tx)
        .await?;
        if domain.is_some() && approved.is_empty() {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(approved))
    }

    /// The operator withdraws approval (of one domain, or of the issuer and every domain).
    pub async fn revoke(
        db: &Db,
        setting_id: i64,
        domain: Option<&str>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = write(db).await?;
        if domain.is_none() {
            sqlx::query!(
                "UPDATE sign_in_providers SET approved_issuer = NULL WHERE setting_id = $1",
                setting_id
            )
            .execute(&mut *tx)
            .await?;
        }
        let done = sqlx::query!(
        "UPDATE sign_in_domains SET approved_at = NULL WHERE setting_id = $1 AND (CAST($2 AS TEXT) IS NULL OR domain = $2)",
        setting_id,
        domain
    )
    .execute(&mut *tx)
    .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether any setting or trust has single sign-on set up (approved or waiting): the
    /// sign-in page offers the school-account box only then.
    pub async fn offered(db: &Db) -> Result<bool, sqlx::Error> {
        let setting = sqlx::query_scalar!("SELECT setting_id FROM sign_in_providers LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
        if setting.is_some() {
            return Ok(true);
        }
        let trust = sqlx::query_scalar!("SELECT network_id FROM trust_sign_on LIMIT 1")
            .fetch_optional(db.pool())
            .await?;
        Ok(trust.is_some())
    }

    /// Whether people of this setting may still sign in with a password (admins always may,
    /// so a provider outage never locks a setting out).
    pub async fn password_allowed(db: &Db, setting_id: i64) -> Result<bool, sqlx::Error> {
        Ok(sqlx::query_scalar!(
        r#"SELECT password_allowed AS "allowed: bool" FROM sign_in_providers WHERE setting_id = $1"#,
        setting_id
    )
    .fetch_optional(db.pool())
    .await?
    .is_none_or(|allowed| allowed))
    }

    /// Whether a trust signs in people of `domain`.
    async fn trust_has<'c>(
        conn: impl sqlx::Executor<'c, Database = Engine>,
        domain: &str,
    ) -> Result<bool, sqlx::Error> {
        Ok(sqlx::query_scalar!(
            "SELECT network_id FROM trust_sign_on_domains WHERE domain = $1",
            domain
        )
        .fetch_optional(conn)
        .await?
        .is_some())
    }

    /// A sign-in sent to the provider. Old ones that were never finished go at the same time.
    pub async fn begin(
        db: &Db,
        state: &str,
        owner: Owner,
        nonce: &str,
        verifier: &str,
    ) -> Result<(), sqlx::Error> {
        let (setting_id, network_id) = match owner {
            Owner::Setting(id) => (Some(id), None),
            Owner::Trust(id) => (None, Some(id)),
        };
        let at = now();
        let stale = at - LOGIN_TTL_SECS;
        let mut tx = write(db).await?;
        sqlx::query!("DELETE FROM sso_logins WHERE created_at < $1", stale)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
        "INSERT INTO sso_logins (state, setting_id, network_id, nonce, pkce_verifier, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        state,
        setting_id,
        network_id,
        nonce,
        verifier,
        at
    )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The sign-in a provider's answer belongs to: once only, and only while it is fresh.
    pub async fn take(db: &Db, state: &str) -> Result<Option<Pending>, sqlx::Error> {
        let fresh = now() - LOGIN_TTL_SECS;
        let mut tx = write(db).await?;
        let row = sqlx::query!(
            r#"DELETE FROM sso_logins WHERE state = $1 AND created_at >= $2
           RETURNING setting_id, network_id, nonce, pkce_verifier"#,
            state,
            fresh
        )
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.and_then(|r| {
            let owner = match (r.setting_id, r.network_id) {
                (Some(id), _) => Owner::Setting(id),
                (None, Some(id)) => Owner::Trust(id),
                (None, None) => return None,
            };
            Some(Pending {
                owner,
                nonce: r.nonce,
                verifier: r.pkce_verifier,
            })
        }))
    }

    /// Finds or creates the account for a verified identity, in the provider's setting (for a
    /// trust's provider: the setting of the trust whose staff import named the person). An
    /// existing account is never linked by its email address alone (see `Outcome`).
    pub async fn sign_in(
        db: &Db,
        provider: &Provider,
        who: &Identity<'_>,
    ) -> Result<Result<Outcome, Refusal>, sqlx::Error> {
        let mut tx = write(db).await?;
        let linked = sqlx::query!(
            r#"SELECT u.id AS "id!", u.active AS "active: bool", u.setting_id
           FROM user_identities i JOIN users u ON u.id = i.user_id
           WHERE i.issuer = $1 AND i.subject = $2"#,
            who.issuer,
            who.subject
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(u) = linked {
            let serves = serves(&mut tx, provider.owner, u.setting_id).await?;
            return Ok(match (u.active, serves) {
                (false, _) => Err(Refusal::Closed),
                (true, false) => Err(Refusal::OtherSetting),
                (true, true) => Ok(Outcome::Known(u.id)),
            });
        }
        let existing = sqlx::query!(
            r#"SELECT id AS "id!", active AS "active: bool", setting_id,
                  email_verified_at IS NOT NULL AS "proved!: bool", password_hash
           FROM users WHERE email = $1"#,
            who.email
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(u) = &existing {
            if !serves(&mut tx, provider.owner, u.setting_id).await? {
                return Ok(Err(Refusal::OtherSetting));
            }
        }
        let outcome = match existing {
            Some(u) if !u.active => return Ok(Err(Refusal::Closed)),
            Some(u) if u.proved => {
                return Ok(Ok(Outcome::ProveFirst {
                    user_id: u.id,
                    has_password: u.password_hash.starts_with("$argon2"),
                }))
            }
            Some(u) => {
                // Whoever made it never proved the address; the provider just did. The person
                // who made it (perhaps someone else, with an open invite code) loses it.
                let at = now();
                sqlx::query!(
                    "UPDATE users SET password_hash = $1, email_verified_at = $2 WHERE id = $3",
                    NO_PASSWORD,
                    at,
                    u.id
                )
                .execute(&mut *tx)
                .await?;
                sqlx::query!("DELETE FROM sessions WHERE user_id = $1", u.id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query!("DELETE FROM email_proofs WHERE user_id = $1", u.id)
                    .execute(&mut *tx)
                    .await?;
                Outcome::Reclaimed(u.id)
            }
            None => {
                let setting_id = match provider.owner {
                    Owner::Setting(id) => id,
                    Owner::Trust(network) => {
                        let named = crate::store::invites::sql::personal_in_network(
                            &mut tx, network, who.email,
                        )
                        .await?;
                        match named[..] {
                            [one] => one,
                            _ => return Ok(Err(Refusal::NotPlaced)),
                        }
                    }
                };
                // A staff import's personal invite says what role the person has; it is spent.
                let invited =
                    crate::store::invites::sql::take_personal(&mut tx, setting_id, who.email)
                        .await?;
                let sector = sqlx::query_scalar!(
                    r#"SELECT default_sector AS "sector: Sector" FROM settings WHERE id = $1"#,
                    setting_id
                )
                .fetch_one(&mut *tx)
                .await?;
                let new_user = crate::store::users::NewUser {
                    email: who.email,
                    display_name: who.name,
                    password_hash: NO_PASSWORD,
                    role: invited.unwrap_or(provider.new_role),
                    setting_id,
                    sector,
                    email_proved: true,
                };
                match crate::store::users::sql::create_in(&mut tx, &new_user).await {
                    Ok(id) => Outcome::Created(id),
                    Err(crate::store::users::CreateError::EmailTaken) => {
                        return Ok(Err(Refusal::OtherSetting))
                    }
                    Err(crate::store::users::CreateError::Db(e)) => {
                        return Err(sqlx::Error::Protocol(e))
                    }
                }
            }
        };
        let user_id = match outcome {
            Outcome::Created(id) | Outcome::Reclaimed(id) => id,
            Outcome::Known(id) | Outcome::ProveFirst { user_id: id, .. } => id,
        };
        link_in(&mut tx, who.issuer, who.subject, user_id, "school-sign-in").await?;
        tx.commit().await?;
        Ok(Ok(outcome))
    }

    /// Whether the provider signs in people of `setting_id`: a setting's its own people, a
    /// trust's the people of every setting that has joined its network.
    async fn serves(tx: &mut Conn, owner: Owner, setting_id: i64) -> Result<bool, sqlx::Error> {
        match owner {
            Owner::Setting(id) => Ok(id == setting_id),
            Owner::Trust(network) => Ok(sqlx::query_scalar!(
                "SELECT setting_id FROM network_settings
                 WHERE network_id = $1 AND setting_id = $2 AND accepted_at IS NOT NULL",
                network,
                setting_id
            )
            .fetch_optional(&mut *tx)
            .await?
            .is_some()),
        }
    }

    /// Links a provider account to a Tandem account (inside the caller's write).
    pub async fn link_in(
        tx: &mut Conn,
        issuer: &str,
        subject: &str,
        user_id: i64,
        how: &str,
    ) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
        "INSERT INTO user_identities (issuer, subject, user_id, linked_at, how) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (issuer, subject) DO NOTHING",
        issuer,
        subject,
        user_id,
        at,
        how
    )
    .execute(&mut *tx)
    .await?;
        Ok(())
    }

    pub async fn links(db: &Db, user_id: i64) -> Result<Vec<Link>, sqlx::Error> {
        sqlx::query_as!(
        Link,
        "SELECT issuer, subject, linked_at, how FROM user_identities WHERE user_id = $1 ORDER BY linked_at",
        user_id
    )
    .fetch_all(db.pool())
    .await
    }

    /// The person removes a link of theirs. Every other session of theirs ends (one may be the
    /// link's). Err(()): it is the only way into an account without a password.
    pub async fn unlink(
        db: &Db,
        user_id: i64,
        issuer: &str,
        subject: &str,
        keep_session: Option<&str>,
    ) -> Result<Option<Result<(), ()>>, sqlx::Error> {
        let mut tx = write(db).await?;
        let has_password =
            sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user_id)
                .fetch_one(&mut *tx)
                .await?
                .starts_with("$argon2");
        let count = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM user_identities WHERE user_id = $1"#,
            user_id
        )
        .fetch_one(&mut *tx)
        .await?;
        let done = sqlx::query!(
            "DELETE FROM user_identities WHERE user_id = $1 AND issuer = $2 AND subject = $3",
            user_id,
            issuer,
            subject
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        if count == 1 && !has_password {
            return Ok(Some(Err(())));
        }
        let keep = keep_session.map(crate::store::sessions::hash_token);
        sqlx::query!(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2",
            user_id,
            keep
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(Ok(())))
    }

    /// Re-seals client secrets kept in the old form (`secrets::is_v1`) in the new one, bound to
    /// their setting. Run once at startup; a secret that cannot be opened (the key changed) is
    /// left for the admin to enter again. Returns how many were re-sealed.
    pub async fn upgrade_secrets(db: &Db) -> Result<usize, sqlx::Error> {
        let old = sqlx::query!(
        r#"SELECT setting_id AS "setting_id!", secret_sealed FROM sign_in_providers WHERE secret_sealed LIKE 'v1.%'"#
    )
    .fetch_all(db.pool())
    .await?;
        let mut done = 0;
        for row in old {
            let owner = Owner::Setting(row.setting_id);
            let resealed = crate::secrets::open(owner, &row.secret_sealed)
                .and_then(|plain| crate::secrets::seal(owner, &plain));
            let Ok(resealed) = resealed else { continue };
            let mut tx = write(db).await?;
            sqlx::query!(
            "UPDATE sign_in_providers SET secret_sealed = $1 WHERE setting_id = $2 AND secret_sealed = $3",
            resealed,
            row.setting_id,
            row.secret_sealed
        )
        .execute(&mut *tx)
        .await?;
            tx.commit().await?;
            done += 1;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use crate::store::{sessions, settings, test_db, users};

    fn provider<'a>(setting_id: i64, issuer: &'a str, domains: &'a [String]) -> Saved<'a> {
        Saved {
            setting_id,
            kind: ProviderKind::Other,
            issuer,
            client_id: "client",
            domains,
            new_role: Role::Practitioner,
            password_allowed: true,
        }
    }

    fn identity<'a>(subject: &'a str, email: &'a str) -> Identity<'a> {
        Identity {
            issuer: "https://id.ash.test",
            subject,
            email,
            name: "Sam",
        }
    }

    /// Ash, its admin, and a provider for ash.test saved (with `secret`) but not approved.
    async fn ash_with_provider(db: &Db, secret: &str) -> (i64, i64, [String; 1]) {
        let (ash, admin) = test_db::person(db, "admin@ash.test", Role::Admin, None).await;
        let domains = ["ash.test".to_string()];
        save(
            db,
            &provider(ash, "https://id.ash.test", &domains),
            Some(secret),
            admin,
        )
        .await
        .unwrap()
        .unwrap();
        (ash, admin, domains)
    }

    #[tokio::test]
    async fn a_domain_is_one_settings_and_signs_in_only_once_the_operator_approves() {
        let db = test_db::fresh().await;
        let (ash, admin, domains) = ash_with_provider(&db, "sealed").await;
        let elm = settings::create(&db, "Elm", Sector::SchoolAge)
            .await
            .unwrap();
        let saved = get(&db, ash).await.unwrap().unwrap();
        assert!(
            !saved.signs_in("ash.test") && !saved.issuer_approved,
            "waits for approval"
        );
        assert_eq!(
            domain_taken(&db, elm, &domains).await.unwrap().as_deref(),
            Some("ash.test")
        );
        let taken = save(
            &db,
            &provider(elm, "https://id.elm.test", &domains),
            None,
            admin,
        )
        .await;
        assert_eq!(
            taken.unwrap(),
            Err("ash.test".to_string()),
            "another setting's domain"
        );

        assert_eq!(
            approve(&db, ash, None).await.unwrap(),
            Some(domains.to_vec())
        );
        let approved = for_domain(&db, "ash.test").await.unwrap().unwrap();
        assert!(approved.signs_in("ash.test") && approved.issuer_approved);
        assert_eq!(approved.secret_sealed, "sealed");

        // A changed issuer loses its approval; the kept domain keeps its own and the secret.
        save(
            &db,
            &provider(ash, "https://evil.test", &domains),
            None,
            admin,
        )
        .await
        .unwrap()
        .unwrap();
        let changed = get(&db, ash).await.unwrap().unwrap();
        assert!(!changed.issuer_approved && changed.signs_in("ash.test"));
        assert_eq!(changed.secret_sealed, "sealed");
        assert!(revoke(&db, ash, Some("ash.test")).await.unwrap());
        assert!(!get(&db, ash).await.unwrap().unwrap().signs_in("ash.test"));
        assert!(remove(&db, ash).await.unwrap());
        assert!(get(&db, ash).await.unwrap().is_none());
        assert!(
            password_allowed(&db, ash).await.unwrap(),
            "no provider: passwords as ever"
        );
    }

    /// The account a verified identity gets: its own link, a new account, or an unproved
    /// account taken over; never an account whose owner proved their address (that owner
    /// must prove it is theirs first), nor one in another setting or closed.
    #[tokio::test]
    async fn sign_in_never_links_a_proved_account_by_its_address_alone() {
        let db = test_db::fresh().await;
        let (ash, ..) = ash_with_provider(&db, "s").await;
        approve(&db, ash, None).await.unwrap();
        let p = get(&db, ash).await.unwrap().unwrap();
        let (db, p) = (&db, &p);
        let sign_in_as = move |subject: &'static str, email: &'static str| async move {
            sign_in(db, p, &identity(subject, email)).await.unwrap()
        };

        let Ok(Outcome::Created(sam)) = sign_in_as("sam", "sam@ash.test").await else {
            panic!("a new person gets an account")
        };
        assert_eq!(
            sign_in_as("sam", "sam@ash.test").await,
            Ok(Outcome::Known(sam))
        );
        assert_eq!(links(db, sam).await.unwrap().len(), 1);

        let (_, proved) = test_db::person(db, "jo@ash.test", Role::Practitioner, Some(ash)).await;
        let outcome = sign_in_as("jo", "jo@ash.test").await;
        assert_eq!(
            outcome,
            Ok(Outcome::ProveFirst {
                user_id: proved,
                has_password: false
            })
        );
        assert!(
            links(db, proved).await.unwrap().is_empty(),
            "nothing linked by address alone"
        );

        let unproved = users::NewUser {
            email: "kim@ash.test",
            display_name: "Kim",
            password_hash: "$argon2id$made-by-someone",
            role: Role::Practitioner,
            setting_id: ash,
            sector: Sector::SchoolAge,
            email_proved: false,
        };
        let kim = users::create(db, &unproved).await.unwrap();
        let token = sessions::create(db, kim).await.unwrap();
        assert_eq!(
            sign_in_as("kim", "kim@ash.test").await,
            Ok(Outcome::Reclaimed(kim))
        );
        assert!(
            sessions::resolve(db, &token, sessions::Badges::Read)
                .await
                .unwrap()
                .is_none(),
            "its sessions ended"
        );
        assert_eq!(
            users::password_hash(db, kim).await.unwrap().as_deref(),
            Some(NO_PASSWORD)
        );

        test_db::person(db, "lee@ash.test", Role::Practitioner, None).await;
        assert_eq!(
            sign_in_as("lee", "lee@ash.test").await,
            Err(Refusal::OtherSetting)
        );
        users::set_active(db, sam, false).await.unwrap();
        assert_eq!(
            sign_in_as("sam", "sam@ash.test").await,
            Err(Refusal::Closed)
        );
    }

    #[tokio::test]
    async fn a_sign_in_in_flight_is_taken_once_and_the_last_way_in_stays_linked() {
        let db = test_db::fresh().await;
        let (ash, _) = test_db::person(&db, "admin@ash.test", Role::Admin, None).await;
        begin(&db, "state-1", Owner::Setting(ash), "nonce", "verifier")
            .await
            .unwrap();
        let pending = take(&db, "state-1").await.unwrap().unwrap();
        assert_eq!(
            (pending.owner, pending.nonce.as_str()),
            (Owner::Setting(ash), "nonce")
        );
        let trust = crate::store::networks::create(&db, "Riverside")
            .await
            .unwrap();
        begin(&db, "state-2", Owner::Trust(trust), "n2", "v2")
            .await
            .unwrap();
        let pending = take(&db, "state-2").await.unwrap().unwrap();
        assert_eq!(
            (pending.owner, pending.verifier.as_str()),
            (Owner::Trust(trust), "v2")
        );
        assert!(take(&db, "state-1").await.unwrap().is_none(), "once only");
        assert!(take(&db, "never-made").await.unwrap().is_none());

        let (_, user) = test_db::person(&db, "sam@ash.test", Role::Practitioner, Some(ash)).await;
        users::set_password_hash(&db, user, NO_PASSWORD)
            .await
            .unwrap();
        let mut tx = crate::store::write(&db).await.unwrap();
        link_in(&mut tx, "https://id.ash.test", "sam", user, "test")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let refused = unlink(&db, user, "https://id.ash.test", "sam", None)
            .await
            .unwrap();
        assert_eq!(refused, Some(Err(())), "the only way in without a password");
        assert_eq!(links(&db, user).await.unwrap().len(), 1, "and it stays");
        assert_eq!(
            unlink(&db, user, "https://id.ash.test", "other", None)
                .await
                .unwrap(),
            None
        );
    }
}
