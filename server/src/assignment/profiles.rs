//! Agents' routing profiles: department, skills, languages, capacity, seniority and calls,
//! as an admin sets them.

use axum::Json;
use axum::extract::{Path, State};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{AgentId, DepartmentId};
use livedesk_protocol::routing::{AgentRouting, SiteAgent};

use super::on_agent_free;
use crate::auth::{CurrentAgent, DbRole};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::presence::news;
use crate::state::AppState;

/// The site's agents and admins with their routing profiles.
pub async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<SiteAgent>>> {
    let site = agent.site()?;
    let rows = sqlx::query!(
        r#"SELECT id, name, email, role AS "role: DbRole", active, department_id, skills, languages,
                  max_chats, priority_level, accepts_calls
           FROM agents WHERE site_id = $1 ORDER BY lower(name), id"#,
        site.0
    )
    .fetch_all(&state.db)
    .await?;
    let agents = rows
        .into_iter()
        .map(|r| SiteAgent {
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
        .collect();
    Ok(Json(agents))
}

/// Replaces an agent's routing profile. A raised capacity may let them take waiting
/// visitors at once.
pub async fn set(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(agent): Path<AgentId>,
    ApiJson(routing): ApiJson<AgentRouting>,
) -> AppResult<Json<AgentRouting>> {
    let site = admin.admin_site()?;
    let routing = routing.parse()?;
    let changed = sqlx::query!(
        "UPDATE agents SET department_id = $3, skills = $4, languages = $5, max_chats = $6,
                           priority_level = $7, accepts_calls = $8
         WHERE site_id = $1 AND id = $2",
        site.0,
        agent.0,
        routing.department_id.map(|d| d.0),
        &routing.skills,
        &routing.languages,
        i32::try_from(routing.max_chats).unwrap_or(1),
        i16::from(routing.priority_level),
        routing.accepts_calls
    )
    .execute(&state.db)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db) if db.constraint() == Some("agents_department_fkey") => {
            AppError::new(ErrorCode::InvalidInput, "the site has no such department")
        }
        _ => error.into(),
    })?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::not_found("agent"));
    }
    news::announce(&state, site, agent).await;
    on_agent_free(&state, site, agent).await?;
    Ok(Json(routing))
}
