//! The site's agents as routing sees them: accounts from PostgreSQL, presence and load
//! from Redis.

use livedesk_protocol::ids::{AgentId, DepartmentId, SiteId};
use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind};

use crate::error::AppResult;
use crate::routing::{AgentSnapshot, AgentState, AgentStatus};
use crate::state::AppState;

/// A snapshot of every active agent of the site (not superadmins).
pub async fn snapshot(state: &AppState, site: SiteId) -> AppResult<Vec<AgentSnapshot>> {
    let accounts = accounts(state, site, None).await?;
    let mut agents = Vec::with_capacity(accounts.len());
    for account in accounts {
        agents.push(live(state, site, account).await?);
    }
    Ok(agents)
}

/// One agent's snapshot; `None` for an agent who is not an active agent of the site.
pub async fn agent(
    state: &AppState,
    site: SiteId,
    agent: AgentId,
) -> AppResult<Option<AgentSnapshot>> {
    match accounts(state, site, Some(agent)).await?.pop() {
        Some(account) => Ok(Some(live(state, site, account).await?)),
        None => Ok(None),
    }
}

/// What PostgreSQL knows of the site's active agents (or of `only`), with their average
/// rating over the conversations they were assigned.
async fn accounts(
    state: &AppState,
    site: SiteId,
    only: Option<AgentId>,
) -> AppResult<Vec<AgentSnapshot>> {
    let rows = sqlx::query!(
        r#"SELECT a.id, a.max_chats, a.department_id, a.skills, a.languages, a.priority_level, a.accepts_calls,
                  (SELECT avg(r.score)::float8 FROM conversation_ratings r
                   JOIN conversations c ON c.id = r.conversation_id
                   WHERE c.site_id = a.site_id AND c.assigned_agent_id = a.id) AS rating
           FROM agents a
           WHERE a.site_id = $1 AND a.active AND a.role <> 'superadmin' AND ($2::uuid IS NULL OR a.id = $2)
           ORDER BY a.id"#,
        site.0,
        only.map(|a| a.0)
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AgentSnapshot {
            id: AgentId(r.id),
            status: AgentStatus::Offline,
            state: AgentState::Available,
            active_chats: 0,
            max_chats: u32::try_from(r.max_chats).unwrap_or(1),
            queued_chats: 0,
            skills: r.skills.into_iter().collect(),
            languages: r.languages,
            department: r.department_id.map(DepartmentId),
            priority_level: u8::try_from(r.priority_level).unwrap_or(0),
            rating: r.rating.map(|r| r as f32),
            accepts_calls: r.accepts_calls,
        })
        .collect())
}

/// An account's snapshot with its presence and load read from Redis now.
async fn live(state: &AppState, site: SiteId, account: AgentSnapshot) -> AppResult<AgentSnapshot> {
    let online = state.presence.is_online(site, account.id).await?;
    let choice = state.presence.choice(site, account.id).await?;
    let active_chats = state.queue.active_chats(site, account.id).await?;
    Ok(AgentSnapshot {
        status: if online {
            AgentStatus::Online
        } else {
            AgentStatus::Offline
        },
        state: routing_state(choice),
        active_chats,
        ..account
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
