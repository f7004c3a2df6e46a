//! `/api/v1/auth/*` and `/api/v1/me`.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::{AgentProfile, LoginRequest, RefreshRequest, TokenPair};
use livedesk_protocol::ids::{AgentId, SiteId};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CurrentAgent, DbRole, password, tokens};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::ops::rate_limit::{self, ClientIp};
use crate::state::AppState;

/// Login attempts allowed per client IP: a burst of 10, then one every 6 s.
const LOGIN_BURST: u32 = 10;
const LOGIN_REFILL: Duration = Duration::from_secs(6);

pub fn router(client_ip: &ClientIp) -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/auth/login",
            post(login).layer(rate_limit::per_client_ip(
                client_ip,
                LOGIN_REFILL,
                LOGIN_BURST,
            )),
        )
        .route("/api/v1/auth/refresh", post(refresh))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
}

struct AgentRow {
    id: Uuid,
    site_id: Option<Uuid>,
    email: String,
    name: String,
    role: DbRole,
    password_hash: String,
}

impl AgentRow {
    fn profile(&self) -> AgentProfile {
        AgentProfile {
            id: AgentId(self.id),
            site_id: self.site_id.map(SiteId),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role.into(),
        }
    }
}

#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<TokenPair>> {
    let row = sqlx::query_as!(
        AgentRow,
        r#"SELECT a.id, a.site_id, a.email, a.name, a.role AS "role: DbRole", a.password_hash
           FROM agents a LEFT JOIN sites s ON s.id = a.site_id
           WHERE lower(a.email) = lower($1) AND a.active AND NOT coalesce(s.suspended, false)"#,
        req.email.trim()
    )
    .fetch_optional(&state.db)
    .await?;
    let hash = row
        .as_ref()
        .map_or(password::dummy_hash(), |r| r.password_hash.as_str())
        .to_owned();
    let password = req.password;
    let valid = tokio::task::spawn_blocking(move || password::verify(&password, &hash))
        .await
        .map_err(|e| AppError::Other(e.into()))?;
    match row {
        Some(agent) if valid => Ok(Json(issue_pair(&state, &agent).await?)),
        _ => Err(AppError::new(
            ErrorCode::InvalidCredentials,
            "wrong e-mail or password",
        )),
    }
}

/// Trades a refresh token for a new pair. The old refresh token is revoked in the same
/// statement that checks it, so a token can be used once even by concurrent requests.
#[tracing::instrument(skip_all)]
async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> AppResult<Json<TokenPair>> {
    let hash = tokens::hash_secret(&req.refresh_token);
    let row = sqlx::query!(
        r#"WITH used AS (
               UPDATE refresh_tokens SET revoked_at = now()
               WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
               RETURNING agent_id)
           SELECT a.id, a.site_id, a.email, a.name, a.role AS "role: DbRole", a.password_hash,
                  a.active AND NOT coalesce(s.suspended, false) AS "allowed!"
           FROM used JOIN agents a ON a.id = used.agent_id LEFT JOIN sites s ON s.id = a.site_id"#,
        hash
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthorized,
            "the refresh token is invalid, used or expired",
        )
    })?;
    // The token is spent either way; the dashboard shows this reason on its sign-in page.
    if !row.allowed {
        return Err(AppError::new(
            ErrorCode::Unauthorized,
            super::ACCESS_REVOKED,
        ));
    }
    let row = AgentRow {
        id: row.id,
        site_id: row.site_id,
        email: row.email,
        name: row.name,
        role: row.role,
        password_hash: row.password_hash,
    };
    Ok(Json(issue_pair(&state, &row).await?))
}

#[tracing::instrument(skip_all)]
async fn logout(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> AppResult<StatusCode> {
    let hash = tokens::hash_secret(&req.refresh_token);
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
        hash
    )
    .execute(&state.db)
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(state): State<AppState>, agent: CurrentAgent) -> AppResult<Json<AgentProfile>> {
    let row = sqlx::query_as!(
        AgentRow,
        r#"SELECT id, site_id, email, name, role AS "role: DbRole", password_hash FROM agents WHERE id = $1 AND active"#,
        agent.id.0
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::new(ErrorCode::Unauthorized, "the account no longer exists"))?;
    Ok(Json(row.profile()))
}

/// Signs in the active account `id` (one just created, say): a new token pair.
pub(crate) async fn issue_pair_for(state: &AppState, id: AgentId) -> AppResult<TokenPair> {
    let row = sqlx::query_as!(
        AgentRow,
        r#"SELECT id, site_id, email, name, role AS "role: DbRole", password_hash FROM agents WHERE id = $1 AND active"#,
        id.0
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("agent"))?;
    issue_pair(state, &row).await
}

async fn issue_pair(state: &AppState, agent: &AgentRow) -> AppResult<TokenPair> {
    let profile = agent.profile();
    let access_token =
        state
            .tokens
            .issue_access(profile.id, profile.site_id, profile.role, &profile.name)?;
    let (refresh_token, hash) = tokens::new_secret();
    let expires_at = OffsetDateTime::now_utc() + state.config.refresh_token_ttl;
    sqlx::query!(
        "INSERT INTO refresh_tokens (id, agent_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)",
        Uuid::new_v4(),
        agent.id,
        hash,
        expires_at
    )
    .execute(&state.db)
    .await?;
    Ok(TokenPair {
        access_token,
        expires_in: state.tokens.access_ttl().as_secs(),
        refresh_token,
        agent: profile,
    })
}
