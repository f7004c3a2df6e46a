//! `POST /api/v1/conversations/{id}/files?name=<file name>` with the file as the body: an
//! agent shares a file in a conversation they may reply in. The file is checked and kept
//! like a visitor's ([`crate::files::storage`]) and becomes the agent's message
//! `📎 <name>\n<url>`, stored and delivered like a typed reply.
//!
//! The conversation is checked before the file is stored, and a file whose message could
//! not be stored (the conversation closed meanwhile) is removed again, so a refused upload
//! leaves neither a file, nor a row, nor a message.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use livedesk_protocol::chat::{MessageBody, SharedFileMessage};
use livedesk_protocol::ids::{ClientId, ConversationId};
use livedesk_protocol::widget::file_message_body;

use super::store::{self, Sender};
use crate::auth::CurrentAgent;
use crate::error::AppResult;
use crate::files::storage::{self, Owner, UploadParams};
use crate::realtime::send::store_and_publish;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/conversations/{id}/files",
        post(upload).layer(storage::body_limit()),
    )
}

#[tracing::instrument(skip_all, fields(agent = %agent.id, conversation = %conversation))]
async fn upload(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(conversation): Path<ConversationId>,
    Query(params): Query<UploadParams>,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<(StatusCode, Json<SharedFileMessage>)> {
    let site = agent.site()?;
    let visitor = store::replyable_conversation(&state.db, site, conversation).await?;
    let owner = Owner {
        site,
        visitor,
        agent: Some(agent.id),
    };
    let file = storage::store(&state, owner, &params.name, body).await?;
    let sender = Sender::Agent {
        id: agent.id,
        name: agent.name.clone(),
        conversation,
    };
    let sent = match MessageBody::parse(&file_message_body(&file)) {
        Ok(body) => store_and_publish(&state, site, sender, ClientId::new_random(), body).await,
        Err(error) => Err(error.into()),
    };
    match sent {
        Ok(message) => Ok((
            StatusCode::CREATED,
            Json(SharedFileMessage { file, message }),
        )),
        Err(error) => {
            storage::discard(&state, site, file.id).await;
            Err(error)
        }
    }
}
