//! Reading the server's JSON: WebSocket frames and the session answer.
//!
//! The frames are the ones `livedesk_protocol` defines (`ServerFrame`, `Message`,
//! `VisitorSession`, `ApiError`), but the widget does not deserialize them with serde:
//! serde's internally tagged enums (`"t"`, `"kind"`) and `time`'s RFC 3339 parser
//! would triple the size of the wasm. The browser parses the JSON (`JSON.parse`) and
//! this module reads the few fields the widget uses; the tests below check it against
//! frames serialized from the protocol types, so the two cannot drift apart unnoticed.
//! Outgoing frames are the protocol types, serialized with serde_json.

use livedesk_protocol::frames::ConversationRef;
use livedesk_protocol::ids::{ClientId, ConversationId, VisitorId};
use wasm_bindgen::JsValue;

/// A JSON value as parsed by the browser (or by serde_json in tests).
pub trait Json: Sized {
    /// The field `key` of an object; `None` when missing or `null`.
    fn field(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
}

impl Json for JsValue {
    fn field(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        js_sys::Reflect::get(self, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_null() && !v.is_undefined())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
}

/// A frame from `/ws/visitor` (`ServerFrame`), with what the widget needs of it.
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    Hello {
        conversation: Option<ConversationRef>,
    },
    Ack {
        cid: ClientId,
        message: ChatMessage,
    },
    Message(ChatMessage),
    Error {
        cid: Option<ClientId>,
        code: String,
        message: String,
    },
    Pong,
    /// A frame of a type the visitor socket does not use, or that could not be read.
    Unknown,
}

/// A stored message (`chat::Message`) without the fields the widget does not show.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessage {
    pub conversation_id: ConversationId,
    pub seq: i64,
    pub client_id: Option<ClientId>,
    pub author: Sender,
    pub body: String,
}

/// `chat::Author`.
#[derive(Clone, Debug, PartialEq)]
pub enum Sender {
    Visitor,
    Agent { name: String },
    System,
}

/// `api::VisitorSession`.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub visitor_token: String,
    pub visitor_id: VisitorId,
}

/// `ApiError`: `code` is the snake_case `ErrorCode`.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

pub fn incoming(frame: &impl Json) -> Incoming {
    read_incoming(frame).unwrap_or(Incoming::Unknown)
}

fn read_incoming(frame: &impl Json) -> Option<Incoming> {
    let incoming = match frame.field("t")?.string()?.as_str() {
        "visitor_hello" => Incoming::Hello {
            conversation: match frame.field("conversation") {
                Some(c) => Some(ConversationRef {
                    id: uuid(&c, "id")?,
                    last_seq: integer(&c, "last_seq")?,
                }),
                None => None,
            },
        },
        "ack" => Incoming::Ack {
            cid: uuid(frame, "cid")?,
            message: message(&frame.field("message")?)?,
        },
        "message" => Incoming::Message(message(&frame.field("message")?)?),
        "error" => Incoming::Error {
            cid: frame.field("cid").and_then(|c| c.string()?.parse().ok()),
            code: text(frame, "code")?,
            message: text(frame, "message").unwrap_or_default(),
        },
        "pong" => Incoming::Pong,
        _ => Incoming::Unknown,
    };
    Some(incoming)
}

fn message(m: &impl Json) -> Option<ChatMessage> {
    let author = m.field("author")?;
    let author = match text(&author, "kind")?.as_str() {
        "visitor" => Sender::Visitor,
        "agent" => Sender::Agent {
            name: text(&author, "name").unwrap_or_default(),
        },
        _ => Sender::System,
    };
    Some(ChatMessage {
        conversation_id: uuid(m, "conversation_id")?,
        seq: integer(m, "seq")?,
        client_id: m.field("client_id").and_then(|c| c.string()?.parse().ok()),
        author,
        body: text(m, "body")?,
    })
}

pub fn session(body: &impl Json) -> Option<Session> {
    Some(Session {
        visitor_token: text(body, "visitor_token")?,
        visitor_id: uuid(body, "visitor_id")?,
    })
}

pub fn refusal(body: &impl Json) -> Option<Refusal> {
    Some(Refusal {
        code: text(body, "code")?,
        message: text(body, "message").unwrap_or_default(),
    })
}

fn text(value: &impl Json, key: &str) -> Option<String> {
    value.field(key)?.string()
}

fn integer(value: &impl Json, key: &str) -> Option<i64> {
    let n = value.field(key)?.number()?;
    (n.fract() == 0.0).then_some(n as i64)
}

fn uuid<T: std::str::FromStr>(value: &impl Json, key: &str) -> Option<T> {
    text(value, key)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::api::VisitorSession;
    use livedesk_protocol::chat::{Author, Message};
    use livedesk_protocol::frames::ServerFrame;
    use livedesk_protocol::ids::{AgentId, MessageId, SiteId};
    use livedesk_protocol::{ApiError, ErrorCode};
    use serde_json::Value;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;

    impl Json for Value {
        fn field(&self, key: &str) -> Option<Self> {
            self.get(key).filter(|v| !v.is_null()).cloned()
        }
        fn string(&self) -> Option<String> {
            self.as_str().map(str::to_owned)
        }
        fn number(&self) -> Option<f64> {
            self.as_f64()
        }
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn protocol_message(author: Author, client_id: Option<ClientId>) -> Message {
        Message {
            id: MessageId(id(1)),
            conversation_id: ConversationId(id(2)),
            seq: 42,
            client_id,
            author,
            body: "Merhaba 👋\n<b>not markup</b>".into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            edited_at: None,
            deleted: false,
        }
    }

    fn chat_message(author: Sender, client_id: Option<ClientId>) -> ChatMessage {
        ChatMessage {
            conversation_id: ConversationId(id(2)),
            seq: 42,
            client_id,
            author,
            body: "Merhaba 👋\n<b>not markup</b>".into(),
        }
    }

    /// What the widget reads from a frame the server serialized.
    fn read(frame: ServerFrame) -> Incoming {
        incoming(&serde_json::to_value(frame).expect("frame serializes"))
    }

    #[test]
    fn server_frames_read_as_the_protocol_writes_them() {
        let cid = ClientId(id(9));
        let agent = Author::Agent {
            id: AgentId(id(3)),
            name: "Ayşe".into(),
        };
        let cases = [
            (
                ServerFrame::VisitorHello {
                    site_id: SiteId(id(4)),
                    visitor_id: VisitorId(id(5)),
                    conversation: Some(ConversationRef {
                        id: ConversationId(id(2)),
                        last_seq: 7,
                    }),
                },
                Incoming::Hello {
                    conversation: Some(ConversationRef {
                        id: ConversationId(id(2)),
                        last_seq: 7,
                    }),
                },
            ),
            (
                ServerFrame::VisitorHello {
                    site_id: SiteId(id(4)),
                    visitor_id: VisitorId(id(5)),
                    conversation: None,
                },
                Incoming::Hello { conversation: None },
            ),
            (
                ServerFrame::Ack {
                    cid,
                    message: protocol_message(
                        Author::Visitor {
                            id: VisitorId(id(5)),
                        },
                        Some(cid),
                    ),
                },
                Incoming::Ack {
                    cid,
                    message: chat_message(Sender::Visitor, Some(cid)),
                },
            ),
            (
                ServerFrame::Message {
                    message: protocol_message(agent, None),
                },
                Incoming::Message(chat_message(
                    Sender::Agent {
                        name: "Ayşe".into(),
                    },
                    None,
                )),
            ),
            (
                ServerFrame::Message {
                    message: protocol_message(Author::System, None),
                },
                Incoming::Message(chat_message(Sender::System, None)),
            ),
            (
                ServerFrame::Error {
                    cid: Some(cid),
                    code: ErrorCode::InvalidInput,
                    message: "too long".into(),
                },
                Incoming::Error {
                    cid: Some(cid),
                    code: "invalid_input".into(),
                    message: "too long".into(),
                },
            ),
            (
                ServerFrame::Error {
                    cid: None,
                    code: ErrorCode::MalformedFrame,
                    message: "bad".into(),
                },
                Incoming::Error {
                    cid: None,
                    code: "malformed_frame".into(),
                    message: "bad".into(),
                },
            ),
            (ServerFrame::Pong, Incoming::Pong),
        ];
        for (frame, expected) in cases {
            assert_eq!(read(frame.clone()), expected, "{frame:?}");
        }
    }

    #[test]
    fn frames_for_agents_or_garbage_are_unknown() {
        let agent_hello = ServerFrame::AgentHello {
            site_id: SiteId(id(1)),
            agent_id: AgentId(id(2)),
        };
        assert_eq!(read(agent_hello), Incoming::Unknown);
        for raw in [
            r#"{"t":"message"}"#,
            r#"{"no":"type"}"#,
            "[]",
            "3",
            r#"{"t":"ack","cid":"x"}"#,
        ] {
            let value: Value = serde_json::from_str(raw).expect("valid JSON");
            assert_eq!(incoming(&value), Incoming::Unknown, "{raw}");
        }
    }

    #[test]
    fn session_answers_read_as_the_protocol_writes_them() {
        let answer = VisitorSession {
            visitor_token: "tok".into(),
            visitor_id: VisitorId(id(5)),
            site_id: SiteId(id(4)),
            conversation: None,
        };
        let value = serde_json::to_value(answer).expect("serializes");
        assert_eq!(
            session(&value),
            Some(Session {
                visitor_token: "tok".into(),
                visitor_id: VisitorId(id(5))
            })
        );

        let error = ApiError {
            code: ErrorCode::TokenExpired,
            message: "expired".into(),
        };
        let value = serde_json::to_value(error).expect("serializes");
        assert_eq!(
            refusal(&value),
            Some(Refusal {
                code: "token_expired".into(),
                message: "expired".into()
            })
        );
    }

    #[test]
    fn error_codes_the_widget_matches_on_are_spelled_as_the_protocol_spells_them() {
        for (code, spelled) in [
            (ErrorCode::TokenExpired, crate::session::TOKEN_EXPIRED),
            (ErrorCode::Unauthorized, crate::session::UNAUTHORIZED),
            (ErrorCode::RateLimited, crate::session::RATE_LIMITED),
            (ErrorCode::Unavailable, crate::session::UNAVAILABLE),
            (ErrorCode::Internal, crate::session::INTERNAL),
        ] {
            assert_eq!(serde_json::to_value(code).expect("serializes"), spelled);
        }
    }
}
