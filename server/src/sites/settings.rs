//! The site's own settings as its admins see them in the console.
//!
//! - `GET /api/v1/site`: name, site key, allowed origins and the chosen widget settings.
//! - `PUT /api/v1/site/allowed-origins`: the origins whose pages may embed the widget; the
//!   widget frame (`frame-ancestors`) and visitor sessions read the list on every request,
//!   so a change applies to the next page load.
//! - `PUT /api/v1/site/widget`: the widget settings the embed snippet carries.
//! - `GET /api/v1/site/status`: the status the widget shows now, for the hours preview.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::admin::{AllowedOrigins, MAX_ALLOWED_ORIGINS, SiteSettings, WidgetSettings};
use livedesk_protocol::ids::SiteId;
use livedesk_protocol::status::SiteStatus;

use super::{origin, status};
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/site", get(settings))
        .route("/api/v1/site/allowed-origins", put(set_origins))
        .route("/api/v1/site/widget", put(set_widget))
        .route("/api/v1/site/status", get(current_status))
}

async fn settings(
    State(state): State<AppState>,
    admin: CurrentAgent,
) -> AppResult<Json<SiteSettings>> {
    let site = admin.admin_site()?;
    let row = sqlx::query!(
        "SELECT id, name, site_key, allowed_origins, widget_settings FROM sites WHERE id = $1",
        site.0
    )
    .fetch_one(&state.db)
    .await?;
    // Stored only after `WidgetSettings::parse`; an unreadable value shows the defaults.
    let widget = serde_json::from_value(row.widget_settings).unwrap_or_else(|error| {
        tracing::warn!(%site, %error, "stored widget settings are unreadable");
        WidgetSettings::default()
    });
    Ok(Json(SiteSettings {
        id: SiteId(row.id),
        name: row.name,
        site_key: row.site_key,
        allowed_origins: row.allowed_origins,
        widget,
    }))
}

/// Checks and normalises an admin's list of origins.
pub fn parse_origins(raw: &[String]) -> AppResult<Vec<String>> {
    let origins =
        origin::normalize_list(raw).map_err(|m| AppError::new(ErrorCode::InvalidInput, m))?;
    if origins.len() > MAX_ALLOWED_ORIGINS {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("a site may list at most {MAX_ALLOWED_ORIGINS} origins"),
        ));
    }
    Ok(origins)
}

async fn set_origins(
    State(state): State<AppState>,
    admin: CurrentAgent,
    ApiJson(input): ApiJson<AllowedOrigins>,
) -> AppResult<Json<AllowedOrigins>> {
    let site = admin.admin_site()?;
    let origins = parse_origins(&input.origins)?;
    sqlx::query!(
        "UPDATE sites SET allowed_origins = $2 WHERE id = $1",
        site.0,
        &origins
    )
    .execute(&state.db)
    .await?;
    Ok(Json(AllowedOrigins { origins }))
}

async fn set_widget(
    State(state): State<AppState>,
    admin: CurrentAgent,
    ApiJson(input): ApiJson<WidgetSettings>,
) -> AppResult<Json<WidgetSettings>> {
    let site = admin.admin_site()?;
    let settings = input.parse()?;
    let stored = serde_json::to_value(&settings).map_err(|e| AppError::Other(e.into()))?;
    sqlx::query!(
        "UPDATE sites SET widget_settings = $2 WHERE id = $1",
        site.0,
        stored
    )
    .execute(&state.db)
    .await?;
    Ok(Json(settings))
}

async fn current_status(
    State(state): State<AppState>,
    admin: CurrentAgent,
) -> AppResult<Json<SiteStatus>> {
    Ok(Json(status::current(&state, admin.admin_site()?).await?))
}
