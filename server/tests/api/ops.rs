use livedesk_protocol::api::{DependencyHealth, Health};

use crate::support::TestApp;
use crate::support::client::{Socket, http, login, visitor_session};

#[tokio::test]
async fn health_reports_each_dependency_and_503_when_redis_is_down() {
    let mut app = TestApp::spawn().await;

    let response = http().get(app.node.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let health: Health = response.json().await.unwrap();
    assert_eq!(
        (health.postgres, health.redis),
        (DependencyHealth::Up, DependencyHealth::Up)
    );

    app.redis.stop();
    let response = http().get(app.node.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let health: Health = response.json().await.unwrap();
    assert_eq!(
        (health.postgres, health.redis),
        (DependencyHealth::Up, DependencyHealth::Down)
    );
}

#[tokio::test]
async fn metrics_count_sockets_messages_and_http_latency() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let _agent = login(&app.node, &app.site.agent_email).await;
    let mut visitor = Socket::visitor(&app.node, &session.visitor_token).await;
    visitor.recv().await;

    let text = http()
        .get(app.node.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(
        text.contains("livedesk_open_sockets{role=\"visitor\"}"),
        "{text}"
    );
    assert!(
        text.contains("livedesk_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("route=\"/api/v1/auth/login\""), "{text}");
}
