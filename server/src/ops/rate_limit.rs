//! Per-client-IP rate limits (governor) for the endpoints a stranger can hammer: login and
//! visitor sessions. Over the limit: `429 rate_limited` with `Retry-After`.

use std::net::{IpAddr, SocketAddr};
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
#[derive(Clone, Debug)]
pub struct ClientIp {
    trusted_proxies: Arc<[IpAddr]>,
}

impl ClientIp {
    pub fn new(trusted_proxies: &[IpAddr]) -> Self {
        Self {
            trusted_proxies: trusted_proxies.into(),
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

/// Allows `burst` requests at once per client IP, refilled at one every `refill`.
/// Also starts the task that forgets idle clients, so the table does not grow forever.
pub fn per_client_ip(client_ip: &ClientIp, refill: Duration, burst: u32) -> Limit {
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
