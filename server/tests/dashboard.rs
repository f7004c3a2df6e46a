//! The dashboard in headless Chromium beyond the desk's own flow: starting a chat with a
//! visitor whose real widget is open on a third-party page (which opens the widget), the
//! keyboard shortcuts driven by real key events, a lost and recovered connection, the
//! layout at 1280 px and on a tablet, sharing a file, the alerts for a chat given to an
//! agent whose tab is in the background, and transfers to a colleague and a department.

#![allow(clippy::unwrap_used)]

mod support;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use livedesk_protocol::api::Role;
use livedesk_protocol::ids::ConversationId;
use livedesk_server::admin::{NewAgent, create_agent};
use serde_json::json;

use support::browser::{
    CHIME_COUNTER, Driver, click_when_shown as click, devtools, host_page_port, js, launcher_root,
    messages_by, open_widget, serve_host_page, sign_in_dashboard, sign_in_dashboard_as, text_of,
    until, widget_frame,
};
use support::client::{Socket, login, ready_visitor as visitor, visitor_says, visitor_session};
use support::{
    NodeSettings, PASSWORD, PIXEL_PNG, SiteFixture, TestApp, TestNode, assign_manually,
    create_site, department, join_department, mark_vip,
};

/// A visitor of `site` who has said `body`, and their conversation.
async fn waiting_visitor(
    node: &TestNode,
    site: &SiteFixture,
    body: &str,
) -> (Socket, ConversationId) {
    let session = visitor_session(node, site).await;
    let mut socket = visitor(node, &session.visitor_token).await;
    let conversation = visitor_says(&mut socket, body).await;
    (socket, conversation)
}

async fn type_into(client: &Client, css: &str, text: &str) {
    client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map_or(0, |found| found.len())
}

/// Presses `key` with Alt held (or alone), as a keyboard does: key down, key up.
async fn press(client: &Client, alt: bool, key: char) {
    let mut keys = KeyActions::new("keyboard".into());
    if alt {
        keys = keys.then(KeyAction::Down {
            value: Key::Alt.into(),
        });
    }
    keys = keys
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    if alt {
        keys = keys.then(KeyAction::Up {
            value: Key::Alt.into(),
        });
    }
    client.perform_actions(keys).await.unwrap();
    client.release_actions().await.unwrap();
}

/// The id of the conversation shown, if any.
async fn open_conversation(client: &Client) -> Option<String> {
    let found = client
        .find(Locator::Css("[data-ld=conversation-view]"))
        .await
        .ok()?;
    found.attr("data-id").await.ok().flatten()
}

/// The ids of the rows in the conversation list, top to bottom, read in one script: the
/// list is redrawn live, so rows found one call earlier may be gone.
async fn listed(client: &Client) -> Vec<String> {
    let ids = js(
        client,
        "return [...document.querySelectorAll('[data-ld=conversation]')].map(r => r.dataset.id || '');",
    )
    .await;
    ids.as_array()
        .map(|ids| {
            ids.iter()
                .map(|id| id.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the page, or a pane of it, scrolls sideways; if so, what scrolls and the last few
/// elements that reach past its right edge.
async fn sideways(client: &Client) -> Option<String> {
    let wide = js(
        client,
        r#"const name = e => e.tagName + '.' + e.className + (e.dataset.ld ? '[' + e.dataset.ld + ']' : '');
        const panes = [document.documentElement, document.body, ...document.querySelectorAll('*')]
            .filter(e => e === document.documentElement || e === document.body
                || ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
        const pane = panes.find(e => e.scrollWidth > e.clientWidth + 1);
        if (!pane) return null;
        const edge = pane === document.documentElement || pane === document.body
            ? document.documentElement.clientWidth
            : pane.getBoundingClientRect().left + pane.clientWidth;
        const past = [...pane.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > edge + 1).slice(-3)
            .map(e => name(e) + ' reaches ' + Math.round(e.getBoundingClientRect().right));
        return name(pane) + ' scrolls sideways (edge ' + Math.round(edge) + '): ' + past.join(', ');"#,
    )
    .await;
    wide.as_str().map(str::to_owned)
}

/// Why the first element matching `css` cannot be clicked where it is drawn, or "ok": missing,
/// not drawn, outside the window, or under another element.
async fn clickable(client: &Client, css: &str) -> String {
    let script = r#"
        const el = document.querySelector(arguments[0]);
        if (!el) return 'missing';
        const r = el.getBoundingClientRect();
        if (r.width < 4 || r.height < 4) return 'not drawn';
        if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return 'outside the window';
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit && (hit === el || el.contains(hit)) ? 'ok' : 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing');
    "#;
    client
        .execute(script, vec![json!(css)])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_agent_starts_a_chat_from_the_visitors_page_and_the_visitors_widget_opens_with_it() {
    let app = TestApp::spawn().await;
    let livedesk = app.node.origin();
    let (listener, host) = host_page_port().await;
    let site = create_site(&app.db, "Acme Shoes Web", &host).await;
    serve_host_page(listener, &livedesk, &site.key);
    let driver = Driver::start();
    let (shopper, _shopper_profile) = driver.browser().await;
    let (agent, _agent_profile) = driver.browser().await;
    shopper.goto(&format!("{host}/")).await.unwrap();
    sign_in_dashboard(&agent, &livedesk, &site.agent_email).await;

    // The shopper is on the page (the widget loaded, not opened); the agent writes first.
    click(&agent, "[data-ld=nav][data-page=visitors]").await;
    until(&agent, "the shopper in the live visitors list", || async {
        count(&agent, "[data-ld=visitor] [data-ld=start-chat]").await == 1
    })
    .await;
    let greeting = "Hello! Looking for trail shoes?";
    click(&agent, "[data-ld=visitor] [data-ld=start-chat]").await;
    type_into(&agent, "[data-ld=start-chat-input]", greeting).await;
    click(&agent, "[data-ld=start-chat-send]").await;
    until(&agent, "the started chat open in the dashboard", || async {
        messages_by(&agent, "agent")
            .await
            .iter()
            .any(|t| t.contains(greeting))
    })
    .await;

    // The shopper's widget opens by itself with the agent's message.
    until(&shopper, "the widget to open", || async {
        js(&shopper, "return Livedesk.isOpen()").await == json!(true)
    })
    .await;
    let shadow = launcher_root(&shopper).await;
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    until(&shopper, "the agent's message in the widget", || async {
        messages_by(&shopper, "agent")
            .await
            .iter()
            .any(|t| t.contains(greeting))
    })
    .await;

    // The shopper answers; the agent sees it live.
    let answer = "Yes, size 42 please";
    type_into(&shopper, "[data-ld=composer]", answer).await;
    click(&shopper, "[data-ld=send]").await;
    until(&agent, "the shopper's answer in the dashboard", || async {
        messages_by(&agent, "visitor")
            .await
            .iter()
            .any(|t| t.contains(answer))
    })
    .await;

    // The visitor panel says where the shopper is, in which browser, and what they opened.
    let language = js(&shopper, "return navigator.language").await;
    let language = language.as_str().unwrap_or_default().to_owned();
    until(
        &agent,
        "the shopper's browser, location and pages",
        || async {
            text_of(&agent, "[data-ld=visitor-device]")
                .await
                .starts_with("Chrome")
                && text_of(&agent, "[data-ld=visitor-location]")
                    .await
                    .ends_with(&language)
                && text_of(&agent, "[data-ld=visitor-pages]")
                    .await
                    .contains("Acme Shoes")
        },
    )
    .await;
    shopper.close().await.ok();
    agent.close().await.ok();
}

/// The admin console's pages, by their address.
const ADMIN_PAGES: [&str; 7] = [
    "agents",
    "routing",
    "business-hours",
    "widget",
    "canned-responses",
    "departments",
    "tags",
];

/// At `width` × `height` an admin takes a waiting chat, replies, and opens every admin page,
/// and nothing makes the page scroll sideways or covers what they click.
async fn fits_and_works_at(driver: &Driver, app: &TestApp, width: u32, height: u32) {
    let (admin, _profile) = driver.browser_sized(width, height).await;
    sign_in_dashboard(&admin, &app.node.origin(), &app.site.admin_email).await;
    let size = format!("{width}×{height}");

    click(&admin, "[data-ld=inbox-tab][data-view=queue]").await;
    until(&admin, &format!("a waiting chat at {size}"), || async {
        count(&admin, "[data-ld=conversation]").await >= 1
    })
    .await;
    assert_eq!(sideways(&admin).await, None, "the inbox at {size}");
    assert_eq!(
        clickable(&admin, "[data-ld=conversation]").await,
        "ok",
        "the list at {size}"
    );
    click(&admin, "[data-ld=conversation]").await;
    click(&admin, "[data-ld=accept]").await;
    until(&admin, &format!("the conversation at {size}"), || async {
        count(&admin, "[data-ld=conversation-view]").await == 1
            && clickable(&admin, "[data-ld=composer]").await == "ok"
    })
    .await;
    let reply = format!("Typed at {size}");
    type_into(&admin, "[data-ld=composer]", &reply).await;
    // The notice that the chat was taken is on screen now: it must not cover the buttons.
    for button in ["[data-ld=send]", "[data-ld=attach]"] {
        assert_eq!(clickable(&admin, button).await, "ok", "{button} at {size}");
    }
    click(&admin, "[data-ld=send]").await;
    until(&admin, &format!("the reply sent at {size}"), || async {
        messages_by(&admin, "agent")
            .await
            .iter()
            .any(|t| t.contains(&reply))
    })
    .await;
    assert_eq!(sideways(&admin).await, None, "the conversation at {size}");

    for page in ADMIN_PAGES {
        js(
            &admin,
            &format!("location.hash = '#/settings/{page}'; return null"),
        )
        .await;
        let shown = format!("[data-ld=settings-page][data-page='{page}']");
        until(&admin, &format!("{page} at {size}"), || async {
            count(&admin, &shown).await == 1 && count(&admin, "[data-ld=admin-loading]").await == 0
        })
        .await;
        if page == "agents" {
            // With an invitation's long link and its row on the page.
            type_into(
                &admin,
                "[data-ld=invite-new] input[name=invite_email]",
                &format!("invitee-{width}@example.com"),
            )
            .await;
            click(&admin, "[data-ld=invite-create]").await;
            until(&admin, &format!("the invitation at {size}"), || async {
                count(&admin, "[data-ld=invite-link]").await == 1
                    && count(&admin, "[data-ld=invite-row]").await >= 1
            })
            .await;
        }
        assert_eq!(sideways(&admin).await, None, "{page} at {size}");
    }
    admin.close().await.ok();
}

#[tokio::test]
async fn the_dashboard_fits_a_laptop_and_a_tablet_without_sideways_scrolling() {
    let app = TestApp::spawn().await;
    assign_manually(&app.db, app.site.id).await;
    // Each size takes one of the waiting chats.
    let _visitors = [
        waiting_visitor(&app.node, &app.site, "Do you ship to Izmir?").await,
        waiting_visitor(&app.node, &app.site, "Is the 42 in stock?").await,
    ];
    let driver = Driver::start();
    fits_and_works_at(&driver, &app, 1280, 800).await;
    fits_and_works_at(&driver, &app, 768, 1024).await;
}

#[tokio::test]
async fn an_agent_attaches_an_image_the_visitors_widget_shows_it_and_a_fake_one_is_refused() {
    let app = TestApp::spawn().await;
    let livedesk = app.node.origin();
    let (listener, host) = host_page_port().await;
    let site = create_site(&app.db, "Acme Shoes Web", &host).await;
    assign_manually(&app.db, site.id).await;
    serve_host_page(listener, &livedesk, &site.key);
    let files = support::browser::tempdir::Dir::new();
    let real = files.path.join("size-chart.png");
    std::fs::write(&real, PIXEL_PNG).unwrap();
    let fake = files.path.join("invoice.png");
    std::fs::write(&fake, b"MZ\x90\0 this is a program, not a picture").unwrap();
    let driver = Driver::start();
    let (shopper, _shopper_profile) = driver.browser().await;
    let (agent, _agent_profile) = driver.browser().await;

    shopper.goto(&format!("{host}/")).await.unwrap();
    open_widget(&shopper).await;
    type_into(&shopper, "[data-ld=composer]", "Which size am I?").await;
    click(&shopper, "[data-ld=send]").await;
    sign_in_dashboard(&agent, &livedesk, &site.agent_email).await;
    click(&agent, "[data-ld=inbox-tab][data-view=queue]").await;
    click(&agent, "[data-ld=conversation]").await;
    click(&agent, "[data-ld=accept]").await;
    until(&agent, "the chat taken", || async {
        count(&agent, "[data-ld=conversation-view]").await == 1
            && clickable(&agent, "[data-ld=attach]").await == "ok"
    })
    .await;

    // A program named .png is refused with the reason, and nothing is sent.
    let input = agent
        .find(Locator::Css("[data-ld=attach-input]"))
        .await
        .unwrap();
    input.send_keys(&fake.display().to_string()).await.unwrap();
    until(&agent, "the refusal of the fake image", || async {
        text_of(&agent, "[data-ld=composer-error]")
            .await
            .starts_with("The file was not sent")
    })
    .await;
    assert!(
        text_of(&agent, "[data-ld=composer-error]")
            .await
            .contains("images"),
        "the reason names what can be sent: {}",
        text_of(&agent, "[data-ld=composer-error]").await
    );
    assert!(messages_by(&agent, "agent").await.is_empty());

    // The real image is sent: the agent sees it in the transcript, the shopper sees it.
    let input = agent
        .find(Locator::Css("[data-ld=attach-input]"))
        .await
        .unwrap();
    input.send_keys(&real.display().to_string()).await.unwrap();
    until(&agent, "the image in the agent's transcript", || async {
        text_of(
            &agent,
            "[data-ld=message][data-author=agent] [data-ld=file]",
        )
        .await
        .contains("size-chart.png")
    })
    .await;
    assert_eq!(
        count(&agent, "[data-ld=composer-error]").await,
        0,
        "the error is gone"
    );
    until(&shopper, "the image's preview in the widget", || async {
        js(&shopper, "const i = document.querySelector('[data-ld=message][data-author=agent] img[data-ld=preview]'); return i ? i.complete && i.naturalWidth : null").await == json!(1)
    })
    .await;
    shopper.close().await.ok();
    agent.close().await.ok();
}

/// The queue lists waiting visitors in the order they are served, each with its priority
/// and what raised it: a VIP who came last is first, and taking the next chat takes them.
#[tokio::test]
async fn the_queue_shows_each_visitors_priority_and_a_vip_is_taken_first() {
    let app = TestApp::spawn().await;
    assign_manually(&app.db, app.site.id).await;
    let (_early_socket, early) = waiting_visitor(&app.node, &app.site, "first in line").await;
    let vip = visitor_session(&app.node, &app.site).await;
    mark_vip(&app.db, vip.visitor_id).await;
    let mut vip_socket = visitor(&app.node, &vip.visitor_token).await;
    let vip_chat = visitor_says(&mut vip_socket, "I ordered twice this week").await;
    let driver = Driver::start();
    let (agent, _profile) = driver.browser().await;
    sign_in_dashboard(&agent, &app.node.origin(), &app.site.agent_email).await;
    click(&agent, "[data-ld=inbox-tab][data-view=queue]").await;
    let (vip_id, early_id) = (vip_chat.to_string(), early.to_string());
    until(&agent, "the VIP listed first", || async {
        listed(&agent).await == [vip_id.clone(), early_id.clone()]
    })
    .await;
    let badge = |id: &str| format!("[data-ld=conversation][data-id='{id}'] [data-ld=priority]");
    until(&agent, "the VIP's priority 5 and the other's 1", || async {
        text_of(&agent, &badge(&vip_id)).await == "P5"
            && text_of(&agent, &badge(&early_id)).await == "P1"
    })
    .await;
    // Read in one script: the live list may draw the row again at any moment.
    let why = agent
        .execute(
            "return document.querySelector(arguments[0]).title",
            vec![json!(badge(&vip_id))],
        )
        .await
        .unwrap();
    let why = why.as_str().unwrap_or_default();
    assert!(why.contains("5 of 10") && why.contains("VIP"), "{why}");

    press(&agent, true, 't').await;
    let db = app.db.clone();
    until(&agent, "the VIP's chat taken", || async {
        sqlx::query_scalar::<_, Option<uuid::Uuid>>(
            "SELECT assigned_agent_id FROM conversations WHERE id = $1",
        )
        .bind(vip_chat.0)
        .fetch_one(&db)
        .await
        .unwrap()
        .is_some()
    })
    .await;
    until(&agent, "only the early visitor left waiting", || async {
        listed(&agent).await == [early_id.clone()]
    })
    .await;
    agent.close().await.ok();
}

#[tokio::test]
async fn keyboard_shortcuts_search_move_between_conversations_switch_tabs_and_take_chats() {
    let app = TestApp::spawn().await;
    assign_manually(&app.db, app.site.id).await;
    let (_first_socket, first) = waiting_visitor(&app.node, &app.site, "first in line").await;
    let (_second_socket, second) = waiting_visitor(&app.node, &app.site, "second in line").await;
    let driver = Driver::start();
    let (agent, _profile) = driver.browser().await;
    sign_in_dashboard(&agent, &app.node.origin(), &app.site.agent_email).await;
    agent
        .wait()
        .for_element(Locator::Css("[data-ld=inbox]"))
        .await
        .unwrap();
    let selected = |view: &'static str| {
        let agent = &agent;
        async move {
            let css = format!("[data-ld=inbox-tab][data-view={view}]");
            match agent.find(Locator::Css(&css)).await {
                Ok(tab) => {
                    tab.attr("aria-selected").await.ok().flatten().as_deref() == Some("true")
                }
                Err(_) => false,
            }
        }
    };

    // Alt+Q shows the queue, Alt+M the agent's own chats.
    press(&agent, true, 'q').await;
    until(&agent, "the queue tab after Alt+Q", || async {
        selected("queue").await && count(&agent, "[data-ld=conversation]").await == 2
    })
    .await;
    press(&agent, true, 'm').await;
    until(&agent, "the mine tab after Alt+M", || async {
        selected("mine").await && count(&agent, "[data-ld=conversation]").await == 0
    })
    .await;

    // Alt+T takes the longest waiting chat, then the next.
    let mine_count = || async {
        text_of(
            &agent,
            "[data-ld=inbox-tab][data-view=mine] [data-ld=tab-count]",
        )
        .await
    };
    press(&agent, true, 't').await;
    until(&agent, "the first chat taken with Alt+T", || async {
        mine_count().await == "1"
    })
    .await;
    let assignee = |c: ConversationId| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, Option<uuid::Uuid>>(
                "SELECT assigned_agent_id FROM conversations WHERE id = $1",
            )
            .bind(c.0)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    assert!(
        assignee(first).await.is_some(),
        "the longest waiting was taken"
    );
    assert!(assignee(second).await.is_none());
    press(&agent, true, 't').await;
    until(&agent, "the second chat taken with Alt+T", || async {
        mine_count().await == "2"
    })
    .await;

    // Alt+↓ and Alt+↑ walk the list.
    press(&agent, true, 'm').await;
    until(&agent, "both chats under Mine", || async {
        selected("mine").await && listed(&agent).await.len() == 2
    })
    .await;
    let rows = listed(&agent).await;
    click(
        &agent,
        &format!("[data-ld=conversation][data-id='{}']", rows[0]),
    )
    .await;
    until(&agent, "the first row open", || async {
        open_conversation(&agent).await.as_deref() == Some(rows[0].as_str())
    })
    .await;
    press(&agent, true, Key::Down.into()).await;
    until(&agent, "the second row open after Alt+↓", || async {
        open_conversation(&agent).await.as_deref() == Some(rows[1].as_str())
    })
    .await;
    press(&agent, true, Key::Up.into()).await;
    until(&agent, "the first row open again after Alt+↑", || async {
        open_conversation(&agent).await.as_deref() == Some(rows[0].as_str())
    })
    .await;

    // `/` puts the cursor in the search box, without typing a slash there.
    js(&agent, "document.activeElement.blur(); return null").await;
    press(&agent, false, '/').await;
    until(&agent, "the search box focused by /", || async {
        js(
            &agent,
            "const a = document.activeElement; return [a.dataset.ld || '', a.value || ''];",
        )
        .await
            == json!(["inbox-search", ""])
    })
    .await;
    type_into(&agent, "[data-ld=inbox-search]", "second").await;
    let second_id = second.to_string();
    until(&agent, "the search finding the second chat", || async {
        listed(&agent).await == [second_id.clone()]
    })
    .await;
    agent.close().await.ok();
}

#[tokio::test]
async fn the_dashboard_shows_it_is_reconnecting_and_recovers_what_was_said_meanwhile() {
    let mut app = TestApp::spawn().await;
    let settings = NodeSettings {
        database_url: app.settings.database_url.clone(),
        redis_url: app.settings.redis_url.clone(),
        access_ttl_secs: app.settings.access_ttl_secs,
        extra: app.settings.extra.clone(),
    };
    // The visitor is on a node of their own, which stays up.
    let visitors_node = TestNode::start(&settings).await;
    let driver = Driver::start();
    let (agent, _profile) = driver.browser().await;
    sign_in_dashboard(&agent, &app.node.origin(), &app.site.agent_email).await;
    agent
        .wait()
        .for_element(Locator::Css("[data-ld=inbox]"))
        .await
        .unwrap();
    until(&agent, "the dashboard online", || async {
        count(&agent, "[data-ld=connection]").await == 0 && !app.node.state.sockets.is_empty()
    })
    .await;
    let (mut widget, _) = waiting_visitor(&visitors_node, &app.site, "hello").await;
    click(&agent, "[data-ld=conversation]").await;
    until(&agent, "the hello in the dashboard", || async {
        messages_by(&agent, "visitor").await.len() == 1
    })
    .await;

    // The dashboard's node goes away: it says it is reconnecting.
    let addr = app.node.addr;
    let gone = std::mem::replace(&mut app.node, TestNode::start(&settings).await);
    gone.stop().await;
    until(&agent, "the reconnecting banner", || async {
        text_of(&agent, "[data-ld=connection]")
            .await
            .contains("Reconnecting")
    })
    .await;
    visitor_says(&mut widget, "are you still there?").await;

    // A node comes back at the same address: the banner goes and the message shows, with
    // no reload (the page's own marker survives).
    js(&agent, "window.ldNoReload = true; return null").await;
    let back = TestNode::start_at(&settings, addr).await;
    until(&agent, "the banner to go", || async {
        count(&agent, "[data-ld=connection]").await == 0
    })
    .await;
    until(&agent, "the message said while disconnected", || async {
        let seen = messages_by(&agent, "visitor").await;
        seen.len() == 2 && seen[1].contains("are you still there?")
    })
    .await;
    assert_eq!(
        js(&agent, "return window.ldNoReload === true").await,
        json!(true)
    );
    agent.close().await.ok();
    back.stop().await;
    visitors_node.stop().await;
}

/// Records the browser notifications a page shows (`window.notifications`), and makes the
/// tab report itself hidden while `window.away` is true, as a tab in the background does.
/// Installed before the page's own scripts, with [`CHIME_COUNTER`] for its tones (the
/// dashboard's Web Audio binding is taken when it loads).
const ALERT_RECORDER: &str = r#"
    window.notifications = []; window.away = false;
    window.Notification = class extends Notification {
      constructor(title, options) { super(title, options); window.notifications.push(options.body); }
    };
    Object.defineProperty(document, 'visibilityState', { configurable: true,
      get: () => window.away ? 'hidden' : 'visible' });"#;

/// The agent a conversation is assigned to, by name, as stored.
async fn assignee(app: &TestApp, conversation: ConversationId) -> Option<String> {
    sqlx::query_scalar(
        "SELECT a.name FROM conversations c JOIN agents a ON a.id = c.assigned_agent_id WHERE c.id = $1",
    )
    .bind(conversation.0)
    .fetch_optional(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_chat_given_to_an_agent_in_another_tab_alerts_them_and_transfers_hand_it_on() {
    let app = TestApp::spawn().await;
    let bea_email = format!("bea-{}@example.com", uuid::Uuid::new_v4().simple());
    let bea_id = create_agent(
        &app.db,
        NewAgent {
            site: Some(app.site.id),
            email: &bea_email,
            name: "Bea Agent",
            role: Role::Agent,
            password: PASSWORD,
        },
    )
    .await
    .unwrap();
    let billing = department(&app.db, app.site.id, "Billing").await;
    let ali_id = login(&app.node, &app.site.agent_email).await.agent.id;
    join_department(&app.db, ali_id, billing).await;
    let base = app.node.origin();
    let driver = Driver::start();
    let (ali, _ali_profile) = driver.browser().await;
    devtools(
        &ali,
        "Browser.grantPermissions",
        json!({"origin": base, "permissions": ["notifications"]}),
    )
    .await;
    devtools(
        &ali,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": format!("{CHIME_COUNTER}\n{ALERT_RECORDER}")}),
    )
    .await;
    sign_in_dashboard(&ali, &base, &app.site.agent_email).await;
    until(&ali, "Ali's inbox", || async {
        count(&ali, "[data-ld=inbox]").await == 1
    })
    .await;
    js(&ali, "window.away = true; return null").await;

    // A visitor writes; the chat is given to Ali (the only agent signed in), whose tab is
    // in the background: a notification, a chime and the count in the title.
    let (mut widget, conversation) =
        waiting_visitor(&app.node, &app.site, "My invoice is wrong").await;
    until(&ali, "the alerts for the new chat", || async {
        let seen = js(
            &ali,
            "return [window.notifications, window.chimes, document.title]",
        )
        .await;
        seen[0].as_array().is_some_and(|n| {
            n.len() == 1
                && n[0]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("New chat with")
        }) && seen[1].as_u64() >= Some(2)
            && seen[2] == json!("(1) Livedesk")
    })
    .await;
    assert_eq!(
        assignee(&app, conversation).await.as_deref(),
        Some("Ali Agent")
    );

    // Back in the tab, Ali opens it: the title count goes.
    js(&ali, "window.away = false; return null").await;
    click(&ali, "[data-ld=inbox-tab][data-view=mine]").await;
    click(
        &ali,
        &format!("[data-ld=conversation][data-id='{conversation}']"),
    )
    .await;
    until(&ali, "the chat read", || async {
        js(&ali, "return document.title").await == json!("Livedesk")
    })
    .await;

    // Bea signs in; Ali hands the chat to her with a note.
    let (bea, _bea_profile) = driver.browser().await;
    sign_in_dashboard_as(&bea, &base, &bea_email, PASSWORD).await;
    until(&bea, "Bea's inbox", || async {
        count(&bea, "[data-ld=inbox]").await == 1
    })
    .await;
    click(&ali, "[data-ld=transfer]").await;
    let to_bea = format!("[data-ld=transfer-target] option[value='agent:{bea_id}']");
    click(&ali, &to_bea).await;
    type_into(&ali, "[data-ld=transfer-note]", "She was double charged").await;
    click(&ali, "[data-ld=transfer-send]").await;
    until(&bea, "the chat under Bea's Mine, with the note", || async {
        listed(&bea).await.contains(&conversation.to_string())
    })
    .await;
    click(
        &bea,
        &format!("[data-ld=conversation][data-id='{conversation}']"),
    )
    .await;
    until(&bea, "Ali's note in the side panel", || async {
        text_of(&bea, "[data-ld=notes]")
            .await
            .contains("She was double charged")
    })
    .await;
    until(&ali, "the chat gone from Ali's Mine", || async {
        !listed(&ali).await.contains(&conversation.to_string())
    })
    .await;
    assert_eq!(
        assignee(&app, conversation).await.as_deref(),
        Some("Bea Agent")
    );
    let told = widget
        .recv_until(|f| match f {
            livedesk_protocol::frames::ServerFrame::ConversationTransferred { to_name, .. } => {
                Some(to_name)
            }
            _ => None,
        })
        .await;
    assert_eq!(
        told, "Bea Agent",
        "the visitor is told who has the chat now"
    );

    // Bea sends it on to Billing, whose agent is Ali: it comes back to Ali's Mine.
    click(&bea, "[data-ld=transfer]").await;
    click(
        &bea,
        &format!(
            "[data-ld=transfer-target] option[value='department:{}']",
            billing.0
        ),
    )
    .await;
    click(&bea, "[data-ld=transfer-send]").await;
    until(&ali, "the chat back with Ali through Billing", || async {
        listed(&ali).await.contains(&conversation.to_string())
    })
    .await;
    until(&bea, "the chat gone from Bea's Mine", || async {
        !listed(&bea).await.contains(&conversation.to_string())
    })
    .await;
    assert_eq!(
        assignee(&app, conversation).await.as_deref(),
        Some("Ali Agent")
    );
    ali.close().await.ok();
    bea.close().await.ok();
}
