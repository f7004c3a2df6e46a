//! The site's agents as routing sees them: accounts from PostgreSQL, presence and load
//! from Redis.

use livedesk_protocol::ids::{AgentId, SiteId};
use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind};

use crate::error::AppResult;
use crate::routing::{AgentSnapshot, AgentState, AgentStatus};
use crate::state::AppState;

/// A snapshot of every active agent of the site (not superadmins).
pub async fn snapshot(state: &AppState, site: SiteId) -> AppResult<Vec<AgentSnapshot>> {
    let accounts = sqlx::query!(
        "SELECT id, max_chats FROM agents WHERE site_id = $1 AND active AND role <> 'superadmin' ORDER BY id",
        site.0
    )
    .fetch_all(&state.db)
    .await?;
    let mut agents = Vec::with_capacity(accounts.len());
    for account in accounts {
        agents.push(live(state, site, AgentId(account.id), account.max_chats).await?);
    }
    Ok(agents)
}

/// One agent's snapshot; `None` for an agent who is not an active agent of the site.
pub async fn agent(
    state: &AppState,
    site: SiteId,
    agent: AgentId,
) -> AppResult<Option<AgentSnapshot>> {
    let max_chats = sqlx::query_scalar!(
        "SELECT max_chats FROM agents WHERE site_id = $1 AND id = $2 AND active AND role <> 'superadmin'",
        site.0,
        agent.0
    )
    .fetch_optional(&state.db)
    .await?;
    match max_chats {
        Some(max_chats) => Ok(Some(live(state, site, agent, max_chats).await?)),
        None => Ok(None),
    }
}

/// An account's snapshot with its presence and load read from Redis now.
async fn live(
    state: &AppState,
    site: SiteId,
    id: AgentId,
    max_chats: i32,
) -> AppResult<AgentSnapshot> {
    let online = state.presence.is_online(site, id).await?;
    let choice = state.presence.choice(site, id).await?;
    let active_chats = state.queue.active_chats(site, id).await?;
    Ok(AgentSnapshot {
        id,
        status: if online {
            AgentStatus::Online
        } else {
            AgentStatus::Offline
        },
        state: routing_state(choice),
        active_chats,
        max_chats: u32::try_from(max_chats).unwrap_or(1),
        queued_chats: 0,
        skills: Default::default(),
        languages: vec!["en".into()],
        department: None,
        priority_level: 0,
        rating: None,
        accepts_calls: true,
    })
}

fn routing_state(choice: AgentStateChoice) -> AgentState {
    let AgentStateChoice {
        state,
        message,
        until,
    } = choice;
    match state {
        AgentStateKind::Available => AgentState::Available,
        AgentStateKind::Busy => AgentState::Busy,
        AgentStateKind::Away => AgentState::Away { until, message },
        AgentStateKind::Break => AgentState::Break { until, message },
        AgentStateKind::DoNotDisturb => AgentState::DoNotDisturb { until, message },
    }
}
