//! The waiting queue of a site, in Redis: one [`Line`] (a sorted set of conversations
//! ordered by priority then arrival) for the site and one for each department that has
//! visitors waiting, and per-agent counts of active chats. Taking a visitor from the
//! queue and counting the chat against the agent's capacity happen in one Lua script, so no
//! two agents, on any nodes, ever get the same visitor, and nobody is skipped.
//!
//! Redis holds only what PostgreSQL can rebuild: the open, unassigned conversations and each
//! agent's number of assigned open conversations ([`Queue::rebuild`]).

mod keys;
mod scripts;

use fred::clients::Pool;
use fred::interfaces::{
    HashesInterface, KeysInterface, SetsInterface, SortedSetsInterface, TransactionInterface,
};
use fred::types::SetOptions;
use livedesk_protocol::ids::{AgentId, ConversationId, DepartmentId, SiteId};

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

/// One waiting line of a site: its general queue, or one department's. A visitor who
/// picked a department waits in that department's line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Line {
    pub site: SiteId,
    pub department: Option<DepartmentId>,
}

impl Line {
    pub fn general(site: SiteId) -> Self {
        Self {
            site,
            department: None,
        }
    }

    pub fn department(site: SiteId, department: DepartmentId) -> Self {
        Self {
            site,
            department: Some(department),
        }
    }

    pub fn of(site: SiteId, department: Option<DepartmentId>) -> Self {
        Self { site, department }
    }
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

    /// Puts a conversation in a line, or moves it to `score` if it is there.
    pub async fn enqueue(
        &self,
        line: Line,
        conversation: ConversationId,
        score: f64,
    ) -> Result<(), fred::error::Error> {
        let tx = self.redis.next().multi();
        tx.zadd::<(), _, _>(
            keys::queue(line),
            None,
            None,
            false,
            false,
            (score, conversation.to_string()),
        )
        .await?;
        if let Some(department) = line.department {
            tx.sadd::<(), _, _>(keys::departments(line.site), department.to_string())
                .await?;
        }
        tx.exec::<()>(true).await
    }

    /// New scores for conversations still waiting in a line (priority ages); conversations
    /// taken meanwhile are not put back.
    pub async fn rescore(
        &self,
        line: Line,
        scores: &[(ConversationId, f64)],
    ) -> Result<(), fred::error::Error> {
        if scores.is_empty() {
            return Ok(());
        }
        let members: Vec<(f64, String)> = scores.iter().map(|(c, s)| (*s, c.to_string())).collect();
        self.redis
            .next()
            .zadd::<(), _, _>(
                keys::queue(line),
                Some(SetOptions::XX),
                None,
                false,
                false,
                members,
            )
            .await
    }

    /// The visitor leaves the line (leaves the queue, or is served elsewhere).
    /// `true` when it was waiting.
    pub async fn leave(
        &self,
        line: Line,
        conversation: ConversationId,
    ) -> Result<bool, fred::error::Error> {
        let removed: i64 = self
            .redis
            .next()
            .zrem(keys::queue(line), conversation.to_string())
            .await?;
        Ok(removed > 0)
    }

    /// 1-based place in the line, `None` when not waiting there.
    pub async fn position(
        &self,
        line: Line,
        conversation: ConversationId,
    ) -> Result<Option<u64>, fred::error::Error> {
        let rank: Option<u64> = self
            .redis
            .next()
            .zrank(keys::queue(line), conversation.to_string(), false)
            .await?;
        Ok(rank.map(|r| r + 1))
    }

    /// The line's waiting conversations in order (the first [`SHOWN_PLACES`]).
    pub async fn waiting(&self, line: Line) -> Result<Vec<ConversationId>, fred::error::Error> {
        let ids: Vec<String> = self
            .redis
            .next()
            .zrange(
                keys::queue(line),
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

    /// Every line of the site: the general one first, then each department's.
    pub async fn lines(&self, site: SiteId) -> Result<Vec<Line>, fred::error::Error> {
        let departments: Vec<String> = self.redis.next().smembers(keys::departments(site)).await?;
        let mut departments: Vec<DepartmentId> =
            departments.iter().filter_map(|d| d.parse().ok()).collect();
        departments.sort();
        Ok(std::iter::once(Line::general(site))
            .chain(departments.into_iter().map(|d| Line::department(site, d)))
            .collect())
    }

    /// How many visitors wait in all the site's lines.
    pub async fn len(&self, site: SiteId) -> Result<u64, fred::error::Error> {
        let mut total = 0;
        for line in self.lines(site).await? {
            total += self.redis.next().zcard::<u64, _>(keys::queue(line)).await?;
        }
        Ok(total)
    }

    /// Atomically takes, for `agent`, the first waiting conversation of all `lines` (the
    /// lowest score; on a tie, the earlier line), if the agent has fewer than `max_chats`
    /// chats; counts it against the agent.
    pub async fn claim_next(
        &self,
        site: SiteId,
        agent: AgentId,
        max_chats: u32,
        lines: &[Line],
    ) -> Result<Option<(ConversationId, Line)>, fred::error::Error> {
        let mut keys = vec![keys::agent_load(site)];
        keys.extend(lines.iter().map(|line| keys::queue(*line)));
        let taken: Option<(String, usize)> = self
            .scripts
            .claim_next
            .evalsha_with_reload(
                self.redis.next(),
                keys,
                vec![agent.to_string(), max_chats.to_string()],
            )
            .await?;
        Ok(taken.and_then(|(id, index)| Some((id.parse().ok()?, *lines.get(index)?))))
    }

    /// Atomically gives one waiting conversation to `agent` (auto-assignment by a routing
    /// strategy, or an agent accepting from the queue).
    pub async fn assign(
        &self,
        line: Line,
        conversation: ConversationId,
        agent: AgentId,
        max_chats: u32,
    ) -> Result<Assignment, fred::error::Error> {
        let outcome: i64 = self
            .scripts
            .assign
            .evalsha_with_reload(
                self.redis.next(),
                vec![keys::queue(line), keys::agent_load(line.site)],
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

    /// Atomically moves one chat from `from` to `to`, if `to` has fewer than `max_chats`.
    /// `false` when `to` is full.
    pub async fn transfer(
        &self,
        site: SiteId,
        from: AgentId,
        to: AgentId,
        max_chats: u32,
    ) -> Result<bool, fred::error::Error> {
        let moved: i64 = self
            .scripts
            .transfer
            .evalsha_with_reload(
                self.redis.next(),
                vec![keys::agent_load(site)],
                vec![from.to_string(), to.to_string(), max_chats.to_string()],
            )
            .await?;
        Ok(moved == 1)
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

    /// Replaces the site's lines and agent loads with what PostgreSQL says, e.g. after
    /// Redis was flushed or restarted.
    pub async fn rebuild(
        &self,
        site: SiteId,
        waiting: &[(Line, ConversationId, f64)],
        loads: &[(AgentId, u32)],
    ) -> Result<(), fred::error::Error> {
        let mut stale: Vec<String> = self
            .lines(site)
            .await?
            .into_iter()
            .map(keys::queue)
            .collect();
        stale.extend([keys::departments(site), keys::agent_load(site)]);
        let tx = self.redis.next().multi();
        tx.del::<(), _>(stale).await?;
        for (line, conversation, score) in waiting {
            tx.zadd::<(), _, _>(
                keys::queue(*line),
                None,
                None,
                false,
                false,
                (*score, conversation.to_string()),
            )
            .await?;
            if let Some(department) = line.department {
                tx.sadd::<(), _, _>(keys::departments(site), department.to_string())
                    .await?;
            }
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
