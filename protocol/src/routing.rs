//! What a new chat asks for (department, language, skills), transfers between agents and
//! departments, the tags agents put on conversations, and the routing settings of the admin
//! console (strategies, departments, agents' routing profiles, VIP marks).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AgentId, DepartmentId};

/// Most skills one chat may ask for.
pub const MAX_REQUESTED_SKILLS: usize = 10;
/// Longest skill tag, in characters.
pub const MAX_SKILL_CHARS: usize = 50;

/// What raises a waiting visitor's place in the queue. The priority is the seed's rule:
/// base 1; VIP +4; returning customer +2; a department the site marks urgent +1; +1 for
/// every full 2 minutes waited; never above 10. The server orders its queue by it and the
/// dashboard shows it, both with [`PriorityFactors::at`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PriorityFactors {
    pub vip: bool,
    /// Has had conversations on the site before.
    pub returning: bool,
    pub urgent_department: bool,
}

impl PriorityFactors {
    /// Every visitor starts here.
    pub const BASE: u8 = 1;
    /// The cap: past it, waiting longer no longer moves a visitor up.
    pub const MAX: u8 = 10;
    const VIP_BONUS: u64 = 4;
    const RETURNING_BONUS: u64 = 2;
    const URGENT_DEPARTMENT_BONUS: u64 = 1;
    /// Priority grows by one for each full period of waiting.
    const AGING_PERIOD_SECONDS: i64 = 120;

    /// The priority, `BASE..=MAX`, of a visitor waiting since `since`, at `now`. A `now`
    /// before `since` (two nodes' clocks a little apart) counts as no wait.
    pub fn at(self, since: OffsetDateTime, now: OffsetDateTime) -> u8 {
        let waited_seconds = (now - since).whole_seconds().max(0);
        let aging = (waited_seconds / Self::AGING_PERIOD_SECONDS) as u64;
        let bonus = u64::from(self.vip) * Self::VIP_BONUS
            + u64::from(self.returning) * Self::RETURNING_BONUS
            + u64::from(self.urgent_department) * Self::URGENT_DEPARTMENT_BONUS;
        let total = u64::from(Self::BASE)
            .saturating_add(bonus)
            .saturating_add(aging);
        total.min(u64::from(Self::MAX)) as u8
    }
}

/// What the visitor's first message asks of routing: the department picked in the pre-chat
/// form, the browser's language ("tr-TR") and skills the page or form calls for. Every part
/// is optional; an unknown department is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    #[serde(default)]
    pub department_id: Option<DepartmentId>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChatRequestError {
    #[error("the language must be a language tag such as \"tr\" or \"de-DE\"")]
    Language,
    #[error("a chat may ask for at most {MAX_REQUESTED_SKILLS} skills")]
    TooManySkills,
    #[error("a skill must have 1 to {MAX_SKILL_CHARS} characters and no control characters")]
    Skill,
}

impl ChatRequest {
    /// Checks the request: a well-formed language tag (kept as given, region included),
    /// skills trimmed, de-duplicated and within limits.
    pub fn parse(self) -> Result<Self, ChatRequestError> {
        let language = match self.language.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(tag) if is_language_tag(tag) => Some(tag.to_owned()),
            Some(_) => return Err(ChatRequestError::Language),
        };
        let skills = distinct_skills(&self.skills).ok_or(ChatRequestError::Skill)?;
        if skills.len() > MAX_REQUESTED_SKILLS {
            return Err(ChatRequestError::TooManySkills);
        }
        Ok(Self {
            department_id: self.department_id,
            language,
            skills,
        })
    }
}

/// Skill tags trimmed and de-duplicated in their order; `None` when one is blank, longer
/// than [`MAX_SKILL_CHARS`] or holds control characters.
fn distinct_skills(raw: &[String]) -> Option<Vec<String>> {
    let mut skills: Vec<String> = Vec::with_capacity(raw.len());
    for skill in raw {
        let skill = skill.trim();
        let chars = skill.chars().count();
        if chars == 0 || chars > MAX_SKILL_CHARS || skill.chars().any(char::is_control) {
            return None;
        }
        if !skills.iter().any(|s| s == skill) {
            skills.push(skill.to_owned());
        }
    }
    Some(skills)
}

/// BCP 47 in the shape browsers send: a 2–3 letter language, then `-`-separated
/// alphanumeric subtags of 1–8 characters ("en", "tr-TR", "zh-Hant-TW").
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok
        && tag.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Where an agent hands a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferTarget {
    /// Straight to a colleague, who must be able to take a chat now.
    Agent { agent_id: AgentId },
    /// Back to the queue of a department, routed there as a new chat would be.
    Department { department_id: DepartmentId },
}

/// Longest note that goes with a transfer, in characters.
pub const MAX_TRANSFER_NOTE_CHARS: usize = 1000;

/// Most tags on one conversation.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// A conversation tag ("billing", "bug report"): trimmed, lower-case, 1 to
/// [`MAX_TAG_CHARS`] letters, digits, spaces, `-` or `_`; inner runs of spaces become one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Tag(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("the tag is empty")]
    Empty,
    #[error("a tag has at most {MAX_TAG_CHARS} characters")]
    TooLong,
    #[error("a tag may hold only letters, digits, spaces, '-' and '_'")]
    Character,
}

impl Tag {
    pub fn parse(raw: &str) -> Result<Self, TagError> {
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(TagError::Empty);
        }
        if text.chars().count() > MAX_TAG_CHARS {
            return Err(TagError::TooLong);
        }
        if !text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        {
            return Err(TagError::Character);
        }
        Ok(Self(text.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a site or a department hands new chats to agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Each available agent in turn: A, B, C, A, …
    RoundRobin,
    /// The agent with the lowest load (`active / max × 100 + queued × 10`).
    LeastBusy,
    /// Best match of the visitor's required skills (70 %) and a light load (30 %).
    SkillBased,
    /// Agents of the visitor's department, else the general pool.
    Department,
    /// VIP visitors to the most senior, best-rated agent; others to the least busy.
    VipPriority,
    /// Agents speaking the visitor's language, else English speakers, else anyone.
    Language,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Strategy::RoundRobin,
        Strategy::LeastBusy,
        Strategy::SkillBased,
        Strategy::Department,
        Strategy::VipPriority,
        Strategy::Language,
    ];

    /// The name stored in the database and sent on the wire (`"least_busy"`).
    pub fn as_stored(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round_robin",
            Strategy::LeastBusy => "least_busy",
            Strategy::SkillBased => "skill_based",
            Strategy::Department => "department",
            Strategy::VipPriority => "vip_priority",
            Strategy::Language => "language",
        }
    }

    pub fn from_stored(raw: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_stored() == raw)
    }
}

/// `GET` / `PUT /api/v1/site/routing`: how the site routes chats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    pub strategy: Strategy,
    /// `true`: the server assigns; `false`: agents accept from the queue.
    pub auto_assign: bool,
    /// How long a disconnected agent keeps their chats, 0–3600 s.
    pub reconnect_grace_secs: u32,
    /// How long a visitor waits before being offered the offline form, 30–86400 s.
    pub queue_timeout_secs: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoutingConfigError {
    #[error("the grace period must be 0 to 3600 seconds")]
    Grace,
    #[error("the queue timeout must be 30 to 86400 seconds")]
    QueueTimeout,
}

impl RoutingConfig {
    pub fn validate(self) -> Result<Self, RoutingConfigError> {
        if self.reconnect_grace_secs > 3600 {
            return Err(RoutingConfigError::Grace);
        }
        if !(30..=86_400).contains(&self.queue_timeout_secs) {
            return Err(RoutingConfigError::QueueTimeout);
        }
        Ok(self)
    }
}

/// A department of the site (`GET /api/v1/site/departments`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    /// Visitors waiting for it get +1 queue priority (the usual one is Sales).
    pub urgent: bool,
    /// Its own routing strategy; `None`: the site's.
    pub strategy: Option<Strategy>,
}

/// `POST /api/v1/site/departments`, `PUT /api/v1/site/departments/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    pub name: String,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub strategy: Option<Strategy>,
}

/// Longest department name, in characters.
pub const MAX_DEPARTMENT_NAME_CHARS: usize = 100;

impl DepartmentInput {
    /// Trims the name and checks it is 1 to [`MAX_DEPARTMENT_NAME_CHARS`] characters.
    pub fn parse(self) -> Result<Self, ProfileError> {
        let name = self.name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_DEPARTMENT_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(ProfileError::DepartmentName);
        }
        Ok(Self {
            name: name.to_owned(),
            ..self
        })
    }
}

/// `PUT /api/v1/site/agents/{id}/routing`: what routing knows of an agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentRouting {
    #[serde(default)]
    pub department_id: Option<DepartmentId>,
    /// Skill tags ("Teknik Destek"), matched exactly against what chats ask for.
    #[serde(default)]
    pub skills: Vec<String>,
    /// ISO 639 language codes the agent chats in ("tr", "en").
    pub languages: Vec<String>,
    /// Chats at once, 1–100.
    pub max_chats: u32,
    /// Seniority, 0–10: VIP visitors go to the highest.
    #[serde(default)]
    pub priority_level: u8,
    pub accepts_calls: bool,
}

/// Most skills and languages one agent may have.
pub const MAX_AGENT_SKILLS: usize = 30;
pub const MAX_AGENT_LANGUAGES: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("a department name must have 1 to {MAX_DEPARTMENT_NAME_CHARS} characters")]
    DepartmentName,
    #[error(
        "an agent may have at most {MAX_AGENT_SKILLS} skills of 1 to {MAX_SKILL_CHARS} characters"
    )]
    Skills,
    #[error("languages must be 1 to {MAX_AGENT_LANGUAGES} ISO 639 codes such as \"tr\" or \"en\"")]
    Languages,
    #[error("max_chats must be 1 to 100")]
    MaxChats,
    #[error("priority_level must be 0 to 10")]
    PriorityLevel,
}

impl AgentRouting {
    /// Checks the limits; skills are trimmed and de-duplicated, languages lower-cased.
    pub fn parse(self) -> Result<Self, ProfileError> {
        let skills = distinct_skills(&self.skills).ok_or(ProfileError::Skills)?;
        if skills.len() > MAX_AGENT_SKILLS {
            return Err(ProfileError::Skills);
        }
        let mut languages: Vec<String> = Vec::new();
        for language in &self.languages {
            let code = language.trim().to_ascii_lowercase();
            if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_lowercase()) {
                return Err(ProfileError::Languages);
            }
            if !languages.contains(&code) {
                languages.push(code);
            }
        }
        if languages.is_empty() || languages.len() > MAX_AGENT_LANGUAGES {
            return Err(ProfileError::Languages);
        }
        if !(1..=100).contains(&self.max_chats) {
            return Err(ProfileError::MaxChats);
        }
        if self.priority_level > 10 {
            return Err(ProfileError::PriorityLevel);
        }
        Ok(Self {
            skills,
            languages,
            ..self
        })
    }
}

/// An agent of the site with their routing profile (`GET /api/v1/site/agents`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteAgent {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: crate::api::Role,
    pub active: bool,
    pub routing: AgentRouting,
}

/// `PUT /api/v1/site/visitors/{id}/vip`: mark or unmark a VIP visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VipMark {
    pub vip: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(language: Option<&str>, skills: &[&str]) -> ChatRequest {
        ChatRequest {
            department_id: None,
            language: language.map(str::to_owned),
            skills: skills.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn chat_requests_are_checked() {
        type Case<'a> = (
            Option<&'a str>,
            &'a [&'a str],
            Result<(Option<&'a str>, &'a [&'a str]), ChatRequestError>,
        );
        let cases: &[Case] = &[
            (None, &[], Ok((None, &[]))),
            (Some("tr-TR"), &[" Satış "], Ok((Some("tr-TR"), &["Satış"]))),
            (Some("zh-Hant-TW"), &[], Ok((Some("zh-Hant-TW"), &[]))),
            (Some("  "), &[], Ok((None, &[]))),
            (Some("e"), &[], Err(ChatRequestError::Language)),
            (Some("english"), &[], Err(ChatRequestError::Language)),
            (Some("de_DE"), &[], Err(ChatRequestError::Language)),
            (Some("de-<script>"), &[], Err(ChatRequestError::Language)),
            (
                None,
                &["Teknik Destek", "Teknik Destek"],
                Ok((None, &["Teknik Destek"])),
            ),
            (None, &[""], Err(ChatRequestError::Skill)),
            (None, &["bell\u{7}"], Err(ChatRequestError::Skill)),
        ];
        for (language, skills, expected) in cases {
            let got = request(*language, skills).parse();
            let expected = expected
                .clone()
                .map(|(language, skills)| request(language, skills));
            assert_eq!(got, expected, "{language:?} {skills:?}");
        }
        let many: Vec<String> = (0..=MAX_REQUESTED_SKILLS)
            .map(|n| format!("s{n}"))
            .collect();
        let too_many = ChatRequest {
            skills: many,
            ..ChatRequest::default()
        };
        assert_eq!(too_many.parse(), Err(ChatRequestError::TooManySkills));
    }

    #[test]
    fn tags_are_normalised_and_checked() {
        let cases: &[(&str, Result<&str, TagError>)] = &[
            ("Billing", Ok("billing")),
            ("  bug   Report ", Ok("bug report")),
            ("Ödeme", Ok("ödeme")),
            ("vip_customer-2", Ok("vip_customer-2")),
            ("", Err(TagError::Empty)),
            ("   ", Err(TagError::Empty)),
            ("<b>", Err(TagError::Character)),
            ("a,b", Err(TagError::Character)),
        ];
        for (raw, expected) in cases {
            let got = Tag::parse(raw).map(|t| t.as_str().to_owned());
            assert_eq!(got, expected.clone().map(str::to_owned), "{raw:?}");
        }
        assert_eq!(
            Tag::parse(&"x".repeat(MAX_TAG_CHARS + 1)),
            Err(TagError::TooLong)
        );
    }

    #[test]
    fn transfer_targets_are_tagged() {
        let agent = TransferTarget::Agent {
            agent_id: AgentId(uuid::Uuid::nil()),
        };
        let json = serde_json::to_value(agent).expect("serialises");
        assert_eq!(json["kind"], "agent");
        assert_eq!(json["agent_id"], uuid::Uuid::nil().to_string());
    }
}
