//! What an agent does to a conversation or to themself over the socket (take a chat,
//! close, transfer, tag, note, edit, delete, change state). Each frame carries a client id;
//! the server answers `done` or an error naming it, and an error is shown as a notice that
//! says which action failed.

use leptos::prelude::*;
use livedesk_protocol::chat::{EDIT_WINDOW_SECS, Message, MessageBody};
use livedesk_protocol::frames::AgentFrame;
use livedesk_protocol::ids::{ClientId, ConversationId, MessageId, VisitorId};
use livedesk_protocol::presence::AgentStateChoice;
use livedesk_protocol::routing::TransferTarget;
use time::OffsetDateTime;

use crate::desk::{Desk, capitalised, new_client_id};

/// A passing message at the bottom of the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

const START_CHAT: &str = "Starting the chat";

/// How long a notice stays.
const NOTICE_MS: u64 = 6_000;

impl Desk {
    pub fn notify(self, text: impl Into<String>, error: bool) {
        let notice = Notice {
            text: text.into(),
            error,
        };
        self.notice.set(Some(notice.clone()));
        set_timeout(
            move || {
                if self.notice.get_untracked().as_ref() == Some(&notice) {
                    self.notice.set(None);
                }
            },
            std::time::Duration::from_millis(NOTICE_MS),
        );
    }

    /// Sends the frame `make` builds for a fresh client id and remembers what it was for.
    fn act(self, what: &'static str, make: impl FnOnce(ClientId) -> AgentFrame) -> bool {
        let Some(cid) = new_client_id() else {
            self.notify("This browser cannot create message ids.", true);
            return false;
        };
        if !self.socket.get_value().send(&make(cid)) {
            self.notify(
                format!("{what} failed: not connected. Try again when the connection is back."),
                true,
            );
            return false;
        }
        self.actions.update_value(|a| a.push((cid, what)));
        true
    }

    /// Writes to a visitor on the site, opening a chat with them that is the agent's.
    pub fn start_chat(self, visitor_id: VisitorId, raw: &str) -> Result<(), String> {
        let body = MessageBody::parse(raw).map_err(|e| capitalised(&e.to_string()))?;
        self.act(START_CHAT, |cid| AgentFrame::StartChat {
            cid,
            visitor_id,
            body: body.into_string(),
        });
        Ok(())
    }

    /// A message with `cid` was stored: a chat the agent started opens in the inbox.
    pub(crate) fn on_acked(self, cid: ClientId, message: &Message) {
        let mut started = false;
        self.actions.update_value(|a| {
            if let Some(i) = a
                .iter()
                .position(|(c, what)| *c == cid && *what == START_CHAT)
            {
                a.remove(i);
                started = true;
            }
        });
        if started {
            self.go(crate::route::Page::Inbox);
            self.show_view(livedesk_protocol::chat::InboxView::Mine);
            self.reload_inbox();
            self.open_conversation(message.conversation_id);
        }
    }

    /// The action with `cid` was carried out.
    pub(crate) fn on_done(self, cid: ClientId) {
        self.actions.update_value(|a| a.retain(|(c, _)| *c != cid));
    }

    /// The action with `cid` was refused; `false` when no action of ours had that id.
    pub(crate) fn on_refused(self, cid: ClientId, message: &str) -> bool {
        let mut what = None;
        self.actions.update_value(|a| {
            if let Some(i) = a.iter().position(|(c, _)| *c == cid) {
                what = Some(a.remove(i).1);
            }
        });
        match what {
            Some(what) => {
                self.notify(
                    format!("{what} failed: {}.", message.trim_end_matches('.')),
                    true,
                );
                true
            }
            None => false,
        }
    }

    /// Takes a waiting chat from the queue and opens it.
    pub fn accept(self, conversation_id: ConversationId) {
        if self.act("Taking the chat", |cid| AgentFrame::Accept {
            cid,
            conversation_id,
        }) {
            self.open_conversation(conversation_id);
        }
    }

    pub fn close(self, conversation_id: ConversationId) {
        self.act("Closing the chat", |cid| AgentFrame::Close {
            cid,
            conversation_id,
        });
    }

    pub fn transfer(self, conversation_id: ConversationId, to: TransferTarget, note: String) {
        let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
        self.act("The transfer", |cid| AgentFrame::Transfer {
            cid,
            conversation_id,
            to,
            note,
        });
    }

    pub fn tag(self, conversation_id: ConversationId, tag: &str) {
        let tag = tag.trim().to_owned();
        if tag.is_empty() {
            return;
        }
        self.act("Adding the tag", |cid| AgentFrame::Tag {
            cid,
            conversation_id,
            tag,
        });
    }

    pub fn untag(self, conversation_id: ConversationId, tag: String) {
        self.act("Removing the tag", |cid| AgentFrame::Untag {
            cid,
            conversation_id,
            tag,
        });
    }

    /// Adds an internal note; the reason when the text is not a valid note.
    pub fn add_note(self, conversation_id: ConversationId, raw: &str) -> Result<(), String> {
        let body = MessageBody::parse(raw).map_err(|e| capitalised(&e.to_string()))?;
        self.act("Adding the note", |cid| AgentFrame::Note {
            cid,
            conversation_id,
            body: body.into_string(),
        });
        Ok(())
    }

    pub fn edit(self, message_id: MessageId, raw: &str) -> Result<(), String> {
        let body = MessageBody::parse(raw).map_err(|e| capitalised(&e.to_string()))?;
        self.act("Editing the message", |cid| AgentFrame::Edit {
            cid,
            message_id,
            body: body.into_string(),
        });
        Ok(())
    }

    pub fn delete(self, message_id: MessageId) {
        self.act("Deleting the message", |cid| AgentFrame::Delete {
            cid,
            message_id,
        });
    }

    pub fn set_state(self, choice: AgentStateChoice) {
        self.act("Changing your state", |cid| AgentFrame::SetState {
            cid,
            choice,
        });
    }

    /// Whether the signed-in agent may still edit or delete `message` (their own, not
    /// deleted, sent less than the edit window ago).
    pub fn may_change(self, message: &Message, now: OffsetDateTime) -> bool {
        let mine = self.agent.with_untracked(|a| {
            a.as_ref().is_some_and(|a| {
                matches!(&message.author, livedesk_protocol::chat::Author::Agent { id, .. } if *id == a.id)
            })
        });
        mine && !message.deleted && (now - message.created_at).whole_seconds() < EDIT_WINDOW_SECS
    }
}
