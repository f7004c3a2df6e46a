//! The dashboard's state and the actions that change it.
//!
//! [`Desk`] is a bundle of signals (all `Copy`), provided once as context. Views read the
//! signals; actions ([`Desk::open_conversation`], [`Desk::send_reply`], [`Desk::on_frame`],
//! …) are the only code that writes them, so the rules live in one place.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::api::AgentProfile;
use livedesk_protocol::chat::{Message, MessageBody};
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};

use crate::model::inbox::{self, Applied, InboxRow};
use crate::model::outbox::{self, PendingSend};
use crate::model::transcript;
use crate::session::{self, SessionCell};
use crate::socket::AgentSocket;

/// Whether the agent is signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthPhase {
    /// A saved session is being restored.
    Checking,
    SignedOut,
    SignedIn,
}

/// Progress of something fetched over HTTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// State of the agent socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Not connected because the agent is signed out.
    Idle,
    /// First connection since sign-in.
    Connecting,
    Online,
    /// The socket dropped; a new attempt is scheduled.
    Reconnecting,
}

#[derive(Clone, Copy)]
pub struct Desk {
    pub auth: RwSignal<AuthPhase>,
    pub agent: RwSignal<Option<AgentProfile>>,
    pub inbox: RwSignal<Vec<InboxRow>>,
    pub inbox_load: RwSignal<Load>,
    /// The conversation shown on the right.
    pub open: RwSignal<Option<ConversationId>>,
    /// Messages of the open conversation.
    pub transcript: RwSignal<Vec<Message>>,
    pub transcript_load: RwSignal<Load>,
    pub outbox: RwSignal<Vec<PendingSend>>,
    pub link: RwSignal<Link>,
    /// The call ringing for the agent or taken by them (see [`crate::call`]).
    pub calls: crate::call::Calls,
    /// Tokens and timers; not reactive and not `Send` (they hold browser handles).
    pub(crate) session: StoredValue<SessionCell, LocalStorage>,
    pub(crate) socket: StoredValue<AgentSocket, LocalStorage>,
    /// A list reload is in flight; further requests for one are folded into it.
    inbox_reloading: StoredValue<bool>,
}

impl Desk {
    pub fn new() -> Self {
        Self {
            auth: RwSignal::new(AuthPhase::Checking),
            agent: RwSignal::new(None),
            inbox: RwSignal::new(Vec::new()),
            inbox_load: RwSignal::new(Load::Loading),
            open: RwSignal::new(None),
            transcript: RwSignal::new(Vec::new()),
            transcript_load: RwSignal::new(Load::Ready),
            outbox: RwSignal::new(Vec::new()),
            link: RwSignal::new(Link::Idle),
            calls: crate::call::Calls::new(),
            session: StoredValue::new_local(SessionCell::default()),
            socket: StoredValue::new_local(AgentSocket::default()),
            inbox_reloading: StoredValue::new(false),
        }
    }

    /// Called once per sign-in: load the inbox and connect.
    pub(crate) fn on_signed_in(self) {
        self.reload_inbox();
        self.socket.get_value().start(self);
    }

    /// Forgets everything that belonged to the signed-out agent.
    pub(crate) fn on_signed_out(self) {
        self.socket.get_value().stop();
        self.link.set(Link::Idle);
        self.inbox.set(Vec::new());
        self.inbox_load.set(Load::Loading);
        self.open.set(None);
        self.transcript.set(Vec::new());
        self.outbox.set(Vec::new());
        self.agent.set(None);
    }

    /// The socket (re)connected: catch up on what happened while it was down.
    pub(crate) fn on_connected(self, reconnected: bool) {
        if reconnected {
            self.reload_inbox();
        }
        let socket = self.socket.get_value();
        if let Some(conversation_id) = self.open.get_untracked() {
            let after_seq = self.transcript.with_untracked(|m| transcript::last_seq(m));
            socket.send(&AgentFrame::Resume {
                conversation_id,
                after_seq,
            });
        }
        for pending in self
            .outbox
            .get_untracked()
            .into_iter()
            .filter(|p| p.failed.is_none())
        {
            socket.send(&AgentFrame::Send {
                cid: pending.cid,
                conversation_id: pending.conversation_id,
                body: pending.body,
            });
        }
    }

    pub fn reload_inbox(self) {
        if self.inbox_reloading.get_value() {
            return;
        }
        self.inbox_reloading.set_value(true);
        spawn_local(async move {
            let result = session::authorized(self, |token| async move {
                crate::api::conversations(&token).await
            })
            .await;
            self.inbox_reloading.set_value(false);
            match result {
                Ok(fetched) => {
                    let open = self.open.get_untracked();
                    self.inbox
                        .update(|rows| inbox::merge_fetched(rows, fetched, open));
                    self.inbox_load.set(Load::Ready);
                }
                // Keep showing what we have; only an empty inbox turns into an error.
                Err(failure) if self.inbox.with_untracked(Vec::is_empty) => {
                    self.inbox_load.set(Load::Failed(failure.message()));
                }
                Err(_) => {}
            }
        });
    }

    pub fn open_conversation(self, id: ConversationId) {
        self.inbox.update(|rows| inbox::mark_read(rows, id));
        if self.open.get_untracked() == Some(id) {
            return;
        }
        self.open.set(Some(id));
        self.transcript.set(Vec::new());
        self.load_transcript(id);
    }

    pub fn load_transcript(self, id: ConversationId) {
        self.transcript_load.set(Load::Loading);
        spawn_local(async move {
            let result = session::authorized(self, |token| async move {
                crate::api::messages(&token, id, 0).await
            })
            .await;
            if self.open.get_untracked() != Some(id) {
                return;
            }
            match result {
                Ok(history) => {
                    self.transcript.update(|messages| {
                        for message in history {
                            transcript::insert(messages, message);
                        }
                    });
                    self.transcript_load.set(Load::Ready);
                }
                Err(failure) => self.transcript_load.set(Load::Failed(failure.message())),
            }
        });
    }

    /// Queues a reply and sends it if the socket is up (otherwise it goes out on reconnect).
    /// Returns the reason when the text is not a valid message.
    pub fn send_reply(self, conversation_id: ConversationId, raw: &str) -> Result<(), String> {
        let body = MessageBody::parse(raw).map_err(|e| capitalised(&e.to_string()))?;
        let cid = new_client_id().ok_or("This browser cannot create message ids.")?;
        let pending = PendingSend {
            cid,
            conversation_id,
            body: body.into_string(),
            failed: None,
        };
        self.transmit(&pending);
        self.outbox.update(|o| o.push(pending));
        Ok(())
    }

    /// Sends a failed reply again, under the same `cid`.
    pub fn retry(self, cid: ClientId) {
        let mut resend = None;
        self.outbox.update(|o| {
            if let Some(p) = o.iter_mut().find(|p| p.cid == cid) {
                p.failed = None;
                resend = Some(p.clone());
            }
        });
        if let Some(pending) = resend {
            self.transmit(&pending);
        }
    }

    pub fn discard(self, cid: ClientId) {
        self.outbox.update(|o| {
            outbox::settle(o, cid);
        });
    }

    fn transmit(self, pending: &PendingSend) {
        self.socket.get_value().send(&AgentFrame::Send {
            cid: pending.cid,
            conversation_id: pending.conversation_id,
            body: pending.body.clone(),
        });
    }

    pub(crate) fn on_frame(self, frame: ServerFrame) {
        match frame {
            ServerFrame::AgentHello { .. } | ServerFrame::Pong => {}
            ServerFrame::ConversationOpened { conversation } => {
                let open = self.open.get_untracked();
                self.inbox
                    .update(|rows| inbox::upsert_opened(rows, conversation, open));
                self.inbox_load.set(Load::Ready);
            }
            ServerFrame::Message { message } => self.on_message(message),
            ServerFrame::Ack { cid, message } => {
                self.outbox.update(|o| {
                    outbox::settle(o, cid);
                });
                self.on_message(message);
            }
            ServerFrame::Error {
                cid: Some(cid),
                message,
                ..
            } => {
                self.outbox.update(|o| outbox::fail(o, cid, message));
            }
            ServerFrame::Error {
                cid: None,
                code,
                message,
            } => {
                web_sys::console::warn_1(
                    &format!("Livedesk socket error {code:?}: {message}").into(),
                );
            }
            // Visitor-only frames never reach an agent socket.
            ServerFrame::VisitorHello { .. } | ServerFrame::SiteStatus { .. } => {}
            // Not shown yet: the live visitors view.
            ServerFrame::VisitorPresence { .. } => {}
            // Not shown yet: the state selector, colleagues' presence, closing, ratings,
            // typing, receipts, edits, assignment, transfers, tags and queue places.
            ServerFrame::AgentPresence { .. }
            | ServerFrame::Typing { .. }
            | ServerFrame::MessageChanged { .. }
            | ServerFrame::ConversationAssigned { .. }
            | ServerFrame::QueuePosition { .. }
            | ServerFrame::ConversationReturned { .. }
            | ServerFrame::NoteAdded { .. }
            | ServerFrame::Receipt { .. }
            | ServerFrame::Done { .. }
            | ServerFrame::ConversationClosed { .. }
            | ServerFrame::ConversationRated { .. }
            | ServerFrame::ConversationTransferred { .. }
            | ServerFrame::TagsChanged { .. }
            | ServerFrame::WaitTimedOut { .. } => {}
            // Calls: the ring, the agent's own call and its signaling.
            frame @ (ServerFrame::CallStarted { .. }
            | ServerFrame::CallChanged { .. }
            | ServerFrame::CallQueued { .. }
            | ServerFrame::CallOffer { .. }
            | ServerFrame::CallAnswer { .. }
            | ServerFrame::CallCandidate { .. }
            | ServerFrame::CallMedia { .. }
            | ServerFrame::CallScreenShare { .. }) => self.calls.on_frame(self, frame),
        }
    }

    fn on_message(self, message: Message) {
        if let Some(cid) = message.client_id {
            self.outbox.update(|o| {
                outbox::settle(o, cid);
            });
        }
        let open = self.open.get_untracked();
        let applied = self
            .inbox
            .try_update(|rows| inbox::apply_message(rows, &message, open));
        if applied == Some(Applied::UnknownConversation) {
            self.reload_inbox();
        }
        if open == Some(message.conversation_id) {
            self.transcript.update(|messages| {
                transcript::insert(messages, message);
            });
        }
    }
}

impl Default for Desk {
    fn default() -> Self {
        Self::new()
    }
}

fn new_client_id() -> Option<ClientId> {
    let uuid = web_sys::window()?.crypto().ok()?.random_uuid();
    uuid.parse().ok()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
