//! Visitor presence news on its way to the site's agents, a batch at a time.
//!
//! Every visitor socket that opens, closes, changes page or goes idle is news for every
//! agent of its site. Published one by one, 50,000 visitors arriving (or a sweep taking
//! them offline together) are 50,000 Redis publishes and 50,000 frames queued on each
//! agent's socket, which closes it as a slow consumer. So each node collects the news per
//! site for [`FLUSH_EVERY`] and publishes it as one event per [`MAX_PER_EVENT`] visitors;
//! when a visitor changed twice within a batch only the last presence goes out.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use livedesk_protocol::ids::{SiteId, VisitorId};
use livedesk_protocol::visitors::VisitorPresence;
use tokio::sync::Notify;

use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::state::AppState;

/// How long news waits for more news of its site: the delay agents see at most.
pub const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// Visitors in one event (and one frame): a few dozen KiB of JSON.
pub const MAX_PER_EVENT: usize = 200;

#[derive(Default)]
pub struct PresenceOutbox {
    /// A std mutex: held only to add or take, never across an await.
    pending: Mutex<HashMap<SiteId, HashMap<VisitorId, VisitorPresence>>>,
    wake: Notify,
}

impl PresenceOutbox {
    /// Queues `presence` for the site's agents, replacing older news of the same visitor.
    pub fn post(&self, site: SiteId, presence: VisitorPresence) {
        let mut pending = self.pending();
        let was_empty = pending.is_empty();
        pending
            .entry(site)
            .or_default()
            .insert(presence.visitor_id, presence);
        drop(pending);
        if was_empty {
            self.wake.notify_one();
        }
    }

    /// Takes everything queued, as the events to publish.
    fn take(&self) -> Vec<(SiteId, HubEvent)> {
        let pending = std::mem::take(&mut *self.pending());
        batches(pending)
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<SiteId, HashMap<VisitorId, VisitorPresence>>> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The events for what was queued: per site, [`MAX_PER_EVENT`] visitors at a time.
fn batches(
    pending: HashMap<SiteId, HashMap<VisitorId, VisitorPresence>>,
) -> Vec<(SiteId, HubEvent)> {
    let mut events = Vec::new();
    for (site, visitors) in pending {
        let visitors: Vec<VisitorPresence> = visitors.into_values().collect();
        for chunk in visitors.chunks(MAX_PER_EVENT) {
            let event = HubEvent::VisitorPresence {
                visitors: chunk.to_vec(),
            };
            events.push((site, event));
        }
    }
    events
}

/// Publishes the news until the node shuts down. What sockets closing on the way down post
/// is published by the last [`flush`], once they have closed.
pub async fn flush_forever(state: AppState) {
    let outbox = state.visitor_news.clone();
    loop {
        tokio::select! {
            () = outbox.wake.notified() => {}
            () = state.shutdown.cancelled() => break,
        }
        // Let the rest of the batch arrive.
        tokio::select! {
            () = tokio::time::sleep(FLUSH_EVERY) => {}
            () = state.shutdown.cancelled() => break,
        }
        flush(&state).await;
    }
}

/// Publishes everything queued now.
pub async fn flush(state: &AppState) {
    for (site, event) in state.visitor_news.take() {
        publish(state, site, &event).await;
    }
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::visitors::VisitorStatus;
    use time::OffsetDateTime;

    use super::*;

    fn presence(visitor: VisitorId, status: VisitorStatus) -> VisitorPresence {
        VisitorPresence {
            visitor_id: visitor,
            status,
            page: None,
            last_seen: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn visitors_of(event: &HubEvent) -> &[VisitorPresence] {
        match event {
            HubEvent::VisitorPresence { visitors } => visitors,
            other => panic!("not presence news: {other:?}"),
        }
    }

    #[test]
    fn the_last_news_of_a_visitor_wins_and_sites_stay_apart() {
        let outbox = PresenceOutbox::default();
        let (shop, blog) = (SiteId::new_random(), SiteId::new_random());
        let (ada, bob) = (VisitorId::new_random(), VisitorId::new_random());
        outbox.post(shop, presence(ada, VisitorStatus::Active));
        outbox.post(shop, presence(ada, VisitorStatus::Offline));
        outbox.post(blog, presence(bob, VisitorStatus::Idle));

        let mut events = outbox.take();
        events.sort_by_key(|(site, _)| *site != shop);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].0, shop);
        let shop_news = visitors_of(&events[0].1);
        assert_eq!(
            shop_news
                .iter()
                .map(|p| (p.visitor_id, p.status))
                .collect::<Vec<_>>(),
            vec![(ada, VisitorStatus::Offline)]
        );
        assert_eq!(events[1].0, blog);
        assert_eq!(visitors_of(&events[1].1)[0].visitor_id, bob);
        assert!(outbox.take().is_empty(), "taken once");
    }

    #[test]
    fn a_crowd_is_split_into_events_of_bounded_size() {
        let outbox = PresenceOutbox::default();
        let site = SiteId::new_random();
        let crowd = MAX_PER_EVENT * 2 + 1;
        for _ in 0..crowd {
            outbox.post(
                site,
                presence(VisitorId::new_random(), VisitorStatus::Active),
            );
        }
        let sizes: Vec<usize> = outbox
            .take()
            .iter()
            .map(|(_, event)| visitors_of(event).len())
            .collect();
        assert_eq!(sizes.len(), 3);
        assert!(sizes.iter().all(|n| *n <= MAX_PER_EVENT), "{sizes:?}");
        assert_eq!(sizes.iter().sum::<usize>(), crowd);
    }
}
