//! Tags agents put on conversations ("billing", "bug report") to sort and find them.
//! Adding a tag a conversation has, or removing one it lacks, changes nothing, so a retried
//! frame is harmless.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{ConversationId, SiteId};
use livedesk_protocol::routing::{MAX_TAGS, Tag};
use sqlx::{PgConnection, PgPool};

use crate::error::{AppError, AppResult};

/// The conversation's tags after the change, sorted, and whether anything changed.
pub struct Tagged {
    pub tags: Vec<String>,
    pub changed: bool,
}

/// Puts `tag` on a conversation of `site`, within [`MAX_TAGS`].
pub async fn add(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
    tag: &Tag,
) -> AppResult<Tagged> {
    let mut tx = db.begin().await?;
    let before = lock_tags(&mut tx, site, conversation).await?;
    if before.iter().any(|t| t == tag.as_str()) {
        return Ok(Tagged {
            tags: before,
            changed: false,
        });
    }
    if before.len() >= MAX_TAGS {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("a conversation has at most {MAX_TAGS} tags"),
        ));
    }
    sqlx::query!(
        "INSERT INTO conversation_tags (site_id, conversation_id, tag) VALUES ($1, $2, $3)",
        site.0,
        conversation.0,
        tag.as_str()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut tags = before;
    tags.push(tag.as_str().to_owned());
    tags.sort();
    Ok(Tagged {
        tags,
        changed: true,
    })
}

/// Takes `tag` off a conversation of `site`.
pub async fn remove(
    db: &PgPool,
    site: SiteId,
    conversation: ConversationId,
    tag: &Tag,
) -> AppResult<Tagged> {
    let mut tx = db.begin().await?;
    let before = lock_tags(&mut tx, site, conversation).await?;
    let removed = sqlx::query!(
        "DELETE FROM conversation_tags WHERE site_id = $1 AND conversation_id = $2 AND tag = $3",
        site.0,
        conversation.0,
        tag.as_str()
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(Tagged {
        tags: before.into_iter().filter(|t| t != tag.as_str()).collect(),
        changed: removed > 0,
    })
}

/// Renames `old` to `new` on every conversation of `site` that carries it (a conversation
/// that has both keeps one); the conversations it touched.
pub async fn rename_everywhere(
    tx: &mut PgConnection,
    site: SiteId,
    old: &str,
    new: &str,
) -> AppResult<Vec<ConversationId>> {
    let mut touched = sqlx::query_scalar!(
        "DELETE FROM conversation_tags o
         WHERE o.site_id = $1 AND o.tag = $2
           AND EXISTS (SELECT 1 FROM conversation_tags n
                       WHERE n.conversation_id = o.conversation_id AND n.tag = $3)
         RETURNING o.conversation_id",
        site.0,
        old,
        new
    )
    .fetch_all(&mut *tx)
    .await?;
    touched.extend(
        sqlx::query_scalar!(
            "UPDATE conversation_tags SET tag = $3 WHERE site_id = $1 AND tag = $2
             RETURNING conversation_id",
            site.0,
            old,
            new
        )
        .fetch_all(&mut *tx)
        .await?,
    );
    Ok(touched.into_iter().map(ConversationId).collect())
}

/// Takes `tag` off every conversation of `site`; the conversations it touched.
pub async fn remove_everywhere(
    tx: &mut PgConnection,
    site: SiteId,
    tag: &str,
) -> AppResult<Vec<ConversationId>> {
    let touched = sqlx::query_scalar!(
        "DELETE FROM conversation_tags WHERE site_id = $1 AND tag = $2 RETURNING conversation_id",
        site.0,
        tag
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(touched.into_iter().map(ConversationId).collect())
}

/// The conversation's tags, sorted, with the conversation locked so concurrent changes of
/// its tags take turns (and the limit holds). `not_found` for another site's conversation.
async fn lock_tags(
    tx: &mut PgConnection,
    site: SiteId,
    conversation: ConversationId,
) -> AppResult<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT id FROM conversations WHERE site_id = $1 AND id = $2 FOR UPDATE",
        site.0,
        conversation.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("conversation"))?;
    let tags = sqlx::query_scalar!(
        "SELECT tag FROM conversation_tags WHERE site_id = $1 AND conversation_id = $2 ORDER BY tag",
        site.0,
        conversation.0
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(tags)
}
