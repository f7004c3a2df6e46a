//! What the loader tells the frame through its URL:
//! `/widget/frame?site_key=KEY&lang=tr&color=%234F46E5&welcome=…&placeholder=…`.

use web_sys::UrlSearchParams;

use crate::texts::Lang;

/// Longest site-provided text (welcome message, placeholder) shown, in characters.
const MAX_CONFIG_TEXT: usize = 500;

pub struct FrameParams {
    pub site_key: String,
    pub lang: Lang,
    /// The site's primary color, only when it is a plain hex color.
    pub color: Option<String>,
    pub welcome: Option<String>,
    pub placeholder: Option<String>,
}

impl FrameParams {
    /// Reads `location.search`. A missing or empty `site_key` is `None`.
    pub fn from_search(search: &str) -> Option<Self> {
        let query = UrlSearchParams::new_with_str(search).ok()?;
        let text = |name: &str| {
            query
                .get(name)
                .map(|s| s.trim().chars().take(MAX_CONFIG_TEXT).collect::<String>())
                .filter(|s| !s.is_empty())
        };
        Some(Self {
            site_key: text("site_key")?,
            lang: Lang::parse(&text("lang").unwrap_or_default()),
            color: text("color").filter(|c| parse_hex_color(c).is_some()),
            welcome: text("welcome"),
            placeholder: text("placeholder"),
        })
    }
}

/// `#rgb` or `#rrggbb` as (r, g, b).
pub fn parse_hex_color(color: &str) -> Option<(u8, u8, u8)> {
    let hex = color.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        3 => {
            let one = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
            Some((one(0)?, one(1)?, one(2)?))
        }
        6 => Some((
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        )),
        _ => None,
    }
}

/// The text color that stays readable on `color`: dark on light colors, white otherwise
/// (a rough WCAG relative luminance, good enough to pick between two).
pub fn text_color_on(color: (u8, u8, u8)) -> &'static str {
    let (r, g, b) = color;
    let luminance = 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
    if luminance > 160.0 {
        "#111827"
    } else {
        "#ffffff"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colors_are_accepted() {
        let cases = [
            ("#4F46E5", Some((0x4f, 0x46, 0xe5))),
            ("#fff", Some((255, 255, 255))),
            ("#000000", Some((0, 0, 0))),
            ("4F46E5", None),
            ("#4F46E", None),
            ("red", None),
            ("#12345g", None),
            ("#fff;background:url(x)", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_hex_color(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn text_on_primary_color_stays_readable() {
        assert_eq!(text_color_on((0x4f, 0x46, 0xe5)), "#ffffff");
        assert_eq!(text_color_on((0xfa, 0xcc, 0x15)), "#111827");
        assert_eq!(text_color_on((255, 255, 255)), "#111827");
    }
}
