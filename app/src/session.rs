//! The signed-in person as the pages see them, the same on the server and in the browser.
//!
//! The server writes the person into the page as JSON (see `shell`); the browser reads it
//! back before hydrating, so both render the same header without an extra request.

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

/// A day as the person reading sees it, in their setting's time zone: "22 November 2026".
pub fn local_date(unix: i64) -> String {
    use_me().with_untracked(|me| match me {
        Some(me) => me.zone.date(unix),
        None => domain::zone::Zone::default().date(unix),
    })
}

/// The person the page was rendered for.
pub fn initial_me() -> Option<Me> {
    #[cfg(feature = "ssr")]
    {
        crate::server::guard::current_user()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .get_element_by_id(ME_SCRIPT_ID)
            .and_then(|el| el.text_content())
            .and_then(|json| serde_json::from_str(&json).ok())
            .flatten()
    }
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

/// Applies reading preferences to the page at once, without a reload.
pub fn apply_preferences(prefs: &domain::model::Preferences) {
    #[cfg(feature = "hydrate")]
    if let Some(root) = document().document_element() {
        root.set_class_name(&prefs.html_classes());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = prefs;
}

/// A fresh id for one change the person makes (a progress event, a save), so the server
/// can apply it once however often it is sent.
pub fn new_op_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
