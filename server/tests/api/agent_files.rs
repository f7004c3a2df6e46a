//! Files agents share from the dashboard: checked like a visitor's, delivered live like a
//! typed reply, readable by the conversation's visitor and the site's agents only, and
//! refused uploads leave no file, no row and no message.

use livedesk_protocol::chat::{Author, SharedFileMessage};
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};
use livedesk_protocol::widget::{FileKind, MAX_UPLOAD_BYTES, file_message_body};
use serde_json::Value;

use crate::messaging::{
    agent, next_message, recv_skipping_visitor_presence, send_as_visitor, visitor,
};
use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{PIXEL_PNG, TestApp, create_site};
use crate::widget_files::stored;

/// A visitor who wrote "hello" and the agent whose dashboard saw the chat open.
struct Chat {
    agent_token: String,
    desk: Socket,
    visitor_token: String,
    widget: Socket,
    conversation: ConversationId,
}

async fn open_chat(app: &TestApp) -> Chat {
    let agent_token = login(&app.node, &app.site.agent_email).await.access_token;
    let mut desk = agent(&app.node, &agent_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    send_as_visitor(&mut widget, "hello").await;
    let ServerFrame::ConversationOpened { conversation } =
        recv_skipping_visitor_presence(&mut desk).await
    else {
        panic!("the dashboard hears of the new chat")
    };
    next_message(&mut desk).await;
    Chat {
        agent_token,
        desk,
        visitor_token: session.visitor_token,
        widget,
        conversation: conversation.id,
    }
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    conversation: ConversationId,
    name: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = http()
        .post(app.node.url(&format!(
            "/api/v1/conversations/{conversation}/files?name={name}"
        )))
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn download(app: &TestApp, token: &str, url: &str) -> reqwest::Response {
    http()
        .get(app.node.url(url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn messages(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_image_an_agent_sends_reaches_the_visitor_who_can_download_it() {
    let app = TestApp::spawn().await;
    let mut chat = open_chat(&app).await;

    let (status, body) = upload(
        &app,
        Some(&chat.agent_token),
        chat.conversation,
        "size%20chart.png",
        PIXEL_PNG.to_vec(),
    )
    .await;

    assert_eq!(status, 201, "{body}");
    let shared: SharedFileMessage = serde_json::from_value(body).unwrap();
    assert_eq!(
        (shared.file.name.as_str(), shared.file.mime),
        ("size chart.png", FileKind::Png)
    );
    assert_eq!(shared.message.body, file_message_body(&shared.file));
    assert_eq!(shared.message.seq, 2);
    assert!(matches!(&shared.message.author, Author::Agent { name, .. } if name == "Ali Agent"));
    assert_eq!(
        next_message(&mut chat.widget).await,
        shared.message,
        "the visitor sees it live"
    );
    assert_eq!(
        next_message(&mut chat.desk).await,
        shared.message,
        "so do the site's agents"
    );

    let response = download(&app, &chat.visitor_token, &shared.file.url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.unwrap().as_ref(), PIXEL_PNG);
    let stranger = visitor_session(&app.node, &app.site).await.visitor_token;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    for token in [stranger, outsider] {
        assert_eq!(
            download(&app, &token, &shared.file.url).await.status(),
            404,
            "another visitor or another site's agent"
        );
    }
}

#[tokio::test]
async fn a_pdf_is_shared_as_a_download() {
    let app = TestApp::spawn().await;
    let mut chat = open_chat(&app).await;
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();

    let (status, body) = upload(
        &app,
        Some(&chat.agent_token),
        chat.conversation,
        "invoice.pdf",
        pdf.clone(),
    )
    .await;

    assert_eq!(status, 201, "{body}");
    let shared: SharedFileMessage = serde_json::from_value(body).unwrap();
    assert_eq!(shared.file.mime, FileKind::Pdf);
    assert_eq!(next_message(&mut chat.widget).await, shared.message);
    let response = download(&app, &chat.visitor_token, &shared.file.url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
}

#[tokio::test]
async fn fake_types_and_oversized_files_are_refused_and_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let chat = open_chat(&app).await;
    let token = Some(chat.agent_token.as_str());
    let mut oversized = PIXEL_PNG.to_vec();
    oversized.resize(MAX_UPLOAD_BYTES + 1, 0);
    let cases = [
        (
            "photo.png",
            b"<svg onload=alert(1)>".to_vec(),
            415,
            "unsupported_file_type",
        ),
        (
            "invoice.pdf",
            b"MZ\x90\0 not a pdf at all".to_vec(),
            415,
            "unsupported_file_type",
        ),
        ("huge.png", oversized, 413, "frame_too_large"),
    ];

    for (name, body, status, code) in cases {
        let (got, answer) = upload(&app, token, chat.conversation, name, body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{name}: {answer}"
        );
        assert!(
            !answer["message"].as_str().unwrap_or_default().is_empty(),
            "the error says what is wrong"
        );
    }

    assert_eq!(stored(&app).await, (0, 0), "no file and no row");
    assert_eq!(messages(&app).await, 1, "only the visitor's hello");
}

#[tokio::test]
async fn agents_of_another_site_and_callers_without_a_token_are_refused() {
    let app = TestApp::spawn().await;
    let chat = open_chat(&app).await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    let cases = [
        (Some(outsider.as_str()), 404, "not_found"),
        (None, 401, "unauthorized"),
        (Some(chat.visitor_token.as_str()), 401, "unauthorized"),
    ];

    for (token, status, code) in cases {
        let (got, answer) = upload(
            &app,
            token,
            chat.conversation,
            "photo.png",
            PIXEL_PNG.to_vec(),
        )
        .await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
    }

    assert_eq!(stored(&app).await, (0, 0), "no file and no row");
    assert_eq!(messages(&app).await, 1, "only the visitor's hello");
}

#[tokio::test]
async fn a_closed_conversation_takes_no_file() {
    let app = TestApp::spawn().await;
    let mut chat = open_chat(&app).await;
    let cid = ClientId::new_random();
    chat.desk
        .send_json(&AgentFrame::Close {
            cid,
            conversation_id: chat.conversation,
        })
        .await;
    chat.widget
        .recv_until(|f| matches!(f, ServerFrame::ConversationClosed { .. }).then_some(()))
        .await;

    let (status, answer) = upload(
        &app,
        Some(&chat.agent_token),
        chat.conversation,
        "photo.png",
        PIXEL_PNG.to_vec(),
    )
    .await;

    assert_eq!((status, answer["code"].as_str()), (409, Some("conflict")));
    assert_eq!(stored(&app).await, (0, 0), "no file and no row");
    assert_eq!(messages(&app).await, 1, "only the visitor's hello");
}
