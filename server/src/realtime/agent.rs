//! `/ws/agent?access_token=<JWT>`: an agent's socket.

use axum::extract::ws::WebSocket;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::response::Response;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::MessageBody;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{ClientId, ConversationId, SiteId};
use serde::Deserialize;

use super::hub::Audience;
use super::link::{Gone, Link};
use super::send::store_and_publish;
use super::socket::{self, Peer};
use super::visitor::{refuse, sized};
use crate::auth::CurrentAgent;
use crate::chat::store::Sender;
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
    let guard = state.sockets.token();
    sized(ws).on_upgrade(move |socket| async move {
        connect(state, socket, params.access_token).await;
        drop(guard);
    })
}

async fn connect(state: AppState, socket: WebSocket, token: String) {
    let agent = match CurrentAgent::from_token(&state, &token)
        .and_then(|agent| agent.site().map(|site| (agent, site)))
    {
        Ok(who) => who,
        Err(error) => return refuse(socket, state, error).await,
    };
    let (agent, site) = agent;
    let (membership, events) = match state.hub.join(site, Audience::Agent).await {
        Ok(joined) => joined,
        Err(error) => return refuse(socket, state, error.into()).await,
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
    socket::run(state, link, AgentPeer { agent, site }, membership, events).await;
}

struct AgentPeer {
    agent: CurrentAgent,
    site: SiteId,
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
            AgentFrame::Ping {} => link.send(&ServerFrame::Pong).await,
        }
    }
}

impl AgentPeer {
    async fn send(
        &self,
        state: &AppState,
        link: &mut Link,
        cid: ClientId,
        conversation: ConversationId,
        body: &str,
    ) -> Result<(), Gone> {
        let body = match MessageBody::parse(body) {
            Ok(body) => body,
            Err(error) => {
                return link
                    .error(Some(cid), ErrorCode::InvalidInput, error.to_string())
                    .await;
            }
        };
        let sender = Sender::Agent {
            id: self.agent.id,
            name: self.agent.name.clone(),
            conversation,
        };
        match store_and_publish(state, self.site, sender, cid, body).await {
            Ok(message) => link.ack(cid, message).await,
            Err(error) => link.failed(Some(cid), error).await,
        }
    }
}
