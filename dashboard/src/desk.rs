//! The dashboard's state and the actions that change it.
//!
//! [`Desk`] is a bundle of signals (all `Copy`), provided once as context. Views read the
//! signals; actions ([`Desk::open_conversation`], [`Desk::send_reply`], [`Desk::on_frame`],
//! …) are the only code that writes them, so the rules live in one place.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::api::AgentProfile;
use livedesk_protocol::chat::{Author, InboxView, Message, MessageBody, Note, Party};
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};
use livedesk_protocol::presence::AgentPresence;
use livedesk_protocol::routing::{Department, SiteAgent, TransferTarget};
use livedesk_protocol::visitors::VisitorPresence;
use time::OffsetDateTime;

use crate::actions::Notice;
use crate::alerts;
use crate::model::inbox::{self, Applied, Change, InboxRow};
use crate::model::outbox::{self, PendingSend};
use crate::model::{transcript, visitors};
use crate::offline::OfflineMessages;
use crate::route::Page;
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
    /// The inbox tab shown.
    pub inbox_view: RwSignal<InboxView>,
    /// The inbox's search text; while it is not blank the inbox shows `search_results`.
    pub search: RwSignal<String>,
    pub search_results: RwSignal<Option<Vec<InboxRow>>>,
    /// A passing message (a refused action, a new chat).
    pub notice: RwSignal<Option<Notice>>,
    /// Why the server ended the session (the account deactivated, the site suspended),
    /// for the sign-in page; cleared by the next sign-in.
    pub signed_out_reason: RwSignal<Option<String>>,
    /// Where every agent of the site stands, the signed-in one included.
    pub presence: RwSignal<Vec<AgentPresence>>,
    /// The site's agents and departments, for names and for transfers.
    pub colleagues: RwSignal<Vec<SiteAgent>>,
    pub departments: RwSignal<Vec<Department>>,
    /// Internal notes of the open conversation.
    pub notes: RwSignal<Vec<Note>>,
    /// The open conversation's visitor is typing.
    pub visitor_typing: RwSignal<bool>,
    /// Visitors on the site now (the live visitors page).
    pub visitors: RwSignal<Vec<VisitorPresence>>,
    pub visitors_load: RwSignal<Load>,
    /// What visitors left through the offline form (see [`crate::offline`]).
    pub offline: OfflineMessages,
    /// The page shown, as the address's hash says (see [`crate::route`]).
    pub page: RwSignal<Page>,
    /// The call ringing for the agent or taken by them (see [`crate::call`]).
    pub calls: crate::call::Calls,
    /// Tokens and timers; not reactive and not `Send` (they hold browser handles).
    pub(crate) session: StoredValue<SessionCell, LocalStorage>,
    pub(crate) socket: StoredValue<AgentSocket, LocalStorage>,
    /// A list reload is in flight; further requests for one are folded into it.
    inbox_reloading: StoredValue<bool>,
    /// Actions sent and not yet answered, with what they were for (see [`crate::actions`]).
    pub(crate) actions: StoredValue<Vec<(ClientId, &'static str)>>,
    /// Bumped by each search keystroke; a search answer for an older one is dropped.
    search_generation: StoredValue<u32>,
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
            inbox_view: RwSignal::new(InboxView::Mine),
            search: RwSignal::new(String::new()),
            search_results: RwSignal::new(None),
            notice: RwSignal::new(None),
            signed_out_reason: RwSignal::new(None),
            presence: RwSignal::new(Vec::new()),
            colleagues: RwSignal::new(Vec::new()),
            departments: RwSignal::new(Vec::new()),
            notes: RwSignal::new(Vec::new()),
            visitor_typing: RwSignal::new(false),
            visitors: RwSignal::new(Vec::new()),
            visitors_load: RwSignal::new(Load::Loading),
            offline: OfflineMessages::new(),
            page: RwSignal::new(current_page()),
            calls: crate::call::Calls::new(),
            session: StoredValue::new_local(SessionCell::default()),
            socket: StoredValue::new_local(AgentSocket::default()),
            inbox_reloading: StoredValue::new(false),
            actions: StoredValue::new(Vec::new()),
            search_generation: StoredValue::new(0),
        }
    }

    /// Called once per sign-in: load the inbox and connect.
    pub(crate) fn on_signed_in(self) {
        self.reload_inbox();
        self.reload_visitors();
        self.reload_team();
        self.reload_offline();
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
        self.visitors.set(Vec::new());
        self.visitors_load.set(Load::Loading);
        self.offline.clear();
        self.search.set(String::new());
        self.search_results.set(None);
        self.presence.set(Vec::new());
        self.colleagues.set(Vec::new());
        self.departments.set(Vec::new());
        self.notes.set(Vec::new());
        self.actions.set_value(Vec::new());
    }

    /// The socket (re)connected: catch up on what happened while it was down.
    pub(crate) fn on_connected(self, reconnected: bool) {
        if reconnected {
            self.reload_inbox();
            self.reload_visitors();
            self.reload_team();
            self.reload_offline();
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
        // The queue and the agent's own chats are always fetched, for their counts.
        let mut views = vec![InboxView::Queue, InboxView::Mine];
        let shown = self.inbox_view.get_untracked();
        if !views.contains(&shown) {
            views.push(shown);
        }
        spawn_local(async move {
            let mut result = Ok(Vec::new());
            for view in views {
                let fetched = session::authorized(self, |token| async move {
                    crate::api::conversations(&token, view, None).await
                })
                .await;
                match (fetched, &mut result) {
                    (Ok(rows), Ok(all)) => all.extend(rows),
                    (Err(failure), _) => {
                        result = Err(failure);
                        break;
                    }
                    (Ok(_), Err(_)) => {}
                }
            }
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

    /// Fetches who is on the site now; `visitor_presence` frames keep it current after.
    pub fn reload_visitors(self) {
        spawn_local(async move {
            let result = session::authorized(self, |token| async move {
                crate::api::online_visitors(&token).await
            })
            .await;
            match result {
                Ok(fetched) => {
                    self.visitors
                        .update(|list| visitors::replace(list, fetched));
                    self.visitors_load.set(Load::Ready);
                }
                Err(failure) => self.visitors_load.set(Load::Failed(failure.message())),
            }
        });
    }

    /// Shows another inbox tab and fetches it.
    pub fn show_view(self, view: InboxView) {
        if self.inbox_view.get_untracked() != view {
            self.inbox_view.set(view);
            self.reload_inbox();
        }
    }

    /// Runs the inbox search for `text` (blank: back to the tabs). Answers to older
    /// keystrokes are dropped.
    pub fn search_for(self, text: String) {
        self.search.set(text.clone());
        let generation = self.search_generation.get_value().wrapping_add(1);
        self.search_generation.set_value(generation);
        if text.trim().is_empty() {
            self.search_results.set(None);
            return;
        }
        // Ask once typing pauses.
        set_timeout(
            move || {
                if self.search_generation.get_value() == generation {
                    self.run_search(text, generation);
                }
            },
            std::time::Duration::from_millis(250),
        );
    }

    fn run_search(self, text: String, generation: u32) {
        spawn_local(async move {
            let result = session::authorized(self, |token| {
                let text = text.clone();
                async move { crate::api::conversations(&token, InboxView::All, Some(&text)).await }
            })
            .await;
            if self.search_generation.get_value() != generation {
                return;
            }
            match result {
                Ok(found) => self.search_results.set(Some(
                    found
                        .into_iter()
                        .map(|summary| InboxRow {
                            summary,
                            unread: false,
                        })
                        .collect(),
                )),
                Err(failure) => {
                    self.search_results.set(Some(Vec::new()));
                    self.notify(format!("The search failed: {}", failure.message()), true);
                }
            }
        });
    }

    /// Fetches the site's agents, their presence and the departments.
    pub fn reload_team(self) {
        spawn_local(async move {
            let presence = session::authorized(self, |token| async move {
                crate::api::get::<Vec<AgentPresence>>(&token, "/api/v1/site/presence").await
            })
            .await;
            if let Ok(presence) = presence {
                self.presence.set(presence);
            }
            let agents = session::authorized(self, |token| async move {
                crate::api::get::<Vec<SiteAgent>>(&token, "/api/v1/site/agents").await
            })
            .await;
            if let Ok(agents) = agents {
                self.colleagues.set(agents);
            }
            let departments = session::authorized(self, |token| async move {
                crate::api::get::<Vec<Department>>(&token, "/api/v1/site/departments").await
            })
            .await;
            if let Ok(departments) = departments {
                self.departments.set(departments);
            }
        });
    }

    pub fn open_conversation(self, id: ConversationId) {
        self.inbox.update(|rows| inbox::mark_read(rows, id));
        if self.open.get_untracked() == Some(id) {
            return;
        }
        if let Some(found) = self.search_results.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.iter().find(|r| r.summary.id == id).cloned())
        }) {
            let open = self.open.get_untracked();
            self.inbox
                .update(|rows| inbox::merge_fetched(rows, vec![found.summary], open));
        }
        self.open.set(Some(id));
        self.transcript.set(Vec::new());
        self.notes.set(Vec::new());
        self.visitor_typing.set(false);
        self.load_transcript(id);
        self.load_notes(id);
    }

    fn load_notes(self, id: ConversationId) {
        spawn_local(async move {
            let path = format!("/api/v1/conversations/{id}/notes");
            let result = session::authorized(self, |token| {
                let path = path.clone();
                async move { crate::api::get::<Vec<Note>>(&token, &path).await }
            })
            .await;
            if self.open.get_untracked() == Some(id)
                && let Ok(notes) = result
            {
                self.notes.set(notes);
            }
        });
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
                self.on_acked(cid, &message);
                self.on_message(message);
            }
            ServerFrame::Done { cid } => self.on_done(cid),
            ServerFrame::Error {
                cid: Some(cid),
                message,
                ..
            } => {
                if !self.on_refused(cid, &message) {
                    self.outbox.update(|o| outbox::fail(o, cid, message));
                }
            }
            ServerFrame::Error {
                cid: None,
                code: ErrorCode::Unauthorized,
                message,
            } => crate::session::note_refusal(self, message),
            ServerFrame::Error {
                cid: None,
                code,
                message,
            } => {
                web_sys::console::warn_1(
                    &format!("Livedesk socket error {code:?}: {message}").into(),
                );
            }
            ServerFrame::VisitorPresence { visitors: changes } => {
                self.visitors.update(|list| visitors::apply(list, changes));
            }
            ServerFrame::AgentPresence { presence } => {
                self.presence.update(|list| {
                    list.retain(|p| p.agent_id != presence.agent_id);
                    list.push(presence);
                });
            }
            ServerFrame::Typing {
                conversation_id,
                author: Author::Visitor { .. },
                typing,
            } if self.open.get_untracked() == Some(conversation_id) => {
                self.visitor_typing.set(typing);
            }
            ServerFrame::Typing { .. } => {}
            ServerFrame::Receipt {
                conversation_id,
                reader: Party::Visitor,
                delivered_up_to,
                read_up_to,
            } => self.inbox.update(|rows| {
                inbox::receipt(rows, conversation_id, delivered_up_to, read_up_to);
            }),
            ServerFrame::Receipt { .. } => {}
            ServerFrame::MessageChanged { message } => {
                if self.open.get_untracked() == Some(message.conversation_id) {
                    self.transcript
                        .update(|messages| transcript::replace(messages, message));
                }
            }
            ServerFrame::NoteAdded { note } => {
                if self.open.get_untracked() == Some(note.conversation_id) {
                    self.notes.update(|notes| {
                        if !notes.iter().any(|n| n.id == note.id) {
                            notes.push(note);
                        }
                    });
                }
            }
            ServerFrame::ConversationAssigned {
                conversation_id,
                agent_id,
                ..
            } => {
                self.change(conversation_id, Change::Assigned(agent_id));
                let me = self.agent.with_untracked(|a| a.as_ref().map(|a| a.id));
                if me == Some(agent_id) {
                    alerts::new_chat(self, conversation_id);
                }
            }
            ServerFrame::ConversationReturned {
                conversation_id, ..
            } => self.change(conversation_id, Change::Returned),
            ServerFrame::ConversationTransferred {
                conversation_id,
                to: TransferTarget::Department { .. },
                ..
            } => self.change(conversation_id, Change::Requeued(OffsetDateTime::now_utc())),
            // A transfer to an agent is followed by its assignment.
            ServerFrame::ConversationTransferred { .. } => {}
            ServerFrame::ConversationClosed {
                conversation_id, ..
            } => self.change(conversation_id, Change::Closed(OffsetDateTime::now_utc())),
            ServerFrame::TagsChanged {
                conversation_id,
                tags,
            } => self.change(conversation_id, Change::Tags(tags)),
            ServerFrame::OfflineMessage { message } => self.offline.on_frame(message),
            // Visitor-only frames never reach an agent socket.
            ServerFrame::VisitorHello { .. }
            | ServerFrame::SiteStatus { .. }
            | ServerFrame::QueuePosition { .. } => {}
            // Shown in the transcript through the system message the server writes.
            ServerFrame::ConversationRated { .. } | ServerFrame::WaitTimedOut { .. } => {}
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

    /// Applies a change to a listed conversation; one the inbox does not list yet means
    /// the list is behind, so it is fetched again.
    fn change(self, id: ConversationId, change: Change) {
        let known = self
            .inbox
            .try_update(|rows| inbox::change(rows, id, change))
            .unwrap_or(false);
        if !known {
            self.reload_inbox();
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

impl Desk {
    /// Opens `page` by changing the address's hash; the `hashchange` listener in
    /// [`crate::views::App`] then sets [`Desk::page`], so links, the back button and this
    /// take the same path.
    pub fn go(self, page: Page) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&page.hash());
        }
    }

    /// The address's hash changed.
    pub(crate) fn on_hash_change(self) {
        self.page.set(current_page());
    }
}

fn current_page() -> Page {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Page::parse(&hash)
}

impl Default for Desk {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) fn new_client_id() -> Option<ClientId> {
    let uuid = web_sys::window()?.crypto().ok()?.random_uuid();
    uuid.parse().ok()
}

pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
