//! Server functions: the browser's way in. Each is short: who is asking (`require`),
//! validate, call the store, map the outcome. Endpoints are fixed so that a page from an
//! older build still reaches them.

pub mod admin;
pub mod auth;
pub mod course;
pub mod guide;
pub mod log;
pub mod profile;
pub mod review;
pub mod staff;

/// Where to go after signing in: only paths on this site, never another host.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A plain HTML form post (the page's wasm had not loaded yet) wants a redirect; the
/// hydrated app navigates by itself.
#[cfg(feature = "ssr")]
pub(crate) fn redirect_plain_form(path: &str) {
    use leptos::prelude::use_context;
    let plain = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if plain {
        leptos_axum::redirect(path);
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/profile")), "/profile");
        assert_eq!(safe_next(Some("//evil.example/x")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
