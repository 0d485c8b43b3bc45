//! Counters and histograms for `GET /metrics` (Prometheus text format). One registry for
//! the process, counted with atomics so counting costs nothing noticeable when nobody
//! scrapes. Nothing is counted until the server turns metrics on (`enable`, for
//! `TANDEM_METRICS=true`), and every label comes from a fixed set (the router's routes),
//! so no request can add a series.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// Upper bounds, in seconds, of the latency histograms' buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.counts[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, n) in BUCKETS.iter().zip(self.counts) {
            cumulative += n;
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// What became of a write sent through a device's outbox.
#[derive(Clone, Copy, Debug)]
pub enum Outbox {
    /// Stored for the first time.
    Accepted,
    /// Sent again (a lost reply): answered as the first time, nothing written.
    Replayed,
    /// Written on an older version than the stored one: both kept, the person chooses.
    Conflicted,
    /// Not applied (someone else's id, too many versions waiting, invalid).
    Refused,
}

#[derive(Default)]
struct Registry {
    /// (route, method, status class) → count
    requests: Mutex<BTreeMap<(&'static str, &'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    outbox: [AtomicU64; 4],
    digests_sent: AtomicU64,
    digests_failed: AtomicU64,
    write_wait: Mutex<Histogram>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::default);
static ENABLED: AtomicBool = AtomicBool::new(false);

/// Starts counting (the server calls this when `TANDEM_METRICS=true`).
pub fn enable() {
    ENABLED.store(true, Relaxed);
}

fn on() -> bool {
    ENABLED.load(Relaxed)
}

/// How many series the registry holds (for the tests that send junk paths).
pub fn series() -> usize {
    let r = &*REGISTRY;
    r.requests.lock().map_or(0, |m| m.len()) + r.latency.lock().map_or(0, |m| m.len())
}

/// One HTTP request answered. `route` is the route's pattern (`/modules/{module}`), never
/// the raw path, so the number of series stays bounded whatever people request.
pub fn request(route: &'static str, method: &str, status: u16, took: Duration) {
    if !on() {
        return;
    }
    let r = &*REGISTRY;
    if let Ok(mut requests) = r.requests.lock() {
        *requests
            .entry((route, method_name(method), status))
            .or_default() += 1;
    }
    if let Ok(mut latency) = r.latency.lock() {
        latency
            .entry(route)
            .or_default()
            .observe(took.as_secs_f64());
    }
}

pub fn outbox(outcome: Outbox) {
    if !on() {
        return;
    }
    REGISTRY.outbox[outcome as usize].fetch_add(1, Relaxed);
}

pub fn digest(sent: bool) {
    if !on() {
        return;
    }
    let counter = if sent {
        &REGISTRY.digests_sent
    } else {
        &REGISTRY.digests_failed
    };
    counter.fetch_add(1, Relaxed);
}

/// How long a write waited for its turn (`store::write`).
pub fn write_wait(waited: Duration) {
    if !on() {
        return;
    }
    if let Ok(mut h) = REGISTRY.write_wait.lock() {
        h.observe(waited.as_secs_f64());
    }
}

/// The pool's state at the moment of a scrape.
pub struct Pool {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

/// Everything, in Prometheus' text exposition format (version 0.0.4).
pub fn render(pool: Pool) -> String {
    let r = &*REGISTRY;
    let mut out = String::new();
    out.push_str("# HELP tandem_http_requests_total HTTP requests answered, by route, method and status.\n# TYPE tandem_http_requests_total counter\n");
    if let Ok(requests) = r.requests.lock() {
        for ((route, method, status), n) in requests.iter() {
            let _ = writeln!(
                out,
                "tandem_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
    }
    out.push_str("# HELP tandem_http_request_duration_seconds Time to answer, by route.\n# TYPE tandem_http_request_duration_seconds histogram\n");
    if let Ok(latency) = r.latency.lock() {
        for (route, h) in latency.iter() {
            let labels = format!("route=\"{}\"", escape(route));
            h.write(&mut out, "tandem_http_request_duration_seconds", &labels);
        }
    }
    out.push_str("# HELP tandem_outbox_writes_total Writes sent from devices' outboxes, by outcome.\n# TYPE tandem_outbox_writes_total counter\n");
    for (i, name) in ["accepted", "replayed", "conflicted", "refused"]
        .iter()
        .enumerate()
    {
        let n = r.outbox[i].load(Relaxed);
        let _ = writeln!(out, "tandem_outbox_writes_total{{outcome=\"{name}\"}} {n}");
    }
    out.push_str("# HELP tandem_digests_total Email digests, by result.\n# TYPE tandem_digests_total counter\n");
    let _ = writeln!(
        out,
        "tandem_digests_total{{result=\"sent\"}} {}",
        r.digests_sent.load(Relaxed)
    );
    let _ = writeln!(
        out,
        "tandem_digests_total{{result=\"failed\"}} {}",
        r.digests_failed.load(Relaxed)
    );
    out.push_str("# HELP tandem_db_connections Database connections: open, idle, and the most the pool opens.\n# TYPE tandem_db_connections gauge\n");
    let _ = writeln!(out, "tandem_db_connections{{state=\"open\"}} {}", pool.size);
    let _ = writeln!(out, "tandem_db_connections{{state=\"idle\"}} {}", pool.idle);
    let _ = writeln!(
        out,
        "tandem_db_connections{{state=\"in_use\"}} {}",
        (pool.size as usize).saturating_sub(pool.idle)
    );
    let _ = writeln!(out, "tandem_db_connections{{state=\"max\"}} {}", pool.max);
    out.push_str("# HELP tandem_db_write_wait_seconds How long a write waited for its turn (SQLite has one writer).\n# TYPE tandem_db_write_wait_seconds histogram\n");
    if let Ok(h) = r.write_wait.lock() {
        h.write(&mut out, "tandem_db_write_wait_seconds", "");
    }
    out
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Methods by name; anything unusual is counted together, so a client cannot make series.
fn method_name(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "POST" => "POST",
        "HEAD" => "HEAD",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_series_are_labelled() {
        enable();
        request("/modules/{module}", "GET", 200, Duration::from_millis(3));
        request("/modules/{module}", "GET", 200, Duration::from_millis(30));
        request("/a\"b", "BREW", 418, Duration::from_secs(60));
        outbox(Outbox::Replayed);
        let text = render(Pool {
            size: 3,
            idle: 1,
            max: 8,
        });
        assert!(text.contains("tandem_http_requests_total{route=\"/modules/{module}\",method=\"GET\",status=\"200\"} 2"), "{text}");
        assert!(
            text.contains("route=\"/a\\\"b\",method=\"OTHER\",status=\"418\"} 1"),
            "{text}"
        );
        // 3 ms falls in le=0.005, 30 ms in le=0.05: cumulative counts.
        assert!(text.contains("tandem_http_request_duration_seconds_bucket{route=\"/modules/{module}\",le=\"0.0025\"} 0"));
        assert!(text.contains("tandem_http_request_duration_seconds_bucket{route=\"/modules/{module}\",le=\"0.005\"} 1"));
        assert!(text.contains("tandem_http_request_duration_seconds_bucket{route=\"/modules/{module}\",le=\"0.05\"} 2"));
        assert!(text.contains(
            "tandem_http_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 1"
        ));
        assert!(text.contains("tandem_db_connections{state=\"in_use\"} 2"));
        assert!(!text.contains("tandem_outbox_writes_total{outcome=\"replayed\"} 0"));
    }
}
