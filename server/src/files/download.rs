//! `GET /api/v1/files/{id}`: a shared file, for the visitor of its conversation and the
//! site's agents; anyone else gets `not_found`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::widget::FileKind;
use uuid::Uuid;

use super::storage::site_dir;
use crate::auth::{CurrentAgent, bearer_token};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The reader's site, and their visitor id when the reader is a visitor.
async fn reader_site(state: &AppState, headers: &HeaderMap) -> AppResult<(SiteId, Option<Uuid>)> {
    let token = bearer_token(headers, "visitor token or access token")?;
    if let Ok(agent) = CurrentAgent::from_token(state, token).await {
        return Ok((agent.site()?, None));
    }
    let claims = state.tokens.verify_visitor(token)?;
    Ok((claims.site, Some(claims.sub.0)))
}

#[tracing::instrument(skip_all, fields(file = %id))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let (site, visitor) = reader_site(&state, &headers).await?;
    let row = sqlx::query!(
        "SELECT name, mime FROM uploaded_files
         WHERE id = $1 AND site_id = $2 AND ($3::uuid IS NULL OR visitor_id = $3)",
        id,
        site.0,
        visitor,
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("file"))?;
    let kind = FileKind::from_mime(&row.mime).ok_or_else(|| AppError::not_found("file"))?;
    let path = site_dir(&state, site).join(id.to_string());
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let disposition = if kind.is_image() {
        "inline"
    } else {
        "attachment"
    };
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    let name: String = row
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(60)
        .collect();
    let value = format!(
        "{disposition}; filename=\"{}\"",
        if name.is_empty() { "file" } else { &name }
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
