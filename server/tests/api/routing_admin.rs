//! The routing settings of the admin console over REST: only admins change them, every
//! value is checked, and nothing of another site can be reached.

use livedesk_protocol::ids::{DepartmentId, VisitorId};
use livedesk_protocol::routing::{
    AgentRouting, Department, DepartmentInput, RoutingConfig, SiteAgent, Strategy, VipMark,
};
use livedesk_protocol::{ApiError, ErrorCode};
use reqwest::Method;
use serde_json::json;

use crate::assignment::assigned_to;
use crate::messaging::{agent, send_as_visitor, visitor};
use crate::support::client::{http, login, visitor_session};
use crate::support::{TestApp, TestNode, create_site};

/// Sends `body` with the token; returns the status and the JSON answer (if any).
async fn call(
    node: &TestNode,
    token: &str,
    method: Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = http()
        .request(method, node.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

fn code(answer: &serde_json::Value) -> ErrorCode {
    serde_json::from_value::<ApiError>(answer.clone())
        .unwrap_or_else(|_| panic!("an error body, got {answer}"))
        .code
}

fn routing(max_chats: u32) -> AgentRouting {
    AgentRouting {
        department_id: None,
        skills: vec!["Teknik Destek".into()],
        languages: vec!["tr".into(), "EN".into()],
        max_chats,
        priority_level: 3,
        accepts_calls: true,
    }
}

#[tokio::test]
async fn an_admin_sets_the_sites_routing_and_an_agent_may_not() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let chosen = RoutingConfig {
        strategy: Strategy::SkillBased,
        auto_assign: false,
        reconnect_grace_secs: 120,
        queue_timeout_secs: 600,
    };
    let body = serde_json::to_value(chosen).unwrap();

    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        "/api/v1/site/routing",
        body.clone(),
    )
    .await;
    assert_eq!(status, 403, "agents may not change routing");
    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::GET,
        "/api/v1/site/routing",
        json!(null),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        "/api/v1/site/routing",
        body,
    )
    .await;
    assert_eq!(status, 200);
    let (status, stored) = call(
        &app.node,
        &admin.access_token,
        Method::GET,
        "/api/v1/site/routing",
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_value::<RoutingConfig>(stored).unwrap(),
        chosen
    );

    for bad in [
        json!({"strategy": "fastest", "auto_assign": true, "reconnect_grace_secs": 60, "queue_timeout_secs": 300}),
        json!({"strategy": "least_busy", "auto_assign": true, "reconnect_grace_secs": 3601, "queue_timeout_secs": 300}),
        json!({"strategy": "least_busy", "auto_assign": true, "reconnect_grace_secs": 60, "queue_timeout_secs": 5}),
        json!({"strategy": "least_busy", "auto_assign": true, "reconnect_grace_secs": 60, "queue_timeout_secs": 300, "extra": 1}),
    ] {
        let (status, answer) = call(
            &app.node,
            &admin.access_token,
            Method::PUT,
            "/api/v1/site/routing",
            bad.clone(),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            matches!(
                code(&answer),
                ErrorCode::InvalidInput | ErrorCode::MalformedFrame
            ),
            "{bad}"
        );
    }
    let (_, unchanged) = call(
        &app.node,
        &admin.access_token,
        Method::GET,
        "/api/v1/site/routing",
        json!(null),
    )
    .await;
    assert_eq!(
        serde_json::from_value::<RoutingConfig>(unchanged).unwrap(),
        chosen,
        "refusals change nothing"
    );
}

#[tokio::test]
async fn admins_manage_departments_agents_list_them_and_other_sites_see_none() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let other_admin = login(&app.node, &other.admin_email).await;
    let sales = DepartmentInput {
        name: "  Satış ".into(),
        urgent: true,
        strategy: Some(Strategy::RoundRobin),
    };
    let sales = serde_json::to_value(sales).unwrap();

    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::POST,
        "/api/v1/site/departments",
        sales.clone(),
    )
    .await;
    assert_eq!(status, 403, "agents may not create departments");
    let (status, created) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        "/api/v1/site/departments",
        sales.clone(),
    )
    .await;
    assert_eq!(status, 201);
    let created: Department = serde_json::from_value(created).unwrap();
    assert_eq!(
        (created.name.as_str(), created.urgent, created.strategy),
        ("Satış", true, Some(Strategy::RoundRobin))
    );
    let (status, answer) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        "/api/v1/site/departments",
        json!({"name": "satış"}),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (409, ErrorCode::Conflict),
        "names are unique per site"
    );
    let (status, answer) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        "/api/v1/site/departments",
        json!({"name": " "}),
    )
    .await;
    assert_eq!((status, code(&answer)), (400, ErrorCode::InvalidInput));

    let (status, listed) = call(
        &app.node,
        &ali.access_token,
        Method::GET,
        "/api/v1/site/departments",
        json!(null),
    )
    .await;
    assert_eq!(status, 200, "agents list departments, to transfer to them");
    assert_eq!(
        serde_json::from_value::<Vec<Department>>(listed).unwrap(),
        vec![created.clone()]
    );
    let (_, theirs) = call(
        &app.node,
        &other_admin.access_token,
        Method::GET,
        "/api/v1/site/departments",
        json!(null),
    )
    .await;
    assert_eq!(theirs, json!([]), "another site sees none of them");

    let path = format!("/api/v1/site/departments/{}", created.id);
    let rename = json!({"name": "Sales", "urgent": false});
    let (status, _) = call(
        &app.node,
        &other_admin.access_token,
        Method::PUT,
        &path,
        rename.clone(),
    )
    .await;
    assert_eq!(status, 404, "another site's admin cannot reach it");
    let (status, _) = call(
        &app.node,
        &other_admin.access_token,
        Method::DELETE,
        &path,
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
    let (status, renamed) = call(&app.node, &admin.access_token, Method::PUT, &path, rename).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_value::<Department>(renamed)
            .unwrap()
            .strategy,
        None
    );
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::DELETE,
        &path,
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::DELETE,
        &path,
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_admin_sets_an_agents_routing_profile_within_limits() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let other_admin = login(&app.node, &other.admin_email).await;
    let (_, created) = call(
        &app.node,
        &other_admin.access_token,
        Method::POST,
        "/api/v1/site/departments",
        json!({"name": "Theirs"}),
    )
    .await;
    let theirs: Department = serde_json::from_value(created).unwrap();
    let path = format!("/api/v1/site/agents/{}/routing", ali.agent.id);

    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &path,
        serde_json::to_value(routing(9)).unwrap(),
    )
    .await;
    assert_eq!(status, 403, "agents may not set their own capacity");
    let (status, _) = call(
        &app.node,
        &other_admin.access_token,
        Method::PUT,
        &path,
        serde_json::to_value(routing(9)).unwrap(),
    )
    .await;
    assert_eq!(status, 404, "another site's admin cannot reach Ali");
    let bad = [
        AgentRouting {
            max_chats: 0,
            ..routing(1)
        },
        AgentRouting {
            max_chats: 101,
            ..routing(1)
        },
        AgentRouting {
            priority_level: 11,
            ..routing(1)
        },
        AgentRouting {
            languages: vec![],
            ..routing(1)
        },
        AgentRouting {
            languages: vec!["english".into()],
            ..routing(1)
        },
        AgentRouting {
            skills: vec!["".into()],
            ..routing(1)
        },
        AgentRouting {
            department_id: Some(theirs.id),
            ..routing(1)
        },
        AgentRouting {
            department_id: Some(DepartmentId::new_random()),
            ..routing(1)
        },
    ];
    for profile in bad {
        let (status, answer) = call(
            &app.node,
            &admin.access_token,
            Method::PUT,
            &path,
            serde_json::to_value(&profile).unwrap(),
        )
        .await;
        assert_eq!(
            (status, code(&answer)),
            (400, ErrorCode::InvalidInput),
            "{profile:?}"
        );
    }
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &path,
        serde_json::to_value(routing(9)).unwrap(),
    )
    .await;
    assert_eq!(status, 200);

    let (_, listed) = call(
        &app.node,
        &ali.access_token,
        Method::GET,
        "/api/v1/site/agents",
        json!(null),
    )
    .await;
    let listed: Vec<SiteAgent> = serde_json::from_value(listed).unwrap();
    let me = listed.iter().find(|a| a.id == ali.agent.id).unwrap();
    assert_eq!(me.routing.max_chats, 9);
    assert_eq!(me.routing.languages, ["tr", "en"], "codes are lower-cased");
    assert_eq!(listed.len(), 2, "only this site's accounts");
}

#[tokio::test]
async fn raising_a_full_agents_capacity_gives_them_a_waiting_visitor_at_once() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let path = format!("/api/v1/site/agents/{}/routing", ali.agent.id);
    call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &path,
        serde_json::to_value(routing(1)).unwrap(),
    )
    .await;
    let _desk = agent(&app.node, &ali.access_token).await;
    let first = visitor_session(&app.node, &app.site).await;
    let mut first = visitor(&app.node, &first.visitor_token).await;
    let one = send_as_visitor(&mut first, "first").await;
    assert_eq!(
        assigned_to(&mut first, one.conversation_id).await,
        ali.agent.id
    );
    let second = visitor_session(&app.node, &app.site).await;
    let mut second = visitor(&app.node, &second.visitor_token).await;
    let two = send_as_visitor(&mut second, "second").await;

    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &path,
        serde_json::to_value(routing(2)).unwrap(),
    )
    .await;
    assert_eq!(status, 200);

    assert_eq!(
        assigned_to(&mut second, two.conversation_id).await,
        ali.agent.id
    );
}

#[tokio::test]
async fn agents_mark_vip_visitors_of_their_own_site_only() {
    let app = TestApp::spawn().await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let theirs = visitor_session(&app.node, &other).await;
    let ours = visitor_session(&app.node, &app.site).await;
    let mark = serde_json::to_value(VipMark { vip: true }).unwrap();

    let path = |visitor: VisitorId| format!("/api/v1/site/visitors/{visitor}/vip");
    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &path(ours.visitor_id),
        mark.clone(),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::PUT,
        &path(theirs.visitor_id),
        mark,
    )
    .await;
    assert_eq!(status, 404);

    let vips: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM visitors WHERE vip")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(vips, vec![ours.visitor_id.0]);
}
