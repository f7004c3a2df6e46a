//! The demo page: a plain third-party shop page whose only Livedesk content is the embed
//! snippet. It is served from another port than the API, so the widget runs cross-origin
//! exactly as it would on a customer's site.

use anyhow::{Context, Result};
use std::fs;
use std::path::Path;

/// The site key from `livedesk demo-setup` output, which prints exactly one `site_key=` line.
pub fn site_key(demo_setup_stdout: &str) -> Result<String> {
    demo_setup_stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("site_key="))
        .map(str::to_string)
        .filter(|key| !key.is_empty())
        .context("`livedesk demo-setup` printed no `site_key=<key>` line")
}

pub fn write_page(dir: &Path, api_url: &str, site_key: &str) -> Result<()> {
    fs::create_dir_all(dir)?;
    let html = PAGE.replace("{API}", api_url).replace("{KEY}", site_key);
    fs::write(dir.join("index.html"), html).context("writing the demo page")
}

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Shoes — running shoes for every road</title>
  <style>
    body { font-family: Georgia, serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
    header { border-bottom: 2px solid #c33; margin-bottom: 2rem; }
    .product { border: 1px solid #ddd; padding: 1rem; margin: 1rem 0; }
    .price { font-weight: bold; color: #c33; }
  </style>
</head>
<body>
  <header><h1>Acme Shoes</h1><p>Running shoes for every road since 1987.</p></header>
  <main>
    <div class="product">
      <h2>Roadrunner 5</h2>
      <p>Light, springy and built for long distances.</p>
      <p class="price">€ 129</p>
    </div>
    <div class="product">
      <h2>Trail Coyote</h2>
      <p>Grippy soles for mud, rock and everything between.</p>
      <p class="price">€ 149</p>
    </div>
    <p>Not sure about your size? Our team is happy to help: just ask in the chat.</p>
  </main>
  <footer><p>© Acme Shoes · 12 High Street · Free returns within 30 days</p></footer>
  <script src="{API}/widget/loader.js" data-site-key="{KEY}" async></script>
</body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_site_key_among_the_human_lines() -> Result<()> {
        let stdout = "admin_email=admin@example.com\nsite_key=pk_123abc\nadmin_password=x\n";

        let key = site_key(stdout)?;

        assert_eq!(key, "pk_123abc");
        Ok(())
    }

    #[test]
    fn output_without_a_site_key_is_an_error() {
        assert!(site_key("admin_email=a@b.c\n").is_err());
    }
}
