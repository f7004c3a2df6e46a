//! Closing conversations and the visitor's rating of them.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::Rating;
use livedesk_protocol::ids::{ConversationId, SiteId, VisitorId};
use sqlx::PgPool;

use crate::error::{AppError, AppResult};

/// A conversation that is closed now.
#[derive(Clone, Copy, Debug)]
pub struct Closed {
    pub conversation: ConversationId,
    pub visitor: VisitorId,
    /// `false` when it was closed already (a retried or late close): nothing to announce.
    pub newly: bool,
}

/// Closes a conversation of `site`. Closing a closed one is not an error.
pub async fn close(db: &PgPool, site: SiteId, conversation: ConversationId) -> AppResult<Closed> {
    let row = sqlx::query!(
        r#"WITH target AS (SELECT id, visitor_id, status FROM conversations WHERE site_id = $1 AND id = $2 FOR UPDATE),
                closed AS (UPDATE conversations c SET status = 'closed', closed_at = now()
                           FROM target WHERE c.id = target.id AND target.status = 'open' RETURNING c.id)
           SELECT target.visitor_id, EXISTS (SELECT 1 FROM closed) AS "newly!" FROM target"#,
        site.0,
        conversation.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    Ok(Closed {
        conversation,
        visitor: VisitorId(row.visitor_id),
        newly: row.newly,
    })
}

/// Closes the visitor's open conversation, if there is one.
pub async fn close_visitors(
    db: &PgPool,
    site: SiteId,
    visitor: VisitorId,
) -> AppResult<Option<Closed>> {
    let closed = sqlx::query_scalar!(
        "UPDATE conversations SET status = 'closed', closed_at = now()
         WHERE site_id = $1 AND visitor_id = $2 AND status = 'open' RETURNING id",
        site.0,
        visitor.0
    )
    .fetch_optional(db)
    .await?;
    Ok(closed.map(|id| Closed {
        conversation: ConversationId(id),
        visitor,
        newly: true,
    }))
}

/// Stores (or replaces) the visitor's rating of one of their closed conversations.
pub async fn rate(
    db: &PgPool,
    site: SiteId,
    visitor: VisitorId,
    conversation: ConversationId,
    rating: &Rating,
) -> AppResult<()> {
    let status = sqlx::query_scalar!(
        r#"SELECT status AS "status: super::store::DbStatus" FROM conversations WHERE site_id = $1 AND id = $2 AND visitor_id = $3"#,
        site.0,
        conversation.0,
        visitor.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    if status != super::store::DbStatus::Closed {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "a conversation can be rated once it is closed",
        ));
    }
    sqlx::query!(
        "INSERT INTO conversation_ratings (conversation_id, site_id, score, comment) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, created_at = now()",
        conversation.0,
        site.0,
        i16::from(rating.score),
        rating.comment.as_deref()
    )
    .execute(db)
    .await?;
    Ok(())
}
