//! Authors editing or deleting their own messages within
//! [`EDIT_WINDOW_SECS`] of sending them.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{EDIT_WINDOW_SECS, Message, MessageBody};
use livedesk_protocol::ids::{AgentId, MessageId, SiteId, VisitorId};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

use super::store::{AuthorKind, MessageRow};
use crate::error::{AppError, AppResult};

/// Who asks for the change.
#[derive(Clone, Copy, Debug)]
pub enum Editor {
    Visitor(VisitorId),
    Agent(AgentId),
}

#[derive(Clone, Debug)]
pub enum Change {
    Edit(MessageBody),
    Delete,
}

/// The message after the request.
#[derive(Clone, Debug)]
pub struct Changed {
    pub message: Message,
    pub visitor: VisitorId,
    /// `false` when the request changed nothing (a retry, or the same text again).
    pub changed: bool,
}

pub async fn change(
    db: &PgPool,
    site: SiteId,
    editor: Editor,
    id: MessageId,
    change: Change,
) -> AppResult<Changed> {
    let mut tx = db.begin().await?;
    let current = sqlx::query!(
        r#"SELECT m.author_kind AS "author_kind: AuthorKind", m.author_agent_id, c.visitor_id, m.body,
                  m.created_at, m.deleted_at IS NOT NULL AS "deleted!"
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.site_id = $1 AND m.id = $2 FOR UPDATE OF m"#,
        site.0,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("message"))?;
    let own = match editor {
        Editor::Visitor(me) => {
            current.author_kind == AuthorKind::Visitor && current.visitor_id == me.0
        }
        Editor::Agent(me) => {
            current.author_kind == AuthorKind::Agent && current.author_agent_id == Some(me.0)
        }
    };
    if !own {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "only the author may change a message",
        ));
    }
    let unchanged = match &change {
        Change::Delete => current.deleted,
        Change::Edit(body) => !current.deleted && current.body == body.as_str(),
    };
    if !unchanged {
        if current.deleted {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "the message was deleted",
            ));
        }
        if OffsetDateTime::now_utc() - current.created_at > Duration::seconds(EDIT_WINDOW_SECS) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "messages can be changed only in the first 5 minutes",
            ));
        }
        match &change {
            Change::Edit(body) => {
                sqlx::query!(
                    "UPDATE messages SET body = $2, edited_at = now() WHERE id = $1",
                    id.0,
                    body.as_str()
                )
                .execute(&mut *tx)
                .await?;
            }
            Change::Delete => {
                sqlx::query!(
                    "UPDATE messages SET body = '', deleted_at = now() WHERE id = $1",
                    id.0
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let row = sqlx::query_as!(
        MessageRow,
        r#"SELECT m.id, m.conversation_id, m.seq, m.client_id, m.author_kind AS "author_kind: AuthorKind",
                  m.author_agent_id, m.author_name, m.body, m.created_at, m.edited_at, m.deleted_at, c.visitor_id
           FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1"#,
        id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Changed {
        visitor: VisitorId(row.visitor_id),
        message: row.into_message(),
        changed: !unchanged,
    })
}
