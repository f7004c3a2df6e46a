//! What the widget's frame asks of the server besides its socket: the visitor's contact
//! details (pre-chat form, `Livedesk.updateVisitor`) and the offline form, whose messages
//! the site's agents list, and the files visitors share in the chat.
//!
//! The frame is served from this origin, so these routes need no CORS; the visitor proves
//! who they are with their visitor token (`Authorization: Bearer <visitor token>`).

pub mod files;
pub mod offline;
pub mod profile;
pub mod visit;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{SiteId, VisitorId};

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(profile::router())
        .merge(offline::router())
        .merge(files::router())
        .merge(visit::router())
}

/// The visitor making a request, from `Authorization: Bearer <visitor token>`, whose site
/// still exists and is not suspended.
#[derive(Clone, Copy, Debug)]
pub struct CurrentVisitor {
    pub site: SiteId,
    pub visitor: VisitorId,
}

impl FromRequestParts<AppState> for CurrentVisitor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::Unauthorized,
                    "missing Authorization: Bearer <visitor token>",
                )
            })?;
        let claims = state.tokens.verify_visitor(token.trim())?;
        let known = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM visitors v JOIN sites s ON s.id = v.site_id
                              WHERE v.id = $1 AND v.site_id = $2 AND NOT s.suspended) AS "known!""#,
            claims.sub.0,
            claims.site.0
        )
        .fetch_one(&state.db)
        .await?;
        if !known {
            return Err(AppError::new(
                ErrorCode::Unauthorized,
                "the visitor or its site no longer exists",
            ));
        }
        Ok(Self {
            site: claims.site,
            visitor: claims.sub,
        })
    }
}
