//! The offline messages' queries. The handler's name is read with the message, so every
//! answer and every frame carries the state an agent sees.

use livedesk_protocol::ids::{AgentId, SiteId, VisitorId};
use livedesk_protocol::widget::{OfflineHandled, OfflineMessage};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

/// What the visitor wrote, already checked.
pub struct Form {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub message: String,
    pub page_url: Option<String>,
}

/// A stored message with its handler's name.
struct Row {
    id: Uuid,
    visitor_id: Uuid,
    name: String,
    email: String,
    phone: Option<String>,
    message: String,
    page_url: Option<String>,
    created_at: OffsetDateTime,
    handled_at: Option<OffsetDateTime>,
    handled_by: Option<String>,
}

impl From<Row> for OfflineMessage {
    fn from(r: Row) -> Self {
        OfflineMessage {
            id: r.id,
            visitor_id: VisitorId(r.visitor_id),
            name: r.name,
            email: r.email,
            phone: r.phone,
            message: r.message,
            page_url: r.page_url,
            created_at: r.created_at,
            handled: r.handled_at.map(|at| OfflineHandled {
                by: r.handled_by,
                at,
            }),
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &PgPool,
    site: SiteId,
    visitor: VisitorId,
    form: Form,
) -> sqlx::Result<OfflineMessage> {
    let id = Uuid::new_v4();
    let row = sqlx::query!(
        "INSERT INTO offline_messages (id, site_id, visitor_id, name, email, phone, message, page_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at",
        id,
        site.0,
        visitor.0,
        form.name,
        form.email,
        form.phone,
        form.message,
        form.page_url,
    )
    .fetch_one(db)
    .await?;
    Ok(OfflineMessage {
        id,
        visitor_id: visitor,
        name: form.name,
        email: form.email,
        phone: form.phone,
        message: form.message,
        page_url: form.page_url,
        created_at: row.created_at,
        handled: None,
    })
}

/// The site's messages, at most `limit`: the waiting ones first, so a long history of
/// handled ones cannot hide them, then the handled ones, each newest first.
#[tracing::instrument(skip(db))]
pub async fn list(db: &PgPool, site: SiteId, limit: i64) -> sqlx::Result<Vec<OfflineMessage>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT o.id, o.visitor_id, o.name, o.email, o.phone, o.message, o.page_url,
                  o.created_at, o.handled_at, a.name AS "handled_by?"
           FROM offline_messages o
           LEFT JOIN agents a ON a.id = o.handled_by
           WHERE o.site_id = $1
           ORDER BY o.handled_at IS NOT NULL, o.created_at DESC, o.id
           LIMIT $2"#,
        site.0,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(OfflineMessage::from).collect())
}

/// Marks the message handled by `handler`, or (`None`) reopens it. A message already
/// handled keeps its first handler and time. `None` when the site has no such message.
#[tracing::instrument(skip(db))]
pub async fn set_handled(
    db: &PgPool,
    site: SiteId,
    id: Uuid,
    handler: Option<AgentId>,
) -> sqlx::Result<Option<OfflineMessage>> {
    // In SET, `handled_at` is the value before this update.
    let row = sqlx::query_as!(
        Row,
        r#"WITH changed AS (
               UPDATE offline_messages SET
                   handled_at = CASE WHEN $3::uuid IS NULL THEN NULL
                                     ELSE COALESCE(handled_at, now()) END,
                   handled_by = CASE WHEN $3::uuid IS NULL THEN NULL
                                     WHEN handled_at IS NULL THEN $3
                                     ELSE handled_by END
               WHERE site_id = $1 AND id = $2
               RETURNING *
           )
           SELECT c.id AS "id!", c.visitor_id AS "visitor_id!", c.name AS "name!",
                  c.email AS "email!", c.phone, c.message AS "message!", c.page_url,
                  c.created_at AS "created_at!", c.handled_at, a.name AS "handled_by?"
           FROM changed c
           LEFT JOIN agents a ON a.id = c.handled_by"#,
        site.0,
        id,
        handler.map(|a| a.0) as Option<Uuid>,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(OfflineMessage::from))
}
