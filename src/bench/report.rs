//! Latency recording (HDR histograms) and the reports the bench prints.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// The highest latency a histogram holds, in nanoseconds (one hour); longer
/// calls are recorded as this.
const MAX_NANOS: u64 = 3_600_000_000_000;

/// A histogram of latencies in nanoseconds, 3 significant figures.
#[derive(Debug, Clone)]
pub struct Latencies(Histogram<u64>);

impl Default for Latencies {
    fn default() -> Self {
        Latencies::new()
    }
}

impl Latencies {
    /// An empty histogram.
    pub fn new() -> Self {
        // 1 ns ..= 1 h with 3 significant figures is always a valid range.
        match Histogram::new_with_bounds(1, MAX_NANOS, 3) {
            Ok(histogram) => Latencies(histogram),
            Err(_) => unreachable!("constant histogram bounds are valid"),
        }
    }

    /// Records one latency.
    pub fn record(&mut self, latency: Duration) {
        let nanos = u64::try_from(latency.as_nanos())
            .unwrap_or(MAX_NANOS)
            .clamp(1, MAX_NANOS);
        // Saturating recording never fails within the bounds.
        self.0.saturating_record(nanos);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Latencies) {
        // Both have the same bounds, so adding cannot fail.
        let _ = self.0.add(&other.0);
    }

    /// How many latencies were recorded.
    pub fn len(&self) -> u64 {
        self.0.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The percentiles in milliseconds.
    pub fn summary_ms(&self) -> LatencySummary {
        let ms = |nanos: u64| nanos as f64 / 1e6;
        if self.0.is_empty() {
            return LatencySummary::default();
        }
        LatencySummary {
            p50: ms(self.0.value_at_quantile(0.50)),
            p90: ms(self.0.value_at_quantile(0.90)),
            p99: ms(self.0.value_at_quantile(0.99)),
            max: ms(self.0.max()),
            mean: self.0.mean() / 1e6,
        }
    }
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

/// What one kind of call did during a load run.
#[derive(Debug, Clone, Serialize)]
pub struct OperationReport {
    /// Calls that ended (successes and errors).
    pub requests: u64,
    /// Successful calls per second.
    pub throughput_per_s: f64,
    /// Latency of successful calls.
    pub latency_ms: LatencySummary,
    /// Errors by gRPC status code.
    pub errors: BTreeMap<String, u64>,
}

/// The result of a load run against a server.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// The scenario's name.
    pub scenario: String,
    /// The server it ran against.
    pub server: String,
    /// Concurrent callers.
    pub concurrency: usize,
    /// HTTP/2 connections the callers share.
    pub connections: usize,
    /// The measured time (warm-up excluded), in seconds.
    pub duration_s: f64,
    /// Calls that ended in the measured time (for `ingest-stream`: stream items).
    pub requests: u64,
    /// Successful calls per second.
    pub throughput_per_s: f64,
    /// Documents ingested per second (ingest scenarios and mixed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs_per_s: Option<f64>,
    /// Hits per successful search (a check that the searches found
    /// something).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hits_per_search: Option<f64>,
    /// Latency of successful calls (for `ingest-stream`: of each item, from
    /// sending it to its answer).
    pub latency_ms: LatencySummary,
    /// Errors by gRPC status code (an empty map when there were none).
    pub errors: BTreeMap<String, u64>,
    /// The same figures per kind of call, for `mixed`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub operations: BTreeMap<String, OperationReport>,
    /// Documents in the corpus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus_docs: Option<usize>,
    /// The corpus's raw text bytes (titles and bodies, UTF-8), for the memory
    /// target: resident size ≤ 2 × raw text + 50 MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus_raw_text_bytes: Option<u64>,
    /// The server's resident set size after the run, when `--server-pid` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_bytes: Option<u64>,
    /// The server's resident set size `--settle` seconds after the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_rss_settled_bytes: Option<u64>,
}

impl LoadReport {
    /// How many calls failed.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// A readable table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let mut row = |name: &str, value: String| out.push_str(&format!("{name:<22} {value}\n"));
        row("scenario", self.scenario.clone());
        row("server", self.server.clone());
        row(
            "callers/connections",
            format!("{} / {}", self.concurrency, self.connections),
        );
        row("duration", format!("{:.2} s", self.duration_s));
        row("requests", self.requests.to_string());
        row(
            "throughput",
            format!("{:.1} calls/s", self.throughput_per_s),
        );
        if let Some(docs) = self.docs_per_s {
            row("ingest", format!("{docs:.1} docs/s"));
        }
        if let Some(hits) = self.hits_per_search {
            row("hits per search", format!("{hits:.2}"));
        }
        row("latency p50/p90/p99", format_latency(&self.latency_ms));
        row("latency max", format!("{:.3} ms", self.latency_ms.max));
        row("errors", format_errors(&self.errors));
        for (name, op) in &self.operations {
            row(
                &format!("  {name}"),
                format!(
                    "{} calls, {:.1}/s, {}, errors {}",
                    op.requests,
                    op.throughput_per_s,
                    format_latency(&op.latency_ms),
                    format_errors(&op.errors)
                ),
            );
        }
        if let Some(docs) = self.corpus_docs {
            row("corpus documents", docs.to_string());
        }
        if let Some(bytes) = self.corpus_raw_text_bytes {
            row("corpus raw text", format_bytes(bytes));
            row(
                "memory target",
                format!(
                    "≤ {} (2 × raw text + 50 MB)",
                    format_bytes(memory_target(bytes))
                ),
            );
        }
        if let Some(rss) = self.server_rss_bytes {
            row("server RSS", format_bytes(rss));
        }
        if let Some(rss) = self.server_rss_settled_bytes {
            row("server RSS, settled", format_bytes(rss));
        }
        out
    }
}

/// The memory target for a corpus of `raw` text bytes: 2 × raw + 50 MB.
pub fn memory_target(raw: u64) -> u64 {
    raw.saturating_mul(2).saturating_add(50 * 1024 * 1024)
}

/// "p50 / p90 / p99 ms".
pub fn format_latency(l: &LatencySummary) -> String {
    format!("{:.3} / {:.3} / {:.3} ms", l.p50, l.p90, l.p99)
}

fn format_errors(errors: &BTreeMap<String, u64>) -> String {
    if errors.is_empty() {
        return "none".into();
    }
    errors
        .iter()
        .map(|(code, n)| format!("{code}={n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Bytes in MiB with the exact count.
pub fn format_bytes(bytes: u64) -> String {
    format!("{:.1} MiB ({bytes} B)", bytes as f64 / (1024.0 * 1024.0))
}

/// A gRPC code as its canonical name ("DEADLINE_EXCEEDED").
pub fn code_name(code: tonic::Code) -> String {
    let camel = format!("{code:?}");
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The resident set size of a process, from `/proc/PID/status` (Linux).
pub fn process_rss_bytes(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kb| kb * 1024)
        .ok_or_else(|| format!("{path} has no VmRSS line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_names() {
        let mut a = Latencies::new();
        for ms in 1..=100u64 {
            a.record(Duration::from_millis(ms));
        }
        let mut b = Latencies::new();
        b.record(Duration::from_secs(7200));
        a.merge(&b);
        assert_eq!(a.len(), 101);
        let s = a.summary_ms();
        assert!((s.p50 - 51.0).abs() < 0.1, "{s:?}");
        assert!(s.max >= 3_599_000.0, "{s:?}");
        assert_eq!(Latencies::new().summary_ms(), LatencySummary::default());
        assert_eq!(
            code_name(tonic::Code::DeadlineExceeded),
            "DEADLINE_EXCEEDED"
        );
        assert_eq!(code_name(tonic::Code::Ok), "OK");
        assert_eq!(memory_target(1), 2 + 50 * 1024 * 1024);
    }

    #[test]
    fn rss_of_this_process() {
        let rss = process_rss_bytes(std::process::id()).expect("rss");
        assert!(rss > 0);
        assert!(process_rss_bytes(u32::MAX).is_err());
    }
}
