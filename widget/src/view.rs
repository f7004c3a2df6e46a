//! The frame's DOM: header, status line, message list and composer.
//!
//! Message bodies are only ever set as text (`textContent`), never as markup. A message
//! element's text is exactly its body; the agent's name and a failure reason are shown
//! by CSS from `data-name` / `data-error`.

use livedesk_protocol::ids::ClientId;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement};

use crate::panels::{self, Form, OfflineCard, QueueCard, RatingCard};
use crate::params::FrameParams;
use crate::texts::Texts;
use crate::transcript::Anchor;
use crate::wire::{ChatMessage, Sender};

const CLOSE_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>"#;
const PHONE_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M6.6 10.8a15.1 15.1 0 006.6 6.6l2.2-2.2a1 1 0 011-.25 11.4 11.4 0 003.6.57 1 1 0 011 1V20a1 1 0 01-1 1A17 17 0 013 4a1 1 0 011-1h3.5a1 1 0 011 1c0 1.25.2 2.45.57 3.57a1 1 0 01-.25 1z" fill="currentColor"/></svg>"#;
const VIDEO_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M17 10.5V7a1 1 0 00-1-1H4a1 1 0 00-1 1v10a1 1 0 001 1h12a1 1 0 001-1v-3.5l4 4v-11z" fill="currentColor"/></svg>"#;
const ATTACH_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 01-9 0V5a3 3 0 016 0v10.5a1.5 1.5 0 01-3 0V6.5H9v9a3 3 0 006 0V5a4.5 4.5 0 00-9 0v11.5a6 6 0 0012 0v-10z" fill="currentColor"/></svg>"#;
const SEND_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3.4 20.4l17.45-7.48a1 1 0 000-1.84L3.4 3.6a.99.99 0 00-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z" fill="currentColor"/></svg>"#;

pub struct View {
    doc: Document,
    pub header: Element,
    title: Element,
    pub subtitle: Element,
    pub avatar: Element,
    pub voice: Element,
    pub video: Element,
    status: HtmlElement,
    pub queue: QueueCard,
    pub waited: Element,
    pub waited_form: Element,
    pub offline: OfflineCard,
    pub list: Element,
    pub rating: RatingCard,
    pub typing: Element,
    pub prechat: Form,
    pub composer_row: Element,
    pub emoji: Element,
    pub emoji_grid: Element,
    pub attach: Element,
    pub file_input: web_sys::HtmlInputElement,
    pub composer: HtmlTextAreaElement,
    pub send: Element,
    pub close: Element,
    /// Stored messages on screen, ascending by seq; pending ones in send order. `Vec`s
    /// rather than maps: a B-tree's or hash map's code would cost the wasm more than these
    /// few lookups in lists of a conversation's length.
    stored: Vec<(i64, Element)>,
    pending: Vec<(ClientId, Element)>,
}

impl View {
    pub fn build(doc: &Document, texts: &Texts, params: &FrameParams) -> Result<Self, JsValue> {
        let body = doc.body().ok_or("no body")?;
        let app = element(doc, "div", &[("class", "ld-app"), ("data-ld", "app")])?;

        let header = element(doc, "header", &[("class", "ld-header")])?;
        let heading = element(doc, "div", &[("class", "ld-heading")])?;
        let title = element(doc, "h1", &[("class", "ld-title"), ("data-ld", "title")])?;
        title.set_text_content(Some(texts.team));
        let subtitle = element(
            doc,
            "p",
            &[("class", "ld-subtitle"), ("data-ld", "state-text")],
        )?;
        subtitle.set_text_content(Some(texts.subtitle));
        heading.append_with_node_2(&title, &subtitle)?;
        let avatar = element(
            doc,
            "img",
            &[("class", "ld-avatar"), ("alt", ""), ("hidden", "")],
        )?;
        let call_button = |ld: &str, label: &str, icon: &str| -> Result<Element, JsValue> {
            let b = element(
                doc,
                "button",
                &[
                    ("type", "button"),
                    ("class", "ld-close"),
                    ("data-ld", ld),
                    ("aria-label", label),
                    ("hidden", ""),
                ],
            )?;
            b.set_inner_html(icon);
            Ok(b)
        };
        let voice = call_button("voice-call", texts.voice_call, PHONE_ICON)?;
        let video = call_button("video-call", texts.video_call, VIDEO_ICON)?;
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
        header.append_with_node_3(&avatar, &heading, &voice)?;
        header.append_with_node_2(&video, &close)?;

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

        let queue = QueueCard::build(doc, texts)?;
        let waited = element(
            doc,
            "div",
            &[
                ("class", "ld-card"),
                ("data-ld", "waited"),
                ("role", "status"),
                ("hidden", ""),
            ],
        )?;
        let waited_text = element(doc, "p", &[])?;
        waited_text.set_text_content(Some(texts.waited_too_long));
        let waited_form = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-button ld-secondary"),
                ("data-ld", "waited-form"),
            ],
        )?;
        waited_form.set_text_content(Some(texts.leave_message));
        waited.append_with_node_2(&waited_text, &waited_form)?;
        let offline = OfflineCard::build(doc, texts)?;
        let notices = element(doc, "div", &[("class", "ld-notices")])?;
        notices.append_with_node_3(&queue.root, &waited, &offline.root)?;
        let rating = RatingCard::build(doc, texts)?;
        let typing = element(
            doc,
            "div",
            &[
                ("class", "ld-typing"),
                ("data-ld", "typing"),
                ("aria-live", "polite"),
                ("hidden", ""),
            ],
        )?;
        let prechat = Form::build(doc, "prechat", texts.prechat_title, &[], texts.start_chat)?;
        prechat.show(false);
        let emoji_grid = panels::emoji_grid(doc, texts)?;

        let form = element(doc, "div", &[("class", "ld-composer")])?;
        let emoji = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-send ld-emoji"),
                ("data-ld", "emoji"),
                ("aria-label", texts.emoji),
                ("aria-expanded", "false"),
            ],
        )?;
        emoji.set_text_content(Some("🙂"));
        let attach = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-send"),
                ("data-ld", "attach"),
                ("aria-label", texts.attach),
            ],
        )?;
        attach.set_inner_html(ATTACH_ICON);
        let file_input: web_sys::HtmlInputElement = element(
            doc,
            "input",
            &[
                ("type", "file"),
                ("data-ld", "file-input"),
                (
                    "accept",
                    "image/png,image/jpeg,image/gif,image/webp,application/pdf",
                ),
                ("hidden", ""),
                ("tabindex", "-1"),
            ],
        )?
        .unchecked_into();
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
        form.append_with_node_5(&emoji, &attach, &file_input, &composer, &send)?;

        app.append_with_node_4(&header, &status, &notices, &list)?;
        app.append_with_node_4(&typing, &prechat.root, &emoji_grid, &form)?;
        body.append_child(&app)?;
        Ok(Self {
            doc: doc.clone(),
            header,
            title,
            subtitle,
            avatar,
            voice,
            video,
            status,
            queue,
            waited,
            waited_form,
            offline,
            list,
            rating,
            typing,
            prechat,
            composer_row: form,
            emoji,
            emoji_grid,
            attach,
            file_input,
            composer,
            send,
            close,
            stored: Vec::new(),
            pending: Vec::new(),
        })
    }

    /// Shows `text` in the status line, or hides it.
    pub fn set_status(&self, text: Option<&str>) {
        self.status.set_text_content(text);
        self.status.set_hidden(text.is_none());
    }

    /// Hides the status line if it shows one of `texts` (and leaves any other notice).
    pub fn clear_status_of(&self, texts: &[&str]) {
        let shown = self.status.text_content().unwrap_or_default();
        if texts.contains(&shown.as_str()) {
            self.set_status(None);
        }
    }

    /// The first letter of the header's title (the agent's name once one answers), for the
    /// call panel's avatar. The stylesheet shows it in capitals: `char::to_uppercase` would
    /// add Unicode's case tables, ≈ 7 KB gzip, to the wasm.
    pub fn title_initial(&self) -> String {
        let title = self.title.text_content().unwrap_or_default();
        title.chars().next().map(String::from).unwrap_or_default()
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
        self.pending.push((cid, el));
        self.scroll_to_end();
    }

    pub fn fail(&self, cid: ClientId, reason: &str) {
        if let Some(el) = self.pending_element(cid) {
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
        let index = self.pending.iter().position(|(c, _)| *c == cid);
        if let Some((_, el)) = index.map(|i| self.pending.remove(i)) {
            let _ = el.remove_attribute("data-state");
            let _ = el.set_attribute("data-receipt", "sent");
            self.store(el, message.seq, anchor);
        } else {
            self.add_stored(message, anchor);
        }
    }

    fn store(&mut self, el: Element, seq: i64, anchor: Anchor) {
        let _ = el.set_attribute("data-seq", &seq.to_string());
        let next = match anchor {
            Anchor::Seq(seq) => self.stored_element(seq),
            Anchor::Pending(cid) => self.pending_element(cid),
            Anchor::End => None,
        };
        let _ = self.list.insert_before(&el, next.map(|e| e.as_ref()));
        match self.stored.binary_search_by_key(&seq, |(s, _)| *s) {
            Ok(index) => self.stored[index].1 = el,
            Err(index) => self.stored.insert(index, (seq, el)),
        }
        self.scroll_to_end();
    }

    fn stored_element(&self, seq: i64) -> Option<&Element> {
        let index = self.stored.binary_search_by_key(&seq, |(s, _)| *s).ok()?;
        Some(&self.stored[index].1)
    }

    fn pending_element(&self, cid: ClientId) -> Option<&Element> {
        self.pending
            .iter()
            .find(|(c, _)| *c == cid)
            .map(|(_, el)| el)
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

    /// Puts a preview of a shared file on the pending message `cid`: the image itself, or
    /// the file's name for a PDF.
    pub fn attach_preview(&self, cid: ClientId, url: Option<&str>, name: &str) {
        if let Some(el) = self.pending_element(cid) {
            self.preview_on(el, url, name);
        }
    }

    /// The same for a stored message (a file shared earlier, seen after a reload): an image
    /// is shown, a PDF is a link that downloads it. `url` is an object URL of the file.
    pub fn attach_stored_preview(&self, seq: i64, url: &str, name: &str, image: bool) {
        let Some(el) = self.stored_element(seq) else {
            return;
        };
        if el
            .query_selector("[data-ld=preview]")
            .ok()
            .flatten()
            .is_some()
        {
            return;
        }
        if image {
            return self.preview_on(el, Some(url), name);
        }
        if let Ok(link) = element(
            &self.doc,
            "a",
            &[
                ("class", "ld-preview ld-pdf"),
                ("data-ld", "preview"),
                ("href", url),
                ("download", name),
            ],
        ) {
            link.set_text_content(Some(&format!("PDF · {name}")));
            let _ = el.append_child(&link);
        }
    }

    fn preview_on(&self, el: &Element, url: Option<&str>, name: &str) {
        let preview = match url {
            Some(url) => element(
                &self.doc,
                "img",
                &[
                    ("class", "ld-preview"),
                    ("data-ld", "preview"),
                    ("src", url),
                    ("alt", name),
                ],
            ),
            None => element(
                &self.doc,
                "span",
                &[("class", "ld-preview ld-pdf"), ("data-ld", "preview")],
            ),
        };
        if let Ok(preview) = preview {
            if url.is_none() {
                preview.set_text_content(Some(&format!("PDF · {name}")));
            }
            let _ = el.append_child(&preview);
            self.scroll_to_end();
        }
    }

    /// Marks the visitor's stored messages as delivered or read by the agents.
    pub fn receipts(&self, delivered: i64, read: i64) {
        for (seq, el) in &self.stored {
            if el.get_attribute("data-author").as_deref() != Some("visitor") {
                continue;
            }
            let mark = if *seq <= read {
                "read"
            } else if *seq <= delivered {
                "delivered"
            } else {
                "sent"
            };
            let _ = el.set_attribute("data-receipt", mark);
        }
    }

    /// "Ayşe is typing…", or nothing.
    pub fn set_typing(&self, text: Option<&str>) {
        self.typing.set_text_content(text);
        panels::show(&self.typing, text.is_some());
    }

    /// Shows the rating card at the end of the conversation.
    pub fn ask_rating(&self) {
        self.rating.reset();
        let _ = self.list.append_child(&self.rating.root);
        panels::show(&self.rating.root, true);
        self.scroll_to_end();
    }

    /// A line from the widget itself (not a stored message), e.g. "You left the queue."
    pub fn add_note(&self, text: &str) {
        if let Ok(el) = element(
            &self.doc,
            "div",
            &[
                ("class", "ld-message"),
                ("data-ld", "note"),
                ("data-author", "system"),
            ],
        ) {
            el.set_text_content(Some(text));
            let _ = self.list.append_child(&el);
            self.scroll_to_end();
        }
    }

    fn scroll_to_end(&self) {
        self.list.set_scroll_top(self.list.scroll_height());
    }
}

pub fn element(doc: &Document, tag: &str, attributes: &[(&str, &str)]) -> Result<Element, JsValue> {
    let el = doc.create_element(tag)?;
    for (name, value) in attributes {
        el.set_attribute(name, value)?;
    }
    Ok(el)
}
