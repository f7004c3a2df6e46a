//! Departments of a site (Sales, Technical Support …): their own line of the queue, an
//! optional strategy of their own, and the urgent flag that adds queue priority.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use livedesk_protocol::ids::{DepartmentId, SiteId};
use livedesk_protocol::routing::{Department, DepartmentInput, Strategy};

use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> AppResult<Json<Vec<Department>>> {
    let site = agent.site()?;
    let rows = sqlx::query!(
        "SELECT id, name, urgent, strategy FROM departments WHERE site_id = $1 ORDER BY lower(name)",
        site.0
    )
    .fetch_all(&state.db)
    .await?;
    let departments = rows
        .into_iter()
        .map(|r| Department {
            id: DepartmentId(r.id),
            name: r.name,
            urgent: r.urgent,
            strategy: r.strategy.as_deref().and_then(Strategy::from_stored),
        })
        .collect();
    Ok(Json(departments))
}

pub async fn create(
    State(state): State<AppState>,
    agent: CurrentAgent,
    ApiJson(input): ApiJson<DepartmentInput>,
) -> AppResult<(StatusCode, Json<Department>)> {
    let site = agent.admin_site()?;
    let input = input.parse()?;
    let id = DepartmentId::new_random();
    sqlx::query!(
        "INSERT INTO departments (id, site_id, name, urgent, strategy) VALUES ($1, $2, $3, $4, $5)",
        id.0,
        site.0,
        input.name,
        input.urgent,
        input.strategy.map(Strategy::as_stored)
    )
    .execute(&state.db)
    .await
    .map_err(name_taken)?;
    Ok((StatusCode::CREATED, Json(department(id, input))))
}

pub async fn change(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(id): Path<DepartmentId>,
    ApiJson(input): ApiJson<DepartmentInput>,
) -> AppResult<Json<Department>> {
    let site = agent.admin_site()?;
    let input = input.parse()?;
    let changed = sqlx::query!(
        "UPDATE departments SET name = $3, urgent = $4, strategy = $5 WHERE site_id = $1 AND id = $2",
        site.0,
        id.0,
        input.name,
        input.urgent,
        input.strategy.map(Strategy::as_stored)
    )
    .execute(&state.db)
    .await
    .map_err(name_taken)?
    .rows_affected();
    found(changed)?;
    Ok(Json(department(id, input)))
}

/// Removes a department; its agents and conversations keep working without one.
pub async fn remove(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(id): Path<DepartmentId>,
) -> AppResult<StatusCode> {
    let site: SiteId = agent.admin_site()?;
    let removed = sqlx::query!(
        "DELETE FROM departments WHERE site_id = $1 AND id = $2",
        site.0,
        id.0
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    found(removed)?;
    Ok(StatusCode::NO_CONTENT)
}

fn department(id: DepartmentId, input: DepartmentInput) -> Department {
    Department {
        id,
        name: input.name,
        urgent: input.urgent,
        strategy: input.strategy,
    }
}

fn found(rows: u64) -> AppResult<()> {
    if rows == 0 {
        return Err(AppError::not_found("department"));
    }
    Ok(())
}

fn name_taken(error: sqlx::Error) -> AppError {
    AppError::taken(
        error,
        "departments_site_name_key",
        "the site has a department of this name",
    )
}
