//! Files visitors share in the chat: `POST /api/v1/visitor/files?name=<file name>` with the
//! file as the body (images and PDF up to 10 MB, checked by their first bytes), kept on
//! disk under `<data dir>/uploads/<site id>/<file id>`; `GET /api/v1/files/{id}` for the
//! visitor who sent it and the site's agents.
//!
//! A file is written to a temporary name and renamed only once its row is stored, so a
//! refused or failed upload leaves neither a file nor a row behind.

use std::path::PathBuf;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::widget::{FileKind, MAX_UPLOAD_BYTES, UploadedFile, clean_file_name};
use serde::Deserialize;
use uuid::Uuid;

use super::CurrentVisitor;
use crate::auth::{CurrentAgent, bearer_token};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/visitor/files",
            // One byte over the limit is enough to tell the file is too large.
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 1)),
        )
        .route("/api/v1/files/{id}", get(download))
}

#[derive(Deserialize)]
struct UploadParams {
    #[serde(default)]
    name: String,
}

fn site_dir(state: &AppState, site: SiteId) -> PathBuf {
    state
        .config
        .data_dir
        .join("uploads")
        .join(site.0.to_string())
}

#[tracing::instrument(skip_all, fields(visitor = %me.visitor))]
async fn upload(
    State(state): State<AppState>,
    me: CurrentVisitor,
    Query(params): Query<UploadParams>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<(StatusCode, Json<UploadedFile>)> {
    let too_large = || {
        AppError::new(
            ErrorCode::FrameTooLarge,
            format!(
                "the file is larger than {} MB",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
        )
    };
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::new(ErrorCode::MalformedFrame, rejection.body_text())
        }
    })?;
    if body.len() > MAX_UPLOAD_BYTES {
        return Err(too_large());
    }
    if body.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidInput, "the file is empty"));
    }
    let kind = FileKind::sniff(&body).ok_or_else(|| {
        AppError::new(
            ErrorCode::InvalidInput,
            "only images (PNG, JPEG, GIF, WebP) and PDF files can be sent; this file's content is neither, whatever its name says",
        )
    })?;
    let name = clean_file_name(&params.name);
    let id = Uuid::new_v4();
    let dir = site_dir(&state, me.site);
    let partial = dir.join(format!(".{id}.partial"));
    let path = dir.join(id.to_string());
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    tokio::fs::write(&partial, &body)
        .await
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", partial.display()))?;
    let stored = sqlx::query!(
        "INSERT INTO uploaded_files (id, site_id, visitor_id, name, mime, size_bytes)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        me.site.0,
        me.visitor.0,
        name,
        kind.mime(),
        body.len() as i64,
    )
    .execute(&state.db)
    .await;
    let renamed = match stored {
        Ok(_) => tokio::fs::rename(&partial, &path).await,
        Err(error) => {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(error.into());
        }
    };
    if let Err(error) = renamed {
        let _ = tokio::fs::remove_file(&partial).await;
        let _ = sqlx::query!("DELETE FROM uploaded_files WHERE id = $1", id)
            .execute(&state.db)
            .await;
        return Err(anyhow::anyhow!("storing {}: {error}", path.display()).into());
    }
    let file = UploadedFile {
        id,
        name,
        mime: kind,
        size_bytes: body.len() as u64,
        url: format!("/api/v1/files/{id}"),
    };
    Ok((StatusCode::CREATED, Json(file)))
}

/// The visitor who uploaded it or an agent of its site; anyone else gets `not_found`.
async fn reader_site(state: &AppState, headers: &HeaderMap) -> AppResult<(SiteId, Option<Uuid>)> {
    let token = bearer_token(headers, "visitor token or access token")?;
    if let Ok(agent) = CurrentAgent::from_token(state, token).await {
        return Ok((agent.site()?, None));
    }
    let claims = state.tokens.verify_visitor(token)?;
    Ok((claims.site, Some(claims.sub.0)))
}

#[tracing::instrument(skip_all, fields(file = %id))]
async fn download(
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
