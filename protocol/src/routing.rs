//! What a new chat asks for (department, language, skills), transfers between agents and
//! departments, and the tags agents put on conversations.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, DepartmentId};

/// Most skills one chat may ask for.
pub const MAX_REQUESTED_SKILLS: usize = 10;
/// Longest skill tag, in characters.
pub const MAX_SKILL_CHARS: usize = 50;

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
        let mut skills: Vec<String> = Vec::with_capacity(self.skills.len());
        for skill in &self.skills {
            let skill = skill.trim();
            let chars = skill.chars().count();
            if chars == 0 || chars > MAX_SKILL_CHARS || skill.chars().any(char::is_control) {
                return Err(ChatRequestError::Skill);
            }
            if !skills.iter().any(|s| s == skill) {
                skills.push(skill.to_owned());
            }
        }
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
        let cases: &[(
            Option<&str>,
            &[&str],
            Result<(Option<&str>, &[&str]), ChatRequestError>,
        )] = &[
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
