//! The site's managed tag list: the tags admins offer for conversations, each with an
//! optional color and the number of conversations that carry it.
//!
//! - `GET /api/v1/site/tags`: every agent of the site, by name.
//! - `POST /api/v1/site/tags`, `PUT` and `DELETE /api/v1/site/tags/{id}`: the site's admins.
//!
//! Names are normalised like conversation tags ([`livedesk_protocol::routing::Tag`]), so a
//! listed tag and a conversation's tag match exactly. Renaming a listed tag renames it on
//! every conversation of the site that carries it, and removing it takes it off them, in
//! the same transaction; agents see the open conversations' new tags live.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use livedesk_protocol::admin::{SiteTag, SiteTagInput};
use livedesk_protocol::ids::ConversationId;
use livedesk_protocol::ids::{SiteId, SiteTagId};
use sqlx::PgPool;

use super::tags;
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
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
    let mut tx = state.db.begin().await?;
    let old = sqlx::query_scalar!(
        "SELECT name FROM site_tags WHERE site_id = $1 AND id = $2 FOR UPDATE",
        site.0,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("tag"))?;
    sqlx::query!(
        "UPDATE site_tags SET name = $3, color = $4 WHERE site_id = $1 AND id = $2",
        site.0,
        id.0,
        input.name,
        input.color
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| taken(e, &input.name))?;
    let touched = if old == input.name {
        Vec::new()
    } else {
        tags::rename_everywhere(&mut tx, site, &old, &input.name).await?
    };
    tx.commit().await?;
    show_tags(&state, site, touched).await?;
    Ok(Json(one(&state.db, site, id).await?))
}

async fn remove(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(id): Path<SiteTagId>,
) -> AppResult<StatusCode> {
    let site = admin.admin_site()?;
    let mut tx = state.db.begin().await?;
    let name = sqlx::query_scalar!(
        "DELETE FROM site_tags WHERE site_id = $1 AND id = $2 RETURNING name",
        site.0,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("tag"))?;
    let touched = tags::remove_everywhere(&mut tx, site, &name).await?;
    tx.commit().await?;
    show_tags(&state, site, touched).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tells the agents the tags of those of `conversations` that are open now (a closed one
/// shows its tags when it is opened next).
async fn show_tags(
    state: &AppState,
    site: SiteId,
    conversations: Vec<ConversationId>,
) -> AppResult<()> {
    if conversations.is_empty() {
        return Ok(());
    }
    let ids: Vec<uuid::Uuid> = conversations.iter().map(|c| c.0).collect();
    let rows = sqlx::query!(
        r#"SELECT c.id,
                  COALESCE(array_agg(t.tag ORDER BY t.tag) FILTER (WHERE t.tag IS NOT NULL),
                           '{}') AS "tags!"
           FROM conversations c
           LEFT JOIN conversation_tags t ON t.conversation_id = c.id
           WHERE c.site_id = $1 AND c.id = ANY($2) AND c.status = 'open'
           GROUP BY c.id"#,
        site.0,
        &ids
    )
    .fetch_all(&state.db)
    .await?;
    for row in rows {
        let event = HubEvent::TagsChanged {
            conversation_id: ConversationId(row.id),
            tags: row.tags,
        };
        publish(state, site, &event).await;
    }
    Ok(())
}
