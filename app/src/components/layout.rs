use crate::api::auth::SignOut;
use crate::session::{hard_navigate, use_me};
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
    (count > 0).then(|| {
        view! {
            <span class="badge">{count}<span class="sr-only">{format!(" {meaning}")}</span></span>
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

/// Signing out: a shared tablet must not keep one person's pages for the next, and must
/// end the session even when the connection has just dropped (see `public/offline.js`).
/// Changes not yet sent are warned about first, with the choice to send, keep or delete them.
/// An island: before (or without) the page's code it is a plain form.
#[island]
fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            hard_navigate("/sign-in?signed_out=1");
        }
    });
    let warning = RwSignal::new(None::<crate::offline::SyncStatus>);
    let go = move |discard: bool| {
        if !crate::offline::sign_out(discard) {
            sign_out.dispatch(SignOut { session: None });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let status = crate::offline::current_status();
        if status.pending + status.attention > 0 && warning.get_untracked().is_none() {
            warning.set(Some(status));
        } else {
            go(false);
        }
    };
    // Once everything has gone (sent by itself on reconnect, or "Send them now"), there
    // is nothing left to warn about: carry on signing out.
    let sending = RwSignal::new(false);
    crate::offline::on_event("tandem:outbox", move |s: crate::offline::SyncStatus| {
        if warning.get_untracked().is_some() {
            if s.pending == 0 && (s.attention == 0 || sending.get_untracked()) {
                warning.set(None);
                go(false);
            } else {
                warning.set(Some(s));
            }
        }
    });
    let send_now = move |_| {
        sending.set(true);
        crate::offline::flush();
    };
    let of_yours = |n: u32, one: &str, many: &str| match n {
        1 => format!("1 of your changes {one}"),
        n => format!("{n} of your changes {many}"),
    };
    let summary = move |s: &crate::offline::SyncStatus| {
        let unsent = of_yours(s.pending, "has not been sent yet", "have not been sent yet");
        let need = if s.attention == 1 { "needs" } else { "need" };
        match (s.pending, s.attention) {
            (_, 0) => format!("{unsent}."),
            (0, a) => format!(
                "{}.",
                of_yours(a, "needs your attention", "need your attention")
            ),
            (_, a) => format!("{unsent}, and {a} more {need} your attention."),
        }
    };
    view! {
        <form method="post" action="/api/sign_out" on:submit=submit>
            <button type="submit" class="btn-link">"Sign out"</button>
        </form>
        {move || warning.get().map(|s| view! {
            <div class="signout-warning" role="alert">
                <p>
                    <strong>{summary(&s)}</strong>
                    " You can keep them on this device: nobody else can see them in Tandem, and they are sent when you next sign in here."
                </p>
                <div class="button-row">
                    {(s.online && s.pending > 0).then(|| view! {
                        <button type="button" class="btn btn-primary" on:click=send_now>"Send them now, then sign out"</button>
                    })}
                    <button type="button" class="btn btn-secondary" on:click=move |_| go(false)>"Keep them here and sign out"</button>
                    <button type="button" class="btn btn-warning" on:click=move |_| go(true)>"Delete them and sign out"</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| { sending.set(false); warning.set(None); }>"Stay signed in"</button>
                </div>
            </div>
        })}
    }
}

/// Always visible while signed in: online or offline, changes waiting to be sent, when
/// this device last synced, a way to sync now, and anything that needs the person. An
/// island (only shown to someone signed in): the server cannot know this device's state.
#[island]
pub fn SyncStatusBar() -> impl IntoView {
    // Filled in after hydration: the server cannot know the state of this device.
    let status = RwSignal::new(None::<crate::offline::SyncStatus>);
    let attention = RwSignal::new(Vec::<crate::offline::Attention>::new());
    let refresh = move |s: crate::offline::SyncStatus| {
        attention.set(if s.attention > 0 {
            crate::offline::attention()
        } else {
            vec![]
        });
        status.set(Some(s));
    };
    Effect::new(move |_| {
        if crate::offline::available() {
            refresh(crate::offline::current_status());
        }
    });
    crate::offline::on_event("tandem:outbox", refresh);
    move || {
        status.get().map(|s| {
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
            let next = crate::urlencode(&current_path());
            view! {
                <div class="sync-status" class:sync-offline=!s.online class:sync-waiting=waiting_class>
                    <p role="status" aria-live="polite">
                        <span class="sync-dot" aria-hidden="true"></span>
                        <strong>{connection}</strong>{format!(" · {waiting} · {synced}")}
                        {(s.signed_out && !s.elsewhere).then(|| {
                            view! { " · "<a href=format!("/sign-in?next={next}") rel="external">"Sign in again to send them"</a> }
                        })}
                    </p>
                    <button type="button" class="btn-link" on:click=move |_| crate::offline::flush()>"Sync now"</button>
                </div>
                {s.elsewhere.then(|| view! {
                    <div class="sync-alert elsewhere-notice" role="alert">
                        <h2>"Someone else has signed in on this device"</h2>
                        <p>"This page is hidden so that they cannot see your work. Anything you had not sent stays on this device and is sent when you sign in here again."</p>
                        <p><a href="/sign-in" rel="external">"Sign in"</a></p>
                    </div>
                })}
                {s.storage_error.clone().map(|message| view! {
                    <div class="sync-alert" role="alert">
                        <p><strong>{message}</strong>" Copy anything you are writing somewhere safe, or free some space on this device."</p>
                    </div>
                })}
                {(s.others > 0).then(|| view! {
                    <p class="sync-note">{format!(
                        "This device also keeps {} for someone else who used it. {} sent when they sign in here again.",
                        if s.others == 1 { "1 change".to_string() } else { format!("{} changes", s.others) },
                        if s.others == 1 { "It is" } else { "They are" },
                    )}</p>
                })}
                {(s.attention > 0).then(|| view! { <AttentionList items=attention/> })}
            }
        })
    }
}

/// The path of the page in the browser (empty on the server).
pub fn current_path() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().pathname().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Changes the server would not take, and answers changed on two devices: each with its
/// text, to copy, try again, discard or settle.
#[component]
fn AttentionList(items: RwSignal<Vec<crate::offline::Attention>>) -> impl IntoView {
    let count = move || items.with(Vec::len);
    view! {
        <details class="sync-alert attention">
            <summary>{move || match count() {
                1 => "1 change needs your attention".to_string(),
                n => format!("{n} changes need your attention"),
            }}</summary>
            <ul class="attention-list">
                {move || items.get().into_iter().map(|item| {
                    let text_id = format!("attention-{}", item.op_id);
                    let (retry_id, discard_id) = (item.op_id.clone(), item.op_id.clone());
                    let copy_text = item.text.clone();
                    view! {
                        <li class="attention-item">
                            <p>
                                {match item.href.clone() {
                                    Some(href) => view! { <a href=href rel="external">{item.label.clone()}</a> }.into_any(),
                                    None => view! { <span>{item.label.clone()}</span> }.into_any(),
                                }}
                            </p>
                            <p>{item.reason()}</p>
                            {item.text.clone().map(|text| view! {
                                <label class="field-label" for=text_id.clone()>"Your text"</label>
                                <textarea id=text_id.clone() class="textarea" rows="3" readonly>{text}</textarea>
                            })}
                            <div class="button-row">
                                {copy_text.map(|text| view! {
                                    <button type="button" class="btn btn-secondary" on:click=move |_| crate::offline::copy(&text)>"Copy text"</button>
                                })}
                                {(item.state == "refused").then(|| view! {
                                    <button type="button" class="btn btn-secondary" on:click=move |_| crate::offline::retry(&retry_id)>"Try again"</button>
                                    <button type="button" class="btn btn-warning" on:click=move |_| crate::offline::discard(&discard_id)>"Discard"</button>
                                })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
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
