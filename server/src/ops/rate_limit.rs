//! Per-client-IP rate limits (governor) for the endpoints a stranger can hammer: login and
//! visitor sessions. Over the limit: `429 rate_limited` with `Retry-After`. Every limit is
//! multiplied by the installation's `LIVEDESK_RATE_LIMIT_FACTOR` (1 unless set).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use livedesk_protocol::{ApiError, ErrorCode};
use tower_governor::GovernorError;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

/// The client's IP: the peer address, or, when the peer is one of the trusted reverse
/// proxies (`LIVEDESK_TRUSTED_PROXIES`), the last address it added to `X-Forwarded-For`.
/// It also carries how far the limits keyed by it are stretched (`factor`), so every
/// route's limit follows the configuration without each router being told.
#[derive(Clone, Debug)]
pub struct ClientIp {
    trusted_proxies: Arc<[IpAddr]>,
    factor: NonZeroU32,
}

impl ClientIp {
    pub fn new(trusted_proxies: &[IpAddr], factor: NonZeroU32) -> Self {
        Self {
            trusted_proxies: trusted_proxies.into(),
            factor,
        }
    }

    fn of<T>(&self, request: &Request<T>) -> Option<IpAddr> {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()?
            .0
            .ip();
        if !self.trusted_proxies.contains(&peer) {
            return Some(peer);
        }
        let forwarded = request.headers().get("x-forwarded-for")?.to_str().ok()?;
        forwarded
            .rsplit(',')
            .next()?
            .trim()
            .parse()
            .ok()
            .or(Some(peer))
    }
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        self.of(request).ok_or(GovernorError::UnableToExtractKey)
    }
}

pub type Limit = GovernorLayer<ClientIp, NoOpMiddleware, Body>;

/// Allows `burst` requests at once per client IP, refilled at one every `refill`, both
/// multiplied by the configured factor. Also starts the task that forgets idle clients, so
/// the table does not grow forever.
pub fn per_client_ip(client_ip: &ClientIp, refill: Duration, burst: u32) -> Limit {
    let (refill, burst) = stretched(refill, burst, client_ip.factor);
    let config = GovernorConfigBuilder::default()
        .key_extractor(client_ip.clone())
        .period(refill)
        .burst_size(burst)
        .finish()
        .map(Arc::new);
    let config = match config {
        Some(config) => config,
        // Only a zero period or burst is refused; ours are constants above zero.
        None => unreachable!("rate limits are configured with a non-zero period and burst"),
    };
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            limiter.retain_recent();
        }
    });
    GovernorLayer::new(config).error_handler(refusal)
}

/// `factor` times the burst, refilled `factor` times as often (never faster than one a
/// nanosecond, which governor could not represent as a period).
fn stretched(refill: Duration, burst: u32, factor: NonZeroU32) -> (Duration, u32) {
    let refill = (refill / factor.get()).max(Duration::from_nanos(1));
    (refill, burst.saturating_mul(factor.get()))
}

fn refusal(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let body = ApiError {
                code: ErrorCode::RateLimited,
                message: format!("too many requests; retry in {wait_time} s"),
            };
            let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
            if let Ok(value) = HeaderValue::from_str(&wait_time.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => {
            let body = ApiError {
                code: ErrorCode::Internal,
                message: "internal error".into(),
            };
            (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factor_stretches_burst_and_refill_alike() {
        let cases = [
            (1, Duration::from_millis(500), 30),
            (10, Duration::from_millis(50), 300),
            (1_000_000_000, Duration::from_nanos(1), u32::MAX),
        ];
        for (factor, refill, burst) in cases {
            let factor = NonZeroU32::new(factor).expect("non-zero");

            let got = stretched(Duration::from_millis(500), 30, factor);

            assert_eq!(got, (refill, burst), "factor {factor}");
        }
    }
}
