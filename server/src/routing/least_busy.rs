//! Least busy: the agent with the lowest load score gets the chat.
//!
//! Seed: `load = active / max × 100 + queued × 10`. Equal loads go to the agent with fewer
//! chats open (fewer conversations to juggle right now), then to the lower agent id, so the
//! pick never depends on the order of the snapshot.

use std::cmp::Ordering;

use super::agent::AgentSnapshot;

/// `Less` when `a` is less busy than `b`; a total order (ends on the id). Other strategies
/// use it as their last tie-break.
pub(super) fn compare(a: &AgentSnapshot, b: &AgentSnapshot) -> Ordering {
    a.load()
        .cmp(&b.load())
        .then(a.active_chats.cmp(&b.active_chats))
        .then(a.id.cmp(&b.id))
}

/// The least busy of the `eligible` agents.
pub(super) fn pick<'a>(eligible: &[&'a AgentSnapshot]) -> Option<&'a AgentSnapshot> {
    eligible.iter().copied().min_by(|a, b| compare(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{agent, id};

    fn loaded(n: u128, active: u32, max: u32, queued: u32) -> AgentSnapshot {
        AgentSnapshot {
            active_chats: active,
            max_chats: max,
            queued_chats: queued,
            ..agent(n)
        }
    }

    #[test]
    fn lowest_load_wins() {
        let cases: Vec<(&str, Vec<AgentSnapshot>, u128)> = vec![
            (
                "seed: A 2/5 → 40, B 4/5 + 1 queued → 90, C 1/5 → 20",
                vec![loaded(1, 2, 5, 0), loaded(2, 4, 5, 1), loaded(3, 1, 5, 0)],
                3,
            ),
            (
                "each waiting chat weighs 10 points: 20 + 30 > 40",
                vec![loaded(1, 1, 5, 3), loaded(2, 2, 5, 0)],
                2,
            ),
            (
                "load is relative to capacity",
                vec![loaded(1, 2, 4, 0), loaded(2, 3, 10, 0)],
                2,
            ),
            (
                "equal load: fewer open chats",
                vec![loaded(1, 2, 10, 0), loaded(2, 1, 5, 0)],
                2,
            ),
            (
                "equal load and chats: lower id",
                vec![loaded(2, 1, 5, 0), loaded(1, 1, 5, 0)],
                1,
            ),
            (
                "1/3 and 2/6 are the same load",
                vec![loaded(1, 2, 6, 0), loaded(2, 1, 3, 0)],
                2,
            ),
            ("a single agent", vec![loaded(7, 4, 5, 3)], 7),
        ];
        for (why, agents, expected) in cases {
            let eligible: Vec<&AgentSnapshot> = agents.iter().collect();

            let got = pick(&eligible).map(|a| a.id);

            assert_eq!(got, Some(id(expected)), "{why}");
        }
    }

    #[test]
    fn nobody_eligible_gives_none() {
        assert_eq!(pick(&[]), None);
    }
}
