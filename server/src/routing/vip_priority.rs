//! VIP priority: VIP visitors go to the most senior, best-rated agent.
//!
//! Seed: for a VIP, the highest `priority_level`, then the highest average rating; we add
//! least busy as the last tie-break (then the id, through it). An agent nobody has rated yet
//! ranks below every rated agent of the same level: a VIP should not be the first to find
//! out. Visitors who are not VIP are routed like least busy.

use std::cmp::Ordering;

use super::agent::AgentSnapshot;
use super::least_busy;

pub(super) fn pick<'a>(eligible: &[&'a AgentSnapshot], vip: bool) -> Option<&'a AgentSnapshot> {
    if !vip {
        return least_busy::pick(eligible);
    }
    eligible.iter().copied().min_by(|a, b| {
        b.priority_level
            .cmp(&a.priority_level)
            .then_with(|| compare_ratings(b.rating, a.rating))
            .then_with(|| least_busy::compare(a, b))
    })
}

/// Unrated (or a NaN that slipped through) is below any rating.
fn compare_ratings(a: Option<f32>, b: Option<f32>) -> Ordering {
    let rated = |r: Option<f32>| r.filter(|r| !r.is_nan());
    match (rated(a), rated(b)) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{agent, id};

    fn senior(n: u128, level: u8, rating: Option<f32>, active: u32) -> AgentSnapshot {
        AgentSnapshot {
            priority_level: level,
            rating,
            active_chats: active,
            ..agent(n)
        }
    }

    #[test]
    fn vip_goes_to_the_most_senior_then_best_rated() {
        let cases: Vec<(&str, Vec<AgentSnapshot>, u128)> = vec![
            (
                "highest level wins over rating and load",
                vec![senior(1, 1, Some(5.0), 0), senior(2, 3, Some(3.5), 4)],
                2,
            ),
            (
                "same level: better rating",
                vec![senior(1, 2, Some(4.2), 0), senior(2, 2, Some(4.8), 3)],
                2,
            ),
            (
                "same level, unrated below rated",
                vec![senior(1, 2, None, 0), senior(2, 2, Some(1.0), 3)],
                2,
            ),
            (
                "NaN counts as unrated",
                vec![senior(1, 2, Some(f32::NAN), 0), senior(2, 2, Some(0.0), 3)],
                2,
            ),
            (
                "same level and rating: least busy",
                vec![senior(1, 2, Some(4.5), 3), senior(2, 2, Some(4.5), 1)],
                2,
            ),
            (
                "all equal: lower id",
                vec![senior(2, 2, None, 1), senior(1, 2, None, 1)],
                1,
            ),
        ];
        for (why, agents, expected) in cases {
            let eligible: Vec<&AgentSnapshot> = agents.iter().collect();

            let got = pick(&eligible, true).map(|a| a.id);

            assert_eq!(got, Some(id(expected)), "{why}");
        }
    }

    #[test]
    fn other_visitors_go_to_the_least_busy() {
        let agents = [senior(1, 3, Some(5.0), 4), senior(2, 1, None, 1)];
        let eligible: Vec<&AgentSnapshot> = agents.iter().collect();

        let got = pick(&eligible, false).map(|a| a.id);

        assert_eq!(got, Some(id(2)));
    }

    #[test]
    fn nobody_eligible_gives_none() {
        assert_eq!(pick(&[], true), None);
        assert_eq!(pick(&[], false), None);
    }
}
