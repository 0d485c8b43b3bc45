use crate::session::use_me;
use domain::model::{Me, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Moves focus to the main content (which has `tabindex="-1"`, so the browser focuses it
/// when the link is followed).
#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a href="#main-content" class="skip-link">"Skip to main content"</a> }
}

/// The main navigation for a role. Later features add their pages here.
pub fn nav_items(me: &Me) -> Vec<(&'static str, &'static str)> {
    let mut items = vec![
        ("/", "Home"),
        ("/modules", "Modules"),
        ("/log", "Learning log"),
        ("/plan", "CPD plan"),
        ("/community", "Community"),
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
fn badge(href: &str, notices: domain::model::NavCounts) -> Option<impl IntoView> {
    let (count, meaning) = match href {
        "/review" => (notices.awaiting_review, "waiting for review"),
        "/log" => (notices.unread_feedback, "new replies"),
        "/community" => (notices.community_new, "new since you last looked"),
        _ => return None,
    };
    let shown = domain::model::COMMUNITY_NEW_SHOWN;
    let (count, meaning) = if href == "/community" && count > shown {
        (format!("{shown}+"), format!(" more than {shown} {meaning}"))
    } else {
        (count.to_string(), format!(" {meaning}"))
    };
    (count != "0").then(|| {
        view! {
            <span class="badge">{count}<span class="sr-only">{meaning}</span></span>
        }
    })
}

/// The site's header, rendered on the server with each page (the badge numbers come with
/// the person on every page load). Only signing out needs the page's code.
#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    let location = use_location();
    let counts = me.with_untracked(|m| m.as_ref().map(|m| m.counts).unwrap_or_default());
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
                            let waiting = counts.unread_feedback + counts.awaiting_review;
                            view! {
                                // Narrow screens (and only with script: lock.js sets `js`
                                // on <html> and opens it) fold the navigation behind this.
                                <button
                                    type="button"
                                    class="menu-button"
                                    aria-expanded="false"
                                    aria-controls="site-menu"
                                >
                                    <span class="menu-icon" aria-hidden="true"></span>
                                    "Menu"
                                    {(waiting > 0).then(|| view! {
                                        <span class="badge">{waiting}<span class="sr-only">" waiting for you"</span></span>
                                    })}
                                </button>
                                <div id="site-menu" class="site-menu">
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
                                                                {badge(href, counts)}
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
                                        <SignOutButton/>
                                    </div>
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

/// Signing out: a plain form. On a signed-in page the outbox script (`public/status.js`)
/// takes it over: it warns about changes not yet sent, with the choice to send, keep or
/// delete them, and makes sure a shared tablet keeps nothing of the person (offline.js).
#[component]
fn SignOutButton() -> impl IntoView {
    view! {
        <form method="post" action="/api/sign_out" id="sign-out">
            <button type="submit" class="btn-link">"Sign out"</button>
        </form>
    }
}

/// Where the sync status line goes, drawn by the outbox script (`public/status.js`), which
/// knows this device's state: online or offline, changes waiting to be sent, when it last
/// synced, a way to sync now, and anything that needs the person. Only while signed in.
#[component]
pub fn SyncStatusBar() -> impl IntoView {
    view! { <div id="sync-status"></div> }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Tandem: continuing professional development in special educational needs and disabilities, for every setting from early years to post-16."
            </p>
            <p>"Your learning log is private until you choose to share an entry with your SENCo."</p>
            <p><a href="/privacy">"Privacy notice"</a></p>
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
