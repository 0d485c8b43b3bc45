//! Middleware on every request: who is asking, where the request came from, and the
//! security headers on every answer.

use crate::problem_page::refusal;
use app::server::{
    cookies::session_token,
    guard::{Viewer, PERSON_HEADER},
    AppState,
};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::error::AppError;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use services::network::foreign_request;
use services::store::sessions::{self, Badges};

/// Resolves the session cookie once per request and stores the viewer in the request's
/// extensions, where `app::server::guard` reads it.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path();
    // Static files and the health check are the same for everyone: no session lookup.
    let wants_viewer = !is_asset(path) && path != "/healthz";
    let token = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|cookies| session_token(cookies, state.secure_cookies));
    let mut viewer = Viewer::default();
    if let (true, Some(token)) = (wants_viewer, token) {
        let badges = if app::server::guard::shows_badges(path) {
            Badges::Read
        } else {
            Badges::Skip
        };
        match sessions::resolve(&state.db, &token, badges).await {
            Ok(me) => {
                viewer = Viewer {
                    session_tag: me.as_ref().map(|_| sessions::tag(&token)),
                    me,
                    token: Some(token),
                }
            }
            Err(error) => {
                tracing::error!(%error, "resolving a session failed");
                return refusal(
                    request.headers(),
                    &state.shell.build,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Tandem is busy",
                    "Tandem cannot reach its database just now. Please try again in a moment.",
                );
            }
        }
    }
    // Pages say whom they were rendered for, so the service worker keeps a person's pages
    // only for that person (see `public/sw.js`).
    let person = viewer
        .me
        .as_ref()
        .zip(viewer.session_tag.as_ref())
        .and_then(|(me, tag)| HeaderValue::from_str(&format!("{} {tag}", me.id)).ok());
    request.extensions_mut().insert(viewer);
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let (true, Some(person)) = (is_page, person) {
        response.headers_mut().insert(PERSON_HEADER, person);
    }
    response
}

/// Refuses state-changing requests that did not come from our own pages (cross-site
/// request forgery, including login CSRF through a cross-site redirect). See
/// `network::foreign_request` for the rule.
pub async fn reject_foreign_origin(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let refused = foreign_request(
        text(header::ORIGIN),
        text(header::REFERER),
        text(header::HeaderName::from_static("sec-fetch-site")),
        text(header::HOST),
        state.public_origin.as_deref(),
    );
    match refused {
        Some(why) => {
            tracing::warn!(
                why,
                origin = text(header::ORIGIN),
                host = text(header::HOST),
                "refused a request from outside Tandem's pages"
            );
            refusal(
                request.headers(),
                &state.shell.build,
                StatusCode::FORBIDDEN,
                "Refused",
                "This request did not come from Tandem's own pages, so Tandem refused it.",
            )
        }
        None => next.run(request).await,
    }
}

fn is_asset(path: &str) -> bool {
    ["/pkg/", "/fonts/", "/icons/"]
        .iter()
        .any(|p| path.starts_with(p))
        || services::shell::is_shell_file(path)
}

/// Headers for every response. Pages set their own Content-Security-Policy (with the
/// nonce of their hydration script); everything else gets a policy that allows nothing
/// to run.
///
/// Caching: an asset asked for under this build's `?v=` never changes, so browsers keep it;
/// any other asset is checked each time. Everything else (pages, server functions,
/// downloads) holds personal data and is never stored, so Back after signing out shows
/// nothing.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let this_build = request.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|p| p == format!("v={}", state.shell.build))
    });
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    // What a browser shows as a page gets the page policy even when the answer does not say
    // it is HTML: the browser then guesses it is, and under the policy that allows nothing
    // a page arrived unstyled with every script blocked.
    let navigation = crate::problem_page::wants_page(request.headers());
    let mut request = request;
    request
        .extensions_mut()
        .insert(app::PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    let policy = match path.as_str() {
        // A service worker runs under its script's policy: it loads its helper script and
        // fetches (and precaches) this site's files, and nothing else.
        "/sw.js" => "default-src 'none'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'".to_string(),
        // The pages the worker shows offline, like a refusal's: our stylesheet, fonts and
        // icon only.
        "/offline.html" | "/signed-out.html" => crate::problem_page::POLICY.to_string(),
        // A page, whatever made it: the policy with this request's nonce, the one its
        // scripts carry (`app::provide_page_nonce`).
        _ if html || navigation => app::page_policy(&nonce),
        _ => "default-src 'none'; frame-ancestors 'none'; base-uri 'none'".to_string(),
    };
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.entry("content-security-policy").or_insert(policy);
    }
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(
        headers,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    let cache = match (is_asset(&path), this_build) {
        (true, true) => "public, max-age=31536000, immutable",
        (true, false) => "no-cache",
        (false, _) => "no-store",
    };
    set(headers, "cache-control", cache);
    if state
        .public_origin
        .as_deref()
        .is_some_and(|o| o.starts_with("https://"))
    {
        // Served over HTTPS: browsers never try plain http for this host again.
        set(headers, "strict-transport-security", "max-age=31536000");
    }
    response
}

/// A server function's refusal leaves Leptos as a 500 carrying the error's words. Its proper
/// status (`AppError::status`) and `Retry-After` are set here: the one place that turns a
/// server function's `AppError` into HTTP (downloads use `downloads::Refused`).
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    // A plain HTML form (no JavaScript) is sent back to its page with the error in the URL,
    // where the page shows it: that redirect must stay a redirect.
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
        || response.status().is_redirection()
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error is a few hundred bytes of JSON; anything unreadable stays a 500.
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(seconds) = error.retry_after() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The most a server function's request may carry (axum's default for a body, which the
/// server functions' extractors apply too).
const API_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Refuses a server function's request that carries the character U+0000 anywhere, raw or
/// escaped (`%00` in a form or the address, `\u0000` in JSON). Nobody types it; PostgreSQL
/// cannot keep it in text (SQLite can), so it is refused here, before any server function,
/// and both engines answer alike: a 400 with words, and nothing changed.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    const REFUSED: &str = "Text cannot contain a null character (U+0000).";
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if has_nul(request.uri().query().unwrap_or_default().as_bytes()) {
        return (StatusCode::BAD_REQUEST, REFUSED).into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, API_BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    };
    if has_nul(&bytes) {
        return (StatusCode::BAD_REQUEST, REFUSED).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
        // JSON's escape, unless its backslash is itself escaped (someone typed `\u0000`).
        || bytes.windows(6).enumerate().any(|(i, w)| {
            w == b"\\u0000" && (i == 0 || bytes[i - 1] != b'\\')
        })
}

#[cfg(test)]
mod nul_tests {
    use super::has_nul;

    #[test]
    fn a_null_character_is_found_raw_or_escaped_and_typed_text_is_not() {
        assert!(has_nul(b"name=a\0b"));
        assert!(has_nul(b"name=a%00b"));
        assert!(has_nul(br#"{"name":"a\u0000b"}"#));
        // What a person could type: a percent sign and zeros, or the escape itself.
        assert!(!has_nul(b"name=100%2500"));
        assert!(!has_nul(br#"{"name":"type \\u0000 here"}"#));
        assert!(!has_nul(b"name=Jo&body=plain+text"));
    }
}
