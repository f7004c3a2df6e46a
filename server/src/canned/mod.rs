//! Canned responses: prepared answers agents insert by their shortcut (`/thanks`).
//!
//! - `GET /api/v1/site/canned-responses`: every agent of the site, shortcut order.
//! - `POST /api/v1/site/canned-responses`, `PUT` and `DELETE
//!   /api/v1/site/canned-responses/{id}`: the site's admins.
//!
//! A shortcut is unique within its site (the database's `canned_responses_shortcut_key`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use livedesk_protocol::admin::{CannedResponse, CannedResponseInput};
use livedesk_protocol::ids::CannedResponseId;

use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/site/canned-responses", get(list).post(create))
        .route(
            "/api/v1/site/canned-responses/{id}",
            put(change).delete(remove),
        )
}

async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<CannedResponse>>> {
    let site = agent.site()?;
    let rows = sqlx::query!(
        "SELECT id, shortcut, body FROM canned_responses WHERE site_id = $1 ORDER BY shortcut",
        site.0
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| CannedResponse {
                id: CannedResponseId(r.id),
                shortcut: r.shortcut,
                body: r.body,
            })
            .collect(),
    ))
}

fn taken(error: sqlx::Error, shortcut: &str) -> AppError {
    AppError::taken(
        error,
        "canned_responses_shortcut_key",
        format!("the shortcut {shortcut} is already in use"),
    )
}

async fn create(
    State(state): State<AppState>,
    admin: CurrentAgent,
    ApiJson(input): ApiJson<CannedResponseInput>,
) -> AppResult<(StatusCode, Json<CannedResponse>)> {
    let site = admin.admin_site()?;
    let input = input.parse()?;
    let id = CannedResponseId::new_random();
    sqlx::query!(
        "INSERT INTO canned_responses (id, site_id, shortcut, body) VALUES ($1, $2, $3, $4)",
        id.0,
        site.0,
        input.shortcut,
        input.body
    )
    .execute(&state.db)
    .await
    .map_err(|e| taken(e, &input.shortcut))?;
    Ok((
        StatusCode::CREATED,
        Json(CannedResponse {
            id,
            shortcut: input.shortcut,
            body: input.body,
        }),
    ))
}

async fn change(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(id): Path<CannedResponseId>,
    ApiJson(input): ApiJson<CannedResponseInput>,
) -> AppResult<Json<CannedResponse>> {
    let site = admin.admin_site()?;
    let input = input.parse()?;
    let changed = sqlx::query!(
        "UPDATE canned_responses SET shortcut = $3, body = $4, updated_at = now()
         WHERE site_id = $1 AND id = $2",
        site.0,
        id.0,
        input.shortcut,
        input.body
    )
    .execute(&state.db)
    .await
    .map_err(|e| taken(e, &input.shortcut))?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("canned response"));
    }
    Ok(Json(CannedResponse {
        id,
        shortcut: input.shortcut,
        body: input.body,
    }))
}

async fn remove(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(id): Path<CannedResponseId>,
) -> AppResult<StatusCode> {
    let site = admin.admin_site()?;
    let removed = sqlx::query!(
        "DELETE FROM canned_responses WHERE site_id = $1 AND id = $2",
        site.0,
        id.0
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(AppError::not_found("canned response"));
    }
    Ok(StatusCode::NO_CONTENT)
}
