//! The queries behind the agents' admin routes.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::admin::NewAgentRequest;
use livedesk_protocol::ids::{AgentId, DepartmentId, SiteId};
use livedesk_protocol::routing::{AgentRouting, SiteAgent};
use sqlx::{PgPool, Postgres, Transaction};

use crate::auth::{DbRole, password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Creates an account of `site` that can sign in at once with the request's password.
pub async fn insert(
    state: &AppState,
    site: SiteId,
    request: NewAgentRequest,
) -> AppResult<SiteAgent> {
    let request = request.parse()?;
    let secret = request.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(|e| AppError::Other(e.into()))??;
    let id = AgentId::new_random();
    sqlx::query!(
        "INSERT INTO agents (id, site_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6)",
        id.0,
        site.0,
        request.email,
        request.name,
        hash,
        DbRole::from(request.role) as DbRole
    )
    .execute(&state.db)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db) if db.constraint() == Some("agents_email_key") => {
            AppError::new(ErrorCode::Conflict, "an account with this e-mail address exists")
        }
        sqlx::Error::Database(db) if db.constraint() == Some("agents_site_id_fkey") => {
            AppError::not_found("site")
        }
        _ => error.into(),
    })?;
    fetch(&state.db, site, id).await
}

/// The active admins of the site, locked until the transaction ends, so two admins
/// demoting each other at once cannot leave the site with none.
pub async fn lock_active_admins(
    tx: &mut Transaction<'_, Postgres>,
    site: SiteId,
) -> AppResult<Vec<AgentId>> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM agents WHERE site_id = $1 AND role = 'admin' AND active ORDER BY id FOR UPDATE",
        site.0
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().map(AgentId).collect())
}

/// One account of the site with its routing profile.
pub async fn fetch(db: &PgPool, site: SiteId, agent: AgentId) -> AppResult<SiteAgent> {
    let r = sqlx::query!(
        r#"SELECT id, name, email, role AS "role: DbRole", active, department_id, skills, languages,
                  max_chats, priority_level, accepts_calls
           FROM agents WHERE site_id = $1 AND id = $2"#,
        site.0,
        agent.0
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("agent"))?;
    Ok(SiteAgent {
        id: AgentId(r.id),
        name: r.name,
        email: r.email,
        role: r.role.into(),
        active: r.active,
        routing: AgentRouting {
            department_id: r.department_id.map(DepartmentId),
            skills: r.skills,
            languages: r.languages,
            max_chats: u32::try_from(r.max_chats).unwrap_or(1),
            priority_level: u8::try_from(r.priority_level).unwrap_or(0),
            accepts_calls: r.accepts_calls,
        },
    })
}
