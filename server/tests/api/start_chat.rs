//! An agent starts a chat with a visitor from the live visitors list.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{Author, ConversationSummary};
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{ClientId, VisitorId};

use crate::messaging::{agent, next_message, visitor};
use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{TestApp, create_site};

async fn start_chat(
    desk: &mut Socket,
    visitor_id: VisitorId,
    body: &str,
) -> Result<livedesk_protocol::chat::Message, ErrorCode> {
    let cid = ClientId::new_random();
    desk.send_json(&AgentFrame::StartChat {
        cid,
        visitor_id,
        body: body.into(),
    })
    .await;
    desk.recv_until(|f| match f {
        ServerFrame::Ack { cid: c, message } if c == cid => Some(Ok(message)),
        ServerFrame::Error {
            cid: Some(c), code, ..
        } if c == cid => Some(Err(code)),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn an_agent_writes_first_and_the_chat_is_theirs() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let first = start_chat(
        &mut desk,
        session.visitor_id,
        "Hello! Looking for running shoes?",
    )
    .await
    .unwrap();

    assert_eq!(first.seq, 1);
    assert!(matches!(&first.author, Author::Agent { name, .. } if name == "Ali Agent"));
    assert_eq!(
        next_message(&mut widget).await,
        first,
        "the visitor's widget gets it"
    );
    let mine: Vec<ConversationSummary> = http()
        .get(app.node.url("/api/v1/conversations?view=mine"))
        .bearer_auth(&tokens.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1, "the chat is the agent's, not the queue's");
    assert_eq!(mine[0].id, first.conversation_id);

    // Writing again goes into the same conversation.
    let second = start_chat(&mut desk, session.visitor_id, "We have a sale today")
        .await
        .unwrap();
    assert_eq!(
        (second.conversation_id, second.seq),
        (first.conversation_id, 2)
    );
}

#[tokio::test]
async fn no_chat_starts_with_another_sites_visitor_or_an_empty_message() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let other = create_site(&app.db, "Other shop", "https://other.example").await;
    let stranger = visitor_session(&app.node, &other).await;

    assert_eq!(
        start_chat(&mut desk, stranger.visitor_id, "Hi").await,
        Err(ErrorCode::NotFound)
    );
    let session = visitor_session(&app.node, &app.site).await;
    assert_eq!(
        start_chat(&mut desk, session.visitor_id, "   ").await,
        Err(ErrorCode::InvalidInput)
    );
    let conversations: i64 = sqlx::query_scalar("SELECT count(*) FROM conversations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(conversations, 0, "nothing half-written");
}
