//! Signed tokens: agents' short-lived access tokens and visitors' long-lived site-scoped
//! tokens (both HS256 JWTs, told apart by audience), and agents' opaque refresh tokens.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::Role;
use livedesk_protocol::ids::{AgentId, SiteId, VisitorId};
use rand::RngCore;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use crate::error::AppError;

const AGENT_AUDIENCE: &str = "livedesk:agent";
const VISITOR_AUDIENCE: &str = "livedesk:visitor";

/// What an agent's access token says about them. Checked on every request, so a token
/// stays valid for its short life even if the role changes; refresh re-reads the database.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentClaims {
    pub sub: AgentId,
    pub site: Option<SiteId>,
    pub role: Role,
    pub name: String,
    aud: String,
    exp: u64,
    iat: u64,
}

/// A visitor token binds a visitor to one site.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VisitorClaims {
    pub sub: VisitorId,
    pub site: SiteId,
    aud: String,
    exp: u64,
    iat: u64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: Duration,
    visitor_ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration, visitor_ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            access_ttl,
            visitor_ttl,
        }
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    pub fn issue_access(
        &self,
        agent: AgentId,
        site: Option<SiteId>,
        role: Role,
        name: &str,
    ) -> Result<String, AppError> {
        let (iat, exp) = lifetime(self.access_ttl);
        let claims = AgentClaims {
            sub: agent,
            site,
            role,
            name: name.to_owned(),
            aud: AGENT_AUDIENCE.into(),
            exp,
            iat,
        };
        self.sign(&claims)
    }

    pub fn issue_visitor(&self, visitor: VisitorId, site: SiteId) -> Result<String, AppError> {
        let (iat, exp) = lifetime(self.visitor_ttl);
        let claims = VisitorClaims {
            sub: visitor,
            site,
            aud: VISITOR_AUDIENCE.into(),
            exp,
            iat,
        };
        self.sign(&claims)
    }

    pub fn verify_access(&self, token: &str) -> Result<AgentClaims, AppError> {
        self.verify(token, AGENT_AUDIENCE)
    }

    pub fn verify_visitor(&self, token: &str) -> Result<VisitorClaims, AppError> {
        self.verify(token, VISITOR_AUDIENCE)
    }

    fn sign<C: Serialize>(&self, claims: &C) -> Result<String, AppError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| AppError::Other(anyhow::anyhow!("signing a token: {e}")))
    }

    fn verify<C: DeserializeOwned>(&self, token: &str, audience: &str) -> Result<C, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience]);
        validation.leeway = 5;
        jsonwebtoken::decode::<C>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    AppError::new(ErrorCode::TokenExpired, "the token has expired")
                }
                _ => AppError::new(ErrorCode::Unauthorized, "the token is invalid"),
            })
    }
}

fn lifetime(ttl: Duration) -> (u64, u64) {
    let now = jsonwebtoken::get_current_timestamp();
    (now, now + ttl.as_secs())
}

/// A fresh opaque secret (a refresh token, an invitation link's) and the hash the
/// database keeps of it.
pub fn new_secret() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_secret(&token);
    (token, hash)
}

/// The SHA-256 the database keeps of a secret from [`new_secret`].
pub fn hash_secret(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &[u8]) -> TokenKeys {
        TokenKeys::new(secret, Duration::from_secs(60), Duration::from_secs(3600))
    }

    fn code(err: AppError) -> ErrorCode {
        err.to_client().0
    }

    #[test]
    fn tokens_round_trip_and_audiences_do_not_mix() {
        let keys = keys(b"0123456789abcdef0123456789abcdef");
        let site = SiteId::new_random();
        let visitor = VisitorId::new_random();
        let token = keys.issue_visitor(visitor, site).expect("signs");
        let claims = keys.verify_visitor(&token).expect("verifies");
        assert_eq!((claims.sub, claims.site), (visitor, site));
        assert_eq!(
            code(
                keys.verify_access(&token)
                    .expect_err("visitor token is no access token")
            ),
            ErrorCode::Unauthorized
        );
    }

    #[test]
    fn forged_and_expired_tokens_are_refused() {
        let keys_a = keys(b"0123456789abcdef0123456789abcdef");
        let keys_b = keys(b"fedcba9876543210fedcba9876543210");
        let token = keys_b
            .issue_access(AgentId::new_random(), None, Role::Superadmin, "Eve")
            .expect("signs");
        assert_eq!(
            code(keys_a.verify_access(&token).expect_err("wrong key")),
            ErrorCode::Unauthorized
        );

        let expired = TokenKeys::new(
            b"0123456789abcdef0123456789abcdef",
            Duration::ZERO,
            Duration::ZERO,
        );
        let now = jsonwebtoken::get_current_timestamp();
        let claims = VisitorClaims {
            sub: VisitorId::new_random(),
            site: SiteId::new_random(),
            aud: VISITOR_AUDIENCE.into(),
            exp: now - 120,
            iat: now - 180,
        };
        let token = expired.sign(&claims).expect("signs");
        assert_eq!(
            code(keys_a.verify_visitor(&token).expect_err("expired")),
            ErrorCode::TokenExpired
        );
        assert_eq!(
            code(keys_a.verify_visitor("not.a.jwt").expect_err("garbage")),
            ErrorCode::Unauthorized
        );
    }
}
