//! The hub: which sockets of this node follow which site, and the Redis subscription that
//! feeds them. Every event goes through Redis, also between two sockets of one node, so one
//! node behaves exactly like many.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fred::clients::{Pool, SubscriberClient};
use fred::interfaces::{ClientLike, EventInterface, PubsubInterface};
use livedesk_protocol::chat::{Author, Party};
use livedesk_protocol::ids::{SiteId, VisitorId};
use livedesk_protocol::status::SiteStatus;
use tokio::sync::mpsc;

use super::event::{CallParty, HubEvent, site_channel, site_of_channel};
use super::nudges::StatusNudges;
use crate::sites::live_status;

/// Events a visitor's socket may have waiting before it counts as a slow consumer and is
/// closed (it then reconnects and resumes from its last seq, so nothing is lost).
pub const SOCKET_BUFFER: usize = 256;

/// The same for an agent's socket, which hears everything of its site: a burst (a crowd of
/// visitors, a busy minute) must not close it. Agents are few, and a channel's slots are
/// allocated as they fill, so this costs nothing while the agent keeps up.
pub const AGENT_SOCKET_BUFFER: usize = 4096;

/// Redis messages the subscriber may hold for the forwarding task before the hub counts as
/// behind (and asks every socket of the node to reconnect and resume). fred's default, 32,
/// is 16 ms of traffic at 2,000 messages a second: one scheduling hiccup on a busy node
/// closed every socket in the benchmark. 4,096 is two seconds of that traffic; a slot
/// holds one event until it is overwritten, so this keeps at most a few MiB.
pub const SUBSCRIBER_BUFFER: usize = 4096;

/// What the hub hands a socket.
#[derive(Clone, Debug)]
pub enum Delivery {
    Event(Arc<HubEvent>),
    /// Redis reconnected: events may have been missed; the client must reconnect and resume.
    Resync,
    /// The site's public status changed (visitors only; computed by this node, not
    /// published).
    SiteStatus(Arc<SiteStatus>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Agent,
    Visitor(VisitorId),
}

impl Audience {
    fn wants(self, event: &HubEvent) -> bool {
        match (self, event) {
            (_, HubEvent::HoursChanged {}) => false,
            (Audience::Agent, HubEvent::AccessRevoked { .. }) => true,
            (Audience::Visitor(_), HubEvent::AccessRevoked { agent_id }) => agent_id.is_none(),
            (Audience::Agent, HubEvent::QueueMoved { .. } | HubEvent::CallQueued { .. }) => false,
            // To every agent socket; each keeps only its own agent's (`Peer::is_party`).
            (Audience::Agent, HubEvent::CallSignal { to, .. }) => {
                matches!(to, CallParty::Agent(_))
            }
            (Audience::Agent, _) => true,
            (Audience::Visitor(me), HubEvent::CallChanged { call }) => me == call.visitor_id,
            (Audience::Visitor(me), HubEvent::CallQueued { visitor_id, .. }) => me == *visitor_id,
            (Audience::Visitor(me), HubEvent::CallSignal { to, .. }) => {
                *to == CallParty::Visitor(me)
            }
            (Audience::Visitor(_), HubEvent::QueueMoved { .. }) => true,
            (
                Audience::Visitor(me),
                HubEvent::Message { visitor_id, .. }
                | HubEvent::MessageChanged { visitor_id, .. }
                | HubEvent::ConversationAssigned { visitor_id, .. }
                | HubEvent::ConversationReturned { visitor_id, .. }
                | HubEvent::ConversationTransferred { visitor_id, .. }
                | HubEvent::WaitTimedOut { visitor_id, .. }
                | HubEvent::ConversationClosed { visitor_id, .. },
            ) => me == *visitor_id,
            // The visitor hears about the agents' side only: not their own typing or receipts.
            (
                Audience::Visitor(me),
                HubEvent::Typing {
                    visitor_id, author, ..
                },
            ) => me == *visitor_id && !matches!(author, Author::Visitor { .. }),
            (
                Audience::Visitor(me),
                HubEvent::Receipt {
                    visitor_id, reader, ..
                },
            ) => me == *visitor_id && *reader == Party::Agents,
            (
                Audience::Visitor(_),
                HubEvent::ConversationOpened { .. }
                | HubEvent::NoteAdded { .. }
                | HubEvent::ConversationRated { .. }
                | HubEvent::TagsChanged { .. }
                | HubEvent::OfflineMessage { .. }
                | HubEvent::AgentPresence { .. }
                | HubEvent::VisitorPresence { .. },
            ) => false,
        }
    }
}

#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    publisher: Pool,
    subscriber: SubscriberClient,
    /// A std mutex: it is held only to read or change the map, never across an await.
    sites: Mutex<HashMap<SiteId, SiteSockets>>,
    /// Serialises SUBSCRIBE and UNSUBSCRIBE so a late unsubscribe cannot undo a new join.
    subscriptions: tokio::sync::Mutex<()>,
    next_member: AtomicU64,
    /// Sites with visitor sockets here whose status an event may have changed.
    status_nudges: StatusNudges,
}

/// A site's sockets on this node, agents apart and visitors by visitor: an event about one
/// visitor costs that visitor's sockets and the agents, however many other visitors are
/// on the site.
#[derive(Default)]
struct SiteSockets {
    subscribed: bool,
    agents: Sockets,
    /// Each visitor's sockets (tabs); a visitor is removed with its last socket.
    visitors: HashMap<VisitorId, Sockets>,
    /// The status this node's visitor sockets of the site were last given.
    status: Option<SiteStatus>,
    /// The status as last computed here and when, for widgets that connect: forgotten when
    /// an event that may change it arrives ([`HubEvent::moves_site_status`]).
    computed: Option<(SiteStatus, Instant)>,
    /// Counts the events that forgot `computed`: a status computed while one arrived is
    /// not stored.
    status_generation: u64,
    /// One computation of the status at a time: a crowd connecting at once waits for it
    /// instead of each asking PostgreSQL and Redis.
    computing: Arc<tokio::sync::Mutex<()>>,
}

/// Sockets by member id.
type Sockets = HashMap<u64, mpsc::Sender<Delivery>>;

impl SiteSockets {
    fn has_visitors(&self) -> bool {
        !self.visitors.is_empty()
    }

    fn is_empty(&self) -> bool {
        self.agents.is_empty() && self.visitors.is_empty()
    }

    fn len(&self) -> usize {
        self.agents.len() + self.visitors.values().map(HashMap::len).sum::<usize>()
    }

    /// Offers `delivery` to every visitor socket of the site.
    fn offer_visitors(&mut self, delivery: &Delivery) {
        self.visitors.retain(|_, tabs| {
            tabs.retain(|_, tx| offer(tx, delivery.clone()));
            !tabs.is_empty()
        });
    }

    /// Hands `event` to the sockets that want it.
    fn deliver(&mut self, event: &Arc<HubEvent>) {
        let delivery = Delivery::Event(event.clone());
        if Audience::Agent.wants(event) {
            self.agents.retain(|_, tx| offer(tx, delivery.clone()));
        }
        match event.visitor_id() {
            Some(visitor) => {
                if Audience::Visitor(visitor).wants(event)
                    && let Some(tabs) = self.visitors.get_mut(&visitor)
                {
                    tabs.retain(|_, tx| offer(tx, delivery.clone()));
                    if tabs.is_empty() {
                        self.visitors.remove(&visitor);
                    }
                }
            }
            // About the site as a whole: the same for every visitor.
            None => {
                if Audience::Visitor(VisitorId(uuid::Uuid::nil())).wants(event) {
                    self.offer_visitors(&delivery);
                }
            }
        }
    }
}

/// A socket's place in the hub; leaving happens on drop.
pub struct Membership {
    hub: Hub,
    site: SiteId,
    audience: Audience,
    id: u64,
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.leave(self.site, self.audience, self.id);
    }
}

impl Hub {
    /// Connects a subscriber to Redis with the publisher's configuration and starts
    /// forwarding what it receives.
    pub async fn connect(publisher: Pool) -> Result<Self, fred::error::Error> {
        let subscriber = fred::types::Builder::from_config(publisher.client_config())
            .set_policy(fred::types::config::ReconnectPolicy::new_exponential(
                0, 100, 5_000, 2,
            ))
            .with_performance_config(|perf| perf.broadcast_channel_capacity = SUBSCRIBER_BUFFER)
            .build_subscriber_client()?;
        let hub = Hub(Arc::new(Inner {
            publisher,
            subscriber,
            sites: Mutex::new(HashMap::new()),
            subscriptions: tokio::sync::Mutex::new(()),
            next_member: AtomicU64::new(0),
            status_nudges: StatusNudges::default(),
        }));
        // Listen before connecting, so the first notice is the initial connection.
        let reconnects = hub.0.subscriber.reconnect_rx();
        let messages = hub.0.subscriber.message_rx();
        hub.0.subscriber.init().await?;
        hub.0.subscriber.manage_subscriptions();
        tokio::spawn(hub.clone().forward_messages(messages));
        tokio::spawn(hub.clone().resync_on_reconnect(reconnects));
        Ok(hub)
    }

    pub async fn publish(&self, site: SiteId, event: &HubEvent) -> Result<(), fred::error::Error> {
        let payload = serde_json::to_string(event).map_err(|e| {
            fred::error::Error::new(fred::error::ErrorKind::InvalidArgument, e.to_string())
        })?;
        let _: i64 = self
            .0
            .publisher
            .next()
            .publish(site_channel(site), payload)
            .await?;
        Ok(())
    }

    /// Publishes on the Redis connection of `lane` (a call's id): events of one lane leave
    /// this node in the order they were published, as a call's offer before its candidates.
    /// [`Hub::publish`] spreads events over the pool's connections, whose order may differ.
    pub async fn publish_in_lane(
        &self,
        site: SiteId,
        lane: u128,
        event: &HubEvent,
    ) -> Result<(), fred::error::Error> {
        let payload = serde_json::to_string(event).map_err(|e| {
            fred::error::Error::new(fred::error::ErrorKind::InvalidArgument, e.to_string())
        })?;
        let clients = self.0.publisher.clients();
        let client = &clients[(lane % clients.len().max(1) as u128) as usize];
        let _: i64 = client.publish(site_channel(site), payload).await?;
        Ok(())
    }

    /// Registers a socket for a site's events. Returns once the node is subscribed to the
    /// site's channel, so nothing published afterwards is missed.
    pub async fn join(
        &self,
        site: SiteId,
        audience: Audience,
    ) -> Result<(Membership, mpsc::Receiver<Delivery>), fred::error::Error> {
        let capacity = match audience {
            Audience::Agent => AGENT_SOCKET_BUFFER,
            Audience::Visitor(_) => SOCKET_BUFFER,
        };
        let (tx, rx) = mpsc::channel(capacity);
        let id = self.0.next_member.fetch_add(1, Ordering::Relaxed);
        {
            let mut sites = self.sites();
            let sockets = sites.entry(site).or_default();
            match audience {
                Audience::Agent => sockets.agents.insert(id, tx),
                Audience::Visitor(visitor) => {
                    sockets.visitors.entry(visitor).or_default().insert(id, tx)
                }
            };
        }
        let membership = Membership {
            hub: self.clone(),
            site,
            audience,
            id,
        };
        self.ensure_subscribed(site).await?;
        Ok((membership, rx))
    }

    fn sites(&self) -> MutexGuard<'_, HashMap<SiteId, SiteSockets>> {
        // A panic while holding the lock cannot leave the map half-changed: recover it.
        self.0
            .sites
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn ensure_subscribed(&self, site: SiteId) -> Result<(), fred::error::Error> {
        let _serial = self.0.subscriptions.lock().await;
        let needed = self.sites().get(&site).is_some_and(|s| !s.subscribed);
        if needed {
            self.0.subscriber.subscribe(site_channel(site)).await?;
            if let Some(sockets) = self.sites().get_mut(&site) {
                sockets.subscribed = true;
            }
        }
        Ok(())
    }

    fn leave(&self, site: SiteId, audience: Audience, id: u64) {
        let mut sites = self.sites();
        let Some(sockets) = sites.get_mut(&site) else {
            return;
        };
        match audience {
            Audience::Agent => {
                sockets.agents.remove(&id);
            }
            Audience::Visitor(visitor) => {
                if let Some(tabs) = sockets.visitors.get_mut(&visitor) {
                    tabs.remove(&id);
                    if tabs.is_empty() {
                        sockets.visitors.remove(&visitor);
                    }
                }
            }
        }
        if sockets.is_empty() {
            sites.remove(&site);
            drop(sites);
            let hub = self.clone();
            tokio::spawn(async move { hub.unsubscribe_if_unused(site).await });
        }
    }

    async fn unsubscribe_if_unused(&self, site: SiteId) {
        let _serial = self.0.subscriptions.lock().await;
        if self.sites().contains_key(&site) {
            return;
        }
        if let Err(error) = self.0.subscriber.unsubscribe(site_channel(site)).await {
            tracing::warn!(%site, %error, "unsubscribing from a site channel failed");
        }
    }

    async fn forward_messages(
        self,
        mut messages: tokio::sync::broadcast::Receiver<fred::types::Message>,
    ) {
        loop {
            let message = match messages.recv().await {
                Ok(message) => message,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::error!(
                        missed,
                        "hub fell behind Redis; asking every socket to resume"
                    );
                    self.resync_all();
                    continue;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            };
            let Some(site) = site_of_channel(&message.channel) else {
                continue;
            };
            let event = match message
                .value
                .as_str()
                .map(|raw| serde_json::from_str::<HubEvent>(&raw))
            {
                Some(Ok(event)) => Arc::new(event),
                _ => {
                    tracing::error!(channel = %message.channel, "unreadable hub event");
                    continue;
                }
            };
            self.deliver(site, event);
        }
    }

    fn deliver(&self, site: SiteId, event: Arc<HubEvent>) {
        let mut sites = self.sites();
        let Some(sockets) = sites.get_mut(&site) else {
            return;
        };
        sockets.deliver(&event);
        if event.moves_site_status() {
            sockets.computed = None;
            sockets.status_generation += 1;
            if sockets.has_visitors() {
                self.0.status_nudges.nudge(site);
            }
        }
    }

    fn resync_all(&self) {
        for sockets in self.sites().values_mut() {
            sockets.agents.retain(|_, tx| offer(tx, Delivery::Resync));
            sockets.offer_visitors(&Delivery::Resync);
        }
    }

    async fn resync_on_reconnect(
        self,
        mut reconnects: tokio::sync::broadcast::Receiver<fred::types::config::Server>,
    ) {
        // The first notice is the initial connection.
        let mut first = true;
        while let Ok(server) = reconnects.recv().await {
            if std::mem::take(&mut first) {
                continue;
            }
            tracing::warn!(%server, "Redis subscriber reconnected; sockets will resume");
            self.resync_all();
        }
    }

    /// Sites this node has sockets for.
    pub fn site_ids(&self) -> Vec<SiteId> {
        self.sites().keys().copied().collect()
    }

    /// Sites this node has visitor sockets for: those whose status it keeps current.
    pub fn visitor_sites(&self) -> Vec<SiteId> {
        self.sites()
            .iter()
            .filter(|(_, sockets)| sockets.has_visitors())
            .map(|(site, _)| *site)
            .collect()
    }

    /// Sites nudged by events since the last call (waits for one).
    pub async fn nudged_sites(&self) -> Vec<SiteId> {
        self.0.status_nudges.next().await
    }

    /// The site's status as computed here less than `fresh_for` ago, with no event since
    /// that may have changed it.
    pub fn computed_status(&self, site: SiteId, fresh_for: Duration) -> Option<SiteStatus> {
        let sites = self.sites();
        let (status, at) = sites.get(&site)?.computed.as_ref()?;
        (at.elapsed() < fresh_for).then(|| status.clone())
    }

    /// Where the site's status stands: pass it to [`Hub::store_computed_status`] with a
    /// status computed after this call.
    pub fn status_generation(&self, site: SiteId) -> u64 {
        self.sites().get(&site).map_or(0, |s| s.status_generation)
    }

    /// Remembers `status`, computed after `generation` was read, unless an event that may
    /// change it arrived meanwhile.
    pub fn store_computed_status(&self, site: SiteId, status: &SiteStatus, generation: u64) {
        if let Some(sockets) = self.sites().get_mut(&site)
            && sockets.status_generation == generation
        {
            sockets.computed = Some((status.clone(), Instant::now()));
        }
    }

    /// The lock that serialises computing the site's status on this node.
    pub fn status_lock(&self, site: SiteId) -> Option<Arc<tokio::sync::Mutex<()>>> {
        self.sites().get(&site).map(|s| s.computing.clone())
    }

    /// A new visitor socket was given `status` with its hello; later pushes compare with it
    /// unless the site's sockets were given one already.
    pub fn remember_status(&self, site: SiteId, status: &SiteStatus) {
        if let Some(sockets) = self.sites().get_mut(&site) {
            sockets.status.get_or_insert_with(|| status.clone());
        }
    }

    /// Gives the site's visitor sockets `status` if it is news to them
    /// ([`live_status::is_news`]). Returns whether it was.
    pub fn push_status(&self, site: SiteId, status: SiteStatus) -> bool {
        let mut sites = self.sites();
        let Some(sockets) = sites.get_mut(&site) else {
            return false;
        };
        if !live_status::is_news(sockets.status.as_ref(), &status) {
            return false;
        }
        let status = Arc::new(status);
        sockets.status = Some((*status).clone());
        sockets.offer_visitors(&Delivery::SiteStatus(status));
        true
    }

    /// Sockets of this node, for metrics and tests.
    pub fn socket_count(&self) -> usize {
        self.sites().values().map(SiteSockets::len).sum()
    }
}

/// `false` when the socket's buffer is full or it is gone: the member is dropped, which
/// closes its channel, and the socket closes as a slow consumer.
fn offer(tx: &mpsc::Sender<Delivery>, delivery: Delivery) -> bool {
    match tx.try_send(delivery) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            metrics::counter!("livedesk_slow_consumers_total").increment(1);
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::visitors::{VisitorPresence, VisitorStatus};
    use time::OffsetDateTime;

    use super::*;

    #[test]
    fn visitor_presence_and_offline_messages_are_for_agents_and_hours_changes_for_no_socket() {
        let me = VisitorId::new_random();
        let offline = HubEvent::OfflineMessage {
            message: livedesk_protocol::widget::OfflineMessage {
                id: uuid::Uuid::nil(),
                visitor_id: me,
                name: "Ayşe".into(),
                email: "ayse@example.com".into(),
                phone: None,
                message: "Do you ship to Izmir?".into(),
                page_url: None,
                created_at: OffsetDateTime::UNIX_EPOCH,
                handled: None,
            },
        };
        let presence = HubEvent::VisitorPresence {
            visitors: vec![VisitorPresence {
                visitor_id: me,
                status: VisitorStatus::Active,
                page: None,
                last_seen: OffsetDateTime::UNIX_EPOCH,
            }],
        };
        let hours = HubEvent::HoursChanged {};
        let cases = [
            (Audience::Agent, &presence, true),
            (Audience::Visitor(me), &presence, false),
            (Audience::Agent, &offline, true),
            (Audience::Visitor(me), &offline, false),
            (Audience::Agent, &hours, false),
            (Audience::Visitor(me), &hours, false),
        ];
        for (audience, event, expected) in cases {
            assert_eq!(audience.wants(event), expected, "{audience:?} {event:?}");
        }
    }
}
