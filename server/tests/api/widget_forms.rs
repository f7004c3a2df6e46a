//! The widget's REST calls: the visitor's details (pre-chat form, `updateVisitor`), the
//! offline form with its live listing for agents and its handled state, and pages of
//! foreign origins.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use livedesk_protocol::widget::OfflineMessage;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::messaging::{agent, visitor};
use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{TestApp, TestNode, create_site};

pub async fn post_as_visitor(
    node: &TestNode,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = http().post(node.url(path)).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn offline_messages(node: &TestNode, access_token: &str) -> Vec<OfflineMessage> {
    let response = http()
        .get(node.url("/api/v1/site/offline-messages"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn stored_offline_messages(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM offline_messages")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_offline_message_reaches_the_sites_agents_only() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;

    let (status, body) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/offline-messages",
        Some(&session.visitor_token),
        &json!({"name": " Ayşe Yılmaz ", "email": "ayse@example.com", "phone": "+90 555 123 4567",
                "message": "Do you ship to Izmir?", "page_url": "https://shop.example.com/shoes"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let listed = offline_messages(&app.node, &access).await;
    assert_eq!(listed.len(), 1);
    let m = &listed[0];
    assert_eq!(
        (
            m.visitor_id,
            m.name.as_str(),
            m.email.as_str(),
            m.phone.as_deref(),
            m.message.as_str(),
            m.page_url.as_deref()
        ),
        (
            session.visitor_id,
            "Ayşe Yılmaz",
            "ayse@example.com",
            Some("+90 555 123 4567"),
            "Do you ship to Izmir?",
            Some("https://shop.example.com/shoes")
        )
    );
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    assert!(
        offline_messages(&app.node, &outsider).await.is_empty(),
        "another site's agents see nothing"
    );
}

#[tokio::test]
async fn bad_offline_messages_get_a_clear_error_and_store_nothing() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let token = Some(session.visitor_token.as_str());
    let good = json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Hello"});
    let too_long = "x".repeat(4001);
    let cases = [
        (
            json!({"name": "Ayşe", "email": "not-an-address", "message": "Hello"}),
            token,
            400,
            "invalid_input",
        ),
        (
            json!({"name": " ", "email": "ayse@example.com", "message": "Hello"}),
            token,
            400,
            "invalid_input",
        ),
        (
            json!({"name": "Ayşe", "email": "ayse@example.com", "message": too_long}),
            token,
            400,
            "invalid_input",
        ),
        (
            json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Hi", "phone": "call me"}),
            token,
            400,
            "invalid_input",
        ),
        (
            json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Hi", "page_url": "javascript:alert(1)"}),
            token,
            400,
            "invalid_input",
        ),
        (
            json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Hi", "admin": true}),
            token,
            400,
            "malformed_frame",
        ),
        (good.clone(), None, 401, "unauthorized"),
        (
            good.clone(),
            Some("forged.token.value"),
            401,
            "unauthorized",
        ),
    ];
    for (body, token, status, code) in cases {
        let (got, answer) =
            post_as_visitor(&app.node, "/api/v1/visitor/offline-messages", token, &body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
        assert!(
            !answer["message"].as_str().unwrap_or_default().is_empty(),
            "the error says what is wrong"
        );
    }
    assert_eq!(stored_offline_messages(&app).await, 0);
}

#[tokio::test]
async fn a_visitor_token_of_another_site_cannot_leave_messages_here_or_list_them() {
    let app = TestApp::spawn().await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let theirs = visitor_session(&app.node, &other).await;
    // The visitor of the other site writes: the message lands on the other site only.
    let (status, _) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/offline-messages",
        Some(&theirs.visitor_token),
        &json!({"name": "Eve", "email": "eve@example.com", "message": "Hi"}),
    )
    .await;
    assert_eq!(status, 201);
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    assert!(offline_messages(&app.node, &access).await.is_empty());
    // A visitor token is no agent's token.
    let response = http()
        .get(app.node.url("/api/v1/site/offline-messages"))
        .bearer_auth(&theirs.visitor_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_visitors_details_are_stored_and_a_bad_field_changes_none_of_them() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let token = Some(session.visitor_token.as_str());
    let stored = || async {
        sqlx::query_as::<_, (Option<String>, Option<String>, Option<String>, Value)>(
            "SELECT name, email, phone, custom_data FROM visitors WHERE id = $1",
        )
        .bind(session.visitor_id.0)
        .fetch_one(&app.db)
        .await
        .unwrap()
    };

    let (status, _) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/profile",
        token,
        &json!({"name": "Ahmet Yılmaz", "email": "ahmet@example.com", "phone": "+905551234567",
                "custom_data": {"membership": "Premium"}}),
    )
    .await;
    assert_eq!(status, 204);
    let expected = (
        Some("Ahmet Yılmaz".to_owned()),
        Some("ahmet@example.com".to_owned()),
        Some("+905551234567".to_owned()),
        json!({"membership": "Premium"}),
    );
    assert_eq!(stored().await, expected);

    // A valid name with a bad e-mail: refused whole.
    let (status, answer) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/profile",
        token,
        &json!({"name": "Somebody Else", "email": "nope"}),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_input"))
    );
    let many: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let (status, _) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/profile",
        token,
        &json!({"custom_data": many}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(stored().await, expected, "nothing changed");

    // Only the given fields change.
    let (status, _) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/profile",
        token,
        &json!({"name": "Ahmet Y."}),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(stored().await.0.as_deref(), Some("Ahmet Y."));
    assert_eq!(stored().await.1.as_deref(), Some("ahmet@example.com"));
}

#[tokio::test]
async fn a_page_of_an_origin_the_site_does_not_allow_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let _desk = agent(&app.node, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    for url in [
        "https://evil.example.com/phish",
        "http://shop.example.com/shoes",
        "https://shop.example.com.evil.io/",
    ] {
        widget
            .send_json(&VisitorFrame::Page {
                url: url.into(),
                title: "Shoes".into(),
            })
            .await;
        let refused = widget
            .recv_until(|frame| match frame {
                ServerFrame::Error { cid, code, message } => Some((cid, code, message)),
                _ => None,
            })
            .await;
        assert_eq!(
            (refused.0, refused.1),
            (None, ErrorCode::InvalidInput),
            "{url}"
        );
        assert!(refused.2.contains("allowed origins"), "{}", refused.2);
    }
    let response = http()
        .get(app.node.url("/api/v1/site/visitors/online"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    let online: Value = response.json().await.unwrap();
    assert!(
        online
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["page"].is_null()),
        "no foreign page is shown to agents: {online}"
    );

    // A page of the allowed origin goes through.
    widget
        .send_json(&VisitorFrame::Page {
            url: "https://shop.example.com/shoes".into(),
            title: "Shoes".into(),
        })
        .await;
    crate::support::eventually("the allowed page to be shown", || async {
        let online: Value = http()
            .get(app.node.url("/api/v1/site/visitors/online"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        online[0]["page"]["url"] == "https://shop.example.com/shoes"
    })
    .await;
}

#[tokio::test]
async fn a_visit_report_fills_the_visitors_record_for_its_sites_agents_only() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let report = |body: Value| {
        let url = app.node.url("/api/v1/visitor/visit");
        let token = session.visitor_token.clone();
        async move {
            let response = http()
                .post(url)
                .bearer_auth(token)
                .header("user-agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
                .json(&body)
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        }
    };
    assert_eq!(
        report(
            json!({"referrer": "https://www.google.com/", "visits": 3, "scroll_depth": 40,
                      "time_zone": "Europe/Istanbul", "language": "tr-TR"})
        )
        .await,
        204
    );
    for bad in [
        json!({"referrer": "javascript:alert(1)"}),
        json!({"scroll_depth": 101}),
        json!({"visits": -1}),
        json!({"fingerprint": "x"}),
        json!({"time_zone": "<img src=x onerror=alert(1)>"}),
        json!({"language": "tr TR"}),
        json!({"time_zone": "UTC", "language": "x".repeat(40)}),
    ] {
        assert_eq!(report(bad.clone()).await, 400, "{bad}");
    }

    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let url = app
        .node
        .url(&format!("/api/v1/site/visitors/{}", session.visitor_id));
    let details: Value = http()
        .get(&url)
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &details["referrer"],
            &details["browser"],
            &details["os"],
            &details["device"],
            &details["visits"],
            &details["scroll_depth"],
            &details["time_zone"],
            &details["language"]
        ),
        (
            &json!("https://www.google.com/"),
            &json!("Safari"),
            &json!("iOS"),
            &json!("mobile"),
            &json!(3),
            &json!(40),
            &json!("Europe/Istanbul"),
            &json!("tr-TR")
        ),
        "{details}"
    );
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    let response = http()
        .get(&url)
        .bearer_auth(&outsider)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "another site's agent");
}

async fn put_handled(node: &TestNode, access_token: &str, id: Uuid, body: &Value) -> (u16, Value) {
    let path = format!("/api/v1/site/offline-messages/{id}/handled");
    let response = http()
        .put(node.url(&path))
        .bearer_auth(access_token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The next `offline_message` frame on an agent's socket.
async fn next_offline_frame(socket: &mut Socket) -> OfflineMessage {
    socket
        .recv_until(|f| match f {
            ServerFrame::OfflineMessage { message } => Some(message),
            _ => None,
        })
        .await
}

fn has_offline_frame(frames: &[ServerFrame]) -> bool {
    frames
        .iter()
        .any(|f| matches!(f, ServerFrame::OfflineMessage { .. }))
}

#[tokio::test]
async fn offline_messages_reach_the_sites_agents_live_as_they_are_left_handled_and_reopened() {
    let app = TestApp::spawn().await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let ali = login(&app.node, &app.site.agent_email).await.access_token;
    let ada = login(&app.node, &app.site.admin_email).await.access_token;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    let mut desk = agent(&app.node, &ali).await;
    let mut their_desk = agent(&app.node, &outsider).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    // A visitor leaves a message: the desk hears of it at once.
    let (status, left) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/offline-messages",
        Some(&session.visitor_token),
        &json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Do you ship to Izmir?"}),
    )
    .await;
    assert_eq!(status, 201, "{left}");
    let left: OfflineMessage = serde_json::from_value(left).unwrap();
    let live = next_offline_frame(&mut desk).await;
    assert_eq!(live, left);
    assert_eq!(live.handled, None, "a new message waits");

    // Ada marks it handled: the answer and Ali's desk say so, with her name.
    let (status, answer) = put_handled(&app.node, &ada, left.id, &json!({"handled": true})).await;
    assert_eq!(status, 200, "{answer}");
    let handled: OfflineMessage = serde_json::from_value(answer).unwrap();
    assert_eq!(
        handled.handled.as_ref().and_then(|h| h.by.as_deref()),
        Some("Ada Admin")
    );
    assert_eq!(next_offline_frame(&mut desk).await, handled);
    // Marking it again keeps who handled it first.
    let (_, again) = put_handled(&app.node, &ali, left.id, &json!({"handled": true})).await;
    assert_eq!(again["handled"]["by"], "Ada Admin", "{again}");
    assert_eq!(next_offline_frame(&mut desk).await, handled);
    assert_eq!(offline_messages(&app.node, &ali).await, [handled]);

    // Another site's agent can neither change it nor hear of it.
    let (status, refused) =
        put_handled(&app.node, &outsider, left.id, &json!({"handled": false})).await;
    assert_eq!((status, refused["code"].as_str()), (404, Some("not_found")));

    // Ali reopens it.
    let (status, answer) = put_handled(&app.node, &ali, left.id, &json!({"handled": false})).await;
    assert_eq!(status, 200, "{answer}");
    let reopened = next_offline_frame(&mut desk).await;
    assert_eq!(reopened.handled, None);
    assert_eq!(offline_messages(&app.node, &ali).await, [reopened]);

    let window = std::time::Duration::from_millis(300);
    assert!(
        !has_offline_frame(&their_desk.frames_within(window).await),
        "another site's agents hear nothing"
    );
    assert!(
        !has_offline_frame(&widget.frames_within(window).await),
        "visitors never hear of offline messages"
    );
}

#[tokio::test]
async fn marking_an_offline_message_handled_refuses_bad_bodies_and_unknown_ids() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let (_, left) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/offline-messages",
        Some(&session.visitor_token),
        &json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Hello"}),
    )
    .await;
    let id: Uuid = serde_json::from_value(left["id"].clone()).unwrap();
    let access = login(&app.node, &app.site.agent_email).await.access_token;

    for body in [
        json!({}),
        json!({"handled": "yes"}),
        json!({"handled": true, "by": "Someone Else"}),
        json!("handled"),
    ] {
        let (status, answer) = put_handled(&app.node, &access, id, &body).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("malformed_frame")),
            "{body}"
        );
    }
    let (status, answer) = put_handled(
        &app.node,
        &access,
        Uuid::new_v4(),
        &json!({"handled": true}),
    )
    .await;
    assert_eq!((status, answer["code"].as_str()), (404, Some("not_found")));
    let (status, _) = put_handled(
        &app.node,
        &session.visitor_token,
        id,
        &json!({"handled": true}),
    )
    .await;
    assert_eq!(status, 401, "a visitor token is no agent's token");
    assert_eq!(
        offline_messages(&app.node, &access).await[0].handled,
        None,
        "nothing changed"
    );
}
