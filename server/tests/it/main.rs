//! The server's integration tests, in one binary (one link of the whole server instead of
//! one per file). `cargo nextest` runs each test in its own process, so tests that read
//! process-wide figures (memory, metrics) are not disturbed by their neighbours.

mod common;

mod abuse;
mod accounts;
mod admin;
mod backup;
mod burst;
mod check_in;
mod community;
mod course;
mod data_protection;
mod import_setting;
mod log;
mod mail;
mod metrics;
mod offline;
mod pages;
mod password_reset;
mod pdf;
mod plan;
mod review;
mod review_piece;
mod security;
mod sso;
mod staff_import;
mod time_zone;
