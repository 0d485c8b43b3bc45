//! The Tandem server: configuration, the HTTP router and its middleware, and the
//! command-line operations an IT lead runs without the UI.

pub mod cli;
pub mod demo;
pub mod middleware;
pub mod router;

use app::server::AppState;
use leptos::prelude::LeptosOptions;

/// Opens and migrates the database and builds the shared state.
pub async fn prepare(database_url: &str, site_root: &str, secure_cookies: bool) -> anyhow::Result<AppState> {
    ensure_parent_dir(database_url)?;
    let db = app::store::connect(database_url).await?;
    app::store::migrate(&db).await?;
    Ok(AppState { db, leptos_options: leptos_options(site_root), secure_cookies })
}

/// Leptos' options, set here rather than read from Cargo.toml, so the binary runs the same
/// whether built by cargo-leptos or by the Makefile.
pub fn leptos_options(site_root: &str) -> LeptosOptions {
    LeptosOptions::builder().output_name("tandem").site_root(site_root).site_pkg_dir("pkg").build()
}

/// `sqlite://data/tandem.db` needs `data/` to exist before SQLite can create the file.
fn ensure_parent_dir(database_url: &str) -> anyhow::Result<()> {
    let path = database_url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    Ok(())
}
