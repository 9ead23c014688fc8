//! When a failed GET is asked again, and how long to wait first (issue 10). Every request
//! the client makes is an idempotent GET, so a dropped connection, a timeout, a 429 or a
//! gateway's 502/503/504 is asked again with exponential backoff and full jitter (AWS's
//! "full jitter": a thundering herd of viewers spreads out), honouring `Retry-After`, all
//! inside one deadline per fetch. Any other answer (a 404, a 401) is final: asking again
//! would only get it again. backon runs the loop; this module decides.
//!
//! Whoever waits can hear about each retry: [`reporting`] sets, for the task that runs a
//! fetch, where [`Retrying`] notes go (the viewer's worker sends them to its pane,
//! `print` to a terminal's stderr). Without it the retries are silent.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};

use super::error::{ApiError, Endpoint};

/// `--retries` when nothing says otherwise.
pub const DEFAULT_RETRIES: u32 = 3;
/// The most `--retries` takes: more would only stretch the wait the deadline cuts anyway.
pub const MAX_RETRIES: u32 = 10;

/// How a fetch is asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 turns retries off.
    pub retries: u32,
    /// The first wait is at most this; each next one doubles, up to `max_delay`. Tests
    /// make it tiny.
    pub base: Duration,
    pub max_delay: Duration,
    /// A longer `Retry-After` is not waited for: the error says when to try again.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: DEFAULT_RETRIES,
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The default policy with `retries` further attempts.
    pub fn with_retries(retries: u32) -> Self {
        RetryPolicy {
            retries,
            ..RetryPolicy::default()
        }
    }

    /// Every attempt and wait of one fetch ends by then: twice the per-request timeout,
    /// so a retried fetch costs at most one more timeout than a single one.
    pub fn deadline(&self, timeout: Duration) -> Instant {
        Instant::now() + timeout.saturating_mul(2)
    }
}

/// A retry about to happen, for whoever waits for the fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retrying {
    pub endpoint: Endpoint,
    /// The attempt about to be made, from 2.
    pub attempt: u32,
    /// All the attempts there may be (`--retries` + 1).
    pub attempts: u32,
    /// How long until it is made.
    pub wait: Duration,
}

impl Retrying {
    /// "retrying (2/4) in 3 s", with `secs` left to wait.
    pub fn describe(&self, secs: u64) -> String {
        format!("retrying ({}/{}) in {secs} s", self.attempt, self.attempts)
    }

    /// Whole seconds of the wait, rounded up: "in 0 s" would read as a hang.
    pub fn wait_secs(&self) -> u64 {
        ceil_secs(self.wait)
    }
}

impl std::fmt::Display for Retrying {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(self.wait_secs()))
    }
}

/// Whole seconds, rounded up.
pub fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Where [`Retrying`] notes go.
pub type Sink = Arc<dyn Fn(Retrying) + Send + Sync>;

tokio::task_local! {
    static SINK: Sink;
}

/// Runs `fut` with its retries reported to `sink` (only what runs in this task: a
/// spawned task reports nothing unless it is wrapped too).
pub async fn reporting<F: Future>(sink: Sink, fut: F) -> F::Output {
    SINK.scope(sink, fut).await
}

/// The sink this task reports to, to pass on to a task it spawns.
pub fn current_sink() -> Option<Sink> {
    SINK.try_with(Arc::clone).ok()
}

fn report(note: Retrying) {
    // Outside `reporting` nobody listens.
    let _ = SINK.try_with(|sink| sink(note));
}

/// One attempt's failure, with the wait its answer asked for (`Retry-After`).
#[derive(Debug)]
pub struct Failure {
    pub error: ApiError,
    pub retry_after: Option<Duration>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// Worth asking again: the network failed, or the server said "later".
pub fn is_retryable(e: &ApiError) -> bool {
    match e {
        ApiError::Connect { .. }
        | ApiError::ConnectTimeout { .. }
        | ApiError::Proxy { .. }
        | ApiError::Timeout { .. }
        | ApiError::Network { .. }
        | ApiError::RateLimited { .. } => true,
        ApiError::Server { status, .. } => matches!(status, 502..=504),
        _ => false,
    }
}

/// Runs `attempt` until it succeeds, fails for good, the retries are used up, or the next
/// wait would end past `deadline`.
pub async fn run<T, Fut, F>(
    policy: &RetryPolicy,
    deadline: Instant,
    endpoint: Endpoint,
    attempt: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.base)
        .with_max_delay(policy.max_delay.max(policy.base))
        .with_factor(2.0)
        .with_max_times(policy.retries as usize);
    let cap = policy.retry_after_cap;
    let attempts = policy.retries.saturating_add(1);
    let mut made = 1;
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|f: &Failure| is_retryable(&f.error))
        .adjust(move |f: &Failure, next: Option<Duration>| {
            // `next` is None once the retries are used up; Retry-After does not add any.
            let ceiling = next?;
            let wait = match f.retry_after {
                Some(asked) if asked > cap => return None,
                Some(asked) => asked,
                None => full_jitter(ceiling),
            };
            (Instant::now() + wait < deadline).then_some(wait)
        })
        .notify(move |f: &Failure, wait: Duration| {
            made += 1;
            tracing::info!(
                endpoint = endpoint.noun(),
                attempt = made,
                of = attempts,
                delay_ms = wait.as_millis() as u64,
                after = %f.error,
                "retrying"
            );
            report(Retrying {
                endpoint,
                attempt: made,
                attempts,
                wait,
            });
        })
        .await
        .map_err(|f| f.error)
}

/// A wait drawn evenly from zero to `ceiling`.
fn full_jitter(ceiling: Duration) -> Duration {
    ceiling.mul_f64(fastrand::f64())
}

/// `Retry-After` as seconds or as an HTTP date, as a wait from `now` (a past date is no
/// wait at all).
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn only_the_network_and_later_are_retried() {
        let ep = Endpoint::Session;
        let server = |status| ApiError::Server {
            endpoint: ep,
            status,
            excerpt: String::new(),
        };
        assert!(is_retryable(&server(502)));
        assert!(is_retryable(&server(503)));
        assert!(is_retryable(&server(504)));
        assert!(!is_retryable(&server(500)));
        assert!(is_retryable(&ApiError::RateLimited {
            endpoint: ep,
            retry_after: None
        }));
        assert!(!is_retryable(&ApiError::NotFound {
            endpoint: ep,
            id: "1".into()
        }));
        assert!(!is_retryable(&ApiError::Unauthorized { endpoint: ep }));
        assert!(!is_retryable(&ApiError::Redirect {
            endpoint: ep,
            detail: String::new()
        }));
    }

    #[test]
    fn full_jitter_stays_under_its_ceiling() {
        let ceiling = Duration::from_millis(400);
        for _ in 0..1000 {
            assert!(full_jitter(ceiling) <= ceiling);
        }
    }

    #[test]
    fn says_which_attempt_and_when() {
        let r = Retrying {
            endpoint: Endpoint::Session,
            attempt: 2,
            attempts: 4,
            wait: Duration::from_millis(2100),
        };
        assert_eq!(r.to_string(), "retrying (2/4) in 3 s");
    }
}
