//! Voice and video calls between a visitor and an agent. The server carries the signaling
//! (offer, answer, candidates, media state) between the two parties of one call and nobody
//! else; media flows between the browsers, directly or through TURN.
//!
//! A visitor calls from their open conversation; the call rings the conversation's agent,
//! or the agent routing picks among those who take calls, or waits in the site's call
//! queue. Every call lives in PostgreSQL (its state, its ring deadline) so any node carries
//! it on; events reach the parties through the hub like chat events.
//!
//! - [`store`]: the `calls` table; every change is a conditional update.
//! - [`ring`]: who a call rings.
//! - [`sweep`]: ring timeouts, the call queue, and calls whose party vanished.
//! - [`transcript`]: the system messages a call leaves in its conversation.
//! - [`ice`]: `GET /api/v1/calls/ice-servers`, STUN/TURN with short-lived credentials, and
//!   the embedded TURN server.

pub mod ice;
pub mod ring;
pub mod store;
pub mod sweep;
pub mod transcript;

use livedesk_protocol::ErrorCode;
use livedesk_protocol::calls::{Call, CallKind, CallState, EndedBy, SdpType};
use livedesk_protocol::chat::MessageBody;
use livedesk_protocol::ids::{AgentId, CallId, ClientId, SiteId, VisitorId};
use livedesk_signaling::CallEvent;

use crate::chat::store as messages;
use crate::error::{AppError, AppResult};
use crate::realtime::event::{CallParty, CallSignal, HubEvent};
use crate::realtime::send::publish;
use crate::state::AppState;
use store::{Change, NewCall, Refused};

/// A visitor calls from their open conversation. A retried `cid` is the same call.
pub async fn start(
    state: &AppState,
    site: SiteId,
    visitor: VisitorId,
    cid: ClientId,
    kind: CallKind,
) -> AppResult<Call> {
    let target = store::target_of_visitor(&state.db, site, visitor)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::Conflict,
                "calls start from an open conversation: send a message first",
            )
        })?;
    if let Some(id) = store::by_client_id(&state.db, target.conversation, cid).await? {
        return loaded(state, site, id).await;
    }
    let settings = &state.config.calls;
    let mut excluded = Vec::new();
    // An agent picked here may be rung by another node in the meantime: pick again.
    for _ in 0..3 {
        let agent = ring::pick_agent(state, site, &target, &excluded).await?;
        let call = NewCall {
            id: CallId::new_random(),
            conversation: target.conversation,
            visitor,
            agent,
            kind,
            cid,
            deadline: match agent {
                Some(_) => settings.ring_timeout,
                None => settings.queue_timeout,
            },
        };
        match store::insert(&state.db, site, &call).await? {
            Ok(()) => {
                let started = loaded(state, site, call.id).await?;
                publish_changed(state, site, &started).await;
                if agent.is_none() {
                    announce_queue(state, site).await?;
                }
                return Ok(started);
            }
            Err(Refused::ConversationBusy) => {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "the conversation has a call already",
                ));
            }
            Err(Refused::AgentBusy) => excluded.extend(agent),
        }
    }
    Err(AppError::new(
        ErrorCode::Unavailable,
        "agents were taken while ringing them; try again",
    ))
}

/// A party of a call acts on it: accepts, rejects, hangs up, reports the connection made
/// or failed. Repeating an action that already happened is not an error.
pub async fn act(
    state: &AppState,
    site: SiteId,
    by: CallParty,
    id: CallId,
    event: CallEvent,
) -> AppResult<()> {
    let call = party_call(state, site, by, id).await?;
    let allowed = match by {
        CallParty::Visitor(_) => matches!(
            event,
            CallEvent::HangUp | CallEvent::ConnectionFailed | CallEvent::MediaConnected
        ),
        CallParty::Agent(_) => matches!(
            event,
            CallEvent::Accept
                | CallEvent::Reject
                | CallEvent::HangUp
                | CallEvent::ConnectionFailed
                | CallEvent::MediaConnected
        ),
    };
    if !allowed {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "the caller cannot do this to a call",
        ));
    }
    if already_done(call.state, event) {
        return Ok(());
    }
    let to = call.state.apply(event).map_err(|_| {
        AppError::new(
            ErrorCode::Conflict,
            format!(
                "the call is {}: that is not possible now",
                call.state.as_str()
            ),
        )
    })?;
    let ended_by = to.is_final().then_some(match by {
        CallParty::Visitor(_) => EndedBy::Visitor,
        CallParty::Agent(_) => EndedBy::Agent,
    });
    let change = Change {
        from: call.state,
        to,
        agent: None,
        ring_for: state.config.calls.ring_timeout,
        ended_by,
    };
    if !apply(state, site, &call, &change).await? {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "the call changed meanwhile; look at its new state",
        ));
    }
    Ok(())
}

/// Whether `event` repeats what already happened (a retried hang-up, accept or connect).
fn already_done(state: CallState, event: CallEvent) -> bool {
    match event {
        CallEvent::HangUp | CallEvent::ConnectionFailed => state.is_final(),
        CallEvent::Accept => matches!(state, CallState::Connecting | CallState::Active),
        CallEvent::Reject => state == CallState::Rejected,
        CallEvent::MediaConnected => state == CallState::Active,
        _ => false,
    }
}

/// Passes a checked signal from one party of an answered call to the other.
pub async fn relay(
    state: &AppState,
    site: SiteId,
    from: CallParty,
    id: CallId,
    signal: CallSignal,
) -> AppResult<()> {
    let signal = match signal {
        CallSignal::Offer { description } => CallSignal::Offer {
            description: description.parse(SdpType::Offer)?,
        },
        CallSignal::Answer { description } => CallSignal::Answer {
            description: description.parse(SdpType::Answer)?,
        },
        CallSignal::Candidate { candidate } => CallSignal::Candidate {
            candidate: candidate.parse()?,
        },
        other @ (CallSignal::Media { .. } | CallSignal::ScreenShare { .. }) => other,
    };
    let call = party_call(state, site, from, id).await?;
    if !call.state.relays_signals() {
        return Err(AppError::new(
            ErrorCode::Conflict,
            format!(
                "call {id} is {}: signaling flows from its accept to its end",
                call.state.as_str()
            ),
        ));
    }
    let to = match (from, call.agent_id) {
        (CallParty::Visitor(_), Some(agent)) => CallParty::Agent(agent),
        (CallParty::Agent(_), _) => CallParty::Visitor(call.visitor_id),
        (CallParty::Visitor(_), None) => {
            return Err(AppError::new(ErrorCode::Conflict, "the call has no agent"));
        }
    };
    let event = HubEvent::CallSignal {
        call_id: id,
        to,
        signal,
    };
    Ok(state
        .hub
        .publish_in_lane(site, id.0.as_u128(), &event)
        .await?)
}

/// The call, if `party` is one of its two parties: another visitor's call is `not_found`
/// (as another site's), another agent's `forbidden`.
async fn party_call(
    state: &AppState,
    site: SiteId,
    party: CallParty,
    id: CallId,
) -> AppResult<Call> {
    let not_found = || AppError::new(ErrorCode::NotFound, format!("call {id} not found"));
    let call = store::load(&state.db, site, id)
        .await?
        .ok_or_else(not_found)?;
    match party {
        CallParty::Visitor(visitor) if visitor != call.visitor_id => Err(not_found()),
        CallParty::Agent(agent) if call.agent_id != Some(agent) => Err(AppError::new(
            ErrorCode::Forbidden,
            format!("call {id} is another agent's"),
        )),
        _ => Ok(call),
    }
}

/// Writes a change and the transcript line it leaves, in one transaction, then tells the
/// parties and the site's agents. `false` if the call had moved on meanwhile.
async fn apply(state: &AppState, site: SiteId, call: &Call, change: &Change) -> AppResult<bool> {
    let mut tx = state.db.begin().await?;
    if !store::transition(&mut tx, site, call.id, change).await? {
        return Ok(false);
    }
    let duration = call.answered_at.map(|at| {
        (time::OffsetDateTime::now_utc() - at)
            .whole_seconds()
            .max(0) as u64
    });
    let line = transcript::line(call.kind, change.to, duration)
        .map(|line| MessageBody::parse(&line))
        .transpose()?;
    let appended = match &line {
        Some(body) => {
            Some(messages::append_system(&mut tx, site, call.conversation_id, body).await?)
        }
        None => None,
    };
    tx.commit().await?;
    if let Some(appended) = appended {
        let event = HubEvent::Message {
            visitor_id: appended.visitor_id,
            message: appended.message,
        };
        publish(state, site, &event).await;
    }
    let changed = loaded(state, site, call.id).await?;
    publish_changed(state, site, &changed).await;
    if change.to.is_final() && call.agent_id.is_some() {
        // The agent is free for the next queued call.
        // Boxed: ringing the next call applies a change too.
        if let Err(error) = Box::pin(sweep::drain_queue(state, site)).await {
            tracing::error!(?error, %site, "ringing the next queued call failed");
        }
    }
    Ok(true)
}

/// The system ends or moves a call (ring timeout, lost party, an agent found for a queued
/// call). `false` if it had moved on meanwhile.
async fn system_change(
    state: &AppState,
    site: SiteId,
    id: CallId,
    event: CallEvent,
    agent: Option<AgentId>,
) -> AppResult<bool> {
    let Some(call) = store::load(&state.db, site, id).await? else {
        return Ok(false);
    };
    let Ok(to) = call.state.apply(event) else {
        return Ok(false);
    };
    let change = Change {
        from: call.state,
        to,
        agent,
        ring_for: state.config.calls.ring_timeout,
        ended_by: to.is_final().then_some(EndedBy::System),
    };
    apply(state, site, &call, &change).await
}

async fn loaded(state: &AppState, site: SiteId, id: CallId) -> AppResult<Call> {
    store::load(&state.db, site, id)
        .await?
        .ok_or_else(|| AppError::not_found("call"))
}

async fn publish_changed(state: &AppState, site: SiteId, call: &Call) {
    publish(state, site, &HubEvent::CallChanged { call: call.clone() }).await;
}

/// Tells every queued caller of the site their place.
async fn announce_queue(state: &AppState, site: SiteId) -> AppResult<()> {
    for (index, queued) in store::queued(&state.db, site).await?.iter().enumerate() {
        let event = HubEvent::CallQueued {
            call_id: queued.id,
            visitor_id: queued.visitor,
            position: index as u64 + 1,
        };
        publish(state, site, &event).await;
    }
    Ok(())
}
