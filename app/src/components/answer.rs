//! An answer box for the learning log, with autosave. What the person types is written to
//! this device at once and given to the outbox shortly after they pause (the outbox sends
//! it, now or when it can); if it cannot be sent (offline, signed out, a conflict, refused)
//! the text stays on the page and on the device until it is saved. Nothing is ever cut or
//! thrown away. The states and what moves between them: `domain::learning_log::autosave`.

use super::form::escape_html;
use crate::api::learning_log::{Answer, SaveAnswer, SaveReply};
use crate::offline::NotKept;
use crate::session::new_op_id;
use domain::error::AppError;
use domain::learning_log::autosave::{next, Event, Outbox, SaveState};
use domain::learning_log::{check_length, group, MAX_BODY_CHARS, WARN_AT_CHARS};
use leptos::prelude::*;
use std::time::Duration;

/// How long a pause in typing is before the text goes to the outbox.
const DEBOUNCE: Duration = Duration::from_millis(1200);

/// Provided by a section's answers: notified when the person asks to save them all now.
#[derive(Clone, Copy)]
pub struct SaveAllNow(pub Trigger);

/// The learning-log questions of a section, each with an autosaving answer box, and the
/// refusal of a plain form that saved them (sent back in the page's address), above them.
#[component]
pub fn SectionAnswers(
    section_key: String,
    place: String,
    answers: Vec<Answer>,
    user_id: i64,
    error: Option<AppError>,
) -> impl IntoView {
    view! {
        <super::ErrorSummary error=Signal::derive(move || error.clone())/>
        <AnswerForm section_key place answers user_id/>
    }
}

/// The answer boxes of a section, in its plain form. An island: everything else on the
/// page is the server's. `user_id` names whose drafts this device keeps.
#[island]
fn AnswerForm(
    section_key: String,
    place: String,
    answers: Vec<Answer>,
    user_id: i64,
) -> impl IntoView {
    let save_now = Trigger::new();
    provide_context(SaveAllNow(save_now));
    // The log, showing this module's answers and the button that submits them all.
    let log_href = match section_key.split_once('.') {
        Some((module, _)) if !section_key.starts_with(domain::community::TRIED_PREFIX) => {
            format!("/log?module={module}")
        }
        _ => "/log".to_string(),
    };
    Effect::new(move |_| local::sweep(user_id));
    view! {
        <section aria-labelledby="log-heading" class="card answers" id="follow-up">
            <h2 id="log-heading" class="card-heading">"Your learning log"</h2>
            <p class="muted">
                "Your answers save as you type and stay private until you submit them to your SENCo from your "
                <a href=log_href>"learning log"</a>
                ", one at a time or the whole module together, which your SENCo then reads as one piece."
            </p>
            <p class="muted">
                "Write about children, young people, families and colleagues by initials or a short description (\"a Year 4 learner with a hearing impairment\"), never by full name, so that an entry stays safe to submit or export. A learning log is not the place to report a worry about a child's safety: tell your setting's safeguarding lead straight away."
            </p>
            // A plain form, so answers can be written and saved before (or without) the
            // page's code; once it runs, they save as the person types and the button
            // sends at once whatever is still waiting.
            <form method="post" action="/api/log/save_section" on:submit=move |ev| {
                // Without the outbox (blocked storage), the plain form saves the answers.
                if crate::offline::available() {
                    ev.prevent_default();
                    save_now.notify();
                }
            }>
                <input type="hidden" name="section_key" value=section_key.clone()/>
                {answers.into_iter().enumerate().map(|(index, answer)| view! { <AnswerBox answer section_key=section_key.clone() place=place.clone() user_id index/> }).collect_view()}
                <super::Button kind=super::ButtonKind::Secondary>"Save answers"</super::Button>
            </form>
        </section>
    }
}

#[component]
fn AnswerBox(
    answer: Answer,
    section_key: String,
    /// Where the answer is, in words ("Module 2: Reflection").
    place: String,
    user_id: i64,
    /// Its place in the section's plain form (`answers[index][..]`).
    index: usize,
) -> impl IntoView {
    let id = format!("answer-{}", answer.prompt_key);
    // Text typed into the server's page before this code arrived (a slow connection): it is
    // the newest there is, so it is kept, shown and saved, never replaced by the page's.
    let typed_early = typed_before_hydration(&id).filter(|t| *t != answer.body);
    let body = RwSignal::new(typed_early.clone().unwrap_or_else(|| answer.body.clone()));
    let state = RwSignal::new(SaveState::Saved);
    let on = move |event: Event| state.update(|s| *s = next(s, event));
    let entry_id = StoredValue::new(answer.entry_id.clone().unwrap_or_else(new_op_id));
    let rev = StoredValue::new(answer.rev);
    let generation = StoredValue::new(0u64);
    let draft_key = format!("tandem:{user_id}:draft:{section_key}:{}", answer.prompt_key);
    // What the outbox calls this answer: a newer text replaces a waiting one.
    let merge = format!("answer:{section_key}:{}", answer.prompt_key);
    let label = format!("Your answer to “{}” ({place})", answer.question);
    let href = match domain::community::post_of_tried_key(&section_key) {
        Some(post) => format!("/community/p/{post}#{id}-field"),
        None => format!("/modules/{}#{id}-field", section_key.replacen('.', "/", 1)),
    };
    let prompt_key = answer.prompt_key.clone();

    // Gives the text to the outbox: the one way a text is sent (it keeps it on this device
    // and sends it now, or when the connection returns, backing off between tries).
    let save = {
        let (section_key, prompt_key, merge, label, href) = (
            section_key.clone(),
            prompt_key.clone(),
            merge.clone(),
            label.clone(),
            href.clone(),
        );
        move || {
            let text = body.get_untracked();
            if let Err(message) = check_length(&text) {
                on(Event::TooLong(message));
                return;
            }
            let op_id = new_op_id();
            let args = SaveAnswer {
                op_id: op_id.clone(),
                entry_id: entry_id.get_value(),
                section_key: section_key.clone(),
                prompt_key: prompt_key.clone(),
                base_rev: rev.get_value(),
                body: text,
            };
            let (merge, label, href) = (merge.clone(), label.clone(), href.clone());
            leptos::task::spawn_local(async move {
                match crate::offline::enqueue(&op_id, &args, Some(&merge), &label, &href).await {
                    Ok(()) => on(Event::Queued(outbox())),
                    Err(NotKept::Unavailable) => on(Event::NotKept(
                        "This device cannot keep your answer to send it by itself.".into(),
                    )),
                    Err(NotKept::Storage(message)) => on(Event::NotKept(message)),
                }
            });
        }
    };
    let save = StoredValue::new(std::sync::Arc::new(save));
    let run_save = move || (save.get_value())();

    // The section's "Save answers" button: what is not saved yet goes now.
    if let Some(SaveAllNow(now)) = use_context::<SaveAllNow>() {
        Effect::watch(
            move || now.track(),
            move |_, _, _| {
                if state.with_untracked(SaveState::needs_saving) {
                    run_save();
                }
            },
            false,
        );
    }
    // Before the page's code runs, the plain form is all there is: the browser keeps the
    // text within the limit (the server would refuse more, and the text would be lost in
    // the round trip). Once it runs, nothing is cut: the count below says what is too long.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let field = |name: &str| format!("answers[{index}][{name}]");

    // Save once the person pauses typing.
    let schedule = move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.get_value() == mine {
                    run_save();
                }
            },
            DEBOUNCE,
        );
    };

    let on_input = {
        let draft_key = draft_key.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            body.set(text.clone());
            local::write(&draft_key, &entry_id.get_value(), rev.get_value(), &text);
            on(Event::Typed);
            if !matches!(state.get_untracked(), SaveState::Conflict(_)) {
                schedule();
            }
        }
    };

    // What the outbox reports about this answer's writes.
    {
        let (merge, draft_key) = (merge.clone(), draft_key.clone());
        let mine = move |op: &crate::offline::Op| op.merge.as_deref() == Some(merge.as_str());
        let mine_sent = mine.clone();
        crate::offline::on_event(
            crate::offline::events::SENT,
            move |sent: crate::offline::Sent| {
                if !mine_sent(&sent.op) {
                    return;
                }
                let Some(reply) = sent
                    .reply
                    .and_then(|r| serde_json::from_value::<SaveReply>(r).ok())
                else {
                    return;
                };
                entry_id.set_value(reply.entry_id.clone());
                rev.set_value(reply.rev);
                let current = sent.op.body() == Some(body.get_untracked().as_str())
                    && sent
                        .op
                        .merge
                        .as_deref()
                        .and_then(crate::offline::waiting)
                        .is_none();
                if current && reply.conflict.is_none() {
                    // Kept as saved (not removed) for a reload the server drew before
                    // this text reached it: see the restore below.
                    local::saved(
                        &draft_key,
                        &reply.entry_id,
                        reply.rev,
                        &body.get_untracked(),
                    );
                }
                on(Event::Sent {
                    current,
                    theirs: reply.conflict,
                });
            },
        );
        crate::offline::on_event(
            crate::offline::events::REFUSED,
            move |refused: crate::offline::Refused| {
                if mine(&refused.op) {
                    on(Event::Refused(refused.message));
                }
            },
        );
        crate::offline::on_event(
            crate::offline::events::OUTBOX,
            move |status: crate::offline::SyncStatus| {
                on(Event::Status(Outbox {
                    online: status.online,
                    retrying: status.retrying,
                    signed_out: status.signed_out,
                }))
            },
        );
        // Signing out: what was typed but not yet queued is queued now.
        crate::offline::on_event(
            crate::offline::events::BEFORE_SIGN_OUT,
            move |_: serde_json::Value| {
                if state.with_untracked(SaveState::needs_saving) {
                    run_save();
                }
            },
        );
    }

    // Typed before the code arrived: kept on the device at once and saved after the pause.
    if let Some(text) = typed_early.clone() {
        let draft_key = draft_key.clone();
        Effect::new(move |_| {
            local::write(&draft_key, &entry_id.get_value(), rev.get_value(), &text);
            on(Event::Typed);
            schedule();
        });
    }

    // Back on the page after a reload, a sign-in or a crash: an unsettled conflict is shown
    // again; an unsent draft on this device (or text still in the outbox) wins over the
    // server's copy. (Not when text was typed on this page before its code arrived: that is
    // newer than any of them.)
    let restore = typed_early.is_none();
    Effect::new({
        let (draft_key, merge) = (draft_key.clone(), merge.clone());
        let server_body = answer.body.clone();
        let server_rev = answer.rev;
        move |_| {
            let (draft_key, merge, server_body) =
                (draft_key.clone(), merge.clone(), server_body.clone());
            if !restore {
                return;
            }
            leptos::task::spawn_local(async move {
                crate::offline::ready().await;
                if let Some(c) = crate::offline::conflict(&merge) {
                    entry_id.set_value(c.entry_id);
                    rev.set_value(c.rev);
                    body.set(c.mine);
                    on(Event::Unsettled(c.theirs));
                    return;
                }
                match local::read(&draft_key) {
                    // Saved from this device after the server drew this page (a reload
                    // while the outbox was sending): the page's text is the older one.
                    Some(kept) if kept.saved => {
                        local::remove(&draft_key);
                        if kept.rev > server_rev {
                            entry_id.set_value(kept.entry_id);
                            rev.set_value(kept.rev);
                            body.set(kept.body);
                        }
                    }
                    Some(draft) if draft.body != server_body => {
                        entry_id.set_value(draft.entry_id);
                        rev.set_value(draft.rev);
                        body.set(draft.body);
                        on(Event::Typed);
                        schedule();
                        return;
                    }
                    Some(_) => local::remove(&draft_key),
                    None => {}
                }
                if let Some(w) = crate::offline::waiting(&merge) {
                    entry_id.set_value(w.entry_id);
                    rev.set_value(w.base_rev);
                    body.set(w.body);
                    on(Event::Waiting(outbox()));
                }
            });
        }
    });
    // Leaving the page: send what is waiting rather than wait for the pause.
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::pagehide, move |_| {
            if matches!(state.get_untracked(), SaveState::Unsaved) {
                run_save();
            }
        });
        on_cleanup(move || handle.remove());
    }

    let keep_mine = move |_| {
        on(Event::Settled);
        run_save();
    };
    let keep_theirs = move |_| {
        if let SaveState::Conflict(theirs) = state.get_untracked() {
            body.set(theirs);
            on(Event::Settled);
            run_save();
        }
    };

    let count = move || body.with(|b| b.chars().count());
    let status_id = format!("{id}-status");
    let count_id = format!("{id}-count");
    let described = format!("{status_id} {count_id}");
    let status_text = move || state.with(|s| s.words(body.with(String::is_empty)));
    view! {
        <div class="field answer" id=format!("{id}-field") class:field-has-error=move || matches!(state.get(), SaveState::Problem(_))>
            <label for=id.clone() class="field-label">{answer.question.clone()}</label>
            {answer.status.map(|s| view! { <p class="field-hint">{format!("Status: {}", s.label())}</p> })}
            // The first text goes in as escaped inner HTML: a text child inside a <textarea>
            // would carry hydration markers that the browser turns into literal text.
            <input type="hidden" name=field("prompt_key") value=answer.prompt_key.clone()/>
            <input type="hidden" name=field("entry_id") value=entry_id.get_value()/>
            <input type="hidden" name=field("base_rev") value=answer.rev.to_string()/>
            <textarea
                id=id.clone()
                name=field("body")
                maxlength=move || (!hydrated.get()).then_some(MAX_BODY_CHARS)
                class="textarea answer-text"
                rows="6"
                aria-describedby=described
                on:input=on_input
                inner_html=escape_html(&answer.body)
                prop:value=move || body.get()
            ></textarea>
            <p id=count_id class="muted" aria-live="polite">
                {move || {
                    let n = count();
                    if n > MAX_BODY_CHARS {
                        format!("{} characters too many", group(n - MAX_BODY_CHARS))
                    } else if n >= WARN_AT_CHARS {
                        format!("You have {} characters left", group(MAX_BODY_CHARS - n))
                    } else {
                        String::new()
                    }
                }}
            </p>
            <p id=status_id class="save-status" role="status" data-state=move || state.with(SaveState::name)>
                {status_text}
            </p>
            {move || matches!(state.get(), SaveState::SignedOut).then(|| {
                let path = current_path();
                // A full page load: the page still believes the person is signed in.
                view! { <p><a href=format!("/sign-in?next={}", crate::urlencode(&path)) rel="external">"Sign in again"</a></p> }
            })}
            {move || match state.get() {
                SaveState::Conflict(theirs) => Some(view! {
                    <div class="conflict" role="group" aria-label="Two versions of this answer">
                        <div class="conflict-version">
                            <h3>"The version saved from another device"</h3>
                            <p class="pre">{theirs}</p>
                            <button type="button" class="btn btn-secondary" on:click=keep_theirs>"Keep the other version"</button>
                        </div>
                        <div class="conflict-version">
                            <h3>"The version on this page"</h3>
                            <p class="pre">{body.get_untracked()}</p>
                            <button type="button" class="btn btn-secondary" on:click=keep_mine>"Keep this version"</button>
                        </div>
                        <p class="muted">"Or combine them: edit the answer above, then choose “Keep this version”."</p>
                    </div>
                }),
                _ => None,
            }}
        </div>
    }
}

/// What the outbox says about sending just now.
fn outbox() -> Outbox {
    let status = crate::offline::current_status();
    Outbox {
        online: status.online,
        retrying: status.retrying,
        signed_out: status.signed_out,
    }
}

/// The path of the page in the browser (empty on the server).
fn current_path() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().pathname().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// What the server-rendered textarea `id` holds when this code takes the page over: the
/// server's text, or what the person typed while the code was still loading.
fn typed_before_hydration(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        document()
            .get_element_by_id(id)?
            .dyn_into::<web_sys::HtmlTextAreaElement>()
            .ok()
            .map(|t| t.value())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// Unsent drafts, in the browser's localStorage, keyed by person, section and question. A
/// saved one stays a few minutes (marked saved), for a page the server drew before the save
/// reached it (a reload while the outbox was sending); signing out clears them all
/// (`public/offline.js`).
mod local {
    /// How long a saved text is kept for a page drawn before it reached the server.
    const KEEP_SAVED_MS: f64 = 10.0 * 60.0 * 1000.0;

    /// What this device keeps of one answer.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Kept {
        pub entry_id: String,
        pub rev: i64,
        pub body: String,
        /// The server has this text (at `rev`).
        #[serde(default)]
        pub saved: bool,
        /// When it was saved (milliseconds since the epoch).
        #[serde(default)]
        pub at: f64,
    }

    fn now() -> f64 {
        #[cfg(feature = "hydrate")]
        {
            web_sys::js_sys::Date::now()
        }
        #[cfg(not(feature = "hydrate"))]
        0.0
    }

    #[cfg(feature = "hydrate")]
    fn storage() -> Option<web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    fn put(key: &str, entry_id: &str, rev: i64, body: &str, saved: bool) {
        let kept = Kept {
            entry_id: entry_id.to_string(),
            rev,
            body: body.to_string(),
            saved,
            at: if saved { now() } else { 0.0 },
        };
        #[cfg(feature = "hydrate")]
        if let (Some(s), Ok(value)) = (storage(), serde_json::to_string(&kept)) {
            let _ = s.set_item(key, &value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, kept);
    }

    /// A text typed and not yet saved.
    pub fn write(key: &str, entry_id: &str, rev: i64, body: &str) {
        put(key, entry_id, rev, body, false);
    }

    /// A text the server has saved, at `rev`.
    pub fn saved(key: &str, entry_id: &str, rev: i64, body: &str) {
        put(key, entry_id, rev, body, true);
    }

    pub fn read(key: &str) -> Option<Kept> {
        #[cfg(feature = "hydrate")]
        {
            serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = key;
            None
        }
    }

    /// Forgets the saved texts of `person` kept longer than they can be of use.
    pub fn sweep(person: i64) {
        let prefix = format!("tandem:{person}:draft:");
        for key in keys().into_iter().filter(|k| k.starts_with(&prefix)) {
            if read(&key).is_some_and(|k| k.saved && now() - k.at > KEEP_SAVED_MS) {
                remove(&key);
            }
        }
    }

    fn keys() -> Vec<String> {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            return (0..s.length().unwrap_or(0))
                .filter_map(|i| s.key(i).ok().flatten())
                .collect();
        }
        Vec::new()
    }

    pub fn remove(key: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    }
}
