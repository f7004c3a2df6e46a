//! What the widget's frame asks of the server besides its socket: the visitor's contact
//! details (pre-chat form, `Livedesk.updateVisitor`) and the offline form, whose messages
//! the site's agents list, and the files visitors share in the chat.
//!
//! The frame is served from this origin, so these routes need no CORS; the visitor proves
//! who they are with their visitor token (`Authorization: Bearer <visitor token>`).

pub mod files;
pub mod offline;
pub mod profile;
pub mod visit;

use axum::Router;

pub use crate::auth::visitor::CurrentVisitor;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(profile::router())
        .merge(offline::router())
        .merge(files::router())
        .merge(visit::router())
}
