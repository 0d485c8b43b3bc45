//! The course pages' islands: what only this device knows (what is saved here for
//! offline use) and what must work offline (marking a section complete through the outbox).

use crate::components::Button;
use leptos::prelude::*;

/// "Saved on this device", for a module saved for offline use: known only on this
/// device, so an island.
#[island]
pub fn SavedHere(module_key: String) -> impl IntoView {
    let saved = RwSignal::new(false);
    {
        let key = module_key.clone();
        Effect::new(move |_| saved.set(crate::offline::saved_modules().contains(&key)));
        crate::offline::on_event(
            crate::offline::events::SAVED_MODULES,
            move |keys: Vec<String>| saved.set(keys.contains(&module_key)),
        );
    }
    move || {
        saved
            .get()
            .then(|| view! { <strong class="tag tag-blue">"Saved on this device"</strong> })
    }
}

/// "Finished this section?": a plain form before (or without) the page's code; once it
/// runs, the completion goes through the outbox (sent now, or once back online), so it
/// works offline too.
#[island]
pub fn MarkComplete(
    section_key: String,
    title: String,
    completed: bool,
    op_id: String,
) -> impl IntoView {
    let queued = RwSignal::new(false);
    let done = Signal::derive(move || completed || queued.get());
    let label = format!("Marking “{title}” as complete");
    // The button goes with the click: the note that replaces it takes the focus, so a
    // keyboard or screen reader user is not dropped to the top of the page, and hears it.
    let note = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let (true, Some(note)) = (queued.get(), note.get()) {
            let _ = note.focus();
        }
    });
    let queue_completion = {
        let key = section_key.clone();
        move |ev: leptos::ev::SubmitEvent| {
            // Without the outbox (blocked storage), the plain form records it.
            if crate::offline::available() {
                ev.prevent_default();
                crate::offline::record_progress(&key, "completed", None, label.clone());
                queued.set(true);
            }
        }
    };
    view! {
        <section aria-labelledby="complete-heading" class="card complete-card">
            <h2 id="complete-heading" class="card-heading">"Finished this section?"</h2>
            <Show
                when=move || done.get()
                fallback=move || {
                    let (key, op_id) = (section_key.clone(), op_id.clone());
                    view! {
                        <form method="post" action="/api/progress/record" on:submit=queue_completion.clone()>
                            <input type="hidden" name="op_id" value=op_id/>
                            <input type="hidden" name="section_key" value=key/>
                            <input type="hidden" name="kind" value="completed"/>
                            <Button>"Mark as complete"</Button>
                        </form>
                    }
                }
            >
                <p role="status" class="complete-note" tabindex="-1" node_ref=note>
                    "You have completed this section."
                    {move || (queued.get() && !crate::offline::current_status().online).then_some(" It will be recorded when you are back online.")}
                </p>
            </Show>
        </section>
    }
}

/// "Save for offline use": fetches the module's pages into this device's cache so they
/// open without a connection, with progress as it goes. "Remove from this device" undoes it.
/// An island: what is saved is known only on this device.
#[island]
pub fn OfflineSave(module_key: String, urls: Vec<String>) -> impl IntoView {
    #[derive(Clone, PartialEq)]
    enum State {
        Unknown,
        NotSaved,
        Saving(u32, u32),
        Saved,
        Failed(String),
    }
    let state = RwSignal::new(State::Unknown);
    {
        let key = module_key.clone();
        Effect::new(move |_| {
            let key = key.clone();
            leptos::task::spawn_local(async move {
                crate::offline::ready().await;
                if crate::offline::available() {
                    let saved = crate::offline::saved_modules().contains(&key);
                    state.set(if saved { State::Saved } else { State::NotSaved });
                }
            });
        });
    }
    let total = urls.len() as u32;
    let save = {
        let (key, urls) = (module_key.clone(), urls.clone());
        move |_| {
            let (key, urls) = (key.clone(), urls.clone());
            state.set(State::Saving(0, total));
            leptos::task::spawn_local(async move {
                let progress = move |done, total| state.set(State::Saving(done, total));
                match crate::offline::save_module(key, urls, progress).await {
                    Ok(_) => state.set(State::Saved),
                    Err(message) => state.set(State::Failed(message)),
                }
            });
        }
    };
    let remove = {
        let key = module_key.clone();
        move |_| {
            let key = key.clone();
            leptos::task::spawn_local(async move {
                let _ = crate::offline::remove_module(key).await;
                state.set(State::NotSaved);
            });
        }
    };
    view! {
        <section aria-labelledby="offline-heading" class="card offline-card">
            <h2 id="offline-heading" class="card-heading">"Use this module offline"</h2>
            <p role="status" class="offline-state">
                {move || match state.get() {
                    State::Unknown => "Saving for offline use is available once the page has finished loading.".to_string(),
                    State::NotSaved => format!("Save this module's {total} pages on this device, so they open without a connection. What you write offline is sent when you reconnect."),
                    State::Saving(done, of) => format!("Saving page {done} of {of}…"),
                    State::Saved => "Saved on this device: this module opens without a connection.".to_string(),
                    State::Failed(message) => format!("Not saved: {message} Check your connection and try again."),
                }}
            </p>
            {move || match state.get() {
                State::Saved => view! {
                    <button type="button" class="btn btn-secondary" on:click=remove.clone()>"Remove from this device"</button>
                }.into_any(),
                State::NotSaved | State::Failed(_) => view! {
                    <button type="button" class="btn btn-primary" on:click=save.clone()>"Save for offline use"</button>
                }.into_any(),
                State::Saving(..) | State::Unknown => ().into_any(),
            }}
        </section>
    }
}
