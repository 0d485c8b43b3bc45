use crate::api::auth::SignOut;
use crate::model::{Me, Role};
use crate::session::{hard_navigate, use_me};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Moves focus to the main content. Before hydration the browser does this itself; after
/// it, the router would only scroll, so focus is moved here.
#[component]
pub fn SkipLink() -> impl IntoView {
    let skip = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(main) = document()
                .get_element_by_id("main-content")
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                ev.prevent_default();
                let _ = main.focus();
                main.scroll_into_view();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <a href="#main-content" class="skip-link" on:click=skip>"Skip to main content"</a> }
}

/// The main navigation for a role. Later features add their pages here.
pub fn nav_items(me: &Me) -> Vec<(&'static str, &'static str)> {
    let mut items = vec![
        ("/", "Home"),
        ("/modules", "Modules"),
        ("/log", "Learning log"),
    ];
    if me.role == Role::Senco {
        items.push(("/review", "Review queue"));
        items.push(("/staff", "Staff progress"));
    }
    if me.role == Role::Admin {
        items.push(("/admin", "Staff and invites"));
    }
    items.push(("/profile", "Profile and preferences"));
    items
}

/// The count shown beside a navigation link, if it has one and it is not zero.
fn badge(href: &str, notices: crate::api::review::NavCounts) -> Option<impl IntoView> {
    let (count, meaning) = match href {
        "/review" => (notices.awaiting_review, "waiting for review"),
        "/log" => (notices.unread_feedback, "new replies"),
        _ => return None,
    };
    (count > 0).then(|| {
        view! {
            <span class="badge">{count}<span class="sr-only">{format!(" {meaning}")}</span></span>
        }
    })
}

#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    let location = use_location();
    let sign_out = ServerAction::<SignOut>::new();
    // The badge numbers, fetched again on every navigation so they stay current.
    let notices = Resource::new(
        move || (me.with(Option::is_some), location.pathname.get()),
        |(signed_in, _)| async move {
            if signed_in {
                crate::api::review::notices().await.unwrap_or_default()
            } else {
                Default::default()
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            hard_navigate("/sign-in?signed_out=1");
        }
    });
    view! {
        <header class="site-header">
            <div class="site-header-inner">
                <a href="/" class="site-name">
                    <span aria-hidden="true" class="site-logo">"◆"</span>
                    "Tandem"
                    <span class="sr-only">" – home"</span>
                </a>
                {move || {
                    me.get()
                        .map(|me| {
                            view! {
                                <nav aria-label="Main" class="site-nav">
                                    <ul>
                                        {nav_items(&me)
                                            .into_iter()
                                            .map(|(href, label)| {
                                                let current = move || {
                                                    let path = location.pathname.get();
                                                    let here = if href == "/" { path == "/" } else { path.starts_with(href) };
                                                    here.then_some("page")
                                                };
                                                view! {
                                                    <li>
                                                        <a href=href aria-current=current>
                                                            {label}
                                                            <Suspense fallback=|| ()>
                                                                {move || Suspend::new(async move { badge(href, notices.await) })}
                                                            </Suspense>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </nav>
                                <div class="site-account">
                                    <span class="site-person">
                                        <span class="sr-only">"Signed in as "</span>
                                        {me.display_name.clone()}
                                        <span class="site-role">{format!(" · {}", me.role.label())}</span>
                                    </span>
                                    <ActionForm action=sign_out>
                                        <button type="submit" class="btn-link">"Sign out"</button>
                                    </ActionForm>
                                </div>
                            }
                                .into_any()
                        })
                        .unwrap_or_else(|| {
                            view! {
                                <nav aria-label="Account" class="site-nav">
                                    <ul>
                                        <li><a href="/sign-in">"Sign in"</a></li>
                                        <li><a href="/join">"Join with an invite code"</a></li>
                                    </ul>
                                </nav>
                            }
                                .into_any()
                        })
                }}
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Tandem: continuing professional development in special educational needs and disabilities, for every setting from early years to post-16."
            </p>
            <p>"Your learning log is private until you choose to share an entry with your SENCo."</p>
        </footer>
    }
}

/// Sets the HTTP status of a server-rendered page (404, 403) so that it is honest to
/// browsers and tools, not only to people.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::OK));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
