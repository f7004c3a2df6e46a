//! Who a call rings: the conversation's own agent when they can take a call, else the agent
//! the site's routing strategy picks among those who can, as for a chat.

use std::collections::BTreeSet;

use livedesk_protocol::ids::{AgentId, SiteId};
use time::OffsetDateTime;

use super::store::{self, Target};
use crate::assignment::settings;
use crate::error::AppResult;
use crate::presence::roster;
use crate::routing::{self, AgentSnapshot, AgentStatus};
use crate::state::AppState;

/// Whether an agent can be rung now: online, available, taking calls (their routing
/// profile's `accepts_calls`), and not rung for or in another call.
pub fn can_take_call(agent: &AgentSnapshot, busy: &BTreeSet<AgentId>, now: OffsetDateTime) -> bool {
    agent.status == AgentStatus::Online
        && agent.accepts_calls
        && agent.state.accepts_chats(now)
        && !busy.contains(&agent.id)
}

/// The agent to ring for a call of `target`'s conversation, never one of `excluded`;
/// `None` when nobody can take it (the call queues).
pub async fn pick_agent(
    state: &AppState,
    site: SiteId,
    target: &Target,
    excluded: &[AgentId],
) -> AppResult<Option<AgentId>> {
    let now = OffsetDateTime::now_utc();
    let busy = store::busy_agents(&state.db, site).await?;
    let free: Vec<AgentSnapshot> = roster::snapshot(state, site)
        .await?
        .into_iter()
        .filter(|a| can_take_call(a, &busy, now) && !excluded.contains(&a.id))
        .collect();
    if let Some(assigned) = target.assigned
        && free.iter().any(|a| a.id == assigned)
    {
        return Ok(Some(assigned));
    }
    let site_settings = settings::load(&state.db, site).await?;
    let strategy = settings::strategy_for(
        &state.db,
        site,
        target.request.department,
        site_settings.strategy,
    )
    .await?;
    Ok(routing::pick(strategy, &target.request, &free, now, None).map(|p| p.agent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::AgentState;
    use time::Duration;

    fn agent(status: AgentStatus, state: AgentState, accepts_calls: bool) -> AgentSnapshot {
        AgentSnapshot {
            id: AgentId::new_random(),
            status,
            state,
            active_chats: 0,
            max_chats: 5,
            queued_chats: 0,
            skills: BTreeSet::new(),
            languages: vec!["en".into()],
            department: None,
            priority_level: 0,
            rating: None,
            accepts_calls,
        }
    }

    #[test]
    fn only_free_available_agents_who_take_calls_are_rung() {
        let now = OffsetDateTime::now_utc();
        let lunch = |until| AgentState::Break {
            until: Some(until),
            message: None,
        };
        let in_a_call = agent(AgentStatus::Online, AgentState::Available, true);
        let busy = BTreeSet::from([in_a_call.id]);
        let cases = [
            (
                agent(AgentStatus::Online, AgentState::Available, true),
                true,
            ),
            (
                agent(AgentStatus::Online, AgentState::Available, false),
                false,
            ),
            (
                agent(AgentStatus::Offline, AgentState::Available, true),
                false,
            ),
            (
                agent(AgentStatus::Online, lunch(now + Duration::hours(1)), true),
                false,
            ),
            (
                agent(AgentStatus::Online, lunch(now - Duration::minutes(1)), true),
                true,
            ),
            (in_a_call, false),
        ];
        for (agent, expected) in cases {
            assert_eq!(can_take_call(&agent, &busy, now), expected, "{agent:?}");
        }
    }
}
