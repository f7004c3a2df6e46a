//! A visitor's voice or video call, from the button to the hang-up.
//!
//! The call button sends `call_start` and, at the same moment, asks the browser for the
//! microphone (and camera) and the server for the STUN/TURN servers. Once the agent has
//! accepted (`connecting`) and both have arrived, the widget makes the peer connection and
//! the offer; `call_connected` follows when media flows. The call's state is the one the
//! server's `call_changed` frames carry (`livedesk_signaling::CallState`); the widget only
//! shows it and acts on it. A refused microphone or camera ends the call at once (hung up
//! while it rings, `call_failed` once answered) with a message saying why.

use std::cell::RefCell;
use std::rc::Weak;

use js_sys::{Object, Reflect};
use livedesk_protocol::calls::{CallKind, CallState, MediaState, SdpType};
use livedesk_protocol::frames::VisitorFrame;
use livedesk_protocol::ids::{CallId, ClientId};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamTrack, Window};

use crate::app::Widget;
use crate::call_view::CallView;
use crate::dom::{Listener, Timer};
use crate::wire::{CallInfo, Json, Signal};
use livedesk_webcall::{self as peer, Peer, PeerEvent};

pub const ICE_PATH: &str = "/api/v1/calls/ice-servers";

/// The call panel and the call on it (one at a time).
pub struct Calls {
    pub view: CallView,
    current: Option<Current>,
    _listeners: [Listener; 5],
}

struct Current {
    cid: ClientId,
    /// Known once `call_started` names it.
    id: Option<CallId>,
    state: CallState,
    /// The visitor hung up (or media failed) before `call_started` came.
    given_up: bool,
    media: Option<MediaStream>,
    ice: Option<JsValue>,
    peer: Option<Peer>,
    mine: MediaState,
    answered_at: Option<f64>,
    tick: Option<Timer>,
}

impl Drop for Current {
    /// A call that ends before its peer connection existed still turns the camera off.
    fn drop(&mut self) {
        if let Some(media) = &self.media {
            peer::stop_all(media);
        }
    }
}

impl Calls {
    pub fn new(me: &Weak<RefCell<Widget>>, view: CallView, window: &Window) -> Self {
        let on = |f: fn(&mut Widget)| {
            let me = me.clone();
            move |_| {
                if let Some(w) = me.upgrade()
                    && let Ok(mut w) = w.try_borrow_mut()
                {
                    f(&mut w);
                }
            }
        };
        let listeners = [
            Listener::new(&view.mute, "click", on(Widget::toggle_mute)),
            Listener::new(&view.camera, "click", on(Widget::toggle_camera)),
            Listener::new(&view.share, "click", on(Widget::toggle_share)),
            Listener::new(&view.hang_up, "click", on(|w| w.give_up(false))),
            // A closed tab hangs up at once rather than after the reconnect grace period.
            Listener::new(window, "pagehide", on(|w| w.give_up(false))),
        ];
        Self {
            view,
            current: None,
            _listeners: listeners,
        }
    }
}

/// The call on the panel, if it is `id`.
fn call_of(current: &mut Option<Current>, id: CallId) -> Option<&mut Current> {
    current.as_mut().filter(|c| c.id == Some(id))
}

impl Widget {
    /// The voice or video button: calls the site from the open conversation.
    pub(crate) fn start_call(&mut self, kind: CallKind) {
        if self.calls.current.is_some() {
            return;
        }
        let Some(token) = self.session.as_ref().map(|s| s.visitor_token.clone()) else {
            return;
        };
        let cid = ClientId::new_random();
        let video = kind == CallKind::Video;
        self.calls.current = Some(Current {
            cid,
            id: None,
            state: CallState::Idle,
            given_up: false,
            media: None,
            ice: None,
            peer: None,
            mine: MediaState::default(),
            answered_at: None,
            tick: None,
        });
        let initial = self.view.title_initial();
        self.calls.view.open(video, &initial);
        self.calls.view.set_state("calling", self.texts.calling);
        self.send_frame(&VisitorFrame::CallStart { cid, kind });
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let media = peer::user_media(video).await;
            if let Some(w) = me.upgrade() {
                w.borrow_mut().on_media(cid, media);
            }
            let ice = ice_servers(&token).await;
            if let Some(w) = me.upgrade() {
                w.borrow_mut().on_ice(cid, ice);
            }
        });
    }

    fn on_media(&mut self, cid: ClientId, media: Result<MediaStream, JsValue>) {
        let Some(current) = self.calls.current.as_mut().filter(|c| c.cid == cid) else {
            if let Ok(stream) = media {
                peer::stop_all(&stream);
            }
            return;
        };
        match media {
            Ok(stream) => {
                if current.given_up {
                    return peer::stop_all(&stream);
                }
                self.calls.view.show_local(Some(&stream), false);
                current.media = Some(stream);
                self.connect_call();
            }
            Err(_) => {
                self.view.add_note(self.texts.media_blocked);
                self.give_up(true);
            }
        }
    }

    fn on_ice(&mut self, cid: ClientId, ice: JsValue) {
        if let Some(current) = self.calls.current.as_mut().filter(|c| c.cid == cid) {
            current.ice = Some(ice);
            self.connect_call();
        }
    }

    /// Makes the peer connection and the offer once the agent has answered and the media
    /// and the ICE servers are there.
    fn connect_call(&mut self) {
        let me = self.me.clone();
        let Some(current) = self.calls.current.as_mut() else {
            return;
        };
        let (CallState::Connecting, None, Some(media), Some(ice), Some(_)) = (
            current.state,
            &current.peer,
            &current.media,
            &current.ice,
            current.id,
        ) else {
            return;
        };
        let cid = current.cid;
        let made = Peer::new(ice, media.clone(), move |event| {
            if let Some(w) = me.upgrade()
                && let Ok(mut w) = w.try_borrow_mut()
            {
                w.on_peer(cid, event);
            }
        });
        match made {
            Ok(peer) => {
                peer.offer();
                self.calls.view.show_share(peer.can_share());
                current.peer = Some(peer);
            }
            Err(_) => self.give_up(true),
        }
    }

    fn on_peer(&mut self, cid: ClientId, event: PeerEvent) {
        let Some(call_id) = self
            .calls
            .current
            .as_ref()
            .filter(|c| c.cid == cid)
            .and_then(|c| c.id)
        else {
            return;
        };
        match event {
            PeerEvent::Description(description) => {
                self.send_frame(&match description.kind {
                    SdpType::Offer => VisitorFrame::CallOffer {
                        call_id,
                        description,
                    },
                    SdpType::Answer => VisitorFrame::CallAnswer {
                        call_id,
                        description,
                    },
                });
            }
            PeerEvent::Candidate(candidate) => {
                self.send_frame(&VisitorFrame::CallCandidate { call_id, candidate });
            }
            PeerEvent::Connected => self.send_frame(&VisitorFrame::CallConnected { call_id }),
            PeerEvent::Failed => self.give_up(true),
            PeerEvent::Remote(stream) => self.calls.view.show_remote(&stream),
            PeerEvent::ScreenEnded => self.stop_sharing(),
        }
    }

    /// Hangs up (or, with `failed`, reports the connection failed): at once if the call
    /// has an id, else as soon as `call_started` gives it one. The media stops now.
    pub(crate) fn give_up(&mut self, failed: bool) {
        let Some(current) = self.calls.current.as_mut() else {
            return;
        };
        if current.given_up {
            return;
        }
        current.given_up = true;
        current.peer = None;
        if let Some(media) = current.media.take() {
            peer::stop_all(&media);
        }
        let id = current.id;
        self.calls.view.set_status(self.texts.call_ended);
        if let Some(call_id) = id {
            self.send_hang_up(call_id, failed);
        }
    }

    fn send_hang_up(&self, call_id: CallId, failed: bool) {
        let state = self.calls.current.as_ref().map(|c| c.state);
        let cid = ClientId::new_random();
        let answered = state.is_some_and(CallState::relays_signals);
        self.send_frame(&if failed && answered {
            VisitorFrame::CallFailed { cid, call_id }
        } else {
            VisitorFrame::CallHangUp { cid, call_id }
        });
    }

    pub(crate) fn on_call_started(&mut self, cid: ClientId, call: CallInfo) {
        let Some(current) = self.calls.current.as_mut().filter(|c| c.cid == cid) else {
            return;
        };
        current.id = Some(call.id);
        if current.given_up {
            current.state = call.state;
            return self.send_hang_up(call.id, false);
        }
        self.on_call_changed(call);
    }

    pub(crate) fn on_call_changed(&mut self, call: CallInfo) {
        let texts = self.texts;
        let Some(current) = call_of(&mut self.calls.current, call.id) else {
            return;
        };
        let was = std::mem::replace(&mut current.state, call.state);
        if call.state.is_final() {
            return self.finish_call(&call);
        }
        if current.given_up {
            return;
        }
        let view = &self.calls.view;
        match call.state {
            CallState::Queued => view.set_state("queued", texts.call_queued),
            CallState::Ringing => view.set_state("ringing", texts.calling),
            CallState::Connecting => {
                view.set_state("connecting", texts.call_connecting);
                self.connect_call();
            }
            CallState::Active if was != CallState::Active => {
                current.answered_at = Some(js_sys::Date::now());
                view.set_state("active", &clock(0));
                let me = self.me.clone();
                current.tick = Timer::every(1_000, move || {
                    if let Some(w) = me.upgrade() {
                        w.borrow().tick_call();
                    }
                });
                let detail = call_detail(&call, None);
                self.host.event("call:started", detail);
            }
            _ => {}
        }
    }

    fn tick_call(&self) {
        if let Some(at) = self.calls.current.as_ref().and_then(|c| c.answered_at) {
            let secs = ((js_sys::Date::now() - at) / 1000.0).max(0.0) as u64;
            self.calls.view.set_status(&clock(secs));
        }
    }

    fn finish_call(&mut self, call: &CallInfo) {
        // Dropping the call stops its tracks, closes the peer connection and the timer.
        self.calls.current = None;
        self.calls.view.close();
        let detail = call_detail(call, call.outcome.as_deref());
        self.host.event("call:ended", detail);
    }

    pub(crate) fn on_call_queued(&mut self, call_id: CallId, position: u64) {
        if call_of(&mut self.calls.current, call_id).is_some() {
            let text = format!("{} ({position})", self.texts.call_queued);
            self.calls.view.set_state("queued", &text);
        }
    }

    /// An offer, answer or candidate from the agent; `raw` is the frame as parsed, whose
    /// payload goes to the browser unchanged.
    pub(crate) fn on_call_signal(&mut self, call_id: CallId, signal: Signal, raw: &JsValue) {
        let Some(peer) = call_of(&mut self.calls.current, call_id).and_then(|c| c.peer.as_ref())
        else {
            return;
        };
        match signal {
            Signal::Description => {
                if let Some(d) = raw.field("description") {
                    peer.remote(d.unchecked_into());
                }
            }
            Signal::Candidate => {
                if let Some(c) = raw.field("candidate")
                    && c.field("candidate")
                        .and_then(|l| l.string())
                        .is_some_and(|l| !l.is_empty())
                {
                    peer.candidate(c.unchecked_into());
                }
            }
        }
    }

    pub(crate) fn on_call_media(&mut self, call_id: CallId, muted: bool, camera_off: bool) {
        if call_of(&mut self.calls.current, call_id).is_some() {
            let sharing = self
                .calls
                .view
                .root
                .get_attribute("data-remote-sharing")
                .as_deref()
                == Some("true");
            self.calls
                .view
                .set_remote(muted, camera_off, sharing, Some(self.texts));
        }
    }

    pub(crate) fn on_call_screen_share(&mut self, call_id: CallId, sharing: bool) {
        if call_of(&mut self.calls.current, call_id).is_some() {
            let root = &self.calls.view.root;
            let flag = |name: &str| root.get_attribute(name).as_deref() == Some("true");
            let (muted, camera_off) = (flag("data-remote-muted"), flag("data-remote-camera-off"));
            self.calls
                .view
                .set_remote(muted, camera_off, sharing, Some(self.texts));
        }
    }

    fn toggle_mute(&mut self) {
        self.change_media(|m| m.audio_muted = !m.audio_muted);
    }

    fn toggle_camera(&mut self) {
        self.change_media(|m| m.camera_off = !m.camera_off);
    }

    fn change_media(&mut self, change: impl FnOnce(&mut MediaState)) {
        let Some(current) = self.calls.current.as_mut() else {
            return;
        };
        change(&mut current.mine);
        let media = current.mine;
        if let Some(peer) = &current.peer {
            peer.set_muted(media.audio_muted);
            peer.set_camera_off(media.camera_off);
        } else if let Some(stream) = &current.media {
            for t in stream.get_tracks() {
                let t: MediaStreamTrack = t.unchecked_into();
                let off = if t.kind() == "audio" {
                    media.audio_muted
                } else {
                    media.camera_off
                };
                t.set_enabled(!off);
            }
        }
        let id = current.id;
        CallView::set_pressed(&self.calls.view.mute, media.audio_muted);
        CallView::set_pressed(&self.calls.view.camera, media.camera_off);
        if let Some(call_id) = id {
            self.send_frame(&VisitorFrame::CallMedia { call_id, media });
        }
    }

    fn toggle_share(&mut self) {
        let Some(current) = self.calls.current.as_ref() else {
            return;
        };
        let Some(peer) = &current.peer else { return };
        if peer.sharing() {
            return self.stop_sharing();
        }
        let cid = current.cid;
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let screen = peer::display_media().await;
            if let Some(w) = me.upgrade() {
                w.borrow_mut().on_screen(cid, screen);
            }
        });
    }

    fn on_screen(&mut self, cid: ClientId, screen: Result<MediaStreamTrack, JsValue>) {
        let Ok(track) = screen else {
            return; // The visitor chose nothing: the camera stays.
        };
        let Some(current) = self.calls.current.as_mut().filter(|c| c.cid == cid) else {
            return track.stop();
        };
        let (Some(peer), Some(call_id)) = (current.peer.as_mut(), current.id) else {
            return track.stop();
        };
        peer.share(track);
        let shown = peer.screen().and_then(|t| {
            let s = MediaStream::new().ok()?;
            s.add_track(t);
            Some(s)
        });
        self.calls.view.show_local(shown.as_ref(), true);
        CallView::set_pressed(&self.calls.view.share, true);
        self.send_frame(&VisitorFrame::CallScreenShare {
            call_id,
            sharing: true,
        });
    }

    /// Back to the camera: the share button again, or the browser's own "Stop sharing".
    fn stop_sharing(&mut self) {
        let Some(current) = self.calls.current.as_mut() else {
            return;
        };
        let (Some(peer), Some(call_id)) = (current.peer.as_mut(), current.id) else {
            return;
        };
        if !peer.sharing() {
            return;
        }
        peer.stop_sharing();
        self.calls.view.show_local(Some(&peer.local), false);
        CallView::set_pressed(&self.calls.view.share, false);
        self.send_frame(&VisitorFrame::CallScreenShare {
            call_id,
            sharing: false,
        });
    }
}

/// `{callId, kind}` for `call:started`; with `outcome` and `durationSecs` for `call:ended`.
fn call_detail(call: &CallInfo, outcome: Option<&str>) -> JsValue {
    let detail = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&detail, &k.into(), &v);
    };
    set("callId", call.id.to_string().into());
    set("kind", call.kind.as_str().into());
    if call.state.is_final() {
        set("outcome", outcome.unwrap_or(call.state.as_str()).into());
        set(
            "durationSecs",
            call.duration_secs
                .map_or(JsValue::NULL, |d| (d as f64).into()),
        );
    }
    detail.into()
}

/// The time since the answer, `m:ss` (or `h:mm:ss`).
pub fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `ice_servers` of `GET /api/v1/calls/ice-servers`, as the browser parsed them; none
/// (direct connections only) when it cannot be fetched.
async fn ice_servers(token: &str) -> JsValue {
    let fetched = async {
        let init = web_sys::RequestInit::new();
        init.set_method("GET");
        let request = web_sys::Request::new_with_str_and_init(ICE_PATH, &init)?;
        request
            .headers()
            .set("authorization", &format!("Bearer {token}"))?;
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await?
            .dyn_into()?;
        JsFuture::from(response.json()?).await
    }
    .await;
    fetched
        .ok()
        .and_then(|body| body.field("ice_servers"))
        .unwrap_or_else(|| js_sys::Array::new().into())
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn the_call_clock_counts_minutes_and_seconds() {
        let cases = [(0, "0:00"), (9, "0:09"), (125, "2:05"), (3_725, "1:02:05")];
        for (secs, shown) in cases {
            assert_eq!(clock(secs), shown, "{secs}");
        }
    }
}
