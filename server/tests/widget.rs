//! The visitor widget in real headless Chromium, embedded in third-party pages served from
//! another origin: a hostile page (global CSS, patched built-ins), a page under a strict
//! Content-Security-Policy, API calls queued before the loader, the JavaScript API and its
//! events, the desk's states live, page tracking, the chat's forms, proactive invitations,
//! browser notifications, reduced motion, Turkish, and a 360 px wide phone.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};
use livedesk_protocol::frames::AgentFrame;
use livedesk_protocol::ids::{ClientId, ConversationId};
use serde_json::{Value, json};

use support::browser::{
    CHIME_COUNTER, Driver, HostPage, devtools, host_page_port, js, launcher_root, open_widget,
    serve_pages, snippet, text_of, until, visible, widget_frame,
};
use support::client::{Socket, http, login};
use support::{PIXEL_PNG, SiteFixture, TestApp, create_site};

/// A Livedesk node, a site that allows the host page's origin, and the host page's listener.
struct Setup {
    app: TestApp,
    livedesk: String,
    host: String,
    site: SiteFixture,
    listener: Option<tokio::net::TcpListener>,
}

impl Setup {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let livedesk = app.node.origin();
        let (listener, host) = host_page_port().await;
        let site = create_site(&app.db, "Acme Shoes Web", &host).await;
        assert_ne!(
            host, livedesk,
            "the page and Livedesk are different origins"
        );
        Self {
            app,
            livedesk,
            host,
            site,
            listener: Some(listener),
        }
    }

    fn serve(&mut self, pages: Vec<HostPage>) {
        serve_pages(self.listener.take().unwrap(), pages);
    }

    /// A plain shop page with `head` and `body` extras and the snippet (with `attributes`).
    fn page(
        &self,
        path: &'static str,
        lang: &str,
        head: &str,
        body: &str,
        attributes: &str,
    ) -> HostPage {
        let snippet = snippet(&self.livedesk, &self.site.key, attributes);
        HostPage {
            path,
            html: format!(
                r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Shoes {path}</title>{head}</head>
<body><h1>Acme Shoes</h1><p>Running shoes for every road.</p>{body}{snippet}</body></html>"#
            ),
            headers: Vec::new(),
        }
    }

    async fn agent_socket(&self) -> Socket {
        let access = login(&self.app.node, &self.site.agent_email)
            .await
            .access_token;
        let mut desk = Socket::agent(&self.app.node, &access).await;
        desk.recv().await; // agent_hello
        desk
    }

    async fn conversation(&self) -> ConversationId {
        let id: uuid::Uuid = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE site_id = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(self.site.id.0)
        .fetch_one(&self.app.db)
        .await
        .unwrap();
        ConversationId(id)
    }

    async fn stored_bodies(&self) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.site_id = $1 ORDER BY m.seq",
        )
        .bind(self.site.id.0)
        .fetch_all(&self.app.db)
        .await
        .unwrap()
    }
}

/// Types `text` into the widget's composer (the frame must be entered) and sends it.
async fn say(visitor: &Client, text: &str) {
    let composer = visitor
        .find(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    composer.send_keys(text).await.unwrap();
    visitor
        .find(Locator::Css("[data-ld=send]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn stored_visitor_message(visitor: &Client, seq: u32) {
    let css = format!("[data-ld=message][data-author=visitor][data-seq='{seq}']");
    until(
        visitor,
        &format!("the visitor's message {seq} to be stored"),
        || async { visitor.find(Locator::Css(&css)).await.is_ok() },
    )
    .await;
}

/// Where the page records what the API told it (a global of the test page itself).
const RECORDER: &str = r#"<script>window.seen = []; window.record = function (name) { return function (arg) { window.seen.push([name, arg === undefined ? null : arg]); }; };</script>"#;

/// Keeps the browser notifications the page shows (they are shown too) in
/// `window.notifications`, and counts requests for the permission in `window.asked`.
const NOTIFICATION_RECORDER: &str = r#"<script>window.notifications = []; window.asked = 0;
window.Notification = class extends Notification {
  constructor(title, options) { super(title, options); window.notifications.push(this); }
  static requestPermission() { window.asked++; return Promise.resolve(Notification.permission); }
};</script>"#;

/// The snippet's stub: calls made before the loader are queued in `Livedesk.q`.
const STUB: &str = r#"<script>window.Livedesk=window.Livedesk||(function(q,s){'open close toggle sendMessage updateVisitor on off shutdown'.split(' ').forEach(function(k){s[k]=function(){q.push([k,arguments])}});s.q=q;return s})([],{});</script>"#;

async fn events_seen(client: &Client) -> Vec<String> {
    let seen = js(
        client,
        "return window.seen.map(function (e) { return e[0]; })",
    )
    .await;
    seen.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_widget_works_on_a_page_with_hostile_css_and_patched_built_ins_and_leaves_it_alone() {
    let mut setup = Setup::new().await;
    // Global CSS that would wreck any widget in the page, and an old library's patches.
    let hostile = r#"<style>
* { all: unset; display: block !important; font-size: 40px !important; color: lime !important; }
div, button, iframe { position: static !important; width: 5px !important; height: 5px !important; background: red !important; }
iframe { display: none !important; }
#host-button { padding: 3px; }
</style>
<script>
// As Prototype.js and friends did: enumerable additions to Object.prototype (which break
// for-in loops), Array.prototype.toJSON (which breaks JSON.stringify of arrays), and a
// replaced String.prototype.trim.
Object.prototype.polluted = function () { return 'x'; };
Array.prototype.toJSON = function () { return 'broken'; };
String.prototype.trim = function () { return String(this).replace(/^\s+|\s+$/g, ''); };
window.before = { keys: Object.keys(window).length, names: Object.getOwnPropertyNames(window) };
</script>"#;
    let body = r#"<button id="host-button">Add to cart</button>
<script>window.hostButton = getComputedStyle(document.getElementById('host-button')).cssText || JSON.parse('1');
window.hostBefore = (function (s) { return [s.color, s.fontSize, s.padding].join('|'); })(getComputedStyle(document.getElementById('host-button')));</script>"#;
    let page = setup.page("/", "en", hostile, body, "");
    setup.serve(vec![page]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();

    // The launcher keeps its own look: a 60 px round button fixed in the corner.
    let shadow = launcher_root(&visitor).await;
    let launcher = shadow.find(Locator::Css(".ld-launcher")).await.unwrap();
    let look = js(
        &visitor,
        "const b = document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-launcher'); \
         const s = getComputedStyle(b); return [s.width, s.height, s.position, s.borderRadius].join(' ');",
    )
    .await;
    assert_eq!(look, "60px 60px fixed 50%");
    launcher.click().await.unwrap();
    let frame = widget_frame(&shadow).await;
    let size = frame.rectangle().await.unwrap();
    assert!(
        size.2 >= 300.0 && size.3 >= 400.0,
        "the panel is a usable size: {size:?}"
    );
    frame.enter_frame().await.unwrap();
    visitor
        .wait()
        .for_element(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    say(&visitor, "hello from a hostile page").await;
    stored_visitor_message(&visitor, 1).await;
    visitor.enter_parent_frame().await.unwrap();

    // The page is as it was: its own button unchanged, one new global (window.Livedesk;
    // the two others left out are chromedriver's own, from finding elements).
    let host_after = js(
        &visitor,
        "const s = getComputedStyle(document.getElementById('host-button')); return [s.color, s.fontSize, s.padding].join('|');",
    )
    .await;
    assert_eq!(host_after, js(&visitor, "return window.hostBefore").await);
    let new_globals = js(
        &visitor,
        "return Object.getOwnPropertyNames(window).filter(function (n) { return window.before.names.indexOf(n) < 0 \
         && ['hostButton', 'hostBefore', 'before'].indexOf(n) < 0 \
         && ['se_exportedFunctionSymbol', 'ret_nodes'].indexOf(n) < 0; })",
    )
    .await;
    assert_eq!(new_globals, json!(["Livedesk"]));
    assert_eq!(
        setup.stored_bodies().await,
        vec!["hello from a hostile page"]
    );
    visitor.close().await.ok();
}

#[tokio::test]
async fn the_widget_works_under_a_strict_content_security_policy_that_allows_only_livedesk() {
    let mut setup = Setup::new().await;
    // No inline script may run here, so the settings come as data-config.
    let config = r##"data-config='{"primaryColor":"#0F766E","position":"left","welcomeMessage":"Welcome to Acme!"}'"##;
    let mut page = setup.page("/", "en", "", "", config);
    let livedesk = setup.livedesk.clone();
    page.headers.push((
        "content-security-policy",
        format!("default-src 'none'; script-src {livedesk}; frame-src {livedesk}; style-src 'none'; img-src 'none'"),
    ));
    setup.serve(vec![page]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();

    let shadow = launcher_root(&visitor).await;
    let look = js(
        &visitor,
        "const b = document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-launcher'); \
         const s = getComputedStyle(b); return [s.backgroundColor, s.left, s.position].join(' ');",
    )
    .await;
    assert_eq!(
        look, "rgb(15, 118, 110) 20px fixed",
        "styled in the site's color, on the left"
    );
    shadow
        .find(Locator::Css(".ld-launcher"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    visitor
        .wait()
        .for_element(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&visitor, "[data-ld=welcome]").await,
        "Welcome to Acme!"
    );
    say(&visitor, "hello under CSP").await;
    stored_visitor_message(&visitor, 1).await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn calls_made_before_the_loader_arrives_run_once_it_has() {
    let mut setup = Setup::new().await;
    let head = format!("{RECORDER}{STUB}");
    let body = r#"<script>
Livedesk.on('ready', record('ready'));
Livedesk.updateVisitor({ name: 'Ayşe Yılmaz', email: 'ayse@example.com', customData: { plan: 'Premium' } });
Livedesk.sendMessage('queued hello');
Livedesk.open();
</script>"#;
    let page = setup.page("/", "en", &head, body, "");
    setup.serve(vec![page]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();

    until(&visitor, "the panel to open by itself", || async {
        js(
            &visitor,
            "return !!(window.Livedesk && window.Livedesk.version && Livedesk.isOpen())",
        )
        .await
            == json!(true)
    })
    .await;
    until(&visitor, "the ready event", || async {
        events_seen(&visitor).await.contains(&"ready".to_owned())
    })
    .await;
    let shadow = launcher_root(&visitor).await;
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    stored_visitor_message(&visitor, 1).await;
    assert_eq!(setup.stored_bodies().await, vec!["queued hello"]);
    let db = setup.app.db.clone();
    let site = setup.site.id.0;
    until(&visitor, "the visitor's details to be stored", || {
        let db = db.clone();
        async move {
            let row: Option<(Option<String>, Option<String>, Value)> =
                sqlx::query_as("SELECT name, email, custom_data FROM visitors WHERE site_id = $1")
                    .bind(site)
                    .fetch_optional(&db)
                    .await
                    .unwrap();
            row == Some((
                Some("Ayşe Yılmaz".into()),
                Some("ayse@example.com".into()),
                json!({"plan": "Premium"}),
            ))
        }
    })
    .await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn the_javascript_api_opens_closes_counts_unread_messages_and_tells_its_events() {
    let mut setup = Setup::new().await;
    let body = r#"<script>
['open', 'close', 'message:received', 'message:sent', 'chat:started', 'chat:ended', 'unread:changed']
  .forEach(function (e) { Livedesk.on(e, record(e)); });
</script>"#;
    // The API's handlers are added once the loader has run: the script above is after it.
    let snippet = snippet(&setup.livedesk, &setup.site.key, "");
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title>{RECORDER}<script>{CHIME_COUNTER}</script></head>
<body><h1>Acme Shoes</h1>{}{body}</body></html>"#,
        snippet.replace(" async>", ">")
    );
    setup.serve(vec![HostPage {
        path: "/",
        html,
        headers: Vec::new(),
    }]);
    let mut desk = setup.agent_socket().await;
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();

    assert_eq!(js(&visitor, "return Livedesk.isOpen()").await, json!(false));
    js(&visitor, "Livedesk.open()").await;
    assert_eq!(js(&visitor, "return Livedesk.isOpen()").await, json!(true));
    let shadow = launcher_root(&visitor).await;
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    visitor
        .wait()
        .for_element(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    say(&visitor, "where is my order?").await;
    stored_visitor_message(&visitor, 1).await;
    visitor.enter_parent_frame().await.unwrap();
    until(&visitor, "message:sent and chat:started", || async {
        let seen = events_seen(&visitor).await;
        seen.contains(&"message:sent".to_owned()) && seen.contains(&"chat:started".to_owned())
    })
    .await;
    let visitor_id = js(&visitor, "return Livedesk.getVisitorId()").await;
    let stored_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM visitors WHERE site_id = $1")
        .bind(setup.site.id.0)
        .fetch_one(&setup.app.db)
        .await
        .unwrap();
    assert_eq!(visitor_id, json!(stored_id.to_string()));

    // Closed panel: an agent's answer lights the badge.
    js(&visitor, "Livedesk.toggle()").await;
    assert_eq!(js(&visitor, "return Livedesk.isOpen()").await, json!(false));
    let conversation = setup.conversation().await;
    let cid = ClientId::new_random();
    desk.send_json(&AgentFrame::Send {
        cid,
        conversation_id: conversation,
        body: "It ships today".into(),
    })
    .await;
    until(&visitor, "the unread badge", || async {
        js(&visitor, "return Livedesk.getUnreadCount()").await == json!(1)
            && js(&visitor, "const b = document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-badge'); return b.hidden ? '' : b.textContent").await == json!("1")
    })
    .await;
    let label = js(&visitor, "return document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-launcher').getAttribute('aria-label')").await;
    assert_eq!(label, json!("Open live chat (1 unread messages)"));
    assert_eq!(
        js(&visitor, "return window.chimes").await,
        json!(1),
        "one chime for the message"
    );
    js(&visitor, "Livedesk.open()").await;
    assert_eq!(
        js(&visitor, "return Livedesk.getUnreadCount()").await,
        json!(0)
    );

    // The agent closes the chat: chat:ended.
    let close = ClientId::new_random();
    desk.send_json(&AgentFrame::Close {
        cid: close,
        conversation_id: conversation,
    })
    .await;
    until(&visitor, "chat:ended", || async {
        events_seen(&visitor)
            .await
            .contains(&"chat:ended".to_owned())
    })
    .await;
    let seen = events_seen(&visitor).await;
    for expected in ["open", "close", "message:received", "unread:changed"] {
        assert!(
            seen.contains(&expected.to_owned()),
            "{expected} in {seen:?}"
        );
    }

    // off() removes a handler; shutdown() removes the widget and the API.
    js(&visitor, "window.count = 0; window.h = function () { window.count++; }; Livedesk.on('close', h); Livedesk.off('close', h); Livedesk.close();").await;
    assert_eq!(js(&visitor, "return window.count").await, json!(0));
    js(&visitor, "Livedesk.shutdown()").await;
    assert_eq!(
        js(
            &visitor,
            "return [!!document.getElementById('livedesk-root'), typeof window.Livedesk].join(' ')"
        )
        .await,
        json!("false undefined")
    );
    visitor.close().await.ok();
}

#[tokio::test]
async fn the_widget_follows_the_desk_online_busy_and_offline_without_a_reload() {
    let mut setup = Setup::new().await;
    let config = r#"data-config='{"features":{"voiceCall":true,"videoCall":true}}'"#;
    let page = setup.page("/", "en", "", "", config);
    setup.serve(vec![page]);
    let desk = setup.agent_socket().await;
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    open_widget(&visitor).await;

    // ONLINE: an agent is there; voice and video buttons are offered.
    until(&visitor, "the online state", || async {
        text_of(&visitor, "[data-ld=state-text]").await == "Agents online: 1"
            && visible(&visitor, "[data-ld=voice-call]").await
            && visible(&visitor, "[data-ld=video-call]").await
    })
    .await;

    // BUSY: the agent leaves; no calls, and the visitor waits in line when writing.
    desk.close().await;
    until(&visitor, "the busy state", || async {
        text_of(&visitor, "[data-ld=state-text]").await == "All our agents are busy right now"
            && !visible(&visitor, "[data-ld=voice-call]").await
    })
    .await;
    say(&visitor, "anyone there?").await;
    until(&visitor, "the place in line", || async {
        visible(&visitor, "[data-ld=queue]").await
            && text_of(&visitor, "[data-ld=queue-position]").await == "1"
    })
    .await;
    assert!(
        !text_of(&visitor, "[data-ld=queue-wait]").await.is_empty(),
        "an estimated wait is shown"
    );
    visitor
        .find(Locator::Css("[data-ld=leave-queue]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(&visitor, "leaving the queue", || async {
        !visible(&visitor, "[data-ld=queue]").await
            && text_of(&visitor, "[data-ld=note]").await == "You left the queue."
    })
    .await;
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM conversations WHERE site_id = $1 AND status = 'open'",
    )
    .bind(setup.site.id.0)
    .fetch_one(&setup.app.db)
    .await
    .unwrap();
    assert_eq!(open, 0, "the conversation left the queue");

    // OFFLINE: an emergency closes the desk; the widget says so and offers the form.
    let admin = login(&setup.app.node, &setup.site.admin_email)
        .await
        .access_token;
    let put = |body: Value| {
        let admin = admin.clone();
        let url = setup.app.node.url("/api/v1/site/business-hours");
        async move {
            let response = http()
                .put(url)
                .bearer_auth(admin)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 204);
        }
    };
    put(json!({"time_zone": "UTC", "emergency": {"message": "Closed today: power cut", "until": null}})).await;
    until(&visitor, "the emergency message", || async {
        visible(&visitor, "[data-ld=offline]").await
            && text_of(&visitor, "[data-ld=offline-reason]").await == "Closed today: power cut"
            && !visible(&visitor, "[data-ld=composer]").await
    })
    .await;

    // A holiday: its name and message.
    let today = time::OffsetDateTime::now_utc().date().to_string();
    put(json!({"time_zone": "UTC", "weekly": {}, "holidays": [{"date": today, "name": "Republic Day", "message": "Back tomorrow at 09:00"}]})).await;
    until(&visitor, "the holiday", || async {
        text_of(&visitor, "[data-ld=offline-reason]").await == "Republic Day"
            && text_of(&visitor, "[data-ld=offline-detail]").await == "Back tomorrow at 09:00"
    })
    .await;

    // Closed all week but for a later opening: the next opening with a countdown.
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1))
        .weekday()
        .to_string()
        .to_lowercase();
    put(json!({"time_zone": "UTC", "weekly": {tomorrow: [{"start": "09:00", "end": "17:00"}]}}))
        .await;
    until(&visitor, "the next opening", || async {
        let next = text_of(&visitor, "[data-ld=next-open]").await;
        text_of(&visitor, "[data-ld=offline-reason]").await == "We are offline right now"
            && next.starts_with("We open")
            && next.contains("(in ")
    })
    .await;

    // The offline form: a missing field is named; a full one is stored for the agents.
    visitor
        .find(Locator::Css("[data-ld=offline-form] [data-ld=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&visitor, "[data-ld=offline-form] [data-ld=form-error]").await,
        "Please fill in the required fields."
    );
    for (field, value) in [
        ("name", "Ayşe"),
        ("email", "ayse@example.com"),
        ("message", "Call me back please"),
    ] {
        let css = format!("[data-ld=offline-form] [data-ld=field-{field}]");
        visitor
            .find(Locator::Css(&css))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    visitor
        .find(Locator::Css("[data-ld=offline-form] [data-ld=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(&visitor, "the offline form's thanks", || async {
        visible(&visitor, "[data-ld=offline-thanks]").await
    })
    .await;
    let stored: (String, String, Option<String>) =
        sqlx::query_as("SELECT name, message, page_url FROM offline_messages WHERE site_id = $1")
            .bind(setup.site.id.0)
            .fetch_one(&setup.app.db)
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            "Ayşe".into(),
            "Call me back please".into(),
            Some(format!("{}/", setup.host))
        )
    );

    // Open again: back to chatting, still without a reload.
    put(Value::Null).await;
    until(&visitor, "the desk open again", || async {
        !visible(&visitor, "[data-ld=offline]").await
            && visible(&visitor, "[data-ld=composer]").await
    })
    .await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn agents_see_the_visitors_page_live_also_after_a_single_page_app_navigation() {
    let mut setup = Setup::new().await;
    let home = setup.page(
        "/",
        "en",
        "",
        r#"<a id="to-shoes" href="/shoes">Shoes</a>"#,
        "",
    );
    let tall = r#"<div style="height: 3000px">Trail runners</div>"#;
    let page = setup.page("/shoes", "en", "", tall, "");
    setup.serve(vec![home, page]);
    let access = login(&setup.app.node, &setup.site.agent_email)
        .await
        .access_token;
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    visitor
        .find(Locator::Id("to-shoes"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let online = || async {
        let list: Value = http()
            .get(setup.app.node.url("/api/v1/site/visitors/online"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list
    };

    // Without opening the widget: it loads while the browser is idle and reports the page.
    until(&visitor, "the page in the live visitors list", || async {
        let list = online().await;
        list[0]["page"]["url"] == json!(format!("{}/shoes", setup.host))
            && list[0]["page"]["title"] == "Acme Shoes /shoes"
    })
    .await;
    js(
        &visitor,
        "history.pushState({}, '', '/shoes/trail-runner'); document.title = 'Trail Runner';",
    )
    .await;
    until(
        &visitor,
        "the new page in the live visitors list",
        || async {
            let list = online().await;
            list[0]["page"]["url"] == json!(format!("{}/shoes/trail-runner", setup.host))
                && list[0]["page"]["title"] == "Trail Runner"
                && list[0]["status"] == "active"
        },
    )
    .await;
    assert_eq!(
        js(&visitor, "return Livedesk.isOpen()").await,
        json!(false),
        "never opened"
    );

    // The visitor's record: where they came from, their browser, visits and scroll depth.
    js(
        &visitor,
        "window.scrollTo(0, document.documentElement.scrollHeight)",
    )
    .await;
    let id = js(&visitor, "return Livedesk.getVisitorId()").await;
    let details_url = setup
        .app
        .node
        .url(&format!("/api/v1/site/visitors/{}", id.as_str().unwrap()));
    until(&visitor, "the visit in the visitor's record", || async {
        let details: Value = http()
            .get(&details_url)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        details["referrer"] == json!(format!("{}/", setup.host))
            && details["browser"] == "Chrome"
            && details["os"] == "Linux"
            && details["device"] == "desktop"
            && details["visits"] == 1
            && details["scroll_depth"] == 100
    })
    .await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn the_pre_chat_form_asks_first_and_the_chat_types_ticks_and_is_rated() {
    let mut setup = Setup::new().await;
    let config = r#"data-config='{"preChat":{"enabled":true,"fields":["name","email","phone"],"required":["name","email"]}}'"#;
    let page = setup.page("/", "en", "", "", config);
    setup.serve(vec![page]);
    let mut desk = setup.agent_socket().await;
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    let shadow = launcher_root(&visitor).await;
    shadow
        .find(Locator::Css(".ld-launcher"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    widget_frame(&shadow).await.enter_frame().await.unwrap();

    // Pre-chat: the composer waits for the required fields, and a bad e-mail is named.
    until(&visitor, "the pre-chat form", || async {
        visible(&visitor, "[data-ld=prechat]").await
    })
    .await;
    assert!(!visible(&visitor, "[data-ld=composer]").await);
    let field = |name: &str| format!("[data-ld=prechat] [data-ld=field-{name}]");
    visitor
        .find(Locator::Css(&field("name")))
        .await
        .unwrap()
        .send_keys("Ayşe")
        .await
        .unwrap();
    visitor
        .find(Locator::Css(&field("email")))
        .await
        .unwrap()
        .send_keys("ayse-at-example")
        .await
        .unwrap();
    visitor
        .find(Locator::Css("[data-ld=prechat] [data-ld=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(&visitor, "[data-ld=prechat] [data-ld=form-error]").await,
        "Please enter a valid e-mail address."
    );
    let email = visitor.find(Locator::Css(&field("email"))).await.unwrap();
    email.clear().await.unwrap();
    email.send_keys("ayse@example.com\n").await.unwrap();
    until(&visitor, "the composer after the pre-chat form", || async {
        visible(&visitor, "[data-ld=composer]").await
            && !visible(&visitor, "[data-ld=prechat]").await
    })
    .await;
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM visitors WHERE site_id = $1")
        .bind(setup.site.id.0)
        .fetch_one(&setup.app.db)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Ayşe"));

    // An emoji from the picker goes into the message.
    visitor
        .find(Locator::Css("[data-ld=emoji]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    visitor
        .find(Locator::Css("[data-emoji='👋']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    say(&visitor, "hello").await;
    stored_visitor_message(&visitor, 1).await;
    assert_eq!(setup.stored_bodies().await, vec!["👋hello"]);
    let conversation = setup.conversation().await;

    // The agent types: the visitor sees it. The agent reads: the message shows read.
    desk.send_json(&AgentFrame::Typing {
        conversation_id: conversation,
        typing: true,
    })
    .await;
    until(&visitor, "the agent typing", || async {
        text_of(&visitor, "[data-ld=typing]").await == "Ali Agent is typing…"
    })
    .await;
    desk.send_json(&AgentFrame::Seen {
        conversation_id: conversation,
        up_to: 1,
        read: true,
    })
    .await;
    until(&visitor, "the read tick", || async {
        visitor
            .find(Locator::Css(
                "[data-ld=message][data-seq='1'][data-receipt=read]",
            ))
            .await
            .is_ok()
    })
    .await;

    // The agent answers while the panel is open: the agents learn it was read.
    desk.send_json(&AgentFrame::Send {
        cid: ClientId::new_random(),
        conversation_id: conversation,
        body: "Hi Ayşe!".into(),
    })
    .await;
    desk.recv_until(|frame| match frame {
        livedesk_protocol::frames::ServerFrame::Receipt {
            reader: livedesk_protocol::chat::Party::Visitor,
            read_up_to,
            ..
        } if read_up_to >= 2 => Some(()),
        _ => None,
    })
    .await;

    // The visitor types: the agent hears it.
    visitor
        .find(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap()
        .send_keys("a")
        .await
        .unwrap();
    desk.recv_until(|frame| match frame {
        livedesk_protocol::frames::ServerFrame::Typing {
            typing: true,
            author: livedesk_protocol::chat::Author::Visitor { .. },
            ..
        } => Some(()),
        _ => None,
    })
    .await;

    // The agent ends the chat; the visitor rates it.
    desk.send_json(&AgentFrame::Close {
        cid: ClientId::new_random(),
        conversation_id: conversation,
    })
    .await;
    until(&visitor, "the rating", || async {
        visible(&visitor, "[data-ld=rating]").await
    })
    .await;
    visitor
        .find(Locator::Css("[data-ld=star][data-score='4']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    visitor
        .find(Locator::Css("[data-ld=rating-comment]"))
        .await
        .unwrap()
        .send_keys("Quick, thanks")
        .await
        .unwrap();
    visitor
        .find(Locator::Css("[data-ld=rate]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(&visitor, "the thanks for rating", || async {
        visible(&visitor, "[data-ld=rated]").await
    })
    .await;
    let rating: (i16, Option<String>) = sqlx::query_as(
        "SELECT score::int2, comment FROM conversation_ratings WHERE conversation_id = $1",
    )
    .bind(conversation.0)
    .fetch_one(&setup.app.db)
    .await
    .unwrap();
    assert_eq!(rating, (4, Some("Quick, thanks".into())));
    visitor.close().await.ok();
}

#[tokio::test]
async fn proactive_invitations_fire_once_a_session_for_time_and_scroll() {
    let mut setup = Setup::new().await;
    let config = r#"data-config='{"proactiveChat":{"enabled":true,"triggers":{"timeOnPage":1},"message":"Need a size tip?"}}'"#;
    let scroll =
        r#"data-config='{"proactiveChat":{"enabled":true,"triggers":{"scrollPercentage":50}}}'"#;
    let tall = r#"<div style="height: 4000px">tall</div>"#;
    let timed = setup.page("/", "en", "", "", config);
    let long = setup.page("/long", "en", "", tall, scroll);
    setup.serve(vec![timed, long]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    let invite = "const i = document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-invite'); \
                  return i ? [i.getAttribute('data-trigger'), i.querySelector('.ld-invite-text').textContent].join(': ') : ''";

    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    until(&visitor, "the time-on-page invitation", || async {
        js(&visitor, invite).await == json!("timeOnPage: Need a size tip?")
    })
    .await;
    js(
        &visitor,
        "document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-invite-x').click()",
    )
    .await;
    visitor.refresh().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(js(&visitor, invite).await, json!(""), "once a session");

    visitor.goto(&format!("{}/long", setup.host)).await.unwrap();
    launcher_root(&visitor).await;
    assert_eq!(js(&visitor, invite).await, json!(""));
    js(
        &visitor,
        "window.scrollTo(0, document.documentElement.scrollHeight)",
    )
    .await;
    until(&visitor, "the scroll invitation", || async {
        js(&visitor, invite).await == json!("scrollPercentage: 👋 Need any help?")
    })
    .await;
    // Clicking it opens the chat.
    js(&visitor, "document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-invite-text').click()").await;
    assert_eq!(js(&visitor, "return Livedesk.isOpen()").await, json!(true));
    visitor.close().await.ok();
}

#[tokio::test]
async fn a_turkish_page_on_a_360_px_phone_gets_a_turkish_full_screen_widget() {
    let mut setup = Setup::new().await;
    let page = setup.page("/", "tr", "", "", "");
    setup.serve(vec![page]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser_sized(360, 740).await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    let shadow = launcher_root(&visitor).await;
    let launcher = shadow.find(Locator::Css(".ld-launcher")).await.unwrap();
    assert_eq!(
        launcher.attr("aria-label").await.unwrap().as_deref(),
        Some("Canlı desteği aç")
    );

    // Keyboard: the launcher takes focus and opens with Enter; focus moves into the chat.
    launcher.send_keys("\u{E007}").await.unwrap();
    let frame = widget_frame(&shadow).await;
    let width = js(&visitor, "return document.documentElement.clientWidth").await;
    let rect = frame.rectangle().await.unwrap();
    assert_eq!(
        json!(rect.2 as i64),
        width,
        "the panel fills the phone's width"
    );
    frame.enter_frame().await.unwrap();
    let composer = visitor
        .wait()
        .for_element(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    assert_eq!(
        composer.attr("placeholder").await.unwrap().as_deref(),
        Some("Mesajınızı yazın…")
    );
    until(&visitor, "focus in the composer", || async {
        js(
            &visitor,
            "return document.activeElement && document.activeElement.getAttribute('data-ld')",
        )
        .await
            == json!("composer")
    })
    .await;
    say(&visitor, "merhaba").await;
    stored_visitor_message(&visitor, 1).await;
    // Escape closes the panel and gives the focus back to the launcher.
    visitor
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    visitor.enter_parent_frame().await.unwrap();
    until(&visitor, "the panel to close", || async {
        js(&visitor, "return Livedesk.isOpen()").await == json!(false)
    })
    .await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn a_visitor_shares_an_image_with_a_preview_and_a_fake_one_is_refused_with_a_reason() {
    let mut setup = Setup::new().await;
    let page = setup.page("/", "en", "", "", "");
    let other = setup.page("/returns", "en", "", "", "");
    setup.serve(vec![page, other]);
    let files = support::browser::tempdir::Dir::new();
    let real = files.path.join("pixel.png");
    std::fs::write(&real, PIXEL_PNG).unwrap();
    let fake = files.path.join("totally-a-photo.png");
    std::fs::write(&fake, b"MZ\x90\0 this is a program, not a picture").unwrap();
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    open_widget(&visitor).await;

    let input = visitor
        .find(Locator::Css("[data-ld=file-input]"))
        .await
        .unwrap();
    input.send_keys(&fake.display().to_string()).await.unwrap();
    until(&visitor, "the refusal of the fake image", || async {
        text_of(&visitor, "[data-ld=status]")
            .await
            .starts_with("only images (PNG, JPEG, GIF, WebP) and PDF files can be sent")
    })
    .await;
    assert!(
        setup.stored_bodies().await.is_empty(),
        "no message for a refused file"
    );

    let input = visitor
        .find(Locator::Css("[data-ld=file-input]"))
        .await
        .unwrap();
    input.send_keys(&real.display().to_string()).await.unwrap();
    stored_visitor_message(&visitor, 1).await;
    let preview = js(&visitor, "const i = document.querySelector('[data-ld=message][data-seq=\"1\"] img[data-ld=preview]'); return i ? i.complete && i.naturalWidth : null").await;
    assert_eq!(preview, json!(1), "the image is shown in the chat");
    let bodies = setup.stored_bodies().await;
    assert!(
        bodies.len() == 1 && bodies[0].starts_with("📎 pixel.png\n/api/v1/files/"),
        "{bodies:?}"
    );
    assert!(
        !visible(&visitor, "[data-ld=status]").await,
        "no error left on screen"
    );

    // On another page of the site the conversation is still there.
    visitor.enter_parent_frame().await.unwrap();
    visitor
        .goto(&format!("{}/returns", setup.host))
        .await
        .unwrap();
    open_widget(&visitor).await;
    until(&visitor, "the transcript on another page", || async {
        text_of(&visitor, "[data-ld=message][data-seq='1']")
            .await
            .starts_with("📎 pixel.png")
    })
    .await;
    until(&visitor, "the image's preview on another page", || async {
        js(&visitor, "const i = document.querySelector('[data-ld=message][data-seq=\"1\"] img[data-ld=preview]'); return i ? i.complete && i.naturalWidth : null").await == json!(1)
    })
    .await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn the_widget_says_it_is_reconnecting_when_the_server_goes_away_and_loses_nothing() {
    let mut setup = Setup::new().await;
    let page = setup.page("/", "en", "", "", "");
    setup.serve(vec![page]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    open_widget(&visitor).await;
    say(&visitor, "first").await;
    stored_visitor_message(&visitor, 1).await;

    // The server goes away: the widget says so, and keeps what the visitor writes.
    let Setup { app, .. } = &mut setup;
    let addr = app.node.addr;
    let settings = support::NodeSettings {
        database_url: app.settings.database_url.clone(),
        redis_url: app.settings.redis_url.clone(),
        access_ttl_secs: app.settings.access_ttl_secs,
        extra: app.settings.extra.clone(),
    };
    let gone = std::mem::replace(&mut app.node, support::TestNode::start(&settings).await);
    gone.stop().await;
    until(&visitor, "the reconnecting notice", || async {
        visible(&visitor, "[data-ld=status]").await
            && text_of(&visitor, "[data-ld=status]").await == "Reconnecting…"
    })
    .await;
    say(&visitor, "written while offline").await;
    assert!(
        visitor
            .find(Locator::Css("[data-ld=message][data-state=pending]"))
            .await
            .is_ok(),
        "shown as not yet sent"
    );

    // It comes back at the same address: the message is sent once, the notice goes.
    let back = support::TestNode::start_at(&settings, addr).await;
    stored_visitor_message(&visitor, 2).await;
    until(&visitor, "the notice to go", || async {
        !visible(&visitor, "[data-ld=status]").await
    })
    .await;
    assert_eq!(
        setup.stored_bodies().await,
        vec!["first", "written while offline"]
    );
    back.stop().await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn proactive_invitations_fire_on_exit_intent_idleness_and_a_return_to_the_tab() {
    let mut setup = Setup::new().await;
    let trigger = |json: &str| {
        format!("data-config='{{\"proactiveChat\":{{\"enabled\":true,\"triggers\":{json}}}}}'")
    };
    let exit = setup.page("/exit", "en", "", "", &trigger(r#"{"exitIntent":true}"#));
    let idle = setup.page("/idle", "en", "", "", &trigger(r#"{"idle":2}"#));
    let back = setup.page(
        "/back",
        "tr",
        "",
        "",
        &trigger(r#"{"pageVisibility":true}"#),
    );
    setup.serve(vec![exit, idle, back]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    let invite = "const r = document.getElementById('livedesk-root'); \
                  const i = r && r.shadowRoot.querySelector('.ld-invite'); \
                  return i ? [i.getAttribute('data-trigger'), i.querySelector('.ld-invite-text').textContent].join(': ') : ''";
    // Waits for the proactive module, which the loader fetches after drawing the launcher.
    let armed = "return !!document.querySelector('script[src*=\"/widget/proactive.\"]')";

    // The pointer leaves through the top of the window.
    visitor.goto(&format!("{}/exit", setup.host)).await.unwrap();
    launcher_root(&visitor).await;
    until(&visitor, "the proactive module", || async {
        js(&visitor, armed).await == json!(true)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let leave = "document.dispatchEvent(new MouseEvent('mouseout', { clientY: -2, relatedTarget: null, bubbles: true }))";
    js(&visitor, "document.dispatchEvent(new MouseEvent('mouseout', { clientY: 300, relatedTarget: document.body, bubbles: true }))").await;
    assert_eq!(
        js(&visitor, invite).await,
        json!(""),
        "moving inside the page is no exit"
    );
    js(&visitor, leave).await;
    until(&visitor, "the exit-intent invitation", || async {
        js(&visitor, invite).await == json!("exitIntent: 👋 Need any help?")
    })
    .await;

    // Two seconds without input.
    visitor.goto(&format!("{}/idle", setup.host)).await.unwrap();
    launcher_root(&visitor).await;
    until(&visitor, "the idle invitation", || async {
        js(&visitor, invite).await == json!("idle: 👋 Need any help?")
    })
    .await;

    // Coming back to the tab (in Turkish).
    visitor.goto(&format!("{}/back", setup.host)).await.unwrap();
    launcher_root(&visitor).await;
    until(&visitor, "the proactive module", || async {
        js(&visitor, armed).await == json!(true)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        js(&visitor, invite).await,
        json!(""),
        "nothing before the visitor returns"
    );
    js(
        &visitor,
        "document.dispatchEvent(new Event('visibilitychange'))",
    )
    .await;
    until(&visitor, "the return-to-tab invitation", || async {
        js(&visitor, invite).await == json!("pageVisibility: 👋 Yardıma ihtiyacınız var mı?")
    })
    .await;
    visitor.close().await.ok();
}

#[tokio::test]
async fn the_sites_settings_style_the_widget_and_its_callbacks_are_called() {
    let mut setup = Setup::new().await;
    let head = format!(
        r#"{RECORDER}<script>window.LivedeskConfig = {{
  agentName: 'Acme Support Team',
  placeholderText: 'Ask us about shoes',
  customCSS: '.ld-launcher {{ width: 72px; }} .ld-title {{ color: rgb(1, 2, 3); }}',
  onReady: record('onReady'), onOpen: record('onOpen'), onClose: record('onClose')
}};</script>"#
    );
    let page = setup.page("/", "en", &head, "", "");
    setup.serve(vec![page]);
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();

    let shadow = launcher_root(&visitor).await;
    let width = js(&visitor, "return getComputedStyle(document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-launcher')).width").await;
    assert_eq!(width, json!("72px"), "the custom CSS reaches the launcher");
    shadow
        .find(Locator::Css(".ld-launcher"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    let composer = visitor
        .wait()
        .for_element(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
    assert_eq!(
        composer.attr("placeholder").await.unwrap().as_deref(),
        Some("Ask us about shoes")
    );
    until(
        &visitor,
        "the agent name and the custom CSS in the frame",
        || async {
            text_of(&visitor, "[data-ld=title]").await == "Acme Support Team"
                && js(
                    &visitor,
                    "return getComputedStyle(document.querySelector('[data-ld=title]')).color",
                )
                .await
                    == json!("rgb(1, 2, 3)")
        },
    )
    .await;
    visitor
        .find(Locator::Css("[data-ld=close]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    visitor.enter_parent_frame().await.unwrap();
    until(&visitor, "the callbacks", || async {
        let seen = events_seen(&visitor).await;
        ["onReady", "onOpen", "onClose"]
            .iter()
            .all(|e| seen.contains(&e.to_string()))
    })
    .await;
    visitor.close().await.ok();
}

/// Waits until the agents hear that the visitor's browser received message `seq`: the
/// frame has then also passed it to the page.
async fn delivered(desk: &mut Socket, seq: i64) {
    desk.recv_until(|frame| match frame {
        livedesk_protocol::frames::ServerFrame::Receipt {
            reader: livedesk_protocol::chat::Party::Visitor,
            delivered_up_to,
            ..
        } if delivered_up_to >= seq => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test]
async fn an_agents_message_to_a_visitor_on_another_tab_shows_a_notification_that_opens_the_chat() {
    let mut setup = Setup::new().await;
    let head = format!("{RECORDER}<script>{CHIME_COUNTER}</script>{NOTIFICATION_RECORDER}");
    let body = "<script>Livedesk.on('message:received', function (m) { window.seen.push([m.body, document.visibilityState]); });</script>";
    let snippet = snippet(&setup.livedesk, &setup.site.key, "");
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title>{head}</head>
<body><h1>Acme Shoes</h1>{}{body}</body></html>"#,
        snippet.replace(" async>", ">")
    );
    setup.serve(vec![HostPage {
        path: "/",
        html,
        headers: Vec::new(),
    }]);
    let mut desk = setup.agent_socket().await;
    let driver = Driver::start();
    let (visitor, _profile) = driver.browser().await;
    // The visitor allowed the shop's notifications earlier (the widget never asks).
    devtools(
        &visitor,
        "Browser.grantPermissions",
        json!({"origin": setup.host, "permissions": ["notifications"]}),
    )
    .await;
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    open_widget(&visitor).await;
    say(&visitor, "do you have size 44?").await;
    stored_visitor_message(&visitor, 1).await;
    visitor.enter_parent_frame().await.unwrap();
    js(&visitor, "Livedesk.close()").await;
    let conversation = setup.conversation().await;
    let answer = |body: &str| AgentFrame::Send {
        cid: ClientId::new_random(),
        conversation_id: conversation,
        body: body.into(),
    };
    let shown = "return window.notifications.map(function (n) { return [n.title, n.body]; })";

    // Closed panel, tab in front: the badge says it, no notification.
    desk.send_json(&answer("Let me check the stock")).await;
    until(&visitor, "the unread badge", || async {
        js(&visitor, "return Livedesk.getUnreadCount()").await == json!(1)
    })
    .await;
    assert_eq!(js(&visitor, shown).await, json!([]));

    // The visitor goes to another tab; the agent answers.
    let shop = visitor.window().await.unwrap();
    let other = visitor.new_window(true).await.unwrap();
    visitor.switch_to_window(other.handle).await.unwrap();
    desk.send_json(&answer("Yes, size 44 is in stock")).await;
    delivered(&mut desk, 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    visitor.switch_to_window(shop).await.unwrap();

    // A notification with the agent's name and words; it came while the tab was hidden.
    until(&visitor, "the second message on the page", || async {
        js(&visitor, "return window.seen.length").await == json!(2)
    })
    .await;
    assert_eq!(
        js(&visitor, "return window.seen[1]").await,
        json!(["Yes, size 44 is in stock", "hidden"])
    );
    assert_eq!(
        js(&visitor, shown).await,
        json!([["Ali Agent", "Yes, size 44 is in stock"]])
    );
    assert_eq!(js(&visitor, "return window.chimes").await, json!(2));
    assert_eq!(js(&visitor, "return window.asked").await, json!(0));
    let badge = "const b = document.getElementById('livedesk-root').shadowRoot.querySelector('.ld-badge'); return b.hidden ? '' : b.textContent";
    assert_eq!(js(&visitor, badge).await, json!("2"));

    // Clicking it opens the chat, where the answer is.
    js(&visitor, "window.notifications[0].onclick()").await;
    assert_eq!(js(&visitor, "return Livedesk.isOpen()").await, json!(true));
    assert_eq!(
        js(&visitor, "return Livedesk.getUnreadCount()").await,
        json!(0)
    );
    assert_eq!(js(&visitor, badge).await, json!(""));
    let shadow = launcher_root(&visitor).await;
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    until(&visitor, "the answer in the chat", || async {
        text_of(&visitor, "[data-ld=message][data-seq='3']").await == "Yes, size 44 is in stock"
    })
    .await;
    visitor.close().await.ok();
}

/// The launcher's hover transition, the panel's opening animation and a chat message's
/// arrival animation, as computed: "<launcher transition> | <panel animation> | <message
/// animation>". Leaves the client in the page.
async fn motion(visitor: &Client) -> String {
    open_widget(visitor).await;
    say(visitor, "hello").await;
    stored_visitor_message(visitor, 1).await;
    let message = js(
        visitor,
        "const s = getComputedStyle(document.querySelector('[data-ld=message][data-seq=\"1\"]')); \
         return s.animationName + ' ' + s.animationDuration",
    )
    .await;
    visitor.enter_parent_frame().await.unwrap();
    let page = js(
        visitor,
        "const r = document.getElementById('livedesk-root').shadowRoot; \
         const l = getComputedStyle(r.querySelector('.ld-launcher')); const p = getComputedStyle(r.querySelector('.ld-panel')); \
         return l.transitionDuration + ' | ' + p.animationName + ' ' + p.animationDuration",
    )
    .await;
    format!("{} | {}", page.as_str().unwrap(), message.as_str().unwrap())
}

#[tokio::test]
async fn a_visitor_who_asked_for_reduced_motion_gets_a_widget_that_does_not_move() {
    let mut setup = Setup::new().await;
    let page = setup.page("/", "en", "", "", "");
    setup.serve(vec![page]);
    let driver = Driver::start();

    let (still, _profile) = driver.browser_reducing_motion().await;
    still.goto(&format!("{}/", setup.host)).await.unwrap();
    assert_eq!(
        js(
            &still,
            "return matchMedia('(prefers-reduced-motion: reduce)').matches"
        )
        .await,
        json!(true)
    );
    assert_eq!(motion(&still).await, "0s | none 0s | none 0s");
    still.close().await.ok();

    // Anyone else sees the panel and the messages come in.
    let (moving, _profile) = driver.browser().await;
    moving.goto(&format!("{}/", setup.host)).await.unwrap();
    assert_eq!(motion(&moving).await, "0.15s | ld-pop 0.2s | ld-in 0.18s");
    moving.close().await.ok();
}

/// Host pages download the loader compressed, in under 4 KB: as brotli where the browser
/// takes it, else as gzip, else as it is.
#[tokio::test]
async fn host_pages_download_the_loader_compressed_in_under_4_kb() {
    let app = TestApp::spawn().await;
    let url = app.node.url("/widget/loader.js");
    let fetch = |accept: Option<&'static str>| {
        let request = http().get(&url);
        let request = match accept {
            Some(accept) => request.header("accept-encoding", accept),
            None => request,
        };
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
            };
            let (encoding, kind) = (header("content-encoding"), header("content-type"));
            assert!(kind.unwrap().contains("javascript"));
            (encoding, response.bytes().await.unwrap().to_vec())
        }
    };

    // A client that takes no compression gets the script itself.
    let (encoding, plain) = fetch(None).await;
    assert_eq!(encoding, None);
    assert!(plain.starts_with(b"/*! Livedesk loader */"));

    let (encoding, brotli) = fetch(Some("gzip, deflate, br")).await;
    assert_eq!(encoding.as_deref(), Some("br"));
    assert!(
        brotli.len() <= 4000,
        "the loader is {} bytes as brotli",
        brotli.len()
    );
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut brotli.as_slice(), &mut unpacked).unwrap();
    assert_eq!(unpacked, plain, "the brotli copy is of the script served");

    let (encoding, gzip) = fetch(Some("gzip, deflate")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(
        gzip.len() <= 4000,
        "the loader is {} bytes gzipped",
        gzip.len()
    );
    assert!(brotli.len() < gzip.len());
}
