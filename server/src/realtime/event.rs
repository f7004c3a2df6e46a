//! Events published on Redis between nodes. Internal: clients see [`ServerFrame`]s.

use livedesk_protocol::calls::Call;
use livedesk_protocol::chat::{Author, ConversationSummary, Message, Note, Party, Rating};
use livedesk_protocol::ids::{AgentId, CallId, ConversationId, SiteId, VisitorId};
use livedesk_protocol::presence::AgentPresence;
use livedesk_protocol::routing::TransferTarget;
use livedesk_protocol::visitors::VisitorPresence;
use livedesk_protocol::widget::OfflineMessage;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "e", rename_all = "snake_case")]
pub enum HubEvent {
    /// A stored message: for the site's agents and the conversation's visitor.
    Message {
        visitor_id: VisitorId,
        message: Message,
    },
    /// A message was edited or deleted: for the site's agents and the conversation's visitor.
    MessageChanged {
        visitor_id: VisitorId,
        message: Message,
    },
    /// A conversation was given to an agent: for the site's agents and its visitor.
    ConversationAssigned {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        agent_id: AgentId,
        agent_name: String,
    },
    /// The conversation's agent did not come back in time: it waits for another agent.
    /// For the site's agents and its visitor.
    ConversationReturned {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        agent_id: AgentId,
    },
    /// A line of the queue moved; `order` is its waiting conversations, first first, and
    /// each place costs `secs_per_place` of waiting: for visitors.
    QueueMoved {
        order: Vec<ConversationId>,
        secs_per_place: u64,
    },
    /// An internal note: for the site's agents only.
    NoteAdded { note: Note },
    /// A new conversation: for the site's agents.
    ConversationOpened { conversation: ConversationSummary },
    /// A conversation closed: for the site's agents and its visitor.
    ConversationClosed {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        closed_by: Author,
    },
    /// Someone started or stopped typing: for the site's agents, and for the visitor when
    /// an agent types.
    Typing {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        author: Author,
        typing: bool,
    },
    /// One side's receipts moved: for the site's agents and the conversation's visitor.
    Receipt {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        reader: Party,
        delivered_up_to: i64,
        read_up_to: i64,
    },
    /// The visitor rated a closed conversation: for the site's agents.
    ConversationRated {
        conversation_id: ConversationId,
        rating: Rating,
    },
    /// An agent came online, went offline or changed state: for the site's agents.
    AgentPresence { presence: AgentPresence },
    /// An agent handed the conversation on: for the site's agents and its visitor.
    ConversationTransferred {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        by: AgentId,
        to: TransferTarget,
        to_name: String,
    },
    /// The conversation's tags changed: for the site's agents.
    TagsChanged {
        conversation_id: ConversationId,
        tags: Vec<String>,
    },
    /// An offline message's current state (new, handled or reopened): for the site's agents.
    OfflineMessage { message: OfflineMessage },
    /// The visitor waited past the queue timeout: for the site's agents and the visitor.
    WaitTimedOut {
        conversation_id: ConversationId,
        visitor_id: VisitorId,
        waited_secs: u64,
    },
    /// Visitors came online, changed page, became active or idle, or left: for the site's
    /// agents, batched ([`crate::visitors::outbox`]).
    VisitorPresence { visitors: Vec<VisitorPresence> },
    /// An admin changed the business hours (or the emergency override): for no socket;
    /// each node recomputes the site's status for its widgets.
    HoursChanged {},
    /// A call started, rang, was answered or ended: for the site's agents and its visitor.
    CallChanged { call: Call },
    /// A call's place in the site's call queue: for its visitor.
    CallQueued {
        call_id: CallId,
        visitor_id: VisitorId,
        position: u64,
    },
    /// An admin deactivated `agent_id`, or (`None`) a superadmin suspended the site: the
    /// sockets that lost their access close (agents with `unauthorized`, so the dashboard
    /// signs out once its refresh is refused).
    AccessRevoked { agent_id: Option<AgentId> },
    /// Signaling from one party of a call for the other, `to`, only.
    CallSignal {
        call_id: CallId,
        to: CallParty,
        signal: CallSignal,
    },
}

/// One of the two parties of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum CallParty {
    Visitor(VisitorId),
    Agent(AgentId),
}

/// What one party of a call passes to the other, already checked.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "snake_case")]
pub enum CallSignal {
    Offer {
        description: livedesk_protocol::calls::SessionDescription,
    },
    Answer {
        description: livedesk_protocol::calls::SessionDescription,
    },
    Candidate {
        candidate: livedesk_protocol::calls::IceCandidate,
    },
    Media {
        from: Party,
        media: livedesk_protocol::calls::MediaState,
    },
    ScreenShare {
        from: Party,
        sharing: bool,
    },
}

impl HubEvent {
    /// The visitor the event is about, when it is about one: only that visitor's sockets
    /// may hear it. `None` for events about the site as a whole.
    pub fn visitor_id(&self) -> Option<VisitorId> {
        match self {
            HubEvent::Message { visitor_id, .. }
            | HubEvent::MessageChanged { visitor_id, .. }
            | HubEvent::ConversationAssigned { visitor_id, .. }
            | HubEvent::ConversationReturned { visitor_id, .. }
            | HubEvent::ConversationClosed { visitor_id, .. }
            | HubEvent::Typing { visitor_id, .. }
            | HubEvent::Receipt { visitor_id, .. }
            | HubEvent::ConversationTransferred { visitor_id, .. }
            | HubEvent::WaitTimedOut { visitor_id, .. }
            | HubEvent::CallQueued { visitor_id, .. } => Some(*visitor_id),
            HubEvent::CallChanged { call } => Some(call.visitor_id),
            HubEvent::CallSignal { to, .. } => match to {
                CallParty::Visitor(visitor) => Some(*visitor),
                CallParty::Agent(_) => None,
            },
            HubEvent::QueueMoved { .. }
            | HubEvent::NoteAdded { .. }
            | HubEvent::ConversationOpened { .. }
            | HubEvent::ConversationRated { .. }
            | HubEvent::AgentPresence { .. }
            | HubEvent::TagsChanged { .. }
            | HubEvent::OfflineMessage { .. }
            | HubEvent::VisitorPresence { .. }
            | HubEvent::AccessRevoked { .. }
            | HubEvent::HoursChanged {} => None,
        }
    }

    /// Whether the event may change the site's public status: who can take a chat (agents'
    /// presence and load), the queue, or the hours.
    pub fn moves_site_status(&self) -> bool {
        matches!(
            self,
            HubEvent::AgentPresence { .. }
                | HubEvent::QueueMoved { .. }
                | HubEvent::ConversationAssigned { .. }
                | HubEvent::ConversationReturned { .. }
                | HubEvent::ConversationClosed { .. }
                | HubEvent::HoursChanged {}
        )
    }
}

/// The Redis channel of a site. The `{s:…}` hash tag keeps every key and channel of a site
/// in one Redis Cluster slot.
pub fn site_channel(site: SiteId) -> String {
    format!("ld:{{s:{site}}}:events")
}

/// The site a channel belongs to, for channels made by [`site_channel`].
pub fn site_of_channel(channel: &str) -> Option<SiteId> {
    channel
        .strip_prefix("ld:{s:")?
        .strip_suffix("}:events")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_round_trip() {
        let site = SiteId::new_random();
        assert_eq!(site_of_channel(&site_channel(site)), Some(site));
        assert_eq!(site_of_channel("ld:{s:nope}:events"), None);
    }
}
