//! Server-only glue between the server functions and the rest of the server: the shared
//! state, who is asking, and the session cookie.

pub mod cookies;
pub mod guard;

use domain::error::AppError;
use leptos::prelude::*;
use services::store::Db;

/// What every request handler can reach. Provided to Leptos as context by the server crate.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    /// Mark cookies `Secure` and name the session cookie `__Host-…` (Tandem is served over
    /// HTTPS).
    pub secure_cookies: bool,
    /// `TANDEM_PUBLIC_URL`'s origin (`https://tandem.school.uk`), when it is set: requests
    /// that change anything must come from it.
    pub public_origin: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TANDEM_TRUSTED_PROXIES`).
    pub trusted_proxies: std::sync::Arc<[services::network::Cidr]>,
    /// The course, loaded and validated once at startup.
    pub course: std::sync::Arc<domain::content::Course>,
    /// The built app shell and its build id.
    pub shell: std::sync::Arc<services::shell::Shell>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

pub fn db() -> Result<Db, AppError> {
    Ok(state()?.db)
}

/// The address the request came from, for rate limiting: the peer's, or behind a trusted
/// proxy the client's (see `services::network::client_ip`).
pub fn client_address() -> String {
    let trusted = state()
        .map(|s| s.trusted_proxies)
        .unwrap_or_else(|_| [].into());
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            let peer = parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?
                .0
                .ip();
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok());
            Some(services::network::client_ip(peer, forwarded, &trusted).to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

pub fn course() -> Result<std::sync::Arc<domain::content::Course>, AppError> {
    Ok(state()?.course)
}
