//! # Livedesk wire protocol
//!
//! Every type that crosses the wire between the server, the widget and the dashboard is
//! defined here once, so the three cannot drift apart. `docs/protocol.md` describes the
//! same frames for people writing their own clients.
//!
//! ## Layout
//! - [`ids`]: typed identifiers (`SiteId`, `ConversationId`, …).
//! - [`chat`]: conversations, messages and the validated [`chat::MessageBody`].
//! - [`calls`]: voice and video calls as clients see them; their signaling payloads and
//!   state machine come from `livedesk-signaling`.
//! - [`frames`]: WebSocket frames, `{"t": "<type>", …}` JSON text frames.
//! - [`presence`]: agents' states (available, busy, away, break, do-not-disturb).
//! - [`routing`]: what a new chat asks for, transfers, and conversation tags.
//! - [`status`]: a site's public status (online, busy, offline, and why).
//! - [`visitors`]: visitors' presence (active, idle, offline) and the page they are on.
//! - [`api`]: REST request and response bodies.
//! - [`admin`]: the admin console's bodies: agents, canned responses, tags, the widget's
//!   settings and origins, and the superadmin's sites.
//! - [`widget`]: the widget's visitor profile and offline form.
//! - [`error`]: the stable error codes shared by REST and WebSocket errors.
//!
//! No IO lives here: the crate compiles for native targets and for `wasm32`.

pub mod admin;
pub mod api;
pub mod calls;
pub mod chat;
pub mod error;
pub mod frames;
pub mod ids;
pub mod presence;
pub mod routing;
pub mod status;
pub mod visitors;
pub mod widget;

pub use error::{ApiError, ErrorCode};

/// Largest WebSocket text frame a client may send, in bytes. Larger frames are answered with
/// [`ErrorCode::FrameTooLarge`] and the socket is closed with code 1009.
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// Largest JSON body the REST API accepts, in bytes.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// WebSocket close codes used by the server, beyond the standard ones.
pub mod close_code {
    /// The node is shutting down or restarting: reconnect (to any node) and resume.
    pub const RESTART: u16 = 1012;
    /// The frame was larger than [`crate::MAX_FRAME_BYTES`].
    pub const TOO_LARGE: u16 = 1009;
    /// The client could not keep up with its events; reconnect and resume.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// The token is missing, expired or forged, or its account is gone.
    pub const UNAUTHORIZED: u16 = 4001;
}
