//! Real WebRTC peers (webrtc-rs) as the widget and the dashboard would be, negotiating
//! through the real server's sockets: once directly over loopback, once forced through the
//! embedded TURN server with the credentials the server hands out; and the TURN server
//! refusing an expired credential.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use livedesk_protocol::calls::{
    CallKind, CallState, IceCandidate, IceConfig, SdpType, SessionDescription,
};
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{CallId, ClientId};
use livedesk_signaling::ice::{turn_credential, verify};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder,
    RTCIceCandidateInit, RTCIceCandidateType, RTCIceServer, RTCIceTransportPolicy,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, RTCSessionDescription,
};

use crate::calls::{
    Chatting, TURN_SECRET, agent_act, changed_to, chatting, start_call, with_calls,
};
use crate::messaging::answer;
use crate::support::TestApp;
use crate::support::client::{Socket, http};

/// What a peer connection reports, as channels the test reads.
struct Reports {
    candidates: UnboundedSender<(RTCIceCandidateInit, RTCIceCandidateType)>,
    states: UnboundedSender<RTCPeerConnectionState>,
    channels: UnboundedSender<Arc<dyn DataChannel>>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Reports {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(init) = event.candidate.to_json() {
            let _ = self.candidates.send((init, event.candidate.typ));
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.states.send(state);
    }

    async fn on_data_channel(&self, channel: Arc<dyn DataChannel>) {
        let _ = self.channels.send(channel);
    }
}

/// One side's peer connection and what it reports.
struct Peer<P> {
    pc: P,
    candidates: UnboundedReceiver<(RTCIceCandidateInit, RTCIceCandidateType)>,
    states: UnboundedReceiver<RTCPeerConnectionState>,
    channels: UnboundedReceiver<Arc<dyn DataChannel>>,
    /// Types of the candidates this side gathered.
    gathered: Vec<RTCIceCandidateType>,
    /// Remote candidates that came before the remote description.
    early: Vec<RTCIceCandidateInit>,
    connected: bool,
}

async fn peer(ice: Option<&IceConfig>) -> Peer<impl PeerConnection> {
    let (candidates_tx, candidates) = unbounded_channel();
    let (states_tx, states) = unbounded_channel();
    let (channels_tx, channels) = unbounded_channel();
    let mut configuration = RTCConfigurationBuilder::new();
    if let Some(ice) = ice {
        let servers = ice
            .ice_servers
            .iter()
            .map(|s| RTCIceServer {
                urls: s.urls.clone(),
                username: s.username.clone().unwrap_or_default(),
                credential: s.credential.clone().unwrap_or_default(),
            })
            .collect();
        configuration = configuration
            .with_ice_servers(servers)
            .with_ice_transport_policy(RTCIceTransportPolicy::Relay);
    }
    let pc = PeerConnectionBuilder::new()
        .with_configuration(configuration.build())
        .with_handler(Arc::new(Reports {
            candidates: candidates_tx,
            states: states_tx,
            channels: channels_tx,
        }))
        .with_udp_addrs(vec!["127.0.0.1:0"])
        .build()
        .await
        .expect("a peer connection");
    Peer {
        pc,
        candidates,
        states,
        channels,
        gathered: Vec::new(),
        early: Vec::new(),
        connected: false,
    }
}

fn ours(init: RTCIceCandidateInit) -> IceCandidate {
    IceCandidate {
        candidate: init.candidate,
        sdp_mid: init.sdp_mid,
        sdp_mline_index: init.sdp_mline_index,
        username_fragment: init.username_fragment,
    }
}

fn theirs(candidate: IceCandidate) -> RTCIceCandidateInit {
    RTCIceCandidateInit {
        candidate: candidate.candidate,
        sdp_mid: candidate.sdp_mid,
        sdp_mline_index: candidate.sdp_mline_index,
        username_fragment: candidate.username_fragment,
        ..Default::default()
    }
}

/// Adds a remote candidate, or keeps it until the remote description is set (relayed
/// frames of one call keep their order, but a client should not rely on it).
async fn add_remote<P: PeerConnection>(peer: &mut Peer<P>, candidate: IceCandidate) {
    let init = theirs(candidate);
    if peer.pc.remote_description().await.is_some() {
        peer.pc
            .add_ice_candidate(init)
            .await
            .expect("a remote candidate");
    } else {
        peer.early.push(init);
    }
}

async fn remote_set<P: PeerConnection>(peer: &mut Peer<P>, description: RTCSessionDescription) {
    peer.pc
        .set_remote_description(description)
        .await
        .expect("the remote description");
    for init in std::mem::take(&mut peer.early) {
        peer.pc
            .add_ice_candidate(init)
            .await
            .expect("an early remote candidate");
    }
}

/// Runs the negotiation the way the widget and the dashboard will: the visitor offers,
/// the agent answers, both trickle candidates, all through the server, until both peer
/// connections are connected.
async fn negotiate<V: PeerConnection, A: PeerConnection>(
    call: CallId,
    widget: &mut Socket,
    desk: &mut Socket,
    visitor: &mut Peer<V>,
    agent: &mut Peer<A>,
) {
    let offer = visitor.pc.create_offer(None).await.expect("an offer");
    visitor
        .pc
        .set_local_description(offer)
        .await
        .expect("the local offer");
    let sdp = visitor
        .pc
        .local_description()
        .await
        .expect("a local description")
        .sdp;
    widget
        .send_json(&VisitorFrame::CallOffer {
            call_id: call,
            description: SessionDescription {
                kind: SdpType::Offer,
                sdp,
            },
        })
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !(visitor.connected && agent.connected) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the peers did not connect within 30 s"
        );
        tokio::select! {
            Some((init, typ)) = visitor.candidates.recv() => {
                visitor.gathered.push(typ);
                widget.send_json(&VisitorFrame::CallCandidate { call_id: call, candidate: ours(init) }).await;
            }
            Some((init, typ)) = agent.candidates.recv() => {
                agent.gathered.push(typ);
                desk.send_json(&AgentFrame::CallCandidate { call_id: call, candidate: ours(init) }).await;
            }
            Some(state) = visitor.states.recv() => {
                assert_ne!(state, RTCPeerConnectionState::Failed, "the visitor's connection failed");
                visitor.connected |= state == RTCPeerConnectionState::Connected;
            }
            Some(state) = agent.states.recv() => {
                assert_ne!(state, RTCPeerConnectionState::Failed, "the agent's connection failed");
                agent.connected |= state == RTCPeerConnectionState::Connected;
            }
            frame = desk.recv() => match frame {
                ServerFrame::CallOffer { call_id, description } if call_id == call => {
                    let offer = RTCSessionDescription::offer(description.sdp).expect("the relayed offer");
                    remote_set(agent, offer).await;
                    let answer = agent.pc.create_answer(None).await.expect("an answer");
                    agent.pc.set_local_description(answer).await.expect("the local answer");
                    let sdp = agent.pc.local_description().await.expect("a local description").sdp;
                    desk.send_json(&AgentFrame::CallAnswer {
                        call_id: call,
                        description: SessionDescription { kind: SdpType::Answer, sdp },
                    })
                    .await;
                }
                ServerFrame::CallCandidate { call_id, candidate } if call_id == call => {
                    add_remote(agent, candidate).await;
                }
                ServerFrame::Error { message, .. } => panic!("the server refused the agent's signaling: {message}"),
                _ => {}
            },
            frame = widget.recv() => match frame {
                ServerFrame::CallAnswer { call_id, description } if call_id == call => {
                    let answer = RTCSessionDescription::answer(description.sdp).expect("the relayed answer");
                    remote_set(visitor, answer).await;
                }
                ServerFrame::CallCandidate { call_id, candidate } if call_id == call => {
                    add_remote(visitor, candidate).await;
                }
                ServerFrame::Error { message, .. } => panic!("the server refused the visitor's signaling: {message}"),
                _ => {}
            },
        }
    }
}

/// Text that arrives on a data channel, as a channel of strings.
fn messages_of(
    channel: Arc<dyn DataChannel>,
) -> (UnboundedReceiver<()>, UnboundedReceiver<String>) {
    let (open_tx, open) = unbounded_channel();
    let (text_tx, text) = unbounded_channel();
    tokio::spawn(async move {
        while let Some(event) = channel.poll().await {
            match event {
                DataChannelEvent::OnOpen => {
                    let _ = open_tx.send(());
                }
                DataChannelEvent::OnMessage(message) => {
                    let _ = text_tx.send(String::from_utf8_lossy(&message.data).into_owned());
                }
                DataChannelEvent::OnClose => break,
                _ => {}
            }
        }
    });
    (open, text)
}

async fn within<T>(what: &str, future: impl Future<Output = Option<T>>) -> T {
    tokio::time::timeout(Duration::from_secs(15), future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
        .unwrap_or_else(|| panic!("{what}: the channel closed"))
}

async fn ice_config(app: &TestApp, token: &str) -> IceConfig {
    let response = http()
        .get(app.node.url("/api/v1/calls/ice-servers"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A call between a visitor on the first node and an agent on the second, answered; the
/// peers exchange text over a data channel, then the visitor hangs up.
async fn call_and_talk(relay: bool) {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let second = app.second_node().await;
    let Chatting {
        desk: _first_desk,
        mut widget,
        agent_token,
        visitor_token,
        ..
    } = chatting(&app).await;
    // The agent's second tab, on the other node (already online: no presence news).
    let mut desk = Socket::agent(&second, &agent_token).await;
    assert!(matches!(desk.recv().await, ServerFrame::AgentHello { .. }));
    let call = start_call(&mut widget, CallKind::Voice).await;
    changed_to(&mut desk, call.id, CallState::Ringing).await;
    assert_eq!(
        agent_act(
            &mut desk,
            |cid, call_id| AgentFrame::CallAccept { cid, call_id },
            call.id
        )
        .await,
        Ok(())
    );
    changed_to(&mut widget, call.id, CallState::Connecting).await;
    let (visitor_ice, agent_ice) = if relay {
        (
            Some(ice_config(&app, &visitor_token).await),
            Some(ice_config(&app, &agent_token).await),
        )
    } else {
        (None, None)
    };
    let mut visitor = peer(visitor_ice.as_ref()).await;
    let mut agent_peer = peer(agent_ice.as_ref()).await;
    let visitor_channel = visitor
        .pc
        .create_data_channel("livedesk", None)
        .await
        .expect("a data channel");
    let (mut visitor_open, mut visitor_text) = messages_of(visitor_channel.clone());

    negotiate(
        call.id,
        &mut widget,
        &mut desk,
        &mut visitor,
        &mut agent_peer,
    )
    .await;

    within("the visitor's channel to open", visitor_open.recv()).await;
    visitor_channel
        .send_text("hello from the visitor")
        .await
        .expect("sent");
    let agent_channel = within("the agent's data channel", agent_peer.channels.recv()).await;
    let (_, mut agent_text) = messages_of(agent_channel.clone());
    assert_eq!(
        within("the visitor's text", agent_text.recv()).await,
        "hello from the visitor"
    );
    agent_channel
        .send_text("hello from the agent")
        .await
        .expect("sent");
    assert_eq!(
        within("the agent's text", visitor_text.recv()).await,
        "hello from the agent"
    );
    if relay {
        for gathered in [&visitor.gathered, &agent_peer.gathered] {
            assert!(
                !gathered.is_empty() && gathered.iter().all(|t| *t == RTCIceCandidateType::Relay),
                "{gathered:?}"
            );
        }
    } else {
        assert!(visitor.gathered.contains(&RTCIceCandidateType::Host));
    }

    widget
        .send_json(&VisitorFrame::CallConnected { call_id: call.id })
        .await;
    changed_to(&mut desk, call.id, CallState::Active).await;
    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut widget,
            cid,
            &VisitorFrame::CallHangUp {
                cid,
                call_id: call.id
            }
        )
        .await,
        Ok(())
    );
    changed_to(&mut desk, call.id, CallState::Ended).await;
    let _ = visitor.pc.close().await;
    let _ = agent_peer.pc.close().await;
}

#[tokio::test]
async fn two_webrtc_peers_negotiate_through_the_server_and_talk_directly() {
    call_and_talk(false).await;
}

#[tokio::test]
async fn two_webrtc_peers_talk_through_the_embedded_turn_relay() {
    call_and_talk(true).await;
}

#[tokio::test]
async fn ice_servers_come_with_short_lived_turn_credentials_for_visitors_and_agents() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let Chatting {
        agent_token,
        visitor_token,
        ..
    } = chatting(&app).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();

    for token in [&visitor_token, &agent_token] {
        let ice = ice_config(&app, token).await;
        let [stun, turn] = &ice.ice_servers[..] else {
            panic!("a STUN and a TURN entry: {ice:?}")
        };
        assert!(stun.urls[0].starts_with("stun:127.0.0.1:") && stun.credential.is_none());
        assert!(
            turn.urls[0].starts_with("turn:127.0.0.1:") && turn.urls[0].ends_with("?transport=udp")
        );
        let (username, credential) = (
            turn.username.as_deref().unwrap(),
            turn.credential.as_deref().unwrap(),
        );
        let expires_at = ice.expires_at.unwrap();
        assert_eq!(
            username,
            format!("{expires_at}:{}", username.split_once(':').unwrap().1)
        );
        assert!(
            (now + 3590..=now + 3610).contains(&expires_at),
            "an hour from now"
        );
        assert_eq!(
            verify(TURN_SECRET.as_bytes(), username, credential, now),
            Ok(())
        );
    }
    for bad in [None, Some("not-a-token")] {
        let mut request = http().get(app.node.url("/api/v1/calls/ice-servers"));
        if let Some(token) = bad {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized");
    }
}

#[tokio::test]
async fn the_embedded_turn_server_relays_for_a_fresh_credential_and_refuses_an_expired_one() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let Chatting { visitor_token, .. } = chatting(&app).await;
    let ice = ice_config(&app, &visitor_token).await;
    let turn_url = &ice.ice_servers[1].urls[0];
    let server = turn_url
        .trim_start_matches("turn:")
        .trim_end_matches("?transport=udp")
        .to_owned();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let fresh = ice.ice_servers[1].clone();
    let expired = turn_credential(TURN_SECRET.as_bytes(), "6f0c", now - 60);

    let allocate = |username: String, password: String| {
        let server = server.clone();
        async move {
            let conn = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let client = turn::client::Client::new(turn::client::ClientConfig {
                stun_serv_addr: server.clone(),
                turn_serv_addr: server,
                username,
                password,
                realm: "livedesk".into(),
                software: String::new(),
                rto_in_ms: 0,
                conn: Arc::new(conn),
                vnet: None,
            })
            .await
            .unwrap();
            client.listen().await.unwrap();
            let allocated = tokio::time::timeout(Duration::from_secs(10), client.allocate()).await;
            let _ = client.close().await;
            matches!(allocated, Ok(Ok(_)))
        }
    };
    assert!(
        allocate(fresh.username.unwrap(), fresh.credential.unwrap()).await,
        "a fresh credential gets a relay"
    );
    assert!(
        !allocate(expired.username, expired.credential).await,
        "an expired one does not"
    );
    let forged = turn_credential(b"another secret entirely", "6f0c", now + 600);
    assert!(
        !allocate(forged.username, forged.credential).await,
        "nor one made with another secret"
    );
}
