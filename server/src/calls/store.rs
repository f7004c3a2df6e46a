//! Calls in PostgreSQL: a row holds a call's live state while it rings or runs, so any
//! node can carry it on, and is its record afterwards. Every change is a conditional
//! update from the state it was read in, so two nodes never move one call twice.

use std::collections::BTreeSet;
use std::time::Duration;

use livedesk_protocol::calls::{Call, CallKind, CallOutcome, CallState, EndedBy};
use livedesk_protocol::ids::{
    AgentId, CallId, ClientId, ConversationId, DepartmentId, SiteId, VisitorId,
};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::error::{AppError, AppResult};
use crate::routing::RoutingRequest;

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "call_outcome", rename_all = "lowercase")]
pub enum DbOutcome {
    Answered,
    Missed,
    Rejected,
    Cancelled,
    Failed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "call_ender", rename_all = "lowercase")]
pub enum DbEnder {
    Visitor,
    Agent,
    System,
}

impl From<CallOutcome> for DbOutcome {
    fn from(outcome: CallOutcome) -> Self {
        match outcome {
            CallOutcome::Answered => Self::Answered,
            CallOutcome::Missed => Self::Missed,
            CallOutcome::Rejected => Self::Rejected,
            CallOutcome::Cancelled => Self::Cancelled,
            CallOutcome::Failed => Self::Failed,
        }
    }
}

impl From<DbOutcome> for CallOutcome {
    fn from(outcome: DbOutcome) -> Self {
        match outcome {
            DbOutcome::Answered => Self::Answered,
            DbOutcome::Missed => Self::Missed,
            DbOutcome::Rejected => Self::Rejected,
            DbOutcome::Cancelled => Self::Cancelled,
            DbOutcome::Failed => Self::Failed,
        }
    }
}

impl From<EndedBy> for DbEnder {
    fn from(by: EndedBy) -> Self {
        match by {
            EndedBy::Visitor => Self::Visitor,
            EndedBy::Agent => Self::Agent,
            EndedBy::System => Self::System,
        }
    }
}

impl From<DbEnder> for EndedBy {
    fn from(by: DbEnder) -> Self {
        match by {
            DbEnder::Visitor => Self::Visitor,
            DbEnder::Agent => Self::Agent,
            DbEnder::System => Self::System,
        }
    }
}

/// A new call, as inserted.
pub struct NewCall {
    pub id: CallId,
    pub conversation: ConversationId,
    pub visitor: VisitorId,
    /// The agent rung; `None`: the call queues.
    pub agent: Option<AgentId>,
    pub kind: CallKind,
    pub cid: ClientId,
    /// From now until the call counts as missed.
    pub deadline: Duration,
}

/// Why an insert did not happen.
pub enum Refused {
    /// The agent is rung for, or in, another call (a race with another node).
    AgentBusy,
    /// The conversation has a live call already.
    ConversationBusy,
}

pub async fn insert(db: &PgPool, site: SiteId, call: &NewCall) -> AppResult<Result<(), Refused>> {
    let state = if call.agent.is_some() {
        CallState::Ringing
    } else {
        CallState::Queued
    };
    let inserted = sqlx::query!(
        "INSERT INTO calls (id, site_id, conversation_id, visitor_id, agent_id, kind, state, client_id, ring_deadline)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))",
        call.id.0,
        site.0,
        call.conversation.0,
        call.visitor.0,
        call.agent.map(|a| a.0),
        call.kind.as_str(),
        state.as_str(),
        call.cid.0,
        call.deadline.as_secs_f64()
    )
    .execute(db)
    .await;
    match inserted {
        Ok(_) => Ok(Ok(())),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("calls_one_live_per_agent") => {
            Ok(Err(Refused::AgentBusy))
        }
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("calls_one_live_per_conversation") =>
        {
            Ok(Err(Refused::ConversationBusy))
        }
        Err(error) => Err(error.into()),
    }
}

/// The call started with `cid` in the conversation, for a retried `call_start`.
pub async fn by_client_id(
    db: &PgPool,
    conversation: ConversationId,
    cid: ClientId,
) -> AppResult<Option<CallId>> {
    let id = sqlx::query_scalar!(
        "SELECT id FROM calls WHERE conversation_id = $1 AND client_id = $2",
        conversation.0,
        cid.0
    )
    .fetch_optional(db)
    .await?;
    Ok(id.map(CallId))
}

/// A call of the site; `None` for an unknown one or another site's.
pub async fn load(db: &PgPool, site: SiteId, id: CallId) -> AppResult<Option<Call>> {
    let row = sqlx::query!(
        r#"SELECT c.id, c.conversation_id, c.visitor_id, c.agent_id, a.name AS "agent_name?", c.kind, c.state,
                  c.started_at, c.ring_deadline, c.answered_at, c.ended_at, c.duration_secs,
                  c.outcome AS "outcome: DbOutcome", c.ended_by AS "ended_by: DbEnder"
           FROM calls c LEFT JOIN agents a ON a.id = c.agent_id
           WHERE c.site_id = $1 AND c.id = $2"#,
        site.0,
        id.0
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let corrupt = || AppError::Other(anyhow::anyhow!("call {id} has an unknown kind or state"));
    Ok(Some(Call {
        id,
        conversation_id: ConversationId(r.conversation_id),
        visitor_id: VisitorId(r.visitor_id),
        agent_id: r.agent_id.map(AgentId),
        agent_name: r.agent_name,
        kind: CallKind::parse(&r.kind).ok_or_else(corrupt)?,
        state: CallState::parse(&r.state).ok_or_else(corrupt)?,
        started_at: r.started_at,
        ring_deadline: r.ring_deadline,
        answered_at: r.answered_at,
        ended_at: r.ended_at,
        duration_secs: r.duration_secs.and_then(|d| u64::try_from(d).ok()),
        outcome: r.outcome.map(Into::into),
        ended_by: r.ended_by.map(Into::into),
    }))
}

/// A change of state, written only if the call is still in `from`.
pub struct Change {
    pub from: CallState,
    pub to: CallState,
    /// The agent now rung (a queued call that found one).
    pub agent: Option<AgentId>,
    /// For `to` = ringing: from now until it counts as missed.
    pub ring_for: Duration,
    pub ended_by: Option<EndedBy>,
}

/// Applies `change` in `tx`; `false` if the call was no longer in `change.from` (someone
/// else moved it), or the agent is busy with another call meanwhile.
pub async fn transition(
    tx: &mut PgConnection,
    site: SiteId,
    id: CallId,
    change: &Change,
) -> AppResult<bool> {
    let outcome = CallOutcome::of(change.to).map(DbOutcome::from);
    let updated = sqlx::query!(
        r#"UPDATE calls SET
               state = $4,
               agent_id = COALESCE($5, agent_id),
               answered_at = CASE WHEN $4 = 'connecting' THEN now() ELSE answered_at END,
               connected_at = CASE WHEN $4 = 'active' THEN now() ELSE connected_at END,
               ring_deadline = CASE WHEN $4 = 'ringing' THEN now() + make_interval(secs => $6) END,
               ended_at = CASE WHEN $7::call_outcome IS NOT NULL THEN now() END,
               outcome = $7,
               ended_by = $8,
               duration_secs = CASE WHEN $7::call_outcome IS NOT NULL AND answered_at IS NOT NULL
                                    THEN floor(extract(epoch FROM now() - answered_at))::integer END
           WHERE site_id = $1 AND id = $2 AND state = $3"#,
        site.0,
        id.0,
        change.from.as_str(),
        change.to.as_str(),
        change.agent.map(|a| a.0),
        change.ring_for.as_secs_f64(),
        outcome as Option<DbOutcome>,
        change.ended_by.map(DbEnder::from) as Option<DbEnder>
    )
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(done) => Ok(done.rows_affected() == 1),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("calls_one_live_per_agent") => {
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

/// Agents of the site rung for, or in, a call now.
pub async fn busy_agents(db: &PgPool, site: SiteId) -> AppResult<BTreeSet<AgentId>> {
    let agents = sqlx::query_scalar!(
        r#"SELECT agent_id AS "agent!" FROM calls
           WHERE site_id = $1 AND ended_at IS NULL AND agent_id IS NOT NULL"#,
        site.0
    )
    .fetch_all(db)
    .await?;
    Ok(agents.into_iter().map(AgentId).collect())
}

/// What routing a call needs to know of its conversation.
pub struct Target {
    pub conversation: ConversationId,
    /// The conversation's agent, rung first.
    pub assigned: Option<AgentId>,
    pub request: RoutingRequest,
}

/// The visitor's open conversation, as a call target.
pub async fn target_of_visitor(
    db: &PgPool,
    site: SiteId,
    visitor: VisitorId,
) -> AppResult<Option<Target>> {
    let row = sqlx::query!(
        "SELECT c.id, c.assigned_agent_id, c.department_id, c.language, c.required_skills, v.vip
         FROM conversations c JOIN visitors v ON v.id = c.visitor_id
         WHERE c.site_id = $1 AND c.visitor_id = $2 AND c.status = 'open'",
        site.0,
        visitor.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Target {
        conversation: ConversationId(r.id),
        assigned: r.assigned_agent_id.map(AgentId),
        request: RoutingRequest {
            required_skills: r.required_skills.into_iter().collect(),
            language: r.language,
            department: r.department_id.map(DepartmentId),
            vip: r.vip,
        },
    }))
}

/// A call that is not over, for the sweep.
pub struct Live {
    pub id: CallId,
    pub site: SiteId,
    pub visitor: VisitorId,
    pub agent: Option<AgentId>,
    pub state: CallState,
    /// Its ring or queue wait is over.
    pub overdue: bool,
    pub visitor_gone_since: Option<OffsetDateTime>,
    pub agent_gone_since: Option<OffsetDateTime>,
}

/// Every call that is not over, oldest first.
pub async fn live(db: &PgPool) -> AppResult<Vec<Live>> {
    let rows = sqlx::query!(
        r#"SELECT id, site_id, visitor_id, agent_id, state,
                  COALESCE(ring_deadline <= now(), false) AS "overdue!",
                  visitor_gone_since, agent_gone_since
           FROM calls WHERE ended_at IS NULL ORDER BY started_at, id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Live {
                id: CallId(r.id),
                site: SiteId(r.site_id),
                visitor: VisitorId(r.visitor_id),
                agent: r.agent_id.map(AgentId),
                state: CallState::parse(&r.state)?,
                overdue: r.overdue,
                visitor_gone_since: r.visitor_gone_since,
                agent_gone_since: r.agent_gone_since,
            })
        })
        .collect())
}

/// Records since when each party of a live call has been gone (`None`: here).
pub async fn set_gone(
    db: &PgPool,
    id: CallId,
    visitor_gone_since: Option<OffsetDateTime>,
    agent_gone_since: Option<OffsetDateTime>,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE calls SET visitor_gone_since = $2, agent_gone_since = $3
         WHERE id = $1 AND ended_at IS NULL",
        id.0,
        visitor_gone_since,
        agent_gone_since
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A call waiting in its site's call queue.
pub struct Queued {
    pub id: CallId,
    pub visitor: VisitorId,
    pub conversation: ConversationId,
}

/// The site's call queue, first first.
pub async fn queued(db: &PgPool, site: SiteId) -> AppResult<Vec<Queued>> {
    let rows = sqlx::query!(
        "SELECT id, visitor_id, conversation_id FROM calls
         WHERE site_id = $1 AND state = 'queued' ORDER BY started_at, id",
        site.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Queued {
            id: CallId(r.id),
            visitor: VisitorId(r.visitor_id),
            conversation: ConversationId(r.conversation_id),
        })
        .collect())
}

/// The conversation's routing needs, for a queued call that looks for an agent.
pub async fn target_of_conversation(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<Target> {
    let r = sqlx::query!(
        "SELECT c.assigned_agent_id, c.department_id, c.language, c.required_skills, v.vip
         FROM conversations c JOIN visitors v ON v.id = c.visitor_id
         WHERE c.site_id = $1 AND c.id = $2",
        site.0,
        conversation.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    Ok(Target {
        conversation,
        assigned: r.assigned_agent_id.map(AgentId),
        request: RoutingRequest {
            required_skills: r.required_skills.into_iter().collect(),
            language: r.language,
            department: r.department_id.map(DepartmentId),
            vip: r.vip,
        },
    })
}
