//! Opening WebSockets from a chosen local address, as many as one process can hold.
//!
//! One source address reaches at most ≈ 28,000 connections to one destination (the
//! ephemeral port range), so each load generator binds its sockets to its own 127.0.0.x.
//! `IP_BIND_ADDRESS_NO_PORT` is set before `bind`: without it the kernel picks the source
//! port at bind time, without knowing the destination, and binding stalls near 14,000
//! sockets per address; with it the port is chosen at `connect`, per 4-tuple.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use livedesk_protocol::frames::ServerFrame;
use nix::sys::socket::{setsockopt, sockopt::IpBindAddressNoPort};
use serde::Serialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

pub type Ws = WebSocketStream<TcpStream>;

/// How long a connection may take from SYN to its hello frame.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// A TCP connection to `server` from `source` (port chosen at connect time).
pub async fn tcp_from(source: IpAddr, server: SocketAddr) -> Result<TcpStream> {
    let socket = match source {
        IpAddr::V4(_) => TcpSocket::new_v4()?,
        IpAddr::V6(_) => TcpSocket::new_v6()?,
    };
    setsockopt(&socket, IpBindAddressNoPort, &true).context("IP_BIND_ADDRESS_NO_PORT")?;
    socket
        .bind(SocketAddr::new(source, 0))
        .with_context(|| format!("binding {source}"))?;
    let stream = socket.connect(server).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Client buffers sized like the server's: tungstenite's defaults (128 KiB read buffer per
/// socket) would make the load generator, not the server, run out of memory first.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(1024 * 1024)
}

/// Opens `ws://<server><path_and_query>` from `source` and waits for its first frame,
/// which `hello` must accept.
pub async fn open(
    source: IpAddr,
    server: SocketAddr,
    path_and_query: &str,
    hello: impl Fn(&ServerFrame) -> bool,
) -> Result<Ws> {
    let attempt = async {
        let tcp = tcp_from(source, server).await?;
        let url = format!("ws://{server}{path_and_query}");
        let (mut ws, _) = client_async_with_config(url.as_str(), tcp, Some(config())).await?;
        match next_frame(&mut ws).await? {
            Some(frame) if hello(&frame) => Ok(ws),
            Some(frame) => bail!("unexpected first frame {frame:?}"),
            None => bail!("closed before its hello"),
        }
    };
    tokio::time::timeout(HANDSHAKE_TIMEOUT, attempt)
        .await
        .context("no hello within 30 s")?
}

/// The next server frame, skipping WebSocket pings and pongs (tungstenite answers pings
/// itself while the stream is read); `None` when the socket closed.
pub async fn next_frame(ws: &mut Ws) -> Result<Option<ServerFrame>> {
    loop {
        match ws.next().await {
            Some(Ok(WsMessage::Text(text))) => {
                let frame = serde_json::from_str(text.as_str())
                    .with_context(|| format!("undocumented frame {text}"))?;
                return Ok(Some(frame));
            }
            Some(Ok(WsMessage::Close(_))) | None => return Ok(None),
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Err(error.into()),
        }
    }
}

/// Sends one client frame as JSON text.
pub async fn send<S, F>(sink: &mut S, frame: &F) -> Result<()>
where
    S: futures_util::Sink<WsMessage, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
    F: Serialize,
{
    let text = serde_json::to_string(frame)?;
    sink.send(WsMessage::Text(text.into())).await?;
    Ok(())
}

/// The socket address of an `http://127.0.0.1:PORT` node URL.
pub fn node_addr(node: &str) -> Result<SocketAddr> {
    let host_port = node
        .strip_prefix("http://")
        .with_context(|| format!("{node:?} is not an http:// URL"))?
        .trim_end_matches('/');
    host_port
        .parse()
        .with_context(|| format!("{node:?} must be http://IP:PORT"))
}
