//! Server functions: the browser's way in. Each is short: who is asking (`require`),
//! validate, call the store, map the outcome. Endpoints are fixed so that a page from an
//! older build still reaches them.

pub mod admin;
pub mod auth;
pub mod check_in;
pub mod community;
pub mod community_sessions;
pub mod course;
pub mod data_protection;
pub mod guide;
pub mod learning_log;
pub mod password_reset;
pub mod plan;
pub mod profile;
pub mod proof;
pub mod proposals;
pub mod review;
pub mod review_piece;
pub mod single_sign_on;
pub mod staff;
pub mod staff_import;

/// Where to go after signing in: a path on this site, never another host. Browsers strip
/// tabs and newlines from URLs and read `\\` as `/`, and the path is decoded before it is
/// followed, so the decoded form is checked too (`/%09/evil.example` is `//evil.example`).
pub fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next.map(str::trim) else {
        return "/".into();
    };
    let decoded = percent_decode(path);
    let plain = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if plain(path) && decoded.as_deref().is_some_and(plain) && path.len() <= 2000 {
        path.to_string()
    } else {
        "/".into()
    }
}

/// `%2F` → `/`; None when the escapes are not valid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A plain HTML form post (the page's wasm had not loaded yet) wants a redirect; the
/// hydrated app navigates by itself.
#[cfg(feature = "ssr")]
pub(crate) fn redirect_plain_form(path: &str) {
    if plain_form() {
        leptos_axum::redirect(path);
    }
}

/// A plain HTML form that failed goes back to `page` with the error (as Leptos' own form
/// redirect does) and with what the person typed in `keep`, so that nothing has to be
/// typed again. Never pass a password.
#[cfg(feature = "ssr")]
pub(crate) fn plain_form_error<S: leptos::server_fn::ServerFn>(
    page: &str,
    keep: &[(&str, &str)],
    error: &domain::error::AppError,
) {
    use crate::pages::urlencode;
    use leptos::prelude::use_context;
    use leptos::server_fn::error::ServerFnUrlError;
    if !plain_form() {
        return;
    }
    let query: Vec<String> = keep
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    let base = format!("http://tandem.invalid{page}?{}", query.join("&"));
    let Ok(url) = ServerFnUrlError::new(S::PATH, error.clone()).to_url(&base) else {
        return;
    };
    let location = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&location),
    ) {
        response.insert_header(http::header::LOCATION, value);
    }
}

/// A new id for a form that writes (its `op`), made with each page: a write sent again with
/// it (its answer lost, the form sent twice) is done once (`services::store::outcomes`).
pub fn new_form_op() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A form's id as sent: None when the form has none (a page from before forms had one);
/// refused when it is not an id.
#[cfg(feature = "ssr")]
pub(crate) fn form_op(op: &str) -> Result<Option<&str>, domain::error::AppError> {
    match op.trim() {
        "" => Ok(None),
        op if course::valid_op_id(op) => Ok(Some(op)),
        _ => Err(form_used()),
    }
}

/// The answer to a form whose id is not one, or was used for another write.
#[cfg(feature = "ssr")]
pub(crate) fn form_used() -> domain::error::AppError {
    domain::error::AppError::invalid(
        "op",
        "This form is out of date: reload the page and send it again. What you typed is kept.",
    )
}

/// A plain form's answer, in one place: done, it goes on to `done`; refused, it goes back
/// to `page` with the error and what was typed (`keep`). The app itself needs neither.
#[cfg(feature = "ssr")]
pub(crate) fn answer_plain_form<S: leptos::server_fn::ServerFn>(
    outcome: &Result<(), domain::error::AppError>,
    done: &str,
    page: &str,
    keep: &[(&str, &str)],
) {
    match outcome {
        Ok(()) => redirect_plain_form(done),
        Err(error) => plain_form_error::<S>(page, keep, error),
    }
}

/// Whether the request is a plain HTML form post (it accepts HTML; the app asks for JSON).
#[cfg(feature = "ssr")]
fn plain_form() -> bool {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
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
        assert_eq!(safe_next(Some("/modules/m1?x=%2Fy")), "/modules/m1?x=%2Fy");
        // Tabs, newlines and encoded slashes that turn into another host once decoded.
        for hostile in [
            "/%09/evil.example",
            "/\t/evil.example",
            "/%0a/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%2f%2fevil",
            "/%ff",
            "/a\u{7f}b",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
    }
}
