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
pub mod islands;
pub mod offline;
/// Pages are rendered on the server only (their interactive parts are `islands`), so none
/// of them is in the browser's code.
#[cfg(feature = "ssr")]
pub mod pages;
pub mod session;

#[cfg(feature = "ssr")]
pub mod server;

pub use domain::urlencode;

#[cfg(feature = "ssr")]
use components::{Footer, Header, SkipLink};
#[cfg(feature = "ssr")]
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::{provide_meta_context, Title};
#[cfg(feature = "ssr")]
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
#[cfg(feature = "ssr")]
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
    review::{ReviewEntryPage, ReviewPiecePage, ReviewQueuePage},
    sign_in::SignInPage,
    staff::{StaffDashboardPage, StaffMemberPage},
};
#[cfg(feature = "ssr")]
use session::{initial_me, CurrentUser};

/// The whole HTML document, rendered on the server for every page. Reading preferences
/// are applied here, as classes on `<html>`, so the first paint already has them.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    // Islands mode: only what an island reads goes into the page for the browser (an island
    // turns this back on while it renders). Leptos's `HydrationScripts` would say so; our
    // own script tags (`IslandScripts`) must, or every page's data is written into it a
    // second time, as script (15 KB of a community page's 40 KB).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let viewer = server::guard::viewer();
    let me = viewer.me.clone();
    let classes = me
        .as_ref()
        .map(|m| m.preferences.html_classes())
        .unwrap_or_default();
    let me_json = session::me_json(&me);
    let shell = server::state().map(|s| s.shell).unwrap_or_default();
    let path = use_context::<http::request::Parts>()
        .map(|request| request.uri.path().to_string())
        .unwrap_or_default();
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
                // Only signed-in pages have islands (signing in and joining are plain forms).
                {me.as_ref().and(bundle_for(&path)).map(|bundle| view! { <IslandScripts shell=shell.clone() bundle/> })}
                // Tandem's own words for a refused change, for the status line (status.js).
                {me.is_some().then(|| {
                    let messages: serde_json::Map<String, serde_json::Value> = domain::error::messages()
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.into()))
                        .collect();
                    let json = serde_json::Value::Object(messages).to_string().replace('<', "\\u003c");
                    view! { <script type="application/json" id="tandem-messages" inner_html=json></script> }
                })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The bundle of the browser's code a page needs, by its path: none for pages without
/// islands (most: they are the server's alone, and the outbox script draws the status line
/// and runs signing out); the learner's (answer boxes, marking complete, offline saving,
/// reading aloud) on the course's pages and a plan's check-ins; the full one (adding the community's islands) on a
/// thread and the sharing form. Chosen here, in the page's head, so the browser fetches the
/// code while it reads the page; `server/tests/it/pages.rs` checks that a page has islands
/// exactly when it names a bundle, and only islands its bundle holds.
#[cfg(feature = "ssr")]
fn bundle_for(path: &str) -> Option<&'static str> {
    if path == "/modules" || path.starts_with("/modules/") || path.starts_with("/plan/check-in/") {
        Some("tandem")
    } else if path == "/community/new" || path.starts_with("/community/p/") {
        Some("tandem-full")
    } else {
        None
    }
}

/// Where this page's bundle is (read by `/islands.js`), and hints so the browser fetches it
/// while it reads the page. Pages without islands ignore it and load no code.
#[cfg(feature = "ssr")]
#[component]
fn IslandScripts(
    shell: std::sync::Arc<services::shell::Shell>,
    bundle: &'static str,
) -> impl IntoView {
    let js = shell.url(&format!("/pkg/{bundle}.js"));
    let wasm = shell.url(&format!("/pkg/{bundle}_bg.wasm"));
    let config = serde_json::json!({ "js": js, "wasm": wasm }).to_string();
    view! {
        <link rel="modulepreload" href=js/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="application/json" id="tandem-islands" inner_html=config></script>
        <script type="module" src=shell.url("/islands.js")></script>
    }
}

/// A page's Content-Security-Policy: only our own scripts (an inline script must carry the
/// response's nonce), our own styles, and WebAssembly compilation. Nothing may frame the
/// page. The server's middleware sets it on every HTML answer, with the nonce it put in the
/// request (`PageNonce`), which `provide_page_nonce` hands to the render: so no page can go
/// out under another policy, whatever happens while it renders.
#[cfg(feature = "ssr")]
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
    )
}

/// The nonce of one answer's inline scripts, made by the middleware for each request.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// Makes the request's `PageNonce` the one the render writes into its scripts.
#[cfg(feature = "ssr")]
pub fn provide_page_nonce() {
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// How a page with data is rendered on the server: whole, in one response, once its data
/// is loaded. The default (out-of-order streaming) sends "Loading…" placeholders first and
/// swaps the content in by script, so a browser without JavaScript (or whose wasm failed to
/// load) never sees the page, and a page's title set from its data misses the `<head>`.
/// Tandem's pages load their data in a few milliseconds and are tens of KB, so waiting for
/// it costs little (figures: `make bench`, the section page).
#[cfg(feature = "ssr")]
const COMPLETE: SsrMode = SsrMode::Async;

/// Every page, rendered on the server.
#[cfg(feature = "ssr")]
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(CurrentUser(RwSignal::new(initial_me())));

    view! {
        <Title formatter=|title: String| format!("{title} – Tandem")/>
        <Router>
            <SkipLink/>
            <Header/>
            {session::user_id().ne(&0).then(|| view! { <components::SyncStatusBar/> })}
            <main id="main-content" tabindex="-1" class="site-main">
                // Pages with data are sent whole (see COMPLETE); join has none.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=COMPLETE/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=COMPLETE/>
                    <Route path=path!("/forgot-password") view=pages::password_reset::ForgotPasswordPage ssr=COMPLETE/>
                    <Route path=path!("/reset-password") view=pages::password_reset::ResetPasswordPage ssr=COMPLETE/>
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
                    <Route path=path!("/plan") view=pages::plan::PlanPage ssr=COMPLETE/>
                    <Route path=path!("/plan/of/:id") view=pages::plan::SharedPlanPage ssr=COMPLETE/>
                    <Route path=path!("/plan/check-in/:n") view=pages::check_in::CheckInPage ssr=COMPLETE/>
                    <Route path=path!("/plan/end-review") view=pages::check_in::EndReviewPage ssr=COMPLETE/>
                    <Route path=path!("/plan/summary") view=pages::check_in::SummaryPage ssr=COMPLETE/>
                    <Route path=path!("/plan/proposals") view=pages::proposals::ProposalsPage ssr=COMPLETE/>
                    <Route path=path!("/log/print") view=LogPrintPage ssr=COMPLETE/>
                    <Route path=path!("/log/:id") view=EntryPage ssr=COMPLETE/>
                    <Route path=path!("/review") view=ReviewQueuePage ssr=COMPLETE/>
                    <Route path=path!("/review/:id") view=ReviewEntryPage ssr=COMPLETE/>
                    <Route path=path!("/review/of/:author/:module") view=ReviewPiecePage ssr=COMPLETE/>
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
