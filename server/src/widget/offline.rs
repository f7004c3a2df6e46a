//! The offline form: `POST /api/v1/visitor/offline-messages` stores what a visitor wrote
//! while the desk was closed (or after waiting too long), `GET /api/v1/site/offline-messages`
//! lists them for the site's agents, newest first.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use livedesk_protocol::ids::VisitorId;
use livedesk_protocol::visitors::PageView;
use livedesk_protocol::widget::{
    OfflineMessage, OfflineMessageRequest, parse_email, parse_name, parse_offline_message,
    parse_phone,
};
use uuid::Uuid;

use super::CurrentVisitor;
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Most offline messages one listing returns.
const LIST_LIMIT: i64 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/visitor/offline-messages", post(leave))
        .route("/api/v1/site/offline-messages", get(list))
}

#[tracing::instrument(skip_all, fields(visitor = %me.visitor))]
async fn leave(
    State(state): State<AppState>,
    me: CurrentVisitor,
    ApiJson(req): ApiJson<OfflineMessageRequest>,
) -> AppResult<(StatusCode, Json<OfflineMessage>)> {
    let name = parse_name(&req.name)?;
    let email = parse_email(&req.email)?;
    let phone = req.phone.as_deref().map(parse_phone).transpose()?.flatten();
    let message = parse_offline_message(&req.message)?;
    let page_url = match req.page_url.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(url) => Some(
            PageView::parse(url, "")
                .map_err(|e| {
                    AppError::new(livedesk_protocol::ErrorCode::InvalidInput, e.to_string())
                })?
                .url,
        ),
        None => None,
    };
    let id = Uuid::new_v4();
    let row = sqlx::query!(
        "INSERT INTO offline_messages (id, site_id, visitor_id, name, email, phone, message, page_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at",
        id,
        me.site.0,
        me.visitor.0,
        name,
        email,
        phone,
        message,
        page_url,
    )
    .fetch_one(&state.db)
    .await?;
    let stored = OfflineMessage {
        id,
        visitor_id: me.visitor,
        name,
        email,
        phone,
        message,
        page_url,
        created_at: row.created_at,
    };
    Ok((StatusCode::CREATED, Json(stored)))
}

#[tracing::instrument(skip_all, fields(agent = %agent.id))]
async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<OfflineMessage>>> {
    let site = agent.site()?;
    let rows = sqlx::query!(
        "SELECT id, visitor_id, name, email, phone, message, page_url, created_at
         FROM offline_messages WHERE site_id = $1 ORDER BY created_at DESC, id LIMIT $2",
        site.0,
        LIST_LIMIT
    )
    .fetch_all(&state.db)
    .await?;
    let messages = rows
        .into_iter()
        .map(|r| OfflineMessage {
            id: r.id,
            visitor_id: VisitorId(r.visitor_id),
            name: r.name,
            email: r.email,
            phone: r.phone,
            message: r.message,
            page_url: r.page_url,
            created_at: r.created_at,
        })
        .collect();
    Ok(Json(messages))
}
