//! The assignment's reads and writes in PostgreSQL, and the round-robin cursor in Redis.

use fred::interfaces::KeysInterface;
use livedesk_protocol::ids::{AgentId, ConversationId, SiteId, VisitorId};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub struct Assigned {
    pub visitor: VisitorId,
    pub agent_name: String,
}

/// Records that `agent` has the conversation, if it is still open and unassigned.
pub async fn assign(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
    agent: AgentId,
) -> AppResult<Option<Assigned>> {
    let row = sqlx::query!(
        "UPDATE conversations c SET assigned_agent_id = $3, assigned_at = now()
         FROM agents a
         WHERE c.site_id = $1 AND c.id = $2 AND c.status = 'open' AND c.assigned_agent_id IS NULL
           AND a.id = $3 AND a.site_id = $1
         RETURNING c.visitor_id, a.name",
        site.0,
        conversation.0,
        agent.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Assigned {
        visitor: VisitorId(r.visitor_id),
        agent_name: r.name,
    }))
}

pub async fn assigned_agent(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<Option<AgentId>> {
    let agent = sqlx::query_scalar!(
        "SELECT assigned_agent_id FROM conversations WHERE site_id = $1 AND id = $2",
        site.0,
        conversation.0
    )
    .fetch_optional(db)
    .await?
    .flatten();
    Ok(agent.map(AgentId))
}

pub async fn max_chats(db: &PgPool, site: SiteId, agent: AgentId) -> AppResult<u32> {
    let max = sqlx::query_scalar!(
        "SELECT max_chats FROM agents WHERE site_id = $1 AND id = $2 AND active",
        site.0,
        agent.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("agent"))?;
    Ok(u32::try_from(max).unwrap_or(1))
}

/// Whether the visitor had conversations before this one (a returning visitor).
pub async fn has_earlier_conversations(
    db: &PgPool,
    site: SiteId,
    visitor: VisitorId,
    current: ConversationId,
) -> AppResult<bool> {
    let earlier = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM conversations WHERE site_id = $1 AND visitor_id = $2 AND id <> $3) AS "earlier!""#,
        site.0,
        visitor.0,
        current.0
    )
    .fetch_one(db)
    .await?;
    Ok(earlier)
}

/// What the queue holds according to PostgreSQL: waiting conversations with the time they
/// started waiting, and each agent's number of open conversations.
pub async fn queue_state(
    db: &PgPool,
    site: SiteId,
) -> AppResult<(Vec<(ConversationId, OffsetDateTime)>, Vec<(AgentId, u32)>)> {
    let waiting = sqlx::query!(
        "SELECT id, created_at FROM conversations
         WHERE site_id = $1 AND status = 'open' AND assigned_agent_id IS NULL ORDER BY created_at",
        site.0
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (ConversationId(r.id), r.created_at))
    .collect();
    let loads = sqlx::query!(
        r#"SELECT assigned_agent_id AS "agent!", count(*) AS "open!" FROM conversations
           WHERE site_id = $1 AND status = 'open' AND assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id"#,
        site.0
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (AgentId(r.agent), u32::try_from(r.open).unwrap_or(u32::MAX)))
    .collect();
    Ok((waiting, loads))
}

fn cursor_key(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:round-robin")
}

pub async fn round_robin_cursor(state: &AppState, site: SiteId) -> AppResult<Option<AgentId>> {
    let last: Option<String> = state.redis.next().get(cursor_key(site)).await?;
    Ok(last.and_then(|id| id.parse().ok()))
}

pub async fn set_round_robin_cursor(
    state: &AppState,
    site: SiteId,
    agent: AgentId,
) -> AppResult<()> {
    Ok(state
        .redis
        .next()
        .set::<(), _, _>(cursor_key(site), agent.to_string(), None, None, false)
        .await?)
}
