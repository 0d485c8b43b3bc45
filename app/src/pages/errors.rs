use crate::components::set_status;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found"/>
        <h1 class="page-title">"Page not found"</h1>
        <p class="lead">"If you typed the web address, check it is correct. If you followed a link, it may be out of date."</p>
        <p><a href="/">"Go to your home page"</a></p>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(403);
    view! {
        <Title text="You cannot see this page"/>
        <h1 class="page-title">"You cannot see this page"</h1>
        <p class="lead">"This page is for a different role in your setting. If you think you should have access, ask your setting admin."</p>
        <p><a href="/">"Go to your home page"</a></p>
    }
}

/// Shown when something failed on our side. It never shows technical details: those are
/// in the server's log.
#[component]
pub fn ProblemPage(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <Title text="Sorry, there is a problem"/>
        <h1 class="page-title">"Sorry, there is a problem"</h1>
        <p class="lead">{message}</p>
        <p><a href="/">"Go to your home page"</a></p>
    }
}
