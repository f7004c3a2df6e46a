//! The call state machine. A call is started by a visitor (the caller) and taken by an agent
//! (the callee):
//!
//! ```text
//! idle ─dial─▶ ringing ─accept─▶ connecting ─media_connected─▶ active ─hang_up─▶ ended
//!   └─queue─▶ queued ─ring─▶ ringing
//! ringing: reject ▶ rejected, ring_timeout ▶ missed, hang_up ▶ cancelled
//! queued:  ring_timeout (waited too long) ▶ missed, hang_up ▶ cancelled
//! connecting, active: hang_up ▶ ended, connection_failed ▶ failed
//! any live state: lost (a party's connection did not come back) ▶ failed
//! ```

use serde::{Deserialize, Serialize};

/// Where a call stands. The last five are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    Idle,
    /// Nobody can take the call now: it waits in the site's call queue.
    Queued,
    /// An agent is being rung.
    Ringing,
    /// The agent accepted; the peers are exchanging offer, answer and candidates.
    Connecting,
    /// Media flows.
    Active,
    /// Hung up after being answered.
    Ended,
    /// The agent declined.
    Rejected,
    /// Nobody answered before the ring timeout (or the queue wait ran out).
    Missed,
    /// The caller hung up before it was answered.
    Cancelled,
    /// The peers could not connect, or a party vanished.
    Failed,
}

/// Something that happened to a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallEvent {
    /// The caller calls and an agent is rung at once.
    Dial,
    /// The caller calls and nobody can take it: the call queues.
    Queue,
    /// An agent became free for a queued call and is rung.
    Ring,
    Accept,
    Reject,
    /// The ring (or the wait in the queue) lasted too long.
    RingTimeout,
    MediaConnected,
    ConnectionFailed,
    HangUp,
    /// A party's connection was lost and did not come back in time.
    Lost,
}

/// An event that makes no sense in the current state (e.g. accepting a call that ended).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: CallState,
    pub event: CallEvent,
}

impl std::fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a {:?} call cannot {:?}", self.from, self.event)
    }
}

impl std::error::Error for InvalidTransition {}

impl CallState {
    pub const ALL: [CallState; 10] = [
        CallState::Idle,
        CallState::Queued,
        CallState::Ringing,
        CallState::Connecting,
        CallState::Active,
        CallState::Ended,
        CallState::Rejected,
        CallState::Missed,
        CallState::Cancelled,
        CallState::Failed,
    ];

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Ended | Self::Rejected | Self::Missed | Self::Cancelled | Self::Failed
        )
    }

    /// Whether the peers may exchange descriptions, candidates and media state: from the
    /// agent's accept until the call ends.
    pub fn relays_signals(self) -> bool {
        matches!(self, Self::Connecting | Self::Active)
    }

    /// The state's name in frames and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Queued => "queued",
            Self::Ringing => "ringing",
            Self::Connecting => "connecting",
            Self::Active => "active",
            Self::Ended => "ended",
            Self::Rejected => "rejected",
            Self::Missed => "missed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    /// The inverse of [`CallState::as_str`].
    pub fn parse(name: &str) -> Option<CallState> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn apply(self, event: CallEvent) -> Result<CallState, InvalidTransition> {
        use CallEvent as E;
        use CallState as S;
        let next = match (self, event) {
            (S::Idle, E::Dial) => S::Ringing,
            (S::Idle, E::Queue) => S::Queued,
            (S::Queued, E::Ring) => S::Ringing,
            (S::Queued | S::Ringing, E::HangUp) => S::Cancelled,
            (S::Queued | S::Ringing, E::RingTimeout) => S::Missed,
            (S::Ringing, E::Accept) => S::Connecting,
            (S::Ringing, E::Reject) => S::Rejected,
            (S::Connecting, E::MediaConnected) => S::Active,
            (S::Connecting | S::Active, E::ConnectionFailed) => S::Failed,
            (S::Connecting | S::Active, E::HangUp) => S::Ended,
            (S::Queued | S::Ringing | S::Connecting | S::Active, E::Lost) => S::Failed,
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

    const EVENTS: [E; 10] = [
        E::Dial,
        E::Queue,
        E::Ring,
        E::Accept,
        E::Reject,
        E::RingTimeout,
        E::MediaConnected,
        E::ConnectionFailed,
        E::HangUp,
        E::Lost,
    ];

    const X: Option<S> = None;
    const fn to(state: S) -> Option<S> {
        Some(state)
    }

    /// Every state × every event. Columns follow [`EVENTS`]:
    /// dial, queue, ring, accept, reject, ring_timeout, media_connected, connection_failed,
    /// hang_up, lost. `X`: refused.
    #[rustfmt::skip]
    const TABLE: [(S, [Option<S>; 10]); 10] = [
        (S::Idle,       [to(S::Ringing), to(S::Queued), X, X, X, X, X, X, X, X]),
        (S::Queued,     [X, X, to(S::Ringing), X, X, to(S::Missed), X, X, to(S::Cancelled), to(S::Failed)]),
        (S::Ringing,    [X, X, X, to(S::Connecting), to(S::Rejected), to(S::Missed), X, X, to(S::Cancelled), to(S::Failed)]),
        (S::Connecting, [X, X, X, X, X, X, to(S::Active), to(S::Failed), to(S::Ended), to(S::Failed)]),
        (S::Active,     [X, X, X, X, X, X, X, to(S::Failed), to(S::Ended), to(S::Failed)]),
        (S::Ended,      [X, X, X, X, X, X, X, X, X, X]),
        (S::Rejected,   [X, X, X, X, X, X, X, X, X, X]),
        (S::Missed,     [X, X, X, X, X, X, X, X, X, X]),
        (S::Cancelled,  [X, X, X, X, X, X, X, X, X, X]),
        (S::Failed,     [X, X, X, X, X, X, X, X, X, X]),
    ];

    #[test]
    fn every_state_and_event_does_what_the_table_says() {
        assert_eq!(TABLE.map(|(s, _)| s), S::ALL, "one row per state, in order");
        for (state, row) in TABLE {
            for (event, expected) in EVENTS.into_iter().zip(row) {
                let got = state.apply(event);
                match expected {
                    Some(next) => assert_eq!(got, Ok(next), "{state:?} + {event:?}"),
                    None => assert_eq!(
                        got,
                        Err(InvalidTransition { from: state, event }),
                        "{state:?} + {event:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn final_states_are_those_no_event_leaves() {
        for (state, row) in TABLE {
            let leaves = row.iter().any(Option::is_some);
            assert_eq!(state.is_final(), !leaves && state != S::Idle, "{state:?}");
        }
    }

    #[test]
    fn calls_end_as_the_seed_describes() {
        let cases: [(&[E], S); 8] = [
            (
                &[E::Dial, E::Accept, E::MediaConnected, E::HangUp],
                S::Ended,
            ),
            (&[E::Dial, E::Reject], S::Rejected),
            (&[E::Dial, E::RingTimeout], S::Missed),
            (&[E::Dial, E::HangUp], S::Cancelled),
            (&[E::Queue, E::Ring, E::Accept, E::HangUp], S::Ended),
            (&[E::Queue, E::RingTimeout], S::Missed),
            (&[E::Dial, E::Accept, E::ConnectionFailed], S::Failed),
            (&[E::Dial, E::Accept, E::MediaConnected, E::Lost], S::Failed),
        ];
        for (events, expected) in cases {
            let end = events.iter().try_fold(S::Idle, |s, e| s.apply(*e));
            assert_eq!(end, Ok(expected), "{events:?}");
        }
    }

    #[test]
    fn only_answered_calls_relay_signals() {
        let relaying: Vec<S> = S::ALL.into_iter().filter(|s| s.relays_signals()).collect();
        assert_eq!(relaying, [S::Connecting, S::Active]);
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Some(state));
            let json = serde_json::to_string(&state).expect("serialises");
            assert_eq!(json, format!("\"{}\"", state.as_str()));
        }
        assert_eq!(S::parse("on_hold"), None);
    }
}
