//! The agent's side of a call: the ring, accept or decline, then the peer connection
//! (the visitor sends the offer, the dashboard answers), mute, camera, screen sharing and
//! the hang-up. The call's state is the one the server's `call_changed` frames carry
//! (`livedesk_signaling::CallState`); [`Calls`] keeps it in signals for the panel
//! (`views/call.rs`). A refused microphone or camera after the accept ends the call with
//! `call_failed` and says why.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::calls::{
    Call, CallKind, IceCandidate, MediaState, SdpType, SessionDescription,
};
use livedesk_protocol::chat::Party;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{CallId, ClientId};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, RtcIceCandidateInit, RtcSessionDescriptionInit};

use crate::desk::Desk;
use livedesk_webcall::{self as peer, Peer, PeerEvent};

const ICE_PATH: &str = "/api/v1/calls/ice-servers";
pub const MEDIA_BLOCKED: &str = "Your microphone or camera is blocked or missing: allow it in the browser, then take the next call.";
const CONNECT_FAILED: &str = "The call could not connect.";

/// Signals for the call panel, and the peer connection behind them.
#[derive(Clone, Copy)]
pub struct Calls {
    /// A call ringing for this agent (not yet accepted or declined).
    pub ringing: RwSignal<Option<Call>>,
    /// The call this agent took, as the server last described it.
    pub current: RwSignal<Option<Call>>,
    /// This agent's microphone and camera.
    pub mine: RwSignal<MediaState>,
    /// The visitor's, from their `call_media`.
    pub remote: RwSignal<MediaState>,
    pub remote_sharing: RwSignal<bool>,
    /// This agent shares the screen (the self view then shows it, not mirrored).
    pub sharing: RwSignal<bool>,
    /// When the call became active, `Date.now()` milliseconds.
    pub answered_at: RwSignal<Option<f64>>,
    /// Why the last call ended badly on this side.
    pub error: RwSignal<Option<String>>,
    pub remote_stream: RwSignal<Option<MediaStream>, LocalStorage>,
    pub self_stream: RwSignal<Option<MediaStream>, LocalStorage>,
    pub can_share: RwSignal<bool>,
    peer: StoredValue<Option<Peer>, LocalStorage>,
    /// The visitor's offer and candidates that came before the peer connection existed.
    early: StoredValue<(Option<SessionDescription>, Vec<IceCandidate>), LocalStorage>,
}

impl Calls {
    pub fn new() -> Self {
        Self {
            ringing: RwSignal::new(None),
            current: RwSignal::new(None),
            mine: RwSignal::new(MediaState::default()),
            remote: RwSignal::new(MediaState::default()),
            remote_sharing: RwSignal::new(false),
            sharing: RwSignal::new(false),
            answered_at: RwSignal::new(None),
            error: RwSignal::new(None),
            remote_stream: RwSignal::new_local(None),
            self_stream: RwSignal::new_local(None),
            can_share: RwSignal::new(false),
            peer: StoredValue::new_local(None),
            early: StoredValue::new_local((None, Vec::new())),
        }
    }

    fn call_id(self) -> Option<CallId> {
        self.current.with_untracked(|c| c.as_ref().map(|c| c.id))
    }

    /// The call frames of the agent socket.
    pub(crate) fn on_frame(self, desk: Desk, frame: ServerFrame) {
        match frame {
            ServerFrame::CallChanged { call } => self.on_changed(desk, call),
            ServerFrame::CallOffer {
                call_id,
                description,
            }
            | ServerFrame::CallAnswer {
                call_id,
                description,
            } if Some(call_id) == self.call_id() => {
                let applied = self
                    .peer
                    .with_value(|p| p.as_ref().map(|p| p.remote(description_init(&description))));
                if applied.is_none() {
                    self.early
                        .update_value(|(offer, _)| *offer = Some(description));
                }
            }
            ServerFrame::CallCandidate { call_id, candidate }
                if Some(call_id) == self.call_id() =>
            {
                if candidate.candidate.is_empty() {
                    return;
                }
                let applied = self
                    .peer
                    .with_value(|p| p.as_ref().map(|p| p.candidate(candidate_init(&candidate))));
                if applied.is_none() {
                    self.early.update_value(|(_, early)| early.push(candidate));
                }
            }
            ServerFrame::CallMedia {
                call_id,
                from: Party::Visitor,
                media,
            } if Some(call_id) == self.call_id() => self.remote.set(media),
            ServerFrame::CallScreenShare {
                call_id,
                from: Party::Visitor,
                sharing,
            } if Some(call_id) == self.call_id() => self.remote_sharing.set(sharing),
            _ => {}
        }
    }

    fn on_changed(self, desk: Desk, call: Call) {
        if Some(call.id) == self.call_id() {
            if call.state.is_final() {
                self.tear_down();
                self.current.set(None);
                return;
            }
            if call.state == livedesk_protocol::calls::CallState::Active
                && self.answered_at.get_untracked().is_none()
            {
                self.answered_at.set(Some(js_sys::Date::now()));
            }
            self.current.set(Some(call));
            return;
        }
        let me = desk.agent.with_untracked(|a| a.as_ref().map(|a| a.id));
        let rings_me = call.state == livedesk_protocol::calls::CallState::Ringing
            && call.agent_id.is_some()
            && call.agent_id == me
            && self.current.with_untracked(Option::is_none);
        if rings_me {
            self.ringing.set(Some(call));
        } else if self
            .ringing
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.id == call.id))
        {
            // Taken elsewhere, missed, or cancelled by the visitor.
            self.ringing.set(None);
        }
    }

    /// Takes the ringing call: accept, then the microphone (and camera), the ICE servers and
    /// the peer connection, which answers the visitor's offer.
    pub fn accept(self, desk: Desk) {
        let Some(call) = self.ringing.get_untracked() else {
            return;
        };
        self.ringing.set(None);
        self.error.set(None);
        self.mine.set(MediaState::default());
        self.remote.set(MediaState::default());
        self.remote_sharing.set(false);
        self.sharing.set(false);
        self.answered_at.set(None);
        self.early.set_value((None, Vec::new()));
        let call_id = call.id;
        let video = call.kind == CallKind::Video;
        desk.open_conversation(call.conversation_id);
        self.current.set(Some(call));
        send(
            desk,
            AgentFrame::CallAccept {
                cid: ClientId::new_random(),
                call_id,
            },
        );
        let token = crate::session::access_token(desk).unwrap_or_default();
        spawn_local(async move {
            let media = peer::user_media(video).await;
            let ice = ice_servers(&token).await;
            if self.call_id() != Some(call_id) {
                if let Ok(stream) = media {
                    peer::stop_all(&stream);
                }
                return;
            }
            match media {
                Ok(stream) => self.connect(desk, &ice, stream),
                Err(_) => self.fail(desk, MEDIA_BLOCKED),
            }
        });
    }

    fn connect(self, desk: Desk, ice: &JsValue, stream: MediaStream) {
        self.self_stream.set(Some(stream.clone()));
        match Peer::new(ice, stream, move |event| self.on_peer(desk, event)) {
            Ok(peer) => {
                let (offer, candidates) = self.early.with_value(|e| e.clone());
                self.early.set_value((None, Vec::new()));
                if let Some(offer) = offer {
                    peer.remote(description_init(&offer));
                }
                for candidate in candidates {
                    peer.candidate(candidate_init(&candidate));
                }
                self.can_share.set(peer.can_share());
                self.peer.set_value(Some(peer));
            }
            Err(_) => self.fail(desk, CONNECT_FAILED),
        }
    }

    fn on_peer(self, desk: Desk, event: PeerEvent) {
        let Some(call_id) = self.call_id() else {
            return;
        };
        match event {
            PeerEvent::Description(description) => send(
                desk,
                match description.kind {
                    SdpType::Answer => AgentFrame::CallAnswer {
                        call_id,
                        description,
                    },
                    SdpType::Offer => AgentFrame::CallOffer {
                        call_id,
                        description,
                    },
                },
            ),
            PeerEvent::Candidate(candidate) => {
                send(desk, AgentFrame::CallCandidate { call_id, candidate })
            }
            PeerEvent::Connected => send(desk, AgentFrame::CallConnected { call_id }),
            PeerEvent::Failed => self.fail(desk, CONNECT_FAILED),
            PeerEvent::Remote(stream) => self.remote_stream.set(Some(stream)),
            PeerEvent::ScreenEnded => self.stop_sharing(desk),
        }
    }

    pub fn reject(self, desk: Desk) {
        if let Some(call) = self.ringing.get_untracked() {
            self.ringing.set(None);
            send(
                desk,
                AgentFrame::CallReject {
                    cid: ClientId::new_random(),
                    call_id: call.id,
                },
            );
        }
    }

    pub fn hang_up(self, desk: Desk) {
        if let Some(call_id) = self.call_id() {
            self.tear_down();
            send(
                desk,
                AgentFrame::CallHangUp {
                    cid: ClientId::new_random(),
                    call_id,
                },
            );
        }
    }

    /// Ends the call as failed, with `reason` for the agent.
    fn fail(self, desk: Desk, reason: &str) {
        self.error.set(Some(reason.to_owned()));
        if let Some(call_id) = self.call_id() {
            self.tear_down();
            send(
                desk,
                AgentFrame::CallFailed {
                    cid: ClientId::new_random(),
                    call_id,
                },
            );
        }
    }

    /// Stops the media and closes the peer connection (dropping the peer does both).
    fn tear_down(self) {
        self.peer.set_value(None);
        if let Some(stream) = self.self_stream.get_untracked() {
            peer::stop_all(&stream);
        }
        self.self_stream.set(None);
        self.remote_stream.set(None);
        self.sharing.set(false);
        self.can_share.set(false);
    }

    pub fn toggle_mute(self, desk: Desk) {
        self.change_media(desk, |m| m.audio_muted = !m.audio_muted);
    }

    pub fn toggle_camera(self, desk: Desk) {
        self.change_media(desk, |m| m.camera_off = !m.camera_off);
    }

    fn change_media(self, desk: Desk, change: impl FnOnce(&mut MediaState)) {
        let Some(call_id) = self.call_id() else {
            return;
        };
        self.mine.update(change);
        let media = self.mine.get_untracked();
        self.peer.with_value(|p| {
            if let Some(p) = p {
                p.set_muted(media.audio_muted);
                p.set_camera_off(media.camera_off);
            }
        });
        send(desk, AgentFrame::CallMedia { call_id, media });
    }

    pub fn toggle_share(self, desk: Desk) {
        if self.sharing.get_untracked() {
            return self.stop_sharing(desk);
        }
        let Some(call_id) = self.call_id() else {
            return;
        };
        spawn_local(async move {
            let Ok(track) = peer::display_media().await else {
                return; // Nothing chosen: the camera stays.
            };
            if self.call_id() != Some(call_id) {
                return track.stop();
            }
            let shown = MediaStream::new().ok();
            if let Some(s) = &shown {
                s.add_track(&track);
            }
            let shared = self.peer.try_update_value(|p| match p {
                Some(p) => {
                    p.share(track.clone());
                    true
                }
                None => false,
            });
            if shared != Some(true) {
                return track.stop();
            }
            self.self_stream.set(shown);
            self.sharing.set(true);
            send(
                desk,
                AgentFrame::CallScreenShare {
                    call_id,
                    sharing: true,
                },
            );
        });
    }

    /// Back to the camera: the share button again, or the browser's own "Stop sharing".
    fn stop_sharing(self, desk: Desk) {
        let Some(call_id) = self.call_id() else {
            return;
        };
        if !self.sharing.get_untracked() {
            return;
        }
        let camera = self.peer.try_update_value(|p| {
            p.as_mut().map(|p| {
                p.stop_sharing();
                p.local.clone()
            })
        });
        self.self_stream.set(camera.flatten());
        self.sharing.set(false);
        send(
            desk,
            AgentFrame::CallScreenShare {
                call_id,
                sharing: false,
            },
        );
    }
}

impl Default for Calls {
    fn default() -> Self {
        Self::new()
    }
}

fn send(desk: Desk, frame: AgentFrame) {
    desk.socket.get_value().send(&frame);
}

fn description_init(description: &SessionDescription) -> RtcSessionDescriptionInit {
    let kind = match description.kind {
        SdpType::Offer => web_sys::RtcSdpType::Offer,
        SdpType::Answer => web_sys::RtcSdpType::Answer,
    };
    let init = RtcSessionDescriptionInit::new(kind);
    init.set_sdp(&description.sdp);
    init
}

fn candidate_init(candidate: &IceCandidate) -> RtcIceCandidateInit {
    let init = RtcIceCandidateInit::new(&candidate.candidate);
    init.set_sdp_mid(candidate.sdp_mid.as_deref());
    init.set_sdp_m_line_index(candidate.sdp_mline_index);
    if let Some(fragment) = &candidate.username_fragment {
        let _ = js_sys::Reflect::set(&init, &"usernameFragment".into(), &fragment.into());
    }
    init
}

/// `ice_servers` of `GET /api/v1/calls/ice-servers`; none (direct connections only) when
/// it cannot be fetched.
async fn ice_servers(token: &str) -> JsValue {
    let fetched = async {
        let headers = web_sys::Headers::new()?;
        headers.set("Authorization", &format!("Bearer {token}"))?;
        let init = web_sys::RequestInit::new();
        init.set_method("GET");
        init.set_headers(&headers);
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(ICE_PATH, &init))
                .await?
                .dyn_into()?;
        let body = JsFuture::from(response.json()?).await?;
        js_sys::Reflect::get(&body, &"ice_servers".into())
    }
    .await;
    match fetched {
        Ok(servers) if servers.is_object() => servers,
        _ => js_sys::Array::new().into(),
    }
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
