//! `GET /metrics` for Prometheus, and the per-request counting behind it
//! (`services::metrics` holds the numbers).
//!
//! Off unless `TANDEM_METRICS=true`. On the public port it answers only a scraper that
//! sends `Authorization: Bearer <TANDEM_METRICS_TOKEN>`; without a token it is served only
//! on `TANDEM_METRICS_ADDR`, a separate listener meant for a private address.

use app::server::AppState;
use axum::{
    body::Body,
    extract::{MatchedPath, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

/// Who may read `/metrics` on the public port.
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// The bearer token a scraper must send; None: not served on the public port.
    pub token: Option<String>,
}

/// Counts every request under its route's pattern and status, with its latency. Only on
/// the router when metrics are on (`router::with_metrics`).
pub async fn count(request: Request<Body>, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().as_str().to_owned();
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    services::metrics::request(
        route(matched.as_deref(), &path),
        &method,
        status,
        started.elapsed(),
    );
    response
}

/// The series a request is counted under: its route's pattern, or for server functions
/// (one pattern, `/api/{*name}`) the function's registered path. Never a path a client
/// made up (those are all `unknown`), so nobody can create series.
fn route(matched: Option<&str>, path: &str) -> &'static str {
    match matched {
        Some("/api/{*name}") => crate::router::server_fn_path(path).unwrap_or("/api/unknown"),
        Some(pattern) => label(pattern),
        None if path.starts_with("/pkg/") => "/pkg",
        None => "unknown",
    }
}

/// A matched route's pattern as a label. A pattern is always one of the router's own
/// routes, so there are only ever a few hundred; each is kept once (and past a generous
/// cap, counted as `unknown`, so even a mistake here could not grow memory).
fn label(pattern: &str) -> &'static str {
    static SEEN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut seen) = SEEN.lock() else {
        return "unknown";
    };
    if let Some(known) = seen.iter().find(|p| **p == pattern) {
        return known;
    }
    if seen.len() >= 1000 {
        return "unknown";
    }
    let kept: &'static str = Box::leak(pattern.to_owned().into_boxed_str());
    seen.push(kept);
    kept
}

/// `/metrics` on the public port, behind the token.
pub fn public(access: Access) -> Router<AppState> {
    Router::new().route(
        "/metrics",
        get(move |state: State<AppState>, request: Request<Body>| {
            let access = access.clone();
            async move {
                let sent = request
                    .headers()
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "));
                match (&access.token, sent) {
                    (Some(token), Some(sent)) if same(token.as_bytes(), sent.as_bytes()) => {
                        scrape(state).await.into_response()
                    }
                    (Some(_), _) => (
                        StatusCode::UNAUTHORIZED,
                        [(header::WWW_AUTHENTICATE, "Bearer")],
                        "A metrics token is needed (TANDEM_METRICS_TOKEN).",
                    )
                        .into_response(),
                    (None, _) => StatusCode::NOT_FOUND.into_response(),
                }
            }
        }),
    )
}

/// The separate listener's whole router (`TANDEM_METRICS_ADDR`).
pub fn private(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>) -> impl IntoResponse {
    let text = services::metrics::render(state.db.pool_use());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_named_by_route_never_by_a_made_up_path() {
        assert_eq!(
            route(Some("/modules/{module}"), "/modules/m1"),
            "/modules/{module}"
        );
        assert_eq!(route(Some("/healthz"), "/healthz"), "/healthz");
        assert_eq!(
            route(Some("/api/{*name}"), "/api/log/save"),
            "/api/log/save"
        );
        assert_eq!(
            route(Some("/api/{*name}"), "/api/anything-at-all"),
            "/api/unknown"
        );
        assert_eq!(route(None, "/wp-login.php"), "unknown");
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
    }
}
