//! Demo data for trying Tandem out: one setting with an admin, a SENCo and two
//! practitioners in different sectors.

use domain::model::{Role, Sector};
use services::password;
use services::store::{settings, users, Db};

pub const DEMO_PASSWORD: &str = "tandem-demo-2026";
pub const SETTING_NAME: &str = "Oakfield Primary School and Nursery";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub sector: Sector,
}

pub const ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        email: "admin@oakfield.example",
        name: "Alex Morgan",
        role: Role::Admin,
        sector: Sector::SchoolAge,
    },
    DemoAccount {
        email: "senco@oakfield.example",
        name: "Priya Shah",
        role: Role::Senco,
        sector: Sector::SchoolAge,
    },
    DemoAccount {
        email: "sam@oakfield.example",
        name: "Sam Taylor",
        role: Role::Practitioner,
        sector: Sector::SchoolAge,
    },
    DemoAccount {
        email: "ella@oakfield.example",
        name: "Ella Hughes",
        role: Role::Practitioner,
        sector: Sector::EarlyYears,
    },
];

/// Seeds the demo when the database has no settings; returns false (and changes nothing)
/// otherwise, so real data is never mixed with demo accounts.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<bool> {
    if settings::count(db).await? > 0 {
        return Ok(false);
    }
    let setting_id = settings::create(db, SETTING_NAME, Sector::SchoolAge).await?;
    let hash = password::hash(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for account in &ACCOUNTS {
        let user = users::NewUser {
            email: account.email,
            display_name: account.name,
            password_hash: &hash,
            role: account.role,
            setting_id,
            sector: account.sector,
        };
        users::create(db, &user)
            .await
            .map_err(|e| anyhow::anyhow!("creating {}: {e:?}", account.email))?;
    }
    Ok(true)
}

pub fn sign_in_instructions(addr: &str) -> String {
    let mut text = format!("\nDemo data is ready. Open http://{addr} and sign in with any of these (password: {DEMO_PASSWORD}):\n");
    for a in &ACCOUNTS {
        text.push_str(&format!(
            "  {:<24} {} ({}, {})\n",
            a.email,
            a.name,
            a.role.label(),
            a.sector.label()
        ));
    }
    text
}
