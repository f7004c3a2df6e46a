//! The routing strategies a site admin chooses from, and the one entry point that applies
//! them.
//!
//! Every strategy sees only the agents who can take a chat at `now`: eligibility is checked
//! once, here, so no strategy can route to someone offline, away or full. Every tie is
//! broken down to the agent id, so a snapshot gives the same pick whatever order presence
//! listed the agents in.

use std::collections::BTreeSet;

use livedesk_protocol::ids::AgentId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::agent::AgentSnapshot;
use super::{
    DepartmentId, department, language, least_busy, round_robin, skill_based, vip_priority,
};

pub use livedesk_protocol::routing::Strategy;

/// What the waiting visitor asks for; each strategy reads the part it cares about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoutingRequest {
    /// Skills the chat needs (from the pre-chat form or the page), matched exactly.
    pub required_skills: BTreeSet<String>,
    /// The visitor's language, e.g. the browser's "de-DE".
    pub language: Option<String>,
    pub department: Option<DepartmentId>,
    pub vip: bool,
}

/// The agent a chat goes to, and whether the strategy had to settle for less than asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pick {
    pub agent: AgentId,
    /// `Some` when the visitor did not get what they asked for, so the widget can say so
    /// ("nobody from Sales is free, another colleague will help you").
    pub fallback: Option<Fallback>,
}

/// How a strategy widened its search when nobody matched the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// Nobody of the requested department could take the chat; any department's agent did.
    GeneralPool,
    /// Nobody speaks the visitor's language; an English speaker took the chat.
    English,
    /// Nobody speaks the visitor's language or English.
    AnyLanguage,
}

impl Pick {
    pub(super) fn exact(agent: &AgentSnapshot) -> Self {
        Self {
            agent: agent.id,
            fallback: None,
        }
    }

    pub(super) fn fell_back(agent: &AgentSnapshot, fallback: Fallback) -> Self {
        Self {
            agent: agent.id,
            fallback: Some(fallback),
        }
    }
}

/// The agent `strategy` gives the chat described by `request` at `now`, or `None` when no
/// agent in `agents` can take a chat (the visitor then waits in the queue).
///
/// `last_assigned` is the site's round-robin cursor: the agent who got the previous chat.
/// The caller stores `pick.agent` as the new cursor after the assignment succeeded.
pub fn pick(
    strategy: Strategy,
    request: &RoutingRequest,
    agents: &[AgentSnapshot],
    now: OffsetDateTime,
    last_assigned: Option<AgentId>,
) -> Option<Pick> {
    let eligible: Vec<&AgentSnapshot> = agents.iter().filter(|a| a.can_take_chat(now)).collect();
    // Whatever the strategy, a chat for a department goes to its agents first.
    let (pool, widened) = department::pool(&eligible, request.department);
    let picked = match strategy {
        Strategy::Department => {
            return department::pick(&eligible, request.department, last_assigned);
        }
        Strategy::RoundRobin => round_robin::pick(&pool, last_assigned).map(Pick::exact),
        Strategy::LeastBusy => least_busy::pick(&pool).map(Pick::exact),
        Strategy::SkillBased => skill_based::pick(&pool, &request.required_skills).map(Pick::exact),
        Strategy::VipPriority => vip_priority::pick(&pool, request.vip).map(Pick::exact),
        Strategy::Language => language::pick(&pool, request.language.as_deref()),
    }?;
    Some(match picked.fallback {
        None if widened => Pick {
            fallback: Some(Fallback::GeneralPool),
            ..picked
        },
        _ => picked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::agent::{AgentState, AgentStatus};
    use crate::routing::testing::{Lcg, NOW, agent, id};
    use time::Duration;

    const ALL: [Strategy; 6] = Strategy::ALL;

    #[test]
    fn strategies_are_stored_in_snake_case() {
        let cases = [
            (Strategy::RoundRobin, "\"round_robin\""),
            (Strategy::LeastBusy, "\"least_busy\""),
            (Strategy::SkillBased, "\"skill_based\""),
            (Strategy::Department, "\"department\""),
            (Strategy::VipPriority, "\"vip_priority\""),
            (Strategy::Language, "\"language\""),
        ];
        for (strategy, json) in cases {
            assert_eq!(serde_json::to_string(&strategy).ok().as_deref(), Some(json));
            assert_eq!(serde_json::from_str::<Strategy>(json).ok(), Some(strategy));
            assert_eq!(format!("\"{}\"", strategy.as_stored()), json);
            assert_eq!(Strategy::from_stored(strategy.as_stored()), Some(strategy));
        }
        assert_eq!(Strategy::from_stored("fastest"), None);
        assert!(serde_json::from_str::<Strategy>("\"RoundRobin\"").is_err());
    }

    #[test]
    fn every_strategy_serves_a_department_with_its_own_agents_first() {
        let sales = DepartmentId(uuid::Uuid::from_u128(100));
        let agents = vec![
            AgentSnapshot {
                department: Some(sales),
                active_chats: 4,
                ..agent(1)
            },
            agent(2),
        ];
        let for_sales = RoutingRequest {
            department: Some(sales),
            ..RoutingRequest::default()
        };
        for strategy in ALL {
            let got = pick(strategy, &for_sales, &agents, NOW, None);

            assert_eq!(got, Some(Pick::exact(&agents[0])), "{strategy:?}");
        }
        let full = vec![
            AgentSnapshot {
                active_chats: 5,
                ..agents[0].clone()
            },
            agents[1].clone(),
        ];
        for strategy in ALL {
            let got = pick(strategy, &for_sales, &full, NOW, None);

            assert_eq!(
                got,
                Some(Pick::fell_back(&full[1], Fallback::GeneralPool)),
                "{strategy:?}: nobody of Sales is free"
            );
        }
    }

    #[test]
    fn nobody_to_pick_gives_none() {
        let unavailable = vec![
            AgentSnapshot {
                status: AgentStatus::Offline,
                ..agent(1)
            },
            AgentSnapshot {
                state: AgentState::Busy,
                ..agent(2)
            },
            AgentSnapshot {
                active_chats: 5,
                ..agent(3)
            },
            AgentSnapshot {
                state: AgentState::DoNotDisturb {
                    until: None,
                    message: None,
                },
                ..agent(4)
            },
        ];
        let request = RoutingRequest {
            vip: true,
            ..RoutingRequest::default()
        };
        for strategy in ALL {
            assert_eq!(
                pick(strategy, &request, &[], NOW, None),
                None,
                "{strategy:?} empty"
            );
            assert_eq!(
                pick(strategy, &request, &unavailable, NOW, Some(id(1))),
                None,
                "{strategy:?} all unavailable"
            );
        }
    }

    #[test]
    fn the_only_available_agent_gets_the_chat_whatever_the_strategy() {
        let agents = vec![
            AgentSnapshot {
                status: AgentStatus::Offline,
                ..agent(1)
            },
            agent(2),
            AgentSnapshot {
                active_chats: 5,
                ..agent(3)
            },
        ];
        let request = RoutingRequest::default();
        for strategy in ALL {
            let got = pick(strategy, &request, &agents, NOW, None).map(|p| p.agent);

            assert_eq!(got, Some(id(2)), "{strategy:?}");
        }
    }

    fn random_state(rng: &mut Lcg) -> AgentState {
        let until = match rng.below(3) {
            0 => None,
            1 => Some(NOW - Duration::minutes(rng.below(60) as i64)),
            _ => Some(NOW + Duration::minutes(1 + rng.below(60) as i64)),
        };
        match rng.below(5) {
            0 => AgentState::Available,
            1 => AgentState::Busy,
            2 => AgentState::Away {
                until,
                message: None,
            },
            3 => AgentState::Break {
                until,
                message: Some("Mola".into()),
            },
            _ => AgentState::DoNotDisturb {
                until,
                message: None,
            },
        }
    }

    fn random_agent(rng: &mut Lcg, n: u128) -> AgentSnapshot {
        const SKILLS: [&str; 4] = ["Teknik Destek", "Satış", "İngilizce", "Muhasebe"];
        const LANGUAGES: [&str; 4] = ["tr", "en", "de", "fr"];
        let max_chats = rng.below(7) as u32;
        AgentSnapshot {
            status: if rng.one_in(4) {
                AgentStatus::Offline
            } else {
                AgentStatus::Online
            },
            state: random_state(rng),
            active_chats: rng.below(u64::from(max_chats) + 2) as u32,
            max_chats,
            queued_chats: rng.below(3) as u32,
            skills: SKILLS
                .iter()
                .filter(|_| rng.one_in(2))
                .map(|s| s.to_string())
                .collect(),
            languages: LANGUAGES
                .iter()
                .filter(|_| rng.one_in(3))
                .map(|s| s.to_string())
                .collect(),
            department: (!rng.one_in(3))
                .then(|| DepartmentId(uuid::Uuid::from_u128(rng.below(3).into()))),
            priority_level: rng.below(4) as u8,
            rating: (!rng.one_in(4)).then(|| rng.below(11) as f32 / 2.0),
            ..agent(n)
        }
    }

    fn random_request(rng: &mut Lcg) -> RoutingRequest {
        const SKILLS: [&str; 3] = ["Teknik Destek", "Satış", "İngilizce"];
        const LANGUAGES: [&str; 5] = ["tr", "en", "de-DE", "ja", "fr"];
        RoutingRequest {
            required_skills: SKILLS
                .iter()
                .filter(|_| rng.one_in(2))
                .map(|s| s.to_string())
                .collect(),
            language: (!rng.one_in(5)).then(|| LANGUAGES[rng.below(5) as usize].to_string()),
            department: (!rng.one_in(3))
                .then(|| DepartmentId(uuid::Uuid::from_u128(rng.below(4).into()))),
            vip: rng.one_in(3),
        }
    }

    #[test]
    fn no_strategy_ever_picks_an_agent_who_cannot_take_the_chat() {
        let mut rng = Lcg(2026);
        for round in 0..2_000 {
            let count = rng.below(8);
            let agents: Vec<AgentSnapshot> = (0..count)
                .map(|n| random_agent(&mut rng, u128::from(n) + 1))
                .collect();
            let request = random_request(&mut rng);
            let last = (!rng.one_in(3)).then(|| id(u128::from(rng.below(9))));
            let anyone_free = agents.iter().any(|a| a.can_take_chat(NOW));
            let mut reversed = agents.clone();
            reversed.reverse();

            for strategy in ALL {
                let got = pick(strategy, &request, &agents, NOW, last);

                let context = format!("round {round}, {strategy:?}, {request:?}");
                match got {
                    None => assert!(
                        !anyone_free,
                        "nobody picked though someone is free: {context}"
                    ),
                    Some(p) => {
                        let chosen = agents.iter().find(|a| a.id == p.agent);
                        assert!(
                            chosen.is_some_and(|a| a.can_take_chat(NOW)),
                            "picked an agent who cannot take a chat: {context}"
                        );
                    }
                }
                assert_eq!(
                    pick(strategy, &request, &reversed, NOW, last),
                    got,
                    "the order of the snapshot changed the pick: {context}"
                );
            }
        }
    }
}
