//! Talking to `loader.js` in the host page through `postMessage`.
//!
//! Frame → loader: `{ld:'ready', visitorId}`, `{ld:'close'}`, `{ld:'message', message}`,
//! `{ld:'sent', message}`. Loader → frame: `{ld:'open'}`, `{ld:'closed'}`, `{ld:'send', text}`.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{MessageEvent, Window};

pub enum HostMessage {
    Open,
    Closed,
    Send(String),
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
            "send" => Some(HostMessage::Send(
                Reflect::get(&data, &"text".into()).ok()?.as_string()?,
            )),
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

    /// A message the visitor sent is stored.
    pub fn sent(&self, message: JsValue) {
        self.post("sent", Some(("message", message)));
    }

    fn post(&self, kind: &str, field: Option<(&str, JsValue)>) {
        let data = Object::new();
        let _ = Reflect::set(&data, &"ld".into(), &kind.into());
        if let Some((name, value)) = field {
            let _ = Reflect::set(&data, &name.into(), &value);
        }
        let _ = self
            .parent
            .post_message(&data, self.page_origin.as_deref().unwrap_or("*"));
    }
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
