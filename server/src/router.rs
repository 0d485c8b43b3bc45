//! The HTTP surface: pages (server-rendered, then hydrated), server functions, static
//! files, `/healthz`, and the middleware every response passes through.

use crate::middleware;
use app::server::AppState;
use app::{shell, App};
use axum::{
    body::Body,
    extract::{Request, State},
    http::StatusCode,
    response::IntoResponse,
    routing::get,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

pub fn router(state: AppState) -> Router {
    with_metrics(state, None)
}

/// `router`, counting requests when `metrics` is given (`TANDEM_METRICS=true`; see
/// `crate::metrics`), and serving `/metrics` on this port too when it has a token.
pub fn with_metrics(state: AppState, metrics: Option<crate::metrics::Access>) -> Router {
    if metrics.is_some() {
        services::metrics::enable();
    }
    let counting = metrics.is_some();
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::provide_page_nonce();
        }
    };

    // The app shell's files that carry the build id, served from memory (the rest of the
    // shell is in the site root, under `/pkg` or by the fallback).
    let templated = services::shell::FILES
        .iter()
        .filter(|(_, kind)| matches!(kind, services::shell::Kind::Templated(_)))
        .fold(Router::new(), |r, (path, _)| r.route(path, get(shell_file)));
    let router = Router::new()
        .route("/healthz", get(healthz))
        .merge(templated)
        .merge(downloads())
        .merge(crate::sso::routes())
        .merge(crate::staff_import::routes())
        .merge(metrics.map(crate::metrics::public).unwrap_or_default())
        .route("/api/{*name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        // Built assets, precompressed at build time.
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        // Outside the routes: Leptos registers each server function's own route.
        .layer(axum::middleware::from_fn(middleware::refuse_nul));
    // Counted only with metrics on: otherwise nothing about requests is kept at all.
    let router = if counting {
        router.layer(axum::middleware::from_fn(crate::metrics::count))
    } else {
        router
    };
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::reject_foreign_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        // Pages and JSON are compressed as they are sent, and that costs CPU and memory on
        // every request. Measured on a section page at 32 clients (`make bench`): Brotli at
        // quality 4 gave 1,030 pages/s and 47 MB; at quality 1, 1,760/s and 28 MB for
        // 1.9 KB more. Gzip at level 1 is weak (22 KB against 12.5 KB at level 4), so a
        // browser that does not take Brotli (Chrome over plain HTTP) gets gzip at level 4
        // from the second layer, which skips what the first (Brotli) already encoded.
        // Static assets are precompressed at build time at full quality.
        .layer(
            CompressionLayer::new()
                .gzip(false)
                .quality(CompressionLevel::Precise(1)),
        )
        .layer(
            CompressionLayer::new()
                .br(false)
                .quality(CompressionLevel::Precise(4)),
        )
        // One log line per request at info, under an id the answer carries too
        // (`x-request-id`, or the one a proxy in front already set), so a person's report
        // of a failure can be found in the log. The path only: queries can hold searches.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Files made for the person asking: their own data, and a SENCo's downloads.
fn downloads() -> Router<AppState> {
    use crate::downloads;
    Router::new()
        .route("/log/export.json", get(downloads::json))
        .route("/log/export.csv", get(downloads::csv_download))
        .route("/log/learning-log.pdf", get(downloads::pdf_download))
        .route("/log/certificate.pdf", get(downloads::certificate_download))
        .route("/plan/summary.pdf", get(downloads::plan_summary_download))
        .route("/staff/progress.csv", get(downloads::progress_download))
        .route(
            "/staff/{id}/evidence.pdf",
            get(downloads::evidence_download),
        )
        .route_layer(axum::middleware::from_fn(downloads::sign_in_first))
}

/// Every server function's path (`/api/log/save`), as registered at startup.
static SERVER_FNS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect()
    });

/// `path` as a registered server function's path, if it is one.
pub fn server_fn_path(path: &str) -> Option<&'static str> {
    SERVER_FNS.get(path).copied()
}

/// A server function; any other path under `/api/` is not found (Leptos would answer 400).
async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    if server_fn_path(request.uri().path()).is_none() {
        return (StatusCode::NOT_FOUND, "There is nothing at this address.").into_response();
    }
    handle_server_fns_with_context(move || provide_context(state.clone()), request)
        .await
        .into_response()
}

/// The files that carry the build id (the service worker, the offline layer, the offline
/// pages), filled in at startup.
async fn shell_file(State(state): State<AppState>, uri: axum::http::Uri) -> impl IntoResponse {
    match state.shell.file(uri.path()) {
        Some((content_type, bytes)) => {
            ([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// For load balancers and uptime checks: answers 200 only when the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match services::store::ping(&state.db).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
