//! Visitor presence in Redis. Every key carries the site's hash tag `{s:<site>}`:
//!
//! - `ld:{s:<site>}:visitors:online`: sorted set, visitor id → when it stops counting as
//!   online (unix ms): a heartbeat pushes it [`ONLINE_TTL`] ahead, the last socket closing
//!   sets it [`LINGER`] ahead. Listing and the offline sweep read it.
//! - `ld:{s:<site>}:visitor:<id>:sockets`: sorted set, socket id → last heartbeat (ms).
//! - `ld:{s:<site>}:visitor:<id>:presence`: hash: `a:<socket>` → `active` | `idle`,
//!   `page` → the current page as JSON, `seen` → last seen (ms).
//!
//! Each change reads the presence before and after it and reports the new presence when it
//! is news (see [`super::is_news`]); two nodes changing one visitor at once may both
//! report, which clients take as a repeat.

use std::sync::Arc;

use fred::clients::Pool;
use fred::interfaces::{HashesInterface, KeysInterface, SortedSetsInterface, TransactionInterface};
use fred::types::scripts::Script;
use futures_util::{FutureExt, StreamExt, stream};
use livedesk_protocol::ids::{SiteId, VisitorId};
use livedesk_protocol::visitors::{PageView, VisitorActivity, VisitorPresence, VisitorStatus};
use uuid::Uuid;

use super::{
    ACTIVITY_FIELD, LINGER, PAGE_FIELD, SEEN_FIELD, Stored, from_millis, is_news, next_page,
    now_millis, presence_of,
};
use crate::presence::ONLINE_TTL;

/// Most visitors `GET /api/v1/site/visitors/online` lists (the most recently seen).
pub const MAX_LISTED: i64 = 1000;
/// Most visitors one sweep of a site takes offline; the next sweep takes the rest.
const MAX_EXPIRED: i64 = 500;
/// Of those, the script calls one sweep has in flight at once.
const EXPIRING_AT_ONCE: usize = 64;

/// KEYS[1] online set, KEYS[2] the visitor's sockets, KEYS[3] its presence hash;
/// ARGV[1] visitor, ARGV[2] now (ms), ARGV[3] stale-before (ms), ARGV[4] a new deadline.
/// Takes a visitor whose deadline passed off the online set, once, whichever node asks:
/// returns `{page, seen}` for the one that did, nil otherwise. A visitor with a live socket
/// (a heartbeat raced a close) gets its deadline back instead.
const GO_OFFLINE: &str = r#"
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not deadline or tonumber(deadline) > tonumber(ARGV[2]) then return false end
if redis.call('ZCOUNT', KEYS[2], ARGV[3], '+inf') > 0 then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
  return false
end
redis.call('ZREM', KEYS[1], ARGV[1])
local page = redis.call('HGET', KEYS[3], 'page') or ''
local seen = redis.call('HGET', KEYS[3], 'seen') or ''
redis.call('DEL', KEYS[2], KEYS[3])
return {page, seen}
"#;

#[derive(Clone)]
pub struct VisitorTracker {
    redis: Pool,
    go_offline: Arc<Script>,
}

impl VisitorTracker {
    pub fn new(redis: Pool) -> Self {
        Self {
            redis,
            go_offline: Arc::new(Script::from_lua(GO_OFFLINE)),
        }
    }

    /// One socket of the visitor is alive now. Returns the presence when it is news (the
    /// visitor came online, or came back between two pages).
    pub async fn heartbeat(
        &self,
        site: SiteId,
        visitor: VisitorId,
        socket: Uuid,
    ) -> Result<Option<VisitorPresence>, fred::error::Error> {
        let before = self.presence(site, visitor).await?;
        let now = now_millis();
        let sockets = sockets_key(site, visitor);
        let tx = self.redis.next().multi();
        tx.zremrangebyscore::<(), _, _, _>(&sockets, f64::NEG_INFINITY, stale_before(now))
            .await?;
        tx.zadd::<(), _, _>(
            &sockets,
            None,
            None,
            false,
            false,
            (now, socket.to_string()),
        )
        .await?;
        tx.pexpire::<(), _>(&sockets, ttl_ms(), None).await?;
        let online = online_key(site);
        tx.zadd::<(), _, _>(
            &online,
            None,
            None,
            false,
            false,
            (now + ONLINE_TTL.as_millis() as f64, visitor.to_string()),
        )
        .await?;
        tx.pexpire::<(), _>(&online, 2 * ttl_ms(), None).await?;
        self.seen_in(&tx, site, visitor, now).await?;
        tx.exec::<()>(true).await?;
        self.news(site, visitor, &before).await
    }

    /// A tab shows `page` now, and is active.
    pub async fn page(
        &self,
        site: SiteId,
        visitor: VisitorId,
        socket: Uuid,
        page: &PageView,
    ) -> Result<Option<VisitorPresence>, fred::error::Error> {
        let before = self.presence(site, visitor).await?;
        let now = now_millis();
        let current = next_page(
            before.page.as_ref(),
            &page.url,
            &page.title,
            from_millis(now),
        );
        let json = serde_json::to_string(&current).map_err(|e| {
            fred::error::Error::new(fred::error::ErrorKind::InvalidArgument, e.to_string())
        })?;
        let tx = self.redis.next().multi();
        tx.hset::<(), _, _>(
            presence_key(site, visitor),
            vec![
                (PAGE_FIELD.to_owned(), json),
                (activity_field(socket), "active".to_owned()),
            ],
        )
        .await?;
        self.seen_in(&tx, site, visitor, now).await?;
        tx.exec::<()>(true).await?;
        self.news(site, visitor, &before).await
    }

    /// A tab became active or idle.
    pub async fn activity(
        &self,
        site: SiteId,
        visitor: VisitorId,
        socket: Uuid,
        activity: VisitorActivity,
    ) -> Result<Option<VisitorPresence>, fred::error::Error> {
        let before = self.presence(site, visitor).await?;
        let value = match activity {
            VisitorActivity::Active => "active",
            VisitorActivity::Idle => super::IDLE,
        };
        let tx = self.redis.next().multi();
        tx.hset::<(), _, _>(presence_key(site, visitor), (activity_field(socket), value))
            .await?;
        self.seen_in(&tx, site, visitor, now_millis()).await?;
        tx.exec::<()>(true).await?;
        self.news(site, visitor, &before).await
    }

    /// The socket closed. When it was the visitor's last, the visitor lingers for
    /// [`LINGER`] (idle), then [`Self::expire`] takes it offline.
    pub async fn disconnect(
        &self,
        site: SiteId,
        visitor: VisitorId,
        socket: Uuid,
    ) -> Result<Option<VisitorPresence>, fred::error::Error> {
        let before = self.presence(site, visitor).await?;
        let now = now_millis();
        let client = self.redis.next();
        let sockets = sockets_key(site, visitor);
        let _: i64 = client.zrem(&sockets, socket.to_string()).await?;
        let _: i64 = client
            .hdel(presence_key(site, visitor), activity_field(socket))
            .await?;
        let live: i64 = client
            .zcount(&sockets, stale_before(now), f64::INFINITY)
            .await?;
        if live == 0 {
            let deadline = now + LINGER.as_millis() as f64;
            let xx = Some(fred::types::SetOptions::XX);
            let _: i64 = client
                .zadd(
                    online_key(site),
                    xx,
                    None,
                    false,
                    false,
                    (deadline, visitor.to_string()),
                )
                .await?;
        }
        let tx = client.multi();
        self.seen_in(&tx, site, visitor, now).await?;
        tx.exec::<()>(true).await?;
        self.news(site, visitor, &before).await
    }

    /// Takes the visitors of `site` whose deadline passed offline; returns their final
    /// presence, each once across all nodes.
    pub async fn expire(&self, site: SiteId) -> Result<Vec<VisitorPresence>, fred::error::Error> {
        let now = now_millis();
        let due: Vec<String> = self
            .redis
            .next()
            .zrangebyscore(
                online_key(site),
                f64::NEG_INFINITY,
                now,
                false,
                Some((0, MAX_EXPIRED)),
            )
            .await?;
        // One script call per visitor (each names its own keys), up to EXPIRING_AT_ONCE in
        // flight: a crowd leaving together is a few pipelined batches, not one round trip
        // after another. A call that fails leaves its visitor for the next sweep; the
        // visitors the others took offline are announced now.
        let calls: Vec<_> = due
            .iter()
            .filter_map(|raw| raw.parse::<VisitorId>().ok())
            .map(|visitor| self.clone().go_offline(site, visitor, now).boxed())
            .collect();
        let taken: Vec<_> = stream::iter(calls)
            .buffer_unordered(EXPIRING_AT_ONCE)
            .collect()
            .await;
        let mut gone = Vec::new();
        for taken in taken {
            match taken {
                Ok(Some((visitor, (page, seen)))) => {
                    let mut stored = Stored::default();
                    stored.fields.insert(PAGE_FIELD.into(), page);
                    stored.fields.insert(SEEN_FIELD.into(), seen);
                    gone.push(presence_of(visitor, &stored, now));
                }
                Ok(None) => {}
                Err(error) => {
                    metrics::counter!("livedesk_visitor_sweep_failures_total").increment(1);
                    tracing::warn!(%site, %error, "taking a visitor offline failed; the next sweep retries");
                }
            }
        }
        Ok(gone)
    }

    /// Takes one visitor offline if its deadline passed ([`GO_OFFLINE`]): its last page
    /// and when it was last seen, for the node that did.
    async fn go_offline(
        self,
        site: SiteId,
        visitor: VisitorId,
        now: f64,
    ) -> Result<Option<(VisitorId, (String, String))>, fred::error::Error> {
        let taken: Option<(String, String)> = self
            .go_offline
            .evalsha_with_reload(
                self.redis.next(),
                vec![
                    online_key(site),
                    sockets_key(site, visitor),
                    presence_key(site, visitor),
                ],
                vec![
                    visitor.to_string(),
                    now.to_string(),
                    stale_before(now).to_string(),
                    (now + ONLINE_TTL.as_millis() as f64).to_string(),
                ],
            )
            .await?;
        Ok(taken.map(|taken| (visitor, taken)))
    }

    /// The site's visitors online now, most recently seen first (at most [`MAX_LISTED`]).
    pub async fn online(&self, site: SiteId) -> Result<Vec<VisitorPresence>, fred::error::Error> {
        // The latest deadlines belong to the most recent heartbeats.
        let ids: Vec<String> = self
            .redis
            .next()
            .zrevrangebyscore(
                online_key(site),
                f64::INFINITY,
                now_millis(),
                false,
                Some((0, MAX_LISTED)),
            )
            .await?;
        let mut online = Vec::with_capacity(ids.len());
        for visitor in ids.iter().filter_map(|id| id.parse::<VisitorId>().ok()) {
            let presence = self.presence(site, visitor).await?;
            if presence.status != VisitorStatus::Offline {
                online.push(presence);
            }
        }
        online.sort_by_key(|p| std::cmp::Reverse(p.last_seen));
        Ok(online)
    }

    /// One visitor's presence now, read in one round trip.
    pub async fn presence(
        &self,
        site: SiteId,
        visitor: VisitorId,
    ) -> Result<VisitorPresence, fred::error::Error> {
        let now = now_millis();
        let pipeline = self.redis.next().pipeline();
        pipeline
            .zscore::<(), _, _>(online_key(site), visitor.to_string())
            .await?;
        pipeline
            .zrangebyscore::<(), _, _, _>(
                sockets_key(site, visitor),
                stale_before(now),
                f64::INFINITY,
                false,
                None,
            )
            .await?;
        pipeline
            .hgetall::<(), _>(presence_key(site, visitor))
            .await?;
        let (deadline_ms, live_sockets, fields) = pipeline.all().await?;
        let stored = Stored {
            deadline_ms,
            live_sockets,
            fields,
        };
        Ok(presence_of(visitor, &stored, now))
    }

    async fn news(
        &self,
        site: SiteId,
        visitor: VisitorId,
        before: &VisitorPresence,
    ) -> Result<Option<VisitorPresence>, fred::error::Error> {
        let after = self.presence(site, visitor).await?;
        Ok(is_news(before, &after).then_some(after))
    }

    /// Queues "seen now" and the presence hash's expiry on a transaction.
    async fn seen_in(
        &self,
        tx: &fred::clients::Transaction,
        site: SiteId,
        visitor: VisitorId,
        now: f64,
    ) -> Result<(), fred::error::Error> {
        let key = presence_key(site, visitor);
        tx.hset::<(), _, _>(&key, (SEEN_FIELD, now as i64)).await?;
        tx.pexpire::<(), _>(&key, 2 * ttl_ms(), None).await
    }
}

fn online_key(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:visitors:online")
}

fn sockets_key(site: SiteId, visitor: VisitorId) -> String {
    format!("ld:{{s:{site}}}:visitor:{visitor}:sockets")
}

fn presence_key(site: SiteId, visitor: VisitorId) -> String {
    format!("ld:{{s:{site}}}:visitor:{visitor}:presence")
}

fn activity_field(socket: Uuid) -> String {
    format!("{ACTIVITY_FIELD}{socket}")
}

fn ttl_ms() -> i64 {
    ONLINE_TTL.as_millis() as i64
}

fn stale_before(now: f64) -> f64 {
    now - ONLINE_TTL.as_millis() as f64
}
