//! What no party's frame triggers: a ring or a queue wait that lasted too long (missed,
//! and the site's agents are told), a party whose connection did not come back within the
//! site's grace period (the call fails), and queued calls that an agent became free for.
//! One node sweeps at a time (a short Redis lock); the state is all in PostgreSQL.

use std::collections::HashMap;
use std::time::Duration;

use livedesk_protocol::calls::CallState;
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::visitors::VisitorStatus;
use livedesk_signaling::CallEvent;
use time::OffsetDateTime;

use super::{announce_queue, ring, store, system_change};
use crate::assignment::settings;
use crate::error::AppResult;
use crate::ops::singleton::Job;
use crate::state::AppState;

/// How often a node looks at live calls: ring timeouts are met within this.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);

pub async fn sweep_forever(state: AppState) {
    let job = Job {
        name: "call_sweep",
        period: SWEEP_EVERY,
    };
    job.run_forever(state, |state| async move { sweep(&state).await })
        .await;
}

async fn sweep(state: &AppState) -> AppResult<()> {
    let live = store::live(&state.db).await?;
    let mut graces: HashMap<SiteId, Duration> = HashMap::new();
    let mut queues: Vec<SiteId> = Vec::new();
    for call in &live {
        if call.overdue {
            tracing::info!(call = %call.id, state = call.state.as_str(), "call missed");
            system_change(state, call.site, call.id, CallEvent::RingTimeout, None).await?;
            continue;
        }
        let grace = match graces.get(&call.site) {
            Some(grace) => *grace,
            None => {
                let grace = settings::load(&state.db, call.site).await?.reconnect_grace;
                *graces.entry(call.site).or_insert(grace)
            }
        };
        if party_lost(state, call, grace).await? {
            tracing::info!(call = %call.id, "a party of the call did not come back; it fails");
            system_change(state, call.site, call.id, CallEvent::Lost, None).await?;
            continue;
        }
        if call.state == CallState::Queued && !queues.contains(&call.site) {
            queues.push(call.site);
        }
    }
    for site in queues {
        drain_queue(state, site).await?;
    }
    Ok(())
}

/// Whether the visitor, or the agent rung or in the call, has been gone longer than the
/// grace period (their socket may just be reconnecting: media does not need it). A visitor
/// counts as gone once their presence is offline, 5 s after their last socket closed.
async fn party_lost(state: &AppState, call: &store::Live, grace: Duration) -> AppResult<bool> {
    let visitor_here = state
        .visitors
        .presence(call.site, call.visitor)
        .await?
        .status
        != VisitorStatus::Offline;
    let agent_here = match call.agent.filter(|_| call.state != CallState::Queued) {
        Some(agent) => state.presence.is_online(call.site, agent).await?,
        None => true,
    };
    let now = OffsetDateTime::now_utc();
    let gone_since = |here: bool, known: Option<OffsetDateTime>| match here {
        true => None,
        false => Some(known.unwrap_or(now)),
    };
    let visitor_gone = gone_since(visitor_here, call.visitor_gone_since);
    let agent_gone = gone_since(agent_here, call.agent_gone_since);
    if (visitor_gone, agent_gone) != (call.visitor_gone_since, call.agent_gone_since) {
        store::set_gone(&state.db, call.id, visitor_gone, agent_gone).await?;
    }
    let longest = [visitor_gone, agent_gone].into_iter().flatten().min();
    Ok(longest.is_some_and(|since| (now - since).unsigned_abs() > grace))
}

/// Rings free agents for the site's queued calls, first first, until one finds nobody.
pub async fn drain_queue(state: &AppState, site: SiteId) -> AppResult<()> {
    let mut moved = false;
    for queued in store::queued(&state.db, site).await? {
        let target = store::target_of_conversation(&state.db, site, queued.conversation).await?;
        let mut excluded = Vec::new();
        let mut rung = false;
        while let Some(agent) = ring::pick_agent(state, site, &target, &excluded).await? {
            if system_change(state, site, queued.id, CallEvent::Ring, Some(agent)).await? {
                rung = true;
                break;
            }
            // Rung meanwhile by another call, or this call moved on: try once more.
            excluded.push(agent);
            if excluded.len() >= 3 {
                break;
            }
        }
        if !rung {
            break;
        }
        moved = true;
    }
    if moved {
        announce_queue(state, site).await?;
    }
    Ok(())
}
