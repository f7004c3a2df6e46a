use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{Author, Party};
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};

use crate::messaging::{agent, next_message, send_as_agent, send_as_visitor, visitor};
use crate::support::client::{Socket, login, visitor_session};
use crate::support::{TestApp, create_site};

async fn next_typing(socket: &mut Socket) -> (Author, bool) {
    socket
        .recv_until(|f| match f {
            ServerFrame::Typing { author, typing, .. } => Some((author, typing)),
            _ => None,
        })
        .await
}

async fn next_receipt(socket: &mut Socket) -> (Party, i64, i64) {
    socket
        .recv_until(|f| match f {
            ServerFrame::Receipt {
                reader,
                delivered_up_to,
                read_up_to,
                ..
            } => Some((reader, delivered_up_to, read_up_to)),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn each_side_sees_the_other_typing_without_every_keystroke() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "hello").await;

    for _ in 0..5 {
        widget
            .send_json(&VisitorFrame::Typing { typing: true })
            .await;
    }
    widget
        .send_json(&VisitorFrame::Typing { typing: false })
        .await;

    assert_eq!(
        next_typing(&mut desk).await,
        (
            Author::Visitor {
                id: session.visitor_id
            },
            true
        )
    );
    assert_eq!(
        next_typing(&mut desk).await,
        (
            Author::Visitor {
                id: session.visitor_id
            },
            false
        ),
        "the repeats were thinned out"
    );

    desk.send_json(&AgentFrame::Typing {
        conversation_id: hello.conversation_id,
        typing: true,
    })
    .await;
    let (author, typing) = next_typing(&mut widget).await;
    assert!(matches!(author, Author::Agent { id, .. } if id == tokens.agent.id));
    assert!(typing);
}

#[tokio::test]
async fn receipts_move_forward_only_and_reach_the_other_side() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "hello").await;
    let reply = send_as_agent(&mut desk, hello.conversation_id, "Hi there").await;
    assert_eq!(next_message(&mut widget).await, reply);

    widget
        .send_json(&VisitorFrame::Seen {
            up_to: reply.seq,
            read: false,
        })
        .await;
    assert_eq!(next_receipt(&mut desk).await, (Party::Visitor, 2, 0));
    widget
        .send_json(&VisitorFrame::Seen {
            up_to: 99,
            read: true,
        })
        .await;
    assert_eq!(
        next_receipt(&mut desk).await,
        (Party::Visitor, 2, 2),
        "never past the newest message"
    );
    widget
        .send_json(&VisitorFrame::Seen {
            up_to: 1,
            read: true,
        })
        .await;

    desk.send_json(&AgentFrame::Seen {
        conversation_id: hello.conversation_id,
        up_to: 1,
        read: true,
    })
    .await;
    assert_eq!(
        next_receipt(&mut widget).await,
        (Party::Agents, 1, 1),
        "the stale visitor mark sent nothing"
    );

    let stored: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT visitor_delivered_seq, visitor_read_seq, agent_delivered_seq, agent_read_seq FROM conversations",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, (2, 2, 1, 1));
}

#[tokio::test]
async fn signals_about_another_sites_conversation_are_refused() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "hello").await;
    let outsider = create_site(&app.db, "Other Shop", "https://other.example.org").await;
    let token = login(&app.node, &outsider.agent_email).await.access_token;
    let mut outsider_desk = agent(&app.node, &token).await;

    for frame in [
        AgentFrame::Seen {
            conversation_id: hello.conversation_id,
            up_to: 1,
            read: true,
        },
        AgentFrame::Typing {
            conversation_id: hello.conversation_id,
            typing: true,
        },
    ] {
        outsider_desk.send_json(&frame).await;
        let code = outsider_desk
            .recv_until(|f| match f {
                ServerFrame::Error { code, .. } => Some(code),
                _ => None,
            })
            .await;
        assert_eq!(code, ErrorCode::NotFound);
    }
    // The visitor may hear about the queue, but nothing of the outsider's signals.
    let heard = widget
        .frames_within(std::time::Duration::from_millis(300))
        .await;
    assert!(
        !heard
            .iter()
            .any(|f| matches!(f, ServerFrame::Typing { .. } | ServerFrame::Receipt { .. })),
        "{heard:?}"
    );
}
