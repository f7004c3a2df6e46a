//! Language: an agent who speaks the visitor's language, else English, else anyone.
//!
//! Seed: agents speaking the visitor's language; when there are none, English speakers.
//! We add a last step, any available agent, rather than leaving the visitor waiting for a
//! language nobody online speaks; each step down is reported through [`Fallback`]. Within a
//! step, the least busy agent. A visitor whose language is unknown goes to the least busy.

use super::agent::AgentSnapshot;
use super::least_busy;
use super::strategy::{Fallback, Pick};

/// The language everyone falls back to (seed).
const ENGLISH: &str = "en";

pub(super) fn pick(eligible: &[&AgentSnapshot], language: Option<&str>) -> Option<Pick> {
    let Some(language) = language.filter(|l| !l.trim().is_empty()) else {
        return least_busy::pick(eligible).map(Pick::exact);
    };
    if let Some(agent) = least_busy_speaking(eligible, language) {
        return Some(Pick::exact(agent));
    }
    if let Some(agent) = least_busy_speaking(eligible, ENGLISH) {
        return Some(Pick::fell_back(agent, Fallback::English));
    }
    least_busy::pick(eligible).map(|agent| Pick::fell_back(agent, Fallback::AnyLanguage))
}

fn least_busy_speaking<'a>(
    eligible: &[&'a AgentSnapshot],
    language: &str,
) -> Option<&'a AgentSnapshot> {
    let speakers: Vec<&AgentSnapshot> = eligible
        .iter()
        .copied()
        .filter(|a| a.speaks(language))
        .collect();
    least_busy::pick(&speakers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{agent, id};

    fn speaker(n: u128, languages: &[&str], active: u32) -> AgentSnapshot {
        AgentSnapshot {
            languages: languages.iter().map(|l| l.to_string()).collect(),
            active_chats: active,
            ..agent(n)
        }
    }

    #[test]
    fn visitor_language_then_english_then_anyone() {
        let cases: Vec<(&str, Vec<AgentSnapshot>, Option<&str>, Pick)> = vec![
            (
                "seed: German visitor, A speaks German, B does not",
                vec![
                    speaker(1, &["tr", "en", "de"], 2),
                    speaker(2, &["tr", "en"], 0),
                ],
                Some("de"),
                Pick {
                    agent: id(1),
                    fallback: None,
                },
            ),
            (
                "browser tag with a region",
                vec![speaker(1, &["tr"], 0), speaker(2, &["de"], 3)],
                Some("de-DE"),
                Pick {
                    agent: id(2),
                    fallback: None,
                },
            ),
            (
                "least busy among speakers",
                vec![
                    speaker(1, &["de"], 3),
                    speaker(2, &["de", "en"], 1),
                    speaker(3, &["tr"], 0),
                ],
                Some("de"),
                Pick {
                    agent: id(2),
                    fallback: None,
                },
            ),
            (
                "nobody speaks it: English speaker, reported",
                vec![speaker(1, &["tr"], 0), speaker(2, &["tr", "en"], 3)],
                Some("ja"),
                Pick {
                    agent: id(2),
                    fallback: Some(Fallback::English),
                },
            ),
            (
                "nobody speaks it or English: anyone, reported",
                vec![speaker(1, &["tr"], 2), speaker(2, &["de"], 1)],
                Some("ja"),
                Pick {
                    agent: id(2),
                    fallback: Some(Fallback::AnyLanguage),
                },
            ),
            (
                "English visitor, nobody speaks English: anyone",
                vec![speaker(1, &["tr"], 2), speaker(2, &[], 4)],
                Some("en-US"),
                Pick {
                    agent: id(1),
                    fallback: Some(Fallback::AnyLanguage),
                },
            ),
            (
                "language unknown: least busy, nothing to report",
                vec![speaker(1, &["tr"], 2), speaker(2, &["de"], 1)],
                None,
                Pick {
                    agent: id(2),
                    fallback: None,
                },
            ),
            (
                "empty language counts as unknown",
                vec![speaker(1, &["tr"], 2), speaker(2, &["de"], 1)],
                Some(" "),
                Pick {
                    agent: id(2),
                    fallback: None,
                },
            ),
        ];
        for (why, agents, language, expected) in cases {
            let eligible: Vec<&AgentSnapshot> = agents.iter().collect();

            let got = pick(&eligible, language);

            assert_eq!(got, Some(expected), "{why}");
        }
    }

    #[test]
    fn nobody_eligible_gives_none() {
        assert_eq!(pick(&[], Some("de")), None);
        assert_eq!(pick(&[], None), None);
    }
}
