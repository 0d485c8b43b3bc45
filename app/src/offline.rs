//! The app's side of the offline layer (`public/offline.js`): the outbox every write goes
//! through, the sync status, saving modules for offline use, and forgetting a person on
//! sign-out. In the browser these call `window.tandemOffline`; on the server they do
//! nothing. Where the script is missing (blocked, or an old cached page), writes fall back
//! to going straight to the server.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the sync status line shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub online: bool,
    pub pending: u32,
    /// Milliseconds since the epoch.
    pub last_synced: Option<f64>,
    pub signed_out: bool,
    pub retrying: bool,
}

/// A write the outbox finished: the server's reply to a save, if it was one.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Sent {
    pub op: Op,
    pub reply: Option<crate::api::log::SaveReply>,
}

/// A write the server refused for good, with its reason.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Refused {
    pub op: Op,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Op {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub section_key: String,
    #[serde(default)]
    pub prompt_key: String,
    #[serde(default)]
    pub entry_id: String,
    #[serde(default)]
    pub body: String,
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
                    .unwrap_or_else(|| "It could not be saved on this device.".into())
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

/// Queues an answer save. False when there is no outbox (the caller sends it directly).
pub fn enqueue_save(
    entry_id: &str,
    section_key: &str,
    prompt_key: &str,
    base_rev: i64,
    body: &str,
) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let op = serde_json::json!({
            "type": "save", "entry_id": entry_id, "section_key": section_key,
            "prompt_key": prompt_key, "base_rev": base_rev, "body": body,
        });
        js::call("enqueue", &[js::to_js(&op)]).is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (entry_id, section_key, prompt_key, base_rev, body);
        false
    }
}

/// Queues a progress event (opened, completed, time spent). False when there is no outbox.
pub fn enqueue_progress(section_key: &str, kind: &str, seconds: Option<i64>) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let op = serde_json::json!({
            "type": "progress", "section_key": section_key, "kind": kind, "seconds": seconds,
        });
        js::call("enqueue", &[js::to_js(&op)]).is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (section_key, kind, seconds);
        false
    }
}

/// Text for one answer still waiting in the outbox: (body, entry id, base revision).
pub fn waiting_text(section_key: &str, prompt_key: &str) -> Option<(String, String, i64)> {
    #[cfg(feature = "hydrate")]
    {
        #[derive(Deserialize)]
        struct Waiting {
            body: String,
            entry_id: String,
            base_rev: i64,
        }
        let value = js::call("waitingText", &[section_key.into(), prompt_key.into()])?;
        let w: Waiting = js::from_js(&value)?;
        Some((w.body, w.entry_id, w.base_rev))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (section_key, prompt_key);
        None
    }
}

pub fn flush() {
    #[cfg(feature = "hydrate")]
    js::call("flush", &[]);
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

/// Removes this person's cached pages and local data (signing out on a shared tablet).
pub async fn forget_this_person() {
    #[cfg(feature = "hydrate")]
    if let Some(promise) = js::call("forgetThisPerson", &[]) {
        let _ = js::wait(promise).await;
    }
}

/// A time of day on this device's clock, "14:05".
pub fn clock(ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = web_sys::js_sys::Date::new(&ms.into());
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        String::new()
    }
}
