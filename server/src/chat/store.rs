//! Storing and reading messages. Each message gets the next `seq` of its conversation in
//! the transaction that inserts it, under the conversation row's lock, so seqs have no gaps
//! and a message is durable before anyone is told about it.
//!
//! A message into an open conversation, with a client id not seen before, is one
//! statement ([`append_to_open`]): one round trip and one commit. Everything else (the
//! first message, which opens the conversation; a retried client id; a closed or unknown
//! conversation) takes the transaction in [`append`], which tells those cases apart.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{
    Author, ConversationStatus, ConversationSummary, Message, MessageBody,
};
use livedesk_protocol::frames::ConversationRef;
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, MessageId, SiteId, VisitorId};
use livedesk_protocol::routing::{ChatRequest, PriorityFactors};
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Most messages returned by one replay or page.
pub const PAGE_SIZE: i64 = 500;

/// Who is sending, and so which conversation the message goes to.
#[derive(Clone, Debug)]
pub enum Sender {
    /// Into the visitor's open conversation, opened (routed by `start`) if there is none.
    Visitor { id: VisitorId, start: ChatRequest },
    /// Into a given open conversation of the agent's site.
    Agent {
        id: AgentId,
        name: String,
        conversation: ConversationId,
    },
    /// An agent starts a chat with a visitor on the site (from the live visitors list):
    /// into the visitor's open conversation, opened if there is none.
    AgentToVisitor {
        id: AgentId,
        name: String,
        visitor: VisitorId,
    },
}

/// The result of a send.
#[derive(Clone, Debug)]
pub struct Appended {
    pub message: Message,
    pub visitor_id: VisitorId,
    /// Set when this message opened the conversation.
    pub opened: Option<ConversationSummary>,
    /// The client id had been stored before: this is the earlier message, not a new one.
    pub duplicate: bool,
}

pub async fn append(
    db: &PgPool,
    site: SiteId,
    sender: Sender,
    cid: ClientId,
    body: MessageBody,
) -> AppResult<Appended> {
    if let Some((message, visitor_id)) = append_to_open(db, site, &sender, cid, &body).await? {
        return Ok(Appended {
            visitor_id,
            message,
            opened: None,
            duplicate: false,
        });
    }
    let mut tx = db.begin().await?;
    let (conversation, opened) = match &sender {
        Sender::Visitor { id, start } => {
            lock_or_open_visitor_conversation(&mut tx, site, *id, start).await?
        }
        Sender::Agent { conversation, .. } => (
            lock_open_conversation(&mut tx, site, *conversation).await?,
            None,
        ),
        Sender::AgentToVisitor { visitor, .. } => {
            let known = sqlx::query_scalar!(
                "SELECT EXISTS (SELECT 1 FROM visitors WHERE site_id = $1 AND id = $2)",
                site.0,
                visitor.0
            )
            .fetch_one(&mut *tx)
            .await?;
            if known != Some(true) {
                return Err(AppError::not_found("visitor"));
            }
            lock_or_open_visitor_conversation(&mut tx, site, *visitor, &ChatRequest::default())
                .await?
        }
    };
    if let Some(message) = find_by_client_id(&mut *tx, conversation.id, cid).await? {
        tx.rollback().await?;
        return Ok(Appended {
            message,
            visitor_id: conversation.visitor_id,
            opened: None,
            duplicate: true,
        });
    }
    let seq = sqlx::query_scalar!(
        "UPDATE conversations SET last_seq = last_seq + 1, last_message_at = now() WHERE id = $1 RETURNING last_seq",
        conversation.id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let (kind, agent_id, agent_name) = match &sender {
        Sender::Visitor { .. } => (AuthorKind::Visitor, None, None),
        Sender::Agent { id, name, .. } | Sender::AgentToVisitor { id, name, .. } => {
            (AuthorKind::Agent, Some(id.0), Some(name.clone()))
        }
    };
    let row = sqlx::query_as!(
        MessageRow,
        r#"INSERT INTO messages (id, site_id, conversation_id, seq, client_id, author_kind, author_agent_id, author_name, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           RETURNING id, conversation_id, seq, client_id, author_kind AS "author_kind: AuthorKind",
                     author_agent_id, author_name, body, created_at, edited_at, deleted_at,
                     $10::uuid AS "visitor_id!""#,
        Uuid::new_v4(),
        site.0,
        conversation.id.0,
        seq,
        cid.0,
        kind as AuthorKind,
        agent_id,
        agent_name,
        body.as_str(),
        conversation.visitor_id.0,
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let message = row.into_message();
    let opened = opened.map(|mut summary| {
        summary.last_seq = message.seq;
        summary.last_message = Some(message.clone());
        summary
    });
    Ok(Appended {
        message,
        visitor_id: conversation.visitor_id,
        opened,
        duplicate: false,
    })
}

/// Adds a message from the system (a call started, ended, was missed) to a conversation,
/// open or closed, inside the caller's transaction: it takes the next `seq` under the
/// conversation row's lock like any message.
pub async fn append_system(
    tx: &mut PgConnection,
    site: SiteId,
    conversation: ConversationId,
    body: &MessageBody,
) -> AppResult<Appended> {
    let locked = sqlx::query!(
        "UPDATE conversations SET last_seq = last_seq + 1, last_message_at = now()
         WHERE site_id = $1 AND id = $2 RETURNING last_seq, visitor_id",
        site.0,
        conversation.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    let row = sqlx::query_as!(
        MessageRow,
        r#"INSERT INTO messages (id, site_id, conversation_id, seq, author_kind, body)
           VALUES ($1, $2, $3, $4, 'system', $5)
           RETURNING id, conversation_id, seq, client_id, author_kind AS "author_kind: AuthorKind",
                     author_agent_id, author_name, body, created_at, edited_at, deleted_at,
                     $6::uuid AS "visitor_id!""#,
        Uuid::new_v4(),
        site.0,
        conversation.0,
        locked.last_seq,
        body.as_str(),
        locked.visitor_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Appended {
        message: row.into_message(),
        visitor_id: VisitorId(locked.visitor_id),
        opened: None,
        duplicate: false,
    })
}

/// The common case in one statement: bump the open conversation's `seq` and insert the
/// message, unless its client id is stored already. `None` when nothing was stored (no
/// open conversation, or a retry): [`append`] then finds out which in a transaction. Two
/// retries of one new client id racing each other: the unique `(conversation_id,
/// client_id)` index refuses the second, whose statement (and `seq` bump) is undone, and
/// it too goes the long way, where it finds the first.
async fn append_to_open(
    db: &PgPool,
    site: SiteId,
    sender: &Sender,
    cid: ClientId,
    body: &MessageBody,
) -> AppResult<Option<(Message, VisitorId)>> {
    let (visitor, conversation, kind, agent_id, agent_name) = match sender {
        Sender::Visitor { id, .. } => (Some(id.0), None, AuthorKind::Visitor, None, None),
        Sender::Agent {
            id,
            name,
            conversation,
        } => (
            None,
            Some(conversation.0),
            AuthorKind::Agent,
            Some(id.0),
            Some(name.as_str()),
        ),
        Sender::AgentToVisitor { id, name, visitor } => (
            Some(visitor.0),
            None,
            AuthorKind::Agent,
            Some(id.0),
            Some(name.as_str()),
        ),
    };
    let row = sqlx::query_as!(
        MessageRow,
        r#"WITH bumped AS (
               UPDATE conversations c SET last_seq = c.last_seq + 1, last_message_at = now()
               WHERE c.id = COALESCE($3::uuid, (SELECT o.id FROM conversations o
                                                WHERE o.site_id = $1 AND o.visitor_id = $2
                                                  AND o.status = 'open'))
                 AND c.site_id = $1 AND c.status = 'open'
                 AND NOT EXISTS (SELECT 1 FROM messages m
                                 WHERE m.conversation_id = c.id AND m.client_id = $4)
               RETURNING c.id, c.last_seq, c.visitor_id
           )
           INSERT INTO messages (id, site_id, conversation_id, seq, client_id, author_kind, author_agent_id, author_name, body)
           SELECT $5, $1, b.id, b.last_seq, $4, $6, $7, $8, $9 FROM bumped b
           RETURNING id, conversation_id, seq, client_id, author_kind AS "author_kind: AuthorKind",
                     author_agent_id, author_name, body, created_at, edited_at, deleted_at,
                     (SELECT b.visitor_id FROM bumped b) AS "visitor_id!""#,
        site.0,
        visitor,
        conversation,
        cid.0,
        Uuid::new_v4(),
        kind as AuthorKind,
        agent_id,
        agent_name,
        body.as_str(),
    )
    .fetch_optional(db)
    .await;
    match row {
        Ok(row) => Ok(row.map(|row| {
            let visitor = VisitorId(row.visitor_id);
            (row.into_message(), visitor)
        })),
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Ok(None),
        Err(error) => Err(error.into()),
    }
}

struct Locked {
    id: ConversationId,
    visitor_id: VisitorId,
}

async fn lock_open_conversation(
    tx: &mut PgConnection,
    site: SiteId,
    id: ConversationId,
) -> AppResult<Locked> {
    let row = sqlx::query!(
        r#"SELECT visitor_id, status AS "status: DbStatus" FROM conversations WHERE site_id = $1 AND id = $2 FOR UPDATE"#,
        site.0,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    writable(row.status)?;
    Ok(Locked {
        id,
        visitor_id: VisitorId(row.visitor_id),
    })
}

/// The rule of [`Sender::Agent`]: agents write into open conversations only.
fn writable(status: DbStatus) -> AppResult<()> {
    if status != DbStatus::Open {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "the conversation is closed",
        ));
    }
    Ok(())
}

/// The visitor of a conversation an agent of `site` may reply in (the rule [`append`]
/// applies to [`Sender::Agent`]): `not_found` if it is not the site's, `conflict` if it is
/// closed. Checked before work that a refused reply would waste, such as storing a file.
pub async fn replyable_conversation(
    db: &PgPool,
    site: SiteId,
    id: ConversationId,
) -> AppResult<VisitorId> {
    let row = sqlx::query!(
        r#"SELECT visitor_id, status AS "status: DbStatus" FROM conversations WHERE site_id = $1 AND id = $2"#,
        site.0,
        id.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    writable(row.status)?;
    Ok(VisitorId(row.visitor_id))
}

async fn lock_or_open_visitor_conversation(
    tx: &mut PgConnection,
    site: SiteId,
    visitor: VisitorId,
    start: &ChatRequest,
) -> AppResult<(Locked, Option<ConversationSummary>)> {
    let existing = sqlx::query_scalar!(
        "SELECT id FROM conversations WHERE site_id = $1 AND visitor_id = $2 AND status = 'open' FOR UPDATE",
        site.0,
        visitor.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = existing {
        return Ok((
            Locked {
                id: ConversationId(id),
                visitor_id: visitor,
            },
            None,
        ));
    }
    // A concurrent first send from another tab may open it first: then the unique index
    // on open conversations makes this insert a no-op and we lock theirs.
    let id = ConversationId::new_random();
    let inserted = sqlx::query!(
        r#"INSERT INTO conversations (id, site_id, visitor_id, department_id, language, required_skills)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (visitor_id) WHERE status = 'open' DO NOTHING
           RETURNING created_at, (SELECT name FROM visitors WHERE id = $3) AS visitor_name,
                     (SELECT vip FROM visitors WHERE id = $3) AS "vip!",
                     EXISTS (SELECT 1 FROM conversations WHERE site_id = $2 AND visitor_id = $3) AS "returning!",
                     COALESCE((SELECT urgent FROM departments WHERE id = $4), false) AS "urgent!""#,
        id.0,
        site.0,
        visitor.0,
        start.department_id.map(|d| d.0),
        start.language.as_deref(),
        &start.skills
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db)
            if db.constraint() == Some("conversations_department_fkey") =>
        {
            AppError::new(ErrorCode::InvalidInput, "the site has no such department")
        }
        _ => error.into(),
    })?;
    match inserted {
        Some(row) => {
            let summary = ConversationSummary {
                id,
                visitor_id: visitor,
                visitor_name: row.visitor_name,
                status: ConversationStatus::Open,
                last_seq: 0,
                created_at: row.created_at,
                last_message: None,
                assigned_agent_id: None,
                department_id: start.department_id,
                tags: Vec::new(),
                queued_at: Some(row.created_at),
                closed_at: None,
                visitor_delivered_seq: 0,
                visitor_read_seq: 0,
                snippet: None,
                // The statement's snapshot predates this row: any conversation it sees is
                // an earlier one.
                priority_factors: PriorityFactors {
                    vip: row.vip,
                    returning: row.returning,
                    urgent_department: row.urgent,
                },
            };
            Ok((
                Locked {
                    id,
                    visitor_id: visitor,
                },
                Some(summary),
            ))
        }
        None => Box::pin(lock_or_open_visitor_conversation(tx, site, visitor, start)).await,
    }
}

async fn find_by_client_id(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    cid: ClientId,
) -> AppResult<Option<Message>> {
    let row = sqlx::query_as!(
        MessageRow,
        r#"SELECT m.id, m.conversation_id, m.seq, m.client_id, m.author_kind AS "author_kind: AuthorKind",
                  m.author_agent_id, m.author_name, m.body, m.created_at, m.edited_at, m.deleted_at, c.visitor_id
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.conversation_id = $1 AND m.client_id = $2"#,
        conversation.0,
        cid.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(MessageRow::into_message))
}

/// Messages of a conversation of `site` with `seq > after_seq`, oldest first, at most
/// [`PAGE_SIZE`]. An unknown conversation, or one of another site, yields `NotFound`.
pub async fn messages_after(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
    after_seq: i64,
) -> AppResult<Vec<Message>> {
    let rows = sqlx::query_as!(
        MessageRow,
        r#"SELECT m.id, m.conversation_id, m.seq, m.client_id, m.author_kind AS "author_kind: AuthorKind",
                  m.author_agent_id, m.author_name, m.body, m.created_at, m.edited_at, m.deleted_at, c.visitor_id
           FROM conversations c JOIN messages m ON m.conversation_id = c.id
           WHERE c.site_id = $1 AND c.id = $2 AND m.seq > $3
           ORDER BY m.seq LIMIT $4"#,
        site.0,
        conversation.0,
        after_seq,
        PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    if rows.is_empty() {
        conversation_last_seq(db, site, conversation).await?;
    }
    Ok(rows.into_iter().map(MessageRow::into_message).collect())
}

/// The `seq` of a conversation's newest message; `NotFound` if it is not the site's.
pub async fn conversation_last_seq(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<i64> {
    sqlx::query_scalar!(
        "SELECT last_seq FROM conversations WHERE site_id = $1 AND id = $2",
        site.0,
        conversation.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))
}

/// The visitor's open conversation, if any.
pub async fn open_conversation_of(
    db: &PgPool,
    site: SiteId,
    visitor: VisitorId,
) -> AppResult<Option<ConversationRef>> {
    let row = sqlx::query!(
        "SELECT id, last_seq FROM conversations WHERE site_id = $1 AND visitor_id = $2 AND status = 'open'",
        site.0,
        visitor.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| ConversationRef {
        id: ConversationId(r.id),
        last_seq: r.last_seq,
    }))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "author_kind", rename_all = "lowercase")]
pub enum AuthorKind {
    Visitor,
    Agent,
    System,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "conversation_status", rename_all = "lowercase")]
pub enum DbStatus {
    Open,
    Closed,
}

impl From<DbStatus> for ConversationStatus {
    fn from(status: DbStatus) -> Self {
        match status {
            DbStatus::Open => Self::Open,
            DbStatus::Closed => Self::Closed,
        }
    }
}

pub(super) struct MessageRow {
    pub(super) id: Uuid,
    pub(super) conversation_id: Uuid,
    pub(super) seq: i64,
    pub(super) client_id: Option<Uuid>,
    pub(super) author_kind: AuthorKind,
    pub(super) author_agent_id: Option<Uuid>,
    pub(super) author_name: Option<String>,
    pub(super) body: String,
    pub(super) created_at: OffsetDateTime,
    pub(super) edited_at: Option<OffsetDateTime>,
    pub(super) deleted_at: Option<OffsetDateTime>,
    pub(super) visitor_id: Uuid,
}

impl MessageRow {
    pub(super) fn into_message(self) -> Message {
        let author = match (self.author_kind, self.author_agent_id) {
            (AuthorKind::Visitor, _) => Author::Visitor {
                id: VisitorId(self.visitor_id),
            },
            (AuthorKind::Agent, Some(id)) => Author::Agent {
                id: AgentId(id),
                name: self.author_name.unwrap_or_default(),
            },
            // An agent account that was deleted: shown as the team.
            (AuthorKind::Agent, None) | (AuthorKind::System, _) => Author::System,
        };
        Message {
            id: MessageId(self.id),
            conversation_id: ConversationId(self.conversation_id),
            seq: self.seq,
            client_id: self.client_id.map(ClientId),
            author,
            body: self.body,
            created_at: self.created_at,
            edited_at: self.edited_at,
            deleted: self.deleted_at.is_some(),
        }
    }
}
