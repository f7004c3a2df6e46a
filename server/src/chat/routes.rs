//! `/api/v1/conversations…`: the agent's view of the site's conversations.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use livedesk_protocol::chat::{ConversationSummary, InboxView, Message, Note};
use livedesk_protocol::ids::{ConversationId, VisitorId};
use serde::Deserialize;

use super::inbox::{self, InboxQuery};
use super::store;
use crate::auth::CurrentAgent;
use crate::error::AppResult;
use crate::extract::ApiQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations", get(list))
        .route("/api/v1/conversations/{id}/messages", get(messages))
        .route("/api/v1/conversations/{id}/notes", get(notes))
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    view: InboxView,
    q: Option<String>,
    visitor: Option<VisitorId>,
}

/// `GET /api/v1/conversations?view=queue|mine|open|closed&q=words&visitor=<id>`.
async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> AppResult<Json<Vec<ConversationSummary>>> {
    let site = agent.site()?;
    let query = InboxQuery::parse(&agent, query.view, query.q.as_deref(), query.visitor)?;
    Ok(Json(inbox::list(&state.db, site, agent.id, &query).await?))
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
