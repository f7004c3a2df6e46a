//! Files visitors share in the chat: checked by content, bounded in size, stored on disk
//! whole or not at all, readable by the visitor and the site's agents only.

use livedesk_protocol::widget::{MAX_UPLOAD_BYTES, UploadedFile};
use serde_json::Value;

use crate::support::client::{http, login, visitor_session};
use crate::support::{PIXEL_PNG, TestApp, create_site};

async fn upload(app: &TestApp, token: Option<&str>, name: &str, body: Vec<u8>) -> (u16, Value) {
    let mut request = http()
        .post(app.node.url(&format!("/api/v1/visitor/files?name={name}")))
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

/// Files on disk and rows in the table, for "nothing half-written".
pub async fn stored(app: &TestApp) -> (usize, i64) {
    let dir = app.node.state.config.data_dir.join("uploads");
    let mut files = 0;
    for site in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        files += std::fs::read_dir(site.path()).into_iter().flatten().count();
    }
    let rows = sqlx::query_scalar("SELECT count(*) FROM uploaded_files")
        .fetch_one(&app.db)
        .await
        .unwrap();
    (files, rows)
}

#[tokio::test]
async fn an_image_is_stored_and_readable_by_its_visitor_and_the_sites_agents_only() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let (status, body) = upload(
        &app,
        Some(&session.visitor_token),
        "../../photo%20of%20shoe.png",
        PIXEL_PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let file: UploadedFile = serde_json::from_value(body).unwrap();
    assert_eq!(
        (file.name.as_str(), file.size_bytes),
        ("photo of shoe.png", PIXEL_PNG.len() as u64)
    );
    assert_eq!(stored(&app).await, (1, 1));

    let get = |token: String| {
        let url = app.node.url(&file.url);
        async move { http().get(url).bearer_auth(token).send().await.unwrap() }
    };
    let agent = login(&app.node, &app.site.agent_email).await.access_token;
    for token in [session.visitor_token.clone(), agent] {
        let response = get(token).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/png");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.unwrap().as_ref(), PIXEL_PNG);
    }
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    let stranger = visitor_session(&app.node, &app.site).await.visitor_token;
    for token in [outsider, stranger] {
        assert_eq!(
            get(token).await.status(),
            404,
            "another site's agent or another visitor"
        );
    }
}

#[tokio::test]
async fn fake_types_oversized_files_and_strangers_are_refused_and_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let token = Some(session.visitor_token.as_str());
    let mut oversized = PIXEL_PNG.to_vec();
    oversized.resize(MAX_UPLOAD_BYTES + 1, 0);
    let mut just_fits = b"%PDF-1.7\n".to_vec();
    just_fits.resize(MAX_UPLOAD_BYTES, b' ');
    let cases = [
        (
            token,
            "invoice.pdf",
            b"MZ\x90\0 not a pdf at all".to_vec(),
            415,
            "unsupported_file_type",
        ),
        (
            token,
            "photo.png",
            b"<svg onload=alert(1)>".to_vec(),
            415,
            "unsupported_file_type",
        ),
        (token, "empty.png", Vec::new(), 400, "invalid_input"),
        (token, "huge.png", oversized, 413, "frame_too_large"),
        (None, "photo.png", PIXEL_PNG.to_vec(), 401, "unauthorized"),
        (
            Some("forged.visitor.token"),
            "photo.png",
            PIXEL_PNG.to_vec(),
            401,
            "unauthorized",
        ),
    ];
    for (token, name, body, status, code) in cases {
        let (got, answer) = upload(&app, token, name, body).await;
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

    let (status, _) = upload(&app, token, "manual.pdf", just_fits).await;
    assert_eq!(status, 201, "exactly 10 MB is allowed");
    assert_eq!(stored(&app).await, (1, 1));
}
