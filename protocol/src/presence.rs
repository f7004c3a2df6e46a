//! Agents' presence as clients see it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::AgentId;

/// What an agent says about taking new chats. Open chats carry on in every state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStateKind {
    Available,
    /// Also set by the system while the agent is at `max_chats`.
    Busy,
    Away,
    Break,
    DoNotDisturb,
}

/// Longest state message ("Lunch, back at 14:00"), in characters.
pub const MAX_STATE_MESSAGE_CHARS: usize = 140;

/// An agent's chosen state, with an optional message and the time it ends by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStateChoice {
    pub state: AgentStateKind,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
}

/// Where an agent stands, as shown to the site's agents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPresence {
    pub agent_id: AgentId,
    pub online: bool,
    /// The state the agent chose.
    pub choice: AgentStateChoice,
    /// The state routing applies now: `busy` while an available agent is at `max_chats`
    /// (set and cleared by the system), otherwise the chosen one.
    pub effective: AgentStateKind,
    pub active_chats: u32,
    pub max_chats: u32,
}
