//! The visit besides the page: `POST /api/v1/visitor/visit` (referrer, visit count, scroll
//! depth, time zone and language; browser, system and device from the `User-Agent`), and
//! `GET /api/v1/site/visitors/{id}`, a visitor's record for the agents of its site.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::VisitorId;
use livedesk_protocol::visitors::PageView;
use livedesk_protocol::widget::{
    VisitReport, VisitorDetails, describe_user_agent, is_language_tag, is_time_zone,
};
use uuid::Uuid;

use super::CurrentVisitor;
use crate::auth::CurrentAgent;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::visitors::history;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/visitor/visit", post(report))
        .route("/api/v1/site/visitors/{id}", get(details))
}

#[tracing::instrument(skip_all, fields(visitor = %me.visitor))]
async fn report(
    State(state): State<AppState>,
    me: CurrentVisitor,
    headers: HeaderMap,
    ApiJson(visit): ApiJson<VisitReport>,
) -> AppResult<StatusCode> {
    let referrer = match visit
        .referrer
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(url) => Some(
            PageView::parse(url, "")
                .map_err(|e| AppError::new(ErrorCode::InvalidInput, format!("referrer: {e}")))?
                .url,
        ),
        None => None,
    };
    if visit.scroll_depth.is_some_and(|d| d > 100) {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            "scroll_depth is a percentage, 0 to 100",
        ));
    }
    let time_zone = visit
        .time_zone
        .as_deref()
        .map(|zone| {
            is_time_zone(zone).then_some(zone).ok_or_else(|| {
                AppError::new(
                    ErrorCode::InvalidInput,
                    "time_zone is an IANA name like Europe/Istanbul",
                )
            })
        })
        .transpose()?;
    let language = visit
        .language
        .as_deref()
        .map(|tag| {
            is_language_tag(tag).then_some(tag).ok_or_else(|| {
                AppError::new(ErrorCode::InvalidInput, "language is a tag like tr-TR")
            })
        })
        .transpose()?;
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (browser, os, device) = describe_user_agent(ua);
    sqlx::query!(
        "UPDATE visitors SET referrer = COALESCE($3, referrer), browser = $4, os = $5, device = $6,
                visits = GREATEST(visits, COALESCE($7, visits)),
                scroll_depth = COALESCE($8, scroll_depth), time_zone = COALESCE($9, time_zone),
                language = COALESCE($10, language), last_seen_at = now()
         WHERE site_id = $1 AND id = $2",
        me.site.0,
        me.visitor.0,
        referrer,
        browser,
        os,
        device,
        visit.visits.map(|v| v.min(i32::MAX as u32) as i32),
        visit.scroll_depth.map(i16::from),
        time_zone,
        language,
    )
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[tracing::instrument(skip_all, fields(agent = %agent.id))]
async fn details(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(id): Path<Uuid>,
) -> AppResult<Json<VisitorDetails>> {
    let site = agent.site()?;
    let row = sqlx::query!(
        "SELECT name, email, phone, custom_data, referrer, browser, os, device, visits,
                scroll_depth, created_at, time_zone, language
         FROM visitors WHERE site_id = $1 AND id = $2",
        site.0,
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("visitor"))?;
    let custom_data = serde_json::from_value(row.custom_data).unwrap_or_default();
    let pages = history::recent(&state.db, site, VisitorId(id)).await?;
    Ok(Json(VisitorDetails {
        visitor_id: VisitorId(id),
        name: row.name,
        email: row.email,
        phone: row.phone,
        custom_data,
        referrer: row.referrer,
        browser: row.browser,
        os: row.os,
        device: row.device,
        visits: row.visits.max(0) as u32,
        scroll_depth: row.scroll_depth.clamp(0, 100) as u8,
        first_seen: row.created_at,
        time_zone: row.time_zone,
        language: row.language,
        pages,
    }))
}
