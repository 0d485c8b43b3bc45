//! Clearing out what is no longer needed while the server runs: old rows once an hour
//! (`services::store::sweep`), and memory freed after a busy spell.

use services::store::sweep::sweep;
use services::store::Db;
use std::time::Duration;

pub fn spawn(db: Db) {
    memory::spawn();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        for hour in 0u64.. {
            every.tick().await;
            // With several app servers on one database, one of them does this (`jobs`).
            if !services::jobs::ours(&db, "housekeeping", Duration::from_secs(2 * 3600)).await {
                continue;
            }
            // Once a day (and at startup): erase the records of people who left longer ago
            // than their setting keeps them.
            if hour % 24 == 0 {
                retention(&db).await;
            }
            match sweep(&db).await {
                Ok(0) => {}
                Ok(rows) => {
                    tracing::info!(
                        rows,
                        "housekeeping: old sessions, write answers and counters deleted"
                    )
                }
                Err(error) => {
                    tracing::warn!(%error, "housekeeping failed; trying again in an hour")
                }
            }
        }
    });
}

/// Applies every setting's retention period; logs counts only.
pub async fn retention(db: &Db) {
    match services::store::data_protection::apply_retention(db, services::store::now()).await {
        Ok(e) if e.people == 0 => {}
        Ok(e) => tracing::info!(
            people = e.people,
            entries = e.entries,
            posts = e.posts,
            "retention: records of people who left erased"
        ),
        Err(error) => tracing::warn!(%error, "retention failed; trying again tomorrow"),
    }
}

/// Rust's allocations go to mimalloc (main.rs), which hands freed memory back on its own;
/// SQLite's C code allocates from glibc's. glibc keeps what a busy spell freed: each thread
/// that allocates gets an arena (up to 8 per core), and freed pages inside an arena stay
/// with the process (before mimalloc, the server sat at about 100 MB doing nothing after a
/// burst of sign-ins). Fewer arenas, and handing free pages back every few seconds, keeps
/// SQLite's share near its idle size (figures: `make bench`).
mod memory {
    use std::time::Duration;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pub fn spawn() {
        // SAFETY: plain calls into the C library's allocator, with valid arguments; both
        // are documented as safe to call at any time from any thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
        tokio::spawn(async {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            loop {
                every.tick().await;
                // SAFETY: as above.
                unsafe {
                    libc::malloc_trim(0);
                }
            }
        });
    }

    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    pub fn spawn() {}
}
