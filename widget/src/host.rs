//! Talking to `loader.js` in the host page through `postMessage`.
//!
//! Frame → loader: `{ld:'ready', visitorId}`, `{ld:'close'}`, `{ld:'message', message}` (an
//! agent's message, counted as unread while the panel is closed), and
//! `{ld:'event', name, detail}` for the API's other events (`message:sent`, `chat:started`,
//! `chat:ended`, `status:changed`).
//! Loader → frame: `{ld:'config', …}` (right after `ready`), `{ld:'open'}`, `{ld:'closed'}`,
//! `{ld:'send', text}`, `{ld:'page', url, title, referrer}`, `{ld:'scroll', depth}`,
//! `{ld:'activity', status}`,
//! `{ld:'identify', name, email, phone, customData}`.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{MessageEvent, Window};

pub enum HostMessage {
    Open,
    Closed,
    Send(String),
    Page {
        url: String,
        title: String,
        referrer: String,
    },
    /// How far down the page the visitor has scrolled, in %.
    Scroll(u8),
    /// `true` when the visitor is active on the page, `false` when idle.
    Activity(bool),
    /// The visitor's details from `Livedesk.updateVisitor`, as the loader sent them.
    Identify(JsValue),
    /// The site's settings from `window.LivedeskConfig` that the frame URL does not carry.
    Config(JsValue),
}

pub struct Host {
    parent: Window,
    /// The host page's origin when the browser tells us (`location.ancestorOrigins`, or
    /// the referrer). Messages go only there; without it they go to `*`, which is safe
    /// because the server only lets the site's allowed origins frame this page
    /// (`Content-Security-Policy: frame-ancestors`).
    page_origin: Option<String>,
}

impl Host {
    pub fn new(window: &Window) -> Self {
        let parent = window
            .parent()
            .ok()
            .flatten()
            .unwrap_or_else(|| window.clone());
        Self {
            parent,
            page_origin: page_origin(window),
        }
    }

    pub fn page_origin(&self) -> Option<&str> {
        self.page_origin.as_deref()
    }

    /// Reads a message from the loader; anything not from our parent window (and origin,
    /// when known) is ignored.
    pub fn read(&self, event: &MessageEvent) -> Option<HostMessage> {
        let source: JsValue = event.source()?.into();
        if source != JsValue::from(&self.parent) {
            return None;
        }
        if self
            .page_origin
            .as_deref()
            .is_some_and(|origin| origin != event.origin())
        {
            return None;
        }
        let data = event.data();
        let kind = Reflect::get(&data, &"ld".into()).ok()?.as_string()?;
        match kind.as_str() {
            "open" => Some(HostMessage::Open),
            "closed" => Some(HostMessage::Closed),
            "send" => Some(HostMessage::Send(string(&data, "text")?)),
            "page" => Some(HostMessage::Page {
                url: string(&data, "url")?,
                title: string(&data, "title").unwrap_or_default(),
                referrer: string(&data, "referrer").unwrap_or_default(),
            }),
            "scroll" => Some(HostMessage::Scroll(
                Reflect::get(&data, &"depth".into())
                    .ok()?
                    .as_f64()?
                    .clamp(0.0, 100.0) as u8,
            )),
            "activity" => Some(HostMessage::Activity(
                string(&data, "status")?.as_str() == "active",
            )),
            "identify" => Some(HostMessage::Identify(data)),
            "config" => Some(HostMessage::Config(data)),
            _ => None,
        }
    }

    pub fn ready(&self, visitor_id: &str) {
        self.post("ready", Some(("visitorId", JsValue::from_str(visitor_id))));
    }

    pub fn close(&self) {
        self.post("close", None);
    }

    /// A message from an agent arrived; `message` is the protocol's `Message` as parsed.
    pub fn message(&self, message: JsValue) {
        self.post("message", Some(("message", message)));
    }

    /// One of the API's events (`message:sent`, `chat:started`, …) with its detail.
    pub fn event(&self, name: &str, detail: JsValue) {
        let data = Object::new();
        let _ = Reflect::set(&data, &"ld".into(), &"event".into());
        let _ = Reflect::set(&data, &"name".into(), &name.into());
        let _ = Reflect::set(&data, &"detail".into(), &detail);
        self.post_data(&data);
    }

    fn post(&self, kind: &str, field: Option<(&str, JsValue)>) {
        let data = Object::new();
        let _ = Reflect::set(&data, &"ld".into(), &kind.into());
        if let Some((name, value)) = field {
            let _ = Reflect::set(&data, &name.into(), &value);
        }
        self.post_data(&data);
    }

    fn post_data(&self, data: &Object) {
        let _ = self
            .parent
            .post_message(data, self.page_origin.as_deref().unwrap_or("*"));
    }
}

/// The string field `key` of a message's data.
pub fn string(data: &JsValue, key: &str) -> Option<String> {
    Reflect::get(data, &key.into()).ok()?.as_string()
}

fn page_origin(window: &Window) -> Option<String> {
    // `location.ancestorOrigins` (not in Firefox, nor in web-sys): a DOMStringList.
    let ancestors = Reflect::get(&window.location(), &"ancestorOrigins".into()).ok();
    if let Some(origin) =
        ancestors.and_then(|list| Reflect::get(&list, &"0".into()).ok()?.as_string())
    {
        return Some(origin);
    }
    let referrer = window.document()?.referrer();
    let origin = web_sys::Url::new(&referrer).ok()?.origin();
    (origin != "null").then_some(origin)
}
