//! What routing knows about an agent at one instant, and whether the agent can take a chat.
//!
//! A snapshot is read from presence (Redis) just before routing; the strategies never look
//! anywhere else, so they stay pure and a test can build any situation by hand.

use std::collections::BTreeSet;

use livedesk_protocol::ids::AgentId;
use time::OffsetDateTime;

use super::DepartmentId;
use super::ratio::Ratio;

/// Connected or not (heartbeats within the TTL, or within the 60 s grace after a drop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentStatus {
    Online,
    Offline,
}

/// What an online agent says about taking new chats. Chats already open carry on in every
/// state; the state only decides whether *new* ones are routed to the agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentState {
    Available,
    /// Set by the system when the agent reaches `max_chats`, cleared when a chat ends.
    Busy,
    /// Away from the desk, e.g. "in a meeting until 15:00".
    Away {
        until: Option<OffsetDateTime>,
        message: Option<String>,
    },
    /// On a break, e.g. "lunch until 14:00".
    Break {
        until: Option<OffsetDateTime>,
        message: Option<String>,
    },
    DoNotDisturb {
        until: Option<OffsetDateTime>,
        message: Option<String>,
    },
}

impl AgentState {
    /// The state in force at `now`: a state chosen "until" a time is over at that time
    /// (a break until 12:30 has ended at 12:30), and the agent counts as available again
    /// even if nobody has reset the stored state yet.
    pub fn at(&self, now: OffsetDateTime) -> AgentState {
        match self {
            AgentState::Away { until, .. }
            | AgentState::Break { until, .. }
            | AgentState::DoNotDisturb { until, .. }
                if until.is_some_and(|until| until <= now) =>
            {
                AgentState::Available
            }
            state => state.clone(),
        }
    }

    /// Only an available agent is given new chats. `Busy` is not: the system sets it at
    /// `max_chats`, and a snapshot that still says busy is trusted over its counts.
    pub fn accepts_chats(&self, now: OffsetDateTime) -> bool {
        matches!(self.at(now), AgentState::Available)
    }
}

/// One agent as routing sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentSnapshot {
    pub id: AgentId,
    pub status: AgentStatus,
    pub state: AgentState,
    /// Chats the agent is in now.
    pub active_chats: u32,
    /// The agent's capacity, set by an admin (seed default 5).
    pub max_chats: u32,
    /// Chats given to the agent and not yet accepted: they add to the load, not to the
    /// capacity check (as in the seed).
    pub queued_chats: u32,
    /// Admin-defined skill tags ("Teknik Destek", "Satış"), matched exactly.
    pub skills: BTreeSet<String>,
    /// Languages the agent chats in, ISO 639-1 codes ("tr", "en", "de"); region suffixes
    /// are ignored when matching.
    pub languages: Vec<String>,
    pub department: Option<DepartmentId>,
    /// Seniority set by an admin; higher is more senior. VIP visitors go to the highest.
    pub priority_level: u8,
    /// Average visitor rating (CSAT, 0–5); `None` until the agent has been rated.
    pub rating: Option<f32>,
    /// Takes voice and video calls; chat routing ignores it.
    pub accepts_calls: bool,
}

impl AgentSnapshot {
    /// Whether a new chat may be routed to this agent at `now`: online, in a state that
    /// accepts chats (or whose "until" has passed), and below `max_chats`.
    pub fn can_take_chat(&self, now: OffsetDateTime) -> bool {
        self.status == AgentStatus::Online
            && self.state.accepts_chats(now)
            && self.active_chats < self.max_chats
    }

    /// The seed's load score: `active / max × 100 + queued × 10`; lower is less busy.
    pub fn load(&self) -> Load {
        let queued = Ratio::whole(10 * i128::from(self.queued_chats));
        let share = if self.max_chats == 0 {
            // No capacity at all is as full as an agent can be.
            Ratio::whole(100)
        } else {
            Ratio::new(
                100 * i128::from(self.active_chats),
                i128::from(self.max_chats),
            )
        };
        Load(share.add(queued))
    }

    /// Speaks `language` (ISO 639 code, region ignored: "de-DE" matches "de").
    pub fn speaks(&self, language: &str) -> bool {
        let wanted = primary_language(language);
        !wanted.is_empty()
            && self
                .languages
                .iter()
                .any(|l| primary_language(l).eq_ignore_ascii_case(wanted))
    }
}

/// "de-DE" → "de", "pt_BR" → "pt": browsers send a region, agents list a language.
fn primary_language(tag: &str) -> &str {
    tag.trim().split(['-', '_']).next().unwrap_or_default()
}

/// An agent's load score, compared exactly (see [`AgentSnapshot::load`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Load(pub(super) Ratio);

impl Load {
    /// The score as a number, for display: 40.0 for 2 of 5 chats and nothing waiting.
    pub fn percent(self) -> f64 {
        self.0.to_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::{NOW, agent};
    use AgentStatus::{Offline, Online};
    use time::Duration;
    use time::macros::datetime;

    const LATER: Option<OffsetDateTime> = Some(datetime!(2026-01-09 14:00 UTC));
    const PASSED: Option<OffsetDateTime> = Some(datetime!(2026-01-09 12:30 UTC));

    fn on_break(until: Option<OffsetDateTime>) -> AgentState {
        let message = Some("Öğle yemeği".into());
        AgentState::Break { until, message }
    }

    fn away(until: Option<OffsetDateTime>) -> AgentState {
        AgentState::Away {
            until,
            message: None,
        }
    }

    fn do_not_disturb(until: Option<OffsetDateTime>) -> AgentState {
        AgentState::DoNotDisturb {
            until,
            message: None,
        }
    }

    #[test]
    fn eligibility() {
        use AgentState::{Available, Busy};
        let cases = [
            // (why, status, state, active, max, can take a chat)
            ("available with room", Online, Available, 2, 5, true),
            ("one seat left", Online, Available, 4, 5, true),
            ("at max_chats", Online, Available, 5, 5, false),
            ("over max_chats", Online, Available, 7, 5, false),
            ("no capacity", Online, Available, 0, 0, false),
            ("offline", Offline, Available, 0, 5, false),
            ("busy", Online, Busy, 2, 5, false),
            ("break until later", Online, on_break(LATER), 2, 5, false),
            ("break without end", Online, on_break(None), 0, 5, false),
            (
                "break until 12:30 at 12:31",
                Online,
                on_break(PASSED),
                2,
                5,
                true,
            ),
            (
                "break ends exactly now",
                Online,
                on_break(Some(NOW)),
                0,
                5,
                true,
            ),
            ("break over but full", Online, on_break(PASSED), 5, 5, false),
            (
                "break over but offline",
                Offline,
                on_break(PASSED),
                0,
                5,
                false,
            ),
            ("away", Online, away(LATER), 0, 5, false),
            ("away without end", Online, away(None), 0, 5, false),
            ("away until passed", Online, away(PASSED), 0, 5, true),
            ("do not disturb", Online, do_not_disturb(None), 0, 5, false),
            (
                "do not disturb until later",
                Online,
                do_not_disturb(LATER),
                0,
                5,
                false,
            ),
            (
                "do not disturb until passed",
                Online,
                do_not_disturb(PASSED),
                0,
                5,
                true,
            ),
        ];
        for (why, status, state, active, max, expected) in cases {
            let agent = AgentSnapshot {
                status,
                state,
                active_chats: active,
                max_chats: max,
                ..agent(1)
            };

            assert_eq!(agent.can_take_chat(NOW), expected, "{why}");
        }
    }

    #[test]
    fn a_state_whose_until_passed_reads_as_available() {
        let state = on_break(PASSED);

        assert_eq!(state.at(NOW - Duration::minutes(2)), state);
        assert_eq!(state.at(NOW), AgentState::Available);
    }

    #[test]
    fn load_follows_the_seed_examples() {
        let cases = [
            // (active, max, queued, load) — seed: A 40, B 90, C 20
            (2, 5, 0, 40.0),
            (4, 5, 1, 90.0),
            (1, 5, 0, 20.0),
            (0, 5, 0, 0.0),
            (5, 5, 2, 120.0),
            (1, 3, 0, 100.0 / 3.0),
            (0, 0, 1, 110.0),
        ];
        for (active, max, queued, expected) in cases {
            let agent = AgentSnapshot {
                active_chats: active,
                max_chats: max,
                queued_chats: queued,
                ..agent(1)
            };

            assert_eq!(agent.load().percent(), expected, "{active}/{max} q{queued}");
        }
    }

    #[test]
    fn equal_loads_compare_equal() {
        let one_of_five = AgentSnapshot {
            active_chats: 1,
            ..agent(1)
        };
        let two_of_ten = AgentSnapshot {
            active_chats: 2,
            max_chats: 10,
            ..agent(2)
        };

        assert_eq!(one_of_five.load(), two_of_ten.load());
    }

    #[test]
    fn languages_match_on_the_language_not_the_region() {
        let agent = AgentSnapshot {
            languages: vec!["tr".into(), "en-GB".into(), "DE".into()],
            ..agent(1)
        };
        let cases = [
            ("tr", true),
            ("tr-TR", true),
            ("en", true),
            ("en-US", true),
            ("de_AT", true),
            ("de", true),
            ("fr", false),
            ("", false),
            ("-", false),
        ];
        for (language, expected) in cases {
            assert_eq!(agent.speaks(language), expected, "{language}");
        }
    }
}
