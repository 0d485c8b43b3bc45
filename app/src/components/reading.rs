//! The section page's islands that need the browser: read-aloud and counting active time.

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Speech {
    Idle,
    Speaking,
    Paused,
}

/// Reads the section aloud with the browser's own speech synthesis, for people who prefer
/// listening. Appears only once the page's code runs and the browser can speak.
#[island]
pub fn ReadAloud(target: String) -> impl IntoView {
    let (supported, set_supported) = signal(false);
    let (speech, set_speech) = signal(Speech::Idle);
    Effect::new(move |_| set_supported.set(synth::available()));
    on_cleanup(synth::stop);

    let target = StoredValue::new(target);
    let listen = move |_| {
        synth::speak(&target.get_value(), move || set_speech.set(Speech::Idle));
        set_speech.set(Speech::Speaking);
    };
    let pause = move |_| match speech.get_untracked() {
        Speech::Speaking => {
            synth::pause();
            set_speech.set(Speech::Paused);
        }
        _ => {
            synth::resume();
            set_speech.set(Speech::Speaking);
        }
    };
    let stop = move |_| {
        synth::stop();
        set_speech.set(Speech::Idle);
    };
    let status = move || match speech.get() {
        Speech::Idle => "",
        Speech::Speaking => "Reading aloud",
        Speech::Paused => "Paused",
    };
    view! {
        <Show when=move || supported.get()>
            <div class="read-aloud" role="group" aria-label="Read aloud">
                <Show
                    when=move || speech.get() != Speech::Idle
                    fallback=move || view! { <button type="button" class="btn btn-secondary" on:click=listen>"Listen to this section"</button> }
                >
                    <button type="button" class="btn btn-secondary" on:click=pause>
                        {move || if speech.get() == Speech::Paused { "Resume" } else { "Pause" }}
                    </button>
                    <button type="button" class="btn btn-secondary" on:click=stop>"Stop"</button>
                </Show>
                <span class="muted" aria-live="polite">{status}</span>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod synth {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};

    fn synth() -> Option<web_sys::SpeechSynthesis> {
        window().speech_synthesis().ok()
    }

    pub fn available() -> bool {
        synth().is_some()
    }

    pub fn speak(target: &str, on_end: impl Fn() + 'static) {
        let (Some(synth), Some(el)) = (synth(), document().get_element_by_id(target)) else {
            return;
        };
        let text = el.text_content().unwrap_or_default();
        synth.cancel();
        if let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(&text) {
            utterance.set_lang("en-GB");
            let done = Closure::<dyn Fn()>::new(on_end);
            utterance.set_onend(Some(done.as_ref().unchecked_ref()));
            done.forget();
            synth.speak(&utterance);
        }
    }

    pub fn pause() {
        if let Some(s) = synth() {
            s.pause();
        }
    }

    pub fn resume() {
        if let Some(s) = synth() {
            s.resume();
        }
    }

    pub fn stop() {
        if let Some(s) = synth() {
            s.cancel();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod synth {
    pub fn available() -> bool {
        false
    }
    pub fn speak(_: &str, _: impl Fn() + 'static) {}
    pub fn pause() {}
    pub fn resume() {}
    pub fn stop() {}
}

/// Records that the section was opened, and the time the person is actively on it: only
/// while the page is visible and they have pressed a key, touched, scrolled or moved the
/// pointer in the last minute. Time is sent in whole-minute events (and whatever is left
/// when they leave), each with its own op id. An island with nothing to show.
#[island]
pub fn ActivityTracker(section_key: String, title: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    activity::track(section_key, title);
    #[cfg(not(feature = "hydrate"))]
    let _ = (section_key, title);
}

#[cfg(feature = "hydrate")]
mod activity {
    use leptos::{ev, prelude::*};
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    const TICK_SECS: i64 = 15;
    const IDLE_AFTER_MS: f64 = 60_000.0;
    const SEND_EVERY_SECS: i64 = 60;

    pub fn track(key: String, title: String) {
        let send = {
            let title = title.clone();
            move |key: &str, kind: &'static str, seconds: Option<i64>| {
                let label = match kind {
                    "opened" => format!("Opening “{title}”"),
                    _ => format!("Time spent on “{title}”"),
                };
                crate::offline::record_progress(key, kind, seconds, label);
            }
        };
        send(&key, "opened", None);
        let last_active = Arc::new(AtomicI64::new(js_sys_now()));
        let pending = Arc::new(AtomicI64::new(0));

        let mut listeners = vec![];
        for kind in [
            "keydown",
            "pointerdown",
            "pointermove",
            "scroll",
            "touchstart",
        ] {
            let last_active = last_active.clone();
            listeners.push(window_event_listener_untyped(kind, move |_| {
                last_active.store(js_sys_now(), Ordering::Relaxed)
            }));
        }
        let flush = {
            let (key, pending, send) = (key.clone(), pending.clone(), send.clone());
            move || {
                let seconds = pending.swap(0, Ordering::Relaxed);
                if seconds > 0 {
                    send(&key, "time_spent", Some(seconds));
                }
            }
        };
        listeners.push(window_event_listener(ev::pagehide, {
            let flush = flush.clone();
            move |_| flush()
        }));
        let interval = set_interval_with_handle(
            {
                let flush = flush.clone();
                let pending = pending.clone();
                move || {
                    let visible =
                        document().visibility_state() == web_sys::VisibilityState::Visible;
                    let active = js_sys_now() as f64 - (last_active.load(Ordering::Relaxed) as f64)
                        < IDLE_AFTER_MS;
                    // Count this tick while the person is here and active; send a minute at
                    // a time, and whatever is counted as soon as the page is hidden.
                    let counted = if visible && active {
                        pending.fetch_add(TICK_SECS, Ordering::Relaxed) + TICK_SECS
                    } else {
                        pending.load(Ordering::Relaxed)
                    };
                    if !visible || counted >= SEND_EVERY_SECS {
                        flush();
                    }
                }
            },
            Duration::from_secs(TICK_SECS as u64),
        )
        .ok();
        on_cleanup(move || {
            if let Some(interval) = interval {
                interval.clear();
            }
            for listener in listeners {
                listener.remove();
            }
            flush();
        });
    }

    fn js_sys_now() -> i64 {
        web_sys::js_sys::Date::now() as i64
    }
}
