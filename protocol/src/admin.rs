//! The admin console's REST bodies: the site's agents, canned responses, the managed tag
//! list, the widget's settings and allowed origins, and the superadmin's sites.
//!
//! Every input type has a `parse` that trims and checks it, so the server stores only what
//! passed and the dashboard can show the same message before sending.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::Role;
use crate::ids::{CannedResponseId, InviteId, SiteId, SiteTagId};
use crate::routing::{Tag, TagError};

/// Shortest password an admin may give a new account (as `livedesk create-admin` asks).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest name of an agent or a site, in characters (the database checks the same).
pub const MAX_NAME_CHARS: usize = 200;

/// `POST /api/v1/site/agents` (admins) and `POST /api/v1/sites/{id}/agents`
/// (superadmins): a new account that signs in with `email` and `password`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAgentRequest {
    pub email: String,
    pub name: String,
    /// `admin` or `agent`.
    pub role: Role,
    pub password: String,
}

/// `PUT /api/v1/site/agents/{id}`: who the agent is and what they may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentUpdate {
    pub name: String,
    /// `admin` or `agent`.
    pub role: Role,
}

/// `PUT /api/v1/site/agents/{id}/active`: deactivate (signs the agent out everywhere and
/// hands their open chats on) or reactivate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentActivation {
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AgentInputError {
    #[error("the e-mail address must look like name@example.com")]
    Email,
    #[error("the name must have 1 to {MAX_NAME_CHARS} characters")]
    Name,
    #[error("the role must be admin or agent")]
    Role,
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    Password,
}

impl NewAgentRequest {
    pub fn parse(self) -> Result<Self, AgentInputError> {
        let email = parse_email(&self.email).ok_or(AgentInputError::Email)?;
        if self.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AgentInputError::Password);
        }
        let update = AgentUpdate {
            name: self.name,
            role: self.role,
        }
        .parse()?;
        Ok(Self {
            email,
            name: update.name,
            role: update.role,
            password: self.password,
        })
    }
}

impl AgentUpdate {
    pub fn parse(self) -> Result<Self, AgentInputError> {
        let name = parse_name(&self.name).ok_or(AgentInputError::Name)?;
        if self.role == Role::Superadmin {
            return Err(AgentInputError::Role);
        }
        Ok(Self {
            name,
            role: self.role,
        })
    }
}

fn parse_email(raw: &str) -> Option<String> {
    let email = raw.trim();
    let at = email.find('@')?;
    (at > 0
        && at + 1 < email.len()
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control()))
    .then(|| email.to_owned())
}

fn parse_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    let chars = name.chars().count();
    (chars > 0 && chars <= MAX_NAME_CHARS && !name.chars().any(char::is_control))
        .then(|| name.to_owned())
}

/// How long an invitation link works.
pub const INVITE_DAYS: i32 = 7;

/// `POST /api/v1/site/invites` (admins): invite `email` to join the site as `role`. A
/// newer invitation for the same address replaces the older one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInviteRequest {
    pub email: String,
    /// `admin` or `agent`.
    pub role: Role,
}

impl NewInviteRequest {
    pub fn parse(self) -> Result<Self, AgentInputError> {
        if self.role == Role::Superadmin {
            return Err(AgentInputError::Role);
        }
        Ok(Self {
            email: parse_email(&self.email).ok_or(AgentInputError::Email)?,
            role: self.role,
        })
    }
}

/// An invitation not yet accepted (`GET /api/v1/site/invites`, admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub id: InviteId,
    pub email: String,
    pub role: Role,
    /// The admin who sent it, if their account still exists.
    pub invited_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Past `expires_at`: the link no longer works.
    pub expired: bool,
}

/// The answer to creating an invitation. `token` goes into the link
/// (`/dashboard/#/invite/<token>`) and is never shown again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedInvite {
    pub invite: Invite,
    pub token: String,
}

/// `POST /api/v1/invite` (whoever holds the link): what the invitation is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteLookup {
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteDetails {
    pub site_name: String,
    pub email: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /api/v1/invite/accept`: the new account's name and password. The answer is a
/// `TokenPair`: the new agent is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvite {
    pub token: String,
    pub name: String,
    pub password: String,
}

impl AcceptInvite {
    pub fn parse(self) -> Result<Self, AgentInputError> {
        if self.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AgentInputError::Password);
        }
        Ok(Self {
            token: self.token.trim().to_owned(),
            name: parse_name(&self.name).ok_or(AgentInputError::Name)?,
            password: self.password,
        })
    }
}

/// Longest canned response shortcut after its `/`.
pub const MAX_SHORTCUT_CHARS: usize = 32;

/// A prepared answer an agent inserts by typing its shortcut (`GET
/// /api/v1/site/canned-responses`, every agent of the site).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    pub id: CannedResponseId,
    /// `/thanks`: a slash, then lower-case letters, digits, `-` and `_`.
    pub shortcut: String,
    pub body: String,
}

/// `POST /api/v1/site/canned-responses`, `PUT /api/v1/site/canned-responses/{id}` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedResponseInput {
    pub shortcut: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CannedResponseError {
    #[error(
        "a shortcut is a slash and 1 to {MAX_SHORTCUT_CHARS} letters, digits, '-' or '_', such as /thanks"
    )]
    Shortcut,
    #[error(
        "the text must have 1 to {} characters",
        crate::chat::MAX_MESSAGE_CHARS
    )]
    Body,
}

impl CannedResponseInput {
    /// Lower-cases the shortcut (adding the `/` if it was left out) and checks the text
    /// is a valid message.
    pub fn parse(self) -> Result<Self, CannedResponseError> {
        let raw = self.shortcut.trim();
        let name = raw.strip_prefix('/').unwrap_or(raw).to_lowercase();
        let chars = name.chars().count();
        if chars == 0
            || chars > MAX_SHORTCUT_CHARS
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
        {
            return Err(CannedResponseError::Shortcut);
        }
        let body = crate::chat::MessageBody::parse(&self.body)
            .map_err(|_| CannedResponseError::Body)?
            .into_string();
        Ok(Self {
            shortcut: format!("/{name}"),
            body,
        })
    }
}

/// A tag of the site's managed list, with the conversations that carry it
/// (`GET /api/v1/site/tags`, every agent of the site).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTag {
    pub id: SiteTagId,
    /// Normalised like a conversation tag (lower case).
    pub name: String,
    /// `#rrggbb`.
    pub color: Option<String>,
    pub conversations: u64,
}

/// `POST /api/v1/site/tags`, `PUT /api/v1/site/tags/{id}` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteTagInput {
    pub name: String,
    #[serde(default)]
    pub color: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SiteTagError {
    #[error(transparent)]
    Name(#[from] TagError),
    #[error("a color is written #rrggbb, such as #0f766e")]
    Color,
}

impl SiteTagInput {
    pub fn parse(self) -> Result<Self, SiteTagError> {
        let name = Tag::parse(&self.name)?.as_str().to_owned();
        let color = match self.color.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(parse_hex_color(raw, false).ok_or(SiteTagError::Color)?),
        };
        Ok(Self { name, color })
    }
}

/// `#rrggbb` (and `#rgb` when `short_ok`), lower-cased; `None` if it is not a hex color.
fn parse_hex_color(raw: &str, short_ok: bool) -> Option<String> {
    let digits = raw.strip_prefix('#')?;
    let length_ok = digits.len() == 6 || (short_ok && digits.len() == 3);
    (length_ok && digits.chars().all(|c| c.is_ascii_hexdigit())).then(|| raw.to_lowercase())
}

/// `GET /api/v1/site` (admins): what the widget page needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub id: SiteId,
    pub name: String,
    /// Public: the embed snippet carries it.
    pub site_key: String,
    pub allowed_origins: Vec<String>,
    pub widget: WidgetSettings,
}

/// `PUT /api/v1/site/allowed-origins` (admins): the origins whose pages may embed the
/// widget; each is checked and normalised (`https://Shop.example.com:443` →
/// `https://shop.example.com`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedOrigins {
    pub origins: Vec<String>,
}

/// Most allowed origins one site may list.
pub const MAX_ALLOWED_ORIGINS: usize = 50;

/// The widget settings an admin chose, `PUT /api/v1/site/widget`. The field names are the
/// documented `data-config` options (docs/widget-api.md), so the JSON of this type *is*
/// the snippet's `data-config`; unset options are left out and keep the widget's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WidgetSettings {
    /// `en` or `tr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// `#rgb` or `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_color: Option<String>,
    /// `left` or `right`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welcome_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<WidgetFeatures>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_chat: Option<PreChat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive_chat: Option<ProactiveChat>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WidgetFeatures {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_call: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_call: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_upload: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoticons: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<bool>,
}

/// A field of the pre-chat form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PreChatField {
    Name,
    Email,
    Phone,
}

impl PreChatField {
    pub const ALL: [PreChatField; 3] =
        [PreChatField::Name, PreChatField::Email, PreChatField::Phone];

    pub fn label(self) -> &'static str {
        match self {
            PreChatField::Name => "Name",
            PreChatField::Email => "E-mail",
            PreChatField::Phone => "Phone",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreChat {
    pub enabled: bool,
    pub fields: Vec<PreChatField>,
    pub required: Vec<PreChatField>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProactiveChat {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub triggers: ProactiveTriggers,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProactiveTriggers {
    /// Seconds on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_on_page: Option<u32>,
    /// 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scroll_percentage: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_intent: Option<bool>,
    /// Seconds without mouse, keys, touch or scroll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_visibility: Option<bool>,
}

/// Longest welcome message the widget shows (as documented).
pub const MAX_WELCOME_CHARS: usize = 500;
/// Longest placeholder, agent name and invitation text.
pub const MAX_WIDGET_TEXT_CHARS: usize = 200;
/// Longest time-on-page and idle trigger, in seconds.
pub const MAX_TRIGGER_SECS: u32 = 3600;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WidgetSettingsError {
    #[error("the language must be en or tr")]
    Lang,
    #[error("the color is written #rgb or #rrggbb, such as #4f46e5")]
    Color,
    #[error("the position must be left or right")]
    Position,
    #[error("the welcome message may have at most {MAX_WELCOME_CHARS} characters")]
    Welcome,
    #[error("the {0} may have at most {MAX_WIDGET_TEXT_CHARS} characters")]
    Text(&'static str),
    #[error("a required pre-chat field must also be asked")]
    RequiredNotAsked,
    #[error("the scroll trigger must be 1 to 100 %")]
    Scroll,
    #[error("the time triggers must be 1 to {MAX_TRIGGER_SECS} seconds")]
    Seconds,
}

impl WidgetSettings {
    /// Trims the texts (an empty one is left out), lower-cases the color, and checks every
    /// value against the documented ranges.
    pub fn parse(self) -> Result<Self, WidgetSettingsError> {
        let lang = match clean(self.lang) {
            Some(lang) if matches!(lang.as_str(), "en" | "tr") => Some(lang),
            Some(_) => return Err(WidgetSettingsError::Lang),
            None => None,
        };
        let primary_color = clean(self.primary_color)
            .map(|c| parse_hex_color(&c, true).ok_or(WidgetSettingsError::Color))
            .transpose()?;
        let position = match clean(self.position) {
            Some(p) if matches!(p.as_str(), "left" | "right") => Some(p),
            Some(_) => return Err(WidgetSettingsError::Position),
            None => None,
        };
        let welcome_message = limited(self.welcome_message, MAX_WELCOME_CHARS)
            .map_err(|()| WidgetSettingsError::Welcome)?;
        let placeholder_text = limited(self.placeholder_text, MAX_WIDGET_TEXT_CHARS)
            .map_err(|()| WidgetSettingsError::Text("placeholder"))?;
        let agent_name = limited(self.agent_name, MAX_WIDGET_TEXT_CHARS)
            .map_err(|()| WidgetSettingsError::Text("agent name"))?;
        if let Some(pre_chat) = &self.pre_chat
            && pre_chat
                .required
                .iter()
                .any(|f| !pre_chat.fields.contains(f))
        {
            return Err(WidgetSettingsError::RequiredNotAsked);
        }
        let proactive_chat = self
            .proactive_chat
            .map(|p| -> Result<ProactiveChat, WidgetSettingsError> {
                let t = p.triggers;
                if t.scroll_percentage.is_some_and(|s| !(1..=100).contains(&s)) {
                    return Err(WidgetSettingsError::Scroll);
                }
                let secs_ok =
                    |s: Option<u32>| s.is_none_or(|s| (1..=MAX_TRIGGER_SECS).contains(&s));
                if !secs_ok(t.time_on_page) || !secs_ok(t.idle) {
                    return Err(WidgetSettingsError::Seconds);
                }
                Ok(ProactiveChat {
                    enabled: p.enabled,
                    message: limited(p.message, MAX_WIDGET_TEXT_CHARS)
                        .map_err(|()| WidgetSettingsError::Text("invitation"))?,
                    triggers: t,
                })
            })
            .transpose()?;
        Ok(Self {
            lang,
            primary_color,
            position,
            welcome_message,
            placeholder_text,
            agent_name,
            features: self.features,
            pre_chat: self.pre_chat,
            proactive_chat,
        })
    }

    /// The `data-config` JSON of the embed snippet.
    pub fn data_config(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// The embed snippet: the loader's script tag for the site, with these settings.
    /// `livedesk` is the installation's public origin (`https://chat.example.com`).
    pub fn snippet(&self, livedesk: &str, site_key: &str) -> String {
        let config = if *self == WidgetSettings::default() {
            String::new()
        } else {
            // The JSON sits in a single-quoted attribute.
            let escaped = self
                .data_config()
                .replace('&', "&amp;")
                .replace('\'', "&#39;");
            format!(" data-config='{escaped}'")
        };
        format!(
            r#"<script src="{livedesk}/widget/loader.js" data-site-key="{site_key}"{config} async></script>"#
        )
    }
}

/// A trimmed text, `None` when empty.
fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn limited(text: Option<String>, max: usize) -> Result<Option<String>, ()> {
    match clean(text) {
        Some(t) if t.chars().count() > max => Err(()),
        other => Ok(other),
    }
}

/// A site as the superadmin sees it (`GET /api/v1/sites`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSummary {
    pub id: SiteId,
    pub name: String,
    pub site_key: String,
    pub allowed_origins: Vec<String>,
    pub suspended: bool,
    /// Active accounts of the site.
    pub agents: u64,
    /// Active accounts with a dashboard connected now.
    pub agents_online: u64,
    pub open_conversations: u64,
    /// Open conversations no agent has yet (in the queue).
    pub waiting: u64,
    /// Conversations and offline-form messages of the last 24 hours.
    pub conversations_24h: u64,
    pub offline_messages_24h: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `POST /api/v1/sites` (superadmins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSiteRequest {
    pub name: String,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the site's name must have 1 to {MAX_NAME_CHARS} characters")]
pub struct SiteNameError;

impl NewSiteRequest {
    /// Checks the name; the origins are checked by the server's origin rules.
    pub fn parse(self) -> Result<Self, SiteNameError> {
        Ok(Self {
            name: parse_name(&self.name).ok_or(SiteNameError)?,
            allowed_origins: self.allowed_origins,
        })
    }
}

/// `PUT /api/v1/sites/{id}/suspended` (superadmins): a suspended site's widget is refused,
/// and its agents are signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSuspension {
    pub suspended: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(email: &str, name: &str, role: Role, password: &str) -> NewAgentRequest {
        NewAgentRequest {
            email: email.into(),
            name: name.into(),
            role,
            password: password.into(),
        }
    }

    #[test]
    fn new_agents_are_checked() {
        let good = agent(" ada@example.com ", " Ada ", Role::Agent, "0123456789");
        let parsed = good.parse().expect("valid");
        assert_eq!(
            (parsed.email.as_str(), parsed.name.as_str()),
            ("ada@example.com", "Ada")
        );
        let cases = [
            (
                agent("ada", "Ada", Role::Agent, "0123456789"),
                AgentInputError::Email,
            ),
            (
                agent("@example.com", "Ada", Role::Agent, "0123456789"),
                AgentInputError::Email,
            ),
            (
                agent("a b@example.com", "Ada", Role::Agent, "0123456789"),
                AgentInputError::Email,
            ),
            (
                agent("ada@example.com", " ", Role::Agent, "0123456789"),
                AgentInputError::Name,
            ),
            (
                agent("ada@example.com", "Ada", Role::Superadmin, "0123456789"),
                AgentInputError::Role,
            ),
            (
                agent("ada@example.com", "Ada", Role::Admin, "short"),
                AgentInputError::Password,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(input.clone().parse(), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn invitations_are_checked() {
        let invite = |email: &str, role| NewInviteRequest {
            email: email.into(),
            role,
        };
        assert_eq!(
            invite(" ada@example.com ", Role::Admin)
                .parse()
                .expect("valid")
                .email,
            "ada@example.com"
        );
        assert_eq!(
            invite("ada", Role::Agent).parse(),
            Err(AgentInputError::Email)
        );
        assert_eq!(
            invite("ada@example.com", Role::Superadmin).parse(),
            Err(AgentInputError::Role)
        );
        let accept = |name: &str, password: &str| AcceptInvite {
            token: " abc ".into(),
            name: name.into(),
            password: password.into(),
        };
        let accepted = accept(" Ada ", "0123456789").parse().expect("valid");
        assert_eq!(
            (accepted.token.as_str(), accepted.name.as_str()),
            ("abc", "Ada")
        );
        assert_eq!(accept("", "0123456789").parse(), Err(AgentInputError::Name));
        assert_eq!(
            accept("Ada", "short").parse(),
            Err(AgentInputError::Password)
        );
    }

    #[test]
    fn shortcuts_are_normalised_and_checked() {
        let input = |s: &str| CannedResponseInput {
            shortcut: s.into(),
            body: "Thank you!".into(),
        };
        assert_eq!(input("/Thanks").parse().expect("valid").shortcut, "/thanks");
        assert_eq!(input("thanks").parse().expect("valid").shortcut, "/thanks");
        assert_eq!(
            input("/price-list_2").parse().expect("valid").shortcut,
            "/price-list_2"
        );
        for bad in [
            "",
            "/",
            "/two words",
            "/çok",
            &format!("/{}", "a".repeat(33)),
        ] {
            assert_eq!(
                input(bad).parse(),
                Err(CannedResponseError::Shortcut),
                "{bad:?}"
            );
        }
        let blank = CannedResponseInput {
            shortcut: "/x".into(),
            body: "  ".into(),
        };
        assert_eq!(blank.parse(), Err(CannedResponseError::Body));
    }

    #[test]
    fn tags_take_a_hex_color_or_none() {
        let tag = |c: Option<&str>| SiteTagInput {
            name: " Billing ".into(),
            color: c.map(str::to_owned),
        };
        let parsed = tag(Some("#0F766E")).parse().expect("valid");
        assert_eq!(
            (parsed.name.as_str(), parsed.color.as_deref()),
            ("billing", Some("#0f766e"))
        );
        assert_eq!(tag(Some("")).parse().expect("valid").color, None);
        assert_eq!(tag(Some("red")).parse(), Err(SiteTagError::Color));
        assert_eq!(tag(Some("#fff")).parse(), Err(SiteTagError::Color));
    }

    #[test]
    fn widget_settings_are_the_documented_data_config() {
        let settings = WidgetSettings {
            primary_color: Some("#0F766E".into()),
            position: Some("left".into()),
            lang: Some("tr".into()),
            welcome_message: Some(" It's me ".into()),
            placeholder_text: Some("  ".into()),
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!(
            settings.data_config(),
            r##"{"lang":"tr","primaryColor":"#0f766e","position":"left","welcomeMessage":"It's me"}"##
        );
        assert_eq!(
            settings.snippet("https://chat.example.com", "KEY"),
            r##"<script src="https://chat.example.com/widget/loader.js" data-site-key="KEY" data-config='{"lang":"tr","primaryColor":"#0f766e","position":"left","welcomeMessage":"It&#39;s me"}' async></script>"##
        );
        assert_eq!(
            WidgetSettings::default().snippet("https://c.example", "KEY"),
            r#"<script src="https://c.example/widget/loader.js" data-site-key="KEY" async></script>"#
        );
    }

    #[test]
    fn widget_settings_out_of_range_are_refused() {
        let bad = [
            (
                WidgetSettings {
                    lang: Some("de".into()),
                    ..Default::default()
                },
                WidgetSettingsError::Lang,
            ),
            (
                WidgetSettings {
                    primary_color: Some("blue".into()),
                    ..Default::default()
                },
                WidgetSettingsError::Color,
            ),
            (
                WidgetSettings {
                    position: Some("top".into()),
                    ..Default::default()
                },
                WidgetSettingsError::Position,
            ),
            (
                WidgetSettings {
                    welcome_message: Some("a".repeat(501)),
                    ..Default::default()
                },
                WidgetSettingsError::Welcome,
            ),
            (
                WidgetSettings {
                    pre_chat: Some(PreChat {
                        enabled: true,
                        fields: vec![PreChatField::Name],
                        required: vec![PreChatField::Email],
                    }),
                    ..Default::default()
                },
                WidgetSettingsError::RequiredNotAsked,
            ),
            (
                WidgetSettings {
                    proactive_chat: Some(ProactiveChat {
                        enabled: true,
                        message: None,
                        triggers: ProactiveTriggers {
                            scroll_percentage: Some(0),
                            ..Default::default()
                        },
                    }),
                    ..Default::default()
                },
                WidgetSettingsError::Scroll,
            ),
        ];
        for (settings, expected) in bad {
            assert_eq!(settings.parse(), Err(expected));
        }
    }
}
