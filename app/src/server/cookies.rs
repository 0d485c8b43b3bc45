//! Tandem's cookies (`Jar`): HttpOnly (no script can read them), SameSite=Lax, and over
//! HTTPS Secure and named `__Host-…` (so no other site of the domain can set or widen them).

use super::state;
use http::header::{HeaderValue, SET_COOKIE};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// Tandem's cookies. Each is HttpOnly, SameSite=Lax and for the whole site; over HTTPS it is
/// also Secure and named `__Host-…`, which browsers accept only from this host, Secure and
/// for the whole site (so no other site of the school's domain can set or widen it), and
/// only that name is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jar {
    /// The session.
    Session,
    /// A proof in progress that someone owns an address or an account
    /// (`services::store::proofs`).
    Proof,
    /// The state of a single sign-on in flight (server/src/sso.rs).
    SignOn,
}

impl Jar {
    pub fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Jar::Session, false) => "tandem_session",
            (Jar::Session, true) => "__Host-tandem_session",
            (Jar::Proof, false) => "tandem_proof",
            (Jar::Proof, true) => "__Host-tandem_proof",
            (Jar::SignOn, false) => "tandem_sso",
            (Jar::SignOn, true) => "__Host-tandem_sso",
        }
    }

    /// The Set-Cookie value (an end to the cookie with `max_age` 0).
    pub fn header(self, value: &str, max_age: i64, secure: bool) -> String {
        format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
            self.name(secure),
            if secure { "; Secure" } else { "" }
        )
    }

    /// The cookie's value in a Cookie header, if it is there and not empty.
    pub fn read(self, cookie_header: &str, secure: bool) -> Option<String> {
        cookie_header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.name(secure))
            .map(|(_, value)| value.to_string())
            .filter(|v| !v.is_empty())
    }

    /// Sets (or with `max_age` 0 ends) the cookie on a server function's answer.
    pub fn set(self, value: &str, max_age: i64) {
        let secure = state().map(|s| s.secure_cookies).unwrap_or(true);
        let cookie = self.header(value, max_age, secure);
        if let (Some(response), Ok(header)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            response.append_header(SET_COOKIE, header);
        }
    }

    /// The cookie as the request to a server function sent it.
    pub fn from_request(self) -> Option<String> {
        let secure = state().map(|s| s.secure_cookies).unwrap_or(true);
        use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|c| self.read(c, secure))
        })
    }
}

pub fn cookie_name(secure: bool) -> &'static str {
    Jar::Session.name(secure)
}

/// The Set-Cookie value that starts a session, for answers made outside a server function
/// (single sign-on's callback).
pub fn session_header(token: &str, secure: bool) -> String {
    Jar::Session.header(token, services::store::sessions::SESSION_TTL_SECS, secure)
}

pub fn set_session(token: &str) {
    Jar::Session.set(token, services::store::sessions::SESSION_TTL_SECS);
}

pub fn clear_session() {
    Jar::Session.set("", 0);
}

/// Asks the browser to drop what it cached from this site.
pub fn clear_site_cache() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            HeaderValue::from_static("\"cache\""),
        );
    }
}

/// Reads the session token from a Cookie header.
pub fn session_token(cookie_header: &str, secure: bool) -> Option<String> {
    Jar::Session.read(cookie_header, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        assert_eq!(
            session_token("a=1; tandem_session=abc; b=2", false),
            Some("abc".into())
        );
        assert_eq!(session_token("tandem_session=", false), None);
        assert_eq!(session_token("other=1", false), None);
        // Over HTTPS only the __Host- cookie counts: a plain one may have been planted by
        // another site of the domain.
        assert_eq!(session_token("tandem_session=abc", true), None);
        assert_eq!(
            session_token("tandem_session=x; __Host-tandem_session=abc", true),
            Some("abc".into())
        );
    }

    #[test]
    fn every_cookie_is_host_only_over_https() {
        for jar in [Jar::Session, Jar::Proof, Jar::SignOn] {
            let secure = jar.header("v", 60, true);
            assert!(secure.starts_with("__Host-"), "{secure}");
            assert!(
                secure.contains("; Path=/;") && secure.ends_with("; Secure"),
                "{secure}"
            );
            assert!(!secure.contains("Domain"), "{secure}");
            let plain = jar.header("v", 60, false);
            assert!(
                !plain.starts_with("__Host-") && !plain.contains("Secure"),
                "{plain}"
            );
        }
    }
}
