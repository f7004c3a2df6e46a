//! Checking and keeping an uploaded file, the one path for visitors' and agents' uploads.
//!
//! A file is written to a temporary name and renamed only once its row is stored, so a
//! refused or failed upload leaves neither a file nor a row behind.

use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{AgentId, SiteId, VisitorId};
use livedesk_protocol::widget::{FileKind, MAX_UPLOAD_BYTES, UploadedFile, clean_file_name};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The body limit of an upload route: one byte over [`MAX_UPLOAD_BYTES`] is enough to tell
/// the file is too large.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 1)
}

/// `?name=` of an upload route: the file's name as the sender's device calls it.
#[derive(Deserialize)]
pub struct UploadParams {
    #[serde(default)]
    pub name: String,
}

/// Whose conversation a file is shared in, and so who may read it.
#[derive(Clone, Copy, Debug)]
pub struct Owner {
    pub site: SiteId,
    /// The visitor of the conversation, who may download the file whoever sent it.
    pub visitor: VisitorId,
    /// The agent who sent it; `None` for the visitor's own upload.
    pub agent: Option<AgentId>,
}

/// The directory of a site's files.
pub fn site_dir(state: &AppState, site: SiteId) -> PathBuf {
    state
        .config
        .data_dir
        .join("uploads")
        .join(site.0.to_string())
}

fn too_large() -> AppError {
    AppError::new(
        ErrorCode::FrameTooLarge,
        format!(
            "the file is larger than {} MB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    )
}

/// The body as a file that may be shared, and its kind as its content tells it.
fn accept(body: Result<Bytes, BytesRejection>) -> AppResult<(Bytes, FileKind)> {
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
            ErrorCode::UnsupportedFileType,
            "only images (PNG, JPEG, GIF, WebP) and PDF files can be sent; this file's content is neither, whatever its name says",
        )
    })?;
    Ok((body, kind))
}

/// Checks the upload `body` and keeps it as a file named `raw_name` (cleaned) in `owner`'s
/// conversation. Refused or failed, it leaves no file and no row.
#[tracing::instrument(skip_all, fields(site = %owner.site, visitor = %owner.visitor))]
pub async fn store(
    state: &AppState,
    owner: Owner,
    raw_name: &str,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<UploadedFile> {
    let (body, kind) = accept(body)?;
    let name = clean_file_name(raw_name);
    let id = Uuid::new_v4();
    let dir = site_dir(state, owner.site);
    let partial = dir.join(format!(".{id}.partial"));
    let path = dir.join(id.to_string());
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    if let Err(error) = tokio::fs::write(&partial, &body).await {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(anyhow::anyhow!("writing {}: {error}", partial.display()).into());
    }
    let stored = sqlx::query!(
        "INSERT INTO uploaded_files (id, site_id, visitor_id, agent_id, name, mime, size_bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        owner.site.0,
        owner.visitor.0,
        owner.agent.map(|a| a.0),
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
        discard_row(state, id).await;
        return Err(anyhow::anyhow!("storing {}: {error}", path.display()).into());
    }
    Ok(UploadedFile {
        id,
        name,
        mime: kind,
        size_bytes: body.len() as u64,
        url: format!("/api/v1/files/{id}"),
    })
}

/// Removes a stored file again (its row and its bytes), when what it was stored for
/// failed. A failure here is logged: what is left is an orphan nobody refers to.
pub async fn discard(state: &AppState, site: SiteId, id: Uuid) {
    discard_row(state, id).await;
    let path = site_dir(state, site).join(id.to_string());
    if let Err(error) = tokio::fs::remove_file(&path).await {
        tracing::error!(%error, path = %path.display(), "removing a discarded file failed");
    }
}

async fn discard_row(state: &AppState, id: Uuid) {
    let deleted = sqlx::query!("DELETE FROM uploaded_files WHERE id = $1", id)
        .execute(&state.db)
        .await;
    if let Err(error) = deleted {
        tracing::error!(%error, file = %id, "removing a discarded file's row failed");
    }
}
