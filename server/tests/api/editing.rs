use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::Message;
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::ClientId;

use crate::messaging::{agent, answer, next_message, send_as_agent, send_as_visitor, visitor};
use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{TestApp, create_site};

async fn next_change(socket: &mut Socket) -> Message {
    socket
        .recv_until(|f| match f {
            ServerFrame::MessageChanged { message } => Some(message),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn a_visitor_fixes_a_typo_then_deletes_the_message() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let sent = send_as_visitor(&mut widget, "my ordr number is 42").await;
    assert_eq!(next_message(&mut desk).await, sent);

    let cid = ClientId::new_random();
    let fix = VisitorFrame::Edit {
        cid,
        message_id: sent.id,
        body: "my order number is 42".into(),
    };
    assert_eq!(answer(&mut widget, cid, &fix).await, Ok(()));
    let edited = next_change(&mut desk).await;
    assert_eq!(
        (edited.id, edited.seq, edited.body.as_str()),
        (sent.id, sent.seq, "my order number is 42")
    );
    assert!(edited.edited_at.is_some());

    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut widget,
            cid,
            &VisitorFrame::Delete {
                cid,
                message_id: sent.id
            }
        )
        .await,
        Ok(())
    );
    let deleted = next_change(&mut desk).await;
    assert!(deleted.deleted);
    assert_eq!(deleted.body, "");

    let again = ClientId::new_random();
    assert_eq!(
        answer(
            &mut widget,
            again,
            &VisitorFrame::Delete {
                cid: again,
                message_id: sent.id
            }
        )
        .await,
        Ok(()),
        "a retry is harmless"
    );
    let transcript: Vec<Message> = http()
        .get(app.node.url(&format!(
            "/api/v1/conversations/{}/messages",
            sent.conversation_id
        )))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(transcript.len(), 1);
    assert!(
        transcript[0].deleted && transcript[0].body.is_empty(),
        "the text is gone for good"
    );
}

#[tokio::test]
async fn only_the_author_may_change_a_message_and_only_for_five_minutes() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let colleague = login(&app.node, &app.site.admin_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let mut other_desk = agent(&app.node, &colleague.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let question = send_as_visitor(&mut widget, "question").await;
    let reply = send_as_agent(&mut desk, question.conversation_id, "answer").await;
    let outsider = create_site(&app.db, "Other Shop", "https://other.example.org").await;
    let outsider_token = login(&app.node, &outsider.agent_email).await.access_token;
    let mut outsider_desk = agent(&app.node, &outsider_token).await;

    let cid = ClientId::new_random();
    let edit = AgentFrame::Edit {
        cid,
        message_id: question.id,
        body: "rewritten".into(),
    };
    assert_eq!(
        answer(&mut desk, cid, &edit).await,
        Err(ErrorCode::Forbidden),
        "an agent cannot edit the visitor's words"
    );
    let cid = ClientId::new_random();
    let edit = AgentFrame::Edit {
        cid,
        message_id: reply.id,
        body: "rewritten".into(),
    };
    assert_eq!(
        answer(&mut other_desk, cid, &edit).await,
        Err(ErrorCode::Forbidden),
        "nor a colleague's"
    );
    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut widget,
            cid,
            &VisitorFrame::Delete {
                cid,
                message_id: reply.id
            }
        )
        .await,
        Err(ErrorCode::Forbidden)
    );
    let cid = ClientId::new_random();
    let edit = AgentFrame::Edit {
        cid,
        message_id: reply.id,
        body: "rewritten".into(),
    };
    assert_eq!(
        answer(&mut outsider_desk, cid, &edit).await,
        Err(ErrorCode::NotFound)
    );
    let cid = ClientId::new_random();
    let edit = AgentFrame::Edit {
        cid,
        message_id: reply.id,
        body: "  ".into(),
    };
    assert_eq!(
        answer(&mut desk, cid, &edit).await,
        Err(ErrorCode::InvalidInput)
    );

    sqlx::query("UPDATE messages SET created_at = now() - interval '6 minutes'")
        .execute(&app.db)
        .await
        .unwrap();
    let cid = ClientId::new_random();
    let late = AgentFrame::Edit {
        cid,
        message_id: reply.id,
        body: "too late".into(),
    };
    assert_eq!(
        answer(&mut desk, cid, &late).await,
        Err(ErrorCode::Conflict)
    );

    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM messages ORDER BY seq")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(bodies, ["question", "answer"]);
}
