//! The embedded STUN/TURN server (webrtc-rs `turn`, UDP), for installations without coturn.
//! It accepts exactly the credentials [`crate::ice::turn_credential`] issues with the same
//! shared secret, until they expire, and answers STUN binding requests (server-reflexive
//! candidates) on the same port.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::net::UdpSocket;
use turn::auth::{AuthHandler, generate_auth_key};
use turn::relay::relay_static::RelayAddressGeneratorStatic;
use turn::server::Server;
use turn::server::config::{ConnConfig, ServerConfig};
use webrtc_util::vnet::net::Net;

use crate::ice;

/// Where and how the embedded server runs.
#[derive(Clone, Debug)]
pub struct TurnSettings {
    /// The UDP address to listen on; port 0 lets the OS choose (see [`TurnServer::addr`]).
    pub bind: SocketAddr,
    /// The address clients reach the relays at (the host's public IP behind NAT).
    pub public_ip: IpAddr,
    pub realm: String,
    pub secret: Vec<u8>,
}

pub struct TurnServer {
    server: Server,
    addr: SocketAddr,
}

impl TurnServer {
    pub async fn start(settings: TurnSettings) -> Result<Self, turn::Error> {
        let socket = UdpSocket::bind(settings.bind).await?;
        let addr = socket.local_addr()?;
        let server = Server::new(ServerConfig {
            conn_configs: vec![ConnConfig {
                conn: Arc::new(socket),
                relay_addr_generator: Box::new(RelayAddressGeneratorStatic {
                    relay_address: settings.public_ip,
                    address: settings.bind.ip().to_string(),
                    net: Arc::new(Net::new(None)),
                }),
            }],
            realm: settings.realm,
            auth_handler: Arc::new(RestAuth {
                secret: settings.secret,
            }),
            // The crate's default (0 means 10 minutes).
            channel_bind_timeout: Duration::from_secs(0),
            alloc_close_notify: None,
        })
        .await?;
        Ok(Self { server, addr })
    }

    /// The UDP address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn close(&self) -> Result<(), turn::Error> {
        self.server.close().await
    }
}

/// Long-term credentials derived from the shared secret (TURN REST API scheme).
struct RestAuth {
    secret: Vec<u8>,
}

impl AuthHandler for RestAuth {
    fn auth_handle(
        &self,
        username: &str,
        realm: &str,
        _src_addr: SocketAddr,
    ) -> Result<Vec<u8>, turn::Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let expires_at = ice::expiry_of(username).map_err(|e| turn::Error::Other(e.to_string()))?;
        if expires_at <= now {
            return Err(turn::Error::Other(
                ice::CredentialError::Expired.to_string(),
            ));
        }
        // The server checks the request's integrity with the key of the password we expect.
        let password = ice::credential_for(&self.secret, username);
        Ok(generate_auth_key(username, realm, &password))
    }
}
