//! Reading the server's JSON: WebSocket frames and the session answer.
//!
//! The frames are the ones `livedesk_protocol` defines (`ServerFrame`, `Message`,
//! `VisitorSession`, `ApiError`), but the widget does not deserialize them with serde:
//! serde's internally tagged enums (`"t"`, `"kind"`) and `time`'s RFC 3339 parser
//! would triple the size of the wasm. The browser parses the JSON (`JSON.parse`) and
//! this module reads the few fields the widget uses; the tests below check it against
//! frames serialized from the protocol types, so the two cannot drift apart unnoticed.
//! Outgoing frames are the protocol types, serialized with serde_json.

use livedesk_protocol::calls::{CallKind, CallState};
use livedesk_protocol::frames::ConversationRef;
use livedesk_protocol::ids::{CallId, ClientId, ConversationId, VisitorId};
use uuid::Uuid;
use wasm_bindgen::JsValue;

/// A JSON value as parsed by the browser (or by serde_json in tests).
pub trait Json: Sized {
    /// The field `key` of an object; `None` when missing or `null`.
    fn field(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
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

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
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
    /// `site_status`: what the widget offers now.
    Status(Status),
    /// `queue_position`: the open conversation waits at this place (1 = next).
    Queue {
        conversation_id: ConversationId,
        position: u64,
        wait_secs: u64,
    },
    /// `wait_timed_out`: the visitor waited longer than the site's queue timeout.
    WaitTimedOut,
    /// `conversation_assigned`: an agent has the conversation.
    Assigned {
        agent_name: String,
    },
    /// `conversation_closed`: the conversation ended (the widget offers the rating).
    Closed {
        conversation_id: ConversationId,
    },
    /// `typing` from an agent (the visitor's own are ignored).
    AgentTyping {
        name: String,
        typing: bool,
    },
    /// `receipt` from the agents' side: how far they have received and read.
    Receipt {
        delivered: i64,
        read: i64,
    },
    /// `done`: the frame with this cid was carried out.
    Done {
        cid: ClientId,
    },
    /// `call_started`: the `call_start` with `cid` made this call.
    CallStarted {
        cid: ClientId,
        call: CallInfo,
    },
    /// `call_changed`: the call rang, was answered, became active or ended.
    CallChanged(CallInfo),
    /// `call_queued`: the call waits for an agent at this place (1 = next).
    CallQueued {
        call_id: CallId,
        position: u64,
    },
    /// `call_offer`, `call_answer` or `call_candidate` from the agent. The description or
    /// candidate itself is taken from the parsed frame, and handed to the browser unchanged.
    CallSignal {
        call_id: CallId,
        signal: Signal,
    },
    /// `call_media`: the agent's microphone or camera changed.
    CallMedia {
        call_id: CallId,
        audio_muted: bool,
        camera_off: bool,
    },
    /// `call_screen_share`: the agent started or stopped sharing the screen.
    CallScreenShare {
        call_id: CallId,
        sharing: bool,
    },
    Pong,
    /// A frame of a type the visitor socket does not use, or that could not be read.
    Unknown,
}

/// Which of the relayed WebRTC payloads a `CallSignal` carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// `description`, an offer or an answer.
    Description,
    /// `candidate`.
    Candidate,
}

/// `calls::Call`, with what the widget shows of it.
#[derive(Clone, Debug, PartialEq)]
pub struct CallInfo {
    pub id: CallId,
    pub kind: CallKind,
    pub state: CallState,
    pub agent_name: Option<String>,
    pub duration_secs: Option<u64>,
    /// `answered`, `missed`, `rejected`, `cancelled` or `failed`, once it is over.
    pub outcome: Option<String>,
}

/// `status::SiteStatus`, with the times as RFC 3339 text (the browser parses them).
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// `online`, `busy` or `offline`.
    pub state: String,
    /// `outside_hours`, `break`, `holiday` or `emergency`.
    pub reason: Option<String>,
    /// The holiday's name.
    pub reason_name: Option<String>,
    /// The holiday's or the emergency's message.
    pub reason_message: Option<String>,
    pub next_open: Option<String>,
    pub agents_online: u64,
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
            cid: uuid(frame, "cid"),
            code: text(frame, "code")?,
            message: text(frame, "message").unwrap_or_default(),
        },
        "site_status" => Incoming::Status(status(&frame.field("status")?)?),
        "queue_position" => Incoming::Queue {
            conversation_id: uuid(frame, "conversation_id")?,
            position: integer(frame, "position")?.max(0) as u64,
            wait_secs: integer(frame, "estimated_wait_secs")?.max(0) as u64,
        },
        "wait_timed_out" => Incoming::WaitTimedOut,
        "conversation_assigned" => Incoming::Assigned {
            agent_name: text(frame, "agent_name").unwrap_or_default(),
        },
        "conversation_closed" => Incoming::Closed {
            conversation_id: uuid(frame, "conversation_id")?,
        },
        "typing" => {
            let author = frame.field("author")?;
            if text(&author, "kind")? != "agent" {
                return Some(Incoming::Unknown);
            }
            Incoming::AgentTyping {
                name: text(&author, "name").unwrap_or_default(),
                typing: frame.field("typing")?.boolean()?,
            }
        }
        "receipt" if text(frame, "reader")? == "agents" => Incoming::Receipt {
            delivered: integer(frame, "delivered_up_to")?,
            read: integer(frame, "read_up_to")?,
        },
        "done" => Incoming::Done {
            cid: uuid(frame, "cid")?,
        },
        "call_started" => Incoming::CallStarted {
            cid: uuid(frame, "cid")?,
            call: call(&frame.field("call")?)?,
        },
        "call_changed" => Incoming::CallChanged(call(&frame.field("call")?)?),
        "call_queued" => Incoming::CallQueued {
            call_id: uuid(frame, "call_id")?,
            position: integer(frame, "position")?.max(0) as u64,
        },
        "call_offer" | "call_answer" => Incoming::CallSignal {
            call_id: uuid(frame, "call_id")?,
            signal: Signal::Description,
        },
        "call_candidate" => Incoming::CallSignal {
            call_id: uuid(frame, "call_id")?,
            signal: Signal::Candidate,
        },
        "call_media" => {
            let media = frame.field("media")?;
            Incoming::CallMedia {
                call_id: uuid(frame, "call_id")?,
                audio_muted: media.field("audio_muted")?.boolean()?,
                camera_off: media.field("camera_off")?.boolean()?,
            }
        }
        "call_screen_share" => Incoming::CallScreenShare {
            call_id: uuid(frame, "call_id")?,
            sharing: frame.field("sharing")?.boolean()?,
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
        client_id: uuid(m, "client_id"),
        author,
        body: text(m, "body")?,
    })
}

fn call(c: &impl Json) -> Option<CallInfo> {
    Some(CallInfo {
        id: uuid(c, "id")?,
        kind: CallKind::parse(&text(c, "kind")?)?,
        state: CallState::parse(&text(c, "state")?)?,
        agent_name: text(c, "agent_name"),
        duration_secs: integer(c, "duration_secs").map(|d| d.max(0) as u64),
        outcome: text(c, "outcome"),
    })
}

fn status(s: &impl Json) -> Option<Status> {
    let reason = s.field("closed_reason");
    let of_reason = |key: &str| reason.as_ref().and_then(|r| text(r, key));
    Some(Status {
        state: text(s, "state")?,
        reason: of_reason("kind"),
        reason_name: of_reason("name"),
        reason_message: of_reason("message"),
        next_open: text(s, "next_open"),
        agents_online: integer(s, "agents_online").unwrap_or(0).max(0) as u64,
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

/// `Uuid::try_parse`, not `str::parse`: the detailed parse errors, which the widget never
/// shows, would cost the wasm ≈ 1 KB.
fn uuid<T: From<Uuid>>(value: &impl Json, key: &str) -> Option<T> {
    Uuid::try_parse(&text(value, key)?).ok().map(T::from)
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::api::VisitorSession;
    use livedesk_protocol::chat::{Author, Message, Party};
    use livedesk_protocol::frames::ServerFrame;
    use livedesk_protocol::ids::{AgentId, MessageId, SiteId};
    use livedesk_protocol::status::{ClosedReason, SiteStatus, WidgetState};
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
        fn boolean(&self) -> Option<bool> {
            self.as_bool()
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
            (
                ServerFrame::SiteStatus {
                    status: SiteStatus {
                        state: WidgetState::Offline,
                        closed_reason: Some(ClosedReason::Holiday {
                            name: "Republic Day".into(),
                            message: Some("Back tomorrow".into()),
                        }),
                        next_open: Some(OffsetDateTime::UNIX_EPOCH),
                        closes_at: None,
                        agents_online: 2,
                        agents_available: 0,
                        queue_length: 0,
                    },
                },
                Incoming::Status(Status {
                    state: "offline".into(),
                    reason: Some("holiday".into()),
                    reason_name: Some("Republic Day".into()),
                    reason_message: Some("Back tomorrow".into()),
                    next_open: Some("1970-01-01T00:00:00Z".into()),
                    agents_online: 2,
                }),
            ),
            (
                ServerFrame::QueuePosition {
                    conversation_id: ConversationId(id(2)),
                    position: 3,
                    estimated_wait_secs: 90,
                },
                Incoming::Queue {
                    conversation_id: ConversationId(id(2)),
                    position: 3,
                    wait_secs: 90,
                },
            ),
            (
                ServerFrame::WaitTimedOut {
                    conversation_id: ConversationId(id(2)),
                    waited_secs: 301,
                },
                Incoming::WaitTimedOut,
            ),
            (
                ServerFrame::ConversationAssigned {
                    conversation_id: ConversationId(id(2)),
                    agent_id: AgentId(id(3)),
                    agent_name: "Ayşe".into(),
                },
                Incoming::Assigned {
                    agent_name: "Ayşe".into(),
                },
            ),
            (
                ServerFrame::ConversationClosed {
                    conversation_id: ConversationId(id(2)),
                    closed_by: Author::System,
                },
                Incoming::Closed {
                    conversation_id: ConversationId(id(2)),
                },
            ),
            (
                ServerFrame::Typing {
                    conversation_id: ConversationId(id(2)),
                    author: Author::Agent {
                        id: AgentId(id(3)),
                        name: "Ayşe".into(),
                    },
                    typing: true,
                },
                Incoming::AgentTyping {
                    name: "Ayşe".into(),
                    typing: true,
                },
            ),
            (
                ServerFrame::Typing {
                    conversation_id: ConversationId(id(2)),
                    author: Author::Visitor {
                        id: VisitorId(id(5)),
                    },
                    typing: true,
                },
                Incoming::Unknown,
            ),
            (
                ServerFrame::Receipt {
                    conversation_id: ConversationId(id(2)),
                    reader: Party::Agents,
                    delivered_up_to: 7,
                    read_up_to: 5,
                },
                Incoming::Receipt {
                    delivered: 7,
                    read: 5,
                },
            ),
            (
                ServerFrame::Receipt {
                    conversation_id: ConversationId(id(2)),
                    reader: Party::Visitor,
                    delivered_up_to: 7,
                    read_up_to: 5,
                },
                Incoming::Unknown,
            ),
            (ServerFrame::Done { cid }, Incoming::Done { cid }),
            (ServerFrame::Pong, Incoming::Pong),
        ];
        for (frame, expected) in cases {
            assert_eq!(read(frame.clone()), expected, "{frame:?}");
        }
    }

    #[test]
    fn call_frames_read_as_the_protocol_writes_them() {
        use livedesk_protocol::calls::{
            Call, CallOutcome, IceCandidate, MediaState, SdpType, SessionDescription,
        };
        let call = Call {
            id: CallId(id(7)),
            conversation_id: ConversationId(id(2)),
            visitor_id: VisitorId(id(5)),
            agent_id: Some(AgentId(id(3))),
            agent_name: Some("Ayşe".into()),
            kind: CallKind::Video,
            state: CallState::Ended,
            started_at: OffsetDateTime::UNIX_EPOCH,
            ring_deadline: None,
            answered_at: Some(OffsetDateTime::UNIX_EPOCH),
            ended_at: Some(OffsetDateTime::UNIX_EPOCH),
            duration_secs: Some(125),
            outcome: Some(CallOutcome::Answered),
            ended_by: None,
        };
        let info = CallInfo {
            id: CallId(id(7)),
            kind: CallKind::Video,
            state: CallState::Ended,
            agent_name: Some("Ayşe".into()),
            duration_secs: Some(125),
            outcome: Some("answered".into()),
        };
        let call_id = CallId(id(7));
        let cases = [
            (
                ServerFrame::CallStarted {
                    cid: ClientId(id(9)),
                    call: call.clone(),
                },
                Incoming::CallStarted {
                    cid: ClientId(id(9)),
                    call: info.clone(),
                },
            ),
            (
                ServerFrame::CallChanged { call },
                Incoming::CallChanged(info),
            ),
            (
                ServerFrame::CallQueued {
                    call_id,
                    position: 2,
                },
                Incoming::CallQueued {
                    call_id,
                    position: 2,
                },
            ),
            (
                ServerFrame::CallAnswer {
                    call_id,
                    description: SessionDescription {
                        kind: SdpType::Answer,
                        sdp: "v=0".into(),
                    },
                },
                Incoming::CallSignal {
                    call_id,
                    signal: Signal::Description,
                },
            ),
            (
                ServerFrame::CallCandidate {
                    call_id,
                    candidate: IceCandidate {
                        candidate: "candidate:1 1 udp 1 192.0.2.7 5000 typ host".into(),
                        sdp_mid: None,
                        sdp_mline_index: None,
                        username_fragment: None,
                    },
                },
                Incoming::CallSignal {
                    call_id,
                    signal: Signal::Candidate,
                },
            ),
            (
                ServerFrame::CallMedia {
                    call_id,
                    from: Party::Agents,
                    media: MediaState {
                        audio_muted: true,
                        camera_off: false,
                    },
                },
                Incoming::CallMedia {
                    call_id,
                    audio_muted: true,
                    camera_off: false,
                },
            ),
            (
                ServerFrame::CallScreenShare {
                    call_id,
                    from: Party::Agents,
                    sharing: true,
                },
                Incoming::CallScreenShare {
                    call_id,
                    sharing: true,
                },
            ),
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
        let offline = ServerFrame::OfflineMessage {
            message: livedesk_protocol::widget::OfflineMessage {
                id: id(3),
                visitor_id: VisitorId(id(5)),
                name: "Ayşe".into(),
                email: "ayse@example.com".into(),
                phone: None,
                message: "Do you ship to Izmir?".into(),
                page_url: None,
                created_at: OffsetDateTime::UNIX_EPOCH,
                handled: None,
            },
        };
        assert_eq!(read(offline), Incoming::Unknown);
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
