//! The signed-in person as the pages see them (on the server, where pages are rendered), and
//! small helpers the islands share. The server also writes the person into the page as JSON
//! (see `shell`), where `public/offline.js` reads whose page it is.

use domain::model::Me;
use leptos::prelude::*;

pub const ME_SCRIPT_ID: &str = "tandem-me";

#[derive(Clone, Copy)]
pub struct CurrentUser(pub RwSignal<Option<Me>>);

pub fn use_me() -> RwSignal<Option<Me>> {
    use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| RwSignal::new(None))
}

/// The id of the person the page is rendered for (0 for nobody): for islands, which carry it.
pub fn user_id() -> i64 {
    use_me().with_untracked(|m| m.as_ref().map_or(0, |m| m.id))
}

/// A day as the person reading sees it, in their setting's time zone: "22 November 2026".
pub fn local_date(unix: i64) -> String {
    use_me().with_untracked(|me| match me {
        Some(me) => me.zone.date(unix),
        None => domain::zone::Zone::default().date(unix),
    })
}

/// The person the page is rendered for.
#[cfg(feature = "ssr")]
pub fn initial_me() -> Option<Me> {
    crate::server::guard::current_user()
}

/// JSON for the page, safe inside a `<script>` element.
pub fn me_json(me: &Option<Me>) -> String {
    serde_json::to_string(me)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
}

/// A full page load: used after signing in or out so that everything (header, reading
/// preferences on `<html>`) is rendered afresh for the new person.
pub fn hard_navigate(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// A fresh id for one change the person makes (a progress event, a save), so the server
/// can apply it once however often it is sent.
pub fn new_op_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
