//! Password hashing with argon2id. Hashing is deliberately slow and uses 19 MiB a time, so
//! it runs on a few threads of its own, one per core: a burst of sign-ins waits its turn or,
//! past a short queue, is asked to try again in a moment (503), instead of running hundreds
//! of hashes at once and holding gigabytes.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use domain::error::AppError;

pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            AppError::Internal
        })
}

/// How many argon2 checks this process has run (for the tests that show an account without
/// a password costs the same check as one with).
pub fn checks_run() -> u64 {
    CHECKS.load(std::sync::atomic::Ordering::Relaxed)
}

static CHECKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn verify_blocking(password: &str, hash: &str) -> bool {
    CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash(password: String) -> Result<String, AppError> {
    on_hashing_thread(move || hash_blocking(&password)).await?
}

/// Verifies against the stored hash, or against a dummy hash when there is no account or
/// the account has no password (made by single sign-on, or erased), so that the time taken
/// does not reveal which emails have accounts or how they sign in. `Err` only when the
/// server is too busy to try (the attempt should not count).
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    on_hashing_thread(move || {
        let (checked, real) = hash_to_check(hash.as_deref());
        verify_blocking(&password, checked) && real
    })
    .await
}

/// The hash a password is checked against: the account's own when it is a real hash,
/// otherwise the dummy one (and `false`: nothing may match it).
fn hash_to_check(stored: Option<&str>) -> (&str, bool) {
    match stored.filter(|h| PasswordHash::new(h).is_ok()) {
        Some(hash) => (hash, true),
        None => (dummy_hash(), false),
    }
}

/// A real argon2id hash of nothing anyone types, made once, with the same parameters as
/// every stored hash (so checking it takes as long).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("dummy password for timing").unwrap_or_default())
}

type Job = Box<dyn FnOnce() + Send>;

/// How many hashes may wait, per thread: a second or two's worth (a waiting hash holds only
/// its password; the memory is taken when it runs).
const QUEUED_PER_THREAD: usize = 32;

static HASHING: std::sync::LazyLock<std::sync::mpsc::SyncSender<Job>> =
    std::sync::LazyLock::new(|| {
        return_large_blocks();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(threads * QUEUED_PER_THREAD);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || loop {
                    let job = queue.lock().map(|q| q.recv());
                    match job {
                        Ok(Ok(job)) => job(),
                        _ => break,
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        jobs
    });

/// Each hash takes one 19 MiB block. glibc's malloc serves a block that size from mmap at
/// first, then (its threshold rising to the size of the last block freed) from the heap,
/// where freed blocks stay part of the process and fragment: memory grew by 19 MiB every
/// few sign-ins and never came back. A fixed threshold keeps every such block in mmap, so
/// it is returned to the system the moment the hash is done.
fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a malloc tuning parameter; it is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let (done, result) = tokio::sync::oneshot::channel();
    HASHING
        .try_send(Box::new(move || {
            let _ = done.send(work());
        }))
        .map_err(|e| match e {
            std::sync::mpsc::TrySendError::Full(_) => AppError::Busy(
                "Tandem is very busy just now. Wait a few seconds and try again; nothing you typed is lost."
                    .into(),
            ),
            std::sync::mpsc::TrySendError::Disconnected(_) => AppError::Internal,
        })?;
    result.await.map_err(|_| AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_hashes_queues_briefly_and_turns_the_rest_away() {
        let burst: Vec<_> = (0..200)
            .map(|_| tokio::spawn(verify("guess".into(), None)))
            .collect();
        let (mut tried, mut busy) = (0, 0);
        for attempt in burst {
            match attempt.await.unwrap() {
                Ok(matched) => {
                    assert!(!matched);
                    tried += 1;
                }
                Err(AppError::Busy(_)) => busy += 1,
                Err(other) => panic!("{other:?}"),
            }
        }
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
        assert!(tried >= threads, "{tried} tried");
        assert!(
            busy > 0 && tried <= threads * (QUEUED_PER_THREAD + 1) + threads,
            "{tried} tried, {busy} turned away"
        );
    }

    /// An account without a password (single sign-on's `!single-sign-on`, an erased
    /// account's `!erased`) or no account at all is checked against a real argon2 hash, so
    /// refusing it takes as long as refusing a wrong password.
    #[tokio::test]
    async fn accounts_without_a_password_are_checked_against_a_real_hash() {
        for stored in [Some("!single-sign-on"), Some("!erased"), Some(""), None] {
            let (checked, real) = hash_to_check(stored);
            assert!(!real, "{stored:?}");
            assert!(checked.starts_with("$argon2id$"), "{stored:?}: {checked}");
            assert!(!verify("!single-sign-on".into(), stored.map(String::from))
                .await
                .unwrap());
        }
        let real = hash_blocking("kettle orbit window").unwrap();
        assert_eq!(hash_to_check(Some(&real)), (real.as_str(), true));
        assert!(verify("kettle orbit window".into(), Some(real))
            .await
            .unwrap());
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let hash = hash_blocking("kettle orbit window").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_blocking("kettle orbit window", &hash));
        assert!(!verify_blocking("kettle orbit door", &hash));
        assert!(!verify_blocking("anything", "not a hash"));
    }
}
