//! Tandem's types and rules, with no I/O: compiled into the server and into the browser's
//! wasm alike, so both sides judge a form, a progress event or a review the same way.
//!
//! Owns: the people and settings (`model`), the course's shape (`content`), the learning
//! log's entries and prompts (`learning_log`), progress and CPD time (`progress`), the
//! review cycle (`review`), the setting's staff progress (`staff`), the checks on what people
//! type (`validate`), dates in a setting's time zone (`zone`) and the one error type
//! (`error`).
//! Must not: read the database, files, the network or the clock's zone database in the
//! browser build (the `ssr` feature adds the server-only parts), or depend on Leptos beyond
//! the server-function error trait.

pub mod check_in;
pub mod community;
pub mod content;
pub mod error;
pub mod learning_log;
pub mod model;
pub mod plan;
pub mod progress;
pub mod proposal;
pub mod review;
pub mod self_review;
pub mod single_sign_on;
pub mod staff;
pub mod terms;
pub mod validate;
pub mod zone;

/// Percent-encodes a path for use in a query string.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
