//! Delivery and read receipts. Marks only move forward and never past the newest message,
//! so a late or repeated mark changes nothing.

use livedesk_protocol::chat::Party;
use livedesk_protocol::ids::{ConversationId, SiteId, VisitorId};
use sqlx::PgPool;

use crate::error::{AppError, AppResult};

/// One side's marks after a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marks {
    pub visitor: VisitorId,
    pub delivered_up_to: i64,
    pub read_up_to: i64,
}

/// Records that `party` received (and, with `read`, showed) every message up to `up_to`.
/// `None` when nothing moved; `NotFound` for a conversation of another site.
pub async fn mark(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
    party: Party,
    up_to: i64,
    read: bool,
) -> AppResult<Option<Marks>> {
    let read_up_to = if read { up_to } else { 0 };
    let moved = match party {
        Party::Visitor => sqlx::query_as!(
            MarksRow,
            r#"UPDATE conversations SET
                   visitor_delivered_seq = GREATEST(visitor_delivered_seq, LEAST($3, last_seq)),
                   visitor_read_seq = GREATEST(visitor_read_seq, LEAST($4, last_seq))
               WHERE site_id = $1 AND id = $2
                 AND (visitor_delivered_seq < LEAST($3, last_seq) OR visitor_read_seq < LEAST($4, last_seq))
               RETURNING visitor_id AS visitor, visitor_delivered_seq AS delivered_up_to, visitor_read_seq AS read_up_to"#,
            site.0,
            conversation.0,
            up_to,
            read_up_to
        )
        .fetch_optional(db)
        .await?,
        Party::Agents => sqlx::query_as!(
            MarksRow,
            r#"UPDATE conversations SET
                   agent_delivered_seq = GREATEST(agent_delivered_seq, LEAST($3, last_seq)),
                   agent_read_seq = GREATEST(agent_read_seq, LEAST($4, last_seq))
               WHERE site_id = $1 AND id = $2
                 AND (agent_delivered_seq < LEAST($3, last_seq) OR agent_read_seq < LEAST($4, last_seq))
               RETURNING visitor_id AS visitor, agent_delivered_seq AS delivered_up_to, agent_read_seq AS read_up_to"#,
            site.0,
            conversation.0,
            up_to,
            read_up_to
        )
        .fetch_optional(db)
        .await?,
    };
    if moved.is_none() {
        // Nothing moved: tell an unknown conversation apart from a mark already made.
        super::store::conversation_last_seq(db, site, conversation).await?;
    }
    Ok(moved.map(|row| Marks {
        visitor: VisitorId(row.visitor),
        delivered_up_to: row.delivered_up_to,
        read_up_to: row.read_up_to,
    }))
}

struct MarksRow {
    visitor: uuid::Uuid,
    delivered_up_to: i64,
    read_up_to: i64,
}

/// The visitor of a conversation of `site`.
pub async fn visitor_of(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<VisitorId> {
    sqlx::query_scalar!(
        "SELECT visitor_id FROM conversations WHERE site_id = $1 AND id = $2",
        site.0,
        conversation.0
    )
    .fetch_optional(db)
    .await?
    .map(VisitorId)
    .ok_or_else(|| AppError::not_found("conversation"))
}
