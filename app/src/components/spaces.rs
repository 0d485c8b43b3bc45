//! Pieces the community's pages share: the tabs of a person's spaces, and a post's text.

use crate::api::community::SpaceLink;
use leptos::prelude::*;

/// A text as paragraphs, split at blank lines.
pub fn paragraphs(text: &str) -> impl IntoView {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| view! { <p class="post-text">{p.to_string()}</p> })
        .collect_view()
}

/// The tabs of the spaces a person can open.
#[component]
pub fn SpaceTabs(spaces: Vec<SpaceLink>, current: String, base: &'static str) -> impl IntoView {
    view! {
        <nav aria-label="Spaces" class="space-tabs">
            <ul>
                {spaces.into_iter().map(|s| {
                    let here = (s.param == current).then_some("page");
                    view! { <li><a href=format!("{base}?space={}", s.param) aria-current=here>{s.name}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}
