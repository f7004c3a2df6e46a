//! # Livedesk call signaling
//!
//! What the server, the widget and the dashboard share about calls. Nothing here does IO,
//! except the optional embedded TURN server (feature `turn-server`, server only); the rest
//! compiles for native targets and for `wasm32`.
//!
//! ## Layout
//! - [`state`]: the call state machine. Each side feeds it the events it sees (its own
//!   actions, frames from the other party, timers) and acts on the state it returns.
//! - [`payload`]: what the peers exchange through the server: session descriptions (offer,
//!   answer, renegotiation), ICE candidates, mute and camera state, screen sharing; each
//!   checked by a `parse` before the server relays it.
//! - [`ice`]: the STUN/TURN configuration handed to clients, and short-lived TURN
//!   credentials (the TURN REST API scheme coturn's `use-auth-secret` speaks).
//! - `turn_server` (feature `turn-server`): an embedded STUN/TURN server that accepts
//!   those credentials.

pub mod ice;
pub mod payload;
pub mod state;
#[cfg(feature = "turn-server")]
pub mod turn_server;

pub use state::{CallEvent, CallState, InvalidTransition};
