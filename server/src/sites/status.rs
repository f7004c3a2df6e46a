//! A site's public status (what the widget offers now) and its business hours.
//!
//! - `GET /api/v1/public/sites/{site_key}/status`: anyone; the widget and the host page ask.
//! - `GET` / `PUT /api/v1/site/business-hours`: the site's admins.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::status::SiteStatus;
use time::OffsetDateTime;
use tower_http::cors::{Any, CorsLayer};

use super::find_active_by_key;
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::hours::{BusinessHours, BusinessHoursConfig, Openness, widget_state};
use crate::ops::rate_limit::{self, ClientIp};
use crate::presence::roster;
use crate::routing::AgentStatus;
use crate::state::AppState;

/// Status checks a client IP may make: a burst of 30, then two a second.
const STATUS_BURST: u32 = 30;
const STATUS_REFILL: Duration = Duration::from_millis(500);

pub fn router(client_ip: &ClientIp) -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET]);
    let limit = rate_limit::per_client_ip(client_ip, STATUS_REFILL, STATUS_BURST);
    Router::new()
        .route(
            "/api/v1/public/sites/{site_key}/status",
            get(status).layer::<_, Infallible>(limit).layer(cors),
        )
        .route("/api/v1/site/business-hours", get(hours).put(set_hours))
}

async fn status(
    State(state): State<AppState>,
    Path(site_key): Path<String>,
) -> AppResult<Json<SiteStatus>> {
    let site = find_active_by_key(&state.db, &site_key)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::UnknownSite, "no active site has this key"))?;
    let now = OffsetDateTime::now_utc();
    let openness = match stored_hours(&state, site.id).await? {
        Some(hours) => hours.status_at(now),
        None => Openness::Open { closes_at: None },
    };
    let agents = roster::snapshot(&state, site.id).await?;
    let agents_online = agents
        .iter()
        .filter(|a| a.status == AgentStatus::Online)
        .count();
    let agents_available = agents.iter().filter(|a| a.can_take_chat(now)).count();
    let queue_length = state.queue.len(site.id).await?;
    let (closed_reason, next_open, closes_at) = match &openness {
        Openness::Open { closes_at } => (None, None, *closes_at),
        Openness::Closed { reason, next_open } => (Some(reason.clone()), *next_open, None),
    };
    Ok(Json(SiteStatus {
        state: widget_state(
            &openness,
            agents_available,
            usize::try_from(queue_length).unwrap_or(usize::MAX),
        ),
        closed_reason,
        next_open,
        closes_at,
        agents_online: count(agents_online),
        agents_available: count(agents_available),
        queue_length,
    }))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The site's hours; `None` when it has none (always open).
async fn stored_hours(state: &AppState, site: SiteId) -> AppResult<Option<BusinessHours>> {
    let stored = sqlx::query_scalar!("SELECT business_hours FROM sites WHERE id = $1", site.0)
        .fetch_one(&state.db)
        .await?;
    stored
        .map(|json| {
            serde_json::from_value::<BusinessHours>(json).map_err(|e| {
                AppError::Other(anyhow::anyhow!("stored business hours of {site}: {e}"))
            })
        })
        .transpose()
}

async fn hours(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Option<BusinessHoursConfig>>> {
    let site = agent.admin_site()?;
    Ok(Json(
        stored_hours(&state, site)
            .await?
            .map(|hours| hours.config().clone()),
    ))
}

/// Replaces the site's hours after validating them; `null` removes them (always open).
async fn set_hours(
    State(state): State<AppState>,
    agent: CurrentAgent,
    ApiJson(config): ApiJson<Option<BusinessHoursConfig>>,
) -> AppResult<StatusCode> {
    let site = agent.admin_site()?;
    let stored = match config {
        Some(config) => {
            let hours = BusinessHours::parse(config)
                .map_err(|e| AppError::new(ErrorCode::InvalidInput, e.to_string()))?;
            Some(serde_json::to_value(&hours).map_err(|e| AppError::Other(e.into()))?)
        }
        None => None,
    };
    sqlx::query!(
        "UPDATE sites SET business_hours = $2 WHERE id = $1",
        site.0,
        stored
    )
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
