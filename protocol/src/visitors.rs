//! Visitors' presence as the site's agents see it: online or not, active or idle, and the
//! page they are on.
//!
//! Time on page is derived by clients from [`CurrentPage::since`], never sent as a ticking
//! number, so a presence only changes when something the visitor did changes it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::VisitorId;

/// Longest page address a visitor's client may report, in characters.
pub const MAX_PAGE_URL_CHARS: usize = 2048;
/// Longest page title, in characters, after trimming.
pub const MAX_PAGE_TITLE_CHARS: usize = 300;

/// What a visitor's client says about the person in front of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorActivity {
    /// The page is visible and used.
    Active,
    /// The tab is hidden, or nothing happened on it for a while.
    Idle,
}

/// Where a visitor stands, as shown to agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorStatus {
    /// Online, and at least one tab is active.
    Active,
    /// Online, every tab idle (or between two pages).
    Idle,
    /// No socket of the visitor is left.
    Offline,
}

/// A page as a visitor's client reports it, checked by [`PageView::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    pub url: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the page address must be an http:// or https:// URL with a host")]
    NotHttp,
    #[error("the page address is longer than {MAX_PAGE_URL_CHARS} characters")]
    UrlTooLong,
    #[error("the page address contains spaces or control characters")]
    UrlCharacters,
    #[error("the page title is longer than {MAX_PAGE_TITLE_CHARS} characters")]
    TitleTooLong,
    #[error("the page title contains control characters")]
    TitleCharacters,
}

impl PageView {
    /// Checks a reported page: an absolute http(s) URL without white space, a trimmed
    /// title (possibly empty), both within their lengths.
    pub fn parse(url: &str, title: &str) -> Result<Self, PageError> {
        let url = url.trim();
        if url.chars().count() > MAX_PAGE_URL_CHARS {
            return Err(PageError::UrlTooLong);
        }
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &url[8..]
        } else if lower.starts_with("http://") {
            &url[7..]
        } else {
            return Err(PageError::NotHttp);
        };
        if rest.is_empty() || rest.starts_with(['/', '?', '#', ':']) {
            return Err(PageError::NotHttp);
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(PageError::UrlCharacters);
        }
        let title = title.trim();
        if title.chars().count() > MAX_PAGE_TITLE_CHARS {
            return Err(PageError::TitleTooLong);
        }
        if title.chars().any(char::is_control) {
            return Err(PageError::TitleCharacters);
        }
        Ok(Self {
            url: url.to_owned(),
            title: title.to_owned(),
        })
    }
}

/// The page a visitor is on, and since when (time on page = now − `since`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPage {
    pub url: String,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// One visitor's presence: frame `visitor_presence` and `GET /api/v1/site/visitors/online`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorPresence {
    pub visitor_id: VisitorId,
    pub status: VisitorStatus,
    /// The page most recently reported by any of the visitor's tabs; `None` until one is.
    pub page: Option<CurrentPage>,
    /// The last heartbeat or frame of any of the visitor's sockets.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_checked_before_anyone_sees_them() {
        let long_url = format!(
            "https://shop.example.com/{}",
            "a".repeat(MAX_PAGE_URL_CHARS)
        );
        let long_title = "t".repeat(MAX_PAGE_TITLE_CHARS + 1);
        type Case<'a> = (&'a str, &'a str, Result<(&'a str, &'a str), PageError>);
        let cases: [Case<'_>; 12] = [
            (
                "https://shop.example.com/shoes?size=42",
                "  Shoes  ",
                Ok(("https://shop.example.com/shoes?size=42", "Shoes")),
            ),
            (
                " HTTP://shop.example.com ",
                "",
                Ok(("HTTP://shop.example.com", "")),
            ),
            (
                "http://127.0.0.1:8081/",
                "Demo",
                Ok(("http://127.0.0.1:8081/", "Demo")),
            ),
            ("javascript:alert(1)", "x", Err(PageError::NotHttp)),
            ("ftp://shop.example.com/", "x", Err(PageError::NotHttp)),
            ("/relative/path", "x", Err(PageError::NotHttp)),
            ("https://", "x", Err(PageError::NotHttp)),
            ("https:///path", "x", Err(PageError::NotHttp)),
            (
                "https://shop.example.com/a b",
                "x",
                Err(PageError::UrlCharacters),
            ),
            (&long_url, "x", Err(PageError::UrlTooLong)),
            (
                "https://shop.example.com/",
                &long_title,
                Err(PageError::TitleTooLong),
            ),
            (
                "https://shop.example.com/",
                "a\u{7}b",
                Err(PageError::TitleCharacters),
            ),
        ];
        for (url, title, expected) in cases {
            let expected = expected.map(|(url, title)| PageView {
                url: url.into(),
                title: title.into(),
            });
            assert_eq!(PageView::parse(url, title), expected, "{url:?} {title:?}");
        }
    }

    #[test]
    fn a_title_of_exactly_the_limit_is_kept() {
        let title = "é".repeat(MAX_PAGE_TITLE_CHARS);
        let page = PageView::parse("https://shop.example.com/", &title).expect("at the limit");
        assert_eq!(page.title.chars().count(), MAX_PAGE_TITLE_CHARS);
    }
}
