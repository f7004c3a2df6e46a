//! # Livedesk server
//!
//! The axum application behind the `livedesk` binary: REST API, the visitor and agent
//! WebSockets, the widget frame and the dashboard's files.
//!
//! ## Layout
//! - [`app`]: builds the application from a [`config::Config`] and runs it until shutdown.
//! - [`agents`]: the site's accounts as its admins manage them (create, role, deactivate).
//! - [`canned`]: canned responses agents insert by their shortcut.
//! - [`auth`]: agent login, access and refresh tokens, visitor tokens, passwords.
//! - [`sites`]: tenants, their site keys and allowed origins; visitor sessions; the public
//!   status, also pushed live to open widgets.
//! - [`chat`]: conversations and messages: storing with per-conversation sequence numbers,
//!   listing, replaying; agents sharing files.
//! - [`files`]: files shared in conversations: checking, keeping and serving them.
//! - [`calls`]: voice and video calls: signaling between the two parties, ringing, the
//!   call queue, STUN/TURN configuration and the embedded TURN server.
//! - [`realtime`]: the WebSockets and the hub that fans events out across nodes via Redis.
//! - [`web`]: the widget frame and static files of the widget and dashboard.
//! - [`hours`]: business hours, holidays, emergency override and the SLA clock.
//! - [`routing`]: queue priority and the strategies that pick an agent.
//! - [`presence`]: agents' sockets (heartbeats) and chosen states in Redis.
//! - [`visitors`]: visitors' presence (active, idle, offline, current page) in Redis.
//! - [`assignment`]: queueing new conversations and giving them to agents.
//! - [`queue`]: the waiting queue in Redis and its atomic claim.
//! - [`widget`]: the widget's REST calls: visitor contact details, the offline form and
//!   visitors' file uploads.
//! - [`ops`]: health, metrics, logging, rate limits.
//! - [`admin`]: operator commands (`create-admin`, `demo-setup`, …).
//!
//! PostgreSQL is the source of truth; Redis carries events between nodes. A message is
//! acknowledged only after its transaction committed.

pub mod admin;
pub mod agents;
pub mod app;
pub mod assignment;
pub mod auth;
pub mod calls;
pub mod canned;
pub mod chat;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod files;
pub mod hours;
pub mod ops;
pub mod presence;
pub mod queue;
pub mod realtime;
pub mod routing;
pub mod sites;
pub mod state;
pub mod visitors;
pub mod web;
pub mod widget;

pub use app::Application;
pub use config::Config;
