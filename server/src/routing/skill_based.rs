//! Skill-based: the best mix of skill match and free capacity.
//!
//! Seed: `score = 0.7 × matched / required + 0.3 × (100 − load) / 100`; the highest wins.
//! Skills outweigh load, but an agent with every skill and a full plate can lose to one
//! with most skills and nothing open. The score is exact (see `ratio`), and equal scores go
//! to the less busy agent. A chat that needs no particular skill is routed like least busy,
//! since the match part would be the same for everyone.

use std::collections::BTreeSet;

use super::agent::AgentSnapshot;
use super::least_busy;
use super::ratio::Ratio;

/// Weight of the skill match (70 %) and of the free capacity (30 %).
const SKILL_WEIGHT: Ratio = Ratio::new(7, 10);
const LOAD_WEIGHT: Ratio = Ratio::new(3, 10);

pub(super) fn pick<'a>(
    eligible: &[&'a AgentSnapshot],
    required: &BTreeSet<String>,
) -> Option<&'a AgentSnapshot> {
    if required.is_empty() {
        return least_busy::pick(eligible);
    }
    eligible.iter().copied().min_by(|a, b| {
        score(b, required)
            .cmp(&score(a, required))
            .then_with(|| least_busy::compare(a, b))
    })
}

/// The seed's score of `agent` for a chat needing `required` (not empty): 0 to 1, below 0
/// when queued chats push the load past 100.
fn score(agent: &AgentSnapshot, required: &BTreeSet<String>) -> Ratio {
    let matched = required
        .iter()
        .filter(|s| agent.skills.contains(*s))
        .count();
    let match_ratio = Ratio::new(matched as i128, required.len() as i128);
    let free = Ratio::whole(100)
        .sub(agent.load().0)
        .mul(Ratio::new(1, 100));
    SKILL_WEIGHT.mul(match_ratio).add(LOAD_WEIGHT.mul(free))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{agent, id};

    fn skilled(n: u128, skills: &[&str], active: u32, queued: u32) -> AgentSnapshot {
        AgentSnapshot {
            skills: skills.iter().map(|s| s.to_string()).collect(),
            active_chats: active,
            queued_chats: queued,
            ..agent(n)
        }
    }

    fn needs(skills: &[&str]) -> BTreeSet<String> {
        skills.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn score_follows_the_seed_formula() {
        let required = needs(&["İngilizce", "Teknik Destek"]);
        let cases = [
            // (skills, active of 5, queued, score)
            (vec!["İngilizce", "Teknik Destek"], 0, 0, 1.0),
            (
                vec!["İngilizce", "Teknik Destek", "Satış"],
                2,
                0,
                0.7 + 0.3 * 0.6,
            ),
            (vec!["Teknik Destek"], 0, 0, 0.35 + 0.3),
            (vec!["Satış"], 0, 0, 0.3),
            (vec!["Satış"], 5, 0, 0.0),
            (vec!["İngilizce"], 5, 2, 0.35 - 0.3 * 0.2),
        ];
        for (skills, active, queued, expected) in cases {
            let agent = skilled(1, &skills, active, queued);

            let got = score(&agent, &required).to_f64();

            assert!(
                (got - expected).abs() < 1e-12,
                "{skills:?}: {got} ≠ {expected}"
            );
        }
    }

    #[test]
    fn best_score_wins() {
        let seed_request = needs(&["İngilizce", "Teknik Destek"]);
        let cases: Vec<(&str, BTreeSet<String>, Vec<AgentSnapshot>, u128)> = vec![
            (
                "seed: A 100 %, B 50 %, C 50 % → A",
                seed_request.clone(),
                vec![
                    skilled(1, &["İngilizce", "Teknik Destek", "Satış"], 1, 0),
                    skilled(2, &["Türkçe", "Teknik Destek"], 1, 0),
                    skilled(3, &["İngilizce", "Satış"], 1, 0),
                ],
                1,
            ),
            (
                "full match outweighs a lighter load",
                seed_request.clone(),
                vec![
                    skilled(1, &["Teknik Destek"], 0, 0),
                    skilled(2, &["İngilizce", "Teknik Destek"], 4, 0),
                ],
                2,
            ),
            (
                "queued chats can tip it to the half match",
                seed_request.clone(),
                vec![
                    skilled(1, &["Teknik Destek"], 0, 0),
                    skilled(2, &["İngilizce", "Teknik Destek"], 4, 4),
                ],
                1,
            ),
            (
                "same match: lighter load",
                seed_request.clone(),
                vec![
                    skilled(1, &["İngilizce"], 3, 0),
                    skilled(2, &["Teknik Destek"], 1, 0),
                ],
                2,
            ),
            (
                "equal score: less busy (fewer chats) then id",
                needs(&["Satış"]),
                vec![skilled(2, &["Satış"], 1, 0), skilled(1, &["Satış"], 1, 0)],
                1,
            ),
            (
                "nobody has the skill: still the best score",
                needs(&["Muhasebe"]),
                vec![skilled(1, &["Satış"], 3, 0), skilled(2, &[], 1, 0)],
                2,
            ),
            (
                "no skills required: least busy",
                BTreeSet::new(),
                vec![
                    skilled(1, &["Satış"], 3, 0),
                    skilled(2, &[], 2, 1),
                    skilled(3, &["Teknik Destek"], 1, 0),
                ],
                3,
            ),
        ];
        for (why, required, agents, expected) in cases {
            let eligible: Vec<&AgentSnapshot> = agents.iter().collect();

            let got = pick(&eligible, &required).map(|a| a.id);

            assert_eq!(got, Some(id(expected)), "{why}");
        }
    }

    #[test]
    fn nobody_eligible_gives_none() {
        assert_eq!(pick(&[], &needs(&["Satış"])), None);
    }
}
