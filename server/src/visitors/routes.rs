//! `GET /api/v1/site/visitors/online`: the site's visitors on it now, for the dashboard's
//! live visitors view to start from; `visitor_presence` frames keep it current.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use livedesk_protocol::visitors::VisitorPresence;

use crate::auth::CurrentAgent;
use crate::error::AppResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/site/visitors/online", get(online))
}

#[tracing::instrument(skip_all, fields(agent = %agent.id))]
async fn online(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<VisitorPresence>>> {
    let site = agent.site()?;
    Ok(Json(state.visitors.online(site).await?))
}
