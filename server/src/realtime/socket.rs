//! One connection's loop, shared by visitors and agents: frames in, hub events out,
//! keep-alive, and shutdown. What differs between the two lives behind [`Peer`].

use std::time::Duration;

use axum::extract::WebSocketUpgrade;
use axum::extract::ws::{Message as WsMessage, WebSocket};
use axum::response::Response;
use livedesk_protocol::frames::ServerFrame;
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, SiteId};
use livedesk_protocol::{ErrorCode, MAX_FRAME_BYTES, close_code};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::time::{Instant, interval};

use super::calls;
use super::event::{CallParty, HubEvent};
use super::hub::{Delivery, Membership};
use super::link::{Gone, Link};
use crate::error::AppError;
use crate::state::AppState;

/// How often the server pings a socket (and the peer refreshes its presence), and how long
/// it waits for any sign of life.
const TICK_EVERY: Duration = crate::presence::HEARTBEAT_EVERY;
const DEAD_AFTER: Duration = Duration::from_secs(75);

/// What a visitor or an agent does with its frames.
pub trait Peer: Send {
    type Frame: DeserializeOwned + Send;
    /// `"visitor"` or `"agent"`, for metrics.
    const ROLE: &'static str;

    fn on_frame(
        &mut self,
        state: &AppState,
        link: &mut Link,
        frame: Self::Frame,
    ) -> impl Future<Output = Result<(), Gone>> + Send;

    /// A line of the site's queue moved (visitors tell their client its place and wait).
    fn on_queue_moved(
        &mut self,
        _link: &mut Link,
        _order: &[ConversationId],
        _secs_per_place: u64,
    ) -> impl Future<Output = Result<(), Gone>> + Send {
        async { Ok(()) }
    }

    /// Whether this socket speaks for `party` of a call (signaling is delivered to it
    /// alone).
    fn is_party(&self, party: CallParty) -> bool;

    /// Whether this socket loses its access when `agent` is deactivated (`None`: when its
    /// site is suspended, which every socket of the site does).
    fn loses_access(&self, agent: Option<AgentId>) -> bool {
        agent.is_none()
    }

    /// Called every [`TICK_EVERY`] while the socket lives (heartbeats).
    fn on_tick(&mut self, _state: &AppState) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// Called once when the connection ends, however it ends.
    fn on_close(self, _state: &AppState) -> impl Future<Output = ()> + Send
    where
        Self: Sized,
    {
        async {}
    }
}

/// Accepts a WebSocket with buffers sized on purpose and runs `connect` on it. The socket
/// is tracked, so shutdown waits for it to close.
pub fn accept<F, Fut>(state: AppState, ws: WebSocketUpgrade, connect: F) -> Response
where
    F: FnOnce(AppState, WebSocket) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let guard = state.sockets.token();
    sized(ws).on_upgrade(move |socket| async move {
        connect(state, socket).await;
        drop(guard);
    })
}

/// Buffers sized for many mostly idle sockets (tungstenite's default is 128 KiB each).
fn sized(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(256 * 1024)
        .max_frame_size(256 * 1024)
}

/// Tells a client why it cannot connect, in a frame it can read, then closes.
pub async fn refuse(socket: WebSocket, state: AppState, error: AppError) {
    let mut link = Link::new(socket, state.db, SiteId::new_random());
    refused(&mut link, error).await;
}

pub async fn refused(link: &mut Link, error: AppError) {
    let (code, _) = error.to_client();
    let close = match code {
        ErrorCode::Unauthorized | ErrorCode::TokenExpired | ErrorCode::Forbidden => {
            close_code::UNAUTHORIZED
        }
        _ => close_code::RESTART,
    };
    if link.failed(None, error).await.is_ok() {
        link.close(close, "refused").await;
    }
}

/// Runs a connection until the client leaves, the node shuts down, or the client falls
/// too far behind.
///
/// A socket's task lives as long as the socket and is as large as the largest future it
/// ever awaits inline. The work done for one frame or one event (a send stores, publishes
/// and routes) is boxed for its duration instead, so an idle socket's task holds only the
/// loop's own state: memory per idle socket is a budget (docs/benchmarks.md).
pub async fn run<P: Peer>(
    state: AppState,
    mut link: Link,
    mut peer: P,
    membership: Membership,
    events: mpsc::Receiver<Delivery>,
) {
    serve(&state, &mut link, &mut peer, events).await;
    drop(membership);
    Box::pin(peer.on_close(&state)).await;
}

async fn serve<P: Peer>(
    state: &AppState,
    link: &mut Link,
    peer: &mut P,
    mut events: mpsc::Receiver<Delivery>,
) {
    let _open = OpenSocket::new(P::ROLE);
    let mut ping = interval(TICK_EVERY);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            // Frames are handled to the end before the next select, so a shutdown never
            // interrupts a send between its commit and its ack.
            frame = link.socket().recv() => {
                let Some(Ok(frame)) = frame else { return };
                last_heard = Instant::now();
                if Box::pin(handle_ws_message(state, link, peer, frame)).await.is_err() {
                    return;
                }
            }
            delivery = events.recv() => {
                let result = match delivery {
                    Some(Delivery::Event(event)) => match &*event {
                        HubEvent::QueueMoved { order, secs_per_place } => {
                            Box::pin(peer.on_queue_moved(link, order, *secs_per_place)).await
                        }
                        HubEvent::CallSignal { to, .. } if !peer.is_party(*to) => Ok(()),
                        HubEvent::AccessRevoked { agent_id } if peer.loses_access(*agent_id) => {
                            let error = AppError::new(ErrorCode::Unauthorized, crate::auth::ACCESS_REVOKED);
                            refused(link, error).await;
                            return;
                        }
                        HubEvent::AccessRevoked { .. } => Ok(()),
                        event => Box::pin(deliver(link, event)).await,
                    },
                    Some(Delivery::SiteStatus(status)) => {
                        link.send(&ServerFrame::SiteStatus { status: (*status).clone() }).await
                    }
                    Some(Delivery::Resync) => {
                        link.close(close_code::RESTART, "events may have been missed: reconnect and resume").await;
                        return;
                    }
                    None => {
                        link.close(close_code::SLOW_CONSUMER, "too far behind: reconnect and resume").await;
                        return;
                    }
                };
                if result.is_err() {
                    return;
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > DEAD_AFTER {
                    return;
                }
                if link.socket().send(WsMessage::Ping(Default::default())).await.is_err() {
                    return;
                }
                Box::pin(peer.on_tick(state)).await;
            }
            () = state.shutdown.cancelled() => {
                link.close(close_code::RESTART, "server restarting: reconnect and resume").await;
                return;
            }
        }
    }
}

async fn deliver(link: &mut Link, event: &HubEvent) -> Result<(), Gone> {
    match event {
        HubEvent::Message { message, .. } => link.deliver(message).await,
        HubEvent::ConversationAssigned {
            conversation_id,
            agent_id,
            agent_name,
            ..
        } => {
            let frame = ServerFrame::ConversationAssigned {
                conversation_id: *conversation_id,
                agent_id: *agent_id,
                agent_name: agent_name.clone(),
            };
            link.send(&frame).await
        }
        HubEvent::ConversationReturned {
            conversation_id,
            agent_id,
            ..
        } => {
            link.send(&ServerFrame::ConversationReturned {
                conversation_id: *conversation_id,
                agent_id: *agent_id,
            })
            .await
        }
        // Handled by the peer, which knows its conversation.
        HubEvent::QueueMoved { .. } => Ok(()),
        HubEvent::NoteAdded { note } => {
            link.send(&ServerFrame::NoteAdded { note: note.clone() })
                .await
        }
        HubEvent::MessageChanged { message, .. } => {
            link.send(&ServerFrame::MessageChanged {
                message: message.clone(),
            })
            .await
        }
        HubEvent::ConversationClosed {
            conversation_id,
            closed_by,
            ..
        } => {
            link.send(&ServerFrame::ConversationClosed {
                conversation_id: *conversation_id,
                closed_by: closed_by.clone(),
            })
            .await
        }
        HubEvent::Typing {
            conversation_id,
            author,
            typing,
            ..
        } => {
            link.send(&ServerFrame::Typing {
                conversation_id: *conversation_id,
                author: author.clone(),
                typing: *typing,
            })
            .await
        }
        HubEvent::Receipt {
            conversation_id,
            reader,
            delivered_up_to,
            read_up_to,
            ..
        } => {
            let frame = ServerFrame::Receipt {
                conversation_id: *conversation_id,
                reader: *reader,
                delivered_up_to: *delivered_up_to,
                read_up_to: *read_up_to,
            };
            link.send(&frame).await
        }
        HubEvent::ConversationRated {
            conversation_id,
            rating,
        } => {
            link.send(&ServerFrame::ConversationRated {
                conversation_id: *conversation_id,
                rating: rating.clone(),
            })
            .await
        }
        HubEvent::AgentPresence { presence } => {
            link.send(&ServerFrame::AgentPresence {
                presence: presence.clone(),
            })
            .await
        }
        HubEvent::VisitorPresence { visitors } => {
            link.send(&ServerFrame::VisitorPresence {
                visitors: visitors.clone(),
            })
            .await
        }
        // For no socket: it only makes the node recompute the site's status.
        HubEvent::HoursChanged {} => Ok(()),
        // Handled by the loop, which knows whose socket it is.
        HubEvent::AccessRevoked { .. } => Ok(()),
        HubEvent::CallChanged { .. }
        | HubEvent::CallQueued { .. }
        | HubEvent::CallSignal { .. } => match calls::frame_for(event) {
            Some(frame) => link.send(&frame).await,
            None => Ok(()),
        },
        HubEvent::ConversationOpened { conversation } => {
            link.send(&ServerFrame::ConversationOpened {
                conversation: conversation.clone(),
            })
            .await
        }
        HubEvent::ConversationTransferred {
            conversation_id,
            by,
            to,
            to_name,
            ..
        } => {
            let frame = ServerFrame::ConversationTransferred {
                conversation_id: *conversation_id,
                by: *by,
                to: *to,
                to_name: to_name.clone(),
            };
            link.send(&frame).await
        }
        HubEvent::TagsChanged {
            conversation_id,
            tags,
        } => {
            link.send(&ServerFrame::TagsChanged {
                conversation_id: *conversation_id,
                tags: tags.clone(),
            })
            .await
        }
        HubEvent::OfflineMessage { message } => {
            link.send(&ServerFrame::OfflineMessage {
                message: message.clone(),
            })
            .await
        }
        HubEvent::WaitTimedOut {
            conversation_id,
            waited_secs,
            ..
        } => {
            link.send(&ServerFrame::WaitTimedOut {
                conversation_id: *conversation_id,
                waited_secs: *waited_secs,
            })
            .await
        }
    }
}

async fn handle_ws_message<P: Peer>(
    state: &AppState,
    link: &mut Link,
    peer: &mut P,
    message: WsMessage,
) -> Result<(), Gone> {
    let text = match message {
        WsMessage::Text(text) => text,
        WsMessage::Binary(_) => {
            return link
                .error(
                    None,
                    ErrorCode::MalformedFrame,
                    "binary frames are not accepted; send JSON text frames",
                )
                .await;
        }
        WsMessage::Close(_) => return Err(Gone),
        WsMessage::Ping(_) | WsMessage::Pong(_) => return Ok(()),
    };
    if text.len() > MAX_FRAME_BYTES {
        link.error(
            None,
            ErrorCode::FrameTooLarge,
            format!("frames may be at most {MAX_FRAME_BYTES} bytes"),
        )
        .await?;
        link.close(close_code::TOO_LARGE, "frame too large").await;
        return Err(Gone);
    }
    match serde_json::from_str::<P::Frame>(text.as_str()) {
        Ok(frame) => peer.on_frame(state, link, frame).await,
        Err(error) => {
            let cid = client_id_of(text.as_str());
            link.error(
                cid,
                ErrorCode::MalformedFrame,
                format!("unreadable frame: {error}"),
            )
            .await
        }
    }
}

/// The `cid` of a frame that could not be read as a whole, so the client can match the error.
fn client_id_of(raw: &str) -> Option<ClientId> {
    let value: serde_json::Value = serde_json::from_str(raw).ok()?;
    value.get("cid")?.as_str()?.parse().ok()
}

/// Counts open sockets in the metrics for as long as it lives.
struct OpenSocket(&'static str);

impl OpenSocket {
    fn new(role: &'static str) -> Self {
        metrics::gauge!("livedesk_open_sockets", "role" => role).increment(1.0);
        Self(role)
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        metrics::gauge!("livedesk_open_sockets", "role" => self.0).decrement(1.0);
    }
}
