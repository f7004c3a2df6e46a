//! The frame's DOM: header, status line, message list and composer.
//!
//! Message bodies are only ever set as text (`textContent`), never as markup. A message
//! element's text is exactly its body; the agent's name and a failure reason are shown
//! by CSS from `data-name` / `data-error`.

use std::collections::{BTreeMap, HashMap};

use livedesk_protocol::ids::ClientId;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement};

use crate::params::FrameParams;
use crate::texts::Texts;
use crate::transcript::Anchor;
use crate::wire::{ChatMessage, Sender};

const CLOSE_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>"#;
const SEND_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3.4 20.4l17.45-7.48a1 1 0 000-1.84L3.4 3.6a.99.99 0 00-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z" fill="currentColor"/></svg>"#;

pub struct View {
    doc: Document,
    title: Element,
    status: HtmlElement,
    list: Element,
    pub composer: HtmlTextAreaElement,
    pub send: Element,
    pub close: Element,
    stored: BTreeMap<i64, Element>,
    pending: HashMap<ClientId, Element>,
}

impl View {
    pub fn build(doc: &Document, texts: &Texts, params: &FrameParams) -> Result<Self, JsValue> {
        let body = doc.body().ok_or("no body")?;
        let app = element(doc, "div", &[("class", "ld-app"), ("data-ld", "app")])?;

        let header = element(doc, "header", &[("class", "ld-header")])?;
        let heading = element(doc, "div", &[("class", "ld-heading")])?;
        let title = element(doc, "h1", &[("class", "ld-title"), ("data-ld", "title")])?;
        title.set_text_content(Some(texts.team));
        let subtitle = element(doc, "p", &[("class", "ld-subtitle")])?;
        subtitle.set_text_content(Some(texts.subtitle));
        heading.append_with_node_2(&title, &subtitle)?;
        let close = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-close"),
                ("data-ld", "close"),
                ("aria-label", texts.close),
            ],
        )?;
        close.set_inner_html(CLOSE_ICON);
        header.append_with_node_2(&heading, &close)?;

        let status: HtmlElement = element(
            doc,
            "div",
            &[
                ("class", "ld-status"),
                ("data-ld", "status"),
                ("role", "status"),
            ],
        )?
        .unchecked_into();
        status.set_text_content(Some(texts.connecting));

        let list = element(
            doc,
            "div",
            &[
                ("class", "ld-messages"),
                ("data-ld", "messages"),
                ("role", "log"),
                ("aria-label", texts.messages),
            ],
        )?;
        let welcome = element(
            doc,
            "div",
            &[("class", "ld-welcome"), ("data-ld", "welcome")],
        )?;
        welcome.set_text_content(Some(params.welcome.as_deref().unwrap_or(texts.welcome)));
        list.append_child(&welcome)?;

        let form = element(doc, "div", &[("class", "ld-composer")])?;
        let placeholder = params.placeholder.as_deref().unwrap_or(texts.placeholder);
        let composer: HtmlTextAreaElement = element(
            doc,
            "textarea",
            &[
                ("data-ld", "composer"),
                ("rows", "1"),
                ("placeholder", placeholder),
                ("aria-label", placeholder),
            ],
        )?
        .unchecked_into();
        composer.set_max_length(livedesk_protocol::chat::MAX_MESSAGE_CHARS as i32);
        let send = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-send"),
                ("data-ld", "send"),
                ("aria-label", texts.send),
            ],
        )?;
        send.set_inner_html(SEND_ICON);
        form.append_with_node_2(&composer, &send)?;

        app.append_with_node_4(&header, &status, &list, &form)?;
        body.append_child(&app)?;
        Ok(Self {
            doc: doc.clone(),
            title,
            status,
            list,
            composer,
            send,
            close,
            stored: BTreeMap::new(),
            pending: HashMap::new(),
        })
    }

    /// Shows `text` in the status line, or hides it.
    pub fn set_status(&self, text: Option<&str>) {
        self.status.set_text_content(text);
        self.status.set_hidden(text.is_none());
    }

    pub fn set_title(&self, text: &str) {
        self.title.set_text_content(Some(text));
    }

    pub fn focus_composer(&self) {
        let _ = self.composer.focus();
    }

    /// Takes the composer's text and empties it.
    pub fn take_draft(&self) -> String {
        let text = self.composer.value();
        self.composer.set_value("");
        self.fit_composer();
        text
    }

    /// Grows the composer with its text, up to the height CSS allows.
    pub fn fit_composer(&self) {
        let style = self.composer.style();
        let _ = style.set_property("height", "auto");
        let _ = style.set_property("height", &format!("{}px", self.composer.scroll_height()));
    }

    pub fn add_pending(&mut self, cid: ClientId, body: &str) {
        let Ok(el) = self.message_element("visitor", body) else {
            return;
        };
        let _ = el.set_attribute("data-state", "pending");
        let _ = self.list.append_child(&el);
        self.pending.insert(cid, el);
        self.scroll_to_end();
    }

    pub fn fail(&self, cid: ClientId, reason: &str) {
        if let Some(el) = self.pending.get(&cid) {
            let _ = el.set_attribute("data-state", "failed");
            let _ = el.set_attribute("data-error", reason);
        }
    }

    /// Shows a stored message not on screen yet.
    pub fn add_stored(&mut self, message: &ChatMessage, anchor: Anchor) {
        let (author, name) = match &message.author {
            Sender::Visitor => ("visitor", None),
            Sender::Agent { name } => ("agent", Some(name.as_str())),
            Sender::System => ("system", None),
        };
        let Ok(el) = self.message_element(author, &message.body) else {
            return;
        };
        if let Some(name) = name {
            let _ = el.set_attribute("data-name", name);
        }
        self.store(el, message.seq, anchor);
    }

    /// Turns the pending message `cid` into the stored `message`.
    pub fn confirm(&mut self, cid: ClientId, message: &ChatMessage, anchor: Anchor) {
        if let Some(el) = self.pending.remove(&cid) {
            let _ = el.remove_attribute("data-state");
            self.store(el, message.seq, anchor);
        } else {
            self.add_stored(message, anchor);
        }
    }

    fn store(&mut self, el: Element, seq: i64, anchor: Anchor) {
        let _ = el.set_attribute("data-seq", &seq.to_string());
        let next = match anchor {
            Anchor::Seq(seq) => self.stored.get(&seq),
            Anchor::Pending(cid) => self.pending.get(&cid),
            Anchor::End => None,
        };
        let _ = self.list.insert_before(&el, next.map(|e| e.as_ref()));
        self.stored.insert(seq, el);
        self.scroll_to_end();
    }

    fn message_element(&self, author: &str, body: &str) -> Result<Element, JsValue> {
        let el = element(
            &self.doc,
            "div",
            &[
                ("class", "ld-message"),
                ("data-ld", "message"),
                ("data-author", author),
            ],
        )?;
        el.set_text_content(Some(body));
        Ok(el)
    }

    fn scroll_to_end(&self) {
        self.list.set_scroll_top(self.list.scroll_height());
    }
}

fn element(doc: &Document, tag: &str, attributes: &[(&str, &str)]) -> Result<Element, JsValue> {
    let el = doc.create_element(tag)?;
    for (name, value) in attributes {
        el.set_attribute(name, value)?;
    }
    Ok(el)
}
