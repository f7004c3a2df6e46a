//! One side of a call's WebRTC connection: the browser's `RTCPeerConnection`, the local
//! microphone and camera, and screen sharing by replacing the camera's track (no
//! renegotiation). It knows nothing of frames: what must reach the other side comes out as
//! a [`PeerEvent`], and the caller turns it into its socket's frame.
//!
//! Shared by the widget and the dashboard, whose calls differ only in who offers and in
//! their panels.

use std::cell::RefCell;
use std::rc::Rc;

use livedesk_protocol::calls::{IceCandidate, SdpType, SessionDescription};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcRtpSender, RtcSessionDescriptionInit, RtcTrackEvent,
};

use wasm_bindgen::closure::Closure;

/// Microphone with echo cancellation and noise suppression; with video, the camera at
/// 720p and 30 frames a second when it can.
const VOICE: &str = r#"{"audio":{"echoCancellation":true,"noiseSuppression":true}}"#;
const VIDEO: &str = r#"{"audio":{"echoCancellation":true,"noiseSuppression":true},"video":{"width":{"ideal":1280},"height":{"ideal":720},"frameRate":{"ideal":30}}}"#;

/// What the peer connection needs the other side (or the UI) to know.
pub enum PeerEvent {
    /// A local description to send: the offer, or the answer to the other side's offer.
    Description(SessionDescription),
    Candidate(IceCandidate),
    /// The connection is up (sent once).
    Connected,
    /// The connection failed for good.
    Failed,
    /// The other side's media arrived.
    Remote(MediaStream),
    /// The shared screen ended (the browser's own "Stop sharing"): back to the camera.
    ScreenEnded,
}

type Emit = Rc<dyn Fn(PeerEvent)>;

pub struct Peer {
    pc: RtcPeerConnection,
    pub local: MediaStream,
    /// The sender of the video track, whose track screen sharing replaces.
    video_sender: Option<RtcRtpSender>,
    screen: Option<(MediaStreamTrack, Listener)>,
    /// Candidates that came before the remote description; added once it is set.
    early: Rc<RefCell<Option<Vec<RtcIceCandidateInit>>>>,
    emit: Emit,
    _listeners: [Listener; 3],
}

/// The microphone (and the camera for a video call). Refused permission or a missing device
/// is an error the caller shows before failing the call.
pub async fn user_media(video: bool) -> Result<MediaStream, JsValue> {
    let constraints = js_sys::JSON::parse(if video { VIDEO } else { VOICE })?;
    let devices = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let promise = devices.get_user_media_with_constraints(constraints.unchecked_ref())?;
    JsFuture::from(promise).await?.dyn_into()
}

/// The screen, a window or a tab, as the person sharing picks it.
pub async fn display_media() -> Result<MediaStreamTrack, JsValue> {
    let devices = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let stream: MediaStream = JsFuture::from(devices.get_display_media()?)
        .await?
        .dyn_into()?;
    stream.get_video_tracks().get(0).dyn_into()
}

impl Peer {
    /// A peer connection with `ice_servers` (as `GET /api/v1/calls/ice-servers` hands them
    /// out) sending the tracks of `local`.
    pub fn new(
        ice_servers: &JsValue,
        local: MediaStream,
        emit: impl Fn(PeerEvent) + 'static,
    ) -> Result<Self, JsValue> {
        let config = RtcConfiguration::new();
        config.set_ice_servers(ice_servers);
        let pc = RtcPeerConnection::new_with_configuration(&config)?;
        let emit: Emit = Rc::new(emit);
        let mut video_sender = None;
        for track in local.get_tracks() {
            let track: MediaStreamTrack = track.unchecked_into();
            let sender = pc.add_track_0(&track, &local);
            if track.kind() == "video" {
                video_sender = Some(sender);
            }
        }
        let on_candidate = {
            let emit = emit.clone();
            Listener::new(&pc, "icecandidate", move |e: Event| {
                let Some(c) = e.unchecked_into::<RtcPeerConnectionIceEvent>().candidate() else {
                    return;
                };
                if c.candidate().is_empty() {
                    return;
                }
                let fragment = js_sys::Reflect::get(&c, &"usernameFragment".into())
                    .ok()
                    .and_then(|f| f.as_string());
                emit(PeerEvent::Candidate(IceCandidate {
                    candidate: c.candidate(),
                    sdp_mid: c.sdp_mid(),
                    sdp_mline_index: c.sdp_m_line_index(),
                    username_fragment: fragment,
                }));
            })
        };
        let on_track = {
            let emit = emit.clone();
            Listener::new(&pc, "track", move |e: Event| {
                let event: RtcTrackEvent = e.unchecked_into();
                let stream = match event.streams().get(0).dyn_into::<MediaStream>() {
                    Ok(stream) => stream,
                    Err(_) => match MediaStream::new() {
                        Ok(stream) => {
                            stream.add_track(&event.track());
                            stream
                        }
                        Err(_) => return,
                    },
                };
                emit(PeerEvent::Remote(stream));
            })
        };
        let on_state = {
            let emit = emit.clone();
            let pc = pc.clone();
            let mut told = false;
            Listener::new(&pc.clone(), "connectionstatechange", move |_| {
                match pc.connection_state() {
                    web_sys::RtcPeerConnectionState::Connected if !told => {
                        told = true;
                        emit(PeerEvent::Connected);
                    }
                    web_sys::RtcPeerConnectionState::Failed => later(&emit, || PeerEvent::Failed),
                    _ => {}
                }
            })
        };
        Ok(Self {
            pc,
            local,
            video_sender,
            screen: None,
            early: Rc::new(RefCell::new(Some(Vec::new()))),
            emit,
            _listeners: [on_candidate, on_track, on_state],
        })
    }

    /// Creates the offer (the caller's side) and hands it out as a [`PeerEvent`].
    pub fn offer(&self) {
        let pc = self.pc.clone();
        let emit = self.emit.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let made = async {
                let offer = JsFuture::from(pc.create_offer()).await?;
                JsFuture::from(pc.set_local_description(offer.unchecked_ref())).await?;
                Ok::<_, JsValue>(())
            }
            .await;
            emit(match made.ok().and_then(|()| local_description(&pc)) {
                Some(description) => PeerEvent::Description(description),
                None => PeerEvent::Failed,
            });
        });
    }

    /// The other side's description: an answer to our offer, or an offer to answer.
    pub fn remote(&self, description: RtcSessionDescriptionInit) {
        let pc = self.pc.clone();
        let emit = self.emit.clone();
        let early = self.early.clone();
        let is_offer = description.get_type() == web_sys::RtcSdpType::Offer;
        wasm_bindgen_futures::spawn_local(async move {
            let set = async {
                JsFuture::from(pc.set_remote_description(&description)).await?;
                for candidate in early.borrow_mut().take().unwrap_or_default() {
                    add_candidate(&pc, &candidate);
                }
                if is_offer {
                    let answer = JsFuture::from(pc.create_answer()).await?;
                    JsFuture::from(pc.set_local_description(answer.unchecked_ref())).await?;
                }
                Ok::<_, JsValue>(())
            }
            .await;
            match (set, is_offer) {
                (Err(_), _) => emit(PeerEvent::Failed),
                (Ok(()), true) => match local_description(&pc) {
                    Some(d) => emit(PeerEvent::Description(d)),
                    None => emit(PeerEvent::Failed),
                },
                (Ok(()), false) => {}
            }
        });
    }

    pub fn candidate(&self, candidate: RtcIceCandidateInit) {
        match self.early.borrow_mut().as_mut() {
            Some(early) => early.push(candidate),
            None => add_candidate(&self.pc, &candidate),
        }
    }

    pub fn set_muted(&self, muted: bool) {
        for track in self.local.get_audio_tracks() {
            track
                .unchecked_into::<MediaStreamTrack>()
                .set_enabled(!muted);
        }
    }

    pub fn set_camera_off(&self, off: bool) {
        for track in self.local.get_video_tracks() {
            track.unchecked_into::<MediaStreamTrack>().set_enabled(!off);
        }
    }

    pub fn sharing(&self) -> bool {
        self.screen.is_some()
    }

    pub fn can_share(&self) -> bool {
        self.video_sender.is_some()
    }

    /// Sends `track` (the shared screen) instead of the camera.
    pub fn share(&mut self, track: MediaStreamTrack) {
        let Some(sender) = &self.video_sender else {
            return track.stop();
        };
        let _ = sender.replace_track(Some(&track));
        let emit = self.emit.clone();
        let ended = Listener::new(&track, "ended", move |_| {
            later(&emit, || PeerEvent::ScreenEnded)
        });
        self.screen = Some((track, ended));
    }

    /// Back to the camera.
    pub fn stop_sharing(&mut self) {
        if let Some((track, _ended)) = self.screen.take() {
            track.stop();
        }
        if let Some(sender) = &self.video_sender {
            let camera = self.local.get_video_tracks().get(0);
            let _ = sender.replace_track(camera.dyn_ref::<MediaStreamTrack>());
        }
    }

    /// The screen being shared, for the self view.
    pub fn screen(&self) -> Option<&MediaStreamTrack> {
        self.screen.as_ref().map(|(t, _)| t)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop_sharing();
        stop_all(&self.local);
        self.pc.close();
    }
}

/// Emits after the listener that saw it has returned: handling `Failed` or `ScreenEnded`
/// drops the listener, which must not happen while it runs.
fn later(emit: &Emit, event: fn() -> PeerEvent) {
    let emit = emit.clone();
    wasm_bindgen_futures::spawn_local(async move { emit(event()) });
}

/// Stops every track of `stream` (the camera light goes off).
pub fn stop_all(stream: &MediaStream) {
    for track in stream.get_tracks() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

fn add_candidate(pc: &RtcPeerConnection, candidate: &RtcIceCandidateInit) {
    let promise = pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(candidate));
    // A candidate the browser cannot use is dropped; the others still connect.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}

fn local_description(pc: &RtcPeerConnection) -> Option<SessionDescription> {
    let description = pc.local_description()?;
    let kind = match description.type_() {
        web_sys::RtcSdpType::Offer => SdpType::Offer,
        web_sys::RtcSdpType::Answer => SdpType::Answer,
        _ => return None,
    };
    Some(SessionDescription {
        kind,
        sdp: description.sdp(),
    })
}

/// An event listener, registered until dropped (so the peer owns its closures).
struct Listener {
    target: web_sys::EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    fn new(
        target: &web_sys::EventTarget,
        kind: &'static str,
        handler: impl FnMut(Event) + 'static,
    ) -> Self {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        Self {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}
