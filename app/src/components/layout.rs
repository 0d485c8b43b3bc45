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
        items.push(("/facilitator", "Facilitator guide"));
    }
    if me.role == Role::Admin {
        items.push(("/admin", "Staff and invites"));
    }
    items.push(("/profile", "Profile and preferences"));
    items
}

/// The count shown beside a navigation link, if it has one and it is not zero.
fn badge(href: &str, notices: crate::model::NavCounts) -> Option<impl IntoView> {
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
    // The badge numbers come with the person on every full page load; after a move within
    // the app they are asked for again, so they stay current.
    let counts =
        RwSignal::new(me.with_untracked(|m| m.as_ref().map(|m| m.counts).unwrap_or_default()));
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) && me.with_untracked(Option::is_some) {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = crate::api::review::notices().await {
                    counts.set(fresh);
                }
            });
        }
        path
    });
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
                                                            {move || badge(href, counts.get())}
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
                                    <SignOutButton sign_out/>
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

/// Signing out: a shared tablet must not keep one person's pages or notes for the next.
/// Unsent changes are warned about first, with the choice to send them.
#[component]
fn SignOutButton(sign_out: ServerAction<SignOut>) -> impl IntoView {
    let warning = RwSignal::new(0u32);
    let go = move || {
        leptos::task::spawn_local(async move {
            crate::offline::forget_this_person().await;
            sign_out.dispatch(SignOut {});
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pending = crate::offline::current_status().pending;
        if pending > 0 && warning.get_untracked() == 0 {
            warning.set(pending);
        } else {
            go();
        }
    };
    // "Send them now": once everything has gone, carry on signing out.
    let sending = RwSignal::new(false);
    crate::offline::on_event("tandem:outbox", move |s: crate::offline::SyncStatus| {
        if warning.get_untracked() > 0 {
            if s.pending == 0 && sending.get_untracked() {
                go();
            } else if s.pending > 0 {
                warning.set(s.pending);
            }
        }
    });
    let send_now = move |_| {
        sending.set(true);
        crate::offline::flush();
    };
    view! {
        <form method="post" action="/api/sign_out" on:submit=submit>
            <button type="submit" class="btn-link">"Sign out"</button>
        </form>
        {move || (warning.get() > 0).then(|| view! {
            <div class="signout-warning" role="alert">
                <p>
                    <strong>{move || format!("{} of your changes {} not been sent yet.", warning.get(), if warning.get() == 1 { "has" } else { "have" })}</strong>
                    " If you sign out now they are removed from this device and lost."
                </p>
                <div class="button-row">
                    <button type="button" class="btn btn-primary" on:click=send_now>"Send them now, then sign out"</button>
                    <button type="button" class="btn btn-warning" on:click=move |_| go()>"Sign out anyway"</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| { sending.set(false); warning.set(0); }>"Stay signed in"</button>
                </div>
            </div>
        })}
    }
}

/// Always visible while signed in: online or offline, changes waiting to be sent, when
/// this device last synced, and a way to sync now.
#[component]
pub fn SyncStatusBar() -> impl IntoView {
    // Filled in after hydration: the server cannot know the state of this device.
    let status = RwSignal::new(None::<crate::offline::SyncStatus>);
    Effect::new(move |_| {
        if crate::offline::available() {
            status.set(Some(crate::offline::current_status()));
        }
    });
    crate::offline::on_event("tandem:outbox", move |s| status.set(Some(s)));
    let me = use_me();
    let location = use_location();
    move || {
        status.get().filter(|_| me.with(Option::is_some)).map(|s| {
            let connection = if s.online { "Online" } else { "Offline" };
            let waiting = match s.pending {
                0 => "all changes saved".to_string(),
                1 => "1 change waiting to be sent".to_string(),
                n => format!("{n} changes waiting to be sent"),
            };
            let synced = s
                .last_synced
                .map(|ms| format!("last synced at {}", crate::offline::clock(ms)))
                .unwrap_or_else(|| "not synced yet on this device".into());
            let waiting_class = s.pending > 0;
            view! {
                <div class="sync-status" class:sync-offline=!s.online class:sync-waiting=waiting_class>
                    <p role="status" aria-live="polite">
                        <span class="sync-dot" aria-hidden="true"></span>
                        <strong>{connection}</strong>{format!(" · {waiting} · {synced}")}
                        {s.signed_out.then(|| {
                            let next = crate::pages::urlencode(&location.pathname.get_untracked());
                            view! { " · "<a href=format!("/sign-in?next={next}") rel="external">"Sign in again to send them"</a> }
                        })}
                    </p>
                    <button type="button" class="btn-link" on:click=move |_| crate::offline::flush()>"Sync now"</button>
                </div>
            }
        })
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
