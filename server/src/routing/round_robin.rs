//! Round robin: each eligible agent in turn.
//!
//! Seed: agents [A, B, C] get chats A, B, C, A, … The turn order is the agent id, not the
//! order presence lists agents in, so two nodes with differently ordered snapshots agree.
//! The cursor (`last`, the agent who got the previous chat) is kept by the caller; the next
//! agent is the first eligible one after it in id order, wrapping around. A cursor agent who
//! has gone offline meanwhile does not reset the rotation: the turn passes to whoever
//! follows them.

use livedesk_protocol::ids::AgentId;

use super::agent::AgentSnapshot;

pub(super) fn pick<'a>(
    eligible: &[&'a AgentSnapshot],
    last: Option<AgentId>,
) -> Option<&'a AgentSnapshot> {
    let after_last = last.and_then(|last| {
        eligible
            .iter()
            .copied()
            .filter(|a| a.id > last)
            .min_by_key(|a| a.id)
    });
    after_last.or_else(|| eligible.iter().copied().min_by_key(|a| a.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{agent, id};

    #[test]
    fn seed_example_a_b_c_a() {
        let agents = [agent(1), agent(2), agent(3)];
        let eligible: Vec<&AgentSnapshot> = agents.iter().collect();
        let mut cursor = None;

        let turns: Vec<AgentId> = (0..4)
            .filter_map(|_| {
                let next = pick(&eligible, cursor)?.id;
                cursor = Some(next);
                Some(next)
            })
            .collect();

        assert_eq!(turns, [id(1), id(2), id(3), id(1)]);
    }

    #[test]
    fn next_turn() {
        let cases: Vec<(&str, Vec<u128>, Option<u128>, u128)> = vec![
            ("no cursor yet: first by id", vec![3, 1, 2], None, 1),
            ("after the cursor", vec![1, 2, 3], Some(1), 2),
            ("wraps after the last", vec![1, 2, 3], Some(3), 1),
            ("snapshot order does not matter", vec![3, 2, 1], Some(1), 2),
            (
                "cursor agent gone: the one after them",
                vec![1, 3, 4],
                Some(2),
                3,
            ),
            ("cursor past everyone: wraps", vec![1, 3], Some(9), 1),
            ("a single agent always", vec![5], Some(5), 5),
        ];
        for (why, ids, cursor, expected) in cases {
            let agents: Vec<AgentSnapshot> = ids.into_iter().map(agent).collect();
            let eligible: Vec<&AgentSnapshot> = agents.iter().collect();

            let got = pick(&eligible, cursor.map(id)).map(|a| a.id);

            assert_eq!(got, Some(id(expected)), "{why}");
        }
    }

    #[test]
    fn nobody_eligible_gives_none() {
        assert_eq!(pick(&[], Some(id(1))), None);
    }
}
