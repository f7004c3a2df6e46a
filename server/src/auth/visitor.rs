//! The visitor behind a request or a socket: a visitor token (issued with the visitor's
//! session) whose visitor and site still exist.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::ids::{SiteId, VisitorId};

use super::bearer_token;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

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
        Self::from_token(state, bearer_token(&parts.headers, "visitor token")?).await
    }
}

impl CurrentVisitor {
    /// The visitor a token names, if the visitor and its site still exist and the site is
    /// not suspended: for the widget's requests and its socket.
    pub async fn from_token(state: &AppState, token: &str) -> AppResult<Self> {
        let claims = state.tokens.verify_visitor(token)?;
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
