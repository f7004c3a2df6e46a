//! Conversations and messages.

pub mod routes;
pub mod store;
