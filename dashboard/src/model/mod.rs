//! The dashboard's data and the pure rules that update it, with no browser calls, so the
//! rules can be tested natively.

pub mod inbox;
pub mod offline;
pub mod outbox;
pub mod transcript;
pub mod visitors;

#[cfg(test)]
pub(crate) mod testing {
    //! Small builders for the model's tests.

    use livedesk_protocol::chat::{Author, ConversationStatus, ConversationSummary, Message};
    use livedesk_protocol::ids::{AgentId, ConversationId, MessageId, VisitorId};
    use time::OffsetDateTime;
    use uuid::Uuid;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    pub fn at(minute: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(minute)
    }

    /// Conversation number `n`, opened at minute `minute`, with no messages.
    pub fn summary(n: u128, minute: i64) -> ConversationSummary {
        ConversationSummary {
            id: ConversationId(id(n)),
            visitor_id: VisitorId(id(0xabcd_ef01_0000_0000_0000_0000_0000_0000 + n)),
            visitor_name: Some(format!("Visitor {n}")),
            status: ConversationStatus::Open,
            last_seq: 0,
            created_at: at(minute),
            last_message: None,
            assigned_agent_id: None,
            department_id: None,
            tags: Vec::new(),
            queued_at: Some(at(minute)),
            closed_at: None,
            visitor_delivered_seq: 0,
            visitor_read_seq: 0,
            snippet: None,
            priority_factors: Default::default(),
        }
    }

    pub fn message(c: ConversationId, seq: i64, minute: i64, from_visitor: bool) -> Message {
        let author = if from_visitor {
            Author::Visitor {
                id: VisitorId(id(7)),
            }
        } else {
            Author::Agent {
                id: AgentId(id(8)),
                name: "Deniz".into(),
            }
        };
        Message {
            id: MessageId(Uuid::new_v4()),
            conversation_id: c,
            seq,
            client_id: None,
            author,
            body: format!("message {seq}"),
            created_at: at(minute),
            edited_at: None,
            deleted: false,
        }
    }
}
