//! The visitor and agent WebSockets and the hub that carries events between nodes.
//!
//! A socket joins the [`hub::Hub`] for its site; everything another socket should see
//! is published on Redis after it is stored, and every node forwards it to its own sockets.

pub mod agent;
pub mod calls;
pub mod event;
pub mod frame_budget;
pub mod hub;
pub mod link;
pub mod nudges;
pub mod send;
pub mod signals;
pub mod socket;
pub mod typing;
pub mod visitor;
pub mod visitor_presence;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ws/visitor", get(visitor::upgrade))
        .route("/ws/agent", get(agent::upgrade))
}
