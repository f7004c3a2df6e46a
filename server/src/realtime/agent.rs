//! `/ws/agent?access_token=<JWT>`: an agent's socket.

use axum::extract::ws::WebSocket;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::response::Response;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{Author, MessageBody, Party};
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, SiteId, VisitorId};
use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind};
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::time::Instant;
use uuid::Uuid;

use super::calls;
use super::event::CallParty;
use super::hub::Audience;
use super::link::{Gone, Link};
use super::send::{
    add_note, announce_closed, change_message, change_tag, edit_message, store_and_publish,
};
use super::signals;
use super::socket::{self, Peer};
use super::typing::TypingThrottle;
use crate::assignment::{self, transfer};
use crate::auth::CurrentAgent;
use crate::chat::editing::{Change, Editor};
use crate::chat::store::Sender;
use crate::chat::{closing, receipts};
use crate::presence::{self, news};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Params {
    #[serde(default)]
    access_token: String,
}

pub async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<Params>,
    ws: WebSocketUpgrade,
) -> Response {
    socket::accept(state, ws, move |state, socket| {
        connect(state, socket, params.access_token)
    })
}

async fn connect(state: AppState, socket: WebSocket, token: String) {
    let agent = match Box::pin(CurrentAgent::from_token(&state, &token))
        .await
        .and_then(|agent| agent.site().map(|site| (agent, site)))
    {
        Ok(who) => who,
        Err(error) => return socket::refuse(socket, state, error).await,
    };
    let (agent, site) = agent;
    // Boxed, like the work in `socket::run`: what is awaited inline stays in the task
    // for the socket's whole life.
    let (membership, events) = match Box::pin(state.hub.join(site, Audience::Agent)).await {
        Ok(joined) => joined,
        Err(error) => return socket::refuse(socket, state, error.into()).await,
    };
    let mut link = Link::new(socket, state.db.clone(), site);
    if link
        .send(&ServerFrame::AgentHello {
            site_id: site,
            agent_id: agent.id,
        })
        .await
        .is_err()
    {
        return;
    }
    let peer = AgentPeer {
        agent,
        site,
        socket_id: Uuid::new_v4(),
        typing: TypingThrottle::default(),
    };
    Box::pin(peer.heartbeat(&state)).await;
    socket::run(state, link, peer, membership, events).await;
}

struct AgentPeer {
    agent: CurrentAgent,
    site: SiteId,
    /// This socket's member in the agent's presence set.
    socket_id: Uuid,
    typing: TypingThrottle,
}

impl Peer for AgentPeer {
    type Frame = AgentFrame;
    const ROLE: &'static str = "agent";

    async fn on_frame(
        &mut self,
        state: &AppState,
        link: &mut Link,
        frame: AgentFrame,
    ) -> Result<(), Gone> {
        match frame {
            AgentFrame::Send {
                cid,
                conversation_id,
                body,
            } => self.send(state, link, cid, conversation_id, &body).await,
            AgentFrame::Resume {
                conversation_id,
                after_seq,
            } => match link.replay(conversation_id, after_seq).await? {
                Ok(()) => Ok(()),
                Err(error) => link.failed(None, error).await,
            },
            AgentFrame::Typing {
                conversation_id,
                typing,
            } => self.typing(state, link, conversation_id, typing).await,
            AgentFrame::Seen {
                conversation_id,
                up_to,
                read,
            } => {
                match signals::seen(
                    state,
                    self.site,
                    conversation_id,
                    Party::Agents,
                    up_to,
                    read,
                )
                .await
                {
                    Ok(()) => Ok(()),
                    Err(error) => link.failed(None, error).await,
                }
            }
            AgentFrame::Edit {
                cid,
                message_id,
                body,
            } => {
                let result = edit_message(
                    state,
                    self.site,
                    Editor::Agent(self.agent.id),
                    message_id,
                    &body,
                )
                .await;
                link.answer(cid, result).await
            }
            AgentFrame::Delete { cid, message_id } => {
                let result = change_message(
                    state,
                    self.site,
                    Editor::Agent(self.agent.id),
                    message_id,
                    Change::Delete,
                )
                .await;
                link.answer(cid, result).await
            }
            AgentFrame::Close {
                cid,
                conversation_id,
            } => self.close(state, link, cid, conversation_id).await,
            AgentFrame::Note {
                cid,
                conversation_id,
                body,
            } => {
                let result =
                    add_note(state, self.site, &self.agent, conversation_id, cid, &body).await;
                link.answer(cid, result).await
            }
            AgentFrame::StartChat {
                cid,
                visitor_id,
                body,
            } => self.start_chat(state, link, cid, visitor_id, &body).await,
            AgentFrame::Accept {
                cid,
                conversation_id,
            } => {
                let result =
                    assignment::accept(state, self.site, self.agent.id, conversation_id).await;
                link.answer(cid, result).await
            }
            AgentFrame::Transfer {
                cid,
                conversation_id,
                to,
                note,
            } => {
                let request = transfer::Request {
                    cid,
                    conversation: conversation_id,
                    to,
                    note: note.as_deref(),
                };
                let result = transfer::transfer(state, self.site, &self.agent, request).await;
                link.answer(cid, result).await
            }
            AgentFrame::Tag {
                cid,
                conversation_id,
                tag,
            } => {
                let result = change_tag(state, self.site, conversation_id, &tag, true).await;
                link.answer(cid, result).await
            }
            AgentFrame::Untag {
                cid,
                conversation_id,
                tag,
            } => {
                let result = change_tag(state, self.site, conversation_id, &tag, false).await;
                link.answer(cid, result).await
            }
            AgentFrame::SetState { cid, choice } => self.set_state(state, link, cid, &choice).await,
            AgentFrame::Ping {} => link.send(&ServerFrame::Pong).await,
            call => calls::on_agent_frame(state, link, self.site, self.agent.id, call).await,
        }
    }

    fn is_party(&self, party: CallParty) -> bool {
        party == CallParty::Agent(self.agent.id)
    }

    fn loses_access(&self, agent: Option<AgentId>) -> bool {
        agent.is_none_or(|agent| agent == self.agent.id)
    }

    async fn on_tick(&mut self, state: &AppState) {
        self.heartbeat(state).await;
    }

    async fn on_close(self, state: &AppState) {
        match state
            .presence
            .disconnect(self.site, self.agent.id, self.socket_id)
            .await
        {
            Ok(true) => news::announce(state, self.site, self.agent.id).await,
            Ok(false) => {}
            Err(error) => news::failed(&error),
        }
    }
}

impl AgentPeer {
    async fn typing(
        &mut self,
        state: &AppState,
        link: &mut Link,
        conversation: ConversationId,
        typing: bool,
    ) -> Result<(), Gone> {
        if !self.typing.admit(conversation, typing, Instant::now()) {
            return Ok(());
        }
        match receipts::visitor_of(&state.db, self.site, conversation).await {
            Ok(visitor) => {
                let author = Author::Agent {
                    id: self.agent.id,
                    name: self.agent.name.clone(),
                };
                signals::typing(state, self.site, conversation, visitor, author, typing).await;
                Ok(())
            }
            Err(error) => link.failed(None, error).await,
        }
    }

    async fn close(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        conversation: ConversationId,
    ) -> Result<(), Gone> {
        let result = closing::close(&state.db, self.site, conversation).await;
        if let Ok(closed) = &result
            && closed.newly
        {
            let closed_by = Author::Agent {
                id: self.agent.id,
                name: self.agent.name.clone(),
            };
            announce_closed(state, self.site, *closed, closed_by).await;
        }
        link.answer(cid, result.map(|_| ())).await
    }

    async fn heartbeat(&self, state: &AppState) {
        match state
            .presence
            .heartbeat(self.site, self.agent.id, self.socket_id)
            .await
        {
            Ok(true) => {
                news::announce(state, self.site, self.agent.id).await;
                take_waiting(state, self.site, self.agent.id).await;
            }
            Ok(false) => {}
            Err(error) => news::failed(&error),
        }
    }

    async fn set_state(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        choice: &AgentStateChoice,
    ) -> Result<(), Gone> {
        let choice = match presence::validate(choice, OffsetDateTime::now_utc()) {
            Ok(choice) => choice,
            Err(error) => {
                return link
                    .error(Some(cid), ErrorCode::InvalidInput, error.to_string())
                    .await;
            }
        };
        if let Err(error) = state
            .presence
            .choose(self.site, self.agent.id, &choice)
            .await
        {
            return link.failed(Some(cid), error.into()).await;
        }
        news::announce(state, self.site, self.agent.id).await;
        let answered = link.send(&ServerFrame::Done { cid }).await;
        if choice.state == AgentStateKind::Available {
            take_waiting(state, self.site, self.agent.id).await;
        }
        answered
    }

    /// A reply in a conversation of the site.
    async fn send(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        conversation: ConversationId,
        body: &str,
    ) -> Result<(), Gone> {
        self.store(state, link, cid, body, |id, name| Sender::Agent {
            id,
            name,
            conversation,
        })
        .await
    }

    /// A first message to a visitor on the site, which opens a chat that is the agent's.
    async fn start_chat(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        visitor: VisitorId,
        body: &str,
    ) -> Result<(), Gone> {
        self.store(state, link, cid, body, |id, name| Sender::AgentToVisitor {
            id,
            name,
            visitor,
        })
        .await
    }

    /// Stores the agent's message (`sender` says where it goes) and acks it.
    async fn store(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        body: &str,
        sender: impl FnOnce(AgentId, String) -> Sender,
    ) -> Result<(), Gone> {
        let body = match MessageBody::parse(body) {
            Ok(body) => body,
            Err(error) => {
                return link
                    .error(Some(cid), ErrorCode::InvalidInput, error.to_string())
                    .await;
            }
        };
        let sender = sender(self.agent.id, self.agent.name.clone());
        match store_and_publish(state, self.site, sender, cid, body).await {
            Ok(message) => link.ack(cid, message).await,
            Err(error) => link.failed(Some(cid), error).await,
        }
    }
}

/// With auto-assignment, an agent who can take chats gets waiting visitors.
async fn take_waiting(state: &AppState, site: SiteId, agent: AgentId) {
    if let Err(error) = assignment::on_agent_free(state, site, agent).await {
        tracing::error!(?error, %agent, "giving waiting visitors to a free agent failed");
    }
}
