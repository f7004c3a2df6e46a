//! The waiting queue of a site, in Redis: a sorted set of conversations ordered by
//! priority then arrival, and per-agent counts of active chats. Taking a visitor from the
//! queue and counting the chat against the agent's capacity happen in one Lua script, so no
//! two agents, on any nodes, ever get the same visitor, and nobody is skipped.
//!
//! Redis holds only what PostgreSQL can rebuild: the open, unassigned conversations and each
//! agent's number of assigned open conversations ([`Queue::rebuild`]).

mod keys;
mod scripts;

use fred::clients::Pool;
use fred::interfaces::{HashesInterface, KeysInterface, SortedSetsInterface, TransactionInterface};
use livedesk_protocol::ids::{AgentId, ConversationId, SiteId};

use scripts::Scripts;

/// How many places of the queue are told to visitors; those further back are told when
/// they move up.
pub const SHOWN_PLACES: i64 = 500;

/// What happened to an attempt to give a queued conversation to an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignment {
    Assigned,
    /// The agent already has `max_chats` chats.
    AgentFull,
    /// The conversation is no longer waiting (another agent took it, or it left).
    NotQueued,
}

#[derive(Clone)]
pub struct Queue {
    redis: Pool,
    scripts: Scripts,
}

impl Queue {
    pub fn new(redis: Pool) -> Self {
        Self {
            redis,
            scripts: Scripts::new(),
        }
    }

    /// Puts a conversation in the queue, or moves it to `score` if it is there.
    pub async fn enqueue(
        &self,
        site: SiteId,
        conversation: ConversationId,
        score: f64,
    ) -> Result<(), fred::error::Error> {
        self.redis
            .next()
            .zadd::<(), _, _>(
                keys::queue(site),
                None,
                None,
                false,
                false,
                (score, conversation.to_string()),
            )
            .await
    }

    /// The visitor leaves the queue (closes the widget's queue, or is served elsewhere).
    /// `true` when it was waiting.
    pub async fn leave(
        &self,
        site: SiteId,
        conversation: ConversationId,
    ) -> Result<bool, fred::error::Error> {
        let removed: i64 = self
            .redis
            .next()
            .zrem(keys::queue(site), conversation.to_string())
            .await?;
        Ok(removed > 0)
    }

    /// 1-based place in the queue, `None` when not waiting.
    pub async fn position(
        &self,
        site: SiteId,
        conversation: ConversationId,
    ) -> Result<Option<u64>, fred::error::Error> {
        let rank: Option<u64> = self
            .redis
            .next()
            .zrank(keys::queue(site), conversation.to_string(), false)
            .await?;
        Ok(rank.map(|r| r + 1))
    }

    /// The waiting conversations in order (the first [`SHOWN_PLACES`]).
    pub async fn waiting(&self, site: SiteId) -> Result<Vec<ConversationId>, fred::error::Error> {
        let ids: Vec<String> = self
            .redis
            .next()
            .zrange(
                keys::queue(site),
                0,
                SHOWN_PLACES - 1,
                None,
                false,
                None,
                false,
            )
            .await?;
        Ok(ids.iter().filter_map(|id| id.parse().ok()).collect())
    }

    pub async fn len(&self, site: SiteId) -> Result<u64, fred::error::Error> {
        self.redis.next().zcard(keys::queue(site)).await
    }

    /// Atomically takes the first waiting conversation for `agent`, if the agent has fewer
    /// than `max_chats` chats; counts it against the agent.
    pub async fn claim_next(
        &self,
        site: SiteId,
        agent: AgentId,
        max_chats: u32,
    ) -> Result<Option<ConversationId>, fred::error::Error> {
        let taken: Option<String> = self
            .scripts
            .claim_next
            .evalsha_with_reload(
                self.redis.next(),
                vec![keys::queue(site), keys::agent_load(site)],
                vec![agent.to_string(), max_chats.to_string()],
            )
            .await?;
        Ok(taken.and_then(|id| id.parse().ok()))
    }

    /// Atomically gives one waiting conversation to `agent` (auto-assignment by a routing
    /// strategy, or an agent accepting from the queue).
    pub async fn assign(
        &self,
        site: SiteId,
        conversation: ConversationId,
        agent: AgentId,
        max_chats: u32,
    ) -> Result<Assignment, fred::error::Error> {
        let outcome: i64 = self
            .scripts
            .assign
            .evalsha_with_reload(
                self.redis.next(),
                vec![keys::queue(site), keys::agent_load(site)],
                vec![
                    conversation.to_string(),
                    agent.to_string(),
                    max_chats.to_string(),
                ],
            )
            .await?;
        Ok(match outcome {
            1 => Assignment::Assigned,
            0 => Assignment::AgentFull,
            _ => Assignment::NotQueued,
        })
    }

    /// One chat of `agent` ended or moved away: frees a place.
    pub async fn release(&self, site: SiteId, agent: AgentId) -> Result<(), fred::error::Error> {
        self.scripts
            .release
            .evalsha_with_reload::<(), _, _>(
                self.redis.next(),
                vec![keys::agent_load(site)],
                vec![agent.to_string()],
            )
            .await
    }

    /// The number of chats counted against each agent.
    pub async fn active_chats(
        &self,
        site: SiteId,
        agent: AgentId,
    ) -> Result<u32, fred::error::Error> {
        let count: Option<u32> = self
            .redis
            .next()
            .hget(keys::agent_load(site), agent.to_string())
            .await?;
        Ok(count.unwrap_or(0))
    }

    /// Replaces the site's queue and agent loads with what PostgreSQL says, e.g. after Redis
    /// was flushed or restarted.
    pub async fn rebuild(
        &self,
        site: SiteId,
        waiting: &[(ConversationId, f64)],
        loads: &[(AgentId, u32)],
    ) -> Result<(), fred::error::Error> {
        let tx = self.redis.next().multi();
        tx.del::<(), _>(vec![keys::queue(site), keys::agent_load(site)])
            .await?;
        if !waiting.is_empty() {
            let members: Vec<(f64, String)> =
                waiting.iter().map(|(c, s)| (*s, c.to_string())).collect();
            tx.zadd::<(), _, _>(keys::queue(site), None, None, false, false, members)
                .await?;
        }
        let loads: Vec<(String, u32)> = loads
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(a, n)| (a.to_string(), *n))
            .collect();
        if !loads.is_empty() {
            tx.hset::<(), _, _>(keys::agent_load(site), loads).await?;
        }
        tx.set::<(), _, _>(keys::built(site), "1", None, None, false)
            .await?;
        tx.exec::<()>(true).await
    }

    /// Whether the site's queue state exists in Redis (it is gone after a flush).
    pub async fn is_built(&self, site: SiteId) -> Result<bool, fred::error::Error> {
        self.redis.next().exists(keys::built(site)).await
    }
}
