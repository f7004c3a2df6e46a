//! A site's public status (what the widget offers now) and its business hours.
//!
//! - `GET /api/v1/public/sites/{site_key}/status`: anyone; the widget and the host page ask.
//! - `GET` / `PUT /api/v1/site/business-hours`: the site's admins.
//!
//! [`current`] is the one place the status is computed: this endpoint and the
//! `site_status` frames pushed to open widgets ([`super::live_status`]) both use it.

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
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::routing::{AgentSnapshot, AgentStatus};
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
    Ok(Json(current(&state, site.id).await?))
}

/// The site's status now, from its hours, its agents' presence and load, and its queue.
pub async fn current(state: &AppState, site: SiteId) -> AppResult<SiteStatus> {
    let now = OffsetDateTime::now_utc();
    let openness = match stored_hours(state, site).await? {
        Some(hours) => hours.status_at(now),
        None => Openness::Open { closes_at: None },
    };
    let agents = roster::snapshot(state, site).await?;
    let queue_length = state.queue.len(site).await?;
    Ok(assemble(&openness, &agents, queue_length, now))
}

/// The status from what was read (no IO).
fn assemble(
    openness: &Openness,
    agents: &[AgentSnapshot],
    queue_length: u64,
    now: OffsetDateTime,
) -> SiteStatus {
    let agents_online = agents
        .iter()
        .filter(|a| a.status == AgentStatus::Online)
        .count();
    let agents_available = agents.iter().filter(|a| a.can_take_chat(now)).count();
    let (closed_reason, next_open, closes_at) = match openness {
        Openness::Open { closes_at } => (None, None, *closes_at),
        Openness::Closed { reason, next_open } => (Some(reason.clone()), *next_open, None),
    };
    SiteStatus {
        state: widget_state(
            openness,
            agents_available,
            usize::try_from(queue_length).unwrap_or(usize::MAX),
        ),
        closed_reason,
        next_open,
        closes_at,
        agents_online: count(agents_online),
        agents_available: count(agents_available),
        queue_length,
    }
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
    // Stored whatever happens next; a node that misses this event catches up on its tick.
    publish(&state, site, &HubEvent::HoursChanged {}).await;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::ids::AgentId;
    use livedesk_protocol::status::{ClosedReason, WidgetState};
    use time::macros::datetime;

    use super::*;
    use crate::routing::AgentState;

    const NOW: OffsetDateTime = datetime!(2027-01-15 10:00 UTC);

    fn agent(status: AgentStatus, state: AgentState, active: u32) -> AgentSnapshot {
        AgentSnapshot {
            id: AgentId::new_random(),
            status,
            state,
            active_chats: active,
            max_chats: 2,
            queued_chats: 0,
            skills: Default::default(),
            languages: vec!["en".into()],
            department: None,
            priority_level: 0,
            rating: None,
            accepts_calls: true,
        }
    }

    #[test]
    fn the_status_follows_hours_agents_and_queue() {
        let open = Openness::Open {
            closes_at: Some(datetime!(2027-01-15 18:00 UTC)),
        };
        let closed = Openness::Closed {
            reason: ClosedReason::OutsideHours,
            next_open: Some(datetime!(2027-01-16 09:00 UTC)),
        };
        let free = || agent(AgentStatus::Online, AgentState::Available, 0);
        let away = || {
            agent(
                AgentStatus::Online,
                AgentState::Away {
                    until: None,
                    message: None,
                },
                0,
            )
        };
        let full = || agent(AgentStatus::Online, AgentState::Available, 2);
        let gone = || agent(AgentStatus::Offline, AgentState::Available, 0);
        let cases = [
            (
                "open, one free agent",
                &open,
                vec![free()],
                0,
                WidgetState::Online,
                1,
                1,
            ),
            (
                "open, the agent away",
                &open,
                vec![away()],
                0,
                WidgetState::Busy,
                1,
                0,
            ),
            (
                "open, the agent full",
                &open,
                vec![full()],
                0,
                WidgetState::Busy,
                1,
                0,
            ),
            (
                "open, the agent gone",
                &open,
                vec![gone()],
                0,
                WidgetState::Busy,
                0,
                0,
            ),
            (
                "open, queue as long as the free",
                &open,
                vec![free()],
                1,
                WidgetState::Busy,
                1,
                1,
            ),
            (
                "closed",
                &closed,
                vec![free()],
                0,
                WidgetState::Offline,
                1,
                1,
            ),
        ];
        for (case, openness, agents, queue, state, online, available) in cases {
            let status = assemble(openness, &agents, queue, NOW);
            assert_eq!(
                (status.state, status.agents_online, status.agents_available),
                (state, online, available),
                "{case}"
            );
            assert_eq!(status.queue_length, queue, "{case}");
        }
        let status = assemble(&closed, &[], 0, NOW);
        assert_eq!(
            (status.closed_reason, status.next_open, status.closes_at),
            (
                Some(ClosedReason::OutsideHours),
                Some(datetime!(2027-01-16 09:00 UTC)),
                None
            )
        );
        let status = assemble(&open, &[], 0, NOW);
        assert_eq!(status.closes_at, Some(datetime!(2027-01-15 18:00 UTC)));
    }
}
