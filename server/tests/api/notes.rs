use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::Note;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::ClientId;

use crate::messaging::{agent, answer, next_message, send_as_agent, send_as_visitor, visitor};
use crate::support::client::{http, login, visitor_session};
use crate::support::{TestApp, create_site};

#[tokio::test]
async fn agents_share_internal_notes_the_visitor_never_sees() {
    let app = TestApp::spawn().await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let ada = login(&app.node, &app.site.admin_email).await;
    let mut ali_desk = agent(&app.node, &ali.access_token).await;
    let mut ada_desk = agent(&app.node, &ada.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "my parcel never came").await;

    let cid = ClientId::new_random();
    let note = AgentFrame::Note {
        cid,
        conversation_id: hello.conversation_id,
        body: "VIP customer, offer express reshipping".into(),
    };
    assert_eq!(answer(&mut ali_desk, cid, &note).await, Ok(()));
    assert_eq!(
        answer(&mut ali_desk, cid, &note).await,
        Ok(()),
        "a retry is stored once"
    );
    let seen: Note = ada_desk
        .recv_until(|f| match f {
            ServerFrame::NoteAdded { note } => Some(note),
            _ => None,
        })
        .await;
    assert_eq!(
        (seen.author_id, seen.body.as_str()),
        (Some(ali.agent.id), "VIP customer, offer express reshipping")
    );

    let reply = send_as_agent(
        &mut ali_desk,
        hello.conversation_id,
        "We will send a new one today",
    )
    .await;
    assert_eq!(reply.seq, 2, "notes take no place in the transcript");
    assert_eq!(next_message(&mut widget).await, reply);
    let heard = widget
        .frames_within(std::time::Duration::from_millis(300))
        .await;
    assert!(
        !heard
            .iter()
            .any(|f| matches!(f, ServerFrame::NoteAdded { .. })),
        "{heard:?}"
    );

    let listed: Vec<Note> = http()
        .get(app.node.url(&format!(
            "/api/v1/conversations/{}/notes",
            hello.conversation_id
        )))
        .bearer_auth(&ada.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, vec![seen]);
}

#[tokio::test]
async fn notes_on_another_sites_conversation_or_without_text_are_refused() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "hello").await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let mut ali_desk = agent(&app.node, &ali.access_token).await;
    let outsider = create_site(&app.db, "Other Shop", "https://other.example.org").await;
    let outsider_token = login(&app.node, &outsider.agent_email).await.access_token;
    let mut outsider_desk = agent(&app.node, &outsider_token).await;

    let cid = ClientId::new_random();
    let prying = AgentFrame::Note {
        cid,
        conversation_id: hello.conversation_id,
        body: "hello from outside".into(),
    };
    assert_eq!(
        answer(&mut outsider_desk, cid, &prying).await,
        Err(ErrorCode::NotFound)
    );
    let cid = ClientId::new_random();
    let empty = AgentFrame::Note {
        cid,
        conversation_id: hello.conversation_id,
        body: "   ".into(),
    };
    assert_eq!(
        answer(&mut ali_desk, cid, &empty).await,
        Err(ErrorCode::InvalidInput)
    );
    let read = http()
        .get(app.node.url(&format!(
            "/api/v1/conversations/{}/notes",
            hello.conversation_id
        )))
        .bearer_auth(&outsider_token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 404);

    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM conversation_notes")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}
