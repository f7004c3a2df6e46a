//! Web origins (`scheme://host[:port]`) as browsers send them in `Origin`.

use url::Url;

/// Normalises an origin the way browsers serialise it: lower-case host, default port
/// dropped, no path. `None` for anything that is not an http(s) origin.
pub fn normalize(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    let has_path =
        !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some();
    if has_path || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// Normalises a list an admin typed: blank lines are skipped, duplicates kept once. The
/// error names the first entry that is not an origin.
pub fn normalize_list(raw: &[String]) -> Result<Vec<String>, String> {
    let mut origins: Vec<String> = Vec::new();
    for entry in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        let origin = normalize(entry).ok_or_else(|| {
            format!("{entry:?} is not an origin like https://shop.example.com (no path)")
        })?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

pub fn is_allowed(allowed: &[String], origin: &str) -> bool {
    normalize(origin).is_some_and(|o| allowed.contains(&o))
}

/// Whether the page at `url` (a full address) is on one of the `allowed` origins.
pub fn is_allowed_page(allowed: &[String], url: &str) -> bool {
    Url::parse(url.trim())
        .ok()
        .is_some_and(|u| allowed.contains(&u.origin().ascii_serialization()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalise_as_browsers_send_them() {
        let cases = [
            ("https://Shop.Example.com", Some("https://shop.example.com")),
            (
                "https://shop.example.com:443/",
                Some("https://shop.example.com"),
            ),
            ("http://127.0.0.1:8081", Some("http://127.0.0.1:8081")),
            ("https://shop.example.com/path", None),
            ("ftp://shop.example.com", None),
            ("null", None),
            ("https://user:pw@shop.example.com", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalize(raw).as_deref(), expected, "{raw}");
        }
    }

    #[test]
    fn lists_are_normalised_and_the_bad_entry_named() {
        let typed = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            normalize_list(&typed(&["https://A.example", " ", "https://a.example:443"])),
            Ok(vec!["https://a.example".to_owned()])
        );
        let Err(error) = normalize_list(&typed(&["https://a.example", "a.example/x"])) else {
            panic!("a list with a bad entry is refused");
        };
        assert!(error.contains("a.example/x"), "{error}");
    }

    #[test]
    fn only_listed_origins_are_allowed() {
        let allowed = vec!["https://shop.example.com".to_owned()];
        assert!(is_allowed(&allowed, "https://shop.example.com"));
        assert!(!is_allowed(&allowed, "https://evil.example.com"));
        assert!(!is_allowed(&allowed, "http://shop.example.com"));
    }

    #[test]
    fn pages_count_by_their_origin() {
        let allowed = vec!["https://shop.example.com".to_owned()];
        assert!(is_allowed_page(
            &allowed,
            "https://shop.example.com/shoes?size=42#top"
        ));
        assert!(is_allowed_page(&allowed, "https://SHOP.example.com:443/"));
        assert!(!is_allowed_page(
            &allowed,
            "https://shop.example.com.evil.io/"
        ));
        assert!(!is_allowed_page(&allowed, "http://shop.example.com/shoes"));
        assert!(!is_allowed_page(&allowed, "not a url"));
    }
}
