//! Calls between two real headless Chromiums with fake camera, microphone and screen: a
//! visitor calls from the widget on a third-party page, the agent answers in the
//! dashboard, media flows both ways, mute, camera and screen sharing show on the other
//! side, the shared screen's end brings the camera back, and the hang-up ends the call on
//! both sides and in the transcript. Also: the agent declines.
//!
//! How the tests look inside the browsers, without hooks in the product:
//! - `getStats()`: a script of the test wraps the page's `RTCPeerConnection` constructor
//!   (in the widget's frame and in the dashboard) before the call, keeping every peer
//!   connection the product creates in `window.__pcs`; the product's code is unchanged.
//! - Screen sharing: the product calls `navigator.mediaDevices.getDisplayMedia()`. Headless
//!   Chromium answers it with `--use-fake-ui-for-media-stream` and
//!   `--auto-select-desktop-capture-source` (Chromium of Debian bookworm, December 2026:
//!   the real capture is used). If a build refuses it anyway, the test's wrapper answers
//!   with a canvas `captureStream()` track instead (same code path after the promise;
//!   `window.__displayFallback` tells which happened, and the test prints it).
//! - The browser's own "Stop sharing" button cannot be clicked headless: the test stops
//!   the shared track and fires its `ended` event, which is what that button does.

#![allow(clippy::unwrap_used)]

mod support;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use support::browser::{
    Driver, HostPage, host_page_port, js, messages_by, open_widget, serve_pages, snippet, until,
    visible,
};
use support::{PASSWORD, SiteFixture, TestApp, create_site};

/// Keeps the peer connections a page creates, for `getStats()`, and answers
/// `getDisplayMedia` with a canvas when the browser cannot capture the screen.
const INSTRUMENT: &str = r#"
if (!window.__pcs) {
  window.__pcs = [];
  const P = window.RTCPeerConnection;
  const Wrapped = function (config) { const pc = new P(config); window.__pcs.push(pc); return pc; };
  Wrapped.prototype = P.prototype;
  window.RTCPeerConnection = Wrapped;
  const devices = navigator.mediaDevices;
  const real = devices.getDisplayMedia.bind(devices);
  devices.getDisplayMedia = async function (constraints) {
    try {
      const stream = await real(constraints);
      window.__displayFallback = 'none';
      return stream;
    } catch (e) {
      window.__displayFallback = String(e);
      const canvas = document.createElement('canvas');
      canvas.width = 640; canvas.height = 360;
      const g = canvas.getContext('2d');
      let n = 0;
      window.__canvasTimer = setInterval(function () { g.fillStyle = n++ % 2 ? '#0f766e' : '#f59e0b'; g.fillRect(0, 0, 640, 360); }, 100);
      return canvas.captureStream(10);
    }
  };
}
return true;
"#;

/// Bytes received so far on the page's newest peer connection, by media kind.
const RECEIVED: &str = r#"
const done = arguments[arguments.length - 1];
const pc = (window.__pcs || [])[window.__pcs.length - 1];
if (!pc) { done({audio: 0, video: 0}); return; }
pc.getStats().then(function (report) {
  const got = {audio: 0, video: 0};
  report.forEach(function (s) { if (s.type === 'inbound-rtp') got[s.kind] += s.bytesReceived || 0; });
  done(got);
}, function () { done({audio: 0, video: 0}); });
"#;

/// The id of the track the newest peer connection sends as video.
const SENT_VIDEO: &str = r#"
const pc = window.__pcs[window.__pcs.length - 1];
const sender = pc.getSenders().find(function (s) { return s.track && s.track.kind === 'video'; });
return sender ? sender.track.id : null;
"#;

/// What the browser's "Stop sharing" does: the shared track ends.
const STOP_SHARING: &str = r#"
const pc = window.__pcs[window.__pcs.length - 1];
const sender = pc.getSenders().find(function (s) { return s.track && s.track.kind === 'video'; });
sender.track.stop();
sender.track.dispatchEvent(new Event('ended'));
return true;
"#;

struct Setup {
    /// The node and its database, kept running for the browsers.
    _app: TestApp,
    livedesk: String,
    host: String,
    site: SiteFixture,
}

impl Setup {
    /// A node, a site allowing the shop's origin, and the shop's page with calls enabled
    /// (the page records the API's call events in `window.seen`).
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let livedesk = app.node.origin();
        let (listener, host) = host_page_port().await;
        let site = create_site(&app.db, "Acme Shoes Web", &host).await;
        let head = r#"<script>window.seen = [];
window.LivedeskConfig = { features: { voiceCall: true, videoCall: true },
  onCallStarted: function (c) { window.seen.push(['call:started', c]); },
  onCallEnded: function (c) { window.seen.push(['call:ended', c]); } };</script>"#;
        let html = format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Shoes</title>{head}</head>
<body><h1>Acme Shoes</h1>{}</body></html>"#,
            snippet(&livedesk, &site.key, "")
        );
        serve_pages(
            listener,
            vec![HostPage {
                path: "/",
                html,
                headers: Vec::new(),
            }],
        );
        Self {
            _app: app,
            livedesk,
            host,
            site,
        }
    }
}

/// The agent signs in to the dashboard; the visitor opens the widget, says hello (a call
/// needs an open conversation) and the agent opens the conversation.
async fn chatting(setup: &Setup, visitor: &Client, agent: &Client) {
    sign_in(agent, &setup.livedesk, &setup.site.agent_email).await;
    agent
        .wait()
        .for_element(Locator::Css("[data-ld=no-conversation]"))
        .await
        .unwrap();
    visitor.goto(&format!("{}/", setup.host)).await.unwrap();
    open_widget(visitor).await;
    visitor
        .find(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap()
        .send_keys("can we talk?")
        .await
        .unwrap();
    visitor
        .find(Locator::Css("[data-ld=send]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(visitor, "the visitor's message stored", || async {
        visible(
            visitor,
            "[data-ld=message][data-author=visitor][data-seq='1']",
        )
        .await
    })
    .await;
    agent
        .wait()
        .for_element(Locator::Css("[data-ld=conversation]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(visitor, "the video call button", || async {
        visible(visitor, "[data-ld=video-call]").await
    })
    .await;
    js(visitor, INSTRUMENT).await;
    js(agent, INSTRUMENT).await;
}

async fn sign_in(agent: &Client, base: &str, email: &str) {
    agent.goto(&format!("{base}/dashboard/")).await.unwrap();
    let field = |name: &'static str| async move {
        agent
            .wait()
            .for_element(Locator::Css(&format!("input[name={name}]")))
            .await
            .unwrap()
    };
    field("email").await.send_keys(email).await.unwrap();
    field("password").await.send_keys(PASSWORD).await.unwrap();
    agent
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The call panel's attribute `name` ("" when there is no panel).
async fn panel(client: &Client, name: &str) -> String {
    match client.find(Locator::Css("[data-ld=call]")).await {
        Ok(el) => el.attr(name).await.ok().flatten().unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn received(client: &Client) -> (u64, u64) {
    let got = client.execute_async(RECEIVED, vec![]).await.unwrap();
    (
        got["audio"].as_u64().unwrap_or(0),
        got["video"].as_u64().unwrap_or(0),
    )
}

/// The call events the host page heard.
async fn call_events(visitor: &Client) -> Vec<Value> {
    visitor.enter_parent_frame().await.unwrap();
    let seen = js(visitor, "return window.seen").await;
    enter_widget(visitor).await;
    seen.as_array().cloned().unwrap_or_default()
}

async fn enter_widget(visitor: &Client) {
    open_widget(visitor).await;
}

#[tokio::test]
async fn a_visitor_video_calls_an_agent_who_answers_in_the_dashboard_and_both_see_each_other() {
    let setup = Setup::new().await;
    let driver = Driver::start();
    let (visitor, _visitor_profile) = driver.media_browser().await;
    let (agent, _agent_profile) = driver.media_browser().await;
    chatting(&setup, &visitor, &agent).await;

    // The visitor calls; the agent's dashboard rings and the agent accepts.
    click(&visitor, "[data-ld=video-call]").await;
    until(&visitor, "the widget calling", || async {
        matches!(
            panel(&visitor, "data-state").await.as_str(),
            "calling" | "ringing"
        )
    })
    .await;
    until(&agent, "the incoming call in the dashboard", || async {
        visible(&agent, "[data-ld=call-incoming]").await
    })
    .await;
    click(&agent, "[data-ld=call-accept]").await;

    // Both reach an active call, and media flows both ways.
    until(&visitor, "the widget's call active", || async {
        panel(&visitor, "data-state").await == "active"
    })
    .await;
    until(&agent, "the dashboard's call active", || async {
        panel(&agent, "data-state").await == "active"
    })
    .await;
    until(&visitor, "audio and video reaching the visitor", || async {
        let (audio, video) = received(&visitor).await;
        audio > 0 && video > 0
    })
    .await;
    until(&agent, "audio and video reaching the agent", || async {
        let (audio, video) = received(&agent).await;
        audio > 0 && video > 0
    })
    .await;
    let timer = visitor
        .find(Locator::Css("[data-ld=call-status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        timer.contains(':'),
        "the widget shows the call's time: {timer:?}"
    );
    let mirrored = js(
        &visitor,
        "return getComputedStyle(document.querySelector('[data-ld=call-self]')).transform",
    )
    .await;
    assert_eq!(
        mirrored,
        json!("matrix(-1, 0, 0, 1, 0, 0)"),
        "the self view is mirrored"
    );

    // The visitor mutes: the agent sees it. The agent turns the camera off: the visitor
    // sees the avatar instead.
    click(&visitor, "[data-ld=call-mute]").await;
    until(&agent, "the visitor shown muted", || async {
        panel(&agent, "data-remote-muted").await == "true"
    })
    .await;
    click(&agent, "[data-ld=call-camera]").await;
    until(
        &visitor,
        "the agent's avatar while their camera is off",
        || async {
            panel(&visitor, "data-remote-camera-off").await == "true"
                && visible(&visitor, "[data-ld=call-avatar]").await
        },
    )
    .await;
    click(&visitor, "[data-ld=call-mute]").await;
    until(&agent, "the visitor unmuted", || async {
        panel(&agent, "data-remote-muted").await == "false"
    })
    .await;

    // The agent shares the screen: the visitor sees it; the browser's "Stop sharing" brings
    // the camera back on both sides.
    let camera = js(&agent, SENT_VIDEO).await;
    click(&agent, "[data-ld=call-share]").await;
    until(&visitor, "the agent's screen shown as shared", || async {
        panel(&visitor, "data-remote-sharing").await == "true"
    })
    .await;
    let shared = js(&agent, SENT_VIDEO).await;
    assert_ne!(shared, camera, "the screen replaces the camera's track");
    let fallback = js(&agent, "return window.__displayFallback").await;
    println!("getDisplayMedia in the dashboard: canvas fallback = {fallback}");
    js(&agent, STOP_SHARING).await;
    until(&visitor, "the agent back on camera", || async {
        panel(&visitor, "data-remote-sharing").await == "false"
    })
    .await;
    assert_eq!(
        js(&agent, SENT_VIDEO).await,
        camera,
        "the camera's track again"
    );

    // The visitor shares too, from the widget's frame, and stops with the browser.
    let camera = js(&visitor, SENT_VIDEO).await;
    click(&visitor, "[data-ld=call-share]").await;
    until(&agent, "the visitor's screen shown as shared", || async {
        panel(&agent, "data-remote-sharing").await == "true"
    })
    .await;
    let fallback = js(&visitor, "return window.__displayFallback").await;
    println!("getDisplayMedia in the widget: canvas fallback = {fallback}");
    js(&visitor, STOP_SHARING).await;
    until(&agent, "the visitor back on camera", || async {
        panel(&agent, "data-remote-sharing").await == "false"
    })
    .await;
    assert_eq!(js(&visitor, SENT_VIDEO).await, camera);

    // The visitor hangs up: the call ends on both sides and in the transcript.
    click(&visitor, "[data-ld=call-hang-up]").await;
    until(&visitor, "the widget's call panel gone", || async {
        !visible(&visitor, "[data-ld=call]").await
    })
    .await;
    until(&agent, "the dashboard's call panel gone", || async {
        agent.find(Locator::Css("[data-ld=call]")).await.is_err()
    })
    .await;
    until(&agent, "the call in the dashboard's transcript", || async {
        let system = messages_by(&agent, "system").await;
        system.iter().any(|t| t.contains("Video call started"))
            && system.iter().any(|t| t.contains("Video call ended after"))
    })
    .await;
    until(&visitor, "the call in the widget's transcript", || async {
        messages_by(&visitor, "system")
            .await
            .iter()
            .any(|t| t.contains("Video call ended after"))
    })
    .await;
    let events = call_events(&visitor).await;
    let names: Vec<&str> = events.iter().filter_map(|e| e[0].as_str()).collect();
    assert_eq!(names, ["call:started", "call:ended"], "{events:?}");
    assert_eq!(events[1][1]["outcome"], json!("answered"));
    assert_eq!(events[1][1]["kind"], json!("video"));
    assert!(events[1][1]["durationSecs"].is_u64(), "{events:?}");

    visitor.close().await.ok();
    agent.close().await.ok();
}

#[tokio::test]
async fn an_agent_declines_a_voice_call_and_the_visitor_is_told() {
    let setup = Setup::new().await;
    let driver = Driver::start();
    let (visitor, _visitor_profile) = driver.media_browser().await;
    let (agent, _agent_profile) = driver.media_browser().await;
    chatting(&setup, &visitor, &agent).await;

    click(&visitor, "[data-ld=voice-call]").await;
    until(&agent, "the incoming call in the dashboard", || async {
        visible(&agent, "[data-ld=call-incoming]").await
    })
    .await;
    click(&agent, "[data-ld=call-reject]").await;

    until(&visitor, "the widget's call panel gone", || async {
        !visible(&visitor, "[data-ld=call]").await
    })
    .await;
    until(
        &visitor,
        "the declined call in the widget's transcript",
        || async {
            messages_by(&visitor, "system")
                .await
                .iter()
                .any(|t| t.contains("Voice call declined"))
        },
    )
    .await;
    assert!(!visible(&agent, "[data-ld=call-incoming]").await);
    let events = call_events(&visitor).await;
    let ended: Vec<&Value> = events.iter().filter(|e| e[0] == "call:ended").collect();
    assert_eq!(ended.len(), 1, "{events:?}");
    assert_eq!(ended[0][1]["outcome"], json!("rejected"));
    assert!(
        !events.iter().any(|e| e[0] == "call:started"),
        "a declined call never started: {events:?}"
    );
    visitor.close().await.ok();
    agent.close().await.ok();
}
