//! Announcing visitors who left: their last socket closed [`super::LINGER`] ago, or their
//! sockets went stale because their node died; and agents whose sockets went stale. Every node sweeps the sites it has sockets
//! for (its agents are the ones who want to know); the Redis script lets exactly one node
//! take each visitor offline, so the news goes out once.

use std::time::Duration;

use livedesk_protocol::ids::SiteId;

use crate::presence::news;
use crate::state::AppState;

/// How often a node looks for visitors who left.
pub const SWEEP_EVERY: Duration = Duration::from_secs(2);

/// Sweeps until the node shuts down.
pub async fn sweep_forever(state: AppState) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = state.shutdown.cancelled() => return,
        }
        for site in state.hub.site_ids() {
            if let Err(error) = sweep(&state, site).await {
                metrics::counter!("livedesk_visitor_sweep_failures_total").increment(1);
                tracing::error!(%site, %error, "looking for visitors who left failed");
            }
        }
    }
}

async fn sweep(state: &AppState, site: SiteId) -> Result<(), fred::error::Error> {
    for presence in state.visitors.expire(site).await? {
        state.visitor_news.post(site, presence);
    }
    // Agents whose node died are told offline the same way, by their colleagues' nodes.
    for agent in state.presence.expire_stale(site).await? {
        news::announce(state, site, agent).await;
    }
    Ok(())
}
