//! Files visitors share in the chat: `POST /api/v1/visitor/files?name=<file name>` with the
//! file as the body, checked and kept by [`crate::files::storage`]. The widget then sends
//! a message that refers to it.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use livedesk_protocol::widget::UploadedFile;

use super::CurrentVisitor;
use crate::error::AppResult;
use crate::files::storage::{self, Owner, UploadParams};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/visitor/files",
        post(upload).layer(storage::body_limit()),
    )
}

#[tracing::instrument(skip_all, fields(visitor = %me.visitor))]
async fn upload(
    State(state): State<AppState>,
    me: CurrentVisitor,
    Query(params): Query<UploadParams>,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<(StatusCode, Json<UploadedFile>)> {
    let owner = Owner {
        site: me.site,
        visitor: me.visitor,
        agent: None,
    };
    let file = storage::store(&state, owner, &params.name, body).await?;
    Ok((StatusCode::CREATED, Json(file)))
}
