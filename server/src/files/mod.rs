//! Files shared in conversations: images (PNG, JPEG, GIF, WebP) and PDF of at most 10 MB,
//! told by their first bytes, never by their name or declared type.
//!
//! Visitors upload them in the widget ([`crate::widget::files`]), agents from the
//! dashboard ([`crate::chat::files`]); both go through [`storage::store`], which checks the
//! content and keeps the file on disk under `<data dir>/uploads/<site id>/<file id>`.
//! `GET /api/v1/files/{id}` ([`download`]) serves it to the visitor of the conversation it
//! was shared in and to the site's agents.

pub mod download;
pub mod storage;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/files/{id}", get(download::download))
}
