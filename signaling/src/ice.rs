//! STUN/TURN configuration for clients, and TURN credentials in the TURN REST API scheme
//! (draft-uberti-behave-turn-rest, what coturn's `use-auth-secret` checks):
//!
//! - username = `"<expiry, unix seconds>:<id>"`
//! - credential = base64(HMAC-SHA1(shared secret, username))
//!
//! Whoever knows the shared secret (this server, coturn, the embedded TURN server) can
//! check a credential without storing it; it stops working at its expiry.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;

/// One entry of `RTCConfiguration.iceServers`, in the browser's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    /// `stun:host:port` or `turn:host:port?transport=udp` (also `turns:`).
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// What `GET /api/v1/calls/ice-servers` answers: pass `ice_servers` to the peer connection
/// as `iceServers`, and fetch again before `expires_at` for a later call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceConfig {
    pub ice_servers: Vec<IceServer>,
    /// How long the TURN credential is valid, from now, in seconds.
    pub ttl_secs: u64,
    /// When the TURN credential stops working, unix seconds; `null` without TURN.
    pub expires_at: Option<u64>,
}

/// A short-lived TURN username and credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnCredential {
    pub username: String,
    pub credential: String,
    /// Unix seconds.
    pub expires_at: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("the TURN username is not `<expiry>:<id>`")]
    Malformed,
    #[error("the TURN credential has expired")]
    Expired,
    #[error("the TURN credential does not match its username")]
    Forged,
}

/// A credential for `id` (who it was issued to, for the TURN server's logs) that works until
/// `expires_at` (unix seconds).
pub fn turn_credential(secret: &[u8], id: &str, expires_at: u64) -> TurnCredential {
    let username = format!("{expires_at}:{id}");
    TurnCredential {
        credential: credential_for(secret, &username),
        username,
        expires_at,
    }
}

/// base64(HMAC-SHA1(secret, username)): the password a TURN server expects for `username`.
pub fn credential_for(secret: &[u8], username: &str) -> String {
    BASE64.encode(mac(secret, username).finalize().into_bytes())
}

/// The expiry a username carries (unix seconds).
pub fn expiry_of(username: &str) -> Result<u64, CredentialError> {
    let (expiry, id) = username.split_once(':').ok_or(CredentialError::Malformed)?;
    if id.is_empty() {
        return Err(CredentialError::Malformed);
    }
    expiry.parse().map_err(|_| CredentialError::Malformed)
}

/// Checks a username and credential at `now` (unix seconds), as a TURN server does.
pub fn verify(
    secret: &[u8],
    username: &str,
    credential: &str,
    now: u64,
) -> Result<(), CredentialError> {
    let expires_at = expiry_of(username)?;
    let given = BASE64
        .decode(credential)
        .map_err(|_| CredentialError::Forged)?;
    // `verify_slice` compares in constant time.
    mac(secret, username)
        .verify_slice(&given)
        .map_err(|_| CredentialError::Forged)?;
    if expires_at <= now {
        return Err(CredentialError::Expired);
    }
    Ok(())
}

fn mac(secret: &[u8], username: &str) -> Hmac<Sha1> {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(username.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"north-pole";

    #[test]
    fn credentials_follow_the_turn_rest_scheme() {
        // The expected credential was computed apart from this code, with Python's
        // hmac module: base64(hmac.new(b"north-pole", b"1334324600:joe", sha1).digest()).
        let issued = turn_credential(SECRET, "joe", 1_334_324_600);
        assert_eq!(issued.username, "1334324600:joe");
        assert_eq!(issued.credential, "R9RFNQzfhhmuBb+NXWB7YXQypxQ=");
    }

    #[test]
    fn credentials_are_checked() {
        let issued = turn_credential(SECRET, "6f0c", 1_000);
        let cases = [
            (
                issued.username.as_str(),
                issued.credential.as_str(),
                999,
                Ok(()),
            ),
            (
                &issued.username,
                &issued.credential,
                1_000,
                Err(CredentialError::Expired),
            ),
            (&issued.username, "AAAA", 999, Err(CredentialError::Forged)),
            (
                &issued.username,
                "not base64!",
                999,
                Err(CredentialError::Forged),
            ),
            (
                "1000",
                &issued.credential,
                999,
                Err(CredentialError::Malformed),
            ),
            (
                "soon:6f0c",
                &issued.credential,
                999,
                Err(CredentialError::Malformed),
            ),
            (
                "2000:6f0c",
                &issued.credential,
                999,
                Err(CredentialError::Forged),
            ),
        ];
        for (username, credential, now, expected) in cases {
            assert_eq!(
                verify(SECRET, username, credential, now),
                expected,
                "{username} at {now}"
            );
        }
        assert_eq!(
            verify(b"another secret", &issued.username, &issued.credential, 999),
            Err(CredentialError::Forged)
        );
    }
}
