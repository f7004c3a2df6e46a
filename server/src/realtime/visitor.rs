//! `/ws/visitor?token=<visitor token>`: a visitor's socket.

use axum::extract::ws::WebSocket;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::response::Response;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{Author, MessageBody, Party, Rating};
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{ClientId, ConversationId, SiteId, VisitorId};
use livedesk_protocol::routing::ChatRequest;
use livedesk_protocol::status::SiteStatus;
use serde::Deserialize;
use tokio::time::Instant;
use uuid::Uuid;

use super::calls;
use super::event::{CallParty, HubEvent};
use super::frame_budget::FrameBudget;
use super::hub::Audience;
use super::link::{Gone, Link};
use super::send::{announce_closed, change_message, edit_message, publish, store_and_publish};
use super::signals;
use super::socket::{self, Peer};
use super::typing::TypingThrottle;
use super::visitor_presence::VisitorSocket;
use crate::assignment::{self, estimate};
use crate::auth::visitor::CurrentVisitor;
use crate::chat::closing;
use crate::chat::editing::{Change, Editor};
use crate::chat::store::{self, Sender};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Params {
    #[serde(default)]
    token: String,
}

pub async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<Params>,
    ws: WebSocketUpgrade,
) -> Response {
    socket::accept(state, ws, move |state, socket| {
        connect(state, socket, params.token)
    })
}

async fn connect(state: AppState, socket: WebSocket, token: String) {
    let CurrentVisitor { site, visitor } =
        match Box::pin(CurrentVisitor::from_token(&state, &token)).await {
            Ok(who) => who,
            Err(error) => return socket::refuse(socket, state, error).await,
        };
    let mut link = Link::new(socket, state.db.clone(), site);
    // Boxed, like the work in `socket::run`: what is awaited inline stays in the task
    // for the socket's whole life.
    let joined = Box::pin(state.hub.join(site, Audience::Visitor(visitor))).await;
    let conversation = Box::pin(store::open_conversation_of(&state.db, site, visitor)).await;
    let ((membership, events), conversation) = match (joined, conversation) {
        (Ok(joined), Ok(conversation)) => (joined, conversation),
        (Err(error), _) => return socket::refused(&mut link, error.into()).await,
        (_, Err(error)) => return socket::refused(&mut link, error).await,
    };
    let presence = VisitorSocket {
        site,
        visitor,
        id: Uuid::new_v4(),
    };
    // Everything the set-up asks of Redis and PostgreSQL is done before the hello: a client
    // that has its hello is served at once, and clients that wait for it pace a crowd
    // connecting at once instead of piling up, each holding its buffers, behind the set-up.
    // Online first, so a listing made after the hello shows the visitor.
    Box::pin(presence.heartbeat(&state)).await;
    let status = Box::pin(presence.status(&state)).await;
    let place = match conversation {
        Some(open) => Box::pin(assignment::place_of(&state, site, open.id))
            .await
            .map(|place| place.map(|place| (open.id, place))),
        None => Ok(None),
    };
    let hello = ServerFrame::VisitorHello {
        site_id: site,
        visitor_id: visitor,
        conversation,
    };
    if Box::pin(greet(&mut link, &hello, status, place))
        .await
        .is_err()
    {
        Box::pin(presence.closed(&state)).await;
        return;
    }
    socket::run(
        state,
        link,
        VisitorPeer {
            site,
            visitor,
            conversation: conversation.map(|c| c.id),
            typing: TypingThrottle::default(),
            presence,
            presence_budget: FrameBudget::new(Instant::now()),
        },
        membership,
        events,
    )
    .await;
}

/// The hello, then the site's status, then, for a visitor who (re)connects while waiting,
/// their place at once rather than at the next move.
async fn greet(
    link: &mut Link,
    hello: &ServerFrame,
    status: Option<SiteStatus>,
    place: AppResult<Option<(ConversationId, (u64, u64))>>,
) -> Result<(), Gone> {
    link.send(hello).await?;
    if let Some(status) = status {
        link.send(&ServerFrame::SiteStatus { status }).await?;
    }
    match place {
        Ok(Some((conversation, (position, estimated_wait_secs)))) => {
            let frame = ServerFrame::QueuePosition {
                conversation_id: conversation,
                position,
                estimated_wait_secs,
            };
            link.send(&frame).await
        }
        Ok(None) => Ok(()),
        Err(error) => link.failed(None, error).await,
    }
}

struct VisitorPeer {
    site: SiteId,
    visitor: VisitorId,
    /// The visitor's open conversation, as far as this socket knows (for its queue place).
    conversation: Option<ConversationId>,
    typing: TypingThrottle,
    presence: VisitorSocket,
    /// Spent by `page` and `activity` frames.
    presence_budget: FrameBudget,
}

impl Peer for VisitorPeer {
    async fn on_queue_moved(
        &mut self,
        link: &mut Link,
        order: &[ConversationId],
        secs_per_place: u64,
    ) -> Result<(), Gone> {
        let Some(mine) = self.conversation else {
            return Ok(());
        };
        let Some(index) = order.iter().position(|c| *c == mine) else {
            return Ok(());
        };
        let position = index as u64 + 1;
        let frame = ServerFrame::QueuePosition {
            conversation_id: mine,
            position,
            estimated_wait_secs: estimate::wait_secs(position, secs_per_place),
        };
        link.send(&frame).await
    }

    type Frame = VisitorFrame;
    const ROLE: &'static str = "visitor";

    async fn on_frame(
        &mut self,
        state: &AppState,
        link: &mut Link,
        frame: VisitorFrame,
    ) -> Result<(), Gone> {
        match frame {
            VisitorFrame::Send { cid, body, start } => {
                self.send(state, link, cid, &body, start.unwrap_or_default())
                    .await
            }
            VisitorFrame::Resume { after_seq } => {
                match store::open_conversation_of(&state.db, self.site, self.visitor).await {
                    Ok(Some(conversation)) => {
                        match link.replay(conversation.id, after_seq).await? {
                            Ok(()) => Ok(()),
                            Err(error) => link.failed(None, error).await,
                        }
                    }
                    Ok(None) => Ok(()),
                    Err(error) => link.failed(None, error).await,
                }
            }
            VisitorFrame::Edit {
                cid,
                message_id,
                body,
            } => {
                let result = edit_message(
                    state,
                    self.site,
                    Editor::Visitor(self.visitor),
                    message_id,
                    &body,
                )
                .await;
                link.answer(cid, result).await
            }
            VisitorFrame::Delete { cid, message_id } => {
                let result = change_message(
                    state,
                    self.site,
                    Editor::Visitor(self.visitor),
                    message_id,
                    Change::Delete,
                )
                .await;
                link.answer(cid, result).await
            }
            VisitorFrame::Close { cid } => self.close(state, link, cid).await,
            VisitorFrame::Typing { typing } => self.typing(state, link, typing).await,
            VisitorFrame::Seen { up_to, read } => self.seen(state, link, up_to, read).await,
            VisitorFrame::Page { .. } | VisitorFrame::Activity { .. }
                if !self.presence_budget.admit(Instant::now()) =>
            {
                link.error(
                    None,
                    ErrorCode::RateLimited,
                    "too many page and activity frames; slow down",
                )
                .await
            }
            VisitorFrame::Page { url, title } => {
                self.presence.page(state, link, &url, &title).await
            }
            VisitorFrame::Activity { status } => self.presence.activity(state, link, status).await,
            VisitorFrame::Rate {
                cid,
                conversation_id,
                rating,
            } => self.rate(state, link, cid, conversation_id, rating).await,
            VisitorFrame::Ping {} => link.send(&ServerFrame::Pong).await,
            call => calls::on_visitor_frame(state, link, self.site, self.visitor, call).await,
        }
    }

    fn is_party(&self, party: CallParty) -> bool {
        party == CallParty::Visitor(self.visitor)
    }

    async fn on_tick(&mut self, state: &AppState) {
        self.presence.heartbeat(state).await;
    }

    async fn on_close(self, state: &AppState) {
        self.presence.closed(state).await;
    }
}

impl VisitorPeer {
    async fn typing(
        &mut self,
        state: &AppState,
        link: &mut Link,
        typing: bool,
    ) -> Result<(), Gone> {
        // Throttled before the conversation is looked up: keystrokes cost no query.
        if !self
            .typing
            .admit(ConversationId(Uuid::nil()), typing, Instant::now())
        {
            return Ok(());
        }
        match store::open_conversation_of(&state.db, self.site, self.visitor).await {
            Ok(Some(open)) => {
                let author = Author::Visitor { id: self.visitor };
                signals::typing(state, self.site, open.id, self.visitor, author, typing).await;
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(error) => link.failed(None, error).await,
        }
    }

    async fn seen(
        &self,
        state: &AppState,
        link: &mut Link,
        up_to: i64,
        read: bool,
    ) -> Result<(), Gone> {
        let result = match store::open_conversation_of(&state.db, self.site, self.visitor).await {
            Ok(Some(open)) => {
                signals::seen(state, self.site, open.id, Party::Visitor, up_to, read).await
            }
            Ok(None) => Ok(()),
            Err(error) => Err(error),
        };
        match result {
            Ok(()) => Ok(()),
            Err(error) => link.failed(None, error).await,
        }
    }

    async fn close(&self, state: &AppState, link: &mut Link, cid: ClientId) -> Result<(), Gone> {
        let result = closing::close_visitors(&state.db, self.site, self.visitor).await;
        if let Ok(Some(closed)) = result {
            announce_closed(
                state,
                self.site,
                closed,
                Author::Visitor { id: self.visitor },
            )
            .await;
        }
        link.answer(cid, result.map(|_| ())).await
    }

    async fn rate(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        conversation: ConversationId,
        rating: Rating,
    ) -> Result<(), Gone> {
        let result = async {
            let rating = Rating::parse(rating.score, rating.comment.as_deref())?;
            closing::rate(&state.db, self.site, self.visitor, conversation, &rating).await?;
            publish(
                state,
                self.site,
                &HubEvent::ConversationRated {
                    conversation_id: conversation,
                    rating,
                },
            )
            .await;
            Ok(())
        };
        link.answer(cid, result.await).await
    }

    async fn send(
        &mut self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        body: &str,
        start: ChatRequest,
    ) -> Result<(), Gone> {
        let parsed = MessageBody::parse(body)
            .map_err(AppError::from)
            .and_then(|body| Ok((body, start.parse()?)));
        let (body, start) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => return link.failed(Some(cid), error).await,
        };
        let sender = Sender::Visitor {
            id: self.visitor,
            start,
        };
        match store_and_publish(state, self.site, sender, cid, body).await {
            Ok(message) => {
                self.conversation = Some(message.conversation_id);
                link.ack(cid, message).await
            }
            Err(error) => link.failed(Some(cid), error).await,
        }
    }
}
