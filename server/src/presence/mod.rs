//! Agent presence in Redis: which agents have a live socket (heartbeats) and the state each
//! has chosen. Everything here expires or can be chosen again, so Redis is its only home.
//!
//! Every socket of an agent is a member of the agent's socket set, scored with its last
//! heartbeat; the agent is online while any member is fresh. A socket that closes removes
//! itself; one on a node that died simply goes stale after [`ONLINE_TTL`].

pub mod news;
pub mod roster;
pub mod routes;

use std::time::Duration;

use fred::clients::Pool;
use fred::interfaces::{HashesInterface, KeysInterface, SetsInterface, SortedSetsInterface};
use livedesk_protocol::ids::{AgentId, SiteId};
use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind, MAX_STATE_MESSAGE_CHARS};
use time::OffsetDateTime;
use uuid::Uuid;

/// How often a socket refreshes its heartbeat.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(15);
/// How long the time an agent was last seen is kept.
const LAST_SEEN_KEPT: Duration = Duration::from_secs(24 * 3600);
/// A socket not heard from for this long no longer keeps its agent online.
pub const ONLINE_TTL: Duration = Duration::from_secs(45);

#[derive(Clone)]
pub struct Presence {
    redis: Pool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChoiceError {
    #[error("the state message is longer than {MAX_STATE_MESSAGE_CHARS} characters")]
    MessageTooLong,
    #[error("`until` is in the past")]
    UntilInPast,
    #[error("busy is set by the system while an agent is at capacity")]
    BusyIsAutomatic,
}

/// Checks a state an agent chose: a short message, an end in the future, and not `busy`.
pub fn validate(
    choice: &AgentStateChoice,
    now: OffsetDateTime,
) -> Result<AgentStateChoice, ChoiceError> {
    if choice.state == AgentStateKind::Busy {
        return Err(ChoiceError::BusyIsAutomatic);
    }
    let message = choice
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    if message.is_some_and(|m| m.chars().count() > MAX_STATE_MESSAGE_CHARS) {
        return Err(ChoiceError::MessageTooLong);
    }
    if choice.until.is_some_and(|until| until <= now) {
        return Err(ChoiceError::UntilInPast);
    }
    let until = if choice.state == AgentStateKind::Available {
        None
    } else {
        choice.until
    };
    Ok(AgentStateChoice {
        state: choice.state,
        message: message.map(str::to_owned),
        until,
    })
}

impl Presence {
    pub fn new(redis: Pool) -> Self {
        Self { redis }
    }

    /// Marks one socket of the agent alive now, and forgets sockets gone stale.
    /// Returns whether the agent was offline before.
    pub async fn heartbeat(
        &self,
        site: SiteId,
        agent: AgentId,
        socket: Uuid,
    ) -> Result<bool, fred::error::Error> {
        let key = sockets_key(site, agent);
        let now = now_millis();
        let client = self.redis.next();
        let _: i64 = client
            .zremrangebyscore(&key, f64::NEG_INFINITY, stale_before(now))
            .await?;
        let before: i64 = client.zcard(&key).await?;
        let _: i64 = client
            .zadd(&key, None, None, false, false, (now, socket.to_string()))
            .await?;
        let _: bool = client
            .pexpire(&key, ONLINE_TTL.as_millis() as i64, None)
            .await?;
        let _: i64 = client.sadd(announced_key(site), agent.to_string()).await?;
        Ok(before == 0)
    }

    /// The socket closed. Returns whether this took the agent offline (their last live
    /// socket), which is then told once.
    pub async fn disconnect(
        &self,
        site: SiteId,
        agent: AgentId,
        socket: Uuid,
    ) -> Result<bool, fred::error::Error> {
        let key = sockets_key(site, agent);
        let client = self.redis.next();
        let _: i64 = client.zrem(&key, socket.to_string()).await?;
        self.mark_seen(site, agent, now_millis()).await?;
        let live: i64 = client
            .zcount(&key, stale_before(now_millis()), f64::INFINITY)
            .await?;
        if live > 0 {
            return Ok(false);
        }
        self.take_offline(site, agent).await
    }

    /// Agents announced online whose sockets all went stale (their node died): each is
    /// taken offline here once, whichever node asks first.
    pub async fn expire_stale(&self, site: SiteId) -> Result<Vec<AgentId>, fred::error::Error> {
        let announced: Vec<String> = self.redis.next().smembers(announced_key(site)).await?;
        let mut gone = Vec::new();
        for agent in announced.iter().filter_map(|a| a.parse::<AgentId>().ok()) {
            if !self.is_online(site, agent).await? && self.take_offline(site, agent).await? {
                gone.push(agent);
            }
        }
        Ok(gone)
    }

    /// Removes the agent from those announced online; `true` for the one caller that did,
    /// so the agent's going offline is told once.
    async fn take_offline(&self, site: SiteId, agent: AgentId) -> Result<bool, fred::error::Error> {
        let removed: i64 = self
            .redis
            .next()
            .srem(announced_key(site), agent.to_string())
            .await?;
        Ok(removed == 1)
    }

    async fn mark_seen(
        &self,
        site: SiteId,
        agent: AgentId,
        at_millis: f64,
    ) -> Result<(), fred::error::Error> {
        let expiry = fred::types::Expiration::EX(LAST_SEEN_KEPT.as_secs() as i64);
        self.redis
            .next()
            .set(
                last_seen_key(site, agent),
                at_millis as i64,
                Some(expiry),
                None,
                false,
            )
            .await
    }

    /// How long the agent has been gone: `None` while online; a long time when nothing
    /// is known of them (Redis lost it, or they never came).
    pub async fn offline_for(
        &self,
        site: SiteId,
        agent: AgentId,
    ) -> Result<Option<Duration>, fred::error::Error> {
        if self.is_online(site, agent).await? {
            return Ok(None);
        }
        let last_seen: Option<i64> = self.redis.next().get(last_seen_key(site, agent)).await?;
        let gone_ms = last_seen
            .map_or(i64::MAX, |seen| now_millis() as i64 - seen)
            .max(0);
        Ok(Some(Duration::from_millis(gone_ms as u64)))
    }

    pub async fn is_online(
        &self,
        site: SiteId,
        agent: AgentId,
    ) -> Result<bool, fred::error::Error> {
        let live: i64 = self
            .redis
            .next()
            .zcount(
                sockets_key(site, agent),
                stale_before(now_millis()),
                f64::INFINITY,
            )
            .await?;
        Ok(live > 0)
    }

    /// Stores a validated choice (see [`validate`]).
    pub async fn choose(
        &self,
        site: SiteId,
        agent: AgentId,
        choice: &AgentStateChoice,
    ) -> Result<(), fred::error::Error> {
        let value = serde_json::to_string(choice).map_err(|e| {
            fred::error::Error::new(fred::error::ErrorKind::InvalidArgument, e.to_string())
        })?;
        self.redis
            .next()
            .hset(state_key(site), (agent.to_string(), value))
            .await
    }

    /// The agent's chosen state; available when none was chosen (or Redis lost it).
    pub async fn choice(
        &self,
        site: SiteId,
        agent: AgentId,
    ) -> Result<AgentStateChoice, fred::error::Error> {
        let raw: Option<String> = self
            .redis
            .next()
            .hget(state_key(site), agent.to_string())
            .await?;
        Ok(raw
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or(AgentStateChoice {
                state: AgentStateKind::Available,
                message: None,
                until: None,
            }))
    }
}

/// Set: agents told online to their colleagues and not yet told offline.
fn announced_key(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:agents-announced")
}

fn last_seen_key(site: SiteId, agent: AgentId) -> String {
    format!("ld:{{s:{site}}}:agent:{agent}:last-seen")
}

fn sockets_key(site: SiteId, agent: AgentId) -> String {
    format!("ld:{{s:{site}}}:agent:{agent}:sockets")
}

/// Hash: agent id → chosen state as JSON.
fn state_key(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:agent-states")
}

fn now_millis() -> f64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as f64
}

fn stale_before(now: f64) -> f64 {
    now - ONLINE_TTL.as_millis() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration as Span;

    fn choice(
        state: AgentStateKind,
        message: Option<&str>,
        until: Option<OffsetDateTime>,
    ) -> AgentStateChoice {
        AgentStateChoice {
            state,
            message: message.map(str::to_owned),
            until,
        }
    }

    #[test]
    fn chosen_states_are_checked() {
        let now = OffsetDateTime::now_utc();
        let lunch = choice(
            AgentStateKind::Break,
            Some("  Lunch  "),
            Some(now + Span::hours(1)),
        );
        assert_eq!(
            validate(&lunch, now),
            Ok(choice(
                AgentStateKind::Break,
                Some("Lunch"),
                Some(now + Span::hours(1))
            ))
        );
        assert_eq!(
            validate(&choice(AgentStateKind::Busy, None, None), now),
            Err(ChoiceError::BusyIsAutomatic)
        );
        assert_eq!(
            validate(
                &choice(AgentStateKind::Away, None, Some(now - Span::minutes(1))),
                now
            ),
            Err(ChoiceError::UntilInPast)
        );
        let long = "x".repeat(MAX_STATE_MESSAGE_CHARS + 1);
        assert_eq!(
            validate(&choice(AgentStateKind::Away, Some(&long), None), now),
            Err(ChoiceError::MessageTooLong)
        );
        assert_eq!(
            validate(
                &choice(
                    AgentStateKind::Available,
                    Some(""),
                    Some(now + Span::hours(1))
                ),
                now
            ),
            Ok(choice(AgentStateKind::Available, None, None))
        );
    }
}
