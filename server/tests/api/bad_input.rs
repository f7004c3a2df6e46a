use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};
use livedesk_protocol::{ErrorCode, MAX_FRAME_BYTES, close_code};

use crate::auth::tamper_signature;
use crate::messaging::{agent, send_as_visitor, visitor};
use crate::support::TestApp;
use crate::support::client::{Ended, Socket, login, visitor_session};

async fn stored_messages(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn error_code(frame: ServerFrame) -> (Option<ClientId>, ErrorCode) {
    match frame {
        ServerFrame::Error { cid, code, .. } => (cid, code),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_frames_are_refused_and_the_socket_stays_usable() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let cid = ClientId::new_random();

    for raw in [
        "not json".to_owned(),
        r#"{"t":"shout","body":"x"}"#.to_owned(),
        format!(r#"{{"t":"send","cid":"{cid}"}}"#),
        format!(r#"{{"t":"send","cid":"{cid}","body":"x","admin":true}}"#),
    ] {
        widget.send_text(raw.clone()).await;
        let (_, code) = error_code(widget.recv().await);
        assert_eq!(code, ErrorCode::MalformedFrame, "{raw}");
    }
    widget
        .send_text(format!(r#"{{"t":"send","cid":"{cid}","body":42}}"#))
        .await;
    assert_eq!(
        error_code(widget.recv().await),
        (Some(cid), ErrorCode::MalformedFrame),
        "the error names the frame's cid"
    );

    for body in ["", "   ", &"a".repeat(4001)] {
        widget
            .send_json(&VisitorFrame::Send {
                cid: ClientId::new_random(),
                body: body.into(),
                start: None,
            })
            .await;
        assert_eq!(error_code(widget.recv().await).1, ErrorCode::InvalidInput);
    }

    assert_eq!(stored_messages(&app).await, 0);
    send_as_visitor(&mut widget, "still works").await;
    assert_eq!(stored_messages(&app).await, 1);
}

#[tokio::test]
async fn an_oversized_frame_gets_a_clear_error_and_a_close() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let body = "a".repeat(MAX_FRAME_BYTES + 1);
    widget
        .send_json(&VisitorFrame::Send {
            cid: ClientId::new_random(),
            body,
            start: None,
        })
        .await;

    assert_eq!(error_code(widget.recv().await).1, ErrorCode::FrameTooLarge);
    assert_eq!(
        widget.ended().await,
        Ended::Closed(Some(close_code::TOO_LARGE))
    );
    assert_eq!(stored_messages(&app).await, 0);
}

#[tokio::test]
async fn sockets_with_expired_forged_or_foreign_tokens_are_refused() {
    let app = TestApp::spawn_with(|s| s.access_ttl_secs = 0).await;
    let session = visitor_session(&app.node, &app.site).await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;

    let cases = [
        (
            app.node.ws_url(&format!(
                "/ws/visitor?token={}",
                tamper_signature(&session.visitor_token)
            )),
            ErrorCode::Unauthorized,
        ),
        (app.node.ws_url("/ws/visitor"), ErrorCode::Unauthorized),
        // A visitor's token is no agent token.
        (
            app.node
                .ws_url(&format!("/ws/agent?access_token={}", session.visitor_token)),
            ErrorCode::Unauthorized,
        ),
        (
            app.node.ws_url(&format!("/ws/agent?access_token={access}")),
            ErrorCode::TokenExpired,
        ),
    ];
    for (url, expected) in cases {
        let mut socket = Socket::connect(&url).await;
        assert_eq!(error_code(socket.recv().await).1, expected, "{url}");
        assert_eq!(
            socket.ended().await,
            Ended::Closed(Some(close_code::UNAUTHORIZED)),
            "{url}"
        );
    }
}

#[tokio::test]
async fn an_agent_token_does_not_open_a_visitor_socket() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;

    let mut socket =
        Socket::connect(&app.node.ws_url(&format!("/ws/visitor?token={access}"))).await;

    assert_eq!(error_code(socket.recv().await).1, ErrorCode::Unauthorized);
    assert_eq!(
        socket.ended().await,
        Ended::Closed(Some(close_code::UNAUTHORIZED))
    );
}

#[tokio::test]
async fn an_agent_cannot_write_into_a_conversation_that_does_not_exist() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let mut desk = agent(&app.node, &access).await;
    let cid = ClientId::new_random();

    desk.send_json(&AgentFrame::Send {
        cid,
        conversation_id: ConversationId::new_random(),
        body: "hello?".into(),
    })
    .await;

    assert_eq!(
        error_code(desk.recv().await),
        (Some(cid), ErrorCode::NotFound)
    );
    assert_eq!(stored_messages(&app).await, 0);
}
