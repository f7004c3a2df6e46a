//! The assignment's reads and writes in PostgreSQL, and the round-robin cursor in Redis.

use fred::interfaces::KeysInterface;
use livedesk_protocol::ids::{AgentId, ConversationId, DepartmentId, SiteId, VisitorId};
use livedesk_protocol::routing::PriorityFactors;
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::queue::Line;
use crate::routing::{QueueEntry, RoutingRequest};
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

/// A conversation waiting for an agent, with what its place and its routing depend on.
#[derive(Clone, Debug)]
pub struct Waiting {
    pub entry: QueueEntry,
    /// The department whose line it waits in; `None`: the site's general line.
    pub department: Option<DepartmentId>,
    pub request: RoutingRequest,
}

impl Waiting {
    pub fn line(&self, site: SiteId) -> Line {
        Line::of(site, self.department)
    }
}

/// The site's open, unassigned conversations (or just `only`, if it is one), oldest
/// first. A returning visitor is one with earlier conversations on the site.
pub async fn waiting(
    db: &PgPool,
    site: SiteId,
    only: Option<ConversationId>,
) -> AppResult<Vec<Waiting>> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.created_at, c.department_id, c.language, c.required_skills, v.vip,
                  EXISTS (SELECT 1 FROM conversations e
                          WHERE e.site_id = c.site_id AND e.visitor_id = c.visitor_id AND e.id <> c.id) AS "returning!",
                  COALESCE(d.urgent, false) AS "urgent!"
           FROM conversations c
           JOIN visitors v ON v.id = c.visitor_id
           LEFT JOIN departments d ON d.id = c.department_id
           WHERE c.site_id = $1 AND c.status = 'open' AND c.assigned_agent_id IS NULL
             AND ($2::uuid IS NULL OR c.id = $2)
           ORDER BY c.created_at"#,
        site.0,
        only.map(|c| c.0)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let department = r.department_id.map(DepartmentId);
            Waiting {
                entry: QueueEntry {
                    conversation: ConversationId(r.id),
                    factors: PriorityFactors {
                        vip: r.vip,
                        returning: r.returning,
                        urgent_department: r.urgent,
                    },
                    enqueued_at: r.created_at,
                },
                department,
                request: RoutingRequest {
                    required_skills: r.required_skills.into_iter().collect(),
                    language: r.language,
                    department,
                    vip: r.vip,
                },
            }
        })
        .collect())
}

/// The department a conversation asked for (also once it is closed).
pub async fn department_of(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<Option<DepartmentId>> {
    let department = sqlx::query_scalar!(
        "SELECT department_id FROM conversations WHERE site_id = $1 AND id = $2",
        site.0,
        conversation.0
    )
    .fetch_optional(db)
    .await?
    .flatten();
    Ok(department.map(DepartmentId))
}

/// Each agent's number of open conversations, for rebuilding the loads.
pub async fn loads(db: &PgPool, site: SiteId) -> AppResult<Vec<(AgentId, u32)>> {
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
    Ok(loads)
}

/// How long the site's last 50 answered chats lasted on average, from assignment to close.
pub async fn average_chat_secs(db: &PgPool, site: SiteId) -> AppResult<Option<f64>> {
    let average = sqlx::query_scalar!(
        r#"SELECT avg(extract(epoch FROM closed_at - assigned_at))::float8 AS average
           FROM (SELECT closed_at, assigned_at FROM conversations
                 WHERE site_id = $1 AND status = 'closed' AND assigned_at IS NOT NULL
                 ORDER BY closed_at DESC LIMIT 50) recent"#,
        site.0
    )
    .fetch_one(db)
    .await?;
    Ok(average)
}

/// Sites with visitors waiting, for the periodic upkeep of their queues.
pub async fn sites_with_waiting(db: &PgPool) -> AppResult<Vec<SiteId>> {
    let sites = sqlx::query_scalar!(
        "SELECT DISTINCT site_id FROM conversations WHERE status = 'open' AND assigned_agent_id IS NULL"
    )
    .fetch_all(db)
    .await?;
    Ok(sites.into_iter().map(SiteId).collect())
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
