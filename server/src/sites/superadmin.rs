//! The installation's sites, for superadmins only.
//!
//! - `GET /api/v1/sites`: the cross-site view: every site with its active accounts, those
//!   online now, open and waiting conversations, and the last 24 hours' conversations and
//!   offline messages.
//! - `POST /api/v1/sites`: a new site (name, allowed origins); the answer carries its key.
//! - `PUT /api/v1/sites/{id}/suspended`: suspend or unsuspend. A suspended site's widget
//!   is refused (frame, sessions, sockets) and its agents are signed out.
//! - `POST /api/v1/sites/{id}/agents`: an account of the site, such as its first admin.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use livedesk_protocol::admin::{NewAgentRequest, NewSiteRequest, SiteSummary, SiteSuspension};
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::routing::SiteAgent;

use super::new_site_key;
use super::settings::parse_origins;
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::presence::news::site_presence;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites", get(list).post(create))
        .route("/api/v1/sites/{id}/suspended", put(set_suspended))
        .route("/api/v1/sites/{id}/agents", post(create_agent))
}

async fn summaries(state: &AppState, only: Option<SiteId>) -> AppResult<Vec<SiteSummary>> {
    let rows = sqlx::query!(
        r#"SELECT s.id, s.name, s.site_key, s.allowed_origins, s.suspended, s.created_at,
                  (SELECT count(*) FROM agents a WHERE a.site_id = s.id AND a.active) AS "agents!",
                  (SELECT count(*) FROM conversations c
                   WHERE c.site_id = s.id AND c.status = 'open') AS "open_conversations!",
                  (SELECT count(*) FROM conversations c
                   WHERE c.site_id = s.id AND c.status = 'open'
                     AND c.assigned_agent_id IS NULL) AS "waiting!",
                  (SELECT count(*) FROM conversations c
                   WHERE c.site_id = s.id
                     AND c.created_at > now() - interval '24 hours') AS "conversations_24h!",
                  (SELECT count(*) FROM offline_messages o
                   WHERE o.site_id = s.id
                     AND o.created_at > now() - interval '24 hours') AS "offline_messages_24h!"
           FROM sites s WHERE ($1::uuid IS NULL OR s.id = $1)
           ORDER BY lower(s.name), s.id"#,
        only.map(|s| s.0)
    )
    .fetch_all(&state.db)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let mut summaries = Vec::with_capacity(rows.len());
    for r in rows {
        let id = SiteId(r.id);
        let agents_online = site_presence(state, id)
            .await?
            .iter()
            .filter(|agent| agent.online)
            .count();
        summaries.push(SiteSummary {
            id,
            name: r.name,
            site_key: r.site_key,
            allowed_origins: r.allowed_origins,
            suspended: r.suspended,
            agents: count(r.agents),
            agents_online: agents_online as u64,
            open_conversations: count(r.open_conversations),
            waiting: count(r.waiting),
            conversations_24h: count(r.conversations_24h),
            offline_messages_24h: count(r.offline_messages_24h),
            created_at: r.created_at,
        });
    }
    Ok(summaries)
}

async fn one(state: &AppState, site: SiteId) -> AppResult<SiteSummary> {
    summaries(state, Some(site))
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("site"))
}

async fn list(
    State(state): State<AppState>,
    who: CurrentAgent,
) -> AppResult<Json<Vec<SiteSummary>>> {
    who.superadmin()?;
    Ok(Json(summaries(&state, None).await?))
}

async fn create(
    State(state): State<AppState>,
    who: CurrentAgent,
    ApiJson(request): ApiJson<NewSiteRequest>,
) -> AppResult<(StatusCode, Json<SiteSummary>)> {
    who.superadmin()?;
    let request = request.parse()?;
    let origins = parse_origins(&request.allowed_origins)?;
    let id = SiteId::new_random();
    sqlx::query!(
        "INSERT INTO sites (id, name, site_key, allowed_origins) VALUES ($1, $2, $3, $4)",
        id.0,
        request.name,
        new_site_key(),
        &origins
    )
    .execute(&state.db)
    .await?;
    Ok((StatusCode::CREATED, Json(one(&state, id).await?)))
}

async fn set_suspended(
    State(state): State<AppState>,
    who: CurrentAgent,
    Path(site): Path<SiteId>,
    ApiJson(change): ApiJson<SiteSuspension>,
) -> AppResult<Json<SiteSummary>> {
    who.superadmin()?;
    let changed = sqlx::query!(
        "UPDATE sites SET suspended = $2 WHERE id = $1",
        site.0,
        change.suspended
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("site"));
    }
    if change.suspended {
        // Logins, refreshes, requests and new sockets are refused from now on; this closes
        // the sockets already open, visitors' and agents' alike.
        publish(&state, site, &HubEvent::AccessRevoked { agent_id: None }).await;
    }
    Ok(Json(one(&state, site).await?))
}

async fn create_agent(
    State(state): State<AppState>,
    who: CurrentAgent,
    Path(site): Path<SiteId>,
    ApiJson(request): ApiJson<NewAgentRequest>,
) -> AppResult<(StatusCode, Json<SiteAgent>)> {
    who.superadmin()?;
    let created = crate::agents::insert(&state, site, request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
