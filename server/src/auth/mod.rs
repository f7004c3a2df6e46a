//! Agent authentication: login, refresh, logout, and the [`CurrentAgent`] extractor.

pub mod password;
pub mod routes;
pub mod tokens;
pub mod visitor;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::Role;
use livedesk_protocol::ids::{AgentId, SiteId};

use crate::error::AppError;
use crate::state::AppState;

/// Why a once valid token, login or socket of an agent stops working.
pub const ACCESS_REVOKED: &str = "this account is deactivated or its site is suspended";

/// `agent_role` in PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "agent_role", rename_all = "lowercase")]
pub enum DbRole {
    Superadmin,
    Admin,
    Agent,
}

impl From<DbRole> for Role {
    fn from(role: DbRole) -> Self {
        match role {
            DbRole::Superadmin => Role::Superadmin,
            DbRole::Admin => Role::Admin,
            DbRole::Agent => Role::Agent,
        }
    }
}

impl From<Role> for DbRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Superadmin => DbRole::Superadmin,
            Role::Admin => DbRole::Admin,
            Role::Agent => DbRole::Agent,
        }
    }
}

/// The agent making a request, from `Authorization: Bearer <access token>`.
#[derive(Clone, Debug)]
pub struct CurrentAgent {
    pub id: AgentId,
    pub site_id: Option<SiteId>,
    pub role: Role,
    pub name: String,
}

impl CurrentAgent {
    /// The agent behind an access token, as PostgreSQL knows them now: the token must be
    /// valid, the account active and its site not suspended, and the role is the stored
    /// one. So a deactivated agent, or one of a suspended site, is refused at once rather
    /// than when their token runs out, and a demoted admin loses the console at once.
    pub async fn from_token(state: &AppState, token: &str) -> Result<Self, AppError> {
        let claims = state.tokens.verify_access(token)?;
        let row = sqlx::query!(
            r#"SELECT a.site_id, a.name, a.role AS "role: DbRole"
               FROM agents a LEFT JOIN sites s ON s.id = a.site_id
               WHERE a.id = $1 AND a.active AND NOT coalesce(s.suspended, false)"#,
            claims.sub.0
        )
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::Unauthorized, ACCESS_REVOKED))?;
        Ok(Self {
            id: claims.sub,
            site_id: row.site_id.map(SiteId),
            role: row.role.into(),
            name: row.name,
        })
    }

    /// Superadmins only: the installation's sites. Others get `forbidden`.
    pub fn superadmin(&self) -> Result<(), AppError> {
        if self.role != Role::Superadmin {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "only superadmins may do this",
            ));
        }
        Ok(())
    }

    /// The site of an admin, for the site's settings. Agents get `forbidden`.
    pub fn admin_site(&self) -> Result<SiteId, AppError> {
        if self.role != Role::Admin {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "only the site's admins may do this",
            ));
        }
        self.site()
    }

    /// The site an agent works on. Superadmins have none and must name one where a
    /// site-scoped route needs it (not yet offered).
    pub fn site(&self) -> Result<SiteId, AppError> {
        self.site_id
            .ok_or_else(|| AppError::new(ErrorCode::Forbidden, "this account belongs to no site"))
    }
}

impl FromRequestParts<AppState> for CurrentAgent {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Self::from_token(state, bearer_token(&parts.headers, "access token")?).await
    }
}

/// The token of a request's `Authorization: Bearer <token>` header; `what` names the token
/// expected, for the error a client gets without one.
pub fn bearer_token<'h>(headers: &'h HeaderMap, what: &str) -> Result<&'h str, AppError> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::Unauthorized,
                format!("missing Authorization: Bearer <{what}>"),
            )
        })?;
    let token = header.strip_prefix("Bearer ").ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthorized,
            format!("the Authorization header must be `Bearer <{what}>`"),
        )
    })?;
    Ok(token.trim())
}
