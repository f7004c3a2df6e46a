//! Typing indicators and receipts: small signals between the two sides of a conversation.

use livedesk_protocol::chat::{Author, Party};
use livedesk_protocol::ids::{ConversationId, SiteId, VisitorId};

use super::event::HubEvent;
use super::send::publish;
use crate::chat::receipts;
use crate::error::AppResult;
use crate::state::AppState;

pub async fn typing(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
    visitor: VisitorId,
    author: Author,
    typing: bool,
) {
    let event = HubEvent::Typing {
        conversation_id: conversation,
        visitor_id: visitor,
        author,
        typing,
    };
    publish(state, site, &event).await;
}

/// Records a receipt and, when it moved, tells both sides.
pub async fn seen(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
    reader: Party,
    up_to: i64,
    read: bool,
) -> AppResult<()> {
    if let Some(marks) = receipts::mark(&state.db, site, conversation, reader, up_to, read).await? {
        let event = HubEvent::Receipt {
            conversation_id: conversation,
            visitor_id: marks.visitor,
            reader,
            delivered_up_to: marks.delivered_up_to,
            read_up_to: marks.read_up_to,
        };
        publish(state, site, &event).await;
    }
    Ok(())
}
