//! A chat client that outlives its connections, as docs/protocol.md asks clients to be: it
//! keeps its transcript (messages by `seq`) and its unacknowledged sends, and after every
//! reconnect it resumes from its last contiguous `seq` and sends every unacknowledged
//! message again with the same `cid`.
//!
//! Unlike [`super::client::Socket`], nothing here panics when a socket ends: losing the
//! connection is what the tests using it are about.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use livedesk_protocol::api::VisitorSession;
use livedesk_protocol::chat::{ConversationSummary, Message};
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::client::{Ended, http};

/// One WebSocket connection that reports its end instead of panicking.
pub struct Wire {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Wire {
    /// Connects, or says why not (a node that is down, a proxy answering 502 …).
    pub async fn connect(url: &str) -> Result<Self, String> {
        match tokio::time::timeout(
            Duration::from_secs(5),
            tokio_tungstenite::connect_async(url),
        )
        .await
        {
            Ok(Ok((stream, _))) => Ok(Self { stream }),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err("no WebSocket handshake within 5 s".into()),
        }
    }

    pub async fn send(&mut self, frame: &impl Serialize) -> Result<(), Ended> {
        let text = serde_json::to_string(frame).unwrap();
        self.stream
            .send(WsMessage::Text(text.into()))
            .await
            .map_err(|_| Ended::Reset)
    }

    /// The next server frame within `wait`, `None` if nothing came (pings are skipped).
    pub async fn recv_within(&mut self, wait: Duration) -> Result<Option<ServerFrame>, Ended> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let Ok(next) = tokio::time::timeout_at(deadline, self.stream.next()).await else {
                return Ok(None);
            };
            match next {
                Some(Ok(WsMessage::Text(text))) => {
                    return Ok(Some(
                        serde_json::from_str(text.as_str())
                            .unwrap_or_else(|e| panic!("undocumented frame {text}: {e}")),
                    ));
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    return Err(Ended::Closed(frame.map(|f| f.code.into())));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(Ended::Reset),
            }
        }
    }

    /// Ends the connection the way a crashed tab or a lost network does: the TCP
    /// connection goes away without a WebSocket close frame.
    pub fn abort(self) {
        drop(self.stream);
    }

    /// Ends the connection politely, with a close frame.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// Who a [`ChatClient`] is.
#[derive(Clone)]
pub enum Identity {
    Visitor { token: String },
    Agent { access_token: String },
}

/// The messages a client has seen, by `seq`.
#[derive(Default)]
pub struct Transcript {
    by_seq: BTreeMap<i64, Message>,
    /// The highest `seq` up to which every message has been seen: what to resume from.
    contiguous: i64,
    /// Messages seen again (allowed after a resume; they must be identical).
    pub repeats: usize,
}

impl Transcript {
    pub fn record(&mut self, message: Message) {
        if let Some(seen) = self.by_seq.get(&message.seq) {
            assert_eq!(
                seen, &message,
                "seq {} delivered twice with different contents",
                message.seq
            );
            self.repeats += 1;
            return;
        }
        self.by_seq.insert(message.seq, message);
        while self.by_seq.contains_key(&(self.contiguous + 1)) {
            self.contiguous += 1;
        }
    }

    pub fn contiguous(&self) -> i64 {
        self.contiguous
    }

    pub fn messages(&self) -> Vec<&Message> {
        self.by_seq.values().collect()
    }

    pub fn seqs(&self) -> Vec<i64> {
        self.by_seq.keys().copied().collect()
    }
}

/// A send that has no ack yet.
struct Pending {
    cid: ClientId,
    body: String,
}

/// A visitor or an agent in one conversation, across any number of connections.
pub struct ChatClient {
    identity: Identity,
    pub conversation: Option<ConversationId>,
    pub transcript: Transcript,
    /// Unacknowledged sends, oldest first; sent again, in order, after each reconnect.
    outbox: Vec<Pending>,
    /// Every cid this client used, with its body, to check what was stored.
    pub sent: Vec<(ClientId, String)>,
    wire: Option<Wire>,
    /// Whether the current connection has been asked to resume the conversation.
    resumed: bool,
    pub connections: usize,
    pub resent: usize,
}

impl ChatClient {
    pub fn new(identity: Identity) -> Self {
        Self {
            identity,
            conversation: None,
            transcript: Transcript::default(),
            outbox: Vec::new(),
            sent: Vec::new(),
            wire: None,
            resumed: false,
            connections: 0,
            resent: 0,
        }
    }

    pub fn visitor(session: &VisitorSession) -> Self {
        Self::new(Identity::Visitor {
            token: session.visitor_token.clone(),
        })
    }

    pub fn agent(access_token: &str) -> Self {
        Self::new(Identity::Agent {
            access_token: access_token.into(),
        })
    }

    pub fn is_connected(&self) -> bool {
        self.wire.is_some()
    }

    pub fn unacknowledged(&self) -> usize {
        self.outbox.len()
    }

    /// Connects to `base` (`http://host:port`, a node or a proxy) and catches up: reads the
    /// hello, resumes, and sends every unacknowledged message again.
    pub async fn connect(&mut self, base: &str) -> Result<(), String> {
        assert!(self.wire.is_none(), "already connected");
        let ws_base = base.replacen("http", "ws", 1);
        let url = match &self.identity {
            Identity::Visitor { token } => format!("{ws_base}/ws/visitor?token={token}"),
            Identity::Agent { access_token } => {
                format!("{ws_base}/ws/agent?access_token={access_token}")
            }
        };
        let mut wire = Wire::connect(&url).await?;
        let hello = wire
            .recv_within(Duration::from_secs(10))
            .await
            .map_err(|ended| format!("the socket ended before its hello: {ended:?}"))?
            .ok_or("no hello within 10 s")?;
        match (&self.identity, hello) {
            (Identity::Visitor { .. }, ServerFrame::VisitorHello { conversation, .. }) => {
                if let Some(open) = conversation {
                    self.learn_conversation(open.id);
                }
            }
            (Identity::Agent { access_token }, ServerFrame::AgentHello { .. }) => {
                if self.conversation.is_none() {
                    // As the dashboard does: the list tells which conversations to follow.
                    let token = access_token.clone();
                    if let Some(id) = newest_conversation(base, &token).await? {
                        self.learn_conversation(id);
                    }
                }
            }
            (_, other) => panic!("expected this client's hello, got {other:?}"),
        }
        self.wire = Some(wire);
        self.connections += 1;
        self.resumed = false;
        self.resume().await;
        let pending: Vec<_> = self
            .outbox
            .iter()
            .map(|p| (p.cid, p.body.clone()))
            .collect();
        for (cid, body) in pending {
            self.resent += 1;
            self.write(cid, &body).await;
        }
        Ok(())
    }

    /// Connects to `base`, retrying for up to 10 s (the node may be restarting, the proxy
    /// may still try the dead one).
    pub async fn reconnect(&mut self, base: &str) {
        let mut last = String::new();
        for _ in 0..50 {
            match self.connect(base).await {
                Ok(()) => return,
                Err(error) => last = error,
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not reconnect to {base}: {last}");
    }

    /// Sends a new message; it stays in the outbox until acknowledged.
    pub async fn send(&mut self, body: &str) -> ClientId {
        let cid = ClientId::new_random();
        self.outbox.push(Pending {
            cid,
            body: body.into(),
        });
        self.sent.push((cid, body.into()));
        self.write(cid, body).await;
        cid
    }

    /// Drops the connection without a close frame.
    pub fn drop_connection(&mut self) {
        if let Some(wire) = self.wire.take() {
            wire.abort();
        }
    }

    /// Closes the connection with a close frame.
    pub async fn close(&mut self) {
        if let Some(wire) = self.wire.take() {
            wire.close().await;
        }
    }

    /// Handles every frame that arrives until none comes for `quiet`. `Err` when the
    /// connection ended (the client is then disconnected).
    pub async fn pump(&mut self, quiet: Duration) -> Result<usize, Ended> {
        let mut handled = 0;
        loop {
            let Some(wire) = self.wire.as_mut() else {
                return Err(Ended::Reset);
            };
            match wire.recv_within(quiet).await {
                Ok(Some(frame)) => {
                    self.handle(frame).await;
                    handled += 1;
                }
                Ok(None) => return Ok(handled),
                Err(ended) => {
                    self.wire = None;
                    return Err(ended);
                }
            }
        }
    }

    /// Pumps until `done` holds, for up to `limit`, reconnecting to `base` if the
    /// connection ends.
    pub async fn pump_until(
        &mut self,
        base: &str,
        limit: Duration,
        mut done: impl FnMut(&Self) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(self) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out: transcript up to seq {}, {} unacknowledged",
                self.transcript.contiguous(),
                self.outbox.len()
            );
            if self.wire.is_none() {
                self.reconnect(base).await;
            }
            let _ = self.pump(Duration::from_millis(50)).await;
        }
    }

    async fn handle(&mut self, frame: ServerFrame) {
        match frame {
            ServerFrame::Ack { cid, message } => {
                let sent = self.sent.iter().find(|(c, _)| *c == cid);
                let Some((_, body)) = sent else {
                    panic!("an ack for a cid this client never used: {cid:?}")
                };
                assert_eq!(
                    &message.body, body,
                    "the ack of {cid:?} names another message"
                );
                assert_eq!(message.client_id, Some(cid));
                self.outbox.retain(|p| p.cid != cid);
                self.learn_conversation(message.conversation_id);
                self.transcript.record(message);
            }
            ServerFrame::Message { message } => {
                self.learn_conversation(message.conversation_id);
                self.transcript.record(message);
            }
            ServerFrame::ConversationOpened { conversation } => {
                self.learn_conversation(conversation.id);
            }
            ServerFrame::Error {
                cid, code, message, ..
            } => panic!("the server refused a frame (cid {cid:?}): {code:?}: {message}"),
            hello @ (ServerFrame::VisitorHello { .. } | ServerFrame::AgentHello { .. }) => {
                panic!("a second hello on one connection: {hello:?}")
            }
            // Presence, typing, receipts …: not what these tests are about.
            _ => {}
        }
        self.resume().await;
    }

    fn learn_conversation(&mut self, id: ConversationId) {
        match self.conversation {
            None => self.conversation = Some(id),
            Some(known) => assert_eq!(known, id, "this test has one conversation"),
        }
    }

    /// Asks the current connection to replay what this client missed, once it knows the
    /// conversation.
    async fn resume(&mut self) {
        let (Some(conversation), false) = (self.conversation, self.resumed) else {
            return;
        };
        let Some(wire) = self.wire.as_mut() else {
            return;
        };
        let after_seq = self.transcript.contiguous();
        let sent = match self.identity {
            Identity::Visitor { .. } => wire.send(&VisitorFrame::Resume { after_seq }).await,
            Identity::Agent { .. } => {
                wire.send(&AgentFrame::Resume {
                    conversation_id: conversation,
                    after_seq,
                })
                .await
            }
        };
        self.resumed = true;
        if sent.is_err() {
            self.wire = None;
        }
    }

    async fn write(&mut self, cid: ClientId, body: &str) {
        let Some(wire) = self.wire.as_mut() else {
            return;
        };
        let sent = match self.identity {
            Identity::Visitor { .. } => {
                wire.send(&VisitorFrame::Send {
                    cid,
                    body: body.into(),
                    start: None,
                })
                .await
            }
            Identity::Agent { .. } => {
                let conversation_id = self
                    .conversation
                    .expect("an agent replies in a conversation it knows");
                wire.send(&AgentFrame::Send {
                    cid,
                    conversation_id,
                    body: body.into(),
                })
                .await
            }
        };
        if sent.is_err() {
            self.wire = None;
        }
    }
}

/// The newest conversation of the agent's site, from the REST list.
async fn newest_conversation(
    base: &str,
    access_token: &str,
) -> Result<Option<ConversationId>, String> {
    let response = http()
        .get(format!("{base}/api/v1/conversations"))
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("listing conversations: {}", response.status()));
    }
    let listed: Vec<ConversationSummary> = response.json().await.map_err(|e| e.to_string())?;
    Ok(listed.first().map(|c| c.id))
}
