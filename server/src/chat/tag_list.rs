//! The site's managed tag list: the tags admins offer for conversations, each with an
//! optional color and the number of conversations that carry it.
//!
//! - `GET /api/v1/site/tags`: every agent of the site, by name.
//! - `POST /api/v1/site/tags`, `PUT` and `DELETE /api/v1/site/tags/{id}`: the site's admins.
//!
//! Names are normalised like conversation tags ([`livedesk_protocol::routing::Tag`]), so a
//! listed tag and a conversation's tag match exactly. Renaming or removing a listed tag
//! leaves the conversations that carry the old name as they are.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use livedesk_protocol::admin::{SiteTag, SiteTagInput};
use livedesk_protocol::ids::{SiteId, SiteTagId};
use sqlx::PgPool;

use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/site/tags", get(list).post(create))
        .route("/api/v1/site/tags/{id}", put(change).delete(remove))
}

async fn list(State(state): State<AppState>, agent: CurrentAgent) -> AppResult<Json<Vec<SiteTag>>> {
    Ok(Json(tags(&state.db, agent.site()?, None).await?))
}

/// The site's listed tags (or only `only`) with their conversation counts.
async fn tags(db: &PgPool, site: SiteId, only: Option<SiteTagId>) -> AppResult<Vec<SiteTag>> {
    let rows = sqlx::query!(
        r#"SELECT t.id, t.name, t.color,
                  (SELECT count(*) FROM conversation_tags c
                   WHERE c.site_id = t.site_id AND c.tag = t.name) AS "conversations!"
           FROM site_tags t
           WHERE t.site_id = $1 AND ($2::uuid IS NULL OR t.id = $2)
           ORDER BY t.name"#,
        site.0,
        only.map(|t| t.0)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SiteTag {
            id: SiteTagId(r.id),
            name: r.name,
            color: r.color,
            conversations: u64::try_from(r.conversations).unwrap_or(0),
        })
        .collect())
}

async fn one(db: &PgPool, site: SiteId, id: SiteTagId) -> AppResult<SiteTag> {
    tags(db, site, Some(id))
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("tag"))
}

fn taken(error: sqlx::Error, name: &str) -> AppError {
    AppError::taken(
        error,
        "site_tags_name_key",
        format!("the tag \"{name}\" exists"),
    )
}

async fn create(
    State(state): State<AppState>,
    admin: CurrentAgent,
    ApiJson(input): ApiJson<SiteTagInput>,
) -> AppResult<(StatusCode, Json<SiteTag>)> {
    let site = admin.admin_site()?;
    let input = input.parse()?;
    let id = SiteTagId::new_random();
    sqlx::query!(
        "INSERT INTO site_tags (id, site_id, name, color) VALUES ($1, $2, $3, $4)",
        id.0,
        site.0,
        input.name,
        input.color
    )
    .execute(&state.db)
    .await
    .map_err(|e| taken(e, &input.name))?;
    Ok((StatusCode::CREATED, Json(one(&state.db, site, id).await?)))
}

async fn change(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(id): Path<SiteTagId>,
    ApiJson(input): ApiJson<SiteTagInput>,
) -> AppResult<Json<SiteTag>> {
    let site = admin.admin_site()?;
    let input = input.parse()?;
    let changed = sqlx::query!(
        "UPDATE site_tags SET name = $3, color = $4 WHERE site_id = $1 AND id = $2",
        site.0,
        id.0,
        input.name,
        input.color
    )
    .execute(&state.db)
    .await
    .map_err(|e| taken(e, &input.name))?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("tag"));
    }
    Ok(Json(one(&state.db, site, id).await?))
}

async fn remove(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(id): Path<SiteTagId>,
) -> AppResult<StatusCode> {
    let site = admin.admin_site()?;
    let removed = sqlx::query!(
        "DELETE FROM site_tags WHERE site_id = $1 AND id = $2",
        site.0,
        id.0
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(AppError::not_found("tag"));
    }
    Ok(StatusCode::NO_CONTENT)
}
