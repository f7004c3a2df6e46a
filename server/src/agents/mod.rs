//! The site's accounts as its admins manage them: creating an agent who can sign in at
//! once, renaming, changing the role, deactivating and reactivating.
//!
//! - `POST /api/v1/site/agents`: a new account with an initial password (admins).
//! - `PUT /api/v1/site/agents/{id}`: name and role (admins).
//! - `PUT /api/v1/site/agents/{id}/active`: deactivate or reactivate (admins).
//!
//! Invitations by link are in [`invites`]. The list and the routing profile are
//! `assignment`'s (`GET /api/v1/site/agents`, `PUT /api/v1/site/agents/{id}/routing`).
//!
//! A site always keeps an active admin: the last one can be neither demoted nor
//! deactivated, and nobody deactivates their own account. Deactivating revokes the
//! agent's refresh tokens, closes their sockets ([`HubEvent::AccessRevoked`]), and hands
//! their open chats to someone else; their access token is refused at the next request
//! ([`crate::auth::CurrentAgent::from_token`] reads the account's state).

mod invites;
mod store;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::admin::{AgentActivation, AgentUpdate, NewAgentRequest};
use livedesk_protocol::ids::{AgentId, SiteId};
use livedesk_protocol::routing::SiteAgent;

use crate::assignment::grace;
use crate::auth::{CurrentAgent, DbRole};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::presence::news;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::state::AppState;

pub use invites::router as invites_router;
pub use store::insert;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/site/agents", post(create))
        .route("/api/v1/site/agents/{id}", put(update))
        .route("/api/v1/site/agents/{id}/active", put(set_active))
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    admin: CurrentAgent,
    ApiJson(request): ApiJson<NewAgentRequest>,
) -> AppResult<(StatusCode, Json<SiteAgent>)> {
    let site = admin.admin_site()?;
    let created = insert(&state, site, request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[tracing::instrument(skip_all, fields(agent = %agent))]
async fn update(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(agent): Path<AgentId>,
    ApiJson(update): ApiJson<AgentUpdate>,
) -> AppResult<Json<SiteAgent>> {
    let site = admin.admin_site()?;
    let update = update.parse()?;
    let mut tx = state.db.begin().await?;
    let admins = store::lock_active_admins(&mut tx, site).await?;
    if update.role != livedesk_protocol::api::Role::Admin && admins == [agent] {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "this is the site's last admin: make another agent an admin first",
        ));
    }
    let changed = sqlx::query!(
        "UPDATE agents SET name = $3, role = $4 WHERE site_id = $1 AND id = $2",
        site.0,
        agent.0,
        update.name,
        DbRole::from(update.role) as DbRole
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("agent"));
    }
    tx.commit().await?;
    // Colleagues see the new name.
    news::announce(&state, site, agent).await;
    Ok(Json(store::fetch(&state.db, site, agent).await?))
}

#[tracing::instrument(skip_all, fields(agent = %agent))]
async fn set_active(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(agent): Path<AgentId>,
    ApiJson(activation): ApiJson<AgentActivation>,
) -> AppResult<Json<SiteAgent>> {
    let site = admin.admin_site()?;
    if activation.active {
        reactivate(&state, site, agent).await?;
    } else {
        if agent == admin.id {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "you cannot deactivate your own account",
            ));
        }
        deactivate(&state, site, agent).await?;
    }
    Ok(Json(store::fetch(&state.db, site, agent).await?))
}

async fn reactivate(state: &AppState, site: SiteId, agent: AgentId) -> AppResult<()> {
    let changed = sqlx::query!(
        "UPDATE agents SET active = true WHERE site_id = $1 AND id = $2",
        site.0,
        agent.0
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("agent"));
    }
    Ok(())
}

/// Deactivates the account and revokes its sessions in one transaction; then closes its
/// sockets and hands its open chats on.
async fn deactivate(state: &AppState, site: SiteId, agent: AgentId) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    let admins = store::lock_active_admins(&mut tx, site).await?;
    if admins == [agent] {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "this is the site's last admin and cannot be deactivated",
        ));
    }
    let changed = sqlx::query!(
        "UPDATE agents SET active = false WHERE site_id = $1 AND id = $2",
        site.0,
        agent.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("agent"));
    }
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE agent_id = $1 AND revoked_at IS NULL",
        agent.0
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    publish(
        state,
        site,
        &HubEvent::AccessRevoked {
            agent_id: Some(agent),
        },
    )
    .await;
    // Not eligible any more (routing reads only active agents), so their chats go to others.
    grace::return_chats(state, site, agent).await
}
