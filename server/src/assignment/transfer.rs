//! Transfers: the conversation's agent (or an admin) hands it to a colleague who can take a
//! chat now, or to a department's line, where it is routed like a new chat (never back to
//! the agent who handed it on). The transfer is recorded as an internal note, with the
//! agent's own note if any, so both agents see why; the visitor is told where the chat went.
//!
//! A retried frame (same `cid`) finds its note and changes nothing again.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::Role;
use livedesk_protocol::chat::{MessageBody, Note};
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, DepartmentId, SiteId, VisitorId};
use livedesk_protocol::routing::{MAX_TRANSFER_NOTE_CHARS, TransferTarget};
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{announce_queue, ensure_queue, queue_and_route, store};
use crate::auth::CurrentAgent;
use crate::chat::notes;
use crate::error::{AppError, AppResult};
use crate::presence::{news, roster};
use crate::queue::{Assignment, Line};
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::state::AppState;

/// A transfer asked for by an agent.
pub struct Request<'a> {
    pub cid: ClientId,
    pub conversation: ConversationId,
    pub to: TransferTarget,
    pub note: Option<&'a str>,
}

/// The conversation as it stands before the transfer.
struct Current {
    visitor: VisitorId,
    agent: Option<AgentId>,
    department: Option<DepartmentId>,
}

pub async fn transfer(
    state: &AppState,
    site: SiteId,
    by: &CurrentAgent,
    request: Request<'_>,
) -> AppResult<()> {
    let note = parse_note(request.note)?;
    if notes::has_client_id(&state.db, site, request.conversation, request.cid).await? {
        return Ok(());
    }
    ensure_queue(state, site).await?;
    let current = current(state, site, request.conversation).await?;
    if current.agent.is_some_and(|agent| agent != by.id) && by.role != Role::Admin {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "only the conversation's agent or an admin may transfer it",
        ));
    }
    let transfer = Transfer {
        state,
        site,
        by,
        request,
        current,
    };
    match transfer.request.to {
        TransferTarget::Agent { agent_id } => transfer.to_agent(agent_id, note).await,
        TransferTarget::Department { department_id } => {
            transfer.to_department(department_id, note).await
        }
    }
}

/// One transfer under way.
struct Transfer<'a> {
    state: &'a AppState,
    site: SiteId,
    by: &'a CurrentAgent,
    request: Request<'a>,
    current: Current,
}

fn parse_note(note: Option<&str>) -> AppResult<Option<MessageBody>> {
    let Some(note) = note.filter(|n| !n.trim().is_empty()) else {
        return Ok(None);
    };
    if note.trim().chars().count() > MAX_TRANSFER_NOTE_CHARS {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("a transfer note has at most {MAX_TRANSFER_NOTE_CHARS} characters"),
        ));
    }
    Ok(Some(MessageBody::parse(note)?))
}

async fn current(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<Current> {
    let row = sqlx::query!(
        r#"SELECT visitor_id, assigned_agent_id, department_id, status::text AS "status!"
           FROM conversations WHERE site_id = $1 AND id = $2"#,
        site.0,
        conversation.0
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    if row.status != "open" {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "the conversation is closed",
        ));
    }
    Ok(Current {
        visitor: VisitorId(row.visitor_id),
        agent: row.assigned_agent_id.map(AgentId),
        department: row.department_id.map(DepartmentId),
    })
}

impl Transfer<'_> {
    async fn to_agent(&self, to: AgentId, note: Option<MessageBody>) -> AppResult<()> {
        let Self {
            state,
            site,
            request,
            current,
            ..
        } = self;
        let site = *site;
        if current.agent == Some(to) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "the conversation is already with this agent",
            ));
        }
        let target = roster::agent(state, site, to)
            .await?
            .ok_or_else(|| AppError::not_found("agent"))?;
        let full = || AppError::new(ErrorCode::Conflict, "that agent cannot take a chat now");
        if !target.can_take_chat(OffsetDateTime::now_utc()) {
            return Err(full());
        }
        // Capacity first, atomically in Redis; undone if PostgreSQL then refuses.
        let line = Line::of(site, current.department);
        let counted = match current.agent {
            Some(from) => {
                state
                    .queue
                    .transfer(site, from, to, target.max_chats)
                    .await?
            }
            None => {
                state
                    .queue
                    .assign(line, request.conversation, to, target.max_chats)
                    .await?
                    == Assignment::Assigned
            }
        };
        if !counted {
            return Err(full());
        }
        let (to_name, note) = match self.record_to_agent(to, note).await {
            Ok(done) => done,
            Err(error) => {
                self.undo_count(to, line).await;
                return Err(error);
            }
        };
        self.announce(TransferTarget::Agent { agent_id: to }, &to_name, note)
            .await;
        let assigned = HubEvent::ConversationAssigned {
            conversation_id: request.conversation,
            visitor_id: current.visitor,
            agent_id: to,
            agent_name: to_name,
        };
        publish(state, site, &assigned).await;
        for agent in current.agent.into_iter().chain([to]) {
            news::announce(state, site, agent).await;
        }
        if current.agent.is_none() {
            announce_queue(state, site).await?;
        }
        Ok(())
    }

    /// Moves the conversation to `to` in PostgreSQL, with the note, if it is still where it was.
    async fn record_to_agent(
        &self,
        to: AgentId,
        note: Option<MessageBody>,
    ) -> AppResult<(String, Note)> {
        let Self {
            state,
            site,
            request,
            current,
            ..
        } = self;
        let mut tx = state.db.begin().await?;
        let to_name = sqlx::query_scalar!(
            "UPDATE conversations c SET assigned_agent_id = $4, assigned_at = now()
         FROM agents a
         WHERE c.site_id = $1 AND c.id = $2 AND c.status = 'open'
           AND c.assigned_agent_id IS NOT DISTINCT FROM $3 AND a.id = $4 AND a.site_id = $1
         RETURNING a.name",
            site.0,
            request.conversation.0,
            current.agent.map(|a| a.0),
            to.0
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(changed_meanwhile)?;
        let note = self.add_note(&mut tx, &to_name, note).await?;
        tx.commit().await?;
        Ok((to_name, note))
    }

    /// Gives back the place counted against `to` when the transfer could not be recorded.
    async fn undo_count(&self, to: AgentId, line: Line) {
        let Self {
            state,
            site,
            current,
            ..
        } = self;
        let (site, conversation) = (*site, self.request.conversation);
        let undone = async {
            match current.agent {
                Some(from) => state
                    .queue
                    .transfer(site, to, from, u32::MAX)
                    .await
                    .map(|_| ()),
                // It was waiting: it waits again, at the front until the upkeep scores it.
                None => {
                    state.queue.release(site, to).await?;
                    state.queue.enqueue(line, conversation, 0.0).await
                }
            }
        };
        if let Err(error) = undone.await {
            tracing::error!(%error, %conversation, "undoing a refused transfer's count failed; the queue is rebuilt when Redis is flushed");
        }
    }

    async fn to_department(
        &self,
        department: DepartmentId,
        note: Option<MessageBody>,
    ) -> AppResult<()> {
        let Self {
            state,
            site,
            request,
            current,
            ..
        } = self;
        let site = *site;
        let mut tx = state.db.begin().await?;
        let name = sqlx::query_scalar!(
            "SELECT name FROM departments WHERE site_id = $1 AND id = $2",
            site.0,
            department.0
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("department"))?;
        sqlx::query!(
        "UPDATE conversations SET department_id = $4, assigned_agent_id = NULL, assigned_at = NULL,
                                  queued_at = now(), wait_timed_out_at = NULL
         WHERE site_id = $1 AND id = $2 AND status = 'open' AND assigned_agent_id IS NOT DISTINCT FROM $3
         RETURNING id",
        site.0,
        request.conversation.0,
        current.agent.map(|a| a.0),
        department.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(changed_meanwhile)?;
        let note = self.add_note(&mut tx, &name, note).await?;
        tx.commit().await?;

        match current.agent {
            Some(from) => state.queue.release(site, from).await?,
            None => {
                let old = Line::of(site, current.department);
                state.queue.leave(old, request.conversation).await?;
            }
        }
        let target = TransferTarget::Department {
            department_id: department,
        };
        self.announce(target, &name, note).await;
        if let Some(from) = current.agent {
            news::announce(state, site, from).await;
        }
        if let Some(waiting) = store::waiting(&state.db, site, Some(request.conversation))
            .await?
            .pop()
        {
            queue_and_route(state, site, &waiting, current.agent).await?;
        }
        announce_queue(state, site).await
    }

    /// The internal note that records the transfer: "Transferred to Sales: <the agent's note>".
    async fn add_note(
        &self,
        tx: &mut PgConnection,
        to_name: &str,
        note: Option<MessageBody>,
    ) -> AppResult<Note> {
        let (by, request) = (self.by, &self.request);
        let text = match note {
            Some(note) => format!("Transferred to {to_name}: {}", note.as_str()),
            None => format!("Transferred to {to_name}"),
        };
        let body = MessageBody::parse(&text)?;
        let author = (by.id, by.name.as_str());
        let (note, _) = notes::add(
            tx,
            self.site,
            request.conversation,
            author,
            request.cid,
            &body,
        )
        .await?;
        Ok(note)
    }

    /// Tells the agents and the visitor where the conversation went, and the agents the note.
    async fn announce(&self, to: TransferTarget, to_name: &str, note: Note) {
        let transferred = HubEvent::ConversationTransferred {
            conversation_id: self.request.conversation,
            visitor_id: self.current.visitor,
            by: self.by.id,
            to,
            to_name: to_name.to_owned(),
        };
        publish(self.state, self.site, &transferred).await;
        publish(self.state, self.site, &HubEvent::NoteAdded { note }).await;
    }
}

fn changed_meanwhile() -> AppError {
    AppError::new(
        ErrorCode::Conflict,
        "the conversation changed hands or closed meanwhile; look again",
    )
}
