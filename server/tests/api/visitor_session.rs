use livedesk_protocol::api::{VisitorSession, VisitorSessionRequest};
use livedesk_protocol::{ApiError, ErrorCode};

use crate::auth::tamper_signature;
use crate::support::client::{http, visitor_session};
use crate::support::{TestApp, create_site};

async fn start(
    app: &TestApp,
    origin: Option<&str>,
    request: &VisitorSessionRequest,
) -> reqwest::Response {
    let mut builder = http()
        .post(app.node.url("/api/v1/visitor/session"))
        .json(request);
    if let Some(origin) = origin {
        builder = builder.header("Origin", origin);
    }
    builder.send().await.unwrap()
}

fn request(site_key: &str, visitor_token: Option<String>) -> VisitorSessionRequest {
    VisitorSessionRequest {
        site_key: site_key.into(),
        visitor_token,
        page_origin: None,
    }
}

async fn visitors(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM visitors")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn refused(response: reqwest::Response, status: u16) -> ErrorCode {
    assert_eq!(response.status(), status);
    response.json::<ApiError>().await.unwrap().code
}

#[tokio::test]
async fn a_returning_visitor_keeps_their_identity() {
    let app = TestApp::spawn().await;
    let first = visitor_session(&app.node, &app.site).await;

    let again = start(
        &app,
        Some(&app.site.origin),
        &request(&app.site.key, Some(first.visitor_token.clone())),
    )
    .await;

    assert_eq!(again.status(), 200);
    let again: VisitorSession = again.json().await.unwrap();
    assert_eq!(again.visitor_id, first.visitor_id);
    assert_eq!(visitors(&app).await, 1);
}

#[tokio::test]
async fn unknown_site_keys_and_foreign_origins_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;

    let unknown = start(
        &app,
        Some(&app.site.origin),
        &request("NoSuchSiteKeyAtAll0000", None),
    )
    .await;
    assert_eq!(refused(unknown, 404).await, ErrorCode::UnknownSite);

    let foreign = start(
        &app,
        Some("https://evil.example.net"),
        &request(&app.site.key, None),
    )
    .await;
    assert_eq!(refused(foreign, 403).await, ErrorCode::OriginNotAllowed);

    let no_origin = start(&app, None, &request(&app.site.key, None)).await;
    assert_eq!(refused(no_origin, 403).await, ErrorCode::OriginNotAllowed);

    // From our own origin (the widget's frame) the page's origin must be allowed too.
    let framed = VisitorSessionRequest {
        page_origin: Some("https://evil.example.net".into()),
        ..request(&app.site.key, None)
    };
    assert_eq!(
        refused(start(&app, Some(&app.node.origin()), &framed).await, 403).await,
        ErrorCode::OriginNotAllowed
    );

    assert_eq!(visitors(&app).await, 0);
}

#[tokio::test]
async fn a_visitor_token_is_scoped_to_its_site_and_cannot_be_forged() {
    let app = TestApp::spawn().await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.org").await;
    let session = visitor_session(&app.node, &app.site).await;

    let cross = start(
        &app,
        Some(&other.origin),
        &request(&other.key, Some(session.visitor_token.clone())),
    )
    .await;
    assert_eq!(refused(cross, 401).await, ErrorCode::Unauthorized);

    let forged = start(
        &app,
        Some(&app.site.origin),
        &request(
            &app.site.key,
            Some(tamper_signature(&session.visitor_token)),
        ),
    )
    .await;
    assert_eq!(refused(forged, 401).await, ErrorCode::Unauthorized);

    assert_eq!(visitors(&app).await, 1);
}

#[tokio::test]
async fn malformed_and_oversized_bodies_get_json_errors() {
    let app = TestApp::spawn().await;
    let url = app.node.url("/api/v1/visitor/session");

    let malformed = http()
        .post(&url)
        .header("Origin", &app.site.origin)
        .header("Content-Type", "application/json")
        .body("{\"site_key\":")
        .send()
        .await
        .unwrap();
    assert_eq!(refused(malformed, 400).await, ErrorCode::MalformedFrame);

    let huge = format!("{{\"site_key\":\"{}\"}}", "k".repeat(100 * 1024));
    let oversized = http()
        .post(&url)
        .header("Origin", &app.site.origin)
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(refused(oversized, 413).await, ErrorCode::FrameTooLarge);

    assert_eq!(visitors(&app).await, 0);
}

#[tokio::test]
async fn a_page_on_another_origin_may_ask_for_a_session() {
    let app = TestApp::spawn().await;

    let preflight = http()
        .request(
            reqwest::Method::OPTIONS,
            app.node.url("/api/v1/visitor/session"),
        )
        .header("Origin", &app.site.origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();

    assert!(preflight.status().is_success());
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*")
    );
}
