//! The site's settings from `window.LivedeskConfig` that the loader sends after `ready`
//! (`{ld:'config', …}`): features, the pre-chat form, the agent's name and avatar, custom
//! CSS. Anything missing or of the wrong type keeps its default.

use wasm_bindgen::JsValue;

use crate::wire::Json;

/// Longest custom CSS taken, in characters.
const MAX_CUSTOM_CSS: usize = 20_000;

#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    pub voice_call: bool,
    pub video_call: bool,
    pub file_upload: bool,
    pub emoticons: bool,
    pub typing: bool,
    pub prechat: Option<PreChat>,
    pub agent_name: Option<String>,
    /// Only an `https:` address.
    pub agent_avatar: Option<String>,
    pub custom_css: Option<String>,
}

/// Which contact fields the pre-chat form asks for, and which of them are required.
#[derive(Clone, Debug, PartialEq)]
pub struct PreChat {
    pub name: Ask,
    pub email: Ask,
    pub phone: Ask,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    No,
    Optional,
    Required,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        Self {
            voice_call: false,
            video_call: false,
            file_upload: true,
            emoticons: true,
            typing: true,
            prechat: None,
            agent_name: None,
            agent_avatar: None,
            custom_css: None,
        }
    }
}

impl WidgetConfig {
    pub fn read(data: &impl Json, list: impl Fn(&str) -> Vec<String>) -> Self {
        let defaults = Self::default();
        let features = data.field("features");
        let flag = |key: &str, default: bool| {
            features
                .as_ref()
                .and_then(|f| f.field(key))
                .and_then(|v| v.boolean())
                .unwrap_or(default)
        };
        let text = |key: &str, max: usize| {
            data.field(key)
                .and_then(|v| v.string())
                .map(|s| s.trim().chars().take(max).collect::<String>())
                .filter(|s| !s.is_empty())
        };
        let prechat = data.field("preChat").and_then(|p| {
            let enabled = p
                .field("enabled")
                .and_then(|v| v.boolean())
                .unwrap_or(false);
            if !enabled {
                return None;
            }
            let fields = list("fields");
            let required = list("required");
            let ask = |name: &str| {
                if required.iter().any(|r| r == name) {
                    Ask::Required
                } else if fields.iter().any(|f| f == name) {
                    Ask::Optional
                } else {
                    Ask::No
                }
            };
            Some(PreChat {
                name: ask("name"),
                email: ask("email"),
                phone: ask("phone"),
            })
        });
        Self {
            voice_call: flag("voiceCall", defaults.voice_call),
            video_call: flag("videoCall", defaults.video_call),
            file_upload: flag("fileUpload", defaults.file_upload),
            emoticons: flag("emoticons", defaults.emoticons),
            typing: flag("typing", defaults.typing),
            prechat: prechat.filter(|p| [p.name, p.email, p.phone].iter().any(|a| *a != Ask::No)),
            agent_name: text("agentName", 100),
            agent_avatar: text("agentAvatar", 2048).filter(|u| u.starts_with("https://")),
            custom_css: text("customCSS", MAX_CUSTOM_CSS),
        }
    }

    /// Reads the loader's message.
    pub fn from_js(data: &JsValue) -> Self {
        let prechat = data.field("preChat");
        Self::read(data, |key| {
            let Some(value) = prechat.as_ref().and_then(|p| p.field(key)) else {
                return Vec::new();
            };
            if !js_sys::Array::is_array(&value) {
                return Vec::new();
            }
            js_sys::Array::from(&value)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
    }
}
