//! The call panel above the conversation: the agent's video (or an avatar while their
//! camera is off, and in voice calls), the visitor's own mirrored camera, what the call is
//! doing (calling, in line, connecting, the time since it was answered), and the buttons.
//!
//! Tests and integrators find its parts by `data-ld` (`call`, `call-status`,
//! `call-remote`, `call-self`, `call-mute`, `call-camera`, `call-share`, `call-hang-up`);
//! the panel's `data-state` is the call's state, `data-remote-muted`,
//! `data-remote-camera-off` and `data-remote-sharing` what the agent's side does.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlMediaElement, MediaStream};

use crate::panels::show;
use crate::texts::Texts;
use crate::view::element;

pub struct CallView {
    pub root: Element,
    status: Element,
    remote: HtmlMediaElement,
    avatar: Element,
    remote_note: Element,
    local: HtmlMediaElement,
    pub mute: Element,
    pub camera: Element,
    pub share: Element,
    pub hang_up: Element,
}

impl CallView {
    /// Builds the (hidden) panel and puts it before `before`.
    pub fn build(doc: &Document, texts: &Texts, before: &Element) -> Result<Self, JsValue> {
        let root = element(
            doc,
            "section",
            &[("class", "ld-call"), ("data-ld", "call"), ("hidden", "")],
        )?;
        let stage = element(doc, "div", &[("class", "ld-call__stage")])?;
        let media = |ld: &str, class: &str| -> Result<HtmlMediaElement, JsValue> {
            let el = element(
                doc,
                "video",
                &[
                    ("class", class),
                    ("data-ld", ld),
                    ("autoplay", ""),
                    ("playsinline", ""),
                ],
            )?;
            Ok(el.unchecked_into())
        };
        let remote = media("call-remote", "ld-call__remote")?;
        let local = media("call-self", "ld-call__self ld-mirror")?;
        // The visitor does not need to hear themselves.
        local.set_muted(true);
        let avatar = element(
            doc,
            "div",
            &[("class", "ld-call__avatar"), ("data-ld", "call-avatar")],
        )?;
        let remote_note = element(
            doc,
            "p",
            &[("class", "ld-call__note"), ("data-ld", "call-remote-note")],
        )?;
        stage.append_with_node_4(&remote, &avatar, &remote_note, &local)?;
        let status = element(
            doc,
            "p",
            &[
                ("class", "ld-call__status"),
                ("data-ld", "call-status"),
                ("role", "status"),
            ],
        )?;
        let bar = element(doc, "div", &[("class", "ld-call__bar")])?;
        let button = |ld: &str, label: &str, toggle: bool| -> Result<Element, JsValue> {
            let b = element(
                doc,
                "button",
                &[
                    ("type", "button"),
                    ("class", "ld-call__btn"),
                    ("data-ld", ld),
                ],
            )?;
            b.set_text_content(Some(label));
            if toggle {
                b.set_attribute("aria-pressed", "false")?;
            }
            Ok(b)
        };
        let mute = button("call-mute", texts.mute, true)?;
        let camera = button("call-camera", texts.camera, true)?;
        let share = button("call-share", texts.share_screen, true)?;
        let hang_up = button("call-hang-up", texts.hang_up, false)?;
        bar.append_with_node_4(&mute, &camera, &share, &hang_up)?;
        root.append_with_node_3(&stage, &status, &bar)?;
        before.before_with_node_1(&root)?;
        Ok(Self {
            root,
            status,
            remote,
            avatar,
            remote_note,
            local,
            mute,
            camera,
            share,
            hang_up,
        })
    }

    /// Shows the panel for a new call: video parts only for a video call.
    pub fn open(&self, video: bool, agent_initial: &str) {
        let _ = self
            .root
            .set_attribute("data-kind", if video { "video" } else { "voice" });
        show(&self.root, true);
        show(self.local.unchecked_ref(), video);
        show(&self.camera, video);
        show(&self.share, false);
        self.avatar.set_text_content(Some(agent_initial));
        for b in [&self.mute, &self.camera, &self.share] {
            let _ = b.set_attribute("aria-pressed", "false");
        }
        self.set_remote(false, false, false, None);
    }

    pub fn close(&self) {
        show(&self.root, false);
        self.remote.set_src_object(None);
        self.local.set_src_object(None);
        for attr in [
            "data-state",
            "data-remote-muted",
            "data-remote-camera-off",
            "data-remote-sharing",
        ] {
            let _ = self.root.remove_attribute(attr);
        }
    }

    pub fn set_state(&self, state: &str, text: &str) {
        let _ = self.root.set_attribute("data-state", state);
        self.set_status(text);
    }

    pub fn set_status(&self, text: &str) {
        self.status.set_text_content(Some(text));
    }

    pub fn show_remote(&self, stream: &MediaStream) {
        self.remote.set_src_object(Some(stream));
        let _ = self.remote.play();
    }

    /// The self view: the camera (mirrored, as in a mirror) or the shared screen (as is).
    pub fn show_local(&self, stream: Option<&MediaStream>, screen: bool) {
        self.local.set_src_object(stream);
        let _ = self
            .local
            .class_list()
            .toggle_with_force("ld-mirror", !screen);
    }

    /// What the agent's side does: muted, camera off (their avatar instead), sharing.
    pub fn set_remote(&self, muted: bool, camera_off: bool, sharing: bool, notes: Option<&Texts>) {
        let flag = |name: &str, on: bool| {
            let _ = self
                .root
                .set_attribute(name, if on { "true" } else { "false" });
        };
        flag("data-remote-muted", muted);
        flag("data-remote-camera-off", camera_off);
        flag("data-remote-sharing", sharing);
        let video = self.root.get_attribute("data-kind").as_deref() == Some("video");
        show(&self.avatar, !video || camera_off);
        let note = notes.and_then(|t| match (sharing, muted) {
            (true, _) => Some(t.remote_sharing),
            (false, true) => Some(t.remote_muted),
            _ => None,
        });
        self.remote_note.set_text_content(note);
        show(&self.remote_note, note.is_some());
    }

    pub fn set_pressed(button: &Element, pressed: bool) {
        let _ = button.set_attribute("aria-pressed", if pressed { "true" } else { "false" });
    }

    pub fn show_share(&self, shown: bool) {
        show(&self.share, shown);
    }
}
