//! Middleware on every request: who is asking, where the request came from, and the
//! security headers on every answer.

use app::server::{cookies::session_token, guard::Viewer, AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Resolves the session cookie once per request and stores the viewer in the request's
/// extensions, where `app::server::guard` reads it.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let wants_viewer = !path.starts_with("/pkg/") && path != "/healthz";
    let token = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(session_token);
    let mut viewer = Viewer::default();
    if let (true, Some(token)) = (wants_viewer, token) {
        match app::store::sessions::resolve(&state.db, &token).await {
            Ok(me) => {
                viewer = Viewer {
                    me,
                    token: Some(token),
                }
            }
            Err(error) => {
                tracing::error!(%error, "resolving a session failed");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Tandem cannot reach its database just now. Please try again in a moment.",
                )
                    .into_response();
            }
        }
    }
    request.extensions_mut().insert(viewer);
    next.run(request).await
}

/// Refuses state-changing requests that a page on another site made the browser send
/// (cross-site request forgery). Browsers always send Origin on such requests; when it is
/// missing, Referer is checked instead.
pub async fn reject_foreign_origin(request: Request<Body>, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null");
    match (source, host) {
        (Some(source), Some(host)) if host_of(source) != Some(host) => {
            tracing::warn!(source, host, "refused a cross-site request");
            (
                StatusCode::FORBIDDEN,
                "This request came from another website, so Tandem refused it.",
            )
                .into_response()
        }
        _ => next.run(request).await,
    }
}

/// `https://host:port/path` → `host:port`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Headers for every response. Pages set their own Content-Security-Policy (with the
/// nonce of their hydration script); everything else gets a policy that allows nothing
/// to run.
pub async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let is_pkg = request.uri().path().starts_with("/pkg/");
    let is_worker = request.uri().path() == "/sw.js";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        // A service worker runs under its script's policy: it must be able to fetch (and
        // precache) this site's files, and nothing else.
        if is_worker {
            "default-src 'none'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
        } else {
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
        },
    );
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(
        headers,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if is_pkg {
        // Asset names do not change between builds: revalidate, then use the cached copy.
        set(headers, "cache-control", "no-cache");
    } else {
        // Pages hold personal data: never keep them in shared caches.
        set(headers, "cache-control", "private, no-cache");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_are_read_from_origins_and_referers() {
        assert_eq!(host_of("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(
            host_of("https://tandem.school.uk/profile?x=1"),
            Some("tandem.school.uk")
        );
        assert_eq!(host_of("nonsense"), None);
    }
}
