//! Tandem's pages, components and server functions, shared by the server (feature `ssr`)
//! and the browser (feature `hydrate`).

pub mod api;
pub mod components;
pub mod content;
pub mod error;
pub mod log;
pub mod model;
pub mod offline;
pub mod oversight;
pub mod pages;
pub mod progress;
pub mod review;
pub mod session;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

use components::{Footer, Header, SkipLink};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use pages::{
    admin::AdminPage,
    course::{CataloguePage, ModulePage, SectionPage},
    errors::NotFound,
    facilitator::FacilitatorPage,
    home::HomePage,
    join::JoinPage,
    log::{EntryPage, LogPage},
    log_print::LogPrintPage,
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
    let me = server::guard::current_user();
    let classes = me
        .as_ref()
        .map(|m| m.preferences.html_classes())
        .unwrap_or_default();
    let me_json = session::me_json(&me);
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" class=classes>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4e5f"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href="/pkg/tandem.css"/>
                <script type="application/json" id=session::ME_SCRIPT_ID inner_html=me_json></script>
                // The outbox and service worker registration: before the app, so that the
                // app's first writes already have somewhere to go.
                <script type="module" src="/offline.js"></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
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
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/join") view=JoinPage/>
                    <Route path=path!("/profile") view=ProfilePage/>
                    <Route path=path!("/admin") view=AdminPage/>
                    <Route path=path!("/log") view=LogPage/>
                    <Route path=path!("/log/print") view=LogPrintPage/>
                    <Route path=path!("/log/:id") view=EntryPage/>
                    <Route path=path!("/review") view=ReviewQueuePage/>
                    <Route path=path!("/review/:id") view=ReviewEntryPage/>
                    <Route path=path!("/staff") view=StaffDashboardPage/>
                    <Route path=path!("/staff/:id") view=StaffMemberPage/>
                    <Route path=path!("/facilitator") view=FacilitatorPage/>
                    <Route path=path!("/modules") view=CataloguePage/>
                    <Route path=path!("/modules/:module") view=ModulePage/>
                    <Route path=path!("/modules/:module/:section") view=SectionPage/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
