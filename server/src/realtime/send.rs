//! Publishing what was stored to every node, and sending a message: store it, then
//! publish it.

use livedesk_protocol::chat::{Author, Message, MessageBody};
use livedesk_protocol::ids::{ClientId, ConversationId, MessageId, SiteId};
use livedesk_protocol::routing::Tag;

use super::event::HubEvent;
use crate::assignment;
use crate::auth::CurrentAgent;
use crate::chat::closing::Closed;
use crate::chat::editing::{self, Change, Editor};
use crate::chat::store::{self, Sender};
use crate::chat::{notes, tags};
use crate::error::AppResult;
use crate::state::AppState;

/// Stores a message, then publishes it. A message that is stored is acknowledged even if
/// publishing fails: it is durable, and other clients get it when they resume.
pub async fn store_and_publish(
    state: &AppState,
    site: SiteId,
    sender: Sender,
    cid: ClientId,
    body: MessageBody,
) -> AppResult<Message> {
    let author = match sender {
        Sender::Visitor { .. } => "visitor",
        Sender::Agent { .. } | Sender::AgentToVisitor { .. } => "agent",
    };
    // An agent who starts a chat keeps it; a visitor's new chat is routed.
    let starter = match &sender {
        Sender::AgentToVisitor { id, .. } => Some(*id),
        _ => None,
    };
    let appended = store::append(&state.db, site, sender, cid, body).await?;
    if !appended.duplicate {
        metrics::counter!("livedesk_messages_total", "author" => author).increment(1);
    }
    // A duplicate is published again: the first attempt may have stopped before publishing.
    for event in events_for(&appended) {
        publish(state, site, &event).await;
    }
    if let Some(opened) = &appended.opened {
        // The message is stored and acknowledged whatever happens here; a conversation
        // that could not be queued is queued again when the queue is rebuilt.
        let queued = match starter {
            Some(agent) => assignment::on_opened_by_agent(state, site, agent, opened.id).await,
            None => assignment::on_opened(state, site, opened.id).await,
        };
        if let Err(error) = queued {
            tracing::error!(?error, conversation = %opened.id, "queueing a new conversation failed");
        }
    }
    Ok(appended.message)
}

/// Publishes an event about something already stored. A failure is counted and logged but
/// does not undo the change: clients catch up when they resume or reload.
pub async fn publish(state: &AppState, site: SiteId, event: &HubEvent) {
    if let Err(error) = state.hub.publish(site, event).await {
        metrics::counter!("livedesk_publish_failures_total").increment(1);
        tracing::error!(%error, "publishing an event failed");
    }
}

/// Published events for a stored message (used by both peers).
fn events_for(appended: &store::Appended) -> Vec<HubEvent> {
    let mut events = Vec::with_capacity(2);
    if let Some(conversation) = &appended.opened {
        events.push(HubEvent::ConversationOpened {
            conversation: conversation.clone(),
        });
    }
    events.push(HubEvent::Message {
        visitor_id: appended.visitor_id,
        message: appended.message.clone(),
    });
    events
}

/// Adds an internal note and shows it to the site's agents.
pub async fn add_note(
    state: &AppState,
    site: SiteId,
    agent: &CurrentAgent,
    conversation: ConversationId,
    cid: ClientId,
    body: &str,
) -> AppResult<()> {
    let body = MessageBody::parse(body)?;
    let (note, new) = notes::add(
        &mut *state.db.acquire().await?,
        site,
        conversation,
        (agent.id, &agent.name),
        cid,
        &body,
    )
    .await?;
    if new {
        publish(state, site, &HubEvent::NoteAdded { note }).await;
    }
    Ok(())
}

/// Puts a tag on a conversation (`add`) or takes it off, and shows the tags to the agents.
pub async fn change_tag(
    state: &AppState,
    site: SiteId,
    conversation: ConversationId,
    tag: &str,
    add: bool,
) -> AppResult<()> {
    let tag = Tag::parse(tag)?;
    let tagged = if add {
        tags::add(&state.db, site, conversation, &tag).await?
    } else {
        tags::remove(&state.db, site, conversation, &tag).await?
    };
    if tagged.changed {
        let event = HubEvent::TagsChanged {
            conversation_id: conversation,
            tags: tagged.tags,
        };
        publish(state, site, &event).await;
    }
    Ok(())
}

/// Changes the text of a message for its author, after checking the new text.
pub async fn edit_message(
    state: &AppState,
    site: SiteId,
    editor: Editor,
    id: MessageId,
    body: &str,
) -> AppResult<()> {
    let body = MessageBody::parse(body)?;
    change_message(state, site, editor, id, Change::Edit(body)).await
}

/// Edits or deletes a message for its author and tells everyone who can see it.
pub async fn change_message(
    state: &AppState,
    site: SiteId,
    editor: Editor,
    id: MessageId,
    change: Change,
) -> AppResult<()> {
    let changed = editing::change(&state.db, site, editor, id, change).await?;
    if changed.changed {
        publish(
            state,
            site,
            &HubEvent::MessageChanged {
                visitor_id: changed.visitor,
                message: changed.message,
            },
        )
        .await;
    }
    Ok(())
}

/// Tells everyone a conversation closed, and frees its place in the queue or its agent.
pub async fn announce_closed(state: &AppState, site: SiteId, closed: Closed, closed_by: Author) {
    let event = HubEvent::ConversationClosed {
        conversation_id: closed.conversation,
        visitor_id: closed.visitor,
        closed_by,
    };
    publish(state, site, &event).await;
    if let Err(error) = assignment::on_closed(state, site, closed.conversation).await {
        tracing::error!(?error, conversation = %closed.conversation, "freeing a closed conversation's place failed");
    }
}
