//! `GET /api/v1/site/presence`: where every agent of the site stands now, for the
//! dashboard to start from; `agent_presence` frames keep it current.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use livedesk_protocol::presence::AgentPresence;

use super::news;
use crate::auth::CurrentAgent;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/site/presence", get(list))
}

#[tracing::instrument(skip_all, fields(agent = %agent.id))]
async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<AgentPresence>>> {
    Ok(Json(news::site_presence(&state, agent.site()?).await?))
}
