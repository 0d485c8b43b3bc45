//! Server-only glue between the server functions and the rest of the server: the shared
//! state, who is asking, passwords and cookies.

pub mod cookies;
pub mod guard;
pub mod password;
pub mod shell;

use crate::error::AppError;
use crate::store::Db;
use leptos::prelude::*;

/// What every request handler can reach. Provided to Leptos as context by the server crate.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    /// Mark cookies `Secure` (set when Tandem is served over HTTPS).
    pub secure_cookies: bool,
    /// The course, loaded and validated once at startup.
    pub course: std::sync::Arc<crate::content::Course>,
    /// The built app shell and its build id.
    pub shell: std::sync::Arc<shell::Shell>,
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

/// The address the request came from, for rate limiting.
pub fn client_address() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

pub fn course() -> Result<std::sync::Arc<crate::content::Course>, AppError> {
    Ok(state()?.course)
}
