//! Invitations: an admin invites an e-mail address to the team, and whoever opens the link
//! chooses a name and password and is signed in as the new agent.
//!
//! - `POST /api/v1/site/invites`, `GET /api/v1/site/invites`, `DELETE
//!   /api/v1/site/invites/{id}` (admins): create, list the pending ones, revoke.
//! - `POST /api/v1/invite` and `POST /api/v1/invite/accept` (whoever holds the link):
//!   what the invitation is for, and taking it up.
//!
//! The link's secret travels in request bodies, never in a path, so it stays out of access
//! logs; only its SHA-256 is stored. A link works once, for [`INVITE_DAYS`]: accepting it
//! marks it used in the statement that checks it, inside the transaction that creates the
//! account, so two tabs accepting at once make one account. An unknown, used, revoked or
//! expired link gets the same `not_found`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::admin::{
    AcceptInvite, CreatedInvite, INVITE_DAYS, Invite, InviteDetails, InviteLookup, NewInviteRequest,
};
use livedesk_protocol::api::TokenPair;
use livedesk_protocol::ids::{AgentId, InviteId, SiteId};
use time::OffsetDateTime;

use crate::auth::{CurrentAgent, DbRole, password, routes::issue_pair_for, tokens};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::ops::rate_limit::{self, ClientIp};
use crate::presence::news;
use crate::state::AppState;

/// Link look-ups and sign-ups allowed per client IP: a burst of 10, then one every 6 s.
const LINK_BURST: u32 = 10;
const LINK_REFILL: std::time::Duration = std::time::Duration::from_secs(6);

const NO_SUCH_INVITE: &str = "this invitation link is not valid: it was used, revoked or has expired; ask your admin for a new one";

pub fn router(client_ip: &ClientIp) -> Router<AppState> {
    let limit = || rate_limit::per_client_ip(client_ip, LINK_REFILL, LINK_BURST);
    Router::new()
        .route("/api/v1/site/invites", post(create).get(list))
        .route("/api/v1/site/invites/{id}", delete(revoke))
        .route("/api/v1/invite", post(look_up).layer(limit()))
        .route("/api/v1/invite/accept", post(accept).layer(limit()))
}

struct InviteRow {
    id: uuid::Uuid,
    email: String,
    role: DbRole,
    invited_by: Option<String>,
    expires_at: OffsetDateTime,
}

impl InviteRow {
    fn into_invite(self, now: OffsetDateTime) -> Invite {
        Invite {
            id: InviteId(self.id),
            email: self.email,
            role: self.role.into(),
            invited_by: self.invited_by,
            expires_at: self.expires_at,
            expired: self.expires_at <= now,
        }
    }
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    admin: CurrentAgent,
    ApiJson(request): ApiJson<NewInviteRequest>,
) -> AppResult<(StatusCode, Json<CreatedInvite>)> {
    let site = admin.admin_site()?;
    let request = request.parse()?;
    let mut tx = state.db.begin().await?;
    let member = sqlx::query_scalar!(
        "SELECT site_id FROM agents WHERE lower(email) = lower($1)",
        request.email
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(member) = member {
        let whose = if member == Some(site.0) {
            "this team"
        } else {
            "another team"
        };
        return Err(AppError::new(
            ErrorCode::Conflict,
            format!("an account with this e-mail address exists in {whose}"),
        ));
    }
    // A new invitation replaces the address's pending one: the older link stops working.
    sqlx::query!(
        "UPDATE agent_invites SET revoked_at = now()
         WHERE site_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL AND revoked_at IS NULL",
        site.0,
        request.email
    )
    .execute(&mut *tx)
    .await?;
    let (token, hash) = tokens::new_secret();
    let id = InviteId::new_random();
    // As stored (to the microsecond), so the answer and the list agree.
    let expires_at = sqlx::query_scalar!(
        "INSERT INTO agent_invites (id, site_id, email, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))
         RETURNING expires_at",
        id.0,
        site.0,
        request.email,
        DbRole::from(request.role) as DbRole,
        hash,
        admin.id.0,
        INVITE_DAYS
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let invite = Invite {
        id,
        email: request.email,
        role: request.role,
        invited_by: Some(admin.name.clone()),
        expires_at,
        expired: false,
    };
    Ok((StatusCode::CREATED, Json(CreatedInvite { invite, token })))
}

/// The site's invitations not accepted or revoked, newest first; expired ones are listed
/// (marked) until an admin revokes or renews them.
#[tracing::instrument(skip_all)]
async fn list(State(state): State<AppState>, admin: CurrentAgent) -> AppResult<Json<Vec<Invite>>> {
    let site = admin.admin_site()?;
    let rows = sqlx::query_as!(
        InviteRow,
        r#"SELECT i.id, i.email, i.role AS "role: DbRole", a.name AS "invited_by?", i.expires_at
           FROM agent_invites i LEFT JOIN agents a ON a.id = i.invited_by
           WHERE i.site_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
           ORDER BY i.created_at DESC"#,
        site.0
    )
    .fetch_all(&state.db)
    .await?;
    let now = OffsetDateTime::now_utc();
    Ok(Json(rows.into_iter().map(|r| r.into_invite(now)).collect()))
}

#[tracing::instrument(skip_all, fields(invite = %invite))]
async fn revoke(
    State(state): State<AppState>,
    admin: CurrentAgent,
    Path(invite): Path<InviteId>,
) -> AppResult<StatusCode> {
    let site = admin.admin_site()?;
    let revoked = sqlx::query!(
        "UPDATE agent_invites SET revoked_at = now()
         WHERE site_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        site.0,
        invite.0
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if revoked == 0 {
        return Err(AppError::not_found("invitation"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[tracing::instrument(skip_all)]
async fn look_up(
    State(state): State<AppState>,
    ApiJson(lookup): ApiJson<InviteLookup>,
) -> AppResult<Json<InviteDetails>> {
    let hash = tokens::hash_secret(lookup.token.trim());
    let row = sqlx::query!(
        r#"SELECT s.name AS site_name, i.email, i.role AS "role: DbRole", i.expires_at
           FROM agent_invites i JOIN sites s ON s.id = i.site_id
           WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
             AND i.expires_at > now() AND NOT s.suspended"#,
        hash
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::new(ErrorCode::NotFound, NO_SUCH_INVITE))?;
    Ok(Json(InviteDetails {
        site_name: row.site_name,
        email: row.email,
        role: row.role.into(),
        expires_at: row.expires_at,
    }))
}

/// Creates the account the invitation is for and signs it in.
#[tracing::instrument(skip_all)]
async fn accept(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<AcceptInvite>,
) -> AppResult<(StatusCode, Json<TokenPair>)> {
    let request = request.parse()?;
    let secret = request.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(|e| AppError::Other(e.into()))??;
    let id = AgentId::new_random();
    let mut tx = state.db.begin().await?;
    let invite = sqlx::query!(
        r#"UPDATE agent_invites i SET accepted_at = now(), accepted_by = $2
           FROM sites s
           WHERE s.id = i.site_id AND i.token_hash = $1 AND i.accepted_at IS NULL
             AND i.revoked_at IS NULL AND i.expires_at > now() AND NOT s.suspended
           RETURNING i.site_id, i.email, i.role AS "role: DbRole""#,
        tokens::hash_secret(&request.token),
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::new(ErrorCode::NotFound, NO_SUCH_INVITE))?;
    // `accepted_by` names the account made next: its foreign key is checked at commit.
    sqlx::query!(
        "INSERT INTO agents (id, site_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5, $6)",
        id.0,
        invite.site_id,
        invite.email,
        request.name,
        password_hash,
        invite.role as DbRole
    )
    .execute(&mut *tx)
    .await
    .map_err(|error| {
        AppError::taken(
            error,
            "agents_email_key",
            "an account with this e-mail address exists: sign in instead",
        )
    })?;
    tx.commit().await?;
    let site = SiteId(invite.site_id);
    tracing::info!(site = %site, agent = %id, "invitation accepted");
    // The team sees its new member (rosters, the agents page).
    news::announce(&state, site, id).await;
    Ok((StatusCode::CREATED, Json(issue_pair_for(&state, id).await?)))
}
