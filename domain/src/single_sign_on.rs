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

    /// The account people sign in with: "Microsoft account", "school account".
    pub fn account(self) -> &'static str {
        match self {
            Self::Microsoft => "Microsoft account",
            Self::Google => "Google account",
            Self::Other => "school account",
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

/// Whose single sign-on a provider is: one setting's (its admin sets it up, whoever runs
/// Tandem approves it) or a whole trust's, that is a network of settings (whoever runs
/// Tandem sets it up: `tandem sso trust`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Owner {
    Setting(i64),
    Trust(i64),
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Setting(id) => write!(f, "setting {id}"),
            Owner::Trust(id) => write!(f, "trust {id}"),
        }
    }
}

/// Why signing in with a school account went back to the sign-in page. Only the code
/// travels in the address (`/sign-in?sso=expired`): the page says the words, so nobody can
/// make Tandem show a message of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOnProblem {
    NotSetUp,
    /// Set up, but whoever runs Tandem has not approved the provider or the domain yet.
    Waiting,
    Unavailable,
    Expired,
    Cancelled,
    Failed,
    Unverified,
    WrongDomain,
    Closed,
    OtherSetting,
    /// A trust's sign-on vouched for the person, but no setting of the trust has added them.
    NotPlaced,
}

impl SignOnProblem {
    pub const ALL: [SignOnProblem; 11] = [
        Self::NotSetUp,
        Self::Waiting,
        Self::Unavailable,
        Self::Expired,
        Self::Cancelled,
        Self::Failed,
        Self::Unverified,
        Self::WrongDomain,
        Self::Closed,
        Self::OtherSetting,
        Self::NotPlaced,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NotSetUp => "not-set-up",
            Self::Waiting => "waiting",
            Self::Unavailable => "unavailable",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::Unverified => "unverified",
            Self::WrongDomain => "wrong-domain",
            Self::Closed => "closed",
            Self::OtherSetting => "other-setting",
            Self::NotPlaced => "not-placed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// What the sign-in page says, naming the provider (`ProviderKind::short`).
    pub fn message(self, provider: &str) -> String {
        match self {
            Self::NotSetUp => "Sign-in with a school account is not set up for that email address. Check the address, sign in with your Tandem password, or ask your setting admin.".into(),
            Self::Waiting => "Your setting has set up sign-in with your school account, but whoever runs Tandem has not approved it yet. Sign in with your Tandem password for now, or ask your setting admin.".into(),
            Self::Unavailable => format!("We could not reach {provider} just now, so you are not signed in. Try again in a few minutes. Sign in with your Tandem password if your setting allows it."),
            Self::Expired => "That sign-in had expired or did not start on this device. Start again below.".into(),
            Self::Cancelled => format!("Sign-in was cancelled at {provider}. Start again when you are ready."),
            Self::Unverified => format!("{provider} did not confirm your email address, so you are not signed in. Ask your setting admin."),
            Self::WrongDomain => format!("The account you used at {provider} has an address your setting does not allow. Sign out of it there and use your school account."),
            Self::Closed => "This account has been deactivated. Ask your setting admin to reactivate it.".into(),
            Self::OtherSetting => "That email address already has a Tandem account in another setting. Ask your setting admin to move it.".into(),
            Self::NotPlaced => format!("{provider} confirmed who you are, but none of your trust's settings has added you to Tandem yet, so no account was made. Ask your setting admin to add you (Staff, then Import staff), then sign in again."),
            Self::Failed => format!("{provider} sign-in could not be checked, so you are not signed in. Try again; if it keeps happening, tell your setting admin."),
        }
    }
}

/// One email domain of a setting's sign-on, and whether whoever runs Tandem approved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainState {
    pub domain: String,
    pub approved: bool,
}

/// What the admin sees of a setting's single sign-on (never the secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderView {
    pub kind: ProviderKind,
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<DomainState>,
    /// Whether the operator approved the issuer (always true for Microsoft and Google).
    pub issuer_approved: bool,
    pub new_role: Role,
    pub password_allowed: bool,
    /// The address to register with the provider as the redirect URI.
    pub redirect_uri: String,
    pub updated_at: i64,
}

/// A trust's sign-on that covers a setting, as its admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustSignOnView {
    pub network: String,
    pub kind: ProviderKind,
    pub domains: Vec<String>,
}

/// The issuer URL, checked for the kind of provider: Google's is fixed, Microsoft's is a
/// tenant's own (never the shared `common`, `organizations` or `consumers`), and any other
/// is an https URL (which the operator must approve before anyone signs in through it).
/// No user name or password in it, no query. Plain http only for a provider on this
/// machine, and only when `loopback_http` (a test flag) allows it.
#[cfg(feature = "ssr")]
pub fn issuer(kind: ProviderKind, raw: &str, loopback_http: bool) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err("Enter the issuer URL your provider gives (for Microsoft, https://login.microsoftonline.com/<tenant id>/v2.0).".into());
    }
    let bad = || -> Result<String, String> {
        Err("The issuer URL must start with https:// and have no spaces, user name or query, like https://accounts.google.com.".into())
    };
    if trimmed.len() > 300 || trimmed.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return bad();
    }
    let Ok(url) = url::Url::parse(trimmed) else {
        return bad();
    };
    if endpoint(&url, loopback_http).is_err() {
        return bad();
    }
    let tenant_path = |path: &str| {
        let mut parts = path.trim_matches('/').split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(tenant), Some("v2.0"), None) => {
                !tenant.is_empty()
                    && !["common", "organizations", "consumers"].contains(&tenant)
                    && tenant
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            }
            _ => false,
        }
    };
    match kind {
        ProviderKind::Google if trimmed != "https://accounts.google.com" => {
            Err("Google Workspace's issuer URL is https://accounts.google.com.".into())
        }
        ProviderKind::Microsoft
            if url.scheme() != "https"
                || url.host_str() != Some("login.microsoftonline.com")
                || url.port().is_some()
                || !tenant_path(url.path()) =>
        {
            Err("Microsoft's issuer URL is https://login.microsoftonline.com/<your tenant id>/v2.0, with your school's own tenant id (never common or organizations).".into())
        }
        _ => Ok(trimmed.to_string()),
    }
}

/// Whether Tandem may call this address of a provider (its issuer, or an endpoint its
/// discovery document names): https to a public host, with no user name or password in
/// it; plain http, or a private address, only for a provider on this machine when
/// `loopback_http` (a test flag) allows it.
#[cfg(feature = "ssr")]
pub fn endpoint(url: &url::Url, loopback_http: bool) -> Result<(), &'static str> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err("has a user name or password in it");
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err("has no host"),
    };
    let private = match url.host() {
        Some(url::Host::Ipv4(ip)) => {
            ip.is_private()
                || ip.is_loopback()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1])
        }
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some()
        }
        _ => loopback,
    };
    match (url.scheme(), private) {
        _ if loopback && loopback_http && ["http", "https"].contains(&url.scheme()) => Ok(()),
        ("https", false) => Ok(()),
        ("https", true) => Err("is a private address"),
        _ => Err("is not https"),
    }
}

/// Email providers anyone can sign up to: never a school's domain for sign-on.
const FREE_MAIL: [&str; 16] = [
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "mail.com",
];

fn free_mail(domain: &str) -> bool {
    FREE_MAIL.contains(&domain)
        || domain.starts_with("yahoo.")
        || domain.starts_with("ymail.")
        || domain.starts_with("gmx.")
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
    if let Some(free) = list.iter().find(|d| free_mail(d)) {
        return Err(format!("{free} is an email service anyone can sign up to, so it cannot be a domain for your setting's sign-in. Enter your school's own domain."));
    }
    Ok(list)
}

/// The role people get the first time they sign in (when no personal invite says
/// otherwise). Never admin: everyone at the domain would be one.
pub fn new_role(raw: &str) -> Result<Role, String> {
    match Role::parse(raw.trim()) {
        Some(role @ (Role::Practitioner | Role::Senco)) => Ok(role),
        Some(Role::Admin) => Err("New people cannot be made admins by signing in: everyone at your domain would be one. Choose practitioner or SENCo, and make admins on Staff and invites.".into()),
        None => Err("Choose the role for people signing in for the first time.".into()),
    }
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

    #[cfg(feature = "ssr")]
    #[test]
    fn issuers_are_https_without_user_names_and_fixed_for_google_and_microsoft() {
        let other = |raw: &str| issuer(ProviderKind::Other, raw, false);
        assert_eq!(
            other(" https://idp.example.org/ ").unwrap(),
            "https://idp.example.org"
        );
        assert!(other("http://idp.example.com").is_err());
        assert!(other("https://x.example/?a=b").is_err());
        assert!(other("").is_err());
        // Plain http on this machine only with the test flag, and never with a user name:
        // `http://localhost:@evil.example` is a user name "localhost" at evil.example.
        assert!(other("http://127.0.0.1:4000").is_err());
        assert!(issuer(ProviderKind::Other, "http://127.0.0.1:4000", true).is_ok());
        for tricky in [
            "http://localhost:@evil.example",
            "https://localhost:@evil.example",
            "https://user:pass@idp.example.org",
            "http://127.0.0.1:4000@evil.example",
        ] {
            assert!(
                issuer(ProviderKind::Other, tricky, true).is_err(),
                "{tricky}"
            );
        }
        assert!(other("https://10.0.0.5").is_err(), "a private address");
        assert!(other("https://169.254.169.254").is_err());
        // Google's is fixed; Microsoft's is a tenant's own.
        let google = |raw: &str| issuer(ProviderKind::Google, raw, false);
        assert!(google("https://accounts.google.com/").is_ok());
        assert!(google("https://accounts.google.com.evil.example").is_err());
        assert!(google("https://idp.example.org").is_err());
        let microsoft = |raw: &str| issuer(ProviderKind::Microsoft, raw, false);
        assert!(microsoft(
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
        )
        .is_ok());
        for bad in [
            "https://login.microsoftonline.com/common/v2.0",
            "https://login.microsoftonline.com/organizations/v2.0",
            "https://login.microsoftonline.com.evil.example/abc/v2.0",
            "https://evil.example/72f988bf/v2.0",
            "https://login.microsoftonline.com:8443/abc/v2.0",
        ] {
            assert!(microsoft(bad).is_err(), "{bad}");
        }
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
        // A LIKE pattern is not a domain.
        assert!(domains("%.%").is_err());
        assert!(domains("oak_field.example").is_err());
        // Free mail is nobody's school.
        for free in [
            "gmail.com",
            "outlook.com",
            "hotmail.com",
            "icloud.com",
            "yahoo.co.uk",
        ] {
            let refused = domains(&format!("oakfield.example, {free}")).unwrap_err();
            assert!(refused.contains(free), "{refused}");
        }
        assert_eq!(
            domain_of("Sam@Oakfield.SCH.uk").as_deref(),
            Some("oakfield.sch.uk")
        );
    }

    #[test]
    fn problems_travel_as_codes_and_every_code_has_words() {
        for p in SignOnProblem::ALL {
            assert_eq!(SignOnProblem::parse(p.code()), Some(p));
            assert!(p.message("Microsoft").len() > 20);
        }
        assert_eq!(
            SignOnProblem::parse("Your account is locked. Call 0800"),
            None
        );
    }

    #[test]
    fn a_saved_secret_is_kept_when_left_empty() {
        assert_eq!(client_secret("", true), Ok(None));
        assert!(client_secret(" ", false).is_err());
        assert_eq!(client_secret(" s3cret ", true), Ok(Some("s3cret".into())));
    }
}
