//! The site status pushed to open widgets (`site_status` frames).
//!
//! Each node keeps the status of the sites it has visitor sockets for (the hub knows them)
//! and pushes it to them when it changes. It recomputes a site's status when an event that
//! can change it reaches the node (agents' presence and load, the queue, business hours:
//! [`HubEvent::moves_site_status`](crate::realtime::event::HubEvent::moves_site_status)),
//! and every [`RECHECK_EVERY`] for what no event announces: an opening or closing time
//! passing, a break ending, an agent's "away until" running out. Nothing is published:
//! every node computes the same status from the same PostgreSQL and Redis.

use std::time::Duration;

use livedesk_protocol::ids::SiteId;
use livedesk_protocol::status::SiteStatus;

use super::status;
use crate::error::AppResult;
use crate::state::AppState;

/// How often every site with open widgets on this node is recomputed. Opening and closing
/// times reach widgets at most this late.
pub const RECHECK_EVERY: Duration = Duration::from_secs(20);

/// How long a status computed here is given to widgets that connect, while no event says
/// it changed. A crowd connecting (a node restarting, a campaign landing) costs one
/// computation a site every few seconds, not three round trips to PostgreSQL and Redis
/// per widget.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// Whether `new` is worth pushing to widgets that were given `old`: what the widget
/// offers, why, and when that changes. The counts ride along but move too often (every
/// visitor joining the queue) to be pushed on their own.
pub fn is_news(old: Option<&SiteStatus>, new: &SiteStatus) -> bool {
    old.is_none_or(|old| {
        (old.state, &old.closed_reason, old.next_open, old.closes_at)
            != (new.state, &new.closed_reason, new.next_open, new.closes_at)
    })
}

/// The status for a widget that just connected (and joined the hub): the one computed
/// here recently, or a new one, computed once however many widgets wait for it.
pub async fn for_new_widget(state: &AppState, site: SiteId) -> AppResult<SiteStatus> {
    if let Some(status) = state.hub.computed_status(site, FRESH_FOR) {
        return Ok(status);
    }
    let lock = state.hub.status_lock(site);
    let _turn = match &lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    if let Some(status) = state.hub.computed_status(site, FRESH_FOR) {
        return Ok(status);
    }
    computed(state, site).await
}

/// Computes the site's status and remembers it for widgets that connect.
async fn computed(state: &AppState, site: SiteId) -> AppResult<SiteStatus> {
    let generation = state.hub.status_generation(site);
    let status = status::current(state, site).await?;
    state.hub.store_computed_status(site, &status, generation);
    Ok(status)
}

/// Keeps the widgets on this node current until the node shuts down.
pub async fn watch_forever(state: AppState) {
    let mut every = tokio::time::interval(RECHECK_EVERY);
    loop {
        let sites = tokio::select! {
            _ = every.tick() => state.hub.visitor_sites(),
            sites = state.hub.nudged_sites() => sites,
            () = state.shutdown.cancelled() => return,
        };
        for site in sites {
            refresh(&state, site).await;
        }
    }
}

/// Recomputes one site's status and pushes it if it changed. A failure is counted and
/// logged; the widgets keep the status they have until the next attempt.
async fn refresh(state: &AppState, site: SiteId) {
    match computed(state, site).await {
        Ok(status) => {
            if state.hub.push_status(site, status) {
                metrics::counter!("livedesk_site_status_pushes_total").increment(1);
            }
        }
        Err(error) => {
            metrics::counter!("livedesk_site_status_failures_total").increment(1);
            tracing::error!(%site, ?error, "computing a site's status for its widgets failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::status::{ClosedReason, WidgetState};
    use time::macros::datetime;

    use super::*;

    fn online() -> SiteStatus {
        SiteStatus {
            state: WidgetState::Online,
            closed_reason: None,
            next_open: None,
            closes_at: Some(datetime!(2027-01-15 18:00 UTC)),
            agents_online: 2,
            agents_available: 1,
            queue_length: 0,
        }
    }

    #[test]
    fn widgets_hear_about_what_they_show() {
        let busy = SiteStatus {
            state: WidgetState::Busy,
            ..online()
        };
        let more_agents = SiteStatus {
            agents_online: 3,
            queue_length: 4,
            ..online()
        };
        let closes_later = SiteStatus {
            closes_at: Some(datetime!(2027-01-15 20:00 UTC)),
            ..online()
        };
        let closed = SiteStatus {
            state: WidgetState::Offline,
            closed_reason: Some(ClosedReason::OutsideHours),
            next_open: Some(datetime!(2027-01-16 09:00 UTC)),
            closes_at: None,
            ..online()
        };
        let emergency = SiteStatus {
            closed_reason: Some(ClosedReason::Emergency {
                message: "Power cut".into(),
            }),
            ..closed.clone()
        };
        let cases = [
            ("nothing given yet", None, online(), true),
            ("the same", Some(online()), online(), false),
            ("only the counts", Some(online()), more_agents, false),
            ("online to busy", Some(online()), busy, true),
            ("a new closing time", Some(online()), closes_later, true),
            ("closing", Some(online()), closed.clone(), true),
            ("another reason", Some(closed), emergency, true),
        ];
        for (case, old, new, expected) in cases {
            assert_eq!(is_news(old.as_ref(), &new), expected, "{case}");
        }
    }
}
