//! Which messages the visitor has on screen, and where a newly arrived one goes.
//!
//! Stored messages are ordered by `seq`; messages the visitor sent that the server has not
//! acknowledged yet ("pending") stay below them, in the order they were sent. A stored
//! message can arrive more than once (as an ack, as a live `message` frame, in a replay
//! after a reconnect); only its first arrival is shown.

use livedesk_protocol::ids::{ClientId, ConversationId};

use crate::wire::ChatMessage;

#[derive(Default)]
pub struct Transcript {
    /// The conversation the stored seqs belong to.
    conversation: Option<ConversationId>,
    /// Ascending. A sorted `Vec` rather than a `BTreeSet`: the B-tree's code would cost the
    /// widget's wasm more than the whole transcript logic.
    stored: Vec<i64>,
    /// In send order.
    pending: Vec<Pending>,
}

pub struct Pending {
    pub cid: ClientId,
    pub body: String,
    /// Refused by the server: shown as failed and not sent again.
    pub failed: bool,
}

/// Where a message element goes: before the stored message with this seq, before this
/// pending message, or at the end of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Seq(i64),
    Pending(ClientId),
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Already on screen.
    Duplicate,
    /// The stored form of the pending message `cid`: move that element to `anchor`.
    Confirms { cid: ClientId, anchor: Anchor },
    /// A message not on screen yet: insert it at `anchor`.
    New { anchor: Anchor },
}

impl Transcript {
    /// The seq to resume after: the newest stored message on screen, or 0.
    pub fn last_seq(&self) -> i64 {
        self.stored.last().copied().unwrap_or(0)
    }

    pub fn conversation(&self) -> Option<ConversationId> {
        self.conversation
    }

    /// Follows `id` from now on. A different conversation than before starts with no seqs
    /// seen (the old messages stay on screen, above).
    pub fn follow(&mut self, id: ConversationId) {
        if self.conversation != Some(id) {
            self.conversation = Some(id);
            self.stored.clear();
        }
    }

    pub fn add_pending(&mut self, cid: ClientId, body: String) {
        self.pending.push(Pending {
            cid,
            body,
            failed: false,
        });
    }

    /// Marks the pending message `cid` as refused; false if there is no such message.
    pub fn fail(&mut self, cid: ClientId) -> bool {
        match self.pending.iter_mut().find(|p| p.cid == cid && !p.failed) {
            Some(p) => {
                p.failed = true;
                true
            }
            None => false,
        }
    }

    /// Pending messages to send (again) after a (re)connect, in send order.
    pub fn unsent(&self) -> impl Iterator<Item = &Pending> {
        self.pending.iter().filter(|p| !p.failed)
    }

    /// Records a stored message. `sender_cid` is the client id it answers when it came
    /// in an ack; otherwise the message's own `client_id` is used.
    pub fn place(&mut self, message: &ChatMessage, sender_cid: Option<ClientId>) -> Placement {
        self.follow(message.conversation_id);
        let Err(index) = self.stored.binary_search(&message.seq) else {
            return Placement::Duplicate;
        };
        self.stored.insert(index, message.seq);
        let confirmed = sender_cid
            .or(message.client_id)
            .and_then(|cid| self.pending.iter().position(|p| p.cid == cid && !p.failed))
            .map(|index| self.pending.remove(index).cid);
        let anchor = self.anchor_after(index);
        match confirmed {
            Some(cid) => Placement::Confirms { cid, anchor },
            None => Placement::New { anchor },
        }
    }

    /// Where the stored message at `index` of `stored` goes.
    fn anchor_after(&self, index: usize) -> Anchor {
        if let Some(next) = self.stored.get(index + 1) {
            Anchor::Seq(*next)
        } else if let Some(first) = self.pending.first() {
            Anchor::Pending(first.cid)
        } else {
            Anchor::End
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::wire::Sender;

    fn cid(n: u128) -> ClientId {
        ClientId(Uuid::from_u128(n))
    }

    fn message(conversation: u128, seq: i64, client_id: Option<ClientId>) -> ChatMessage {
        ChatMessage {
            conversation_id: ConversationId(Uuid::from_u128(conversation)),
            seq,
            client_id,
            author: Sender::System,
            body: format!("message {seq}"),
        }
    }

    #[test]
    fn a_replayed_message_is_shown_once() {
        let mut transcript = Transcript::default();

        let first = transcript.place(&message(1, 1, None), None);
        let again = transcript.place(&message(1, 1, None), None);

        assert_eq!(
            first,
            Placement::New {
                anchor: Anchor::End
            }
        );
        assert_eq!(again, Placement::Duplicate);
        assert_eq!(transcript.last_seq(), 1);
    }

    #[test]
    fn an_ack_confirms_the_pending_message_and_the_echo_is_ignored() {
        let mut transcript = Transcript::default();
        transcript.add_pending(cid(7), "hello".into());

        let ack = transcript.place(&message(1, 3, Some(cid(7))), Some(cid(7)));
        let echo = transcript.place(&message(1, 3, Some(cid(7))), None);

        assert_eq!(
            ack,
            Placement::Confirms {
                cid: cid(7),
                anchor: Anchor::End
            }
        );
        assert_eq!(echo, Placement::Duplicate);
        assert_eq!(transcript.unsent().count(), 0);
    }

    #[test]
    fn a_lost_ack_is_made_up_for_by_the_replay() {
        let mut transcript = Transcript::default();
        transcript.add_pending(cid(7), "hello".into());

        let replayed = transcript.place(&message(1, 1, Some(cid(7))), None);

        assert_eq!(
            replayed,
            Placement::Confirms {
                cid: cid(7),
                anchor: Anchor::End
            }
        );
    }

    #[test]
    fn messages_are_ordered_by_seq_and_stay_above_pending_ones() {
        let mut transcript = Transcript::default();
        transcript.place(&message(1, 2, None), None);
        transcript.add_pending(cid(7), "later".into());

        let older = transcript.place(&message(1, 1, None), None);
        let newer = transcript.place(&message(1, 3, None), None);

        assert_eq!(
            older,
            Placement::New {
                anchor: Anchor::Seq(2)
            }
        );
        assert_eq!(
            newer,
            Placement::New {
                anchor: Anchor::Pending(cid(7))
            }
        );
        assert_eq!(transcript.last_seq(), 3);
    }

    #[test]
    fn an_ack_overtaken_by_a_newer_message_moves_above_it() {
        let mut transcript = Transcript::default();
        transcript.add_pending(cid(7), "mine".into());
        transcript.place(&message(1, 6, None), None);

        let ack = transcript.place(&message(1, 5, Some(cid(7))), Some(cid(7)));

        assert_eq!(
            ack,
            Placement::Confirms {
                cid: cid(7),
                anchor: Anchor::Seq(6)
            }
        );
    }

    #[test]
    fn refused_messages_are_not_sent_again() {
        let mut transcript = Transcript::default();
        transcript.add_pending(cid(1), "one".into());
        transcript.add_pending(cid(2), "two".into());

        assert!(transcript.fail(cid(1)));
        assert!(!transcript.fail(cid(9)));

        let unsent: Vec<_> = transcript.unsent().map(|p| p.body.as_str()).collect();
        assert_eq!(unsent, ["two"]);
    }

    #[test]
    fn a_new_conversation_starts_from_seq_zero() {
        let mut transcript = Transcript::default();
        transcript.place(&message(1, 4, None), None);

        transcript.follow(ConversationId(Uuid::from_u128(2)));

        assert_eq!(transcript.last_seq(), 0);
        assert_eq!(
            transcript.place(&message(2, 1, None), None),
            Placement::New {
                anchor: Anchor::End
            }
        );
    }
}
