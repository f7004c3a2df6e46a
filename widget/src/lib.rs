//! # Livedesk visitor widget
//!
//! The chat a visitor sees. `loader.js` (in `static/`) runs in the host page, owns the
//! public `window.Livedesk` API and the launcher bubble, and opens this widget in an
//! iframe of the Livedesk origin (`/widget/frame`), so the host page's CSS and scripts
//! cannot reach it and the visitor token never enters the host page.
//!
//! ## Layout
//! - [`app`]: the `Widget`, which owns everything below and reacts to the page, the
//!   socket and the loader.
//! - [`session`]: `POST /api/v1/visitor/session` and the stored visitor token.
//! - [`socket`]: the `/ws/visitor` WebSocket, keep-alive and reconnect delays.
//! - [`transcript`]: which messages are on screen and where a new one goes (pure).
//! - [`view`]: the frame's DOM.
//! - [`wire`]: reading the server's JSON (frames, session answers).
//! - [`host`]: `postMessage` to and from the loader.
//! - [`params`], [`texts`]: the frame URL's settings and the English/Turkish texts.
//! - [`dom`]: listeners and timers that clean up when dropped.
//! - [`flows`]: the desk's state, the forms, typing, receipts, rating and page tracking.
//! - [`panels`]: the DOM of the parts around the conversation (cards, forms, emoji).
//! - [`config`]: the site's settings the loader passes on; [`rest`]: the REST calls;
//!   [`upload`]: sharing an image or a PDF.
//! - [`call`]: a voice or video call (its states from the server's `call_changed`);
//!   [`call_view`]: the call panel; the `RTCPeerConnection`, the microphone and camera,
//!   and screen sharing by `replaceTrack` are `livedesk-webcall`, shared with the dashboard.

pub mod app;
pub mod call;
pub mod call_view;
pub mod config;
pub mod dom;
pub mod flows;
pub mod host;
pub mod panels;
pub mod params;
pub mod rest;
pub mod session;
pub mod socket;
pub mod texts;
pub mod transcript;
pub mod upload;
pub mod view;
pub mod wire;

use wasm_bindgen::prelude::wasm_bindgen;

/// Talc rather than Rust's default dlmalloc: measured, it takes ≈ 2 KB gzip less of the
/// widget's wasm, and the widget (one thread, short-lived, small heap) needs nothing
/// dlmalloc does better.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(start)]
pub fn start() {
    if let Err(error) = app::boot() {
        web_sys::console::error_2(&"[livedesk] the widget could not start:".into(), &error);
    }
}
