//! `GET /api/v1/calls/ice-servers`: the STUN and TURN servers a client's peer connection
//! uses, with a TURN credential that works for a short while (TURN REST API scheme, see
//! `livedesk_signaling::ice`). For visitors (their visitor token) and agents (their access
//! token), as `Authorization: Bearer <token>`.
//!
//! The TURN servers are coturn's (or any that checks the same shared secret), from the
//! configuration, and the embedded server when it runs.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::calls::{IceConfig, IceServer};
use livedesk_signaling::ice::turn_credential;
use secrecy::{ExposeSecret, SecretString};

use crate::auth::bearer_token;
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/calls/ice-servers", get(ice_servers))
}

/// The ICE servers of this node: configured ones, and the embedded TURN server's.
#[derive(Clone, Debug)]
pub struct IceServers {
    stun: Vec<String>,
    turn: Vec<String>,
    secret: Option<SecretString>,
    ttl: Duration,
}

impl IceServers {
    /// From the configuration and the address the embedded server listens on, if it runs.
    pub fn new(config: &Config, embedded: Option<SocketAddr>) -> Self {
        let calls = &config.calls;
        let mut stun = calls.stun_urls.clone();
        let mut turn = calls.turn_urls.clone();
        if let Some(addr) = embedded {
            let host = SocketAddr::new(public_ip(config, addr), addr.port());
            stun.push(format!("stun:{host}"));
            turn.push(format!("turn:{host}?transport=udp"));
        }
        Self {
            stun,
            turn,
            secret: calls.turn_secret.clone(),
            ttl: calls.turn_ttl,
        }
    }

    /// The configuration for `who` (a visitor's or an agent's id, named in the username).
    pub fn for_party(&self, who: &str, now_unix: u64) -> IceConfig {
        let mut servers = Vec::new();
        if !self.stun.is_empty() {
            servers.push(IceServer {
                urls: self.stun.clone(),
                username: None,
                credential: None,
            });
        }
        let mut expires_at = None;
        if let (false, Some(secret)) = (self.turn.is_empty(), &self.secret) {
            let expiry = now_unix + self.ttl.as_secs();
            let issued = turn_credential(secret.expose_secret().as_bytes(), who, expiry);
            servers.push(IceServer {
                urls: self.turn.clone(),
                username: Some(issued.username),
                credential: Some(issued.credential),
            });
            expires_at = Some(expiry);
        }
        IceConfig {
            ice_servers: servers,
            ttl_secs: self.ttl.as_secs(),
            expires_at,
        }
    }
}

/// The address clients reach the embedded server at: the configured one, else the bind
/// address, else (bound to every interface) the public URL's host if it is an address.
pub fn public_ip(config: &Config, bound: SocketAddr) -> IpAddr {
    if let Some(ip) = config.calls.turn_public_ip {
        return ip;
    }
    if !bound.ip().is_unspecified() {
        return bound.ip();
    }
    config
        .public_url
        .host_str()
        .and_then(|host| host.trim_matches(['[', ']']).parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

#[tracing::instrument(skip_all)]
async fn ice_servers(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<Json<IceConfig>> {
    let token = bearer_token(&headers, "visitor token or access token")?;
    let who = match state.tokens.verify_access(token) {
        Ok(agent) => agent.sub.to_string(),
        Err(agent_error) => match state.tokens.verify_visitor(token) {
            Ok(visitor) => visitor.sub.to_string(),
            // An expired token of either kind says so; anything else is unauthorized.
            Err(visitor_error) => {
                let expired = [&agent_error, &visitor_error]
                    .into_iter()
                    .find(|e| e.to_client().0 == ErrorCode::TokenExpired);
                return Err(match expired {
                    Some(_) => AppError::new(ErrorCode::TokenExpired, "the token has expired"),
                    None => visitor_error,
                });
            }
        },
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(Json(state.ice.for_party(&who, now)))
}

/// The embedded STUN/TURN server, started when `LIVEDESK_TURN_EMBEDDED` is set.
pub async fn start_embedded(
    config: &Config,
) -> anyhow::Result<Option<livedesk_signaling::turn_server::TurnServer>> {
    use livedesk_signaling::turn_server::{TurnServer, TurnSettings};
    let Some(bind) = config.calls.embedded_turn else {
        return Ok(None);
    };
    let secret = config
        .calls
        .turn_secret
        .as_ref()
        .map(|s| s.expose_secret().as_bytes().to_vec())
        .unwrap_or_default();
    let server = TurnServer::start(TurnSettings {
        bind,
        public_ip: public_ip(config, bind),
        realm: config.calls.turn_realm.clone(),
        secret,
    })
    .await
    .map_err(|e| {
        anyhow::anyhow!("starting the embedded TURN server on {bind} (LIVEDESK_TURN_EMBEDDED): {e}")
    })?;
    tracing::info!(addr = %server.addr(), "embedded STUN/TURN server listening");
    Ok(Some(server))
}
