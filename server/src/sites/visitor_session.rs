//! `POST /api/v1/visitor/session`: a visitor on an allowed page gets a token for one site.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Method, header};
use axum::routing::post;
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::{VisitorSession, VisitorSessionRequest};
use livedesk_protocol::ids::VisitorId;
use tower_http::cors::{Any, CorsLayer};

use super::{Site, find_active_by_key, origin};
use crate::chat::store;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::ops::rate_limit::{self, ClientIp};
use crate::state::AppState;

/// Sessions a client IP may start: a burst of 30 (many tabs, a shared office address), then
/// two a second.
const SESSION_BURST: u32 = 30;
const SESSION_REFILL: Duration = Duration::from_millis(500);

pub fn router(client_ip: &ClientIp) -> Router<AppState> {
    // Any page may ask; the handler itself checks the origin against the site's list, and
    // answers with a clear error rather than an opaque CORS failure.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE]);
    Router::new().route(
        "/api/v1/visitor/session",
        post(start)
            .layer::<_, Infallible>(rate_limit::per_client_ip(
                client_ip,
                SESSION_REFILL,
                SESSION_BURST,
            ))
            .layer(cors),
    )
}

#[tracing::instrument(skip_all, fields(site_key = %req.site_key))]
async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<VisitorSessionRequest>,
) -> AppResult<Json<VisitorSession>> {
    let site = find_active_by_key(&state.db, &req.site_key)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::UnknownSite, "no active site has this key"))?;
    let page_origin = embedding_origin(&state, &headers, req.page_origin.as_deref())?;
    if !origin::is_allowed(&site.allowed_origins, &page_origin) {
        return Err(AppError::new(
            ErrorCode::OriginNotAllowed,
            format!("{page_origin} is not allowed to embed this site's widget"),
        ));
    }
    let visitor = match req.visitor_token.as_deref() {
        Some(token) => known_visitor(&state, &site, token).await?,
        None => new_visitor(&state, &site, &page_origin).await?,
    };
    let conversation = store::open_conversation_of(&state.db, site.id, visitor).await?;
    Ok(Json(VisitorSession {
        visitor_token: state.tokens.issue_visitor(visitor, site.id)?,
        visitor_id: visitor,
        site_id: site.id,
        conversation,
    }))
}

/// The origin of the page that embeds the widget. Browsers send `Origin` on this POST; when
/// it is our own origin the request comes from the widget's frame, which reports the page's
/// origin itself (and which the browser only loads inside allowed pages: the frame is
/// served with `frame-ancestors` set to the site's origins).
fn embedding_origin(
    state: &AppState,
    headers: &HeaderMap,
    page_origin: Option<&str>,
) -> AppResult<String> {
    let request_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::OriginNotAllowed,
                "the request has no Origin header",
            )
        })?;
    if request_origin == state.config.public_origin() {
        page_origin.map(str::to_owned).ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidInput,
                "page_origin is required from the widget frame",
            )
        })
    } else {
        Ok(request_origin.to_owned())
    }
}

async fn known_visitor(state: &AppState, site: &Site, token: &str) -> AppResult<VisitorId> {
    let claims = state.tokens.verify_visitor(token)?;
    if claims.site != site.id {
        return Err(AppError::new(
            ErrorCode::Unauthorized,
            "the visitor token belongs to another site",
        ));
    }
    let updated = sqlx::query!(
        "UPDATE visitors SET last_seen_at = now() WHERE site_id = $1 AND id = $2",
        site.id.0,
        claims.sub.0
    )
    .execute(&state.db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::new(
            ErrorCode::Unauthorized,
            "the visitor no longer exists",
        ));
    }
    Ok(claims.sub)
}

async fn new_visitor(state: &AppState, site: &Site, page_origin: &str) -> AppResult<VisitorId> {
    let id = VisitorId::new_random();
    sqlx::query!(
        "INSERT INTO visitors (id, site_id, first_origin) VALUES ($1, $2, $3)",
        id.0,
        site.id.0,
        origin::normalize(page_origin)
    )
    .execute(&state.db)
    .await?;
    Ok(id)
}
