//! REST request and response bodies (`/api/v1/...`).

use serde::{Deserialize, Serialize};

use crate::frames::ConversationRef;
use crate::ids::{AgentId, SiteId, VisitorId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Operates the whole installation: every site.
    Superadmin,
    /// Configures one site and answers its chats.
    Admin,
    /// Answers one site's chats.
    Agent,
}

/// `POST /api/v1/auth/login`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Answer to login and refresh. The access token is a JWT for `Authorization: Bearer` and
/// `/ws/agent?access_token=`; the refresh token is opaque, single-use and rotated on refresh.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenPair {
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    pub agent: AgentProfile,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: AgentId,
    /// `None` for superadmins, who belong to no single site.
    pub site_id: Option<SiteId>,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// `POST /api/v1/visitor/session`: start or continue a visitor's session on a site.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VisitorSessionRequest {
    pub site_key: String,
    /// A visitor token from an earlier session on this site, to keep the same visitor.
    #[serde(default)]
    pub visitor_token: Option<String>,
    /// The origin of the page embedding the widget, when the request comes from the
    /// widget's own frame (whose `Origin` is the Livedesk server's).
    #[serde(default)]
    pub page_origin: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VisitorSession {
    /// Signed, scoped to this site; pass it to `/ws/visitor?token=` and keep it for later
    /// sessions.
    pub visitor_token: String,
    pub visitor_id: VisitorId,
    pub site_id: SiteId,
    pub conversation: Option<ConversationRef>,
}

/// `GET /health`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
    pub postgres: DependencyHealth,
    pub redis: DependencyHealth,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DependencyHealth {
    Up,
    Down,
}
