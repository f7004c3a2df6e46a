//! Agents who vanish: after a disconnect the agent has the site's grace period (60 s by
//! default) to come back; then their open chats return to the queue and go to someone else,
//! and the visitors are told. One node sweeps at a time (a short Redis lock), and a node
//! that died is noticed the same way, by its agents' heartbeats going stale.

use std::time::Duration;

use fred::interfaces::KeysInterface;
use livedesk_protocol::ids::{AgentId, ConversationId, SiteId, VisitorId};
use time::OffsetDateTime;

use super::{announce_queue, auto_assign, ensure_queue, settings};
use crate::error::AppResult;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::routing::{self, QueueEntry};
use crate::state::AppState;

/// How often a node looks for vanished agents.
pub const SWEEP_EVERY: Duration = Duration::from_secs(2);
const LOCK_KEY: &str = "ld:grace-sweep-lock";

/// Sweeps until the node shuts down.
pub async fn sweep_forever(state: AppState) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = state.shutdown.cancelled() => return,
        }
        if let Err(error) = sweep(&state).await {
            metrics::counter!("livedesk_grace_sweep_failures_total").increment(1);
            tracing::error!(?error, "looking for vanished agents failed");
        }
    }
}

async fn sweep(state: &AppState) -> AppResult<()> {
    let lock = fred::types::Expiration::PX(SWEEP_EVERY.as_millis() as i64);
    let taken: Option<String> = state
        .redis
        .next()
        .set(
            LOCK_KEY,
            state.config.node_id.as_str(),
            Some(lock),
            Some(fred::types::SetOptions::NX),
            false,
        )
        .await?;
    if taken.is_none() {
        return Ok(());
    }
    let assigned = sqlx::query!(
        r#"SELECT DISTINCT site_id, assigned_agent_id AS "agent!" FROM conversations
           WHERE status = 'open' AND assigned_agent_id IS NOT NULL"#
    )
    .fetch_all(&state.db)
    .await?;
    for row in assigned {
        let (site, agent) = (SiteId(row.site_id), AgentId(row.agent));
        let grace = settings::load(&state.db, site).await?.reconnect_grace;
        if state
            .presence
            .offline_for(site, agent)
            .await?
            .is_some_and(|gone| gone > grace)
        {
            return_chats(state, site, agent).await?;
        }
    }
    Ok(())
}

/// Puts the agent's open chats back in the queue, tells everyone, and assigns them anew.
async fn return_chats(state: &AppState, site: SiteId, agent: AgentId) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let returned = sqlx::query!(
        "UPDATE conversations SET assigned_agent_id = NULL, assigned_at = NULL
         WHERE site_id = $1 AND assigned_agent_id = $2 AND status = 'open'
         RETURNING id, visitor_id, created_at",
        site.0,
        agent.0
    )
    .fetch_all(&state.db)
    .await?;
    tracing::info!(%site, %agent, chats = returned.len(), "agent did not come back; their chats return to the queue");
    let now = OffsetDateTime::now_utc();
    let settings = settings::load(&state.db, site).await?;
    for row in &returned {
        let conversation = ConversationId(row.id);
        state.queue.release(site, agent).await?;
        // They have waited since the chat began: they go back near the front.
        let entry = QueueEntry {
            conversation,
            vip: false,
            returning: false,
            urgent_department: false,
            enqueued_at: row.created_at,
        };
        state
            .queue
            .enqueue(site, conversation, routing::score(&entry, now))
            .await?;
        let event = HubEvent::ConversationReturned {
            conversation_id: conversation,
            visitor_id: VisitorId(row.visitor_id),
            agent_id: agent,
        };
        publish(state, site, &event).await;
        if settings.auto_assign {
            auto_assign(state, site, conversation, &settings).await?;
        }
    }
    announce_queue(state, site).await
}
