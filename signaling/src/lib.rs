//! # Livedesk call signaling
//!
//! The call state machine shared by the server, the widget and the dashboard. It does no
//! IO: each side feeds it the events it sees (its own actions, frames from the other party,
//! timers) and acts on the state it returns. Media and the WebRTC frames that carry offers,
//! answers and ICE candidates build on this.

use serde::{Deserialize, Serialize};

/// Where a call stands. The last five are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    Idle,
    /// The callee is being rung.
    Ringing,
    /// The callee accepted; the peers are exchanging offer, answer and candidates.
    Connecting,
    /// Media flows.
    Active,
    /// Hung up after being active.
    Ended,
    /// The callee declined.
    Rejected,
    /// Nobody answered before the ring timeout.
    Missed,
    /// The caller hung up while it was ringing.
    Cancelled,
    /// The peers could not connect, or a party vanished.
    Failed,
}

/// Something that happened to a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallEvent {
    Dial,
    Accept,
    Reject,
    RingTimeout,
    MediaConnected,
    ConnectionFailed,
    HangUp,
}

/// An event that makes no sense in the current state (e.g. accepting a call that ended).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: CallState,
    pub event: CallEvent,
}

impl CallState {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Ended | Self::Rejected | Self::Missed | Self::Cancelled | Self::Failed
        )
    }

    pub fn apply(self, event: CallEvent) -> Result<CallState, InvalidTransition> {
        use CallEvent as E;
        use CallState as S;
        let next = match (self, event) {
            (S::Idle, E::Dial) => S::Ringing,
            (S::Ringing, E::Accept) => S::Connecting,
            (S::Ringing, E::Reject) => S::Rejected,
            (S::Ringing, E::RingTimeout) => S::Missed,
            (S::Ringing, E::HangUp) => S::Cancelled,
            (S::Connecting, E::MediaConnected) => S::Active,
            (S::Connecting, E::ConnectionFailed) => S::Failed,
            (S::Connecting | S::Active, E::HangUp) => S::Ended,
            (S::Active, E::ConnectionFailed) => S::Failed,
            (from, event) => return Err(InvalidTransition { from, event }),
        };
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallEvent as E;
    use CallState as S;

    const ALL_STATES: [S; 9] = [
        S::Idle,
        S::Ringing,
        S::Connecting,
        S::Active,
        S::Ended,
        S::Rejected,
        S::Missed,
        S::Cancelled,
        S::Failed,
    ];
    const ALL_EVENTS: [E; 7] = [
        E::Dial,
        E::Accept,
        E::Reject,
        E::RingTimeout,
        E::MediaConnected,
        E::ConnectionFailed,
        E::HangUp,
    ];

    #[test]
    fn a_call_that_is_answered_and_hung_up_ends() {
        let state = [E::Dial, E::Accept, E::MediaConnected, E::HangUp]
            .into_iter()
            .try_fold(S::Idle, S::apply);
        assert_eq!(state, Ok(S::Ended));
    }

    #[test]
    fn ringing_calls_end_as_the_seed_describes() {
        let cases = [
            (E::Reject, S::Rejected),
            (E::RingTimeout, S::Missed),
            (E::HangUp, S::Cancelled),
        ];
        for (event, expected) in cases {
            assert_eq!(S::Ringing.apply(event), Ok(expected), "{event:?}");
        }
    }

    #[test]
    fn final_states_accept_no_event() {
        for state in ALL_STATES.into_iter().filter(|s| s.is_final()) {
            for event in ALL_EVENTS {
                assert!(state.apply(event).is_err(), "{state:?} + {event:?}");
            }
        }
    }
}
