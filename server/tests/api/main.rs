//! The server from the outside: real PostgreSQL, real Redis, real sockets.

#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod admin_agents;
mod admin_settings;
mod agent_files;
mod assignment;
mod auth;
mod bad_input;
mod calls;
mod calls_media;
mod closing;
mod editing;
mod inbox;
mod invites;
mod messaging;
mod nodes;
mod notes;
mod ops;
mod presence;
mod queue;
mod resilience;
mod routing;
mod routing_admin;
mod signals;
mod start_chat;
mod status;
mod tenancy;
mod transfer;
mod visitor_session;
mod visitors;
mod widget_files;
mod widget_forms;
mod widget_status;
