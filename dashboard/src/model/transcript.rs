//! The open conversation's messages: ascending `seq`, each `seq` once.

use livedesk_protocol::chat::Message;

/// Inserts a message in `seq` order; a message whose `seq` is already there is dropped
/// (replays after a reconnect, or a frame that raced the history request). Returns whether
/// it was new.
pub fn insert(messages: &mut Vec<Message>, message: Message) -> bool {
    match messages.binary_search_by_key(&message.seq, |m| m.seq) {
        Ok(_) => false,
        Err(at) => {
            messages.insert(at, message);
            true
        }
    }
}

/// An edited or deleted message takes the place of the one with its `seq`; one not shown
/// yet is inserted.
pub fn replace(messages: &mut Vec<Message>, message: Message) {
    match messages.binary_search_by_key(&message.seq, |m| m.seq) {
        Ok(at) => messages[at] = message,
        Err(at) => messages.insert(at, message),
    }
}

/// The `seq` to resume after: the newest one seen, 0 when none.
pub fn last_seq(messages: &[Message]) -> i64 {
    messages.last().map_or(0, |m| m.seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{message, summary};

    #[test]
    fn messages_stay_in_seq_order_without_duplicates() {
        let c = summary(1, 0).id;
        let mut messages = Vec::new();
        for seq in [2, 1, 3, 2, 1] {
            insert(&mut messages, message(c, seq, seq, true));
        }
        let seqs: Vec<i64> = messages.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 2, 3]);
        assert_eq!(last_seq(&messages), 3);
        assert_eq!(last_seq(&[]), 0);
    }

    #[test]
    fn an_edit_replaces_its_message_in_place() {
        let c = summary(1, 0).id;
        let mut messages = Vec::new();
        for seq in [1, 2, 3] {
            insert(&mut messages, message(c, seq, seq, false));
        }
        let mut edited = messages[1].clone();
        edited.body = "fixed".into();
        replace(&mut messages, edited);
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[1].body, "fixed");
    }
}
