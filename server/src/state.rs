//! The application state shared by every handler and socket.

use std::sync::Arc;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::tokens::TokenKeys;
use crate::calls::ice::IceServers;
use crate::config::Config;
use crate::presence::Presence;
use crate::queue::Queue;
use crate::realtime::hub::Hub;
use crate::visitors::VisitorTracker;
use crate::visitors::outbox::PresenceOutbox;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: PgPool,
    /// Commands to Redis (health checks, publishing goes through the hub).
    pub redis: fred::clients::Pool,
    pub hub: Hub,
    pub presence: Presence,
    pub queue: Queue,
    /// Visitors' sockets, pages and activity in Redis.
    pub visitors: VisitorTracker,
    /// Visitor presence news waiting to be published to the site's agents, in batches.
    pub visitor_news: Arc<PresenceOutbox>,
    pub tokens: Arc<TokenKeys>,
    /// The STUN/TURN servers handed to callers.
    pub ice: Arc<IceServers>,
    /// Cancelled when the node shuts down: sockets tell their clients to reconnect.
    pub shutdown: CancellationToken,
    /// Tracks every open WebSocket so shutdown can wait for them to close cleanly.
    pub sockets: TaskTracker,
}
