//! The widget's frame and the built files of the widget and dashboard.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use livedesk_protocol::admin::WidgetSettings;
use serde::Deserialize;
use tower_http::services::ServeDir;

use crate::error::AppResult;
use crate::sites::find_active_by_key;
use crate::state::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    let web = &state.config.web_dir;
    // `build-web` writes a brotli and a `gzip -9` copy beside each file (`loader.js.br`,
    // `loader.js.gz`, …): brotli goes to browsers that accept it, gzip to the others that
    // accept gzip. The loader is weighed in compressed bytes on every host page.
    let files = |app: &str| {
        ServeDir::new(web.join(app))
            .precompressed_br()
            .precompressed_gzip()
    };
    Router::new()
        .route("/widget/frame", get(frame))
        .route("/widget/preview", get(preview))
        .nest_service("/widget", files("widget"))
        .route(
            "/dashboard",
            get(|| async { Redirect::permanent("/dashboard/") }),
        )
        .nest_service("/dashboard/", files("dashboard"))
}

#[derive(Deserialize)]
struct PreviewParams {
    #[serde(default)]
    site_key: String,
    /// The `data-config` JSON to preview.
    #[serde(default)]
    config: String,
}

/// A plain sample page with the embed snippet for `config`: the admin console shows it in
/// an iframe as the live preview of the launcher. Settings that do not validate are
/// previewed as the defaults; the site key only goes into the snippet.
async fn preview(
    State(state): State<AppState>,
    Query(params): Query<PreviewParams>,
) -> Html<String> {
    let settings = serde_json::from_str::<WidgetSettings>(&params.config)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    let key: String = params
        .site_key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(64)
        .collect();
    let snippet = settings.snippet(&state.config.public_origin(), &key);
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Widget preview</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;padding:1rem;color:#475467;background:#f8f9fb}}</style></head>
<body><p>Your page. The launcher appears in the corner the settings choose.</p>
{snippet}
</body></html>"#
    ))
}

#[derive(Deserialize)]
struct FrameParams {
    #[serde(default)]
    site_key: String,
}

/// The page inside the widget's iframe. Browsers load it only inside pages of the site's
/// allowed origins (`frame-ancestors`), which is what keeps another site from embedding
/// someone else's widget.
async fn frame(
    State(state): State<AppState>,
    Query(params): Query<FrameParams>,
) -> AppResult<Response> {
    let Some(site) = find_active_by_key(&state.db, &params.site_key).await? else {
        let suspended = sqlx::query_scalar!(
            "SELECT suspended FROM sites WHERE site_key = $1",
            params.site_key
        )
        .fetch_optional(&state.db)
        .await?
        .unwrap_or(false);
        let (status, text) = if suspended {
            (
                StatusCode::FORBIDDEN,
                "This site's chat is suspended by the Livedesk operator.",
            )
        } else {
            (StatusCode::NOT_FOUND, "Unknown site key.")
        };
        return Ok((
            status,
            Html(format!(
                "<!doctype html><title>Livedesk</title><p data-ld=\"refused\">{text}</p>"
            )),
        )
            .into_response());
    };
    let path = state.config.web_dir.join("widget/frame.html");
    let page = tokio::fs::read_to_string(&path)
        .await
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    let ancestors = if site.allowed_origins.is_empty() {
        "'none'".to_owned()
    } else {
        site.allowed_origins.join(" ")
    };
    let ws_origin = state.config.public_origin().replacen("http", "ws", 1);
    // `https:` images: the site's agent avatar (`agentAvatar`) may live on the site's own host.
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: https:; connect-src 'self' {ws_origin}; frame-ancestors {ancestors}"
    );
    let mut response = Html(page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
