//! Conversations and messages.

pub mod closing;
pub mod receipts;
pub mod routes;
pub mod store;
