//! Giving conversations to agents: a new conversation waits in the site's queue and, with
//! auto-assignment on, goes at once to the agent the site's routing strategy picks; an
//! agent who frees up takes the head of the queue; in manual mode agents accept from the
//! queue. Every hand-over goes through the queue's atomic Lua scripts first, so no visitor
//! is ever given to two agents.

pub mod grace;
pub mod settings;
mod store;

use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{AgentId, ConversationId, SiteId, VisitorId};
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
use crate::presence::roster;
use crate::queue::Assignment;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::routing::{self, QueueEntry, RoutingRequest};
use crate::state::AppState;

pub use settings::RoutingSettings;

/// Seconds of waiting assumed for each visitor ahead, until handling times are measured.
const WAIT_PER_PLACE_SECS: u64 = 60;

/// A visitor opened a conversation: queue it, and assign it if the site auto-assigns.
pub async fn on_opened(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
    visitor: VisitorId,
) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let now = OffsetDateTime::now_utc();
    let returning =
        store::has_earlier_conversations(&state.db, site, visitor, conversation).await?;
    let entry = QueueEntry {
        conversation,
        vip: false,
        returning,
        urgent_department: false,
        enqueued_at: now,
    };
    state
        .queue
        .enqueue(site, conversation, routing::score(&entry, now))
        .await?;
    let settings = settings::load(&state.db, site).await?;
    if settings.auto_assign {
        auto_assign(state, site, conversation, &settings).await?;
    }
    announce_queue(state, site).await
}

/// Picks an agent by the site's strategy; tries the next pick if the first filled up in
/// the meantime. Leaves the conversation waiting when nobody can take it.
async fn auto_assign(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
    settings: &RoutingSettings,
) -> AppResult<()> {
    let mut agents = roster::snapshot(state, site).await?;
    let now = OffsetDateTime::now_utc();
    let request = RoutingRequest::default();
    for _ in 0..3 {
        let last = store::round_robin_cursor(state, site).await?;
        let Some(pick) = routing::pick(settings.strategy, &request, &agents, now, last) else {
            return Ok(());
        };
        let Some(agent) = agents.iter().find(|a| a.id == pick.agent) else {
            return Ok(());
        };
        match state
            .queue
            .assign(site, conversation, agent.id, agent.max_chats)
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
    match state
        .queue
        .assign(site, conversation, agent, max_chats)
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
        Assignment::NotQueued => Err(AppError::new(
            ErrorCode::Conflict,
            "the conversation is not waiting: someone took it",
        )),
    }
}

/// The agent may take more chats now (came online, became available, finished a chat):
/// with auto-assignment, give them visitors from the head of the queue.
pub async fn on_agent_free(state: &AppState, site: SiteId, agent: AgentId) -> AppResult<()> {
    ensure_queue(state, site).await?;
    if !settings::load(&state.db, site).await?.auto_assign {
        return Ok(());
    }
    let now = OffsetDateTime::now_utc();
    let mut moved = false;
    loop {
        let Some(me) = roster::agent(state, site, agent)
            .await?
            .filter(|me| me.can_take_chat(now))
        else {
            break;
        };
        let Some(conversation) = state.queue.claim_next(site, agent, me.max_chats).await? else {
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

/// A conversation closed: it leaves the queue, or frees its agent's place.
pub async fn on_closed(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<()> {
    ensure_queue(state, site).await?;
    if state.queue.leave(site, conversation).await? {
        return announce_queue(state, site).await;
    }
    if let Some(agent) = store::assigned_agent(&state.db, site, conversation).await? {
        state.queue.release(site, agent).await?;
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
            Ok(())
        }
        None => Ok(state.queue.release(site, agent).await?),
    }
}

/// Tells waiting visitors their places.
async fn announce_queue(state: &AppState, site: SiteId) -> AppResult<()> {
    let order = state.queue.waiting(site).await?;
    publish(state, site, &HubEvent::QueueMoved { order }).await;
    Ok(())
}

/// The estimated wait for a place in the queue.
pub fn estimated_wait_secs(position: u64) -> u64 {
    position * WAIT_PER_PLACE_SECS
}

/// Rebuilds the site's queue from PostgreSQL when Redis has lost it (flush, restart).
async fn ensure_queue(state: &AppState, site: SiteId) -> AppResult<()> {
    if state.queue.is_built(site).await? {
        return Ok(());
    }
    let (waiting, loads) = store::queue_state(&state.db, site).await?;
    let now = OffsetDateTime::now_utc();
    let scored: Vec<_> = waiting
        .into_iter()
        .map(|(conversation, enqueued_at)| {
            let entry = QueueEntry {
                conversation,
                vip: false,
                returning: false,
                urgent_department: false,
                enqueued_at,
            };
            (conversation, routing::score(&entry, now))
        })
        .collect();
    tracing::info!(%site, waiting = scored.len(), "rebuilding the queue from PostgreSQL");
    Ok(state.queue.rebuild(site, &scored, &loads).await?)
}
