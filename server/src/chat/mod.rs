//! Conversations and messages.

pub mod closing;
pub mod editing;
pub mod files;
pub mod inbox;
pub mod notes;
pub mod receipts;
pub mod routes;
pub mod store;
pub mod tag_list;
pub mod tags;
