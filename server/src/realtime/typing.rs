//! Throttling typing indicators: a client may report every keystroke; the server passes on
//! a `true` at most once per [`REPEAT_AFTER`] per conversation, and a `false` only after a
//! `true` it passed on.

use std::collections::HashMap;
use std::time::Duration;

use livedesk_protocol::ids::ConversationId;
use tokio::time::Instant;

pub const REPEAT_AFTER: Duration = Duration::from_secs(2);

/// One socket's last passed-on typing state per conversation.
#[derive(Default)]
pub struct TypingThrottle {
    last: HashMap<ConversationId, (bool, Instant)>,
}

impl TypingThrottle {
    /// Whether to pass on `typing` now, remembering it if so.
    pub fn admit(&mut self, conversation: ConversationId, typing: bool, now: Instant) -> bool {
        let admit = match self.last.get(&conversation) {
            None => typing,
            Some(&(was_typing, at)) => {
                if typing {
                    !was_typing || now.duration_since(at) >= REPEAT_AFTER
                } else {
                    was_typing
                }
            }
        };
        if admit {
            self.last.insert(conversation, (typing, now));
        }
        admit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystrokes_are_thinned_and_a_stop_follows_a_start() {
        let mut throttle = TypingThrottle::default();
        let conversation = ConversationId::new_random();
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let steps = [
            (0, false, false),  // stop without a start: nothing to say
            (0, true, true),    // first keystroke
            (500, true, false), // within 2 s: thinned
            (1999, true, false),
            (2000, true, true),  // still typing, said again
            (2100, false, true), // stopped
            (2200, false, false),
            (2300, true, true), // typing again right away is news
        ];
        for (ms, typing, expected) in steps {
            assert_eq!(
                throttle.admit(conversation, typing, at(ms)),
                expected,
                "at {ms} ms, typing {typing}"
            );
        }
    }
}
