//! What the widget does around the conversation itself: the desk's state (online, busy
//! with the place in line, offline with the next opening and the offline form), the
//! pre-chat form, typing both ways, read receipts, the rating after the end, the page the
//! visitor is on, and the visitor's details from the API.

use std::collections::BTreeMap;

use livedesk_protocol::chat::Rating;
use livedesk_protocol::frames::VisitorFrame;
use livedesk_protocol::ids::{ClientId, ConversationId};
use livedesk_protocol::routing::ChatRequest;
use livedesk_protocol::visitors::VisitorActivity;
use livedesk_protocol::widget::{
    OfflineMessageRequest, VisitReport, VisitorProfile, is_language_tag, is_time_zone, parse_email,
};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event};

use crate::app::Widget;
use crate::config::{Ask, WidgetConfig};
use crate::dom::{Listener, Timer};
use crate::panels::{self, Field, Form, insert_at_caret};
use crate::rest;
use crate::session;
use crate::texts::countdown;
use crate::wire::{Json, Status};

/// How long the visitor's "typing" lasts after the last keystroke, in milliseconds.
const TYPING_IDLE_MS: u32 = 3_000;
/// After an agent's `typing: true`, how long to show it without news, in milliseconds.
const AGENT_TYPING_MS: u32 = 6_000;
/// How often the countdown to the next opening is redrawn, in milliseconds.
const COUNTDOWN_EVERY_MS: u32 = 30_000;

#[derive(Default)]
pub struct Flow {
    pub panel_open: bool,
    /// The visitor has an open conversation (waiting or with an agent).
    pub in_conversation: bool,
    pub config: WidgetConfig,
    pub status: Option<Status>,
    /// `(position, estimated wait in seconds)` while the conversation waits.
    pub queued: Option<(u64, u64)>,
    /// The wait passed the site's queue timeout.
    pub waited: bool,
    /// The `close` sent by "Leave the queue", whose end is not rated.
    pub leaving: Option<ClientId>,
    pub left_queue: bool,
    /// The conversation that closed last: a queue position for it that arrives after the
    /// close (the server sends both from different places) must not bring the queue back.
    pub closed: Option<ConversationId>,
    /// The closed conversation being rated, the cid of the sent rating, and the score.
    pub rating: Option<(ConversationId, Option<ClientId>, u8)>,
    /// The page this tab shows, sent again on every new socket.
    pub page: Option<(String, String)>,
    pub idle: bool,
    typing_sent: bool,
    typing_stop: Option<Timer>,
    agent_typing_clear: Option<Timer>,
    countdown: Option<Timer>,
    pub emoji_open: bool,
    pub prechat_done: bool,
    /// The visitor asked for the offline form (after a long wait).
    pub offline_form_wanted: bool,
    pub pending_profile: Option<VisitorProfile>,
    /// A file chosen before the session was open: it is uploaded once it is.
    pub pending_file: Option<web_sys::File>,
    /// The referrer of the first page this frame heard of.
    pub referrer: Option<String>,
    pub scroll_depth: Option<u8>,
    prechat_listener: Option<Listener>,
}

impl Widget {
    /// Shows the parts that fit what the server and the loader said last.
    pub(crate) fn refresh_panels(&mut self) {
        let flow = &self.flow;
        let texts = self.texts;
        let view = &self.view;
        let state = flow.status.as_ref().map_or("online", |s| s.state.as_str());
        let _ = view.header.set_attribute("data-state", state);
        let subtitle = match (state, &flow.status) {
            ("offline", _) => texts.offline.to_owned(),
            ("busy", _) => texts.busy.to_owned(),
            (_, Some(s)) if s.agents_online > 0 => {
                format!("{}: {}", texts.agents_online, s.agents_online)
            }
            _ => texts.subtitle.to_owned(),
        };
        view.subtitle.set_text_content(Some(&subtitle));
        panels::show(&view.voice, state == "online" && flow.config.voice_call);
        panels::show(&view.video, state == "online" && flow.config.video_call);

        let queued = flow.queued.filter(|_| flow.in_conversation);
        panels::show(&view.queue.root, queued.is_some());
        if let Some((position, wait)) = queued {
            view.queue
                .position
                .set_text_content(Some(&position.to_string()));
            view.queue
                .wait
                .set_text_content(Some(&crate::texts::duration(self.params.lang, wait)));
        }
        panels::show(
            &view.waited,
            flow.waited && flow.in_conversation && !flow.offline_form_wanted,
        );

        let offline = (state == "offline" && !flow.in_conversation) || flow.offline_form_wanted;
        panels::show(&view.offline.root, offline);
        if offline {
            self.draw_offline();
        }
        let prechat = self.flow.config.prechat.is_some()
            && !self.flow.prechat_done
            && !self.flow.in_conversation
            && !offline;
        self.view.prechat.show(prechat);
        panels::show(&self.view.composer_row, !prechat && !offline);
        if !prechat && !offline {
            panels::show(&self.view.emoji, self.flow.config.emoticons);
        }
    }

    fn draw_offline(&mut self) {
        let texts = self.texts;
        let card = &self.view.offline;
        let status = self.flow.status.clone();
        let reason = status.as_ref().and_then(|s| s.reason.clone());
        let (title, detail) = match reason.as_deref() {
            Some("emergency") => (
                status
                    .as_ref()
                    .and_then(|s| s.reason_message.clone())
                    .unwrap_or_else(|| texts.offline.into()),
                None,
            ),
            Some("holiday") => (
                status
                    .as_ref()
                    .and_then(|s| s.reason_name.clone())
                    .unwrap_or_else(|| texts.offline.into()),
                status.as_ref().and_then(|s| s.reason_message.clone()),
            ),
            Some("break") => (texts.on_break.into(), None),
            _ if self.flow.offline_form_wanted
                && status.as_ref().is_some_and(|s| s.state != "offline") =>
            {
                (texts.leave_message.into(), None)
            }
            _ => (texts.offline.into(), None),
        };
        let _ = card
            .root
            .set_attribute("data-reason", reason.as_deref().unwrap_or(""));
        card.reason.set_text_content(Some(&title));
        card.detail.set_text_content(detail.as_deref());
        panels::show(&card.detail, detail.is_some());
        let next = status.as_ref().and_then(|s| s.next_open.clone());
        match next.as_deref().and_then(|iso| self.opening_text(iso)) {
            Some(text) => {
                card.next.set_text_content(Some(&text));
                panels::show(&card.next, true);
                if self.flow.countdown.is_none() {
                    let me = self.me.clone();
                    self.flow.countdown = Timer::every(COUNTDOWN_EVERY_MS, move || {
                        if let Some(w) = me.upgrade() {
                            w.borrow_mut().refresh_panels();
                        }
                    });
                }
            }
            None => {
                panels::show(&card.next, false);
                self.flow.countdown = None;
            }
        }
    }

    /// "We open Monday 09:00 (in 10 h 30 min)", in the visitor's language and time zone.
    fn opening_text(&self, iso: &str) -> Option<String> {
        let at = js_sys::Date::new(&JsValue::from_str(iso));
        let millis = at.get_time();
        if millis.is_nan() {
            return None;
        }
        let secs = ((millis - js_sys::Date::now()) / 1000.0).max(0.0) as u64;
        let options = js_sys::Object::new();
        for (k, v) in [
            ("weekday", "long"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ] {
            let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
        }
        let when = String::from(at.to_locale_string(self.params.lang.code(), &options));
        Some(format!(
            "{} {when} ({})",
            self.texts.opens,
            countdown(self.params.lang, secs)
        ))
    }

    pub(crate) fn on_status(&mut self, status: Status) {
        let changed = self.flow.status.as_ref().map(|s| &s.state) != Some(&status.state);
        self.flow.status = Some(status.clone());
        self.refresh_panels();
        if changed {
            self.host
                .event("status:changed", JsValue::from_str(&status.state));
        }
    }

    pub(crate) fn on_queue(&mut self, id: ConversationId, position: u64, wait_secs: u64) {
        if self.flow.closed == Some(id) {
            return;
        }
        self.flow.in_conversation = true;
        self.flow.queued = Some((position, wait_secs));
        self.refresh_panels();
    }

    pub(crate) fn on_wait_timed_out(&mut self) {
        self.flow.waited = true;
        self.refresh_panels();
    }

    pub(crate) fn on_assigned(&mut self, agent_name: &str) {
        self.flow.queued = None;
        self.flow.waited = false;
        if !agent_name.is_empty() {
            self.view.set_title(agent_name);
        }
        self.refresh_panels();
    }

    pub(crate) fn chat_started(&mut self, id: ConversationId) {
        self.flow.in_conversation = true;
        self.refresh_panels();
        self.host
            .event("chat:started", JsValue::from_str(&id.to_string()));
    }

    pub(crate) fn on_closed(&mut self, id: ConversationId) {
        self.flow.closed = Some(id);
        self.flow.in_conversation = false;
        self.flow.queued = None;
        self.flow.waited = false;
        self.view.set_typing(None);
        if std::mem::take(&mut self.flow.left_queue) || self.flow.leaving.take().is_some() {
            self.view.add_note(self.texts.left_queue);
        } else {
            self.view.add_note(self.texts.chat_ended);
            self.flow.rating = Some((id, None, 0));
            self.view.ask_rating();
        }
        self.refresh_panels();
        self.host
            .event("chat:ended", JsValue::from_str(&id.to_string()));
    }

    pub(crate) fn on_done(&mut self, cid: ClientId) {
        if let Some((_, Some(sent), _)) = self.flow.rating
            && sent == cid
        {
            self.flow.rating = None;
            self.view.rating.thank();
        }
        if self.flow.leaving == Some(cid) {
            self.flow.left_queue = true;
            self.flow.leaving = None;
        }
    }

    pub(crate) fn leave_queue(&mut self) {
        let cid = ClientId::new_random();
        self.flow.leaving = Some(cid);
        self.send_frame(&VisitorFrame::Close { cid });
    }

    pub(crate) fn offer_offline_form(&mut self) {
        self.flow.offline_form_wanted = true;
        self.refresh_panels();
        self.view.offline.form.focus_first();
    }

    pub(crate) fn on_star(&mut self, event: &Event) {
        let Some(score) = data_of(event, "data-score").and_then(|s| s.parse::<u8>().ok()) else {
            return;
        };
        if let Some(rating) = &mut self.flow.rating {
            rating.2 = score;
            self.view.rating.choose(score);
        }
    }

    pub(crate) fn send_rating(&mut self) {
        let Some((conversation_id, _, score)) = self.flow.rating else {
            return;
        };
        if score == 0 {
            return;
        }
        let comment = self.view.rating.comment();
        let cid = ClientId::new_random();
        self.flow.rating = Some((conversation_id, Some(cid), score));
        self.send_frame(&VisitorFrame::Rate {
            cid,
            conversation_id,
            rating: Rating {
                score,
                comment: (!comment.is_empty()).then_some(comment),
            },
        });
    }

    pub(crate) fn toggle_emoji(&mut self) {
        self.flow.emoji_open = !self.flow.emoji_open;
        panels::show(&self.view.emoji_grid, self.flow.emoji_open);
        let _ = self.view.emoji.set_attribute(
            "aria-expanded",
            if self.flow.emoji_open {
                "true"
            } else {
                "false"
            },
        );
        if self.flow.emoji_open
            && let Some(first) = self.view.emoji_grid.first_element_child()
            && let Ok(first) = first.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = first.focus();
        }
    }

    pub(crate) fn on_emoji(&mut self, event: &Event) {
        if let Some(emoji) = data_of(event, "data-emoji") {
            insert_at_caret(&self.view.composer, &emoji);
            self.toggle_emoji();
            self.view.focus_composer();
        }
    }

    /// A call button: tells the page (`call:requested`) and calls (see [`crate::call`]).
    pub(crate) fn request_call(&mut self, kind: livedesk_protocol::calls::CallKind) {
        self.host
            .event("call:requested", JsValue::from_str(kind.as_str()));
        self.start_call(kind);
    }

    /// A keystroke in the composer: `typing: true` once, `false` after a pause.
    pub(crate) fn typed(&mut self) {
        if !self.flow.config.typing {
            return;
        }
        if !self.flow.typing_sent {
            self.flow.typing_sent = true;
            self.send_frame(&VisitorFrame::Typing { typing: true });
        }
        let me = self.me.clone();
        self.flow.typing_stop = Timer::once(TYPING_IDLE_MS, move || {
            if let Some(w) = me.upgrade() {
                w.borrow_mut().stop_typing();
            }
        });
    }

    pub(crate) fn stop_typing(&mut self) {
        self.flow.typing_stop = None;
        if std::mem::take(&mut self.flow.typing_sent) {
            self.send_frame(&VisitorFrame::Typing { typing: false });
        }
    }

    pub(crate) fn on_agent_typing(&mut self, name: &str, typing: bool) {
        if !typing {
            self.flow.agent_typing_clear = None;
            return self.view.set_typing(None);
        }
        let who = if name.is_empty() {
            self.texts.someone
        } else {
            name
        };
        self.view
            .set_typing(Some(&format!("{who} {}", self.texts.typing)));
        let me = self.me.clone();
        self.flow.agent_typing_clear = Timer::once(AGENT_TYPING_MS, move || {
            if let Some(w) = me.upgrade() {
                w.borrow_mut().view.set_typing(None);
            }
        });
    }

    /// Tells the agents how far the visitor has received, and read when the panel is open
    /// and the tab visible.
    pub(crate) fn mark_seen(&mut self) {
        let up_to = self.transcript.last_seq();
        if up_to == 0 {
            return;
        }
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden());
        let read = self.flow.panel_open && visible;
        self.send_frame(&VisitorFrame::Seen { up_to, read });
    }

    pub(crate) fn on_page(&mut self, url: String, title: String) {
        self.flow.page = Some((url, title));
        self.resend_page();
    }

    /// The page and activity again: each socket tells the server where its tab is.
    pub(crate) fn resend_page(&mut self) {
        if let Some((url, title)) = self.flow.page.clone() {
            self.send_frame(&VisitorFrame::Page { url, title });
        }
        if self.flow.idle {
            self.send_frame(&VisitorFrame::Activity {
                status: VisitorActivity::Idle,
            });
        }
    }

    pub(crate) fn on_activity(&mut self, active: bool) {
        self.flow.idle = !active;
        let status = if active {
            VisitorActivity::Active
        } else {
            VisitorActivity::Idle
        };
        self.send_frame(&VisitorFrame::Activity { status });
    }

    /// What a new conversation asks of routing: the visitor's language.
    pub(crate) fn chat_request(&self) -> Option<ChatRequest> {
        Some(ChatRequest {
            department_id: None,
            language: Some(self.params.lang.code().to_owned()),
            skills: Vec::new(),
        })
    }

    pub(crate) fn focus_first(&self) {
        if self.view.prechat.root.has_attribute("hidden") {
            self.view.focus_composer();
        } else {
            self.view.prechat.focus_first();
        }
    }

    pub(crate) fn configure(&mut self, data: &JsValue) {
        let config = WidgetConfig::from_js(data);
        if let Some(name) = &config.agent_name {
            self.view.set_title(name);
        }
        if let Some(url) = &config.agent_avatar {
            let _ = self.view.avatar.set_attribute("src", url);
            panels::show(&self.view.avatar, true);
        }
        if let Some(css) = &config.custom_css
            && let Some(doc) = web_sys::window().and_then(|w| w.document())
            && let Ok(style) = doc.create_element("style")
        {
            style.set_text_content(Some(css));
            if let Some(head) = doc.head() {
                let _ = head.append_child(&style);
            }
        }
        if let Some(prechat) = &config.prechat {
            self.build_prechat(prechat);
        }
        self.flow.prechat_done = session::local_storage()
            .and_then(|s| s.get_item(&self.prechat_key()).ok().flatten())
            .is_some();
        self.flow.config = config;
        self.refresh_panels();
    }

    fn prechat_key(&self) -> String {
        format!("ld:pc:{}", self.params.site_key)
    }

    fn build_prechat(&mut self, prechat: &crate::config::PreChat) {
        let texts = self.texts;
        let asks = [
            ("name", prechat.name),
            ("email", prechat.email),
            ("phone", prechat.phone),
        ];
        let fields: Vec<Field> = panels::contact_fields(texts, false, false, false)
            .into_iter()
            .zip(asks)
            .filter(|(_, (_, ask))| *ask != Ask::No)
            .map(|(field, (_, ask))| Field {
                required: ask == Ask::Required,
                ..field
            })
            .collect();
        let Ok(doc) = self.view.prechat.root.owner_document().ok_or(()) else {
            return;
        };
        let Ok(form) = Form::build(
            &doc,
            "prechat",
            texts.prechat_title,
            &fields,
            texts.start_chat,
        ) else {
            return;
        };
        let _ = self.view.prechat.root.replace_with_with_node_1(&form.root);
        let me = self.me.clone();
        self.flow.prechat_listener = Some(Listener::new(&form.root, "submit", move |e: Event| {
            e.prevent_default();
            if let Some(w) = me.upgrade() {
                w.borrow_mut().submit_prechat();
            }
        }));
        self.view.prechat = form;
    }

    pub(crate) fn submit_prechat(&mut self) {
        let Some(prechat) = self.flow.config.prechat.clone() else {
            return;
        };
        let form = &self.view.prechat;
        let asks = [
            ("name", prechat.name),
            ("email", prechat.email),
            ("phone", prechat.phone),
        ];
        for (name, ask) in asks {
            if ask == Ask::Required && form.value(name).is_empty() {
                return form.set_error(Some(name), Some(self.texts.required));
            }
        }
        let email = form.value("email");
        if !email.is_empty() && parse_email(&email).is_err() {
            return form.set_error(Some("email"), Some(self.texts.bad_email));
        }
        let given = |name: &str| Some(form.value(name)).filter(|v| !v.is_empty());
        let profile = VisitorProfile {
            name: given("name"),
            email: given("email"),
            phone: given("phone"),
            custom_data: None,
        };
        form.set_error(None, None);
        form.set_busy(true);
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return form.set_busy(false);
        };
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = rest::update_profile(&token, &profile).await;
            if let Some(w) = me.upgrade() {
                w.borrow_mut().prechat_sent(outcome);
            }
        });
    }

    fn prechat_sent(&mut self, outcome: Result<(), rest::Failure>) {
        self.view.prechat.set_busy(false);
        match outcome {
            Ok(()) => {
                self.flow.prechat_done = true;
                if let Some(storage) = session::local_storage() {
                    let _ = storage.set_item(&self.prechat_key(), "1");
                }
                self.refresh_panels();
                self.view.focus_composer();
            }
            Err(message) => {
                let text = message.unwrap_or_else(|| self.texts.form_failed.into());
                self.view.prechat.set_error(None, Some(&text));
            }
        }
    }

    pub(crate) fn submit_offline_form(&mut self) {
        let form = &self.view.offline.form;
        for name in ["name", "email", "message"] {
            if form.value(name).is_empty() {
                return form.set_error(Some(name), Some(self.texts.required));
            }
        }
        if parse_email(&form.value("email")).is_err() {
            return form.set_error(Some("email"), Some(self.texts.bad_email));
        }
        let phone = form.value("phone");
        let request = OfflineMessageRequest {
            name: form.value("name"),
            email: form.value("email"),
            phone: (!phone.is_empty()).then_some(phone),
            message: form.value("message"),
            page_url: self.flow.page.as_ref().map(|(url, _)| url.clone()),
        };
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return form.set_error(None, Some(self.texts.form_failed));
        };
        form.set_error(None, None);
        form.set_busy(true);
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = rest::leave_offline_message(&token, &request).await;
            if let Some(w) = me.upgrade() {
                w.borrow_mut().offline_sent(outcome);
            }
        });
    }

    fn offline_sent(&mut self, outcome: Result<(), rest::Failure>) {
        let card = &self.view.offline;
        card.form.set_busy(false);
        match outcome {
            Ok(()) => {
                card.form.show(false);
                panels::show(&card.thanks, true);
                self.host.event("offline:sent", JsValue::NULL);
            }
            Err(message) => {
                let text = message.unwrap_or_else(|| self.texts.form_failed.into());
                card.form.set_error(None, Some(&text));
            }
        }
    }

    /// `Livedesk.updateVisitor(...)`: stored now, or once the session exists.
    pub(crate) fn identify(&mut self, data: &JsValue) {
        let text = |key: &str| {
            data.field(key)
                .and_then(|v| v.string())
                .filter(|v| !v.trim().is_empty())
        };
        let custom = data.field("customData").map(|c| {
            // Inserted one by one, not collected: `collect` into a map sorts first, and the
            // sort's code would weigh more in the wasm than this loop.
            let mut custom = BTreeMap::new();
            for key in js_sys::Object::keys(c.unchecked_ref::<js_sys::Object>()).iter() {
                if let Some(key) = key.as_string() {
                    let value = c.field(&key).and_then(|v| v.string()).unwrap_or_default();
                    custom.insert(key, value);
                }
            }
            custom
        });
        let profile = VisitorProfile {
            name: text("name"),
            email: text("email"),
            phone: text("phone"),
            custom_data: custom.filter(|c| !c.is_empty()),
        };
        self.flow.pending_profile = Some(profile);
        self.flush_profile();
    }

    pub(crate) fn flush_profile(&mut self) {
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return;
        };
        let Some(profile) = self.flow.pending_profile.take() else {
            return;
        };
        let host = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = rest::update_profile(&token, &profile).await;
            if let Some(w) = host.upgrade() {
                let detail = match outcome {
                    Ok(()) => JsValue::TRUE,
                    Err(message) => JsValue::from_str(&message.unwrap_or_default()),
                };
                w.borrow().host.event("visitor:updated", detail);
            }
        });
    }
}

impl Widget {
    /// Tells the server the referrer, the visit count, the scroll depth, and the browser's
    /// time zone and language (once the session exists; the browser, system and device it
    /// reads from the request).
    pub(crate) fn report_visit(&mut self) {
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return;
        };
        let zone = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
            .resolved_options();
        let report = VisitReport {
            referrer: self.flow.referrer.clone().filter(|r| r.starts_with("http")),
            visits: Some(self.visit_count()),
            scroll_depth: self.flow.scroll_depth,
            // What the server would refuse is left out rather than losing the report.
            time_zone: js_sys::Reflect::get(&zone, &"timeZone".into())
                .ok()
                .and_then(|z| z.as_string())
                .filter(|z| is_time_zone(z)),
            language: web_sys::window()
                .and_then(|w| w.navigator().language())
                .filter(|l| is_language_tag(l)),
        };
        wasm_bindgen_futures::spawn_local(async move {
            if rest::report_visit(&token, &report).await.is_err() {
                crate::socket::log("the visit could not be reported");
            }
        });
    }

    /// Visits of this browser to the site: counted once per browser session, in the
    /// frame's storage (`ld:visits:<site key>`).
    fn visit_count(&self) -> u32 {
        let key = format!("ld:visits:{}", self.params.site_key);
        let storage = session::local_storage();
        let stored = storage
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0);
        let this_session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        let counted = this_session
            .as_ref()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .is_some();
        if counted {
            return stored.max(1);
        }
        if let Some(s) = &this_session {
            let _ = s.set_item(&key, "1");
        }
        if let Some(s) = &storage {
            let _ = s.set_item(&key, &(stored + 1).to_string());
        }
        stored + 1
    }
}

/// The attribute `name` of the element an event happened on.
fn data_of(event: &Event, name: &str) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    let el = target.closest(&format!("[{name}]")).ok()??;
    el.get_attribute(name)
}
