//! Conversations and messages as clients see them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AgentId, ClientId, ConversationId, DepartmentId, MessageId, VisitorId};
use crate::routing::PriorityFactors;

/// Longest message body, in characters (Unicode scalar values).
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// A message text that has been checked: not blank, at most [`MAX_MESSAGE_CHARS`]
/// characters, no control characters other than newlines and tabs. Surrounding white space
/// is trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MessageBody(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageBodyError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is longer than {MAX_MESSAGE_CHARS} characters")]
    TooLong,
    #[error("the message contains control characters")]
    ControlCharacter,
}

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, MessageBodyError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(MessageBodyError::Empty);
        }
        if text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(MessageBodyError::TooLong);
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(MessageBodyError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An agents-only remark on a conversation; its visitor never receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: crate::ids::MessageId,
    pub conversation_id: ConversationId,
    pub author_id: Option<AgentId>,
    pub author_name: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A visitor's rating of a closed conversation (CSAT).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 (very bad) to 5 (very good).
    pub score: u8,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Longest rating comment, in characters.
pub const MAX_RATING_COMMENT_CHARS: usize = 1000;

impl Rating {
    /// Checks the score and comment; a blank comment becomes none.
    pub fn parse(score: u8, comment: Option<&str>) -> Result<Self, RatingError> {
        if !(1..=5).contains(&score) {
            return Err(RatingError::Score);
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_RATING_COMMENT_CHARS) {
            return Err(RatingError::CommentTooLong);
        }
        Ok(Self {
            score,
            comment: comment.map(str::to_owned),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("the score must be 1 to 5")]
    Score,
    #[error("the comment is longer than {MAX_RATING_COMMENT_CHARS} characters")]
    CommentTooLong,
}

/// The two sides of a conversation: its visitor, and the site's agents (who read as one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Visitor,
    Agents,
}

/// Who wrote a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    Visitor { id: VisitorId },
    Agent { id: AgentId, name: String },
    System,
}

/// A stored message. `seq` numbers the messages of one conversation 1, 2, 3, … without
/// gaps, in the order they were stored; clients resume from the last `seq` they saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub seq: i64,
    /// The sender's client id, so the sender can match the message to its pending send.
    pub client_id: Option<ClientId>,
    pub author: Author,
    /// Empty when the message was deleted.
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the author last changed the text, if ever.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
    /// The author deleted it: it keeps its place, without text.
    #[serde(default)]
    pub deleted: bool,
}

/// How long after sending an author may still edit or delete a message.
pub const EDIT_WINDOW_SECS: i64 = 5 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

/// A conversation as listed in the agents' inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub visitor_id: VisitorId,
    pub visitor_name: Option<String>,
    pub status: ConversationStatus,
    /// The `seq` of the newest message.
    pub last_seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub last_message: Option<Message>,
    /// The agent handling it; `None` while it waits in the queue (or after closing by the
    /// system before anyone took it).
    #[serde(default)]
    pub assigned_agent_id: Option<AgentId>,
    #[serde(default)]
    pub department_id: Option<DepartmentId>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Since when the visitor has been waiting this time (for the queue's wait time).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub queued_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// The visitor's widget has received every message up to this `seq`…
    #[serde(default)]
    pub visitor_delivered_seq: i64,
    /// …and shown them to the visitor up to this one.
    #[serde(default)]
    pub visitor_read_seq: i64,
    /// For a search: the best matching passage of the conversation's messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// What raises its priority while it waits in the queue (which ages from
    /// `created_at`, as the server's queue does).
    #[serde(default)]
    pub priority_factors: PriorityFactors,
}

impl ConversationSummary {
    /// Its queue priority at `now`, `1..=10`.
    pub fn priority(&self, now: OffsetDateTime) -> u8 {
        self.priority_factors.at(self.created_at, now)
    }
}

/// Which conversations `GET /api/v1/conversations?view=…` lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxView {
    /// Everything of the site, newest activity first (the default).
    #[default]
    All,
    /// Open and not yet taken by an agent, longest waiting first.
    Queue,
    /// Open and assigned to the agent asking.
    Mine,
    /// Every open conversation of the site (admins only).
    Open,
    Closed,
}

/// Longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_body_is_trimmed_and_checked() {
        let cases: &[(&str, Result<&str, MessageBodyError>)] = &[
            ("hello", Ok("hello")),
            ("  hello\n", Ok("hello")),
            ("two\nlines", Ok("two\nlines")),
            ("merhaba 👋", Ok("merhaba 👋")),
            ("", Err(MessageBodyError::Empty)),
            (" \n\t ", Err(MessageBodyError::Empty)),
            ("bell\u{7}", Err(MessageBodyError::ControlCharacter)),
        ];
        for (raw, expected) in cases {
            let got = MessageBody::parse(raw);
            assert_eq!(
                got.as_ref().map(MessageBody::as_str),
                expected.as_ref().map(|s| *s),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn ratings_are_checked() {
        assert_eq!(
            Rating::parse(5, Some("  Great help ")),
            Ok(Rating {
                score: 5,
                comment: Some("Great help".into())
            })
        );
        assert_eq!(
            Rating::parse(1, Some("   ")),
            Ok(Rating {
                score: 1,
                comment: None
            })
        );
        assert_eq!(Rating::parse(0, None), Err(RatingError::Score));
        assert_eq!(Rating::parse(6, None), Err(RatingError::Score));
        let long = "x".repeat(MAX_RATING_COMMENT_CHARS + 1);
        assert_eq!(
            Rating::parse(3, Some(&long)),
            Err(RatingError::CommentTooLong)
        );
    }

    #[test]
    fn message_body_counts_characters_not_bytes() {
        let at_limit = "ğ".repeat(MAX_MESSAGE_CHARS);
        assert!(MessageBody::parse(&at_limit).is_ok());
        let over = "a".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(MessageBody::parse(&over), Err(MessageBodyError::TooLong));
    }
}

/// `POST /api/v1/conversations/{id}/files` answers with the stored file and the message
/// that shares it (the message is also delivered like any reply).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedFileMessage {
    pub file: crate::widget::UploadedFile,
    pub message: Message,
}
