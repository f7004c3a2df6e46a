use livedesk_protocol::ErrorCode;
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use livedesk_protocol::ids::VisitorId;
use livedesk_protocol::visitors::{
    MAX_PAGE_TITLE_CHARS, VisitorActivity, VisitorPresence, VisitorStatus,
};
use livedesk_server::realtime::frame_budget::BURST;
use time::OffsetDateTime;

use crate::messaging::{agent, visitor};
use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{TestApp, TestNode, create_site, eventually};

/// The next presence of `who` an agent's socket hears.
async fn presence_of(desk: &mut Socket, who: VisitorId) -> VisitorPresence {
    next_presence(desk, |presence| presence.visitor_id == who).await
}

/// The next visitor presence an agent's socket hears that `wanted` accepts.
async fn next_presence(
    desk: &mut Socket,
    wanted: impl Fn(&VisitorPresence) -> bool,
) -> VisitorPresence {
    desk.recv_until(|frame| match frame {
        ServerFrame::VisitorPresence { visitors } => visitors.into_iter().find(|p| wanted(p)),
        _ => None,
    })
    .await
}

/// The visitors online, as the dashboard's live visitors view loads them.
async fn online(node: &TestNode, access_token: &str) -> Vec<VisitorPresence> {
    let response = http()
        .get(node.url("/api/v1/site/visitors/online"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn show(widget: &mut Socket, url: &str, title: &str) {
    widget
        .send_json(&VisitorFrame::Page {
            url: url.into(),
            title: title.into(),
        })
        .await;
}

/// What the live visitors view shows of a presence (`last_seen` moves with heartbeats).
fn shown(presence: &VisitorPresence) -> (VisitorId, VisitorStatus, Option<(&str, &str)>) {
    (presence.visitor_id, presence.status, page_of(presence))
}

fn page_of(presence: &VisitorPresence) -> Option<(&str, &str)> {
    presence
        .page
        .as_ref()
        .map(|p| (p.url.as_str(), p.title.as_str()))
}

#[tokio::test]
async fn an_agent_on_another_node_follows_a_visitor_from_page_to_page_until_they_leave() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let access = login(&second, &app.site.agent_email).await.access_token;
    let mut desk = agent(&second, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let before = OffsetDateTime::now_utc().replace_millisecond(0).unwrap();

    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let arrived = presence_of(&mut desk, session.visitor_id).await;
    assert_eq!(
        (arrived.status, arrived.page),
        (VisitorStatus::Active, None)
    );

    show(
        &mut widget,
        "https://shop.example.com/shoes",
        "  Running shoes ",
    )
    .await;
    let on_shoes = presence_of(&mut desk, session.visitor_id).await;
    assert_eq!(
        page_of(&on_shoes),
        Some(("https://shop.example.com/shoes", "Running shoes"))
    );
    let since = on_shoes.page.as_ref().unwrap().since;
    assert!(since >= before, "time on page starts now: {since}");
    let listed = online(&second, &access).await;
    assert_eq!(
        listed.iter().map(shown).collect::<Vec<_>>(),
        vec![shown(&on_shoes)]
    );

    show(&mut widget, "https://shop.example.com/cart", "Your cart").await;
    let in_cart = presence_of(&mut desk, session.visitor_id).await;
    assert_eq!(
        page_of(&in_cart),
        Some(("https://shop.example.com/cart", "Your cart"))
    );
    assert!(in_cart.page.as_ref().unwrap().since >= since);

    widget
        .send_json(&VisitorFrame::Activity {
            status: VisitorActivity::Idle,
        })
        .await;
    let idle = presence_of(&mut desk, session.visitor_id).await;
    assert_eq!(idle.status, VisitorStatus::Idle);
    assert_eq!(idle.page, in_cart.page, "idle on the same page");

    widget.close().await;
    let gone = next_presence(&mut desk, |presence| {
        presence.visitor_id == session.visitor_id && presence.status == VisitorStatus::Offline
    })
    .await;
    assert_eq!(
        gone.page, in_cart.page,
        "the last page is kept for the agent"
    );
    assert_eq!(online(&second, &access).await, vec![]);
}

#[tokio::test]
async fn a_visitor_with_two_tabs_shows_the_latest_page_and_leaves_with_the_last_tab() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let mut desk = agent(&app.node, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut first = visitor(&app.node, &session.visitor_token).await;
    presence_of(&mut desk, session.visitor_id).await;
    show(&mut first, "https://shop.example.com/", "Home").await;
    presence_of(&mut desk, session.visitor_id).await;

    let mut second = visitor(&app.node, &session.visitor_token).await;
    show(&mut second, "https://shop.example.com/sale", "Sale").await;
    let latest = presence_of(&mut desk, session.visitor_id).await;
    assert_eq!(
        page_of(&latest),
        Some(("https://shop.example.com/sale", "Sale"))
    );
    second
        .send_json(&VisitorFrame::Activity {
            status: VisitorActivity::Idle,
        })
        .await;
    first.close().await;

    let one_tab_left = presence_of(&mut desk, session.visitor_id).await;
    assert_eq!(
        one_tab_left.status,
        VisitorStatus::Idle,
        "the active tab closed, the idle one stays"
    );
    assert_eq!(online(&app.node, &access).await.len(), 1);

    second.close().await;
    // Two tabs changing at once may each report the idle visitor: a repeat.
    let after_idle = next_presence(&mut desk, |presence| {
        presence.visitor_id == session.visitor_id && presence.status != VisitorStatus::Idle
    })
    .await;
    assert_eq!(after_idle.status, VisitorStatus::Offline);
}

#[tokio::test]
async fn bad_page_frames_get_a_clear_error_and_change_nothing() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let mut desk = agent(&app.node, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    show(&mut widget, "https://shop.example.com/shoes", "Shoes").await;
    let before = next_presence(&mut desk, |presence| presence.page.is_some()).await;

    let long_title = "t".repeat(MAX_PAGE_TITLE_CHARS + 1);
    for (url, title) in [
        ("javascript:alert(document.cookie)", "Shoes"),
        ("ftp://shop.example.com/shoes", "Shoes"),
        ("/shoes", "Shoes"),
        ("https://shop.example.com/cart", long_title.as_str()),
    ] {
        show(&mut widget, url, title).await;
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
        assert!(!refused.2.is_empty(), "the error says what is wrong");
    }

    let heard = desk
        .frames_within(std::time::Duration::from_millis(300))
        .await;
    assert!(
        !heard
            .iter()
            .any(|f| matches!(f, ServerFrame::VisitorPresence { .. })),
        "{heard:?}"
    );
    let listed = online(&app.node, &access).await;
    assert_eq!(
        listed.iter().map(shown).collect::<Vec<_>>(),
        vec![shown(&before)]
    );
}

#[tokio::test]
async fn agents_of_another_site_see_none_of_its_visitors() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    let mut outsider_desk = agent(&app.node, &outsider).await;
    let session = visitor_session(&app.node, &app.site).await;

    let mut widget = visitor(&app.node, &session.visitor_token).await;
    show(&mut widget, "https://shop.example.com/shoes", "Shoes").await;

    eventually(
        "the site's agent to see the visitor on the page",
        || async {
            let mine = online(&app.node, &access).await;
            mine.iter().map(shown).collect::<Vec<_>>()
                == vec![(
                    session.visitor_id,
                    VisitorStatus::Active,
                    Some(("https://shop.example.com/shoes", "Shoes")),
                )]
        },
    )
    .await;
    assert_eq!(online(&app.node, &outsider).await, vec![]);
    let heard = outsider_desk
        .frames_within(std::time::Duration::from_millis(500))
        .await;
    assert!(
        !heard
            .iter()
            .any(|f| matches!(f, ServerFrame::VisitorPresence { .. })),
        "{heard:?}"
    );
}

#[tokio::test]
async fn a_runaway_widget_is_slowed_down_before_it_floods_the_agents() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let mut desk = agent(&app.node, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    presence_of(&mut desk, session.visitor_id).await;

    let sent = 60;
    for n in 0..sent {
        show(
            &mut widget,
            &format!("https://shop.example.com/p/{n}"),
            "Product",
        )
        .await;
    }

    let answers = widget
        .frames_within(std::time::Duration::from_secs(1))
        .await;
    let slowed = answers
        .iter()
        .filter(|f| {
            matches!(
                f,
                ServerFrame::Error {
                    cid: None,
                    code: ErrorCode::RateLimited,
                    ..
                }
            )
        })
        .count();
    assert!(slowed > 0, "{answers:?}");
    let heard = desk
        .frames_within(std::time::Duration::from_secs(1))
        .await
        .into_iter()
        .filter(|f| matches!(f, ServerFrame::VisitorPresence { .. }))
        .count();
    // The burst, and the few frames the budget earned back while they were sent.
    assert!(
        heard >= 1 && heard <= BURST as usize + 5,
        "{heard} presence frames"
    );
    assert!(heard + slowed <= sent);
}

/// The visitor's record as an agent of `node`'s site reads it.
async fn details(node: &TestNode, access: &str, visitor: VisitorId) -> (u16, serde_json::Value) {
    let response = http()
        .get(node.url(&format!("/api/v1/site/visitors/{visitor}")))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_visitors_record_lists_the_pages_they_opened_newest_first_once_each_visit() {
    let app = TestApp::spawn().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let mut desk = agent(&app.node, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    presence_of(&mut desk, session.visitor_id).await;

    for (url, title) in [
        ("https://shop.example.com/", "Home"),
        ("https://shop.example.com/shoes", "Running shoes"),
        // A reload, and a second tab on the same page, add nothing.
        ("https://shop.example.com/shoes", "Running shoes (2)"),
        ("https://shop.example.com/cart", "Your cart"),
    ] {
        show(&mut widget, url, title).await;
        next_presence(&mut desk, |p| {
            p.visitor_id == session.visitor_id
                && p.page.as_ref().is_some_and(|page| page.title == title)
        })
        .await;
    }
    // A page of another origin is refused and not recorded.
    show(&mut widget, "https://evil.example/phish", "Login").await;
    let refused = widget
        .recv_until(|f| match f {
            ServerFrame::Error { code, .. } => Some(code),
            _ => None,
        })
        .await;
    assert_eq!(refused, ErrorCode::InvalidInput);

    let (status, record) = details(&app.node, &access, session.visitor_id).await;
    assert_eq!(status, 200, "{record}");
    let pages: Vec<(&str, &str)> = record["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["url"].as_str().unwrap(), p["title"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pages,
        vec![
            ("https://shop.example.com/cart", "Your cart"),
            ("https://shop.example.com/shoes", "Running shoes"),
            ("https://shop.example.com/", "Home"),
        ]
    );

    // Another site's agent reads none of it.
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let outsider = login(&app.node, &other.agent_email).await.access_token;
    assert_eq!(
        details(&app.node, &outsider, session.visitor_id).await.0,
        404
    );
}
