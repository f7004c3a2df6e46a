//! Queue priority and routing strategies (pure, no IO).
//!
//! Everything here is a function of its arguments (including `now`), so the Redis side can
//! call it from any node and tests can state every rule as a table.
//!
//! ## Layout
//! - [`priority`](mod@priority): a waiting visitor's priority (it ages with waiting) and
//!   its sorted-set score.
//! - [`agent`]: the agent snapshot, agent states, eligibility and the load score.

pub mod agent;
pub mod priority;

mod ratio;

#[cfg(test)]
mod testing;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use agent::{AgentSnapshot, AgentState, AgentStatus, Load};
pub use priority::{Priority, QueueEntry, priority, score};

/// A department of one site (Sales, Technical Support, Accounting …).
///
/// Lives here until departments have their own table and wire types; it should then move to
/// `livedesk_protocol::ids` beside the other ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DepartmentId(pub Uuid);
