//! The agents page of the admin console over REST: an admin creates an agent who can sign
//! in, renames and promotes them, and deactivates them, which signs them out everywhere
//! and hands their chats on. Agents get `forbidden`; another site's admin gets `not_found`.

use livedesk_protocol::admin::NewAgentRequest;
use livedesk_protocol::api::Role;
use livedesk_protocol::frames::ServerFrame;
use livedesk_protocol::routing::SiteAgent;
use livedesk_protocol::{ApiError, ErrorCode};
use reqwest::Method;
use serde_json::json;

use crate::assignment::assigned_to;
use crate::messaging::{agent, send_as_visitor, visitor};
use crate::support::client::{Ended, http, login, visitor_session};
use crate::support::{PASSWORD, TestApp, TestNode, create_site, eventually};

/// Sends `body` with the token; returns the status and the JSON answer (`null` if none).
pub async fn call(
    node: &TestNode,
    token: &str,
    method: Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut request = http().request(method, node.url(path)).bearer_auth(token);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

pub fn code(answer: &serde_json::Value) -> ErrorCode {
    serde_json::from_value::<ApiError>(answer.clone())
        .unwrap_or_else(|_| panic!("an error body, got {answer}"))
        .code
}

fn new_agent(email: &str, role: Role) -> serde_json::Value {
    serde_json::to_value(NewAgentRequest {
        email: email.into(),
        name: "Nur New".into(),
        role,
        password: PASSWORD.into(),
    })
    .unwrap()
}

async fn agents(node: &TestNode, token: &str) -> Vec<SiteAgent> {
    let (status, list) = call(node, token, Method::GET, "/api/v1/site/agents", json!(null)).await;
    assert_eq!(status, 200);
    serde_json::from_value(list).unwrap()
}

async fn login_status(node: &TestNode, email: &str) -> u16 {
    http()
        .post(node.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn an_admin_creates_an_agent_who_can_sign_in_and_agents_may_not() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;

    let (status, answer) = call(
        &app.node,
        &ali.access_token,
        Method::POST,
        "/api/v1/site/agents",
        new_agent("sneaky@example.com", Role::Admin),
    )
    .await;
    assert_eq!((status, code(&answer)), (403, ErrorCode::Forbidden));

    let (status, created) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        "/api/v1/site/agents",
        new_agent(" Nur@Example.com ", Role::Agent),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let created: SiteAgent = serde_json::from_value(created).unwrap();
    assert_eq!(
        (created.email.as_str(), created.role),
        ("Nur@Example.com", Role::Agent)
    );
    assert!(created.active);
    let nur = login(&app.node, "nur@example.com").await;
    assert_eq!(nur.agent.id, created.id);

    // Bad input is refused with the reason and stores nothing.
    let before = agents(&app.node, &admin.access_token).await.len();
    for (body, expected) in [
        (
            new_agent("not-an-email", Role::Agent),
            (400, ErrorCode::InvalidInput),
        ),
        (
            new_agent("boss@example.com", Role::Superadmin),
            (400, ErrorCode::InvalidInput),
        ),
        (
            json!({"email": "short@example.com", "name": "S", "role": "agent", "password": "short"}),
            (400, ErrorCode::InvalidInput),
        ),
        (
            json!({"email": "x@example.com", "name": "", "role": "agent", "password": PASSWORD}),
            (400, ErrorCode::InvalidInput),
        ),
        (
            new_agent("NUR@example.com", Role::Agent),
            (409, ErrorCode::Conflict),
        ),
    ] {
        let (status, answer) = call(
            &app.node,
            &admin.access_token,
            Method::POST,
            "/api/v1/site/agents",
            body.clone(),
        )
        .await;
        assert_eq!((status, code(&answer)), expected, "{body}");
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(agents(&app.node, &admin.access_token).await.len(), before);
}

#[tokio::test]
async fn an_admin_renames_and_promotes_but_never_leaves_the_site_without_an_admin() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let path = format!("/api/v1/site/agents/{}", ali.agent.id);

    let (status, answer) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &path,
        json!({"name": "Ali", "role": "admin"}),
    )
    .await;
    assert_eq!((status, code(&answer)), (403, ErrorCode::Forbidden));

    let (status, changed) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &path,
        json!({"name": " Ali Veli ", "role": "admin"}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["name"].as_str(), changed["role"].as_str()),
        (Some("Ali Veli"), Some("admin"))
    );
    // The role is read from the account, so the promotion counts at once.
    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::GET,
        "/api/v1/site/routing",
        json!(null),
    )
    .await;
    assert_eq!(
        status, 200,
        "the promoted agent opens the console with the same token"
    );

    // Two admins now: Ada may step down; then Ali is the last and may not.
    let ada_path = format!("/api/v1/site/agents/{}", admin.agent.id);
    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &ada_path,
        json!({"name": "Ada", "role": "agent"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, answer) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &path,
        json!({"name": "Ali", "role": "agent"}),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (409, ErrorCode::Conflict),
        "{answer}"
    );
    let (status, answer) = call(
        &app.node,
        &admin.access_token,
        Method::GET,
        "/api/v1/site/routing",
        json!(null),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (403, ErrorCode::Forbidden),
        "the demoted admin loses the console at once"
    );

    for bad in [
        json!({"name": "", "role": "agent"}),
        json!({"name": "X", "role": "superadmin"}),
        json!({"name": "X"}),
    ] {
        let (status, _) = call(
            &app.node,
            &ali.access_token,
            Method::PUT,
            &path,
            bad.clone(),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }
}

#[tokio::test]
async fn a_deactivated_agent_is_signed_out_everywhere_and_their_chats_are_handed_on() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let mut ali_socket = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut guest = visitor(&app.node, &session.visitor_token).await;
    let first = send_as_visitor(&mut guest, "hello").await;
    assert_eq!(
        assigned_to(&mut ali_socket, first.conversation_id).await,
        ali.agent.id
    );

    let path = format!("/api/v1/site/agents/{}/active", ali.agent.id);
    let (status, answer) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &path,
        json!({"active": false}),
    )
    .await;
    assert_eq!((status, code(&answer)), (403, ErrorCode::Forbidden));
    let (status, answer) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &path,
        json!({"active": false}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["active"], false);

    // The open socket closes as unauthorised; the tokens stop working.
    assert_eq!(ali_socket.ended().await, Ended::Closed(Some(4001)));
    let (status, answer) = call(
        &app.node,
        &ali.access_token,
        Method::GET,
        "/api/v1/conversations",
        json!(null),
    )
    .await;
    assert_eq!((status, code(&answer)), (401, ErrorCode::Unauthorized));
    let refreshed = http()
        .post(app.node.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": ali.refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 401);
    assert_eq!(login_status(&app.node, &app.site.agent_email).await, 401);
    // The visitor's chat went back to the queue, for someone else.
    let db = app.db.clone();
    let conversation = first.conversation_id.0;
    eventually("the chat to leave the deactivated agent", || {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, Option<uuid::Uuid>>(
                "SELECT assigned_agent_id FROM conversations WHERE id = $1",
            )
            .bind(conversation)
            .fetch_one(&db)
            .await
            .unwrap()
            .is_none()
        }
    })
    .await;
    guest
        .recv_until(|f| matches!(f, ServerFrame::ConversationReturned { .. }).then_some(()))
        .await;

    // Reactivated, Ali signs in again.
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &path,
        json!({"active": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(login_status(&app.node, &app.site.agent_email).await, 200);

    // Nobody deactivates themself; the last admin stays.
    let own = format!("/api/v1/site/agents/{}/active", admin.agent.id);
    let (status, answer) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &own,
        json!({"active": false}),
    )
    .await;
    assert_eq!((status, code(&answer)), (409, ErrorCode::Conflict));
    assert_eq!(login_status(&app.node, &app.site.admin_email).await, 200);
}

#[tokio::test]
async fn another_sites_admin_reaches_none_of_the_agents() {
    let app = TestApp::spawn().await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let intruder = login(&app.node, &other.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;

    let listed = agents(&app.node, &intruder.access_token).await;
    assert!(
        listed.iter().all(|a| a.id != ali.agent.id),
        "site B lists only its own agents"
    );
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/api/v1/site/agents/{}", ali.agent.id),
            json!({"name": "Mine", "role": "agent"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/site/agents/{}/active", ali.agent.id),
            json!({"active": false}),
        ),
    ] {
        let (status, answer) = call(&app.node, &intruder.access_token, method, &path, body).await;
        assert_eq!(
            (status, code(&answer)),
            (404, ErrorCode::NotFound),
            "{path}"
        );
    }
    assert_eq!(
        login_status(&app.node, &app.site.agent_email).await,
        200,
        "Ali is untouched"
    );
}
