//! Queue priority and routing strategies (pure, no IO).
//!
//! When a visitor starts a chat, the server reads a snapshot of the site's agents from
//! presence and asks a [`Strategy`] to [`pick`] one; if nobody can take the chat, the visitor
//! waits in the queue, ordered by [`priority::score`]. Everything here is a function of its
//! arguments (including `now` and the round-robin cursor), so the Redis side can call it
//! from any node and tests can state every rule as a table.
//!
//! ## Layout
//! - [`priority`](mod@priority): a waiting visitor's priority (it ages with waiting) and
//!   its sorted-set score.
//! - [`agent`]: the agent snapshot, agent states, eligibility and the load score.
//! - [`strategy`]: the strategies, the routing request and the pick (with any fallback);
//!   one private file per strategy.

pub mod agent;
pub mod priority;
pub mod strategy;

mod department;
mod language;
mod least_busy;
mod ratio;
mod round_robin;
mod skill_based;
mod vip_priority;

#[cfg(test)]
mod testing;

pub use agent::{AgentSnapshot, AgentState, AgentStatus, Load};
pub use livedesk_protocol::ids::DepartmentId;
pub use priority::{Priority, QueueEntry, priority, score};
pub use strategy::{Fallback, Pick, RoutingRequest, Strategy, pick};
