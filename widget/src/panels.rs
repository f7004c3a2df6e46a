//! The parts of the frame around the conversation: what the desk offers now (online,
//! busy with the visitor's place in line, offline with the next opening), the forms
//! (pre-chat, offline message, rating), the agent's typing line and the emoji picker.
//! Every part exists from the start and is shown or hidden, so listeners are set once.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

use crate::texts::Texts;
use crate::view::element;

/// The emoji the picker offers.
pub const EMOJI: [&str; 24] = [
    "😀", "😂", "😊", "😍", "😉", "😎", "🤔", "😢", "😮", "😅", "🙏", "👍", "👎", "👋", "👏", "🙌",
    "💪", "🎉", "❤️", "🔥", "✅", "❌", "⭐", "📦",
];

/// A form of labelled fields with an error line and a submit button.
pub struct Form {
    pub root: Element,
    /// `(name, input)`: the input is an `<input>` or a `<textarea>`.
    fields: Vec<(&'static str, HtmlElement)>,
    error: HtmlElement,
    pub submit: Element,
}

/// One field of a [`Form`]: its name (also the `data-ld` of the input, `field-<name>`),
/// label, input type and whether it must be filled in.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub required: bool,
}

impl Form {
    pub fn build(
        doc: &Document,
        ld: &str,
        title: &str,
        fields: &[Field],
        submit: &str,
    ) -> Result<Self, JsValue> {
        let root = element(
            doc,
            "form",
            &[("class", "ld-form"), ("data-ld", ld), ("novalidate", "")],
        )?;
        let heading = element(doc, "p", &[("class", "ld-form-title")])?;
        heading.set_text_content(Some(title));
        root.append_child(&heading)?;
        let mut inputs = Vec::new();
        for field in fields {
            let id = format!("ld-{ld}-{}", field.name);
            let label = element(doc, "label", &[("for", &id)])?;
            label.set_text_content(Some(&format!(
                "{}{}",
                field.label,
                if field.required { " *" } else { "" }
            )));
            let tag = if field.kind == "textarea" {
                "textarea"
            } else {
                "input"
            };
            let ld_name = format!("field-{}", field.name);
            let input = element(
                doc,
                tag,
                &[("id", &id), ("name", field.name), ("data-ld", &ld_name)],
            )?;
            if tag == "input" {
                input.set_attribute("type", field.kind)?;
                let autocomplete = match field.name {
                    "name" => "name",
                    "email" => "email",
                    "phone" => "tel",
                    _ => "off",
                };
                input.set_attribute("autocomplete", autocomplete)?;
            } else {
                input.set_attribute("rows", "3")?;
            }
            if field.required {
                input.set_attribute("aria-required", "true")?;
            }
            root.append_with_node_2(&label, &input)?;
            inputs.push((field.name, input.unchecked_into::<HtmlElement>()));
        }
        let error: HtmlElement = element(
            doc,
            "p",
            &[
                ("class", "ld-form-error"),
                ("data-ld", "form-error"),
                ("role", "alert"),
            ],
        )?
        .unchecked_into();
        error.set_hidden(true);
        let submit_button = element(
            doc,
            "button",
            &[
                ("type", "submit"),
                ("class", "ld-button"),
                ("data-ld", "submit"),
            ],
        )?;
        submit_button.set_text_content(Some(submit));
        root.append_with_node_2(&error, &submit_button)?;
        Ok(Self {
            root,
            fields: inputs,
            error,
            submit: submit_button,
        })
    }

    /// The trimmed value of the field `name` (empty when there is no such field).
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, input)| {
                js_sys::Reflect::get(input, &"value".into())
                    .ok()?
                    .as_string()
            })
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    }

    pub fn set_value(&self, name: &str, value: &str) {
        if let Some((_, input)) = self.fields.iter().find(|(n, _)| *n == name) {
            let _ = js_sys::Reflect::set(input, &"value".into(), &value.into());
        }
    }

    /// Shows `text` as the form's error (and marks the field invalid), or clears it.
    pub fn set_error(&self, field: Option<&str>, text: Option<&str>) {
        self.error.set_text_content(text);
        self.error.set_hidden(text.is_none());
        for (name, input) in &self.fields {
            if Some(*name) == field {
                let _ = input.set_attribute("aria-invalid", "true");
                let _ = input.focus();
            } else {
                let _ = input.remove_attribute("aria-invalid");
            }
        }
    }

    pub fn set_busy(&self, busy: bool) {
        let _ = if busy {
            self.submit.set_attribute("disabled", "")
        } else {
            self.submit.remove_attribute("disabled")
        };
    }

    pub fn focus_first(&self) {
        if let Some((_, input)) = self.fields.first() {
            let _ = input.focus();
        }
    }

    pub fn show(&self, shown: bool) {
        show(&self.root, shown);
    }
}

pub fn show(el: &Element, shown: bool) {
    let _ = if shown {
        el.remove_attribute("hidden")
    } else {
        el.set_attribute("hidden", "")
    };
}

/// The queue tracker: "Your place in line: 3 · Estimated wait 1 min 30 s", and the button
/// that leaves the queue.
pub struct QueueCard {
    pub root: Element,
    pub position: Element,
    pub wait: Element,
    pub leave: Element,
}

impl QueueCard {
    pub fn build(doc: &Document, texts: &Texts) -> Result<Self, JsValue> {
        let root = element(
            doc,
            "div",
            &[
                ("class", "ld-card"),
                ("data-ld", "queue"),
                ("role", "status"),
                ("hidden", ""),
            ],
        )?;
        let place = element(doc, "p", &[])?;
        place.set_text_content(Some(&format!("{}: ", texts.queue_place)));
        let position = element(doc, "strong", &[("data-ld", "queue-position")])?;
        place.append_child(&position)?;
        let wait_line = element(doc, "p", &[])?;
        wait_line.set_text_content(Some(&format!("{}: ", texts.queue_wait)));
        let wait = element(doc, "span", &[("data-ld", "queue-wait")])?;
        wait_line.append_child(&wait)?;
        let leave = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-button ld-secondary"),
                ("data-ld", "leave-queue"),
            ],
        )?;
        leave.set_text_content(Some(texts.leave_queue));
        root.append_with_node_3(&place, &wait_line, &leave)?;
        Ok(Self {
            root,
            position,
            wait,
            leave,
        })
    }
}

/// The offline card: why the desk is closed, when it opens (with a countdown), and the
/// offline form.
pub struct OfflineCard {
    pub root: Element,
    pub reason: Element,
    pub detail: Element,
    pub next: Element,
    pub form: Form,
    pub thanks: Element,
}

impl OfflineCard {
    pub fn build(doc: &Document, texts: &Texts) -> Result<Self, JsValue> {
        let root = element(
            doc,
            "div",
            &[
                ("class", "ld-card ld-offline"),
                ("data-ld", "offline"),
                ("hidden", ""),
            ],
        )?;
        let reason = element(
            doc,
            "p",
            &[("class", "ld-card-title"), ("data-ld", "offline-reason")],
        )?;
        let detail = element(doc, "p", &[("data-ld", "offline-detail"), ("hidden", "")])?;
        let next = element(doc, "p", &[("data-ld", "next-open"), ("hidden", "")])?;
        let form = Form::build(
            doc,
            "offline-form",
            texts.leave_message,
            &contact_fields(texts, true, true, true),
            texts.submit,
        )?;
        let thanks = element(
            doc,
            "p",
            &[
                ("class", "ld-thanks"),
                ("data-ld", "offline-thanks"),
                ("role", "status"),
                ("hidden", ""),
            ],
        )?;
        thanks.set_text_content(Some(texts.offline_thanks));
        root.append_with_node_4(&reason, &detail, &next, &form.root)?;
        root.append_child(&thanks)?;
        Ok(Self {
            root,
            reason,
            detail,
            next,
            form,
            thanks,
        })
    }
}

/// The offline form's fields, or the pre-chat form's (`with_message: false`).
pub fn contact_fields(texts: &Texts, name: bool, email: bool, with_message: bool) -> Vec<Field> {
    let mut fields = vec![
        Field {
            name: "name",
            label: texts.name,
            kind: "text",
            required: name,
        },
        Field {
            name: "email",
            label: texts.email,
            kind: "email",
            required: email,
        },
        Field {
            name: "phone",
            label: texts.phone,
            kind: "tel",
            required: false,
        },
    ];
    if with_message {
        fields.push(Field {
            name: "message",
            label: texts.message,
            kind: "textarea",
            required: true,
        });
    }
    fields
}

/// The rating after a conversation ends: five stars, a comment and a button.
pub struct RatingCard {
    pub root: Element,
    pub stars: Element,
    pub comment: HtmlElement,
    pub send: Element,
    pub thanks: Element,
}

impl RatingCard {
    pub fn build(doc: &Document, texts: &Texts) -> Result<Self, JsValue> {
        let root = element(
            doc,
            "div",
            &[
                ("class", "ld-card ld-rating"),
                ("data-ld", "rating"),
                ("hidden", ""),
            ],
        )?;
        let title = element(
            doc,
            "p",
            &[("class", "ld-card-title"), ("id", "ld-rate-title")],
        )?;
        title.set_text_content(Some(texts.rate_title));
        let stars = element(
            doc,
            "div",
            &[
                ("class", "ld-stars"),
                ("role", "group"),
                ("aria-labelledby", "ld-rate-title"),
            ],
        )?;
        for score in 1..=5 {
            let label = format!("{score} {}", texts.stars);
            let star = element(
                doc,
                "button",
                &[
                    ("type", "button"),
                    ("data-ld", "star"),
                    ("data-score", &score.to_string()),
                    ("aria-pressed", "false"),
                    ("aria-label", &label),
                ],
            )?;
            star.set_text_content(Some("★"));
            stars.append_child(&star)?;
        }
        let comment: HtmlElement = element(
            doc,
            "textarea",
            &[
                ("data-ld", "rating-comment"),
                ("rows", "2"),
                ("maxlength", "1000"),
                ("placeholder", texts.comment),
                ("aria-label", texts.comment),
            ],
        )?
        .unchecked_into();
        let send = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("class", "ld-button"),
                ("data-ld", "rate"),
                ("disabled", ""),
            ],
        )?;
        send.set_text_content(Some(texts.rate_send));
        let thanks = element(
            doc,
            "p",
            &[
                ("class", "ld-thanks"),
                ("data-ld", "rated"),
                ("role", "status"),
                ("hidden", ""),
            ],
        )?;
        thanks.set_text_content(Some(texts.rated));
        root.append_with_node_4(&title, &stars, &comment, &send)?;
        root.append_child(&thanks)?;
        Ok(Self {
            root,
            stars,
            comment,
            send,
            thanks,
        })
    }

    /// Presses the star `score` and those before it.
    pub fn choose(&self, score: u8) {
        let stars = self.stars.children();
        for i in 0..stars.length() {
            if let Some(star) = stars.item(i) {
                let _ = star.set_attribute(
                    "aria-pressed",
                    if i < u32::from(score) {
                        "true"
                    } else {
                        "false"
                    },
                );
            }
        }
        let _ = self.send.remove_attribute("disabled");
    }

    pub fn comment(&self) -> String {
        js_sys::Reflect::get(&self.comment, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// Ready for a new conversation's rating.
    pub fn reset(&self) {
        self.choose(0);
        let _ = self.send.set_attribute("disabled", "");
        let _ = js_sys::Reflect::set(&self.comment, &"value".into(), &"".into());
        show(&self.thanks, false);
        for el in [
            self.stars.clone(),
            self.comment.clone().unchecked_into(),
            self.send.clone(),
        ] {
            show(&el, true);
        }
    }

    pub fn thank(&self) {
        for el in [
            self.stars.clone(),
            self.comment.clone().unchecked_into(),
            self.send.clone(),
        ] {
            show(&el, false);
        }
        show(&self.thanks, true);
    }
}

/// The emoji button's grid.
pub fn emoji_grid(doc: &Document, texts: &Texts) -> Result<Element, JsValue> {
    let grid = element(
        doc,
        "div",
        &[
            ("class", "ld-emoji-grid"),
            ("data-ld", "emoji-grid"),
            ("role", "group"),
            ("aria-label", texts.emoji),
            ("hidden", ""),
        ],
    )?;
    for emoji in EMOJI {
        let button = element(
            doc,
            "button",
            &[
                ("type", "button"),
                ("data-emoji", emoji),
                ("aria-label", emoji),
            ],
        )?;
        button.set_text_content(Some(emoji));
        grid.append_child(&button)?;
    }
    Ok(grid)
}

/// Inserts `text` into the composer at the caret.
pub fn insert_at_caret(input: &web_sys::HtmlTextAreaElement, text: &str) {
    let value = input.value();
    let chars: Vec<char> = value.chars().collect();
    // selectionStart counts UTF-16 units; convert to a char index.
    let caret16 = input
        .selection_start()
        .ok()
        .flatten()
        .unwrap_or(value.encode_utf16().count() as u32) as usize;
    let mut units = 0;
    let mut at = chars.len();
    for (i, c) in chars.iter().enumerate() {
        if units >= caret16 {
            at = i;
            break;
        }
        units += c.len_utf16();
    }
    let before: String = chars[..at].iter().collect();
    let after: String = chars[at..].iter().collect();
    input.set_value(&format!("{before}{text}{after}"));
    let caret = (before.encode_utf16().count() + text.encode_utf16().count()) as u32;
    let _ = input.set_selection_range(caret, caret);
    let _ = input.focus();
}
