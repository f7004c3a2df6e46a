//! Call frames on the visitor and agent sockets: what each side may send, handed to
//! [`crate::calls`], and the call events a socket receives.

use livedesk_protocol::chat::Party;
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{AgentId, CallId, ClientId, SiteId, VisitorId};
use livedesk_signaling::CallEvent;

use super::event::{CallParty, CallSignal, HubEvent};
use super::link::{Gone, Link};
use crate::calls;
use crate::error::AppResult;
use crate::state::AppState;

/// What a socket does with a call frame.
enum Act {
    Start(ClientId, livedesk_protocol::calls::CallKind),
    /// A change of the call's state; answered when it has a cid.
    Change(Option<ClientId>, CallId, CallEvent),
    Relay(CallId, CallSignal),
}

/// A visitor's call frame (the socket hands over every frame it does not handle itself).
pub async fn on_visitor_frame(
    state: &AppState,
    link: &mut Link,
    site: SiteId,
    visitor: VisitorId,
    frame: VisitorFrame,
) -> Result<(), Gone> {
    let from = Party::Visitor;
    let act = match frame {
        VisitorFrame::CallStart { cid, kind } => Act::Start(cid, kind),
        VisitorFrame::CallHangUp { cid, call_id } => {
            Act::Change(Some(cid), call_id, CallEvent::HangUp)
        }
        VisitorFrame::CallFailed { cid, call_id } => {
            Act::Change(Some(cid), call_id, CallEvent::ConnectionFailed)
        }
        VisitorFrame::CallConnected { call_id } => {
            Act::Change(None, call_id, CallEvent::MediaConnected)
        }
        VisitorFrame::CallOffer {
            call_id,
            description,
        } => Act::Relay(call_id, CallSignal::Offer { description }),
        VisitorFrame::CallAnswer {
            call_id,
            description,
        } => Act::Relay(call_id, CallSignal::Answer { description }),
        VisitorFrame::CallCandidate { call_id, candidate } => {
            Act::Relay(call_id, CallSignal::Candidate { candidate })
        }
        VisitorFrame::CallMedia { call_id, media } => {
            Act::Relay(call_id, CallSignal::Media { from, media })
        }
        VisitorFrame::CallScreenShare { call_id, sharing } => {
            Act::Relay(call_id, CallSignal::ScreenShare { from, sharing })
        }
        other => {
            tracing::error!(?other, "a visitor frame reached the call handler");
            return Ok(());
        }
    };
    carry_out(state, link, site, CallParty::Visitor(visitor), act).await
}

/// An agent's call frame (the socket hands over every frame it does not handle itself).
pub async fn on_agent_frame(
    state: &AppState,
    link: &mut Link,
    site: SiteId,
    agent: AgentId,
    frame: AgentFrame,
) -> Result<(), Gone> {
    let from = Party::Agents;
    let act = match frame {
        AgentFrame::CallAccept { cid, call_id } => {
            Act::Change(Some(cid), call_id, CallEvent::Accept)
        }
        AgentFrame::CallReject { cid, call_id } => {
            Act::Change(Some(cid), call_id, CallEvent::Reject)
        }
        AgentFrame::CallHangUp { cid, call_id } => {
            Act::Change(Some(cid), call_id, CallEvent::HangUp)
        }
        AgentFrame::CallFailed { cid, call_id } => {
            Act::Change(Some(cid), call_id, CallEvent::ConnectionFailed)
        }
        AgentFrame::CallConnected { call_id } => {
            Act::Change(None, call_id, CallEvent::MediaConnected)
        }
        AgentFrame::CallOffer {
            call_id,
            description,
        } => Act::Relay(call_id, CallSignal::Offer { description }),
        AgentFrame::CallAnswer {
            call_id,
            description,
        } => Act::Relay(call_id, CallSignal::Answer { description }),
        AgentFrame::CallCandidate { call_id, candidate } => {
            Act::Relay(call_id, CallSignal::Candidate { candidate })
        }
        AgentFrame::CallMedia { call_id, media } => {
            Act::Relay(call_id, CallSignal::Media { from, media })
        }
        AgentFrame::CallScreenShare { call_id, sharing } => {
            Act::Relay(call_id, CallSignal::ScreenShare { from, sharing })
        }
        other => {
            tracing::error!(?other, "an agent frame reached the call handler");
            return Ok(());
        }
    };
    carry_out(state, link, site, CallParty::Agent(agent), act).await
}

async fn carry_out(
    state: &AppState,
    link: &mut Link,
    site: SiteId,
    by: CallParty,
    act: Act,
) -> Result<(), Gone> {
    let (cid, result): (Option<ClientId>, AppResult<()>) = match act {
        Act::Start(cid, kind) => {
            let CallParty::Visitor(visitor) = by else {
                return Ok(());
            };
            return match calls::start(state, site, visitor, cid, kind).await {
                Ok(call) => link.send(&ServerFrame::CallStarted { cid, call }).await,
                Err(error) => link.failed(Some(cid), error).await,
            };
        }
        Act::Change(cid, call, event) => (cid, calls::act(state, site, by, call, event).await),
        Act::Relay(call, signal) => (None, calls::relay(state, site, by, call, signal).await),
    };
    match (cid, result) {
        (Some(cid), result) => link.answer(cid, result).await,
        (None, Ok(())) => Ok(()),
        (None, Err(error)) => link.failed(None, error).await,
    }
}

/// The frame a call event becomes on a socket that wants it.
pub fn frame_for(event: &HubEvent) -> Option<ServerFrame> {
    let frame = match event {
        HubEvent::CallChanged { call } => ServerFrame::CallChanged { call: call.clone() },
        HubEvent::CallQueued {
            call_id, position, ..
        } => ServerFrame::CallQueued {
            call_id: *call_id,
            position: *position,
        },
        HubEvent::CallSignal {
            call_id, signal, ..
        } => {
            let call_id = *call_id;
            match signal.clone() {
                CallSignal::Offer { description } => ServerFrame::CallOffer {
                    call_id,
                    description,
                },
                CallSignal::Answer { description } => ServerFrame::CallAnswer {
                    call_id,
                    description,
                },
                CallSignal::Candidate { candidate } => {
                    ServerFrame::CallCandidate { call_id, candidate }
                }
                CallSignal::Media { from, media } => ServerFrame::CallMedia {
                    call_id,
                    from,
                    media,
                },
                CallSignal::ScreenShare { from, sharing } => ServerFrame::CallScreenShare {
                    call_id,
                    from,
                    sharing,
                },
            }
        }
        _ => return None,
    };
    Some(frame)
}
