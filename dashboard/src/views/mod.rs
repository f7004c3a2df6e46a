//! Leptos components. Each file is one part of the screen; they read [`crate::desk::Desk`]
//! from context and call its actions.
//!
//! Elements that tests and integrators look for carry a `data-ld` attribute
//! (`data-ld="conversation"`, `data-ld="message"`, `data-ld="composer"`, …); class names are
//! for styling only and may change.

mod actions_bar;
mod admin;
mod app;
mod call;
mod composer;
mod confirm;
mod conversation;
mod files;
mod format;
mod header;
mod inbox;
mod invite;
mod login;
mod nav;
mod offline;
mod shortcuts;
mod side_panel;
mod visitors;
mod workspace;

pub use app::App;
