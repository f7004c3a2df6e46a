//! The rest of the admin console over REST: canned responses, the tag list, the widget's
//! settings and origins, the status preview, and the superadmin's sites.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::admin::{CannedResponse, SiteSettings, SiteSummary, SiteTag};
use livedesk_protocol::routing::Tag;
use livedesk_protocol::status::SiteStatus;
use reqwest::Method;
use serde_json::json;

use crate::admin_agents::{call, code};
use crate::assignment::assigned_to;
use crate::messaging::{agent, send_as_visitor, visitor};
use crate::support::client::{http, login, visitor_session};
use crate::support::{PASSWORD, TestApp, create_site, create_superadmin};
use crate::widget_forms::post_as_visitor;

#[tokio::test]
async fn admins_write_canned_responses_and_every_agent_reads_them() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let path = "/api/v1/site/canned-responses";

    let (status, answer) = call(
        &app.node,
        &ali.access_token,
        Method::POST,
        path,
        json!({"shortcut": "/x", "body": "y"}),
    )
    .await;
    assert_eq!((status, code(&answer)), (403, ErrorCode::Forbidden));
    let (status, created) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        path,
        json!({"shortcut": "/Thanks", "body": "Thank you for waiting!"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let created: CannedResponse = serde_json::from_value(created).unwrap();
    assert_eq!(created.shortcut, "/thanks");

    let (status, listed) = call(&app.node, &ali.access_token, Method::GET, path, json!(null)).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_value::<Vec<CannedResponse>>(listed).unwrap(),
        vec![created.clone()]
    );

    for (body, expected) in [
        (
            json!({"shortcut": "/thanks", "body": "again"}),
            (409, ErrorCode::Conflict),
        ),
        (
            json!({"shortcut": "/two words", "body": "x"}),
            (400, ErrorCode::InvalidInput),
        ),
        (
            json!({"shortcut": "/ok", "body": "   "}),
            (400, ErrorCode::InvalidInput),
        ),
        (json!({"shortcut": "/ok"}), (400, ErrorCode::MalformedFrame)),
    ] {
        let (status, answer) = call(
            &app.node,
            &admin.access_token,
            Method::POST,
            path,
            body.clone(),
        )
        .await;
        assert_eq!((status, code(&answer)), expected, "{body}");
    }
    let one = format!("{path}/{}", created.id);
    let (status, changed) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        &one,
        json!({"shortcut": "/ty", "body": "Thanks!"}),
    )
    .await;
    assert_eq!((status, changed["shortcut"].as_str()), (200, Some("/ty")));

    // Another site sees none of it and reaches none of it.
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let intruder = login(&app.node, &other.admin_email).await;
    let (_, listed) = call(
        &app.node,
        &intruder.access_token,
        Method::GET,
        path,
        json!(null),
    )
    .await;
    assert_eq!(listed, json!([]));
    let (status, _) = call(
        &app.node,
        &intruder.access_token,
        Method::PUT,
        &one,
        json!({"shortcut": "/mine", "body": "x"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app.node,
        &intruder.access_token,
        Method::DELETE,
        &one,
        json!(null),
    )
    .await;
    assert_eq!(status, 404);

    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::DELETE,
        &one,
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    let (_, listed) = call(&app.node, &ali.access_token, Method::GET, path, json!(null)).await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn the_tag_list_counts_the_conversations_that_carry_each_tag() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut guest = visitor(&app.node, &session.visitor_token).await;
    let message = send_as_visitor(&mut guest, "my invoice is wrong").await;
    livedesk_server::chat::tags::add(
        &app.db,
        app.site.id,
        message.conversation_id,
        &Tag::parse("billing").unwrap(),
    )
    .await
    .unwrap();
    let path = "/api/v1/site/tags";

    let (status, _) = call(
        &app.node,
        &ali.access_token,
        Method::POST,
        path,
        json!({"name": "billing"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, created) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        path,
        json!({"name": " Billing ", "color": "#0F766E"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::POST,
        path,
        json!({"name": "Bug report"}),
    )
    .await;
    assert_eq!(status, 201);
    for (body, expected) in [
        (json!({"name": "billing"}), 409),
        (json!({"name": "a/b"}), 400),
        (json!({"name": "ok", "color": "red"}), 400),
    ] {
        let (status, _) = call(
            &app.node,
            &admin.access_token,
            Method::POST,
            path,
            body.clone(),
        )
        .await;
        assert_eq!(status, expected, "{body}");
    }

    let (status, listed) = call(&app.node, &ali.access_token, Method::GET, path, json!(null)).await;
    assert_eq!(status, 200);
    let listed: Vec<SiteTag> = serde_json::from_value(listed).unwrap();
    let counts: Vec<_> = listed
        .iter()
        .map(|t| (t.name.as_str(), t.color.as_deref(), t.conversations))
        .collect();
    assert_eq!(
        counts,
        vec![("billing", Some("#0f766e"), 1), ("bug report", None, 0)]
    );

    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let intruder = login(&app.node, &other.admin_email).await;
    let one = format!("{path}/{}", listed[0].id);
    let (status, _) = call(
        &app.node,
        &intruder.access_token,
        Method::DELETE,
        &one,
        json!(null),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::DELETE,
        &one,
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn widget_settings_and_origins_are_stored_checked_and_followed_by_the_frame() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let chosen = json!({"primaryColor": "#0F766E", "position": "left", "welcomeMessage": "Merhaba!",
                        "preChat": {"enabled": true, "fields": ["name", "email"], "required": ["email"]}});

    for (method, path, body) in [
        (Method::GET, "/api/v1/site", json!(null)),
        (Method::PUT, "/api/v1/site/widget", chosen.clone()),
        (
            Method::PUT,
            "/api/v1/site/allowed-origins",
            json!({"origins": []}),
        ),
        (Method::GET, "/api/v1/site/status", json!(null)),
    ] {
        let (status, answer) = call(&app.node, &ali.access_token, method, path, body).await;
        assert_eq!(
            (status, code(&answer)),
            (403, ErrorCode::Forbidden),
            "{path}"
        );
    }

    let (status, saved) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        "/api/v1/site/widget",
        chosen,
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    for bad in [
        json!({"primaryColor": "blue"}),
        json!({"position": "top"}),
        json!({"unknownOption": 1}),
        json!({"preChat": {"enabled": true, "fields": ["name"], "required": ["phone"]}}),
    ] {
        let (status, _) = call(
            &app.node,
            &admin.access_token,
            Method::PUT,
            "/api/v1/site/widget",
            bad.clone(),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }
    let (status, origins) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        "/api/v1/site/allowed-origins",
        json!({"origins": ["https://Shop.example.com:443", "https://new.example.com", ""]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        origins["origins"],
        json!(["https://shop.example.com", "https://new.example.com"])
    );
    let (status, answer) = call(
        &app.node,
        &admin.access_token,
        Method::PUT,
        "/api/v1/site/allowed-origins",
        json!({"origins": ["https://ok.example.com", "shop.example.com/path"]}),
    )
    .await;
    assert_eq!((status, code(&answer)), (400, ErrorCode::InvalidInput));
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("shop.example.com/path"),
        "{answer}"
    );

    let (status, site) = call(
        &app.node,
        &admin.access_token,
        Method::GET,
        "/api/v1/site",
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    let site: SiteSettings = serde_json::from_value(site).unwrap();
    assert_eq!(site.site_key, app.site.key);
    assert_eq!(
        site.allowed_origins,
        vec!["https://shop.example.com", "https://new.example.com"],
        "the bad list changed nothing"
    );
    assert_eq!(
        site.widget.primary_color.as_deref(),
        Some("#0f766e"),
        "the bad settings changed nothing"
    );
    assert!(
        site.widget
            .snippet("https://chat.example.com", &site.site_key)
            .contains(r##"data-config='{"primaryColor":"#0f766e""##)
    );

    // The frame follows the new list.
    let frame = http()
        .get(
            app.node
                .url(&format!("/widget/frame?site_key={}", app.site.key)),
        )
        .send()
        .await
        .unwrap();
    let csp = frame.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors https://shop.example.com https://new.example.com"),
        "{csp}"
    );

    let (status, now) = call(
        &app.node,
        &admin.access_token,
        Method::GET,
        "/api/v1/site/status",
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    serde_json::from_value::<SiteStatus>(now).unwrap();
}

#[tokio::test]
async fn superadmins_create_suspend_and_staff_sites_and_admins_may_not() {
    let app = TestApp::spawn().await;
    create_superadmin(&app.db, "root@example.com").await;
    let root = login(&app.node, "root@example.com").await;
    let admin = login(&app.node, &app.site.admin_email).await;

    for (method, path, body) in [
        (Method::GET, "/api/v1/sites".to_owned(), json!(null)),
        (
            Method::POST,
            "/api/v1/sites".to_owned(),
            json!({"name": "Mine", "allowed_origins": []}),
        ),
        (
            Method::PUT,
            format!("/api/v1/sites/{}/suspended", app.site.id),
            json!({"suspended": true}),
        ),
        (
            Method::POST,
            format!("/api/v1/sites/{}/agents", app.site.id),
            json!({"email": "x@example.com", "name": "X", "role": "admin", "password": PASSWORD}),
        ),
    ] {
        let (status, answer) = call(&app.node, &admin.access_token, method, &path, body).await;
        assert_eq!(
            (status, code(&answer)),
            (403, ErrorCode::Forbidden),
            "{path}"
        );
    }

    let (status, answer) = call(
        &app.node,
        &root.access_token,
        Method::POST,
        "/api/v1/sites",
        json!({"name": "Bad", "allowed_origins": ["nope"]}),
    )
    .await;
    assert_eq!((status, code(&answer)), (400, ErrorCode::InvalidInput));
    let (status, created) = call(
        &app.node,
        &root.access_token,
        Method::POST,
        "/api/v1/sites",
        json!({"name": "Kahve Evi", "allowed_origins": ["https://kahve.example.com"]}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let created: SiteSummary = serde_json::from_value(created).unwrap();
    assert_eq!(created.site_key.len(), 24);
    let (status, _) = call(&app.node, &root.access_token, Method::POST, &format!("/api/v1/sites/{}/agents", created.id),
        json!({"email": "owner@kahve.example.com", "name": "Owner", "role": "admin", "password": PASSWORD})).await;
    assert_eq!(status, 201);
    let owner = login(&app.node, "owner@kahve.example.com").await;
    let (status, _) = call(
        &app.node,
        &owner.access_token,
        Method::GET,
        "/api/v1/site",
        json!(null),
    )
    .await;
    assert_eq!(status, 200, "the new site's first admin opens its console");

    let (status, listed) = call(
        &app.node,
        &root.access_token,
        Method::GET,
        "/api/v1/sites",
        json!(null),
    )
    .await;
    assert_eq!(status, 200);
    let listed: Vec<SiteSummary> = serde_json::from_value(listed).unwrap();
    assert_eq!(
        listed.len(),
        2,
        "no half-made site from the refused request"
    );
    let acme = listed.iter().find(|s| s.id == app.site.id).unwrap();
    assert_eq!((acme.agents, acme.open_conversations), (2, 0));

    // Suspended: the widget is refused with a clear reason and the site's admins are out.
    let (status, changed) = call(
        &app.node,
        &root.access_token,
        Method::PUT,
        &format!("/api/v1/sites/{}/suspended", app.site.id),
        json!({"suspended": true}),
    )
    .await;
    assert_eq!((status, changed["suspended"].as_bool()), (200, Some(true)));
    let frame = http()
        .get(
            app.node
                .url(&format!("/widget/frame?site_key={}", app.site.key)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(frame.status(), 403);
    assert!(frame.text().await.unwrap().contains("suspended"));
    let session = http()
        .post(app.node.url("/api/v1/visitor/session"))
        .header("Origin", &app.site.origin)
        .json(&json!({"site_key": app.site.key}))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 404);
    let (status, _) = call(
        &app.node,
        &admin.access_token,
        Method::GET,
        "/api/v1/site/agents",
        json!(null),
    )
    .await;
    assert_eq!(status, 401);
    // The admin's session cannot be renewed, and the refusal says why (the dashboard shows
    // it on its sign-in page).
    let refreshed = http()
        .post(app.node.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": admin.refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 401);
    let refusal: serde_json::Value = refreshed.json().await.unwrap();
    assert_eq!(
        refusal["message"],
        "this account is deactivated or its site is suspended"
    );
    let (status, _) = call(
        &app.node,
        &root.access_token,
        Method::PUT,
        &format!("/api/v1/sites/{}/suspended", app.site.id),
        json!({"suspended": false}),
    )
    .await;
    assert_eq!(status, 200);
    visitor_session(&app.node, &app.site).await;

    let (status, _) = call(
        &app.node,
        &root.access_token,
        Method::PUT,
        &format!("/api/v1/sites/{}/suspended", uuid::Uuid::new_v4()),
        json!({"suspended": true}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_cross_site_view_counts_each_sites_online_agents_waiting_chats_and_offline_messages() {
    let app = TestApp::spawn().await;
    create_superadmin(&app.db, "root@example.com").await;
    let root = login(&app.node, "root@example.com").await;

    // Acme: nobody online, one visitor waiting, one offline message.
    let session = visitor_session(&app.node, &app.site).await;
    let mut waiting = visitor(&app.node, &session.visitor_token).await;
    send_as_visitor(&mut waiting, "anyone there?").await;
    let (status, body) = post_as_visitor(
        &app.node,
        "/api/v1/visitor/offline-messages",
        Some(&session.visitor_token),
        &json!({"name": "Ayşe", "email": "ayse@example.com", "message": "Call me back"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // Kahve Evi: its agent online, with one chat.
    let kahve = create_site(&app.db, "Kahve Evi", "https://kahve.example.com").await;
    let barista = login(&app.node, &kahve.agent_email).await;
    let _barista_desk = agent(&app.node, &barista.access_token).await;
    let guest = visitor_session(&app.node, &kahve).await;
    let mut guest = visitor(&app.node, &guest.visitor_token).await;
    let chat = send_as_visitor(&mut guest, "a table for two?").await;
    assigned_to(&mut guest, chat.conversation_id).await;

    let (status, listed) = call(
        &app.node,
        &root.access_token,
        Method::GET,
        "/api/v1/sites",
        json!(null),
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    let listed: Vec<SiteSummary> = serde_json::from_value(listed).unwrap();
    let figures = |id| {
        let s = listed.iter().find(|s| s.id == id).unwrap();
        (
            s.agents,
            s.agents_online,
            s.open_conversations,
            s.waiting,
            s.conversations_24h,
            s.offline_messages_24h,
        )
    };
    assert_eq!(figures(app.site.id), (2, 0, 1, 1, 1, 1));
    assert_eq!(figures(kahve.id), (2, 1, 1, 0, 1, 0));

    // No site's admin or agent sees it.
    let acme_admin = login(&app.node, &app.site.admin_email).await;
    for token in [&barista.access_token, &acme_admin.access_token] {
        let (status, answer) =
            call(&app.node, token, Method::GET, "/api/v1/sites", json!(null)).await;
        assert_eq!((status, code(&answer)), (403, ErrorCode::Forbidden));
    }
}
