//! How fast one person may write. A person types a few saves a minute; a tablet coming back
//! online sends its outbox in a burst of a few hundred. Anything far beyond that is a script,
//! and is asked to slow down (429, which the outbox retries later) rather than filling the
//! database. Kept in memory: it guards this process's database writes, and a restart (or a
//! second process) only gives a little more room, never less.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// A token bucket per person: `burst` writes at once, then `per_second`.
pub struct Throttle {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl Throttle {
    pub fn new(burst: u32, per_second: u32) -> Throttle {
        Throttle {
            burst: burst as f64,
            per_second: per_second as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one write from `person`'s allowance; false when there is none left just now.
    pub fn allow(&self, person: i64) -> bool {
        self.allow_at(person, Instant::now())
    }

    fn allow_at(&self, person: i64, now: Instant) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        // Full buckets hold nothing worth keeping: drop them now and then.
        if buckets.len() > 10_000 {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(person).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Answer saves and progress events.
pub static WRITES: std::sync::LazyLock<Throttle> =
    std::sync::LazyLock::new(|| Throttle::new(600, 20));

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_the_steady_rate() {
        let t = Throttle::new(5, 2);
        let start = Instant::now();
        assert!((0..5).all(|_| t.allow_at(1, start)));
        assert!(!t.allow_at(1, start), "the burst is used");
        assert!(t.allow_at(2, start), "someone else is not held up");
        assert!(
            t.allow_at(1, start + Duration::from_millis(500)),
            "one more after half a second"
        );
        assert!(!t.allow_at(1, start + Duration::from_millis(500)));
        assert!(
            (0..5).all(|_| t.allow_at(1, start + Duration::from_secs(60))),
            "refilled, to the burst"
        );
        assert!(!t.allow_at(1, start + Duration::from_secs(60)));
    }
}
