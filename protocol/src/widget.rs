//! REST bodies the widget sends besides its socket: who the visitor says they are (the
//! pre-chat form and `Livedesk.updateVisitor`), and the offline form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::VisitorId;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_PHONE_CHARS: usize = 40;
/// Keys of `custom_data`, and characters of each key and value.
pub const MAX_CUSTOM_FIELDS: usize = 20;
pub const MAX_CUSTOM_KEY_CHARS: usize = 50;
pub const MAX_CUSTOM_VALUE_CHARS: usize = 500;
pub const MAX_OFFLINE_MESSAGE_CHARS: usize = 4000;

/// `POST /api/v1/visitor/profile`: fields left out (or `null`) keep their stored value;
/// `custom_data`, when given, replaces the stored one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorProfile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub custom_data: Option<BTreeMap<String, String>>,
}

/// `POST /api/v1/visitor/offline-messages`: the offline form (also after a queue timeout).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineMessageRequest {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub message: String,
    /// The page the visitor wrote from.
    #[serde(default)]
    pub page_url: Option<String>,
}

/// A stored offline message, as agents list it (`GET /api/v1/site/offline-messages`) and
/// as the `offline_message` frame carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineMessage {
    pub id: uuid::Uuid,
    pub visitor_id: VisitorId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub message: String,
    pub page_url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// `None` while the message waits for an agent. Defaulted so bodies written before
    /// messages could be handled still read.
    #[serde(default)]
    pub handled: Option<OfflineHandled>,
}

/// Who marked an offline message handled, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineHandled {
    /// The agent's name; `None` once their account is deleted.
    pub by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// `PUT /api/v1/site/offline-messages/{id}/handled`: mark the message handled, or
/// (`false`) reopen it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineHandledRequest {
    pub handled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("the name must be 1 to {MAX_NAME_CHARS} characters without control characters")]
    Name,
    #[error("the e-mail address is not valid")]
    Email,
    #[error("the phone number may hold digits, spaces and + - ( ) only, at most {MAX_PHONE_CHARS}")]
    Phone,
    #[error(
        "custom data takes at most {MAX_CUSTOM_FIELDS} fields, keys of 1 to {MAX_CUSTOM_KEY_CHARS} characters and values of at most {MAX_CUSTOM_VALUE_CHARS}"
    )]
    CustomData,
    #[error("the message must be 1 to {MAX_OFFLINE_MESSAGE_CHARS} characters")]
    Message,
}

/// A trimmed name: 1–200 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, ContactError> {
    let name = raw.trim();
    let len = name.chars().count();
    if len == 0 || len > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ContactError::Name);
    }
    Ok(name.to_owned())
}

/// A trimmed e-mail address of the shape `local@domain.tld` (what a form can check; the
/// address is proven only by an answer reaching it).
pub fn parse_email(raw: &str) -> Result<String, ContactError> {
    let email = raw.trim();
    let valid = email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email.to_owned())
    } else {
        Err(ContactError::Email)
    }
}

/// A trimmed phone number with at least 3 digits; empty is `None`.
pub fn parse_phone(raw: &str) -> Result<Option<String>, ContactError> {
    let phone = raw.trim();
    if phone.is_empty() {
        return Ok(None);
    }
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed || digits < 3 || phone.chars().count() > MAX_PHONE_CHARS {
        return Err(ContactError::Phone);
    }
    Ok(Some(phone.to_owned()))
}

pub fn check_custom_data(data: &BTreeMap<String, String>) -> Result<(), ContactError> {
    let key_ok = |k: &str| !k.trim().is_empty() && k.chars().count() <= MAX_CUSTOM_KEY_CHARS;
    let value_ok = |v: &str| v.chars().count() <= MAX_CUSTOM_VALUE_CHARS;
    if data.len() > MAX_CUSTOM_FIELDS || !data.iter().all(|(k, v)| key_ok(k) && value_ok(v)) {
        return Err(ContactError::CustomData);
    }
    Ok(())
}

/// The offline form's text, trimmed: 1–4000 characters.
pub fn parse_offline_message(raw: &str) -> Result<String, ContactError> {
    let text = raw.trim();
    let len = text.chars().count();
    if len == 0 || len > MAX_OFFLINE_MESSAGE_CHARS {
        return Err(ContactError::Message);
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_are_checked_for_their_shape() {
        let cases = [
            ("ada@example.com", true),
            ("  ada@example.com ", true),
            ("ada@localhost", false),
            ("ada.example.com", false),
            ("@example.com", false),
            ("ada@@example.com", false),
            ("ada @example.com", false),
            ("ada@example.", false),
            ("", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(parse_email(raw).is_ok(), ok, "{raw:?}");
        }
    }

    #[test]
    fn phone_numbers_hold_digits_and_punctuation() {
        assert_eq!(parse_phone(" "), Ok(None));
        assert_eq!(
            parse_phone("+90 (555) 123-4567"),
            Ok(Some("+90 (555) 123-4567".into()))
        );
        assert_eq!(parse_phone("call me"), Err(ContactError::Phone));
        assert_eq!(parse_phone("12"), Err(ContactError::Phone));
        assert_eq!(parse_phone(&"1".repeat(41)), Err(ContactError::Phone));
    }

    #[test]
    fn names_and_messages_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Ayşe "), Ok("Ayşe".into()));
        assert_eq!(parse_name(" "), Err(ContactError::Name));
        assert_eq!(parse_name("a\u{7}b"), Err(ContactError::Name));
        assert_eq!(parse_name(&"a".repeat(201)), Err(ContactError::Name));
        assert_eq!(parse_offline_message(""), Err(ContactError::Message));
        assert!(parse_offline_message(&"x".repeat(4000)).is_ok());
        assert_eq!(
            parse_offline_message(&"x".repeat(4001)),
            Err(ContactError::Message)
        );
    }

    #[test]
    fn custom_data_is_bounded() {
        let ok: BTreeMap<String, String> = [("plan".to_owned(), "Premium".to_owned())].into();
        assert_eq!(check_custom_data(&ok), Ok(()));
        let blank_key: BTreeMap<String, String> = [(" ".to_owned(), "x".to_owned())].into();
        assert_eq!(check_custom_data(&blank_key), Err(ContactError::CustomData));
        let many: BTreeMap<String, String> =
            (0..21).map(|i| (i.to_string(), String::new())).collect();
        assert_eq!(check_custom_data(&many), Err(ContactError::CustomData));
    }

    #[test]
    fn offline_messages_written_before_handling_read_as_waiting() {
        let raw = r#"{"id":"00000000-0000-0000-0000-000000000001",
            "visitor_id":"00000000-0000-0000-0000-000000000002","name":"Ayşe",
            "email":"ayse@example.com","phone":null,"message":"Hi","page_url":null,
            "created_at":"2026-12-03T10:00:00Z"}"#;
        let message: OfflineMessage = serde_json::from_str(raw).expect("an older body reads");
        assert_eq!(message.handled, None);
        let handled: OfflineHandled =
            serde_json::from_str(r#"{"by":"Ada","at":"2026-12-03T11:00:00Z"}"#)
                .expect("documented body reads");
        assert_eq!(handled.by.as_deref(), Some("Ada"));
    }

    #[test]
    fn the_handled_request_takes_one_flag_only() {
        let request: OfflineHandledRequest =
            serde_json::from_str(r#"{"handled":true}"#).expect("documented body reads");
        assert!(request.handled);
        for raw in [
            r#"{}"#,
            r#"{"handled":"yes"}"#,
            r#"{"handled":true,"by":"x"}"#,
        ] {
            assert!(
                serde_json::from_str::<OfflineHandledRequest>(raw).is_err(),
                "{raw}"
            );
        }
    }
}

/// Largest file a visitor may upload, in bytes (10 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// The kinds of file a visitor may upload, told by their first bytes, never by their name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/gif")]
    Gif,
    #[serde(rename = "image/webp")]
    Webp,
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl FileKind {
    /// The kind the content is, from its magic bytes; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some(Self::Png),
            [0xff, 0xd8, 0xff, ..] => Some(Self::Jpeg),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(Self::Gif),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(Self::Webp),
            [b'%', b'P', b'D', b'F', b'-', ..] => Some(Self::Pdf),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::Gif, Self::Webp, Self::Pdf]
            .into_iter()
            .find(|k| k.mime() == mime)
    }

    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }
}

/// A file name as shown: the last path segment, without control characters or quotes,
/// trimmed, at most [`MAX_FILE_NAME_CHARS`]; `file` when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned.into()
    }
}

/// `POST /api/v1/visitor/files` answers with the stored file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub id: uuid::Uuid,
    pub name: String,
    pub mime: FileKind,
    pub size_bytes: u64,
    /// Where the visitor (with the visitor token) and the site's agents (with their access
    /// token) download it.
    pub url: String,
}

/// The text of the message that shares a file: `📎 <name>` and its address on its own line.
pub fn file_message_body(file: &UploadedFile) -> String {
    format!("📎 {}\n{}", file.name, file.url)
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn files_are_told_by_their_content() {
        let cases: [(&[u8], Option<FileKind>); 8] = [
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(FileKind::Png)),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", Some(FileKind::Jpeg)),
            (b"GIF89a\x01\0", Some(FileKind::Gif)),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Some(FileKind::Webp)),
            (b"%PDF-1.7\n", Some(FileKind::Pdf)),
            (b"MZ\x90\0 an exe named photo.png", None),
            (b"<html><script>alert(1)</script>", None),
            (b"", None),
        ];
        for (bytes, kind) in cases {
            assert_eq!(FileKind::sniff(bytes), kind, "{bytes:?}");
        }
    }

    #[test]
    fn file_names_lose_paths_and_markup() {
        assert_eq!(
            clean_file_name("C:\\Users\\ada\\receipt.pdf"),
            "receipt.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("<b>\"x\".png"), "bx.png");
        assert_eq!(clean_file_name("  \n "), "file");
        assert_eq!(clean_file_name(&"a".repeat(300)).chars().count(), 200);
    }
}

/// `POST /api/v1/visitor/visit`: what the widget knows of the visit besides the page (which
/// goes over the socket). Every field is optional; the browser, system and device come from
/// the request's `User-Agent`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitReport {
    /// The page that linked to the site (`document.referrer`), an http(s) address or empty.
    #[serde(default)]
    pub referrer: Option<String>,
    /// How many times this browser has come to the site (1 on the first visit).
    #[serde(default)]
    pub visits: Option<u32>,
    /// How far down the current page the visitor has scrolled, 0–100 %.
    #[serde(default)]
    pub scroll_depth: Option<u8>,
    /// The browser's IANA time zone (`Europe/Istanbul`): where the visitor is, roughly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The browser's language (`tr-TR`), a BCP 47 tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// Whether `zone` looks like an IANA time zone name (`Europe/Istanbul`, `UTC`,
/// `America/Argentina/Buenos_Aires`); the name is shown, never used to compute.
pub fn is_time_zone(zone: &str) -> bool {
    (1..=64).contains(&zone.len())
        && zone.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
        })
}

/// Whether `tag` looks like a BCP 47 language tag (`tr`, `en-GB`, `zh-Hant-TW`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    tag.len() <= 35
        && (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A visitor's record, for the agents of its site (`GET /api/v1/site/visitors/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorDetails {
    pub visitor_id: VisitorId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub custom_data: BTreeMap<String, String>,
    pub referrer: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    /// `desktop`, `mobile` or `tablet`.
    pub device: Option<String>,
    pub visits: u32,
    pub scroll_depth: u8,
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// As the browser reported them ([`VisitReport`]).
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    /// The pages the visitor opened, newest first (up to [`PAGES_LISTED`]).
    #[serde(default)]
    pub pages: Vec<PageVisit>,
}

/// How many of a visitor's pages their record lists.
pub const PAGES_LISTED: usize = 20;

/// A page a visitor opened, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageVisit {
    pub url: String,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub viewed_at: OffsetDateTime,
}

/// Browser, operating system and device class from a `User-Agent`, coarsely (what an agent
/// wants to know, not a fingerprint).
pub fn describe_user_agent(ua: &str) -> (&'static str, &'static str, &'static str) {
    let has = |s: &str| ua.contains(s);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("OPR/") || has("Opera") {
        "Opera"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        "Other"
    };
    let os = if has("Android") {
        "Android"
    } else if has("iPhone") || has("iPad") || has("iOS") {
        "iOS"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Linux") {
        "Linux"
    } else {
        "Other"
    };
    let device = if has("iPad") || (has("Android") && !has("Mobile")) || has("Tablet") {
        "tablet"
    } else if has("Mobi") || has("iPhone") {
        "mobile"
    } else {
        "desktop"
    };
    (browser, os, device)
}

#[cfg(test)]
mod visit_tests {
    use super::{describe_user_agent, is_language_tag, is_time_zone};

    #[test]
    fn time_zones_and_languages_are_checked_for_their_shape() {
        for zone in [
            "Europe/Istanbul",
            "UTC",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+3",
        ] {
            assert!(is_time_zone(zone), "{zone}");
        }
        for zone in [
            "",
            "Europe/",
            "/Istanbul",
            "Europe/Ist anbul",
            "<script>",
            &"A".repeat(65),
        ] {
            assert!(!is_time_zone(zone), "{zone}");
        }
        for tag in ["tr", "tr-TR", "zh-Hant-TW", "en-GB"] {
            assert!(is_language_tag(tag), "{tag}");
        }
        for tag in ["", "t", "tr_TR", "tr-", "tr TR", "123"] {
            assert!(!is_language_tag(tag), "{tag}");
        }
    }

    #[test]
    fn user_agents_read_as_browser_system_and_device() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                ("Chrome", "Windows", "desktop"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                ("Edge", "Windows", "desktop"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                ("Safari", "iOS", "mobile"),
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                ("Chrome", "Android", "mobile"),
            ),
            (
                "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                ("Chrome", "Android", "tablet"),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0",
                ("Firefox", "macOS", "desktop"),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
                ("Chrome", "Linux", "desktop"),
            ),
            ("curl/8.0", ("Other", "Other", "desktop")),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe_user_agent(ua), expected, "{ua}");
        }
    }
}
