//! The pages a visitor opened, in PostgreSQL (presence in Redis holds only the current
//! one): what the agents' visitor panel lists as "pages visited". A page is recorded when
//! it differs from the visitor's last one, so a reload or a second tab on the same page
//! adds nothing; the newest [`KEPT`] are kept.

use livedesk_protocol::ids::{SiteId, VisitorId};
use livedesk_protocol::visitors::PageView;
use livedesk_protocol::widget::{PAGES_LISTED, PageVisit};
use sqlx::PgPool;

/// Pages kept per visitor.
const KEPT: i64 = 50;

/// Records that `visitor` opened `page` (checked by the caller).
pub async fn record(db: &PgPool, visitor: VisitorId, page: &PageView) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    let added = sqlx::query!(
        "INSERT INTO visitor_pages (visitor_id, url, title)
         SELECT $1, $2, $3
         WHERE $2 IS DISTINCT FROM (SELECT url FROM visitor_pages WHERE visitor_id = $1 ORDER BY id DESC LIMIT 1)",
        visitor.0,
        page.url,
        page.title
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        sqlx::query!(
            "DELETE FROM visitor_pages WHERE visitor_id = $1 AND id <= (
                 SELECT id FROM visitor_pages WHERE visitor_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)",
            visitor.0,
            KEPT
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The visitor's latest pages, newest first; none for another site's visitor.
pub async fn recent(db: &PgPool, site: SiteId, visitor: VisitorId) -> sqlx::Result<Vec<PageVisit>> {
    let rows = sqlx::query!(
        "SELECT p.url, p.title, p.viewed_at FROM visitor_pages p JOIN visitors v ON v.id = p.visitor_id
         WHERE v.site_id = $1 AND p.visitor_id = $2 ORDER BY p.id DESC LIMIT $3",
        site.0,
        visitor.0,
        PAGES_LISTED as i64
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PageVisit {
            url: r.url,
            title: r.title,
            viewed_at: r.viewed_at,
        })
        .collect())
}
