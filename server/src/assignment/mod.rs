//! Giving conversations to agents: a new conversation waits in its line of the site's queue
//! (its department's, or the general one) and, with auto-assignment on, goes at once to the
//! agent the routing strategy picks; an agent who frees up takes the best-placed visitor
//! of the lines they serve; in manual mode agents accept from the queue. Every hand-over
//! goes through the queue's atomic Lua scripts first, so no visitor is ever given to two
//! agents.
//!
//! - [`grace`]: agents who vanish lose their chats to the queue after the grace period.
//! - [`upkeep`]: priorities age and long waits are offered the offline form.
//! - [`transfer`]: agents hand conversations to a colleague or a department.
//! - [`routes`]: the admin console's routing settings, departments and agents' profiles.

mod departments;
pub mod estimate;
pub mod grace;
mod profiles;
pub mod routes;
pub mod settings;
mod store;
pub mod transfer;
pub mod upkeep;

use std::collections::BTreeSet;

use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{AgentId, ConversationId, DepartmentId, SiteId};
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
use crate::presence::{news, roster};
use crate::queue::{Assignment, Line};
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::routing::{self, AgentSnapshot, AgentStatus};
use crate::state::AppState;

pub use settings::RoutingSettings;
use store::Waiting;

/// A visitor opened a conversation: queue it, and assign it if the site auto-assigns.
pub async fn on_opened(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<()> {
    ensure_queue(state, site).await?;
    if let Some(waiting) = store::waiting(&state.db, site, Some(conversation))
        .await?
        .pop()
    {
        queue_and_route(state, site, &waiting, None).await?;
    }
    announce_queue(state, site).await
}

/// An agent opened a conversation with a visitor (the live visitors list): it is theirs,
/// unless they are at their maximum number of chats, when it is routed like any other.
pub async fn on_opened_by_agent(
    state: &AppState,
    site: SiteId,
    agent: AgentId,
    conversation: ConversationId,
) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let Some(waiting) = store::waiting(&state.db, site, Some(conversation))
        .await?
        .pop()
    else {
        return Ok(());
    };
    let line = waiting.line(site);
    let now = OffsetDateTime::now_utc();
    state
        .queue
        .enqueue(line, conversation, routing::score(&waiting.entry, now))
        .await?;
    let max_chats = store::max_chats(&state.db, site, agent).await?;
    match state
        .queue
        .assign(line, conversation, agent, max_chats)
        .await?
    {
        Assignment::Assigned => hand_over(state, site, conversation, agent).await?,
        Assignment::AgentFull | Assignment::NotQueued => {
            queue_and_route(state, site, &waiting, None).await?;
        }
    }
    announce_queue(state, site).await
}

/// Puts a waiting conversation in its line and, with auto-assignment, gives it to the agent
/// its strategy picks, never to `not_to` (the agent who just handed it on).
async fn queue_and_route(
    state: &AppState,
    site: SiteId,
    waiting: &Waiting,
    not_to: Option<AgentId>,
) -> AppResult<()> {
    let now = OffsetDateTime::now_utc();
    let line = waiting.line(site);
    let conversation = waiting.entry.conversation;
    state
        .queue
        .enqueue(line, conversation, routing::score(&waiting.entry, now))
        .await?;
    let settings = settings::load(&state.db, site).await?;
    if settings.auto_assign {
        auto_assign(state, site, waiting, &settings, not_to).await?;
    }
    Ok(())
}

/// Picks an agent by the strategy of the conversation's department (or the site's); tries
/// the next pick if the first filled up in the meantime. Leaves the conversation waiting
/// when nobody can take it.
async fn auto_assign(
    state: &AppState,
    site: SiteId,
    waiting: &Waiting,
    settings: &RoutingSettings,
    not_to: Option<AgentId>,
) -> AppResult<()> {
    let strategy =
        settings::strategy_for(&state.db, site, waiting.department, settings.strategy).await?;
    let mut agents = roster::snapshot(state, site).await?;
    agents.retain(|a| Some(a.id) != not_to);
    let now = OffsetDateTime::now_utc();
    let conversation = waiting.entry.conversation;
    for _ in 0..3 {
        let last = store::round_robin_cursor(state, site).await?;
        let Some(pick) = routing::pick(strategy, &waiting.request, &agents, now, last) else {
            return Ok(());
        };
        let Some(agent) = agents.iter().find(|a| a.id == pick.agent) else {
            return Ok(());
        };
        match state
            .queue
            .assign(waiting.line(site), conversation, agent.id, agent.max_chats)
            .await?
        {
            Assignment::Assigned => {
                store::set_round_robin_cursor(state, site, agent.id).await?;
                return hand_over(state, site, conversation, agent.id).await;
            }
            Assignment::NotQueued => return Ok(()),
            Assignment::AgentFull => agents.retain(|a| a.id != pick.agent),
        }
    }
    Ok(())
}

/// An agent takes a waiting conversation.
pub async fn accept(
    state: &AppState,
    site: SiteId,
    agent: AgentId,
    conversation: ConversationId,
) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let max_chats = store::max_chats(&state.db, site, agent).await?;
    let not_waiting = || {
        AppError::new(
            ErrorCode::Conflict,
            "the conversation is not waiting: someone took it",
        )
    };
    let waiting = store::waiting(&state.db, site, Some(conversation))
        .await?
        .pop()
        .ok_or_else(not_waiting)?;
    match state
        .queue
        .assign(waiting.line(site), conversation, agent, max_chats)
        .await?
    {
        Assignment::Assigned => {
            hand_over(state, site, conversation, agent).await?;
            announce_queue(state, site).await
        }
        Assignment::AgentFull => Err(AppError::new(
            ErrorCode::Conflict,
            "you are at your maximum number of chats",
        )),
        Assignment::NotQueued => Err(not_waiting()),
    }
}

/// The agent may take more chats now (came online, became available, finished a chat):
/// with auto-assignment, give them visitors from the lines they serve.
pub async fn on_agent_free(state: &AppState, site: SiteId, agent: AgentId) -> AppResult<()> {
    ensure_queue(state, site).await?;
    if !settings::load(&state.db, site).await?.auto_assign {
        return Ok(());
    }
    let now = OffsetDateTime::now_utc();
    let mut served: Option<Vec<Line>> = None;
    let mut moved = false;
    loop {
        let Some(me) = roster::agent(state, site, agent)
            .await?
            .filter(|me| me.can_take_chat(now))
        else {
            break;
        };
        let lines = match &served {
            Some(lines) => lines,
            None => served.insert(lines_served(state, site, &me, now).await?),
        };
        let Some((conversation, _)) = state
            .queue
            .claim_next(site, agent, me.max_chats, lines)
            .await?
        else {
            break;
        };
        hand_over(state, site, conversation, agent).await?;
        moved = true;
    }
    if moved {
        announce_queue(state, site).await?;
    }
    Ok(())
}

/// The lines a free agent takes visitors from: their department's, the general one, and
/// those of departments with nobody who can take a chat now (the general-pool fallback).
async fn lines_served(
    state: &AppState,
    site: SiteId,
    me: &AgentSnapshot,
    now: OffsetDateTime,
) -> AppResult<Vec<Line>> {
    let lines = state.queue.lines(site).await?;
    let others: Vec<DepartmentId> = lines
        .iter()
        .filter_map(|line| line.department)
        .filter(|d| Some(*d) != me.department)
        .collect();
    let staffed: BTreeSet<DepartmentId> = if others.is_empty() {
        BTreeSet::new()
    } else {
        roster::snapshot(state, site)
            .await?
            .iter()
            .filter(|a| a.id != me.id && a.can_take_chat(now))
            .filter_map(|a| a.department)
            .collect()
    };
    let mut served: Vec<Line> = me
        .department
        .map(|d| Line::of(site, Some(d)))
        .into_iter()
        .chain([Line::general(site)])
        .collect();
    served.extend(
        others
            .into_iter()
            .filter(|d| !staffed.contains(d))
            .map(|d| Line::of(site, Some(d))),
    );
    Ok(served)
}

/// A conversation closed: it leaves the queue, or frees its agent's place.
pub async fn on_closed(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let department = store::department_of(&state.db, site, conversation).await?;
    if state
        .queue
        .leave(Line::of(site, department), conversation)
        .await?
    {
        return announce_queue(state, site).await;
    }
    if let Some(agent) = store::assigned_agent(&state.db, site, conversation).await? {
        state.queue.release(site, agent).await?;
        news::announce(state, site, agent).await;
        on_agent_free(state, site, agent).await?;
    }
    Ok(())
}

/// Records the assignment taken in Redis, and tells the agents and the visitor. If the
/// conversation closed meanwhile, the agent's place is given back.
async fn hand_over(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
    agent: AgentId,
) -> AppResult<()> {
    match store::assign(&state.db, site, conversation, agent).await? {
        Some(assigned) => {
            let event = HubEvent::ConversationAssigned {
                conversation_id: conversation,
                visitor_id: assigned.visitor,
                agent_id: agent,
                agent_name: assigned.agent_name,
            };
            publish(state, site, &event).await;
        }
        None => state.queue.release(site, agent).await?,
    }
    news::announce(state, site, agent).await;
    Ok(())
}

/// Tells waiting visitors their places and waits, line by line.
async fn announce_queue(state: &AppState, site: SiteId) -> AppResult<()> {
    let mut secs_per_place = None;
    for line in state.queue.lines(site).await? {
        let order = state.queue.waiting(line).await?;
        if line.department.is_some() && order.is_empty() {
            continue;
        }
        let secs_per_place = match secs_per_place {
            Some(secs) => secs,
            None => *secs_per_place.insert(measure_secs_per_place(state, site).await?),
        };
        let event = HubEvent::QueueMoved {
            order,
            secs_per_place,
        };
        publish(state, site, &event).await;
    }
    Ok(())
}

/// The conversation's place in its line and the wait told for it; `None` when it is not
/// waiting (for a visitor who reconnects while waiting).
pub async fn place_of(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<Option<(u64, u64)>> {
    ensure_queue(state, site).await?;
    let department = store::department_of(&state.db, site, conversation).await?;
    let Some(position) = state
        .queue
        .position(Line::of(site, department), conversation)
        .await?
    else {
        return Ok(None);
    };
    let secs_per_place = measure_secs_per_place(state, site).await?;
    Ok(Some((
        position,
        estimate::wait_secs(position, secs_per_place),
    )))
}

/// What a place in the site's queue costs now (see [`estimate`]).
async fn measure_secs_per_place(state: &AppState, site: SiteId) -> AppResult<u64> {
    let average = store::average_chat_secs(&state.db, site).await?;
    let now = OffsetDateTime::now_utc();
    let seats: u32 = roster::snapshot(state, site)
        .await?
        .iter()
        .filter(|a| a.status == AgentStatus::Online && a.state.accepts_chats(now))
        .map(|a| a.max_chats)
        .sum();
    Ok(estimate::secs_per_place(average, seats))
}

/// Rebuilds the site's queue from PostgreSQL when Redis has lost it (flush, restart).
async fn ensure_queue(state: &AppState, site: SiteId) -> AppResult<()> {
    if state.queue.is_built(site).await? {
        return Ok(());
    }
    let waiting = store::waiting(&state.db, site, None).await?;
    let loads = store::loads(&state.db, site).await?;
    let now = OffsetDateTime::now_utc();
    let scored: Vec<_> = waiting
        .iter()
        .map(|w| {
            let score = routing::score(&w.entry, now);
            (w.line(site), w.entry.conversation, score)
        })
        .collect();
    tracing::info!(%site, waiting = scored.len(), "rebuilding the queue from PostgreSQL");
    Ok(state.queue.rebuild(site, &scored, &loads).await?)
}
