//! # Livedesk dashboard
//!
//! The agents' single-page app, written with Leptos (client-side rendering) and served by
//! the Livedesk server at `/dashboard/`, on the same origin as the API.
//!
//! ## Layout
//! - [`api`]: the REST client (`fetch`, JSON, protocol types).
//! - [`session`]: sign-in, token refresh and sign-out.
//! - [`socket`]: the agent WebSocket with ping, backoff and reconnect.
//! - [`model`]: the inbox, transcript and outbox rules, pure and unit-tested.
//! - [`route`]: the pages and their addresses (`#/visitors`, `#/settings/agents`).
//! - [`desk`]: the reactive state and every action that changes it; [`actions`]: what an
//!   agent does over the socket (take, close, transfer, tag, note, edit, state).
//! - [`offline`]: the site's offline messages, live, and marking them handled.
//! - `alerts`: tone, browser notification and title count for new chats.
//! - [`call`]: the agent's side of a call (ring, accept, peer connection, media controls).
//! - [`views`]: the components, one file per part of the screen.

pub mod actions;
pub(crate) mod alerts;
pub mod api;
pub mod call;
pub mod desk;
pub mod model;
pub mod offline;
pub mod route;
pub mod session;
pub mod socket;
mod views;

use wasm_bindgen::prelude::*;

/// Entry point, run by `boot.js` once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(views::App);
}
