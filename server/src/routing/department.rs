//! Department: the visitor's department first, the general pool when it has nobody free.
//!
//! Seed: the least busy available agent of the department; when nobody there can take the
//! chat, round robin over every available agent (the general pool), and the visitor is
//! told through [`Fallback::GeneralPool`]. A visitor who chose no department goes straight
//! to the general pool, and nothing is reported since nothing was refused.

use livedesk_protocol::ids::AgentId;

use super::agent::AgentSnapshot;
use super::strategy::{Fallback, Pick};
use super::{DepartmentId, least_busy, round_robin};

/// The agents a chat for `department` may go to under the other strategies: the
/// department's own when any of them can take it, else everyone; `true` when the pool was
/// widened to everyone although a department was asked for.
pub(super) fn pool<'a>(
    eligible: &[&'a AgentSnapshot],
    department: Option<DepartmentId>,
) -> (Vec<&'a AgentSnapshot>, bool) {
    let Some(department) = department else {
        return (eligible.to_vec(), false);
    };
    let members: Vec<&AgentSnapshot> = eligible
        .iter()
        .copied()
        .filter(|a| a.department == Some(department))
        .collect();
    if members.is_empty() {
        (eligible.to_vec(), true)
    } else {
        (members, false)
    }
}

pub(super) fn pick(
    eligible: &[&AgentSnapshot],
    department: Option<DepartmentId>,
    last: Option<AgentId>,
) -> Option<Pick> {
    let Some(department) = department else {
        return round_robin::pick(eligible, last).map(Pick::exact);
    };
    let members: Vec<&AgentSnapshot> = eligible
        .iter()
        .copied()
        .filter(|a| a.department == Some(department))
        .collect();
    match least_busy::pick(&members) {
        Some(agent) => Some(Pick::exact(agent)),
        None => round_robin::pick(eligible, last)
            .map(|agent| Pick::fell_back(agent, Fallback::GeneralPool)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{agent, id};

    fn sales() -> DepartmentId {
        DepartmentId(uuid::Uuid::from_u128(100))
    }

    fn support() -> DepartmentId {
        DepartmentId(uuid::Uuid::from_u128(200))
    }

    fn member(n: u128, department: Option<DepartmentId>, active: u32) -> AgentSnapshot {
        AgentSnapshot {
            department,
            active_chats: active,
            ..agent(n)
        }
    }

    struct Case {
        why: &'static str,
        agents: Vec<AgentSnapshot>,
        asked: Option<DepartmentId>,
        last: Option<u128>,
        expected: Pick,
    }

    #[test]
    fn department_then_general_pool() {
        let cases = [
            Case {
                why: "least busy of the department",
                agents: vec![
                    member(1, Some(sales()), 3),
                    member(2, Some(sales()), 1),
                    member(3, Some(support()), 0),
                ],
                asked: Some(sales()),
                last: None,
                expected: Pick {
                    agent: id(2),
                    fallback: None,
                },
            },
            Case {
                why: "a department agent even when others are idler",
                agents: vec![member(1, None, 0), member(2, Some(sales()), 4)],
                asked: Some(sales()),
                last: None,
                expected: Pick {
                    agent: id(2),
                    fallback: None,
                },
            },
            Case {
                why: "nobody in the department: round robin over everyone, reported",
                agents: vec![
                    member(1, Some(support()), 0),
                    member(2, None, 3),
                    member(3, None, 1),
                ],
                asked: Some(sales()),
                last: Some(1),
                expected: Pick {
                    agent: id(2),
                    fallback: Some(Fallback::GeneralPool),
                },
            },
            Case {
                why: "the fallback round robin wraps",
                agents: vec![member(1, Some(support()), 0), member(2, None, 3)],
                asked: Some(sales()),
                last: Some(2),
                expected: Pick {
                    agent: id(1),
                    fallback: Some(Fallback::GeneralPool),
                },
            },
            Case {
                why: "no department asked: general pool, nothing to report",
                agents: vec![member(1, Some(sales()), 0), member(2, Some(support()), 0)],
                asked: None,
                last: Some(1),
                expected: Pick {
                    agent: id(2),
                    fallback: None,
                },
            },
        ];
        for case in cases {
            let eligible: Vec<&AgentSnapshot> = case.agents.iter().collect();

            let got = pick(&eligible, case.asked, case.last.map(id));

            assert_eq!(got, Some(case.expected), "{}", case.why);
        }
    }

    #[test]
    fn the_pool_of_other_strategies_is_the_department_when_it_has_someone() {
        let agents = [
            member(1, Some(sales()), 4),
            member(2, None, 0),
            member(3, Some(support()), 0),
        ];
        let eligible: Vec<&AgentSnapshot> = agents.iter().collect();
        let ids = |pool: &[&AgentSnapshot]| pool.iter().map(|a| a.id).collect::<Vec<_>>();

        let (sales_pool, widened) = pool(&eligible, Some(sales()));
        assert_eq!((ids(&sales_pool), widened), (vec![id(1)], false));

        let nobody = DepartmentId(uuid::Uuid::from_u128(300));
        let (everyone, widened) = pool(&eligible, Some(nobody));
        assert_eq!((ids(&everyone), widened), (vec![id(1), id(2), id(3)], true));

        let (unasked, widened) = pool(&eligible, None);
        assert_eq!((unasked.len(), widened), (3, false));
    }

    #[test]
    fn nobody_eligible_gives_none() {
        assert_eq!(pick(&[], Some(sales()), None), None);
        assert_eq!(pick(&[], None, None), None);
    }
}
