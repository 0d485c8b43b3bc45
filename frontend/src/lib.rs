//! The browser entry point: makes the islands on a server-rendered page interactive.
//! Everything else is in `app`. Must not grow: whatever is added here ships to every device
//! in the wasm.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Names the app crate, so that it is linked and its islands exported.
    app::islands::link();
    leptos::mount::hydrate_islands();
}
