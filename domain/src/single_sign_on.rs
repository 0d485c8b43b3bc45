//! Single sign-on with a school's Microsoft Entra ID or Google Workspace (OpenID Connect):
//! what an admin sets, and the checks on it.

use crate::model::Role;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderKind {
    Microsoft,
    Google,
    Other,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [Self::Microsoft, Self::Google, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Microsoft => "microsoft",
            Self::Google => "google",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Microsoft => "Microsoft 365 (Entra ID)",
            Self::Google => "Google Workspace",
            Self::Other => "Another OpenID Connect provider",
        }
    }

    /// What people see on the sign-in button and in messages.
    pub fn short(self) -> &'static str {
        match self {
            Self::Microsoft => "Microsoft",
            Self::Google => "Google",
            Self::Other => "your school's sign-in",
        }
    }
}

/// What the admin sees of a setting's single sign-on (never the secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderView {
    pub kind: ProviderKind,
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<String>,
    pub new_role: Role,
    pub password_allowed: bool,
    /// The address to register with the provider as the redirect URI.
    pub redirect_uri: String,
    pub updated_at: i64,
}

/// The issuer URL: https (http only for a provider on this machine, as in tests), no query.
pub fn issuer(raw: &str) -> Result<String, String> {
    let url = raw.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err("Enter the issuer URL your provider gives (for Microsoft, https://login.microsoftonline.com/<tenant id>/v2.0).".into());
    }
    let local = ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .any(|p| url.starts_with(p));
    if url.len() > 300
        || !(url.starts_with("https://") || local)
        || url.contains(['?', '#', ' ', '"', '<', '>'])
    {
        return Err("The issuer URL must start with https:// and have no spaces or query, like https://accounts.google.com.".into());
    }
    Ok(url.to_string())
}

/// The allowed email domains, from a list separated by commas, spaces or new lines.
pub fn domains(raw: &str) -> Result<Vec<String>, String> {
    let mut list: Vec<String> = raw
        .split([',', ' ', '\n', '\r', ';'])
        .map(|d| d.trim().trim_start_matches('@').to_lowercase())
        .filter(|d| !d.is_empty())
        .collect();
    list.sort();
    list.dedup();
    if list.is_empty() {
        return Err("Enter at least one email domain, like oakfield.sch.uk.".into());
    }
    if list.len() > 20 {
        return Err("Enter at most 20 email domains.".into());
    }
    if let Some(bad) = list.iter().find(|d| {
        d.len() > 100
            || !d.contains('.')
            || d.starts_with('.')
            || d.ends_with('.')
            || !d
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    }) {
        // Named only when short: a message never carries back whatever was pasted.
        let named = if bad.chars().count() <= 60 {
            format!("“{bad}” is")
        } else {
            "One of these is".into()
        };
        return Err(format!("{named} not an email domain. Enter domains like oakfield.sch.uk, without the part before the @."));
    }
    Ok(list)
}

pub fn client_id(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 200 || id.chars().any(char::is_whitespace) {
        return Err(
            "Enter the client ID (application ID) your provider gave, without spaces.".into(),
        );
    }
    Ok(id.to_string())
}

/// The secret: required the first time, kept when left empty afterwards.
pub fn client_secret(raw: &str, have_one: bool) -> Result<Option<String>, String> {
    let secret = raw.trim();
    match (secret.is_empty(), have_one) {
        (true, true) => Ok(None),
        (true, false) => Err("Enter the client secret your provider gave.".into()),
        (false, _) if secret.len() > 500 => {
            Err("The client secret is too long (500 characters at most).".into())
        }
        (false, _) => Ok(Some(secret.to_string())),
    }
}

/// The domain of an email address (lower case), if it has one.
pub fn domain_of(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_lowercase())
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_except_on_this_machine() {
        assert_eq!(
            issuer(" https://accounts.google.com/ ").unwrap(),
            "https://accounts.google.com"
        );
        assert!(issuer("http://idp.example.com").is_err());
        assert!(issuer("http://127.0.0.1:4000").is_ok());
        assert!(issuer("https://x.example/?a=b").is_err());
        assert!(issuer("").is_err());
    }

    #[test]
    fn domains_are_cleaned_and_checked() {
        assert_eq!(
            domains("@Oakfield.sch.uk, staff.oakfield.sch.uk oakfield.sch.uk").unwrap(),
            vec!["oakfield.sch.uk", "staff.oakfield.sch.uk"]
        );
        assert!(domains("").is_err());
        assert!(domains("localhost").is_err());
        assert!(domains("evil<script>.com").is_err());
        assert_eq!(
            domain_of("Sam@Oakfield.SCH.uk").as_deref(),
            Some("oakfield.sch.uk")
        );
    }

    #[test]
    fn a_saved_secret_is_kept_when_left_empty() {
        assert_eq!(client_secret("", true), Ok(None));
        assert!(client_secret(" ", false).is_err());
        assert_eq!(client_secret(" s3cret ", true), Ok(Some("s3cret".into())));
    }
}
