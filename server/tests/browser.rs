//! The whole path in real headless Chromium: a third-party page on another origin embeds
//! the widget with its one script tag, a visitor says hello, an agent logged into the
//! dashboard in a second browser answers, and the visitor sees the answer, also after a
//! reload.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};

use support::browser::{
    Driver, click_when_shown, host_page_port, messages_by, open_widget, serve_host_page,
    sign_in_dashboard, until, widget_frame,
};
use support::chat::ChatClient;
use support::client::{http, visitor_session};
use support::nginx::Nginx;
use support::process_node::ProcessNode;
use support::{TestApp, create_site};

#[tokio::test]
async fn a_visitor_on_a_third_party_page_chats_with_an_agent_in_the_dashboard() {
    let app = TestApp::spawn().await;
    let livedesk = app.node.origin();
    let (listener, host_origin) = host_page_port().await;
    let site = create_site(&app.db, "Acme Shoes Web", &host_origin).await;
    serve_host_page(listener, &livedesk, &site.key);
    assert_ne!(
        host_origin, livedesk,
        "the page and Livedesk are different origins"
    );
    let driver = Driver::start();
    let (visitor, _visitor_profile) = driver.browser().await;
    let (agent, _agent_profile) = driver.browser().await;

    // The visitor opens the widget on the shop's page and says hello.
    visitor.goto(&format!("{host_origin}/")).await.unwrap();
    open_widget(&visitor).await;
    let composer = visitor
        .find(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    composer.send_keys("hello").await.unwrap();
    visitor
        .find(Locator::Css("[data-ld=send]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(&visitor, "the visitor's message to be stored", || async {
        visitor
            .find(Locator::Css(
                "[data-ld=message][data-author=visitor][data-seq='1']",
            ))
            .await
            .is_ok()
    })
    .await;

    // The agent logs into the dashboard and sees the conversation.
    sign_in_dashboard(&agent, &livedesk, &site.agent_email).await;
    click_when_shown(&agent, "[data-ld=conversation]").await;
    until(&agent, "the visitor's hello in the dashboard", || async {
        messages_by(&agent, "visitor")
            .await
            .iter()
            .any(|t| t.contains("hello"))
    })
    .await;

    // The agent answers; the visitor sees it live.
    let reply = "Hi! How can I help you today?";
    reply_in_dashboard(&agent, reply).await;
    until(&visitor, "the agent's answer in the widget", || async {
        messages_by(&visitor, "agent")
            .await
            .iter()
            .any(|t| t.contains(reply))
    })
    .await;

    // After a reload the transcript is still there.
    visitor.goto(&format!("{host_origin}/")).await.unwrap();
    visitor.enter_parent_frame().await.ok();
    open_widget(&visitor).await;
    until(&visitor, "the transcript after a reload", || async {
        messages_by(&visitor, "visitor")
            .await
            .iter()
            .any(|t| t.contains("hello"))
            && messages_by(&visitor, "agent")
                .await
                .iter()
                .any(|t| t.contains(reply))
    })
    .await;

    visitor.close().await.ok();
    agent.close().await.ok();
}

/// Types `text` into the open conversation's composer and sends it.
async fn reply_in_dashboard(agent: &Client, text: &str) {
    agent
        .find(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
    agent
        .find(Locator::Css("[data-ld=send]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_page_of_an_origin_not_allowed_gets_no_widget_frame() {
    let app = TestApp::spawn().await;
    // The site allows https://shop.example.com only; this page is on another origin.
    let (listener, host_origin) = host_page_port().await;
    serve_host_page(listener, &app.node.origin(), &app.site.key);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;

    visitor.goto(&format!("{host_origin}/")).await.unwrap();
    let root = visitor
        .wait()
        .for_element(Locator::Css("#livedesk-root"))
        .await
        .unwrap();
    let shadow = root.shadow_root().await.unwrap();
    shadow
        .find(Locator::Css(".ld-launcher"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let iframe = widget_frame(&shadow).await;
    // The browser refuses to render the frame (frame-ancestors): its document stays empty
    // of the widget, and no visitor is ever created.
    tokio::time::sleep(Duration::from_secs(2)).await;
    iframe.enter_frame().await.unwrap();
    assert!(
        visitor
            .find(Locator::Css("[data-ld=composer]"))
            .await
            .is_err(),
        "the widget must not render on a foreign origin"
    );
    let visitors: i64 = sqlx::query_scalar("SELECT count(*) FROM visitors")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(visitors, 0);
    visitor.close().await.ok();
}

/// How many agent sockets the node at `addr` holds, from its metrics.
async fn agent_sockets(addr: std::net::SocketAddr) -> u64 {
    let text = http()
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("livedesk_open_sockets{role=\"agent\"} "))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .map_or(0, |n| n as u64)
}

#[tokio::test]
async fn the_dashboard_behind_nginx_outlives_a_crash_of_its_node_and_misses_nothing() {
    let app = TestApp::spawn().await;
    let crashing = ProcessNode::start(&app.settings);
    let proxy = Nginx::start(&[app.node.addr, crashing.addr]);
    let base = proxy.url();
    let driver = Driver::start();
    let (desk, _profile) = driver.browser().await;

    // The agent signs in through nginx; reloads until the dashboard's socket is on the node
    // that will crash (nginx takes turns between the nodes).
    sign_in_dashboard(&desk, &base, &app.site.agent_email).await;
    let mut on_crashing = false;
    for _ in 0..10 {
        until(&desk, "the dashboard's socket on a node", || async {
            app.node.state.sockets.len() + agent_sockets(crashing.addr).await as usize == 1
        })
        .await;
        if agent_sockets(crashing.addr).await == 1 {
            on_crashing = true;
            break;
        }
        desk.refresh().await.unwrap();
        until(&desk, "the old socket to close", || async {
            app.node.state.sockets.is_empty()
        })
        .await;
    }
    assert!(
        on_crashing,
        "nginx never sent the dashboard to the other node"
    );

    // A visitor on the surviving node says hello; the agent opens the conversation.
    let survivor = app.node.origin();
    let session = visitor_session(&app.node, &app.site).await;
    let mut visitor = ChatClient::visitor(&session);
    visitor.connect(&survivor).await.unwrap();
    visitor.send("hello from the shop").await;
    click_when_shown(&desk, "[data-ld=conversation]").await;
    until(&desk, "the hello in the dashboard", || async {
        messages_by(&desk, "visitor").await.len() == 1
    })
    .await;

    // The dashboard's node dies; the visitor writes meanwhile.
    crashing.kill();
    visitor.send("are you still there?").await;
    visitor
        .pump_until(&survivor, Duration::from_secs(10), |c| {
            c.unacknowledged() == 0
        })
        .await;

    // The dashboard reconnects through nginx to the survivor and shows what it missed, once.
    until(
        &desk,
        "the message sent while the node was down",
        || async {
            let seen = messages_by(&desk, "visitor").await;
            seen.len() == 2 && seen[1].contains("are you still there?")
        },
    )
    .await;
    let reply = "Yes, sorry, I was cut off";
    reply_in_dashboard(&desk, reply).await;
    visitor
        .pump_until(&survivor, Duration::from_secs(20), |c| {
            c.transcript.messages().iter().any(|m| m.body == reply)
        })
        .await;
    assert_eq!(
        visitor.transcript.seqs(),
        vec![1, 2, 3],
        "the visitor's transcript is whole, nothing doubled"
    );
    assert_eq!(messages_by(&desk, "visitor").await.len(), 2);
    desk.close().await.ok();
}
