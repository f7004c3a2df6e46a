use livedesk_protocol::chat::ConversationSummary;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::ClientId;
use livedesk_protocol::{ApiError, ErrorCode};

use crate::messaging::{agent, send_as_visitor, visitor};
use crate::support::client::{http, login, visitor_session};
use crate::support::{TestApp, create_site};

#[tokio::test]
async fn an_agent_of_one_site_reaches_nothing_of_another() {
    let app = TestApp::spawn().await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.org").await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    let mut outsider_desk = agent(&app.node, &outsider).await;

    let message = send_as_visitor(&mut widget, "private to Acme").await;

    let listed: Vec<ConversationSummary> = http()
        .get(app.node.url("/api/v1/conversations"))
        .bearer_auth(&outsider)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed.is_empty(),
        "another site's conversations are not listed"
    );

    let read = http()
        .get(app.node.url(&format!(
            "/api/v1/conversations/{}/messages",
            message.conversation_id
        )))
        .bearer_auth(&outsider)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 404);
    assert_eq!(
        read.json::<ApiError>().await.unwrap().code,
        ErrorCode::NotFound
    );

    let cid = ClientId::new_random();
    outsider_desk
        .send_json(&AgentFrame::Send {
            cid,
            conversation_id: message.conversation_id,
            body: "let me in".into(),
        })
        .await;
    let refused = outsider_desk.recv().await;
    assert!(
        matches!(
            refused,
            ServerFrame::Error {
                code: ErrorCode::NotFound,
                ..
            }
        ),
        "{refused:?}"
    );

    outsider_desk
        .send_json(&AgentFrame::Resume {
            conversation_id: message.conversation_id,
            after_seq: 0,
        })
        .await;
    let refused = outsider_desk.recv().await;
    assert!(
        matches!(
            refused,
            ServerFrame::Error {
                code: ErrorCode::NotFound,
                ..
            }
        ),
        "{refused:?}"
    );

    outsider_desk.expect_silence().await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}
