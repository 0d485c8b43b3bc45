//! How fast one person may write. A person types a few saves a minute; a tablet coming back
//! online sends its outbox in a burst of a few hundred. Anything far beyond that is a script,
//! and is asked to slow down (429, which the outbox retries later) rather than filling the
//! database.
//!
//! The allowance is one bucket per person in the database (`store::write_allowance`),
//! shared by every app server, so spreading requests across servers gains nothing. A server
//! takes tokens `CHUNK` at a time and spends them here, so most writes cost no extra
//! database write; a server holds at most `CHUNK - 1` of a person's tokens unspent.

use crate::store::{write_allowance, write_allowance::Bucket, Db};
use std::collections::HashMap;
use std::sync::Mutex;

/// Tokens a server takes from the shared bucket at once. Each take is a write of its own,
/// queued with the saves: at 10 a time, 200 people saving ~1,000 times a second made 100
/// extra writes a second and the saves' p99 went from 9.6 to 13.4 ms. At 50 it is 20; a
/// server then holds at most 49 of a person's tokens, against a burst of 600.
const CHUNK: u32 = 50;

/// A person's write allowance, as this server spends it.
pub struct Throttle {
    bucket: Bucket,
    /// Tokens this server has taken and not yet spent, by person.
    held: Mutex<HashMap<i64, u32>>,
}

impl Throttle {
    /// `burst` writes at once, then `per_second`.
    pub fn new(burst: u32, per_second: u32) -> Throttle {
        Throttle {
            bucket: Bucket {
                burst: f64::from(burst),
                per_second: f64::from(per_second),
            },
            held: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one write from `person`'s allowance; false when there is none left just now.
    /// When the database cannot be asked, the write is let through: the write that follows
    /// meets the same database, and refusing everyone's saves would be worse.
    pub async fn allow(&self, db: &Db, person: i64) -> bool {
        let now_ms = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        self.allow_at(db, person, now_ms).await
    }

    async fn allow_at(&self, db: &Db, person: i64, now_ms: i64) -> bool {
        if self.spend_held(person) {
            return true;
        }
        match write_allowance::take(db, person, self.bucket, CHUNK, now_ms).await {
            Ok(0) => false,
            Ok(taken) => {
                self.hold(person, taken - 1);
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "the write allowance could not be read; letting the write through");
                true
            }
        }
    }

    fn spend_held(&self, person: i64) -> bool {
        let Ok(mut held) = self.held.lock() else {
            return false;
        };
        match held.get_mut(&person) {
            Some(n) if *n > 1 => {
                *n -= 1;
                true
            }
            Some(_) => {
                held.remove(&person);
                true
            }
            None => false,
        }
    }

    fn hold(&self, person: i64, tokens: u32) {
        if tokens == 0 {
            return;
        }
        if let Ok(mut held) = self.held.lock() {
            *held.entry(person).or_default() += tokens;
        }
    }
}

/// Answer saves, progress events and community writes.
pub static WRITES: std::sync::LazyLock<Throttle> =
    std::sync::LazyLock::new(|| Throttle::new(600, 20));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    async fn allowed(t: &Throttle, db: &Db, person: i64, n: usize, at: i64) -> usize {
        let mut yes = 0;
        for _ in 0..n {
            yes += usize::from(t.allow_at(db, person, at).await);
        }
        yes
    }

    #[tokio::test]
    async fn a_burst_is_allowed_then_the_steady_rate() {
        let db = test_db::fresh().await;
        let (setting, sam) =
            test_db::person(&db, "sam@oak.example", Role::Practitioner, None).await;
        let (_, kim) =
            test_db::person(&db, "kim@oak.example", Role::Practitioner, Some(setting)).await;
        let t = Throttle::new(25, 2);
        let start = 1_000_000;
        assert_eq!(
            allowed(&t, &db, sam, 30, start).await,
            25,
            "the burst, no more"
        );
        assert!(
            t.allow_at(&db, kim, start).await,
            "someone else is not held up"
        );
        assert_eq!(
            allowed(&t, &db, sam, 3, start + 500).await,
            1,
            "one more after half a second"
        );
        assert_eq!(
            allowed(&t, &db, sam, 30, start + 60_000).await,
            25,
            "refilled, to the burst"
        );
    }

    #[tokio::test]
    async fn two_servers_share_one_allowance() {
        let (_dir, a, b) = test_db::two_servers().await;
        let (_, sam) = test_db::person(&a, "sam@oak.example", Role::Practitioner, None).await;
        // A burst of five of the servers' takes, so each server holds some at a time.
        let burst = 5 * CHUNK;
        let (on_a, on_b) = (Throttle::new(burst, 2), Throttle::new(burst, 2));
        let start = 1_000_000;
        let mut yes = 0;
        // A load balancer alternating the person's writes between the servers.
        for i in 0..4 * burst {
            let (throttle, db) = if i % 2 == 0 { (&on_a, &a) } else { (&on_b, &b) };
            yes += u32::from(throttle.allow_at(db, sam, start).await);
        }
        assert_eq!(yes, burst, "one burst across both servers, not one each");
    }
}
