//! The offline form: `POST /api/v1/visitor/offline-messages` stores what a visitor wrote
//! while the desk was closed (or after waiting too long), `GET /api/v1/site/offline-messages`
//! lists them for the site's agents (waiting ones first, then handled ones, each newest
//! first), and
//! `PUT /api/v1/site/offline-messages/{id}/handled` marks one handled or reopens it.
//!
//! Every new message and every change is published to the site's agents
//! ([`HubEvent::OfflineMessage`]), so the desk shows them without a reload.

mod store;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::visitors::PageView;
use livedesk_protocol::widget::{
    OfflineHandledRequest, OfflineMessage, OfflineMessageRequest, parse_email, parse_name,
    parse_offline_message, parse_phone,
};
use uuid::Uuid;

use super::CurrentVisitor;
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::state::AppState;

/// Most offline messages one listing returns.
const LIST_LIMIT: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/visitor/offline-messages", post(leave))
        .route("/api/v1/site/offline-messages", get(list))
        .route(
            "/api/v1/site/offline-messages/{id}/handled",
            put(set_handled),
        )
}

#[tracing::instrument(skip_all, fields(visitor = %me.visitor))]
async fn leave(
    State(state): State<AppState>,
    me: CurrentVisitor,
    ApiJson(req): ApiJson<OfflineMessageRequest>,
) -> AppResult<(StatusCode, Json<OfflineMessage>)> {
    let form = store::Form {
        name: parse_name(&req.name)?,
        email: parse_email(&req.email)?,
        phone: req.phone.as_deref().map(parse_phone).transpose()?.flatten(),
        message: parse_offline_message(&req.message)?,
        page_url: parse_page_url(req.page_url.as_deref())?,
    };
    let stored = store::insert(&state.db, me.site, me.visitor, form).await?;
    announce(&state, me.site, &stored).await;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The page the visitor wrote from, when the widget told it (blank counts as not told).
fn parse_page_url(raw: Option<&str>) -> AppResult<Option<String>> {
    let Some(url) = raw.filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let page = PageView::parse(url, "")
        .map_err(|e| AppError::new(livedesk_protocol::ErrorCode::InvalidInput, e.to_string()))?;
    Ok(Some(page.url))
}

#[tracing::instrument(skip_all, fields(agent = %agent.id))]
async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<OfflineMessage>>> {
    let site = agent.site()?;
    Ok(Json(store::list(&state.db, site, LIST_LIMIT).await?))
}

/// Any agent of the site may mark a message handled or reopen it; marking one that is
/// already handled keeps who handled it first.
#[tracing::instrument(skip_all, fields(agent = %agent.id, offline_message = %id))]
async fn set_handled(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(id): Path<Uuid>,
    ApiJson(req): ApiJson<OfflineHandledRequest>,
) -> AppResult<Json<OfflineMessage>> {
    let site = agent.site()?;
    let handler = req.handled.then_some(agent.id);
    let message = store::set_handled(&state.db, site, id, handler)
        .await?
        .ok_or_else(|| AppError::not_found("offline message"))?;
    announce(&state, site, &message).await;
    Ok(Json(message))
}

/// Shows the message's current state to the site's agents.
async fn announce(state: &AppState, site: SiteId, message: &OfflineMessage) {
    let event = HubEvent::OfflineMessage {
        message: message.clone(),
    };
    publish(state, site, &event).await;
}
