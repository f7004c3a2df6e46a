//! The agents' inbox: a site's conversations by view (queue, mine, open, closed) and
//! full-text search over their messages, in Turkish and English.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::Role;
use livedesk_protocol::chat::{ConversationSummary, InboxView, MAX_SEARCH_CHARS};
use livedesk_protocol::ids::{AgentId, ConversationId, DepartmentId, SiteId, VisitorId};
use livedesk_protocol::routing::PriorityFactors;
use sqlx::PgPool;
use std::cmp::Reverse;
use time::OffsetDateTime;

use super::store::{AuthorKind, DbStatus, MessageRow};
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};

/// At most this many conversations per answer.
const PAGE: i64 = 200;

/// What an agent asked the inbox for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxQuery {
    pub view: InboxView,
    /// Words to look for in messages and the visitor's name or e-mail address.
    pub search: Option<String>,
    /// Only this visitor's conversations (the visitor panel's history).
    pub visitor: Option<VisitorId>,
}

impl InboxQuery {
    /// Checks the request against who asks: only admins list every open conversation.
    pub fn parse(
        agent: &CurrentAgent,
        view: InboxView,
        q: Option<&str>,
        visitor: Option<VisitorId>,
    ) -> AppResult<Self> {
        if view == InboxView::Open && agent.role == Role::Agent {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "only admins list every open conversation; agents see the queue and their own",
            ));
        }
        let search = q.map(str::trim).filter(|q| !q.is_empty());
        if let Some(q) = search {
            if q.chars().count() > MAX_SEARCH_CHARS {
                return Err(AppError::new(
                    ErrorCode::InvalidInput,
                    format!("the search text is longer than {MAX_SEARCH_CHARS} characters"),
                ));
            }
            if q.chars().any(char::is_control) {
                return Err(AppError::new(
                    ErrorCode::InvalidInput,
                    "the search text contains control characters",
                ));
            }
        }
        Ok(Self {
            view,
            search: search.map(str::to_owned),
            visitor,
        })
    }
}

fn view_name(view: InboxView) -> &'static str {
    match view {
        InboxView::All => "all",
        InboxView::Queue => "queue",
        InboxView::Mine => "mine",
        InboxView::Open => "open",
        InboxView::Closed => "closed",
    }
}

/// `%`, `_` and `\` in a search match themselves in `ILIKE`.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The conversations of `site` that `query` names, for `agent`. The queue lists the
/// [`PAGE`] longest waiting in the order they are served (highest priority first, then the
/// earliest arrival), every other view the newest activity first.
pub async fn list(
    db: &PgPool,
    site: SiteId,
    agent: AgentId,
    query: &InboxQuery,
) -> AppResult<Vec<ConversationSummary>> {
    let like = query.search.as_deref().map(like_pattern);
    let rows = sqlx::query!(
        r#"WITH q AS (
               SELECT websearch_to_tsquery('english', $4::text) || websearch_to_tsquery('turkish', $4::text) AS q
           )
           SELECT c.id, c.visitor_id, v.name AS visitor_name, c.status AS "status: DbStatus", c.last_seq, c.created_at,
                  c.assigned_agent_id, c.department_id, c.queued_at, c.closed_at,
                  c.visitor_delivered_seq, c.visitor_read_seq,
                  ARRAY(SELECT t.tag FROM conversation_tags t WHERE t.conversation_id = c.id ORDER BY t.tag) AS "tags!",
                  v.vip,
                  EXISTS (SELECT 1 FROM conversations e
                          WHERE e.site_id = c.site_id AND e.visitor_id = c.visitor_id AND e.id <> c.id) AS "returning!",
                  COALESCE(d.urgent, false) AS "urgent!",
                  hit.snippet AS "snippet?",
                  m.id AS "m_id?", m.seq AS "m_seq?", m.client_id AS "m_client_id?",
                  m.author_kind AS "m_author_kind?: AuthorKind", m.author_agent_id AS "m_author_agent_id?",
                  m.author_name AS "m_author_name?", m.body AS "m_body?", m.created_at AS "m_created_at?",
                  m.edited_at AS "m_edited_at?", m.deleted_at AS "m_deleted_at?"
           FROM conversations c
           CROSS JOIN q
           JOIN visitors v ON v.id = c.visitor_id
           LEFT JOIN departments d ON d.id = c.department_id
           LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
           LEFT JOIN LATERAL (
               SELECT ts_headline('simple', h.body, q.q, 'MaxFragments=1, MaxWords=14, MinWords=5, StartSel="", StopSel=""') AS snippet
               FROM messages h
               WHERE $4::text IS NOT NULL AND h.conversation_id = c.id AND h.deleted_at IS NULL AND h.search @@ q.q
               ORDER BY ts_rank(h.search, q.q) DESC, h.seq DESC
               LIMIT 1
           ) hit ON true
           WHERE c.site_id = $1
             AND CASE $2::text
                     WHEN 'queue' THEN c.status = 'open' AND c.assigned_agent_id IS NULL
                     WHEN 'mine' THEN c.status = 'open' AND c.assigned_agent_id = $3
                     WHEN 'open' THEN c.status = 'open'
                     WHEN 'closed' THEN c.status = 'closed'
                     ELSE true
                 END
             AND ($4::text IS NULL OR hit.snippet IS NOT NULL OR v.name ILIKE $5 OR v.email ILIKE $5)
             AND ($7::uuid IS NULL OR c.visitor_id = $7)
           ORDER BY CASE WHEN $2::text = 'queue' THEN c.created_at END ASC,
                    c.last_message_at DESC
           LIMIT $6"#,
        site.0,
        view_name(query.view),
        agent.0,
        query.search.as_deref(),
        like.as_deref(),
        PAGE,
        query.visitor.map(|v| v.0)
    )
    .fetch_all(db)
    .await?;
    let mut listed: Vec<ConversationSummary> = rows
        .into_iter()
        .map(|r| {
            let last_message = match (r.m_id, r.m_seq, r.m_author_kind, r.m_body, r.m_created_at) {
                (Some(id), Some(seq), Some(author_kind), Some(body), Some(created_at)) => Some(
                    MessageRow {
                        id,
                        conversation_id: r.id,
                        seq,
                        client_id: r.m_client_id,
                        author_kind,
                        author_agent_id: r.m_author_agent_id,
                        author_name: r.m_author_name,
                        body,
                        created_at,
                        edited_at: r.m_edited_at,
                        deleted_at: r.m_deleted_at,
                        visitor_id: r.visitor_id,
                    }
                    .into_message(),
                ),
                _ => None,
            };
            ConversationSummary {
                id: ConversationId(r.id),
                visitor_id: VisitorId(r.visitor_id),
                visitor_name: r.visitor_name,
                status: r.status.into(),
                last_seq: r.last_seq,
                created_at: r.created_at,
                last_message,
                assigned_agent_id: r.assigned_agent_id.map(AgentId),
                department_id: r.department_id.map(DepartmentId),
                tags: r.tags,
                queued_at: Some(r.queued_at),
                closed_at: r.closed_at,
                visitor_delivered_seq: r.visitor_delivered_seq,
                visitor_read_seq: r.visitor_read_seq,
                snippet: r.snippet,
                priority_factors: PriorityFactors {
                    vip: r.vip,
                    returning: r.returning,
                    urgent_department: r.urgent,
                },
            }
        })
        .collect();
    if query.view == InboxView::Queue {
        let now = OffsetDateTime::now_utc();
        listed.sort_by_key(|c| (Reverse(c.priority(now)), c.created_at));
    }
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_search_match_themselves() {
        assert_eq!(like_pattern("ayşe"), "%ayşe%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
