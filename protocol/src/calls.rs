//! Voice and video calls as clients see them. The state machine and the payloads the peers
//! exchange (descriptions, candidates, media state) are `livedesk-signaling`'s, re-exported
//! here so clients need one crate for the wire.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AgentId, CallId, ConversationId, VisitorId};

pub use livedesk_signaling::ice::{IceConfig, IceServer};
pub use livedesk_signaling::payload::{
    CallKind, IceCandidate, MediaState, PayloadError, SdpType, SessionDescription,
};
pub use livedesk_signaling::state::CallState;

/// How a finished call went, as stored with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Answered,
    Missed,
    Rejected,
    Cancelled,
    Failed,
}

impl CallOutcome {
    /// The outcome of a call that reached `state`; `None` while it is not over.
    pub fn of(state: CallState) -> Option<CallOutcome> {
        match state {
            CallState::Ended => Some(Self::Answered),
            CallState::Missed => Some(Self::Missed),
            CallState::Rejected => Some(Self::Rejected),
            CallState::Cancelled => Some(Self::Cancelled),
            CallState::Failed => Some(Self::Failed),
            CallState::Idle
            | CallState::Queued
            | CallState::Ringing
            | CallState::Connecting
            | CallState::Active => None,
        }
    }
}

/// Who ended a call: one of its parties, or the server (ring timeout, a lost connection).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Visitor,
    Agent,
    System,
}

/// A call, as the visitor and the site's agents see it in `call_changed` frames.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub id: CallId,
    pub conversation_id: ConversationId,
    pub visitor_id: VisitorId,
    /// The agent being rung or in the call; `null` while queued (and for a call that ended
    /// in the queue).
    pub agent_id: Option<AgentId>,
    pub agent_name: Option<String>,
    pub kind: CallKind,
    pub state: CallState,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// While ringing (or queued): when it counts as missed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ring_deadline: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ended_at: Option<OffsetDateTime>,
    /// From answer to end, in whole seconds (answered calls only).
    pub duration_secs: Option<u64>,
    pub outcome: Option<CallOutcome>,
    pub ended_by: Option<EndedBy>,
}
