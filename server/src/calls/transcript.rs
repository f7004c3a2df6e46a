//! What a call leaves in its conversation's transcript: a system message when it is
//! answered and when it ends (with its duration), is missed, declined, cancelled or fails.

use livedesk_protocol::calls::{CallKind, CallState};

/// The system message for a call of `kind` that reached `state`, if it is one the
/// transcript shows.
pub fn line(kind: CallKind, state: CallState, duration_secs: Option<u64>) -> Option<String> {
    let call = match kind {
        CallKind::Voice => "Voice call",
        CallKind::Video => "Video call",
    };
    let after = |what: &str| match duration_secs {
        Some(secs) => format!("{call} {what} after {}", clock(secs)),
        None => format!("{call} {what}"),
    };
    let line = match state {
        CallState::Connecting => format!("{call} started"),
        CallState::Ended => after("ended"),
        CallState::Failed => after("failed"),
        CallState::Missed => format!("Missed {}", call.to_lowercase()),
        CallState::Rejected => format!("{call} declined"),
        CallState::Cancelled => format!("{call} cancelled"),
        CallState::Idle | CallState::Queued | CallState::Ringing | CallState::Active => {
            return None;
        }
    };
    Some(line)
}

/// `m:ss`, or `h:mm:ss` from an hour on.
fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_told_in_the_transcript() {
        use CallKind::{Video, Voice};
        let cases = [
            (
                Voice,
                CallState::Connecting,
                None,
                Some("Voice call started"),
            ),
            (
                Video,
                CallState::Ended,
                Some(125),
                Some("Video call ended after 2:05"),
            ),
            (
                Voice,
                CallState::Ended,
                Some(3_725),
                Some("Voice call ended after 1:02:05"),
            ),
            (
                Voice,
                CallState::Failed,
                Some(7),
                Some("Voice call failed after 0:07"),
            ),
            (Voice, CallState::Failed, None, Some("Voice call failed")),
            (Video, CallState::Missed, None, Some("Missed video call")),
            (
                Voice,
                CallState::Rejected,
                None,
                Some("Voice call declined"),
            ),
            (
                Voice,
                CallState::Cancelled,
                None,
                Some("Voice call cancelled"),
            ),
            (Voice, CallState::Ringing, None, None),
            (Voice, CallState::Queued, None, None),
            (Voice, CallState::Active, None, None),
        ];
        for (kind, state, duration, expected) in cases {
            assert_eq!(
                line(kind, state, duration).as_deref(),
                expected,
                "{kind:?} {state:?}"
            );
        }
    }
}
