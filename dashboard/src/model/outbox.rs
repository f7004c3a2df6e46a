//! Replies the agent sent that the server has not acknowledged yet.

use livedesk_protocol::ids::{ClientId, ConversationId};

/// A reply waiting for its ack. It is resent with the same `cid` after a reconnect, so the
/// server stores it once however many times it arrives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSend {
    pub cid: ClientId,
    pub conversation_id: ConversationId,
    pub body: String,
    /// The server refused it, with this reason; it is not resent on its own.
    pub failed: Option<String>,
}

/// Removes the send named `cid` (it was acked, or its message came back); returns whether it
/// was there.
pub fn settle(outbox: &mut Vec<PendingSend>, cid: ClientId) -> bool {
    let before = outbox.len();
    outbox.retain(|p| p.cid != cid);
    outbox.len() != before
}

pub fn fail(outbox: &mut [PendingSend], cid: ClientId, reason: String) {
    if let Some(pending) = outbox.iter_mut().find(|p| p.cid == cid) {
        pending.failed = Some(reason);
    }
}
