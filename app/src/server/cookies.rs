//! The session cookie: HttpOnly (no script can read it), SameSite=Lax, and over HTTPS Secure
//! and named `__Host-…` (so no other site of the domain can set or widen it).

use super::state;
use http::header::{HeaderValue, SET_COOKIE};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub const SESSION_COOKIE: &str = "tandem_session";
/// Over HTTPS: browsers only accept it Secure, for the whole site, from this host alone.
pub const SECURE_SESSION_COOKIE: &str = "__Host-tandem_session";

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The Set-Cookie value for a session (or its end, with `max_age` 0).
fn header_value(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The Set-Cookie value that starts a session, for answers made outside a server function
/// (single sign-on's callback).
pub fn session_header(token: &str, secure: bool) -> String {
    header_value(token, services::store::sessions::SESSION_TTL_SECS, secure)
}

fn set(value: &str, max_age: i64) {
    let secure = state().map(|s| s.secure_cookies).unwrap_or(true);
    let cookie = header_value(value, max_age, secure);
    if let (Some(response), Ok(header)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(SET_COOKIE, header);
    }
}

pub fn set_session(token: &str) {
    set(token, services::store::sessions::SESSION_TTL_SECS);
}

pub fn clear_session() {
    set("", 0);
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
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie_name(secure))
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
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
}
