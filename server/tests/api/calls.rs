//! Calls from the outside: ringing, answering, missing, rejecting, the call queue, cleanup,
//! and who may signal in a call. The media itself is in `calls_media`.

use std::time::Duration;

use livedesk_protocol::ErrorCode;
use livedesk_protocol::calls::{
    Call, CallKind, CallOutcome, CallState, EndedBy, IceCandidate, SdpType, SessionDescription,
};
use livedesk_protocol::chat::{Author, Message};
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{CallId, ClientId};
use livedesk_server::assignment::settings::{self, RoutingSettings};

use crate::assignment::assigned_to;
use crate::messaging::{agent, answer, send_as_visitor, visitor};
use crate::support::client::{Socket, login, visitor_session};
use crate::support::{NodeSettings, TestApp, create_site};

pub const TURN_SECRET: &str = "calls-test-turn-secret";

/// Calls that ring for `ring_secs`, and the embedded TURN server on a free local port.
pub fn with_calls(settings: &mut NodeSettings, ring_secs: u64) {
    settings.extra = vec![
        ("LIVEDESK_CALL_RING_TIMEOUT_SECS", ring_secs.to_string()),
        ("LIVEDESK_TURN_SECRET", TURN_SECRET.into()),
        ("LIVEDESK_TURN_EMBEDDED", "127.0.0.1:0".into()),
    ];
}

/// A visitor and the agent their conversation was given to.
pub struct Chatting {
    pub desk: Socket,
    pub widget: Socket,
    pub agent_token: String,
    pub visitor_token: String,
}

pub async fn chatting(app: &TestApp) -> Chatting {
    let tokens = login(&app.node, &app.site.agent_email).await;
    let desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "can I call you?").await;
    assigned_to(&mut widget, hello.conversation_id).await;
    Chatting {
        desk,
        widget,
        agent_token: tokens.access_token,
        visitor_token: session.visitor_token,
    }
}

/// Starts a call from the visitor's socket; the call as `call_started` tells it.
pub async fn start_call(widget: &mut Socket, kind: CallKind) -> Call {
    let cid = ClientId::new_random();
    widget
        .send_json(&VisitorFrame::CallStart { cid, kind })
        .await;
    widget
        .recv_until(|f| match f {
            ServerFrame::CallStarted { cid: c, call } if c == cid => Some(call),
            ServerFrame::Error {
                cid: Some(c),
                message,
                ..
            } if c == cid => panic!("call_start refused: {message}"),
            _ => None,
        })
        .await
}

/// The next `call_changed` of `call` that reaches `state`.
pub async fn changed_to(socket: &mut Socket, call: CallId, state: CallState) -> Call {
    socket
        .recv_until(|f| match f {
            ServerFrame::CallChanged { call: c } if c.id == call && c.state == state => Some(c),
            _ => None,
        })
        .await
}

/// An agent's frame with a cid, answered with `done` or an error code.
pub async fn agent_act(
    desk: &mut Socket,
    frame: fn(ClientId, CallId) -> AgentFrame,
    call: CallId,
) -> Result<(), ErrorCode> {
    let cid = ClientId::new_random();
    answer(desk, cid, &frame(cid, call)).await
}

/// The next `error` frame without a cid (refused signaling).
async fn signaling_error(socket: &mut Socket) -> ErrorCode {
    socket
        .recv_until(|f| match f {
            ServerFrame::Error {
                cid: None, code, ..
            } => Some(code),
            _ => None,
        })
        .await
}

/// Signaling frames of a call that reached the socket within a moment.
async fn signals_within(socket: &mut Socket, window: Duration) -> Vec<ServerFrame> {
    socket
        .frames_within(window)
        .await
        .into_iter()
        .filter(|f| {
            matches!(
                f,
                ServerFrame::CallOffer { .. }
                    | ServerFrame::CallAnswer { .. }
                    | ServerFrame::CallCandidate { .. }
                    | ServerFrame::CallMedia { .. }
                    | ServerFrame::CallScreenShare { .. }
            )
        })
        .collect()
}

pub async fn system_lines(app: &TestApp, call: &Call) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT body FROM messages WHERE conversation_id = $1 AND author_kind = 'system' ORDER BY seq",
    )
    .bind(call.conversation_id.0)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

pub async fn stored_outcome(
    app: &TestApp,
    call: CallId,
) -> (Option<String>, Option<String>, Option<i32>) {
    sqlx::query_as("SELECT outcome::text, ended_by::text, duration_secs FROM calls WHERE id = $1")
        .bind(call.0)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn offer() -> SessionDescription {
    SessionDescription {
        kind: SdpType::Offer,
        sdp:
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                .into(),
    }
}

fn host_candidate() -> IceCandidate {
    IceCandidate {
        candidate: "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_mline_index: Some(0),
        username_fragment: None,
    }
}

#[tokio::test]
async fn a_call_rings_the_conversations_agent_who_answers_and_the_call_is_recorded() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let Chatting {
        mut desk,
        mut widget,
        ..
    } = chatting(&app).await;

    let call = start_call(&mut widget, CallKind::Video).await;
    let rung = changed_to(&mut desk, call.id, CallState::Ringing).await;
    assert_eq!(rung.agent_name.as_deref(), Some("Ali Agent"));
    assert!(rung.ring_deadline.is_some());

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
    widget
        .send_json(&VisitorFrame::CallOffer {
            call_id: call.id,
            description: offer(),
        })
        .await;
    let relayed = desk
        .recv_until(|f| match f {
            ServerFrame::CallOffer {
                call_id,
                description,
            } if call_id == call.id => Some(description),
            _ => None,
        })
        .await;
    assert_eq!(relayed, offer());
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

    let ended = changed_to(&mut desk, call.id, CallState::Ended).await;
    assert_eq!(
        (ended.outcome, ended.ended_by),
        (Some(CallOutcome::Answered), Some(EndedBy::Visitor))
    );
    assert!(ended.answered_at.is_some() && ended.duration_secs.is_some());
    let (outcome, ended_by, duration) = stored_outcome(&app, call.id).await;
    assert_eq!(
        (outcome.as_deref(), ended_by.as_deref()),
        (Some("answered"), Some("visitor"))
    );
    assert!(duration.is_some());
    let lines = system_lines(&app, &call).await;
    assert_eq!(lines[0], "Video call started");
    assert!(
        lines[1].starts_with("Video call ended after 0:0"),
        "{lines:?}"
    );
    // The visitor sees the same lines in the transcript.
    let seen: Message = widget
        .recv_until(|f| match f {
            ServerFrame::Message { message }
                if message.author == Author::System && message.body.contains("ended") =>
            {
                Some(message)
            }
            _ => None,
        })
        .await;
    assert_eq!(seen.body, lines[1]);
}

#[tokio::test]
async fn an_unanswered_call_is_missed_and_the_agents_are_told() {
    let app = TestApp::spawn_with(|s| with_calls(s, 1)).await;
    let Chatting {
        mut desk,
        mut widget,
        ..
    } = chatting(&app).await;
    let ada = login(&app.node, &app.site.admin_email).await;
    let mut colleague = agent(&app.node, &ada.access_token).await;

    let call = start_call(&mut widget, CallKind::Voice).await;

    let missed = changed_to(&mut colleague, call.id, CallState::Missed).await;
    assert_eq!(missed.ended_by, Some(EndedBy::System));
    changed_to(&mut desk, call.id, CallState::Missed).await;
    changed_to(&mut widget, call.id, CallState::Missed).await;
    let (outcome, ended_by, duration) = stored_outcome(&app, call.id).await;
    assert_eq!(
        (outcome.as_deref(), ended_by.as_deref(), duration),
        (Some("missed"), Some("system"), None)
    );
    assert_eq!(system_lines(&app, &call).await, ["Missed voice call"]);
    // Too late to answer.
    assert_eq!(
        agent_act(
            &mut desk,
            |cid, call_id| AgentFrame::CallAccept { cid, call_id },
            call.id
        )
        .await,
        Err(ErrorCode::Conflict)
    );
}

#[tokio::test]
async fn a_declined_call_ends_for_both_and_a_new_one_may_follow() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let Chatting {
        mut desk,
        mut widget,
        ..
    } = chatting(&app).await;
    let call = start_call(&mut widget, CallKind::Voice).await;
    changed_to(&mut desk, call.id, CallState::Ringing).await;

    assert_eq!(
        agent_act(
            &mut desk,
            |cid, call_id| AgentFrame::CallReject { cid, call_id },
            call.id
        )
        .await,
        Ok(())
    );

    let rejected = changed_to(&mut widget, call.id, CallState::Rejected).await;
    assert_eq!(rejected.ended_by, Some(EndedBy::Agent));
    assert_eq!(
        stored_outcome(&app, call.id).await.0.as_deref(),
        Some("rejected")
    );
    let again = start_call(&mut widget, CallKind::Voice).await;
    assert_ne!(again.id, call.id);
    assert_eq!(again.state, CallState::Ringing);
    // One call at a time per conversation, and the caller can cancel while it rings.
    let cid = ClientId::new_random();
    let second = answer(
        &mut widget,
        cid,
        &VisitorFrame::CallStart {
            cid,
            kind: CallKind::Voice,
        },
    )
    .await;
    assert_eq!(second, Err(ErrorCode::Conflict));
    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut widget,
            cid,
            &VisitorFrame::CallHangUp {
                cid,
                call_id: again.id
            }
        )
        .await,
        Ok(())
    );
    let cancelled = changed_to(&mut desk, again.id, CallState::Cancelled).await;
    assert_eq!(cancelled.outcome, Some(CallOutcome::Cancelled));
}

#[tokio::test]
async fn nobody_but_the_calls_two_parties_can_take_it_or_signal_in_it() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let Chatting {
        mut desk,
        mut widget,
        ..
    } = chatting(&app).await;
    let ada = login(&app.node, &app.site.admin_email).await;
    let mut colleague = agent(&app.node, &ada.access_token).await;
    let other_session = visitor_session(&app.node, &app.site).await;
    let mut other_visitor = visitor(&app.node, &other_session.visitor_token).await;
    let elsewhere = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider_token = login(&app.node, &elsewhere.agent_email).await.access_token;
    let mut outsider = agent(&app.node, &outsider_token).await;
    let call = start_call(&mut widget, CallKind::Voice).await;

    assert_eq!(
        agent_act(
            &mut colleague,
            |cid, call_id| AgentFrame::CallAccept { cid, call_id },
            call.id
        )
        .await,
        Err(ErrorCode::Forbidden),
        "a colleague cannot take a call ringing for someone else"
    );
    assert_eq!(
        agent_act(
            &mut outsider,
            |cid, call_id| AgentFrame::CallAccept { cid, call_id },
            call.id
        )
        .await,
        Err(ErrorCode::NotFound),
        "another site's agent does not even see it"
    );
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

    colleague
        .send_json(&AgentFrame::CallCandidate {
            call_id: call.id,
            candidate: host_candidate(),
        })
        .await;
    assert_eq!(signaling_error(&mut colleague).await, ErrorCode::Forbidden);
    outsider
        .send_json(&AgentFrame::CallCandidate {
            call_id: call.id,
            candidate: host_candidate(),
        })
        .await;
    assert_eq!(signaling_error(&mut outsider).await, ErrorCode::NotFound);
    other_visitor
        .send_json(&VisitorFrame::CallCandidate {
            call_id: call.id,
            candidate: host_candidate(),
        })
        .await;
    assert_eq!(
        signaling_error(&mut other_visitor).await,
        ErrorCode::NotFound
    );
    let cid = ClientId::new_random();
    let hang_up = answer(
        &mut other_visitor,
        cid,
        &VisitorFrame::CallHangUp {
            cid,
            call_id: call.id,
        },
    )
    .await;
    assert_eq!(hang_up, Err(ErrorCode::NotFound));

    assert!(
        signals_within(&mut widget, Duration::from_millis(500))
            .await
            .is_empty(),
        "nothing injected reached the visitor"
    );
    assert!(
        signals_within(&mut desk, Duration::from_millis(100))
            .await
            .is_empty(),
        "nor the agent"
    );
    let state: String = sqlx::query_scalar("SELECT state FROM calls WHERE id = $1")
        .bind(call.id.0)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(state, "connecting");
}

#[tokio::test]
async fn bad_signaling_is_refused_with_a_clear_error_and_relays_nothing() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let Chatting {
        mut desk,
        mut widget,
        ..
    } = chatting(&app).await;
    let call = start_call(&mut widget, CallKind::Voice).await;

    // Before the answer, nothing is relayed.
    widget
        .send_json(&VisitorFrame::CallOffer {
            call_id: call.id,
            description: offer(),
        })
        .await;
    assert_eq!(signaling_error(&mut widget).await, ErrorCode::Conflict);
    assert_eq!(
        agent_act(
            &mut desk,
            |cid, call_id| AgentFrame::CallAccept { cid, call_id },
            call.id
        )
        .await,
        Ok(())
    );
    let not_sdp = SessionDescription {
        kind: SdpType::Offer,
        sdp: "hello".into(),
    };
    let answer_as_offer = SessionDescription {
        kind: SdpType::Answer,
        ..offer()
    };
    let oversized = IceCandidate {
        candidate: format!("candidate:{}", "9".repeat(2000)),
        ..host_candidate()
    };
    let injected = IceCandidate {
        candidate: format!("{}\r\na=setup:active", host_candidate().candidate),
        ..host_candidate()
    };
    for frame in [
        VisitorFrame::CallOffer {
            call_id: call.id,
            description: not_sdp,
        },
        VisitorFrame::CallOffer {
            call_id: call.id,
            description: answer_as_offer,
        },
        VisitorFrame::CallCandidate {
            call_id: call.id,
            candidate: oversized,
        },
        VisitorFrame::CallCandidate {
            call_id: call.id,
            candidate: injected,
        },
    ] {
        widget.send_json(&frame).await;
        assert_eq!(
            signaling_error(&mut widget).await,
            ErrorCode::InvalidInput,
            "{frame:?}"
        );
    }
    widget
        .send_json(&VisitorFrame::CallCandidate {
            call_id: CallId::new_random(),
            candidate: host_candidate(),
        })
        .await;
    assert_eq!(signaling_error(&mut widget).await, ErrorCode::NotFound);
    widget
        .send_text(format!(r#"{{"t":"call_candidate","call_id":"{}","candidate":{{"candidate":"","sdpMid":"0","evil":1}}}}"#, call.id))
        .await;
    assert_eq!(
        signaling_error(&mut widget).await,
        ErrorCode::MalformedFrame
    );

    assert!(
        signals_within(&mut desk, Duration::from_millis(500))
            .await
            .is_empty()
    );
    let state: String = sqlx::query_scalar("SELECT state FROM calls WHERE id = $1")
        .bind(call.id.0)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(state, "connecting", "refused frames changed nothing");
}

#[tokio::test]
async fn a_call_whose_visitor_does_not_come_back_fails_for_the_agent() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let grace = RoutingSettings {
        reconnect_grace: Duration::from_secs(1),
        ..RoutingSettings::default()
    };
    settings::save(&app.db, app.site.id, grace).await.unwrap();
    let Chatting {
        mut desk,
        mut widget,
        ..
    } = chatting(&app).await;
    let call = start_call(&mut widget, CallKind::Voice).await;
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

    widget.close().await;

    // The visitor lingers 5 s after their last socket, then the 1 s grace runs out.
    let failed = changed_to(&mut desk, call.id, CallState::Failed).await;
    assert_eq!(
        (failed.outcome, failed.ended_by),
        (Some(CallOutcome::Failed), Some(EndedBy::System))
    );
    assert_eq!(
        stored_outcome(&app, call.id).await.0.as_deref(),
        Some("failed")
    );
    assert!(
        system_lines(&app, &call)
            .await
            .last()
            .is_some_and(|l| l.starts_with("Voice call failed"))
    );
}

#[tokio::test]
async fn calls_queue_while_no_agent_takes_calls_and_ring_when_one_does() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    sqlx::query("UPDATE agents SET accepts_calls = false")
        .execute(&app.db)
        .await
        .unwrap();
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let first_session = visitor_session(&app.node, &app.site).await;
    let mut first = visitor(&app.node, &first_session.visitor_token).await;
    send_as_visitor(&mut first, "call me").await;
    let second_session = visitor_session(&app.node, &app.site).await;
    let mut second = visitor(&app.node, &second_session.visitor_token).await;
    send_as_visitor(&mut second, "me too").await;

    let first_call = start_call(&mut first, CallKind::Voice).await;
    let second_call = start_call(&mut second, CallKind::Video).await;

    assert_eq!(
        (first_call.state, first_call.agent_id),
        (CallState::Queued, None)
    );
    let place = |call: CallId| {
        move |f| match f {
            ServerFrame::CallQueued { call_id, position } if call_id == call => Some(position),
            _ => None,
        }
    };
    assert_eq!(first.recv_until(place(first_call.id)).await, 1);
    assert_eq!(second.recv_until(place(second_call.id)).await, 2);

    sqlx::query("UPDATE agents SET accepts_calls = true WHERE id = $1")
        .bind(tokens.agent.id.0)
        .execute(&app.db)
        .await
        .unwrap();

    let rung = changed_to(&mut first, first_call.id, CallState::Ringing).await;
    assert_eq!(rung.agent_id, Some(tokens.agent.id));
    changed_to(&mut desk, first_call.id, CallState::Ringing).await;
    assert_eq!(
        second.recv_until(place(second_call.id)).await,
        1,
        "the second moves up"
    );
    // The agent declines the first: the second rings next.
    assert_eq!(
        agent_act(
            &mut desk,
            |cid, call_id| AgentFrame::CallReject { cid, call_id },
            first_call.id
        )
        .await,
        Ok(())
    );
    let next = changed_to(&mut second, second_call.id, CallState::Ringing).await;
    assert_eq!(next.agent_id, Some(tokens.agent.id));
}

#[tokio::test]
async fn a_visitor_without_an_open_conversation_cannot_call() {
    let app = TestApp::spawn_with(|s| with_calls(s, 30)).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let cid = ClientId::new_random();
    let refused = answer(
        &mut widget,
        cid,
        &VisitorFrame::CallStart {
            cid,
            kind: CallKind::Voice,
        },
    )
    .await;
    assert_eq!(refused, Err(ErrorCode::Conflict));
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM calls")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}
