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
//! - [`desk`]: the reactive state and every action that changes it.
//! - [`call`]: the agent's side of a call (ring, accept, peer connection, media controls).
//! - [`views`]: the components, one file per part of the screen.

pub mod api;
pub mod call;
pub mod desk;
pub mod model;
pub mod session;
pub mod socket;
mod views;

use wasm_bindgen::prelude::*;

/// Entry point, run by `boot.js` once the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(views::App);
}
