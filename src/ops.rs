//! Health and metrics for operators: what the bot has done and whether it
//! can answer, for a load balancer, a supervisor or Prometheus.
//!
//! [`Ops`] is counted into by the bot wherever something happens (a
//! question answered, a request retried, a reload); it knows nothing of
//! Discord or of the fact base's types. [`listen`] serves it over HTTP:
//! `/healthz` (a small JSON body; 200 when the bot can answer, 503 when it
//! cannot) and `/metrics` (Prometheus text format 0.0.4).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use serde_json::json;

/// How a question reached the bot, as the `path` label says it.
pub const PATHS: [&str; 4] = ["slash", "mention", "auto", "button"];
/// What the bot did with a question, as the `outcome` label says it.
pub const OUTCOMES: [&str; 3] = ["answer", "suggest", "abstain"];

/// Upper bounds of the answer latency buckets, in seconds: finding an
/// answer takes well under a millisecond on a quiet machine, so the
/// buckets are fine at the bottom and reach a second for trouble.
const LATENCY_BUCKETS: [f64; 11] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.25, 1.0,
];

/// Longest reload problem `/healthz` repeats; the log has all of it.
const MAX_PROBLEM_CHARS: usize = 300;

type Labels2 = [(&'static str, &'static str); 2];
type Labels1 = [(&'static str, String); 1];

/// The bot's counters and health, shared by everything that reports to them.
#[derive(Debug)]
pub struct Ops {
    registry: Registry,
    questions: Family<Labels2, Counter>,
    latency: Histogram,
    retries: Family<Labels1, Counter>,
    records_dropped: Counter,
    reloads: Family<Labels1, Counter>,
    facts: Gauge,
    gateway: Gauge,
    connected: AtomicBool,
    fact_count: AtomicU64,
    last_reload: Mutex<Option<LastReload>>,
    /// Where the count of dropped question records is kept, when something
    /// other than [`Ops::question_record_dropped`] counts them.
    dropped_source: Mutex<Option<DroppedSource>>,
}

/// Reads a running total of dropped records.
struct DroppedSource(Box<dyn Fn() -> u64 + Send + Sync>);

impl std::fmt::Debug for DroppedSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DroppedSource")
    }
}

/// The outcome of the most recent reload, for `/healthz`.
#[derive(Debug, Clone, PartialEq)]
pub struct LastReload {
    pub at: DateTime<Utc>,
    /// The facts of the new base, or the first problem that kept it out.
    pub result: Result<usize, String>,
}

/// What `/healthz` answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// The bot can answer: connected to Discord's gateway, with a fact base.
    pub healthy: bool,
    pub body: serde_json::Value,
}

impl Default for Ops {
    fn default() -> Self {
        Ops::new()
    }
}

impl Ops {
    pub fn new() -> Ops {
        let mut registry = Registry::default();
        let questions = Family::<Labels2, Counter>::default();
        let latency = Histogram::new(LATENCY_BUCKETS);
        let retries = Family::<Labels1, Counter>::default();
        let records_dropped = Counter::default();
        let reloads = Family::<Labels1, Counter>::default();
        let facts = Gauge::default();
        let gateway = Gauge::default();
        registry.register(
            "talksbot_questions",
            "Questions the bot was asked, by how they came (path) and what it did (outcome)",
            questions.clone(),
        );
        registry.register(
            "talksbot_answer_latency_seconds",
            "Time to find the answer to a question, Discord not counted",
            latency.clone(),
        );
        registry.register(
            "talksbot_discord_retries",
            "Discord requests retried, by the status that made the bot retry (connection: no answer at all)",
            retries.clone(),
        );
        registry.register(
            "talksbot_question_records_dropped",
            "Question records not written to the question log (the answer was still given)",
            records_dropped.clone(),
        );
        registry.register(
            "talksbot_reloads",
            "Fact base reloads, by result (failed: the last good base kept serving)",
            reloads.clone(),
        );
        registry.register("talksbot_facts", "Facts in the base being served", facts.clone());
        registry.register(
            "talksbot_gateway_connected",
            "1 while connected to Discord's gateway, else 0",
            gateway.clone(),
        );
        // Every series an operator might alert on exists from the start, at
        // zero, so a rate over it is defined before the first event.
        for path in PATHS {
            for outcome in OUTCOMES {
                let _ = questions.get_or_create(&[("path", path), ("outcome", outcome)]);
            }
        }
        for result in ["ok", "failed"] {
            let _ = reloads.get_or_create(&[("result", result.to_string())]);
        }
        Ops {
            registry,
            questions,
            latency,
            retries,
            records_dropped,
            reloads,
            facts,
            gateway,
            connected: AtomicBool::new(false),
            fact_count: AtomicU64::new(0),
            last_reload: Mutex::new(None),
            dropped_source: Mutex::new(None),
        }
    }

    /// A question came by `path` (one of [`PATHS`]) and got `outcome` (one
    /// of [`OUTCOMES`]); `latency` is how long finding the answer took.
    pub fn question(&self, path: &'static str, outcome: &'static str, latency: Option<Duration>) {
        self.questions
            .get_or_create(&[("path", path), ("outcome", outcome)])
            .inc();
        if let Some(latency) = latency {
            self.latency.observe(latency.as_secs_f64());
        }
    }

    /// A Discord request is being retried after this HTTP status, or after
    /// no answer at all (`None`: the connection failed).
    pub fn discord_retry(&self, status: Option<u16>) {
        let status = status.map_or_else(|| "connection".to_string(), |s| s.to_string());
        self.retries.get_or_create(&[("status", status)]).inc();
    }

    /// A question's record was not written to the question log (the
    /// database was busy or gone, or the writer's queue was full). Call it
    /// once per record given up on.
    pub fn question_record_dropped(&self) {
        self.records_dropped.inc();
    }

    /// The question log keeps its own total of dropped records; the metric
    /// reads it from `total` each time it is served.
    pub fn count_dropped_records_from(&self, total: impl Fn() -> u64 + Send + Sync + 'static) {
        *self.dropped_source.lock().unwrap_or_else(|e| e.into_inner()) = Some(DroppedSource(Box::new(total)));
    }

    /// The fact base being served now has this many facts.
    pub fn base_loaded(&self, facts: usize) {
        self.fact_count.store(facts as u64, Ordering::Relaxed);
        self.facts.set(facts as i64);
    }

    /// A reload finished: the facts of the new base, or why it was refused
    /// (the last good base goes on serving).
    pub fn reload_finished(&self, result: Result<usize, String>) {
        let label = if result.is_ok() { "ok" } else { "failed" };
        self.reloads.get_or_create(&[("result", label.to_string())]).inc();
        if let Ok(facts) = result {
            self.base_loaded(facts);
        }
        // One line, short: a JSON body for a health check, not a report.
        let result = result.map_err(|problem| {
            let line = problem.split_whitespace().collect::<Vec<_>>().join(" ");
            match line.char_indices().nth(MAX_PROBLEM_CHARS) {
                Some((cut, _)) => format!("{}…", &line[..cut]),
                None => line,
            }
        });
        *self.last_reload.lock().unwrap_or_else(|e| e.into_inner()) = Some(LastReload { at: Utc::now(), result });
    }

    /// The gateway connection came up or went down.
    pub fn gateway_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Relaxed);
        self.gateway.set(i64::from(connected));
    }

    /// What `/healthz` says now.
    pub fn health(&self) -> Health {
        let connected = self.connected.load(Ordering::Relaxed);
        let facts = self.fact_count.load(Ordering::Relaxed);
        let last_reload = self.last_reload.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let healthy = connected && facts > 0;
        let last_reload = match last_reload {
            None => serde_json::Value::Null,
            Some(LastReload { at, result: Ok(facts) }) => json!({
                "at": at.to_rfc3339_opts(SecondsFormat::Secs, true),
                "result": "ok",
                "facts": facts,
            }),
            Some(LastReload {
                at,
                result: Err(problem),
            }) => json!({
                "at": at.to_rfc3339_opts(SecondsFormat::Secs, true),
                "result": "failed",
                "problem": problem,
            }),
        };
        Health {
            healthy,
            body: json!({
                "status": if healthy { "ok" } else { "unavailable" },
                "gateway": if connected { "connected" } else { "disconnected" },
                "facts": facts,
                "last_reload": last_reload,
            }),
        }
    }

    /// Every metric in the Prometheus text format (version 0.0.4).
    pub fn metrics_text(&self) -> String {
        if let Some(total) = &*self.dropped_source.lock().unwrap_or_else(|e| e.into_inner()) {
            let (total, shown) = ((total.0)(), self.records_dropped.get());
            if total > shown {
                self.records_dropped.inc_by(total - shown);
            }
        }
        let mut text = String::new();
        // Writing to a String cannot fail, and every metric here encodes.
        let _ = prometheus_text::encode(&mut text, &self.registry);
        text
    }

    fn respond(&self, method: &Method, path: &str) -> Response<Full<Bytes>> {
        let (status, content_type, body) = match (method, path) {
            (&Method::GET | &Method::HEAD, "/healthz") => {
                let health = self.health();
                let status = if health.healthy {
                    StatusCode::OK
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                };
                (status, "application/json", format!("{}\n", health.body))
            }
            (&Method::GET | &Method::HEAD, "/metrics") => {
                (StatusCode::OK, prometheus_text::CONTENT_TYPE, self.metrics_text())
            }
            (_, "/healthz" | "/metrics") => (
                StatusCode::METHOD_NOT_ALLOWED,
                "text/plain; charset=utf-8",
                "use GET\n".to_string(),
            ),
            _ => (
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                "talksbot serves /healthz and /metrics\n".to_string(),
            ),
        };
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = status;
        response.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(content_type),
        );
        response
    }
}

/// Why the listener could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen for health checks and metrics on {addr}: {source}")]
pub struct ListenError {
    pub addr: SocketAddr,
    #[source]
    pub source: std::io::Error,
}

/// The running listener; dropping it stops it.
#[derive(Debug)]
pub struct Listener {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Listener {
    /// The address it listens on (the port chosen, when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A client that has not sent its request headers in this long is dropped,
/// so idle connections cannot pile up.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `/healthz` and `/metrics` on `addr` until the returned listener
/// is dropped.
pub async fn listen(addr: SocketAddr, ops: Arc<Ops>) -> Result<Listener, ListenError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ListenError { addr, source })?;
    let bound = listener.local_addr().map_err(|source| ListenError { addr, source })?;
    tracing::info!(addr = %bound, "health and metrics served at /healthz and /metrics");
    let task = tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on
                    // rather than lose the listener.
                    tracing::warn!(error = %crate::logging::Chain(&e), "health and metrics: cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let ops = Arc::clone(&ops);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let response = ops.respond(req.method(), req.uri().path());
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(Listener { addr: bound, task })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(metrics: &str, series: &str) -> Option<f64> {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn a_bot_without_a_gateway_connection_is_unavailable() {
        let ops = Ops::new();
        ops.base_loaded(120);
        let health = ops.health();
        assert!(!health.healthy);
        assert_eq!(health.body["status"], "unavailable");
        assert_eq!(health.body["gateway"], "disconnected");
        assert_eq!(
            ops.respond(&Method::GET, "/healthz").status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        ops.gateway_connected(true);
        assert!(ops.health().healthy);
        assert_eq!(ops.respond(&Method::GET, "/healthz").status(), StatusCode::OK);
    }

    #[test]
    fn a_failed_reload_is_reported_but_the_last_good_base_keeps_the_bot_healthy() {
        let ops = Ops::new();
        ops.gateway_connected(true);
        ops.base_loaded(120);
        ops.reload_finished(Err(
            "1 problem(s):\nfacts/x.toml:3:1: missing field `answer`\n  fix: add it".into(),
        ));
        let health = ops.health();
        assert!(health.healthy, "still answering from the last good base");
        assert_eq!(health.body["facts"], 120);
        assert_eq!(health.body["last_reload"]["result"], "failed");
        assert_eq!(
            health.body["last_reload"]["problem"], "1 problem(s): facts/x.toml:3:1: missing field `answer` fix: add it",
            "the problem on one line"
        );
        ops.reload_finished(Ok(121));
        assert_eq!(ops.health().body["facts"], 121);
        let metrics = ops.metrics_text();
        assert_eq!(value(&metrics, "talksbot_reloads_total{result=\"failed\"}"), Some(1.0));
        assert_eq!(value(&metrics, "talksbot_reloads_total{result=\"ok\"}"), Some(1.0));
        assert_eq!(value(&metrics, "talksbot_facts"), Some(121.0));
    }

    #[test]
    fn metrics_count_questions_retries_and_dropped_records() {
        let ops = Ops::new();
        ops.question("slash", "answer", Some(Duration::from_micros(300)));
        ops.question("slash", "answer", Some(Duration::from_micros(300)));
        ops.question("button", "answer", None);
        ops.discord_retry(Some(429));
        ops.discord_retry(None);
        ops.question_record_dropped();
        let metrics = ops.metrics_text();
        assert_eq!(
            value(&metrics, "talksbot_questions_total{path=\"slash\",outcome=\"answer\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(
                &metrics,
                "talksbot_questions_total{path=\"mention\",outcome=\"abstain\"}"
            ),
            Some(0.0),
            "every path and outcome is there from the start"
        );
        assert_eq!(value(&metrics, "talksbot_answer_latency_seconds_count"), Some(2.0));
        assert_eq!(
            value(&metrics, "talksbot_answer_latency_seconds_bucket{le=\"0.0005\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(&metrics, "talksbot_discord_retries_total{status=\"429\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&metrics, "talksbot_discord_retries_total{status=\"connection\"}"),
            Some(1.0)
        );
        assert_eq!(value(&metrics, "talksbot_question_records_dropped_total"), Some(1.0));
        assert!(
            metrics.contains("# TYPE talksbot_answer_latency_seconds histogram"),
            "{metrics}"
        );
    }

    #[test]
    fn records_the_question_log_dropped_show_in_the_metrics() {
        let ops = Ops::new();
        let total = Arc::new(AtomicU64::new(3));
        let source = Arc::clone(&total);
        ops.count_dropped_records_from(move || source.load(Ordering::Relaxed));
        assert_eq!(
            value(&ops.metrics_text(), "talksbot_question_records_dropped_total"),
            Some(3.0)
        );
        total.store(7, Ordering::Relaxed);
        assert_eq!(
            value(&ops.metrics_text(), "talksbot_question_records_dropped_total"),
            Some(7.0)
        );
    }

    #[test]
    fn other_paths_and_methods_are_refused() {
        let ops = Ops::new();
        assert_eq!(ops.respond(&Method::GET, "/").status(), StatusCode::NOT_FOUND);
        assert_eq!(
            ops.respond(&Method::POST, "/metrics").status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
        let metrics = ops.respond(&Method::GET, "/metrics");
        assert_eq!(
            metrics.headers()[hyper::header::CONTENT_TYPE],
            "text/plain; version=0.0.4; charset=utf-8"
        );
    }
}
