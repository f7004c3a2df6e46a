use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{Author, ConversationSummary, Message};
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};

use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{TestApp, TestNode};

/// A connected visitor that has read its hello and the site's status that follows it.
pub async fn visitor(node: &TestNode, token: &str) -> Socket {
    let mut socket = Socket::visitor(node, token).await;
    assert!(matches!(
        socket.recv().await,
        ServerFrame::VisitorHello { .. }
    ));
    assert!(matches!(
        socket.recv().await,
        ServerFrame::SiteStatus { .. }
    ));
    socket
}

/// The next frame that is not about a visitor's presence (agents hear of every visitor
/// coming and going).
pub async fn recv_skipping_visitor_presence(socket: &mut Socket) -> ServerFrame {
    socket
        .recv_until(|f| match f {
            ServerFrame::VisitorPresence { .. } => None,
            other => Some(other),
        })
        .await
}

/// A connected agent that has read its hello and the news of its own arrival.
pub async fn agent(node: &TestNode, access_token: &str) -> Socket {
    let mut socket = Socket::agent(node, access_token).await;
    let ServerFrame::AgentHello { agent_id, .. } = socket.recv().await else {
        panic!("agent_hello comes first")
    };
    socket
        .recv_until(|f| match f {
            ServerFrame::AgentPresence { presence }
                if presence.agent_id == agent_id && presence.online =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    socket
}

pub async fn send_as_visitor(socket: &mut Socket, body: &str) -> Message {
    let cid = ClientId::new_random();
    socket
        .send_json(&VisitorFrame::Send {
            cid,
            body: body.into(),
            start: None,
        })
        .await;
    acked(socket, cid).await
}

pub async fn send_as_agent(
    socket: &mut Socket,
    conversation: ConversationId,
    body: &str,
) -> Message {
    let cid = ClientId::new_random();
    socket
        .send_json(&AgentFrame::Send {
            cid,
            conversation_id: conversation,
            body: body.into(),
        })
        .await;
    acked(socket, cid).await
}

/// The stored message the `send` with `cid` was acknowledged with; panics on its error.
async fn acked(socket: &mut Socket, cid: ClientId) -> Message {
    socket
        .recv_until(|f| match f {
            ServerFrame::Ack {
                cid: acked,
                message,
            } if acked == cid => Some(message),
            ServerFrame::Error {
                cid: Some(failed),
                message,
                ..
            } if failed == cid => panic!("send refused: {message}"),
            _ => None,
        })
        .await
}

pub async fn next_message(socket: &mut Socket) -> Message {
    socket
        .recv_until(|f| match f {
            ServerFrame::Message { message } => Some(message),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn a_visitor_and_an_agent_chat_live() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let hello = send_as_visitor(&mut widget, "hello").await;
    assert_eq!((hello.seq, hello.body.as_str()), (1, "hello"));

    let opened = recv_skipping_visitor_presence(&mut desk).await;
    let ServerFrame::ConversationOpened { conversation } = opened else {
        panic!("expected conversation_opened, got {opened:?}")
    };
    assert_eq!(conversation.visitor_id, session.visitor_id);
    assert_eq!(next_message(&mut desk).await, hello);

    let reply = send_as_agent(&mut desk, conversation.id, "Hi! How can I help?").await;
    assert_eq!(reply.seq, 2);
    assert!(matches!(&reply.author, Author::Agent { name, .. } if name == "Ali Agent"));

    let seen = next_message(&mut widget).await;
    assert_eq!(seen, reply);

    let listed: Vec<ConversationSummary> = http()
        .get(app.node.url("/api/v1/conversations"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_seq, 2);
    assert_eq!(
        listed[0].last_message.as_ref().map(|m| m.body.as_str()),
        Some("Hi! How can I help?")
    );

    let transcript: Vec<Message> = http()
        .get(app.node.url(&format!(
            "/api/v1/conversations/{}/messages?after_seq=0",
            conversation.id
        )))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(transcript, vec![hello, reply]);
}

#[tokio::test]
async fn a_retried_send_is_stored_once() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let cid = ClientId::new_random();

    let mut acks = Vec::new();
    for _ in 0..2 {
        widget
            .send_json(&VisitorFrame::Send {
                cid,
                body: "only once".into(),
                start: None,
            })
            .await;
        acks.push(
            widget
                .recv_until(|f| match f {
                    ServerFrame::Ack { message, .. } => Some(message),
                    _ => None,
                })
                .await,
        );
    }

    assert_eq!(acks[0], acks[1]);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn a_visitor_who_reconnects_gets_what_they_missed_and_the_transcript_survives_reload() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let first = send_as_visitor(&mut widget, "is anyone there?").await;
    widget.close().await;

    let missed = send_as_agent(&mut desk, first.conversation_id, "Yes, I am here.").await;
    let also_missed = send_as_agent(&mut desk, first.conversation_id, "What do you need?").await;

    let mut widget = Socket::visitor(&app.node, &session.visitor_token).await;
    let ServerFrame::VisitorHello {
        conversation: Some(open),
        ..
    } = widget.recv().await
    else {
        panic!("hello with the open conversation")
    };
    assert_eq!((open.id, open.last_seq), (first.conversation_id, 3));
    widget
        .send_json(&VisitorFrame::Resume {
            after_seq: first.seq,
        })
        .await;
    // The newest may also arrive live (its fan-out can reach the new socket before the
    // replay does): what counts is that both arrive, each seen once, in seq order.
    let mut caught_up: Vec<Message> = Vec::new();
    while caught_up.len() < 2 {
        let message = next_message(&mut widget).await;
        if !caught_up.iter().any(|m| m.seq == message.seq) {
            caught_up.push(message);
        }
    }
    caught_up.sort_by_key(|m| m.seq);
    assert_eq!(caught_up, [missed, also_missed]);

    // A reload (a new socket) starts from nothing and gets the whole transcript.
    widget.close().await;
    let mut widget = Socket::visitor(&app.node, &session.visitor_token).await;
    widget
        .send_json(&VisitorFrame::Resume { after_seq: 0 })
        .await;
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(next_message(&mut widget).await.body);
    }
    assert_eq!(
        replayed,
        ["is anyone there?", "Yes, I am here.", "What do you need?"]
    );
}

/// Sends a frame with `cid` and returns `Ok` on its `done`, or its error code.
pub async fn answer(
    socket: &mut Socket,
    cid: ClientId,
    frame: &impl serde::Serialize,
) -> Result<(), ErrorCode> {
    socket.send_json(frame).await;
    socket
        .recv_until(|f| match f {
            ServerFrame::Done { cid: c } if c == cid => Some(Ok(())),
            ServerFrame::Error {
                cid: Some(c), code, ..
            } if c == cid => Some(Err(code)),
            _ => None,
        })
        .await
}
