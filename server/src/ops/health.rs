//! `GET /health` (PostgreSQL and Redis reported separately; 503 when either is down) and
//! `GET /metrics` (Prometheus text format).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use fred::interfaces::ClientLike;
use livedesk_protocol::api::{DependencyHealth, Health};
use tokio::time::timeout;

use crate::state::AppState;

const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let postgres = timeout(PROBE_TIMEOUT, sqlx::query("SELECT 1").execute(&state.db)).await;
    let redis = timeout(PROBE_TIMEOUT, state.redis.next().ping::<String>(None)).await;
    let health = Health {
        postgres: if matches!(postgres, Ok(Ok(_))) {
            DependencyHealth::Up
        } else {
            DependencyHealth::Down
        },
        redis: if matches!(redis, Ok(Ok(_))) {
            DependencyHealth::Up
        } else {
            DependencyHealth::Down
        },
    };
    let all_up = health.postgres == DependencyHealth::Up && health.redis == DependencyHealth::Up;
    (
        if all_up {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(health),
    )
}

async fn metrics() -> String {
    super::telemetry::render_metrics()
}
