//! Internal notes: agents' remarks on a conversation, never sent to its visitor.

use livedesk_protocol::chat::{MessageBody, Note};
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, MessageId, SiteId};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

struct NoteRow {
    id: Uuid,
    conversation_id: Uuid,
    author_agent_id: Option<Uuid>,
    author_name: String,
    body: String,
    created_at: OffsetDateTime,
}

impl From<NoteRow> for Note {
    fn from(row: NoteRow) -> Self {
        Note {
            id: MessageId(row.id),
            conversation_id: ConversationId(row.conversation_id),
            author_id: row.author_agent_id.map(AgentId),
            author_name: row.author_name,
            body: row.body,
            created_at: row.created_at,
        }
    }
}

/// Stores a note; a retried `cid` returns the note stored the first time. The second value
/// says whether the note is new.
pub async fn add(
    db: &mut PgConnection,
    site: SiteId,
    conversation: ConversationId,
    author: (AgentId, &str),
    cid: ClientId,
    body: &MessageBody,
) -> AppResult<(Note, bool)> {
    let inserted = sqlx::query_as!(
        NoteRow,
        "INSERT INTO conversation_notes (id, site_id, conversation_id, client_id, author_agent_id, author_name, body)
         SELECT $1, c.site_id, c.id, $4, $5, $6, $7 FROM conversations c WHERE c.site_id = $2 AND c.id = $3
         ON CONFLICT (conversation_id, client_id) DO NOTHING
         RETURNING id, conversation_id, author_agent_id, author_name, body, created_at",
        Uuid::new_v4(),
        site.0,
        conversation.0,
        cid.0,
        author.0.0,
        author.1,
        body.as_str()
    )
    .fetch_optional(&mut *db)
    .await?;
    if let Some(row) = inserted {
        return Ok((row.into(), true));
    }
    let earlier = sqlx::query_as!(
        NoteRow,
        "SELECT id, conversation_id, author_agent_id, author_name, body, created_at FROM conversation_notes
         WHERE site_id = $1 AND conversation_id = $2 AND client_id = $3",
        site.0,
        conversation.0,
        cid.0
    )
    .fetch_optional(&mut *db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    Ok((earlier.into(), false))
}

/// The notes of a conversation of `site`, oldest first.
pub async fn list(db: &PgPool, site: SiteId, conversation: ConversationId) -> AppResult<Vec<Note>> {
    super::store::conversation_last_seq(db, site, conversation).await?;
    let rows = sqlx::query_as!(
        NoteRow,
        "SELECT id, conversation_id, author_agent_id, author_name, body, created_at FROM conversation_notes
         WHERE site_id = $1 AND conversation_id = $2 ORDER BY created_at, id",
        site.0,
        conversation.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Note::from).collect())
}

/// Whether a note with `cid` is stored on the conversation (a retried frame).
pub async fn has_client_id(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
    cid: ClientId,
) -> AppResult<bool> {
    let stored = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM conversation_notes
                          WHERE site_id = $1 AND conversation_id = $2 AND client_id = $3) AS "stored!""#,
        site.0,
        conversation.0,
        cid.0
    )
    .fetch_one(db)
    .await?;
    Ok(stored)
}
