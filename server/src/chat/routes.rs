//! `/api/v1/conversations…`: the agent's view of the site's conversations.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use livedesk_protocol::chat::{ConversationSummary, Message, Note};
use livedesk_protocol::ids::ConversationId;
use serde::Deserialize;

use super::store;
use crate::auth::CurrentAgent;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations", get(list))
        .route("/api/v1/conversations/{id}/messages", get(messages))
        .route("/api/v1/conversations/{id}/notes", get(notes))
}

async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<ConversationSummary>>> {
    Ok(Json(store::list(&state.db, agent.site()?).await?))
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after_seq: i64,
}

async fn messages(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(id): Path<ConversationId>,
    Query(after): Query<After>,
) -> AppResult<Json<Vec<Message>>> {
    Ok(Json(
        store::messages_after(&state.db, agent.site()?, id, after.after_seq).await?,
    ))
}

/// The conversation's internal notes, oldest first.
async fn notes(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(id): Path<ConversationId>,
) -> AppResult<Json<Vec<Note>>> {
    Ok(Json(
        super::notes::list(&state.db, agent.site()?, id).await?,
    ))
}
