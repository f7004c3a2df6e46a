//! The routing part of the admin console, over REST:
//!
//! - `GET` / `PUT /api/v1/site/routing`: the site's strategy, auto-assignment, grace period
//!   and queue timeout (admins).
//! - `GET /api/v1/site/departments` (the site's agents, who transfer to them); `POST`,
//!   `PUT` and `DELETE /api/v1/site/departments[/{id}]` (admins).
//! - `GET /api/v1/site/agents` (the site's agents); `PUT /api/v1/site/agents/{id}/routing`:
//!   department, skills, languages, capacity, seniority (admins).
//! - `PUT /api/v1/site/visitors/{id}/vip`: the site's agents mark VIP visitors.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use livedesk_protocol::ids::VisitorId;
use livedesk_protocol::routing::{RoutingConfig, VipMark};

use super::settings::{self, RoutingSettings};
use super::{departments, profiles};
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/site/routing", get(routing).put(set_routing))
        .route(
            "/api/v1/site/departments",
            get(departments::list).post(departments::create),
        )
        .route(
            "/api/v1/site/departments/{id}",
            put(departments::change).delete(departments::remove),
        )
        .route("/api/v1/site/agents", get(profiles::list))
        .route("/api/v1/site/agents/{id}/routing", put(profiles::set))
        .route("/api/v1/site/visitors/{id}/vip", put(set_vip))
}

async fn routing(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<RoutingConfig>> {
    let stored = settings::load(&state.db, agent.admin_site()?).await?;
    Ok(Json(RoutingConfig {
        strategy: stored.strategy,
        auto_assign: stored.auto_assign,
        reconnect_grace_secs: secs(stored.reconnect_grace),
        queue_timeout_secs: secs(stored.queue_timeout),
    }))
}

fn secs(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}

async fn set_routing(
    State(state): State<AppState>,
    agent: CurrentAgent,
    ApiJson(config): ApiJson<RoutingConfig>,
) -> AppResult<Json<RoutingConfig>> {
    let site = agent.admin_site()?;
    let config = config.validate()?;
    let stored = RoutingSettings {
        strategy: config.strategy,
        auto_assign: config.auto_assign,
        reconnect_grace: Duration::from_secs(config.reconnect_grace_secs.into()),
        queue_timeout: Duration::from_secs(config.queue_timeout_secs.into()),
    };
    settings::save(&state.db, site, stored).await?;
    Ok(Json(config))
}

async fn set_vip(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(visitor): Path<VisitorId>,
    ApiJson(mark): ApiJson<VipMark>,
) -> AppResult<StatusCode> {
    let site = agent.site()?;
    let changed = sqlx::query!(
        "UPDATE visitors SET vip = $3 WHERE site_id = $1 AND id = $2",
        site.0,
        visitor.0,
        mark.vip
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("visitor"));
    }
    // A waiting VIP moves up at the queue's next upkeep round, within seconds.
    Ok(StatusCode::NO_CONTENT)
}
