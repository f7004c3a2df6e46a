//! Telling the site's agents where one of them stands: online or not, the state chosen, and
//! the state in force, which the system turns to busy while the agent is at capacity.

use livedesk_protocol::ids::{AgentId, SiteId};
use livedesk_protocol::presence::{AgentPresence, AgentStateChoice, AgentStateKind};

use super::roster;
use crate::error::AppResult;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::routing::{AgentSnapshot, AgentStatus};
use crate::state::AppState;

/// Publishes the agent's presence to the site's agents. Presence lives in Redis; when it
/// fails the agent keeps chatting, and the failure is counted and logged.
pub async fn announce(state: &AppState, site: SiteId, agent: AgentId) {
    match presence_of(state, site, agent).await {
        Ok(Some(presence)) => publish(state, site, &HubEvent::AgentPresence { presence }).await,
        Ok(None) => {}
        Err(error) => failed(&error),
    }
}

/// Every active agent of the site, online or not.
pub async fn site_presence(state: &AppState, site: SiteId) -> AppResult<Vec<AgentPresence>> {
    let agents = roster::snapshot(state, site).await?;
    let mut listed = Vec::with_capacity(agents.len());
    for agent in agents {
        let choice = state.presence.choice(site, agent.id).await?;
        listed.push(presence(agent, choice));
    }
    Ok(listed)
}

fn presence(agent: AgentSnapshot, choice: AgentStateChoice) -> AgentPresence {
    AgentPresence {
        agent_id: agent.id,
        online: agent.status == AgentStatus::Online,
        effective: effective_state(choice.state, agent.active_chats, agent.max_chats),
        choice,
        active_chats: agent.active_chats,
        max_chats: agent.max_chats,
    }
}

async fn presence_of(
    state: &AppState,
    site: SiteId,
    agent: AgentId,
) -> AppResult<Option<AgentPresence>> {
    let Some(me) = roster::agent(state, site, agent).await? else {
        return Ok(None);
    };
    let choice = state.presence.choice(site, agent).await?;
    Ok(Some(presence(me, choice)))
}

/// The state in force: an available agent with `max_chats` chats is busy until one ends.
pub fn effective_state(
    chosen: AgentStateKind,
    active_chats: u32,
    max_chats: u32,
) -> AgentStateKind {
    match chosen {
        AgentStateKind::Available if active_chats >= max_chats => AgentStateKind::Busy,
        chosen => chosen,
    }
}

/// Counts and logs a failed presence update.
pub fn failed(error: &dyn std::fmt::Display) {
    metrics::counter!("livedesk_presence_failures_total").increment(1);
    tracing::error!(%error, "updating agent presence failed");
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgentStateKind::*;

    #[test]
    fn the_system_shows_a_full_agent_as_busy() {
        let cases = [
            (Available, 4, 5, Available),
            (Available, 5, 5, Busy),
            (Available, 6, 5, Busy),
            (Away, 5, 5, Away),
            (Break, 0, 5, Break),
            (DoNotDisturb, 5, 5, DoNotDisturb),
        ];
        for (chosen, active, max, expected) in cases {
            assert_eq!(
                effective_state(chosen, active, max),
                expected,
                "{chosen:?} with {active}/{max}"
            );
        }
    }
}
