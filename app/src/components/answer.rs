//! An answer box for the learning log, with autosave. What the person types is written to
//! this device at once and sent to the server shortly after they pause; if that fails
//! (offline, signed out, a conflict) the text stays on the page and on the device until it
//! is saved. Nothing is ever cut or thrown away.

use super::form::escape_html;
use crate::api::learning_log::{save_answer, Answer, SaveAnswer, SaveReply};
use crate::offline::NotKept;
use crate::session::new_op_id;
use domain::error::AppError;
use domain::learning_log::{check_length, group, MAX_BODY_CHARS, WARN_AT_CHARS};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
enum SaveState {
    Saved,
    Unsaved,
    Saving,
    Retrying,
    SignedOut,
    Problem(String),
    Conflict(String),
}

impl SaveState {
    /// The state's name, for the page (`data-state`) and the tests.
    fn name(&self) -> &'static str {
        match self {
            SaveState::Saved => "saved",
            SaveState::Unsaved => "unsaved",
            SaveState::Saving => "saving",
            SaveState::Retrying => "retrying",
            SaveState::SignedOut => "signedout",
            SaveState::Problem(_) => "problem",
            SaveState::Conflict(_) => "conflict",
        }
    }
}

const DEBOUNCE: Duration = Duration::from_millis(1200);

/// Provided by a section's answers: notified when the person asks to save them all now.
#[derive(Clone, Copy)]
pub struct SaveAllNow(pub Trigger);

/// The learning-log questions of a section, each with an autosaving answer box. An island:
/// everything else on the page is the server's. `error` is a plain form's refusal, sent back
/// in the page's address; `user_id` names whose drafts this device keeps.
#[island]
pub fn SectionAnswers(
    section_key: String,
    place: String,
    answers: Vec<Answer>,
    user_id: i64,
    error: Option<AppError>,
) -> impl IntoView {
    let save_now = Trigger::new();
    provide_context(SaveAllNow(save_now));
    let error = Signal::derive(move || error.clone());
    view! {
        <section aria-labelledby="log-heading" class="card answers" id="follow-up">
            <h2 id="log-heading" class="card-heading">"Your learning log"</h2>
            <p class="muted">
                "Your answers save as you type and stay private until you submit them to your SENCo from your "
                <a href="/log">"learning log"</a>"."
            </p>
            <p class="muted">
                "Write about children, young people, families and colleagues by initials or a short description (\"a Year 4 learner with a hearing impairment\"), never by full name, so that an entry stays safe to submit or export. A learning log is not the place to report a worry about a child's safety: tell your setting's safeguarding lead straight away."
            </p>
            // A plain form, so answers can be written and saved before (or without) the
            // page's code; once it runs, they save as the person types and the button
            // sends at once whatever is still waiting.
            <form method="post" action="/api/log/save_section" on:submit=move |ev| { ev.prevent_default(); save_now.notify(); }>
                <super::ErrorSummary error/>
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
    let entry_id = StoredValue::new(answer.entry_id.clone().unwrap_or_else(new_op_id));
    let rev = StoredValue::new(answer.rev);
    let generation = StoredValue::new(0u64);
    let attempts = StoredValue::new(0u32);
    let draft_key = format!("tandem:{user_id}:draft:{section_key}:{}", answer.prompt_key);
    // What the outbox calls this answer: a newer text replaces a waiting one.
    let merge = format!("answer:{section_key}:{}", answer.prompt_key);
    let label = format!("Your answer to “{}” ({place})", answer.question);
    let href = match domain::community::post_of_tried_key(&section_key) {
        Some(post) => format!("/community/p/{post}#{id}-field"),
        None => format!("/modules/{}#{id}-field", section_key.replacen('.', "/", 1)),
    };
    let prompt_key = answer.prompt_key.clone();

    // Straight to the server (no outbox on this page, or the device could not keep the
    // text): one save at a time, as a second one sent before the first returns would be
    // based on a revision the first has already moved past, and look like a conflict.
    let in_flight = StoredValue::new(false);
    let again = StoredValue::new(false);
    let saver: StoredValue<Option<Arc<dyn Fn() + Send + Sync>>> = StoredValue::new(None);
    let run_save = move || {
        if let Some(save) = saver.get_value() {
            save();
        }
    };
    let send_direct = {
        let (section_key, prompt_key, draft_key) =
            (section_key.clone(), prompt_key.clone(), draft_key.clone());
        move |text: String, not_kept: Option<String>| {
            if in_flight.get_value() {
                again.set_value(true);
                return;
            }
            state.set(SaveState::Saving);
            in_flight.set_value(true);
            let (section_key, prompt_key, draft_key) =
                (section_key.clone(), prompt_key.clone(), draft_key.clone());
            let sent_generation = generation.get_value();
            leptos::task::spawn_local(async move {
                let reply = save_answer(
                    new_op_id(),
                    entry_id.get_value(),
                    section_key,
                    prompt_key,
                    rev.get_value(),
                    text.clone(),
                )
                .await;
                in_flight.set_value(false);
                let wanted_again = again.get_value();
                again.set_value(false);
                match reply {
                    Ok(reply) => {
                        entry_id.set_value(reply.entry_id);
                        attempts.set_value(0);
                        rev.set_value(reply.rev);
                        if let Some(theirs) = reply.conflict {
                            // Saving again will be based on the newer text once they have chosen.
                            state.set(SaveState::Conflict(theirs));
                        } else if generation.get_value() == sent_generation && !wanted_again {
                            local::remove(&draft_key);
                            state.set(SaveState::Saved);
                        } else {
                            run_save();
                        }
                    }
                    Err(_) if not_kept.is_some() => state.set(SaveState::Problem(format!(
                        "{} Tandem could not reach the server either, so copy your text somewhere safe before you leave this page.",
                        not_kept.unwrap_or_default()
                    ))),
                    Err(AppError::Unauthenticated) => state.set(SaveState::SignedOut),
                    Err(AppError::Invalid(errors)) => state.set(SaveState::Problem(
                        errors
                            .first()
                            .map(|e| e.message.clone())
                            .unwrap_or_default(),
                    )),
                    Err(
                        AppError::NotFound(message)
                        | AppError::TooManyAttempts(message)
                        | AppError::WrongPerson(message),
                    ) => state.set(SaveState::Problem(message)),
                    Err(_) => {
                        state.set(SaveState::Retrying);
                        let n = attempts.get_value().min(5);
                        attempts.set_value(n + 1);
                        // Back off: 2, 4, 8, 16, 32, 60 seconds.
                        let wait = Duration::from_secs((2u64 << n).min(60));
                        set_timeout(run_save, wait);
                    }
                }
            });
        }
    };
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
                state.set(SaveState::Problem(message));
                return;
            }
            // Through the outbox: it keeps the write on this device and sends it in
            // order, now or when the connection returns.
            let op_id = new_op_id();
            let args = SaveAnswer {
                op_id: op_id.clone(),
                entry_id: entry_id.get_value(),
                section_key: section_key.clone(),
                prompt_key: prompt_key.clone(),
                base_rev: rev.get_value(),
                body: text.clone(),
            };
            let (merge, label, href, send_direct) = (
                merge.clone(),
                label.clone(),
                href.clone(),
                send_direct.clone(),
            );
            leptos::task::spawn_local(async move {
                match crate::offline::enqueue(&op_id, &args, Some(&merge), &label, &href).await {
                    Ok(()) => {
                        let status = crate::offline::current_status();
                        if matches!(
                            state.get_untracked(),
                            SaveState::Unsaved | SaveState::Problem(_) | SaveState::Saved
                        ) {
                            state.set(if status.signed_out {
                                SaveState::SignedOut
                            } else if status.online && !status.retrying {
                                SaveState::Saving
                            } else {
                                SaveState::Retrying
                            });
                        }
                    }
                    Err(NotKept::Unavailable) => send_direct(text, None),
                    Err(NotKept::Storage(message)) => send_direct(text, Some(message)),
                }
            });
        }
    };
    saver.set_value(Some(Arc::new(save)));

    // The section's "Save answers" button: what is not saved yet goes now.
    if let Some(SaveAllNow(now)) = use_context::<SaveAllNow>() {
        Effect::watch(
            move || now.track(),
            move |_, _, _| {
                if matches!(
                    state.get_untracked(),
                    SaveState::Unsaved | SaveState::Retrying | SaveState::Problem(_)
                ) {
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
            if !matches!(state.get_untracked(), SaveState::Conflict(_)) {
                state.set(SaveState::Unsaved);
                schedule();
            }
        }
    };

    // What the outbox reports about this answer's writes.
    {
        let (merge, draft_key) = (merge.clone(), draft_key.clone());
        let mine = move |op: &crate::offline::Op| op.merge.as_deref() == Some(merge.as_str());
        let mine_sent = mine.clone();
        crate::offline::on_event("tandem:sent", move |sent: crate::offline::Sent| {
            if !mine_sent(&sent.op) {
                return;
            }
            let Some(reply) = sent
                .reply
                .and_then(|r| serde_json::from_value::<SaveReply>(r).ok())
            else {
                return;
            };
            entry_id.set_value(reply.entry_id);
            rev.set_value(reply.rev);
            if let Some(theirs) = reply.conflict {
                state.set(SaveState::Conflict(theirs));
            } else if sent.op.body() == Some(body.get_untracked().as_str())
                && sent
                    .op
                    .merge
                    .as_deref()
                    .and_then(crate::offline::waiting)
                    .is_none()
            {
                local::remove(&draft_key);
                state.set(SaveState::Saved);
            }
        });
        crate::offline::on_event("tandem:refused", move |refused: crate::offline::Refused| {
            if mine(&refused.op) {
                state.set(SaveState::Problem(crate::offline::refusal(&refused.body)));
            }
        });
        crate::offline::on_event(
            "tandem:outbox",
            move |status: crate::offline::SyncStatus| {
                if matches!(
                    state.get_untracked(),
                    SaveState::Saving | SaveState::Retrying | SaveState::SignedOut
                ) {
                    if status.signed_out {
                        state.set(SaveState::SignedOut);
                    } else if !status.online || status.retrying {
                        state.set(SaveState::Retrying);
                    }
                }
            },
        );
        // Signing out: what was typed but not yet queued is queued now.
        crate::offline::on_event("tandem:before-sign-out", move |_: serde_json::Value| {
            if matches!(state.get_untracked(), SaveState::Unsaved) {
                run_save();
            }
        });
    }

    // Typed before the code arrived: kept on the device at once and saved after the pause.
    if let Some(text) = typed_early.clone() {
        let draft_key = draft_key.clone();
        Effect::new(move |_| {
            local::write(&draft_key, &entry_id.get_value(), rev.get_value(), &text);
            state.set(SaveState::Unsaved);
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
                    state.set(SaveState::Conflict(c.theirs));
                    return;
                }
                if let Some((draft_entry, draft_rev, text)) = local::read(&draft_key) {
                    if text != server_body {
                        entry_id.set_value(draft_entry);
                        rev.set_value(draft_rev);
                        body.set(text);
                        state.set(SaveState::Unsaved);
                        schedule();
                        return;
                    }
                    local::remove(&draft_key);
                }
                if let Some(w) = crate::offline::waiting(&merge) {
                    entry_id.set_value(w.entry_id);
                    rev.set_value(w.base_rev);
                    body.set(w.body);
                    let status = crate::offline::current_status();
                    state.set(if status.online && !status.retrying {
                        SaveState::Saving
                    } else {
                        SaveState::Retrying
                    });
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
        state.set(SaveState::Unsaved);
        run_save();
    };
    let keep_theirs = move |_| {
        if let SaveState::Conflict(theirs) = state.get_untracked() {
            body.set(theirs);
            state.set(SaveState::Unsaved);
            run_save();
        }
    };

    let count = move || body.with(|b| b.chars().count());
    let status_id = format!("{id}-status");
    let count_id = format!("{id}-count");
    let described = format!("{status_id} {count_id}");
    let status_text = move || {
        match state.get() {
        SaveState::Saved if body.with(String::is_empty) => String::new(),
        SaveState::Saved => "Saved".into(),
        SaveState::Unsaved => "Not saved yet".into(),
        SaveState::Saving => "Saving…".into(),
        SaveState::Retrying => "Not saved yet — will retry. Your text is kept on this device.".into(),
        SaveState::SignedOut => "Not saved: you have been signed out. Your text is kept on this device and will be saved when you sign in again.".into(),
        SaveState::Problem(message) => format!("Not saved: {message}"),
        SaveState::Conflict(_) => "This answer was changed on another device. Choose which version to keep.".into(),
    }
    };
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
                let path = super::current_path();
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

/// Unsent drafts, in the browser's localStorage, keyed by person, section and question.
mod local {
    #[cfg(feature = "hydrate")]
    fn storage() -> Option<web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    pub fn write(key: &str, entry_id: &str, rev: i64, body: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let value =
                serde_json::json!({ "entry_id": entry_id, "rev": rev, "body": body }).to_string();
            let _ = s.set_item(key, &value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, entry_id, rev, body);
    }

    pub fn read(key: &str) -> Option<(String, i64, String)> {
        #[cfg(feature = "hydrate")]
        {
            let text = storage()?.get_item(key).ok()??;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            Some((
                v["entry_id"].as_str()?.to_string(),
                v["rev"].as_i64()?,
                v["body"].as_str()?.to_string(),
            ))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = key;
            None
        }
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
