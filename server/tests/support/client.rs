//! Clients as a browser would be: HTTP with an `Origin`, and WebSockets speaking the
//! documented frames.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use livedesk_protocol::api::{LoginRequest, TokenPair, VisitorSession, VisitorSessionRequest};
use livedesk_protocol::frames::ServerFrame;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{PASSWORD, SiteFixture, TestNode};

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub async fn login(node: &TestNode, email: &str) -> TokenPair {
    let response = http()
        .post(node.url("/api/v1/auth/login"))
        .json(&LoginRequest {
            email: email.into(),
            password: PASSWORD.into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "login of {email}");
    response.json().await.unwrap()
}

/// A visitor session from a page of the site's allowed origin.
pub async fn visitor_session(node: &TestNode, site: &SiteFixture) -> VisitorSession {
    let response = http()
        .post(node.url("/api/v1/visitor/session"))
        .header("Origin", &site.origin)
        .json(&VisitorSessionRequest {
            site_key: site.key.clone(),
            visitor_token: None,
            page_origin: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "visitor session");
    response.json().await.unwrap()
}

/// A WebSocket client that reads server frames.
pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a socket ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Closed(Option<u16>),
    Reset,
}

impl Socket {
    pub async fn connect(url: &str) -> Self {
        let (stream, _) = tokio_tungstenite::connect_async(url)
            .await
            .unwrap_or_else(|e| panic!("connecting {url}: {e}"));
        Self { stream }
    }

    pub async fn visitor(node: &TestNode, token: &str) -> Self {
        Self::connect(&node.ws_url(&format!("/ws/visitor?token={token}"))).await
    }

    pub async fn agent(node: &TestNode, access_token: &str) -> Self {
        Self::connect(&node.ws_url(&format!("/ws/agent?access_token={access_token}"))).await
    }

    pub async fn send_json(&mut self, frame: &impl Serialize) {
        self.send_text(serde_json::to_string(frame).unwrap()).await;
    }

    pub async fn send_text(&mut self, text: String) {
        self.stream
            .send(WsMessage::Text(text.into()))
            .await
            .unwrap();
    }

    /// The next server frame (skipping pings), within 10 s.
    pub async fn recv(&mut self) -> ServerFrame {
        match self.next_frame().await {
            Ok(frame) => frame,
            Err(ended) => panic!("expected a frame, the socket ended: {ended:?}"),
        }
    }

    async fn next_frame(&mut self) -> Result<ServerFrame, Ended> {
        loop {
            let next = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .expect("a frame within 10 s");
            match next {
                Some(Ok(WsMessage::Text(text))) => {
                    return Ok(serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("undocumented frame {text}: {e}")));
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    return Err(Ended::Closed(frame.map(|f: CloseFrame| f.code.into())));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(Ended::Reset),
            }
        }
    }

    /// Reads frames until `pick` accepts one (frames it passes over are dropped).
    pub async fn recv_until<T>(&mut self, mut pick: impl FnMut(ServerFrame) -> Option<T>) -> T {
        loop {
            if let Some(found) = pick(self.recv().await) {
                return found;
            }
        }
    }

    /// Expects the socket to end, returning how.
    pub async fn ended(&mut self) -> Ended {
        loop {
            match self.next_frame().await {
                Ok(_) => continue,
                Err(ended) => return ended,
            }
        }
    }

    /// Every frame that arrives within `window` (skipping pings).
    pub async fn frames_within(&mut self, window: Duration) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout_at(deadline, self.stream.next()).await
        {
            if let WsMessage::Text(text) = message {
                frames.push(
                    serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("undocumented frame {text}: {e}")),
                );
            }
        }
        frames
    }

    /// Asserts that nothing arrives for a moment (used after refused frames).
    pub async fn expect_silence(&mut self) {
        let next = tokio::time::timeout(Duration::from_millis(300), self.stream.next()).await;
        if let Ok(Some(Ok(WsMessage::Text(text)))) = next {
            panic!("expected no frame, got {text}");
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// A visitor's socket past its hello and status.
pub async fn ready_visitor(node: &TestNode, token: &str) -> Socket {
    let mut socket = Socket::visitor(node, token).await;
    socket
        .recv_until(|f| matches!(f, ServerFrame::SiteStatus { .. }).then_some(()))
        .await;
    socket
}

/// Sends `body` as the visitor and returns the conversation its ack names.
pub async fn visitor_says(
    socket: &mut Socket,
    body: &str,
) -> livedesk_protocol::ids::ConversationId {
    let cid = livedesk_protocol::ids::ClientId::new_random();
    socket
        .send_json(&livedesk_protocol::frames::VisitorFrame::Send {
            cid,
            body: body.into(),
            start: None,
        })
        .await;
    socket
        .recv_until(|f| match f {
            ServerFrame::Ack { cid: c, message } if c == cid => Some(message.conversation_id),
            _ => None,
        })
        .await
}
