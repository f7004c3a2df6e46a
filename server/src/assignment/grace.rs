//! Agents who vanish: after a disconnect the agent has the site's grace period (60 s by
//! default) to come back; then their open chats return to the queue and go to someone else,
//! and the visitors are told. One node sweeps at a time (a short Redis lock), and a node
//! that died is noticed the same way, by its agents' heartbeats going stale.

use std::time::Duration;

use livedesk_protocol::ids::{AgentId, ConversationId, SiteId, VisitorId};

use super::{announce_queue, ensure_queue, queue_and_route, settings, store};
use crate::error::AppResult;
use crate::ops::singleton::Job;
use crate::presence::news;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::state::AppState;

/// How often a node looks for vanished agents.
pub const SWEEP_EVERY: Duration = Duration::from_secs(2);

/// Sweeps until the node shuts down.
pub async fn sweep_forever(state: AppState) {
    let job = Job {
        name: "grace_sweep",
        period: SWEEP_EVERY,
    };
    job.run_forever(state, |state| async move { sweep(&state).await })
        .await;
}

async fn sweep(state: &AppState) -> AppResult<()> {
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
pub(crate) async fn return_chats(state: &AppState, site: SiteId, agent: AgentId) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let returned = sqlx::query!(
        "UPDATE conversations SET assigned_agent_id = NULL, assigned_at = NULL,
                                  queued_at = now(), wait_timed_out_at = NULL
         WHERE site_id = $1 AND assigned_agent_id = $2 AND status = 'open'
         RETURNING id, visitor_id",
        site.0,
        agent.0
    )
    .fetch_all(&state.db)
    .await?;
    tracing::info!(%site, %agent, chats = returned.len(), "agent did not come back; their chats return to the queue");
    for row in &returned {
        let conversation = ConversationId(row.id);
        state.queue.release(site, agent).await?;
        let event = HubEvent::ConversationReturned {
            conversation_id: conversation,
            visitor_id: VisitorId(row.visitor_id),
            agent_id: agent,
        };
        publish(state, site, &event).await;
        // They have waited since the chat began, so they go back near the front.
        if let Some(waiting) = store::waiting(&state.db, site, Some(conversation))
            .await?
            .pop()
        {
            queue_and_route(state, site, &waiting, Some(agent)).await?;
        }
    }
    news::announce(state, site, agent).await;
    announce_queue(state, site).await
}
