//! Forms whose writes go through the outbox (a post, a reply): typed offline, they are kept
//! on the device and sent when Tandem can be reached, like answers. Without the page's code
//! (or the outbox) the same form posts to the server as a plain form.

use crate::offline::{Refused, Sent};
use domain::error::AppError;
use leptos::prelude::*;

/// One form's queued write: the op still to be sent, and the server's refusal of it.
#[derive(Clone, Copy)]
pub struct QueuedWrite {
    pub waiting: RwSignal<Option<String>>,
    /// The device has stored the waiting write (only then may the page say it is kept).
    kept: RwSignal<bool>,
    pub refused: RwSignal<Option<AppError>>,
}

impl QueuedWrite {
    /// Follows the outcome of this form's writes: `sent` gets the server's reply.
    pub fn new(sent: impl Fn(serde_json::Value) + 'static) -> Self {
        let write = QueuedWrite {
            waiting: RwSignal::new(None),
            kept: RwSignal::new(false),
            refused: RwSignal::new(None),
        };
        crate::offline::on_event(crate::offline::events::SENT, move |done: Sent| {
            if write.waiting.get_untracked().as_deref() == Some(done.op.op_id.as_str()) {
                write.waiting.set(None);
                sent(done.reply.unwrap_or_default());
            }
        });
        crate::offline::on_event(crate::offline::events::REFUSED, move |refused: Refused| {
            if write.waiting.get_untracked().as_deref() == Some(refused.op.op_id.as_str()) {
                write.waiting.set(None);
                write.refused.set(Some(
                    serde_json::from_str(&refused.body).unwrap_or(AppError::Internal),
                ));
                // The form still holds the text and shows why: nothing else need keep it.
                crate::offline::discard(&refused.op.op_id);
            }
        });
        write
    }

    /// The form's submit handler. With the outbox there, the form's fields become the
    /// server function's arguments, queued under the form's `id` (the server stores a
    /// write with that id once), and the browser's own post is cancelled.
    pub fn submit<S>(self, ev: leptos::ev::SubmitEvent, label: String, href: String)
    where
        S: leptos::server_fn::ServerFn + serde::Serialize + leptos::form::FromFormData + 'static,
    {
        #[cfg(feature = "hydrate")]
        {
            if !crate::offline::available() {
                return;
            }
            let Ok(args) = S::from_event(&ev) else { return };
            let Some(op_id) = serde_json::to_value(&args)
                .ok()
                .and_then(|v| v.get("id").and_then(|id| id.as_str().map(str::to_string)))
            else {
                return;
            };
            ev.prevent_default();
            let form = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok());
            self.refused.set(None);
            self.kept.set(false);
            self.waiting.set(Some(op_id.clone()));
            leptos::task::spawn_local(async move {
                let stored = crate::offline::enqueue(&op_id, &args, None, &label, &href).await;
                if stored.is_ok() {
                    self.kept.set(true);
                } else {
                    // The device could not keep it: post the form as it is.
                    self.waiting.set(None);
                    if let Some(form) = form {
                        let _ = form.submit();
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, label, href);
    }

    /// What to show while the write waits.
    pub fn status(self) -> impl IntoView {
        move || {
            self.waiting.get().map(|_| {
                let online = crate::offline::current_status().online;
                view! {
                    <p class="muted" role="status">
                        {if online {
                            "Sending…"
                        } else if self.kept.get() {
                            "Kept on this device: it will be sent when Tandem can be reached. You can leave this page."
                        } else {
                            "Keeping it on this device…"
                        }}
                    </p>
                }
            })
        }
    }
}
