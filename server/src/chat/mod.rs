//! Conversations and messages.

pub mod closing;
pub mod routes;
pub mod store;
