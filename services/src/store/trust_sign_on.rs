//! A trust's single sign-on: one provider and its email domains for every setting that has
//! joined a network, set up by whoever runs Tandem (`tandem sso trust`), so approved as it is
//! saved. Signing in goes through `single_sign_on` like a setting's provider does; there a
//! person new to Tandem is placed only in the setting whose staff import named them.

use super::now;
use super::single_sign_on::Provider;
use domain::model::Role;
use domain::single_sign_on::{DomainState, Owner, ProviderKind};

/// What the operator sets for a network.
pub struct Saved<'a> {
    pub network_id: i64,
    pub kind: ProviderKind,
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// Sealed for `Owner::Trust(network_id)`.
    pub secret_sealed: &'a str,
    pub domains: &'a [String],
}

struct Row {
    network_id: i64,
    kind: String,
    issuer: String,
    client_id: String,
    secret_sealed: String,
    updated_at: i64,
}

#[engines::both]
mod sql {
    use super::*;

    async fn with_domains(db: &Db, row: Option<Row>) -> Result<Option<Provider>, sqlx::Error> {
        let Some(r) = row else { return Ok(None) };
        let domains = sqlx::query_scalar!(
            r#"SELECT domain AS "domain!" FROM trust_sign_on_domains WHERE network_id = $1 ORDER BY domain"#,
            r.network_id
        )
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|domain| DomainState {
            domain,
            approved: true,
        })
        .collect();
        Ok(Some(Provider {
            owner: Owner::Trust(r.network_id),
            kind: ProviderKind::parse(&r.kind).unwrap_or(ProviderKind::Other),
            issuer: r.issuer,
            client_id: r.client_id,
            secret_sealed: r.secret_sealed,
            domains,
            // Unused: a person new to Tandem takes the role their staff import gave them.
            new_role: Role::Practitioner,
            // A trust's sign-on leaves each setting's password rule as its admin set it.
            password_allowed: true,
            updated_at: r.updated_at,
            issuer_approved: true,
        }))
    }

    pub async fn get(db: &Db, network_id: i64) -> Result<Option<Provider>, sqlx::Error> {
        let row = sqlx::query_as!(
            Row,
            r#"SELECT network_id AS "network_id!", kind, issuer, client_id, secret_sealed, updated_at
               FROM trust_sign_on WHERE network_id = $1"#,
            network_id
        )
        .fetch_optional(db.pool())
        .await?;
        with_domains(db, row).await
    }

    /// The trust's provider that signs in people of an email domain, if a trust has it.
    pub async fn for_domain(db: &Db, domain: &str) -> Result<Option<Provider>, sqlx::Error> {
        let row = sqlx::query_as!(
            Row,
            r#"SELECT t.network_id AS "network_id!", t.kind, t.issuer, t.client_id, t.secret_sealed, t.updated_at
               FROM trust_sign_on_domains d JOIN trust_sign_on t ON t.network_id = d.network_id
               WHERE d.domain = $1"#,
            domain
        )
        .fetch_optional(db.pool())
        .await?;
        with_domains(db, row).await
    }

    /// The trusts' providers that sign in people of a setting (those of the networks it
    /// has joined), with each network's name.
    pub async fn of_setting(
        db: &Db,
        setting_id: i64,
    ) -> Result<Vec<(String, Provider)>, sqlx::Error> {
        let networks = sqlx::query!(
            r#"SELECT t.network_id AS "network_id!", n.name FROM trust_sign_on t
               JOIN networks n ON n.id = t.network_id
               JOIN network_settings ns ON ns.network_id = t.network_id
               WHERE ns.setting_id = $1 AND ns.accepted_at IS NOT NULL ORDER BY n.name"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await?;
        let mut out = Vec::with_capacity(networks.len());
        for n in networks {
            if let Some(p) = get(db, n.network_id).await? {
                out.push((n.name, p));
            }
        }
        Ok(out)
    }

    /// Sets (or replaces) a network's provider and its domains. Err(domain): a setting or
    /// another trust signs in that domain already (nothing saved).
    pub async fn save(db: &Db, p: &Saved<'_>) -> Result<Result<(), String>, sqlx::Error> {
        let (kind, at) = (p.kind.as_str(), now());
        let mut tx = write(db).await?;
        for domain in p.domains {
            let taken = sqlx::query_scalar!(
                r#"SELECT domain AS "domain!" FROM sign_in_domains WHERE domain = $1
                   UNION ALL
                   SELECT domain FROM trust_sign_on_domains WHERE domain = $1 AND network_id <> $2"#,
                domain,
                p.network_id
            )
            .fetch_optional(&mut *tx)
            .await?;
            if taken.is_some() {
                return Ok(Err(domain.clone()));
            }
        }
        sqlx::query!(
            "INSERT INTO trust_sign_on (network_id, kind, issuer, client_id, secret_sealed, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (network_id) DO UPDATE SET kind = $2, issuer = $3, client_id = $4,
               secret_sealed = $5, updated_at = $6",
            p.network_id,
            kind,
            p.issuer,
            p.client_id,
            p.secret_sealed,
            at
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM trust_sign_on_domains WHERE network_id = $1",
            p.network_id
        )
        .execute(&mut *tx)
        .await?;
        for domain in p.domains {
            sqlx::query!(
                "INSERT INTO trust_sign_on_domains (domain, network_id, added_at) VALUES ($1, $2, $3)",
                domain,
                p.network_id,
                at
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Turns a network's sign-on off. Accounts keep their links to school accounts, which work
    /// again if it is set up again with the same issuer.
    pub async fn remove(db: &Db, network_id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query!(
            "DELETE FROM trust_sign_on WHERE network_id = $1",
            network_id
        )
        .write_in_turn(db)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::single_sign_on::{self as sso, Identity, Outcome, Refusal};
    use crate::store::{networks, settings, test_db, Db};
    use domain::model::Sector;

    const ISSUER: &str = "https://login.microsoftonline.com/riverside-trust/v2.0";

    fn who<'a>(subject: &'a str, email: &'a str) -> Identity<'a> {
        Identity {
            issuer: ISSUER,
            subject,
            email,
            name: "Someone",
        }
    }

    /// A staff import's personal invite for `email` in a setting.
    async fn named(db: &Db, setting_id: i64, role: &str, email: &str) {
        let sql = format!(
            "INSERT INTO invites (code, setting_id, role, created_at, expires_at, max_uses, email, display_name)
             VALUES ('T{setting_id}-{email}', $1, '{role}', 1, 4102444800, 1, '{email}', 'Someone')"
        );
        test_db::execute(db, &sql, &[setting_id]).await;
    }

    /// Where the account of `email` is, and its role, sector and whether it has a password.
    async fn account(db: &Db, email: &str) -> Option<String> {
        let sql = format!(
            "SELECT COALESCE((SELECT setting_id || ' ' || role || ' ' || sector FROM users WHERE email = '{email}'), '')"
        );
        Some(test_db::text(db, &sql).await).filter(|a| !a.is_empty())
    }

    /// The Riverside trust (Ash joined, Birch was invited and has not accepted, Cedar is not
    /// in it) with sign-on for riverside.example.
    async fn riverside(db: &Db) -> (i64, [i64; 3], Provider) {
        let trust = networks::create(db, "Riverside").await.unwrap();
        let mut ids = [0; 3];
        for (i, name) in ["Ash", "Birch", "Cedar"].into_iter().enumerate() {
            ids[i] = settings::create(db, name, Sector::EarlyYears)
                .await
                .unwrap();
        }
        networks::invite(db, trust, ids[0]).await.unwrap();
        networks::invite(db, trust, ids[1]).await.unwrap();
        let (_, ash_admin) = test_db::person(db, "admin@ash.test", Role::Admin, Some(ids[0])).await;
        assert!(networks::answer(db, trust, ids[0], Some(ash_admin), true)
            .await
            .unwrap());
        let domains = ["riverside.example".to_string()];
        save(
            db,
            &Saved {
                network_id: trust,
                kind: ProviderKind::Microsoft,
                issuer: ISSUER,
                client_id: "tandem",
                secret_sealed: "v2.x.y",
                domains: &domains,
            },
        )
        .await
        .unwrap()
        .unwrap();
        let provider = get(db, trust).await.unwrap().unwrap();
        (trust, ids, provider)
    }

    #[tokio::test]
    async fn a_newcomer_lands_only_in_the_setting_whose_import_named_them() {
        let db = test_db::fresh().await;
        let (_, [ash, birch, cedar], p) = riverside(&db).await;
        assert!(p.signs_in("Riverside.example") && p.issuer_approved);
        let found = sso::for_domain(&db, "riverside.example").await.unwrap();
        assert_eq!(found.map(|f| f.owner), Some(p.owner));

        // Named by nobody: told to ask, and no account is made.
        let outcome = sso::sign_in(&db, &p, &who("s1", "nobody@riverside.example"))
            .await
            .unwrap();
        assert_eq!(outcome, Err(Refusal::NotPlaced));
        assert_eq!(account(&db, "nobody@riverside.example").await, None);

        // Named by Birch (not a member yet) and Cedar (not in the trust): still not placed.
        for setting in [birch, cedar] {
            named(&db, setting, "senco", "kim@riverside.example").await;
        }
        let kim = who("s2", "kim@riverside.example");
        assert_eq!(
            sso::sign_in(&db, &p, &kim).await.unwrap(),
            Err(Refusal::NotPlaced)
        );

        // Named by Ash, a member: placed there, with the role the import gave, invite spent.
        named(&db, ash, "senco", "KIM@riverside.example").await;
        let Ok(Outcome::Created(id)) = sso::sign_in(&db, &p, &kim).await.unwrap() else {
            panic!("Kim was not placed");
        };
        assert_eq!(
            account(&db, "kim@riverside.example").await,
            Some(format!("{ash} senco early_years")),
            "in Ash, with the role its import gave and its sector"
        );
        let spent = format!("SELECT uses FROM invites WHERE setting_id = {ash}");
        assert_eq!(test_db::number(&db, &spent, &[]).await, 1);
        assert_eq!(
            sso::sign_in(&db, &p, &kim).await.unwrap(),
            Ok(Outcome::Known(id))
        );
    }

    #[tokio::test]
    async fn named_by_two_settings_of_the_trust_is_not_a_guess() {
        let db = test_db::fresh().await;
        let (trust, [ash, birch, _], p) = riverside(&db).await;
        let (_, birch_admin) =
            test_db::person(&db, "admin@birch.test", Role::Admin, Some(birch)).await;
        networks::answer(&db, trust, birch, Some(birch_admin), true)
            .await
            .unwrap();
        for setting in [ash, birch] {
            named(&db, setting, "practitioner", "jo@riverside.example").await;
        }
        assert_eq!(
            sso::sign_in(&db, &p, &who("s3", "jo@riverside.example"))
                .await
                .unwrap(),
            Err(Refusal::NotPlaced)
        );
        assert_eq!(account(&db, "jo@riverside.example").await, None);
    }

    #[tokio::test]
    async fn accounts_outside_the_trust_are_never_signed_in_through_it() {
        let db = test_db::fresh().await;
        let (trust, [ash, _, cedar], p) = riverside(&db).await;
        // Cedar (not in the trust) has an account at the trust's domain.
        test_db::person(
            &db,
            "lee@riverside.example",
            Role::Practitioner,
            Some(cedar),
        )
        .await;
        assert_eq!(
            sso::sign_in(&db, &p, &who("s4", "lee@riverside.example"))
                .await
                .unwrap(),
            Err(Refusal::OtherSetting)
        );
        // Ash's proved account must be proved before it is linked, as for a setting's provider.
        let (_, sam) =
            test_db::person(&db, "sam@riverside.example", Role::Practitioner, Some(ash)).await;
        assert!(matches!(
            sso::sign_in(&db, &p, &who("s5", "sam@riverside.example"))
                .await
                .unwrap(),
            Ok(Outcome::ProveFirst { user_id, .. }) if user_id == sam
        ));
        // A school account linked while Ash was in the trust stops working once Ash leaves.
        let mut tx = crate::store::write(&db).await.unwrap();
        sso::link_in(&mut tx, ISSUER, "s5", sam, "password")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            sso::sign_in(&db, &p, &who("s5", "sam@riverside.example"))
                .await
                .unwrap(),
            Ok(Outcome::Known(sam))
        );
        assert!(networks::answer(&db, trust, ash, None, false)
            .await
            .unwrap());
        assert_eq!(
            sso::sign_in(&db, &p, &who("s5", "sam@riverside.example"))
                .await
                .unwrap(),
            Err(Refusal::OtherSetting)
        );
    }

    #[tokio::test]
    async fn a_domain_signs_in_through_one_provider_only() {
        let db = test_db::fresh().await;
        let (trust, [ash, ..], _) = riverside(&db).await;
        // A setting cannot take the trust's domain...
        let taken = ["riverside.example".to_string()];
        assert_eq!(
            sso::domain_taken(&db, ash, &taken).await.unwrap(),
            Some("riverside.example".into())
        );
        let setting = sso::Saved {
            setting_id: ash,
            kind: ProviderKind::Google,
            issuer: "https://accounts.google.com",
            client_id: "c",
            domains: &taken,
            new_role: Role::Practitioner,
            password_allowed: true,
        };
        assert_eq!(
            sso::save(&db, &setting, Some("v2.a.b"), 1).await.unwrap(),
            Err("riverside.example".into())
        );
        // ...nor another trust, nor the trust a setting's domain.
        let other = networks::create(&db, "Other").await.unwrap();
        let own = ["ash.example".to_string()];
        sso::save(
            &db,
            &sso::Saved {
                domains: &own,
                ..setting
            },
            Some("v2.a.b"),
            1,
        )
        .await
        .unwrap()
        .unwrap();
        for domains in [taken, own] {
            let p = Saved {
                network_id: other,
                kind: ProviderKind::Other,
                issuer: "https://id.other.example",
                client_id: "c",
                secret_sealed: "v2.c.d",
                domains: &domains,
            };
            assert_eq!(save(&db, &p).await.unwrap(), Err(domains[0].clone()));
        }
        assert!(get(&db, other).await.unwrap().is_none(), "nothing saved");
        // The trust itself may save its own domain again; turned off, it signs nobody in.
        assert!(remove(&db, trust).await.unwrap());
        assert!(sso::for_domain(&db, "riverside.example")
            .await
            .unwrap()
            .is_none());
    }
}
