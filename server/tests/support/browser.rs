//! Headless Chromium for the browser tests: a chromedriver per test, a browser profile
//! per client, a third-party page on another origin, and waiting for what a user sees.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::response::Html;
use axum::routing::get;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::{PASSWORD, free_port};

/// A chromedriver of this test's own.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts a chromedriver on a free port and waits until it listens. The port may be
    /// taken between choosing and binding it (tests run in parallel): then chromedriver
    /// exits, and another port is tried.
    pub fn start() -> Self {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&binary)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("starting {binary}: {e}; run the tests with `cargo xtask test`")
                });
            // A loaded machine (the whole suite at once) can take seconds to start it.
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while std::time::Instant::now() < deadline {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Self { child, port };
                }
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("{binary} did not start listening on any of five ports");
    }

    /// A browser with a profile of its own (a separate cookie jar and storage).
    pub async fn browser(&self) -> (Client, tempdir::Dir) {
        self.browser_sized(1280, 900).await
    }

    /// A browser whose window is `width` × `height` CSS pixels.
    pub async fn browser_sized(&self, width: u32, height: u32) -> (Client, tempdir::Dir) {
        self.browser_with(width, height, &[]).await
    }

    /// A browser whose visitor has asked their system for reduced motion. A command-line
    /// switch rather than DevTools' `Emulation.setEmulatedMedia`, which reaches only the
    /// top page, not the widget's frame of another origin.
    pub async fn browser_reducing_motion(&self) -> (Client, tempdir::Dir) {
        self.browser_with(1280, 900, &["--force-prefers-reduced-motion"])
            .await
    }

    /// A browser with fake camera, microphone and screen, which grants every media
    /// permission without asking (for calls).
    pub async fn media_browser(&self) -> (Client, tempdir::Dir) {
        self.browser_with(
            1280,
            900,
            &[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--auto-select-desktop-capture-source=Entire screen",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        .await
    }

    async fn browser_with(
        &self,
        width: u32,
        height: u32,
        extra: &[&str],
    ) -> (Client, tempdir::Dir) {
        let profile = tempdir::Dir::new();
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
        ];
        args.extend(extra.iter().map(|arg| arg.to_string()));
        args.push(format!("--window-size={width},{height}"));
        args.push(format!("--user-data-dir={}", profile.path.display()));
        let mut options = json!({ "args": args });
        if width < 500 {
            // Desktop Chromium keeps windows at least 500 px wide: a phone is emulated.
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}
            });
        }
        if let Ok(binary) = std::env::var("CHROMIUM") {
            options["binary"] = json!(binary);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        // chromedriver speaks plain HTTP on loopback.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session");
        (client, profile)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub mod tempdir {
    use std::path::PathBuf;

    /// A directory removed on drop.
    pub struct Dir {
        pub path: PathBuf,
    }

    impl Dir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!(
                "livedesk-browser-{}",
                uuid::Uuid::new_v4().simple()
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self { path }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A port for the third-party page, bound before the site exists so the site can allow
/// its origin.
pub async fn host_page_port() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (listener, origin)
}

/// Serves a plain page that knows nothing of Livedesk but the embed snippet.
pub fn serve_host_page(listener: tokio::net::TcpListener, livedesk_origin: &str, site_key: &str) {
    let page = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Shoes</title></head>
<body><h1>Acme Shoes</h1><p>Running shoes for every road.</p>
<script src="{livedesk_origin}/widget/loader.js" data-site-key="{site_key}" async></script>
</body></html>"#
    );
    let app = axum::Router::new().route("/", get(move || async move { Html(page) }));
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// Polls until `check` holds, for up to 20 s. On a timeout, a screenshot and the page's
/// HTML of `client` are kept under `target/browser-failures/` to look at.
pub async fn until<F, Fut>(client: &Client, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser-failures");
    let _ = std::fs::create_dir_all(&dir);
    let name = what.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
    if let Ok(html) = client.source().await {
        let _ = std::fs::write(dir.join(format!("{name}.html")), html);
    }
    panic!("timed out waiting for {what} (see {})", dir.display());
}

/// The texts of the messages by an author in the current frame or page.
pub async fn messages_by(client: &Client, author: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let selector = format!("[data-ld=message][data-author={author}]");
    for element in client
        .find_all(Locator::Css(&selector))
        .await
        .unwrap_or_default()
    {
        texts.push(element.text().await.unwrap_or_default());
    }
    texts
}

/// The widget's iframe, which the loader creates when the panel first opens.
pub async fn widget_frame(
    shadow: &fantoccini::elements::ShadowRoot,
) -> fantoccini::elements::Element {
    for _ in 0..200 {
        if let Ok(frame) = shadow.find(Locator::Css("iframe#livedesk-frame")).await {
            return frame;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for the widget frame");
}

/// Opens the widget with its launcher and enters its frame. The loader keeps the panel open
/// across page loads of one tab, so the launcher is clicked only when it is closed.
pub async fn open_widget(visitor: &Client) {
    let root = visitor
        .wait()
        .for_element(Locator::Css("#livedesk-root"))
        .await
        .unwrap();
    let shadow = root.shadow_root().await.unwrap();
    let is_open = visitor
        .execute(
            "return window.Livedesk && window.Livedesk.isOpen ? window.Livedesk.isOpen() : false",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if !is_open {
        shadow
            .find(Locator::Css(".ld-launcher"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    widget_frame(&shadow).await.enter_frame().await.unwrap();
    visitor
        .wait()
        .for_element(Locator::Css("[data-ld=composer]"))
        .await
        .unwrap();
}

/// A page of the third-party site: its path, its HTML and its response headers.
pub struct HostPage {
    pub path: &'static str,
    pub html: String,
    pub headers: Vec<(&'static str, String)>,
}

/// Serves `pages` (and nothing of Livedesk) on `listener`.
pub fn serve_pages(listener: tokio::net::TcpListener, pages: Vec<HostPage>) {
    let mut app = axum::Router::new();
    for page in pages {
        let HostPage {
            path,
            html,
            headers,
        } = page;
        app = app.route(
            path,
            get(move || {
                let html = html.clone();
                let headers = headers.clone();
                async move {
                    let mut map = axum::http::HeaderMap::new();
                    for (name, value) in headers {
                        map.insert(name, value.parse().unwrap());
                    }
                    (map, Html(html))
                }
            }),
        );
    }
    tokio::spawn(async move { axum::serve(listener, app).await });
}

/// The embed snippet: the loader's script tag with extra attributes (e.g. `data-config`).
pub fn snippet(livedesk: &str, site_key: &str, attributes: &str) -> String {
    format!(
        r#"<script src="{livedesk}/widget/loader.js" data-site-key="{site_key}" {attributes} async></script>"#
    )
}

/// Runs `script` (a function body) in the current frame and returns its value.
/// A stand-in for the Web Audio API that counts the tones started in `window.chimes`
/// (headless Chromium has no speakers to listen to). Script text, for a page's `<script>`
/// or `execute`.
pub const CHIME_COUNTER: &str = r#"window.chimes = 0; window.AudioContext = function () {
  var param = function () { return { value: 0, setValueAtTime: function () {}, exponentialRampToValueAtTime: function () {} }; };
  var node = function () { return { connect: function (n) { return n || node(); }, gain: param(), frequency: param(), start: function () {}, stop: function () {} }; };
  return { currentTime: 0, destination: node(), createGain: node, close: function () { return Promise.resolve(); },
    createOscillator: function () { window.chimes++; return node(); } };
};"#;

pub async fn js(client: &Client, script: &str) -> serde_json::Value {
    client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("running {script}: {e}"))
}

/// The launcher's shadow root, once the loader has drawn it.
pub async fn launcher_root(client: &Client) -> fantoccini::elements::ShadowRoot {
    client
        .wait()
        .for_element(Locator::Css("#livedesk-root"))
        .await
        .unwrap()
        .shadow_root()
        .await
        .unwrap()
}

/// Whether an element matching `css` is in the current frame and visible.
pub async fn visible(client: &Client, css: &str) -> bool {
    match client.find(Locator::Css(css)).await {
        Ok(el) => el.is_displayed().await.unwrap_or(false),
        Err(_) => false,
    }
}

/// The text of the first element matching `css` in the current frame ("" if none).
pub async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(el) => el.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Clicks the first element matching `css` once it is shown. A live list may draw a row
/// again between finding and clicking it (the row of a chat that was just assigned): then
/// the new row is found and clicked.
pub async fn click_when_shown(client: &Client, css: &str) {
    for _ in 0..20 {
        let found = client.wait().for_element(Locator::Css(css)).await;
        match found {
            Ok(element) => match element.click().await {
                Ok(()) => return,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clicking {css}: {e}"),
            },
            Err(e) => panic!("waiting for {css}: {e}"),
        }
    }
    panic!("{css} kept being drawn again before it could be clicked");
}

/// Signs in to the dashboard at `base` (the node, or nginx in front of the nodes) with the
/// test accounts' password.
pub async fn sign_in_dashboard(agent: &Client, base: &str, email: &str) {
    sign_in_dashboard_as(agent, base, email, PASSWORD).await;
}

/// Signs in with another password (an account an admin made in the test).
pub async fn sign_in_dashboard_as(agent: &Client, base: &str, email: &str, password: &str) {
    agent.goto(&format!("{base}/dashboard/")).await.unwrap();
    agent
        .wait()
        .for_element(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    agent
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    agent
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Runs a Chrome DevTools command in the browser of `client` (chromedriver's
/// `goog/cdp/execute`), e.g. `Browser.grantPermissions`.
pub async fn devtools(client: &Client, cmd: &'static str, params: serde_json::Value) {
    client
        .issue_cmd(DevTools { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"));
}

#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}
