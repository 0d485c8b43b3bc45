//! Tandem's server-side work, with no HTTP or Leptos in it: the SQL store, the course
//! loader, passwords and attempt limits, and what the server functions and downloads build
//! from the store (the learning log's summaries and export, a staff member's audited view,
//! PDFs, email digests).
//!
//! Owns: every SQL statement (`store`, one module per aggregate, every write through
//! `store::write`), reading `content/` (`content`), the app shell's build id (`shell`).
//! Must not: know who is asking (the callers check that first, through the app's guard),
//! answer HTTP, or be compiled into the browser build.

pub mod accounts;
pub mod check_ins;
pub mod content;
pub mod exports;
pub mod generate;
pub mod jobs;
pub mod learning_log;
pub mod mail;
mod markdown;
pub mod metrics;
pub mod network;
pub mod password;
pub mod pdf;
pub mod review;
pub mod secrets;
pub mod shell;
pub mod staff;
pub mod store;
#[cfg(test)]
pub(crate) mod test_dir;
pub mod throttle;
