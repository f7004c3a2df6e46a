//! A site's public status: what the widget offers right now.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What the widget offers, from the product's three scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WidgetState {
    /// Open and an agent can take a new chat now: live chat and calls.
    Online,
    /// Open (or at lunch) but nobody free: AI answers, queue with position, ticket form.
    Busy,
    /// Closed: next opening time, AI chat, ticket form, no calls.
    Offline,
}

/// Why the desk is closed, most specific first: an emergency beats a holiday, a holiday
/// beats the weekly hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClosedReason {
    /// Nights, closed weekdays.
    OutsideHours,
    /// Inside the weekly hours but in a break such as lunch.
    Break,
    Holiday {
        name: String,
        message: Option<String>,
    },
    Emergency {
        message: String,
    },
}

/// `GET /api/v1/public/sites/{site_key}/status`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteStatus {
    pub state: WidgetState,
    /// Why the desk is closed (also set during a break, when the state is busy).
    pub closed_reason: Option<ClosedReason>,
    /// When the desk opens next, if closed and it ever opens.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_open: Option<OffsetDateTime>,
    /// When the desk closes, if open and it ever closes.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closes_at: Option<OffsetDateTime>,
    /// Agents with a live connection.
    pub agents_online: u32,
    /// Online agents who can take a new chat now.
    pub agents_available: u32,
    /// Visitors waiting for an agent.
    pub queue_length: u64,
}
