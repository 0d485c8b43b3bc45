//! The app's side of the offline layer (`public/offline.js`): the outbox every write goes
//! through, the sync status, what needs the person's attention, saving modules for offline
//! use, and signing out on a shared device. In the browser these call
//! `window.tandemOffline`; on the server they do nothing. Where the script is missing
//! (blocked, or an old cached page), writes go straight to the server.
//!
//! One write contract: a queued write is a server function's path and its arguments,
//! serialised from the function's own argument type (`SaveAnswer`, `RecordProgress`). The
//! script sends them as they are, so the Rust types are the only description of a write.
//! Their wire names must not change while writes may be queued on devices: rename an
//! argument with `#[server(rename = "old_name")]` (the tests below pin them).

use crate::api::course::RecordProgress;
#[cfg(feature = "hydrate")]
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

/// What the sync status line shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncStatus {
    pub online: bool,
    /// Writes still to send.
    pub pending: u32,
    /// Writes the person has to deal with: refused by the server, or a conflict to settle.
    pub attention: u32,
    /// Writes kept on this device for other people, until they sign in here again.
    pub others: u32,
    /// Milliseconds since the epoch.
    pub last_synced: Option<f64>,
    pub signed_out: bool,
    /// Someone else has signed in on this device since this page loaded.
    pub elsewhere: bool,
    pub retrying: bool,
    /// Why the last write could not be kept on this device (storage full or blocked).
    pub storage_error: Option<String>,
}

/// A write as the outbox reports it back.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Op {
    pub op_id: String,
    pub path: String,
    #[serde(default)]
    pub merge: Option<String>,
    pub args: serde_json::Value,
}

impl Op {
    /// The text of a save.
    pub fn body(&self) -> Option<&str> {
        self.args.get("body").and_then(|b| b.as_str())
    }
}

/// A write the outbox finished, with the server's reply.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Sent {
    pub op: Op,
    pub reply: Option<serde_json::Value>,
}

/// A write the server refused, with its answer and what it says in words (the outbox
/// script words it: `public/status.js`, `refusal`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Refused {
    pub op: Op,
    pub body: String,
    pub message: String,
}

/// An unsettled conflict of one answer.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Conflict {
    pub mine: String,
    pub theirs: String,
    pub rev: i64,
    pub entry_id: String,
}

/// Text of one answer still to be sent.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Waiting {
    pub body: String,
    pub entry_id: String,
    pub base_rev: i64,
}

/// Why a write could not be queued.
#[derive(Clone, Debug, PartialEq)]
pub enum NotKept {
    /// No outbox on this page: send it straight to the server.
    Unavailable,
    /// The device could not keep it (storage full or blocked): the message says so.
    Storage(String),
}

/// The op as the outbox takes it.
#[derive(Serialize)]
struct Queued<'a, F> {
    op_id: &'a str,
    path: &'static str,
    args: &'a F,
    merge: Option<&'a str>,
    label: &'a str,
    href: &'a str,
}

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::js_sys::{Function, Reflect, JSON};

    pub fn api() -> Option<JsValue> {
        let api = Reflect::get(&leptos::prelude::window(), &"tandemOffline".into()).ok()?;
        (!api.is_undefined() && !api.is_null()).then_some(api)
    }

    pub fn call(name: &str, args: &[JsValue]) -> Option<JsValue> {
        let api = api()?;
        let f: Function = Reflect::get(&api, &name.into()).ok()?.dyn_into().ok()?;
        let array = web_sys::js_sys::Array::new();
        for a in args {
            array.push(a);
        }
        f.apply(&api, &array).ok()
    }

    pub fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
        serde_json::to_string(value)
            .ok()
            .and_then(|s| JSON::parse(&s).ok())
            .unwrap_or(JsValue::NULL)
    }

    pub fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> Option<T> {
        let text: String = JSON::stringify(value).ok()?.into();
        serde_json::from_str(&text).ok()
    }

    pub async fn wait(promise: JsValue) -> Result<JsValue, String> {
        let promise: web_sys::js_sys::Promise = promise
            .dyn_into()
            .map_err(|_| "not a promise".to_string())?;
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| {
                Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "This device could not keep the change.".into())
            })
    }
}

/// True when the outbox is there to take writes.
pub fn available() -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::api().is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Keeps a write on this device and sends it when it can, under the person who made it.
/// `merge` names what it writes (a newer write of the same thing replaces a waiting one);
/// `label` and `href` say what it was and where, should it need the person's attention.
pub async fn enqueue<F: ServerFn + Serialize>(
    op_id: &str,
    args: &F,
    merge: Option<&str>,
    label: &str,
    href: &str,
) -> Result<(), NotKept> {
    let op = Queued {
        op_id,
        path: F::PATH,
        args,
        merge,
        label,
        href,
    };
    #[cfg(feature = "hydrate")]
    {
        let promise = js::call("enqueue", &[js::to_js(&op)]).ok_or(NotKept::Unavailable)?;
        js::wait(promise)
            .await
            .map(|_| ())
            .map_err(NotKept::Storage)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = op;
        Err(NotKept::Unavailable)
    }
}

/// Records a progress event (section opened, completed, time spent) through the outbox.
/// Without one, an "opened" or time event is not recorded (completing a section falls back
/// to its plain form: see `islands::course::MarkComplete`). `label` says what it was.
pub fn record_progress(section_key: &str, kind: &'static str, seconds: Option<i64>, label: String) {
    let op_id = crate::session::new_op_id();
    let args = RecordProgress {
        op_id: op_id.clone(),
        section_key: section_key.to_string(),
        kind: kind.to_string(),
        seconds,
        client_time: Some(now_secs()),
    };
    let href = format!("/modules/{}", section_key.replacen('.', "/", 1));
    leptos::task::spawn_local(async move {
        let _ = enqueue(&op_id, &args, None, &label, &href).await;
    });
}

/// Seconds since the epoch on this device's clock.
pub fn now_secs() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (web_sys::js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

/// Resolves once the outbox has read what this device keeps.
pub async fn ready() {
    #[cfg(feature = "hydrate")]
    if let Some(promise) = js::call("ready", &[]) {
        let _ = js::wait(promise).await;
    }
}

fn query<T: serde::de::DeserializeOwned>(name: &str, merge: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        js::from_js(&js::call(name, &[merge.into()])?)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, merge);
        None
    }
}

/// The newest text of one answer still to be sent.
pub fn waiting(merge: &str) -> Option<Waiting> {
    query("latest", merge)
}

/// An unsettled conflict of one answer.
pub fn conflict(merge: &str) -> Option<Conflict> {
    query("conflict", merge)
}

/// Throws a write away (a form that shows the refusal itself keeps the text).
pub fn discard(op_id: &str) {
    #[cfg(feature = "hydrate")]
    js::call("discard", &[op_id.into()]);
    #[cfg(not(feature = "hydrate"))]
    let _ = op_id;
}

pub fn current_status() -> SyncStatus {
    #[cfg(feature = "hydrate")]
    {
        js::call("status", &[])
            .and_then(|v| js::from_js(&v))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    SyncStatus::default()
}

/// The events the outbox script (`public/offline.js`) sends the page, by name: the one list
/// on the Rust side, checked against the script by a test.
pub mod events {
    /// A write reached the server (detail: `Sent`).
    pub const SENT: &str = "tandem:sent";
    /// The server refused a write for good (detail: `Refused`).
    pub const REFUSED: &str = "tandem:refused";
    /// The outbox changed (detail: `SyncStatus`).
    pub const OUTBOX: &str = "tandem:outbox";
    /// The person is signing out on this device: forms drop what they hold.
    pub const BEFORE_SIGN_OUT: &str = "tandem:before-sign-out";
    /// The modules saved on this device changed (detail: their keys).
    pub const SAVED_MODULES: &str = "tandem:saved-modules";
    pub const ALL: [&str; 5] = [SENT, REFUSED, OUTBOX, BEFORE_SIGN_OUT, SAVED_MODULES];
}

/// Calls `f` with the detail of each `name` event on the window, for as long as the
/// calling component lives.
pub fn on_event<T: serde::de::DeserializeOwned + 'static>(
    name: &'static str,
    f: impl Fn(T) + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener_untyped(name, move |ev| {
            if let Some(detail) = ev
                .dyn_ref::<web_sys::CustomEvent>()
                .map(|e| e.detail())
                .and_then(|d| js::from_js::<T>(&d))
            {
                f(detail);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, f);
}

/// The modules saved on this device.
pub fn saved_modules() -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        js::call("savedModules", &[])
            .and_then(|v| js::from_js(&v))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// Fetches the pages of a module into the cache; `progress(done, total)` after each.
/// Returns the bytes fetched.
pub async fn save_module(
    module_key: String,
    urls: Vec<String>,
    progress: impl Fn(u32, u32) + 'static,
) -> Result<f64, String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::Closure;
        let callback = Closure::<dyn Fn(u32, u32)>::new(progress);
        let promise = js::call(
            "saveModule",
            &[
                module_key.into(),
                js::to_js(&urls),
                callback.as_ref().clone(),
            ],
        )
        .ok_or("Saving for offline use is not available in this browser.")?;
        let bytes = js::wait(promise).await?;
        drop(callback);
        Ok(bytes.as_f64().unwrap_or_default())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (module_key, urls, progress);
        Err("Saving for offline use needs the page to have loaded fully.".into())
    }
}

pub async fn remove_module(module_key: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let promise = js::call("removeModule", &[module_key.into()]).ok_or("Not available.")?;
        js::wait(promise).await.map(|_| ())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = module_key;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::learning_log::{SaveAnswer, SaveReply};

    /// Writes already queued on devices carry these names: the outbox rules
    /// (`public/outbox-core.js`) chain saves by them, and the server must keep reading them.
    #[test]
    fn queued_writes_keep_their_wire_names() {
        let save = serde_json::to_value(SaveAnswer {
            op_id: "o".into(),
            entry_id: "e".into(),
            section_key: "m1.reflection".into(),
            prompt_key: "p1".into(),
            base_rev: 3,
            body: "text".into(),
        })
        .unwrap();
        assert_eq!(
            keys(&save),
            [
                "base_rev",
                "body",
                "entry_id",
                "op_id",
                "prompt_key",
                "section_key"
            ]
        );
        assert_eq!(<SaveAnswer as ServerFn>::PATH, "/api/log/save");
        let progress = serde_json::to_value(RecordProgress {
            op_id: "o".into(),
            section_key: "m1.knowledge".into(),
            kind: "opened".into(),
            seconds: None,
            client_time: Some(1),
        })
        .unwrap();
        assert_eq!(
            keys(&progress),
            ["client_time", "kind", "op_id", "seconds", "section_key"]
        );
        assert_eq!(<RecordProgress as ServerFn>::PATH, "/api/progress/record");
        let reply = serde_json::to_value(SaveReply {
            entry_id: "e".into(),
            rev: 2,
            status: domain::learning_log::EntryStatus::Draft,
            conflict: None,
        })
        .unwrap();
        assert_eq!(keys(&reply), ["conflict", "entry_id", "rev", "status"]);
    }

    /// Every event the islands listen for is one the outbox script sends, and the other way
    /// round: a renamed event fails here, not silently in a browser.
    #[test]
    fn the_outbox_scripts_events_are_the_ones_the_islands_listen_for() {
        let script = include_str!("../../public/offline.js");
        let sent: std::collections::BTreeSet<&str> = script
            .match_indices("emit(\"")
            .map(|(i, m)| {
                let rest = &script[i + m.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        let listened: std::collections::BTreeSet<&str> = events::ALL.into_iter().collect();
        assert_eq!(sent, listened);
        for name in events::ALL {
            assert!(name.starts_with("tandem:"), "{name}");
        }
    }

    fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }
}
