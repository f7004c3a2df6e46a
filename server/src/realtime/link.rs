//! The sending half of a socket: frames out, and for every conversation it follows the last
//! `seq` it delivered, so messages reach the client once each, in order, without gaps.
//!
//! Events from Redis can arrive out of order (two nodes commit seq 6 and 7 and publish in
//! the other order) or be missed (a Redis hiccup); a gap is filled from PostgreSQL before
//! the newer message is sent, and anything at or below the delivered seq is dropped.

use std::collections::HashMap;

use axum::extract::ws::{CloseFrame, Message as WsMessage, Utf8Bytes, WebSocket};
use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::Message;
use livedesk_protocol::frames::ServerFrame;
use livedesk_protocol::ids::{ClientId, ConversationId, SiteId};
use sqlx::PgPool;

use crate::chat::store;
use crate::error::AppError;

/// The socket is gone; stop the connection.
#[derive(Debug)]
pub struct Gone;

pub struct Link {
    socket: WebSocket,
    db: PgPool,
    site: SiteId,
    delivered: HashMap<ConversationId, i64>,
}

impl Link {
    pub fn new(socket: WebSocket, db: PgPool, site: SiteId) -> Self {
        Self {
            socket,
            db,
            site,
            delivered: HashMap::new(),
        }
    }

    pub fn socket(&mut self) -> &mut WebSocket {
        &mut self.socket
    }

    pub async fn send(&mut self, frame: &ServerFrame) -> Result<(), Gone> {
        let text = serde_json::to_string(frame).map_err(|error| {
            tracing::error!(%error, "a server frame could not be serialised");
            Gone
        })?;
        self.socket
            .send(WsMessage::Text(text.into()))
            .await
            .map_err(|_| Gone)
    }

    pub async fn error(
        &mut self,
        cid: Option<ClientId>,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Result<(), Gone> {
        metrics::counter!("livedesk_frames_refused_total", "code" => format!("{code:?}"))
            .increment(1);
        self.send(&ServerFrame::Error {
            cid,
            code,
            message: message.into(),
        })
        .await
    }

    /// Reports a failed operation on a frame to the client (internal details stay in the log).
    pub async fn failed(&mut self, cid: Option<ClientId>, error: AppError) -> Result<(), Gone> {
        let (code, message) = error.to_client();
        self.error(cid, code, message).await
    }

    /// Answers a frame with `cid`: `done`, or the error.
    pub async fn answer(
        &mut self,
        cid: ClientId,
        result: Result<(), AppError>,
    ) -> Result<(), Gone> {
        match result {
            Ok(()) => self.send(&ServerFrame::Done { cid }).await,
            Err(error) => self.failed(Some(cid), error).await,
        }
    }

    pub async fn close(&mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = self.socket.send(WsMessage::Close(Some(frame))).await;
    }

    /// Sends a message that arrived as an event, filling any gap before it.
    pub async fn deliver(&mut self, message: &Message) -> Result<(), Gone> {
        let conversation = message.conversation_id;
        let Some(&last) = self.delivered.get(&conversation) else {
            // First event of a conversation this socket had not followed: start here.
            self.delivered.insert(conversation, message.seq);
            return self
                .send(&ServerFrame::Message {
                    message: message.clone(),
                })
                .await;
        };
        if message.seq <= last {
            return Ok(());
        }
        self.fill_gap(conversation, last, message.seq - 1).await?;
        self.delivered.insert(conversation, message.seq);
        self.send(&ServerFrame::Message {
            message: message.clone(),
        })
        .await
    }

    /// Acknowledges a stored send. Earlier messages the client has not been sent yet go
    /// first, so the client sees the conversation in order.
    pub async fn ack(&mut self, cid: ClientId, message: Message) -> Result<(), Gone> {
        let conversation = message.conversation_id;
        if let Some(&last) = self.delivered.get(&conversation) {
            self.fill_gap(conversation, last, message.seq - 1).await?;
        }
        let delivered = self.delivered.entry(conversation).or_insert(0);
        *delivered = (*delivered).max(message.seq);
        self.send(&ServerFrame::Ack { cid, message }).await
    }

    /// Sends every message with `seq > after_seq` and follows the conversation from there.
    /// `NotFound` for a conversation of another site.
    pub async fn replay(
        &mut self,
        conversation: ConversationId,
        after_seq: i64,
    ) -> Result<Result<(), AppError>, Gone> {
        let mut after = after_seq.max(0);
        loop {
            let page = match store::messages_after(&self.db, self.site, conversation, after).await {
                Ok(page) => page,
                Err(error) => return Ok(Err(error)),
            };
            let full = page.len() as i64 == store::PAGE_SIZE;
            for message in page {
                after = message.seq;
                self.send(&ServerFrame::Message { message }).await?;
            }
            if !full {
                break;
            }
        }
        let delivered = self.delivered.entry(conversation).or_insert(0);
        *delivered = (*delivered).max(after);
        Ok(Ok(()))
    }

    /// Sends messages `from_exclusive < seq <= to` from the database.
    async fn fill_gap(
        &mut self,
        conversation: ConversationId,
        from_exclusive: i64,
        to: i64,
    ) -> Result<(), Gone> {
        let mut after = from_exclusive;
        while after < to {
            let page = match store::messages_after(&self.db, self.site, conversation, after).await {
                Ok(page) => page,
                Err(error) => {
                    // The client will still get the newer message; on its next resume the
                    // gap is replayed. Say so in the log, where it can be noticed.
                    tracing::error!(%conversation, ?error, "filling a gap failed");
                    return Ok(());
                }
            };
            let before = after;
            for message in page.into_iter().take_while(|m| m.seq <= to) {
                after = message.seq;
                self.send(&ServerFrame::Message { message }).await?;
            }
            if after == before {
                return Ok(());
            }
            self.delivered.insert(conversation, after);
        }
        Ok(())
    }
}
