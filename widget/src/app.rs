//! The widget: one `Widget` owns the view, the transcript, the socket and every closure
//! the page calls back into. Callbacks hold a `Weak` to it and borrow it only for the
//! length of one event, never across an `.await`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use livedesk_protocol::calls::CallKind;
use livedesk_protocol::chat::{MessageBody, MessageBodyError};
use livedesk_protocol::close_code;
use livedesk_protocol::frames::{ConversationRef, VisitorFrame};
use livedesk_protocol::ids::ClientId;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, KeyboardEvent, MessageEvent, Window};

use crate::call::Calls;
use crate::call_view::CallView;
use crate::dom::{Listener, Timer};
use crate::flows::Flow;
use crate::host::{Host, HostMessage};
use crate::params::{FrameParams, parse_hex_color, text_color_on};
use crate::session::{self, SessionError};
use crate::socket::{Socket, SocketEvent, log, retry_delay_ms};
use crate::texts::{Lang, Texts};
use crate::transcript::{Placement, Transcript};
use crate::view::View;
use crate::wire::{ChatMessage, Incoming, Sender, Session};

pub struct Widget {
    pub(crate) me: Weak<RefCell<Widget>>,
    pub(crate) params: FrameParams,
    pub(crate) texts: &'static Texts,
    pub(crate) view: View,
    pub(crate) host: Host,
    pub(crate) transcript: Transcript,
    pub(crate) session: Option<Session>,
    socket: Option<Socket>,
    /// The current socket has said hello and been asked to resume: frames may be sent.
    live: bool,
    /// The timer that will start the next connection attempt.
    retry: Option<Timer>,
    /// Attempts since the last successful hello, for the back-off.
    attempts: u32,
    ready_posted: bool,
    /// What the loader said and what the server said, for the parts around the chat.
    pub(crate) flow: Flow,
    /// The call panel and the call on it.
    pub(crate) calls: Calls,
    _listeners: Vec<Listener>,
}

/// Builds the widget in the frame's document and starts connecting.
pub fn boot() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let doc = window.document().ok_or("no document")?;
    let params = FrameParams::from_search(&window.location().search()?);
    let lang = params
        .as_ref()
        .map_or_else(|| Lang::parse(&query_lang(&window)), |p| p.lang);
    let texts = lang.texts();
    if let Some(root) = doc.document_element() {
        root.set_attribute("lang", lang.code())?;
    }
    let Some(params) = params else {
        let empty = FrameParams {
            site_key: String::new(),
            lang,
            color: None,
            welcome: None,
            placeholder: None,
        };
        View::build(&doc, texts, &empty)?.set_status(Some(texts.not_configured));
        return Ok(());
    };
    apply_color(&doc, params.color.as_deref());

    let view = View::build(&doc, texts, &params)?;
    let call_view = CallView::build(&doc, texts, &view.list)?;
    let widget = Rc::new_cyclic(|me: &Weak<RefCell<Widget>>| {
        RefCell::new(Widget {
            me: me.clone(),
            params,
            texts,
            host: Host::new(&window),
            _listeners: listeners(me, &window, &view),
            view,
            transcript: Transcript::default(),
            session: None,
            socket: None,
            live: false,
            retry: None,
            attempts: 0,
            ready_posted: false,
            flow: Flow::default(),
            calls: Calls::new(me, call_view, &window),
        })
    });
    widget.borrow_mut().start_session();
    // The widget lives as long as its frame: the page holds it from here on, through the
    // callbacks registered above, which only hold `Weak`s.
    std::mem::forget(widget);
    Ok(())
}

fn listeners(me: &Weak<RefCell<Widget>>, window: &Window, view: &View) -> Vec<Listener> {
    let on = |f: fn(&mut Widget, web_sys::Event)| {
        let me = me.clone();
        move |event| {
            if let Some(widget) = me.upgrade() {
                f(&mut widget.borrow_mut(), event);
            }
        }
    };
    vec![
        Listener::new(
            window,
            "message",
            on(|w, e| w.on_host_message(e.unchecked_ref())),
        ),
        Listener::new(
            window,
            "keydown",
            on(|w, e| w.on_page_key(e.unchecked_ref())),
        ),
        Listener::new(
            &view.composer,
            "keydown",
            on(|w, e| w.on_composer_key(e.unchecked_ref())),
        ),
        Listener::new(
            &view.composer,
            "input",
            on(|w, _| {
                w.view.fit_composer();
                w.typed();
            }),
        ),
        Listener::new(&view.send, "click", on(|w, _| w.send_draft())),
        Listener::new(&view.close, "click", on(|w, _| w.host.close())),
        Listener::new(&view.queue.leave, "click", on(|w, _| w.leave_queue())),
        Listener::new(
            &view.waited_form,
            "click",
            on(|w, _| w.offer_offline_form()),
        ),
        Listener::new(
            &view.offline.form.root,
            "submit",
            on(|w, e| {
                e.prevent_default();
                w.submit_offline_form();
            }),
        ),
        Listener::new(
            &view.prechat.root,
            "submit",
            on(|w, e| {
                e.prevent_default();
                w.submit_prechat();
            }),
        ),
        Listener::new(&view.rating.stars, "click", on(|w, e| w.on_star(&e))),
        Listener::new(&view.rating.send, "click", on(|w, _| w.send_rating())),
        Listener::new(&view.emoji, "click", on(|w, _| w.toggle_emoji())),
        Listener::new(&view.emoji_grid, "click", on(|w, e| w.on_emoji(&e))),
        Listener::new(&view.attach, "click", on(|w, _| w.view.file_input.click())),
        Listener::new(&view.file_input, "change", on(|w, _| w.on_file_chosen())),
        Listener::new(
            &view.voice,
            "click",
            on(|w, _| w.request_call(CallKind::Voice)),
        ),
        Listener::new(
            &view.video,
            "click",
            on(|w, _| w.request_call(CallKind::Video)),
        ),
        Listener::new(window, "visibilitychange", on(|w, _| w.mark_seen())),
    ]
}

impl Widget {
    fn start_session(&mut self) {
        self.live = false;
        self.socket = None;
        let me = self.me.clone();
        let site_key = self.params.site_key.clone();
        let page_origin = self.host.page_origin().map(str::to_owned);
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = session::open(&site_key, page_origin.as_deref()).await;
            if let Some(widget) = me.upgrade() {
                widget.borrow_mut().on_session(outcome);
            }
        });
    }

    fn on_session(&mut self, outcome: Result<Session, SessionError>) {
        match outcome {
            Ok(session) => {
                if !self.ready_posted {
                    self.ready_posted = true;
                    self.host.ready(&session.visitor_id.to_string());
                }
                self.session = Some(session);
                self.flush_profile();
                self.flush_file();
                self.report_visit();
                self.connect();
            }
            Err(SessionError::Refused(message)) => self.view.set_status(Some(&message)),
            Err(SessionError::Unreachable(message)) => {
                log(&format!("session failed: {message}"));
                self.retry_later();
            }
        }
    }

    /// Opens a socket with the current session, or starts a new session first.
    fn connect(&mut self) {
        self.retry = None;
        let Some(session) = &self.session else {
            return self.start_session();
        };
        let url = match socket_url(&session.visitor_token) {
            Ok(url) => url,
            Err(_) => return log("no socket URL"),
        };
        let me = self.me.clone();
        match Socket::connect(&url, move |event| {
            if let Some(widget) = me.upgrade() {
                widget.borrow_mut().on_socket(event);
            }
        }) {
            Ok(socket) => self.socket = Some(socket),
            Err(_) => {
                log("socket failed");
                self.retry_later();
            }
        }
    }

    fn retry_later(&mut self) {
        self.live = false;
        self.socket = None;
        // "Reconnecting" once the visitor has been connected (or has waited a while).
        let reconnecting = self.ready_posted || self.attempts > 0;
        let status = if reconnecting {
            self.texts.reconnecting
        } else {
            self.texts.connecting
        };
        self.view.set_status(Some(status));
        let delay = retry_delay_ms(self.attempts, js_sys::Math::random());
        self.attempts = self.attempts.saturating_add(1);
        let me = self.me.clone();
        self.retry = Timer::once(delay, move || {
            if let Some(widget) = me.upgrade() {
                widget.borrow_mut().connect();
            }
        });
    }

    fn on_socket(&mut self, event: SocketEvent) {
        match event {
            SocketEvent::Frame(frame, raw) => self.on_frame(frame, raw),
            SocketEvent::Closed { code } => {
                // A socket refused at the upgrade (expired token) closes before its hello,
                // like one refused with 4001 after it: both get a fresh session next time.
                if !self.live || code == close_code::UNAUTHORIZED {
                    self.session = None;
                }
                log(&format!("socket closed ({code}), reconnecting"));
                self.retry_later();
            }
        }
    }

    /// `raw` is the frame as parsed, whose `message` is handed to the loader unchanged.
    fn on_frame(&mut self, frame: Incoming, raw: JsValue) {
        let raw_message = || js_sys::Reflect::get(&raw, &"message".into()).unwrap_or(JsValue::NULL);
        match frame {
            Incoming::Hello { conversation } => self.on_hello(conversation),
            Incoming::Ack { cid, message } => {
                if self.transcript.conversation() != Some(message.conversation_id) {
                    self.transcript.follow(message.conversation_id);
                    self.chat_started(message.conversation_id);
                }
                self.show(&message, Some(cid), raw_message());
            }
            Incoming::Message(message) => self.show(&message, None, raw_message()),
            Incoming::Error {
                cid: Some(cid),
                message,
                ..
            } => {
                if self.transcript.fail(cid) {
                    let reason = if message.is_empty() {
                        self.texts.not_sent
                    } else {
                        &message
                    };
                    self.view.fail(cid, reason);
                }
            }
            Incoming::Error {
                cid: None,
                code,
                message,
            } => log(&format!("server error {code}: {message}")),
            Incoming::Status(status) => self.on_status(status),
            Incoming::Queue {
                conversation_id,
                position,
                wait_secs,
            } => self.on_queue(conversation_id, position, wait_secs),
            Incoming::WaitTimedOut => self.on_wait_timed_out(),
            Incoming::Assigned { agent_name } => self.on_assigned(&agent_name),
            Incoming::Closed { conversation_id } => self.on_closed(conversation_id),
            Incoming::AgentTyping { name, typing } => self.on_agent_typing(&name, typing),
            Incoming::Receipt { delivered, read } => self.view.receipts(delivered, read),
            Incoming::Done { cid } => self.on_done(cid),
            Incoming::CallStarted { cid, call } => self.on_call_started(cid, call),
            Incoming::CallChanged(call) => self.on_call_changed(call),
            Incoming::CallQueued { call_id, position } => self.on_call_queued(call_id, position),
            Incoming::CallSignal { call_id, signal } => self.on_call_signal(call_id, signal, &raw),
            Incoming::CallMedia {
                call_id,
                audio_muted,
                camera_off,
            } => self.on_call_media(call_id, audio_muted, camera_off),
            Incoming::CallScreenShare { call_id, sharing } => {
                self.on_call_screen_share(call_id, sharing)
            }
            Incoming::Pong | Incoming::Unknown => {}
        }
    }

    /// The socket is up: catch up on what was missed, then send what is still unsent.
    fn on_hello(&mut self, conversation: Option<ConversationRef>) {
        self.live = true;
        self.attempts = 0;
        // Only the connection's own notice: a refused upload said meanwhile stays.
        self.view
            .clear_status_of(&[self.texts.connecting, self.texts.reconnecting]);
        self.resend_page();
        match conversation {
            Some(conversation) => {
                self.transcript.follow(conversation.id);
                self.flow.in_conversation = true;
                self.send_frame(&VisitorFrame::Resume {
                    after_seq: self.transcript.last_seq(),
                });
            }
            None => self.flow.in_conversation = false,
        }
        self.refresh_panels();
        let unsent: Vec<VisitorFrame> = self
            .transcript
            .unsent()
            .map(|p| VisitorFrame::Send {
                cid: p.cid,
                body: p.body.clone(),
                start: self.chat_request(),
            })
            .collect();
        for frame in &unsent {
            self.send_frame(frame);
        }
    }

    fn show(&mut self, message: &ChatMessage, sender_cid: Option<ClientId>, raw: JsValue) {
        match self.transcript.place(message, sender_cid) {
            Placement::Duplicate => {}
            Placement::Confirms { cid, anchor } => {
                self.view.confirm(cid, message, anchor);
                self.host.event("message:sent", raw);
            }
            Placement::New { anchor } => {
                self.view.add_stored(message, anchor);
                self.preview_stored_file(message);
                if let Sender::Agent { name } = &message.author {
                    self.view.set_title(name);
                    self.view.set_typing(None);
                    if self.is_news(message) {
                        self.host.message(raw);
                    }
                    self.mark_seen();
                }
            }
        }
    }

    /// True the first time this agent message reaches this browser, so that the replay
    /// after a page load does not count old messages as unread again. The newest seq told
    /// to the page is kept in `localStorage` as `ld:n:<site key>` = `<conversation>:<seq>`.
    fn is_news(&self, message: &ChatMessage) -> bool {
        let key = format!("ld:n:{}", self.params.site_key);
        let storage = session::local_storage();
        let conversation = message.conversation_id.to_string();
        let told = storage
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|v| {
                v.strip_prefix(&format!("{conversation}:"))
                    .and_then(|seq| seq.parse::<i64>().ok())
            })
            .unwrap_or(0);
        if message.seq <= told {
            return false;
        }
        if let Some(storage) = storage {
            let _ = storage.set_item(&key, &format!("{conversation}:{}", message.seq));
        }
        true
    }

    fn send_draft(&mut self) {
        self.stop_typing();
        let draft = self.view.take_draft();
        if self.send_text(&draft).is_none() {
            self.view.composer.set_value(&draft);
        }
        self.view.focus_composer();
    }

    /// Shows `raw` as pending and sends it when the socket is live (or after the next
    /// hello). `None` when there is nothing to send.
    pub(crate) fn send_text(&mut self, raw: &str) -> Option<ClientId> {
        let body = match MessageBody::parse(raw) {
            Ok(body) => body.into_string(),
            Err(MessageBodyError::Empty) => return None,
            Err(MessageBodyError::TooLong) => {
                self.view.set_status(Some(self.texts.too_long));
                return None;
            }
            // Control characters are not something a visitor means to send.
            Err(MessageBodyError::ControlCharacter) => raw
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect(),
        };
        let cid = ClientId::new_random();
        self.view.add_pending(cid, &body);
        self.transcript.add_pending(cid, body.clone());
        self.send_frame(&VisitorFrame::Send {
            cid,
            body,
            start: self.chat_request(),
        });
        Some(cid)
    }

    pub(crate) fn send_frame(&self, frame: &VisitorFrame) {
        if let (true, Some(socket)) = (self.live, &self.socket) {
            socket.send(frame);
        }
    }

    fn on_host_message(&mut self, event: &MessageEvent) {
        match self.host.read(event) {
            Some(HostMessage::Open) => {
                self.flow.panel_open = true;
                self.focus_first();
                self.mark_seen();
            }
            Some(HostMessage::Closed) => self.flow.panel_open = false,
            None => {}
            Some(HostMessage::Send(text)) => {
                self.send_text(&text);
            }
            Some(HostMessage::Page {
                url,
                title,
                referrer,
            }) => {
                self.flow.referrer.get_or_insert(referrer);
                self.on_page(url, title);
                self.report_visit();
            }
            Some(HostMessage::Scroll(depth)) => {
                self.flow.scroll_depth = Some(depth);
                self.report_visit();
            }
            Some(HostMessage::Activity(active)) => self.on_activity(active),
            Some(HostMessage::Identify(data)) => self.identify(&data),
            Some(HostMessage::Config(data)) => self.configure(&data),
        }
    }

    fn on_composer_key(&mut self, event: &KeyboardEvent) {
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            self.send_draft();
        }
    }

    fn on_page_key(&mut self, event: &KeyboardEvent) {
        if event.key() == "Escape" {
            if self.flow.emoji_open {
                self.toggle_emoji();
                self.view.focus_composer();
            } else {
                self.host.close();
            }
        }
    }
}

/// `ws(s)://<this origin>/ws/visitor?token=…`
fn socket_url(token: &str) -> Result<String, JsValue> {
    let location = web_sys::window().ok_or("no window")?.location();
    let scheme = if location.protocol()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let token = String::from(js_sys::encode_uri_component(token));
    Ok(format!(
        "{scheme}://{}/ws/visitor?token={token}",
        location.host()?
    ))
}

/// The site's color as CSS variables: `--ld-primary` and the text color on it.
fn apply_color(doc: &Document, color: Option<&str>) {
    let Some((color, rgb)) = color.and_then(|c| Some((c, parse_hex_color(c)?))) else {
        return;
    };
    if let Some(root) = doc
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let style = root.style();
        let _ = style.set_property("--ld-primary", color);
        let _ = style.set_property("--ld-on-primary", text_color_on(rgb));
    }
}

fn query_lang(window: &Window) -> String {
    let search = window.location().search().unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|q| q.get("lang"))
        .unwrap_or_default()
}
