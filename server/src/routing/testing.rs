//! Fixtures shared by the routing tests.

use std::collections::BTreeSet;

use livedesk_protocol::ids::AgentId;
use time::OffsetDateTime;
use time::macros::datetime;

use super::agent::{AgentSnapshot, AgentState, AgentStatus};

/// 12:31, one minute after the "break until 12:30" of the eligibility examples.
pub(super) const NOW: OffsetDateTime = datetime!(2026-01-09 12:31 UTC);

/// Agent number `n`; agents sort by `n`, so tests can say "lower id".
pub(super) fn id(n: u128) -> AgentId {
    AgentId(uuid::Uuid::from_u128(n))
}

/// An online, available agent with 5 seats and nothing open; tests change what they need.
pub(super) fn agent(n: u128) -> AgentSnapshot {
    AgentSnapshot {
        id: id(n),
        status: AgentStatus::Online,
        state: AgentState::Available,
        active_chats: 0,
        max_chats: 5,
        queued_chats: 0,
        skills: BTreeSet::new(),
        languages: vec!["tr".into()],
        department: None,
        priority_level: 1,
        rating: None,
        accepts_calls: true,
    }
}

/// A small deterministic generator for property tests, so they need no extra crate and a
/// failure replays exactly.
pub(super) struct Lcg(pub(super) u64);

impl Lcg {
    /// A number in `0..below`.
    pub(super) fn below(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    pub(super) fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}
