//! Tandem's pages, components and server functions, shared by the server (feature `ssr`)
//! and the browser (feature `hydrate`).
//!
//! Owns: what people see (`pages`, `components`), the offline outbox's browser side
//! (`offline`), the signed-in person on the page (`session`), the server functions (`api`:
//! who is asking → validate → a `services` call → reply) and, on the server only, the
//! request-scoped helpers (`server`: the shared state, the guard, cookies).
//! Must not: hold SQL or file access (that is `services`, server only), hold rules a page
//! and the server must agree on (that is `domain`), let a server function skip
//! `server::guard::require`, or put anything in the browser build that only the server
//! needs (it all ships in the wasm).

pub mod api;
pub mod components;
pub mod offline;
pub mod pages;
pub mod session;

#[cfg(feature = "ssr")]
pub mod server;

use components::{Footer, Header, SkipLink};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
use pages::{
    admin::AdminPage,
    community::{CommunityPage, ComposePage, PostPage, ReportsPage},
    community_sessions::SessionsPage,
    course::{CataloguePage, ModulePage, SectionPage},
    errors::NotFound,
    facilitator::FacilitatorPage,
    home::HomePage,
    join::JoinPage,
    learning_log::{EntryPage, LogPage},
    learning_log_print::LogPrintPage,
    profile::ProfilePage,
    review::{ReviewEntryPage, ReviewQueuePage},
    sign_in::SignInPage,
    staff::{StaffDashboardPage, StaffMemberPage},
};
use session::{initial_me, CurrentUser};

/// The whole HTML document, rendered on the server for every page. Reading preferences
/// are applied here, as classes on `<html>`, so the first paint already has them.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    let viewer = server::guard::viewer();
    let me = viewer.me.clone();
    let classes = me
        .as_ref()
        .map(|m| m.preferences.html_classes())
        .unwrap_or_default();
    let me_json = session::me_json(&me);
    let shell = server::state().map(|s| s.shell).unwrap_or_default();
    let plain = use_context::<http::request::Parts>()
        .is_some_and(|request| PLAIN_PAGES.contains(&request.uri.path()));
    set_content_security_policy();
    let _ = options;
    // Every shell URL names this build, so a device never mixes one build's page with
    // another's code (see `services/src/shell.rs`).
    view! {
        <!DOCTYPE html>
        <html
            lang="en-GB"
            class=classes
            data-build=shell.build.clone()
            data-person=me.as_ref().map(|m| m.id.to_string())
            data-session=viewer.session_tag
        >
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4e5f"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href=shell.url("/pkg/tandem.css")/>
                // Before anything is shown: hides a page of a session signed out on this
                // device while it was offline.
                <script src=shell.url("/lock.js")></script>
                <script type="application/json" id=session::ME_SCRIPT_ID inner_html=me_json></script>
                // The outbox and service worker registration: before the app, so that the
                // app's first writes already have somewhere to go.
                <script type="module" src=shell.url("/offline.js")></script>
                {(!plain).then(|| view! { <HydrationScripts shell=shell.clone()/> })}
                <MetaTags/>
            </head>
            <body data-plain=plain.then_some("true")>
                <App/>
            </body>
        </html>
    }
}

/// Pages that are plain HTML forms and load none of the app's code: the first page on a
/// new device is small (the wasm is ~450 KB), and the forms work the same without it. The
/// outbox script still loads (it finishes a sign-out made offline), and the service worker
/// fetches the app for offline use in the background.
#[cfg(feature = "ssr")]
const PLAIN_PAGES: [&str; 1] = ["/sign-in"];

/// Loads this build's wasm and hydrates the page (Leptos' own `HydrationScripts`, with
/// versioned URLs).
#[cfg(feature = "ssr")]
#[component]
fn HydrationScripts(shell: std::sync::Arc<services::shell::Shell>) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let js = shell.url("/pkg/tandem.js");
    let wasm = shell.url("/pkg/tandem_bg.wasm");
    let script = format!(
        "import({js:?}).then(m => m.default({{module_or_path: {wasm:?}}}).then(() => m.hydrate()));"
    );
    view! {
        <link rel="modulepreload" href=js/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce>{script}</script>
    }
}

/// A strict policy: only our own scripts (the hydration bootstrap carries this response's
/// nonce), our own styles, and WebAssembly compilation. Nothing may frame the page.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use http::header::{HeaderName, HeaderValue};
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        response.insert_header(HeaderName::from_static("content-security-policy"), value);
    }
}

/// How a page with data is rendered on the server: whole, in one response, once its data
/// is loaded. The default (out-of-order streaming) sends "Loading…" placeholders first and
/// swaps the content in by script, so a browser without JavaScript (or whose wasm failed to
/// load) never sees the page, and a page's title set from its data misses the `<head>`.
/// Tandem's pages load their data in a few milliseconds and are tens of KB, so waiting for
/// it costs little (figures: `make bench`, the section page).
const COMPLETE: SsrMode = SsrMode::Async;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(CurrentUser(RwSignal::new(initial_me())));

    // A marker that the wasm has loaded and taken over; the browser tests wait for it.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|title: String| format!("{title} – Tandem")/>
        <Router>
            <SkipLink/>
            <Header/>
            <components::SyncStatusBar/>
            <main id="main-content" tabindex="-1" class="site-main">
                // Pages with data are sent whole (see COMPLETE); sign-in and join have none.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=COMPLETE/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/join") view=JoinPage/>
                    <Route path=path!("/confirm-email") view=pages::proof::ProofPage ssr=COMPLETE/>
                    <Route path=path!("/sign-in/link") view=pages::proof::ProofPage ssr=COMPLETE/>
                    <Route path=path!("/profile") view=ProfilePage ssr=COMPLETE/>
                    <Route path=path!("/admin") view=AdminPage ssr=COMPLETE/>
                    <Route path=path!("/admin/sign-in") view=pages::admin_sign_in::AdminSignInPage ssr=COMPLETE/>
                    <Route path=path!("/admin/data") view=pages::data_protection::DataProtectionPage ssr=COMPLETE/>
                    <Route path=path!("/admin/import") view=pages::staff_import::ImportPage ssr=COMPLETE/>
                    <Route path=path!("/admin/import/:id") view=pages::staff_import::ImportPreviewPage ssr=COMPLETE/>
                    <Route path=path!("/privacy") view=pages::data_protection::PrivacyPage ssr=COMPLETE/>
                    <Route path=path!("/log") view=LogPage ssr=COMPLETE/>
                    <Route path=path!("/log/print") view=LogPrintPage ssr=COMPLETE/>
                    <Route path=path!("/log/:id") view=EntryPage ssr=COMPLETE/>
                    <Route path=path!("/review") view=ReviewQueuePage ssr=COMPLETE/>
                    <Route path=path!("/review/:id") view=ReviewEntryPage ssr=COMPLETE/>
                    <Route path=path!("/staff") view=StaffDashboardPage ssr=COMPLETE/>
                    <Route path=path!("/staff/:id") view=StaffMemberPage ssr=COMPLETE/>
                    <Route path=path!("/facilitator") view=FacilitatorPage ssr=COMPLETE/>
                    <Route path=path!("/community") view=CommunityPage ssr=COMPLETE/>
                    <Route path=path!("/community/new") view=ComposePage ssr=COMPLETE/>
                    <Route path=path!("/community/p/:id") view=PostPage ssr=COMPLETE/>
                    <Route path=path!("/community/sessions") view=SessionsPage ssr=COMPLETE/>
                    <Route path=path!("/community/reports") view=ReportsPage ssr=COMPLETE/>
                    <Route path=path!("/modules") view=CataloguePage ssr=COMPLETE/>
                    <Route path=path!("/modules/:module") view=ModulePage ssr=COMPLETE/>
                    <Route path=path!("/modules/:module/:section") view=SectionPage ssr=COMPLETE/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
