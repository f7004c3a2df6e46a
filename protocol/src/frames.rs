//! WebSocket frames. Every frame is one JSON text frame with a `t` field naming its type.
//!
//! Frames that change state carry a client id `cid`; the server answers each with an
//! [`ServerFrame::Ack`] or an [`ServerFrame::Error`] naming the same `cid`, and a retried
//! frame with a `cid` the server has already stored is acknowledged again without being
//! stored twice.

use serde::{Deserialize, Serialize};

use crate::calls::{Call, CallKind, IceCandidate, MediaState, SessionDescription};
use crate::chat::{Author, ConversationSummary, Message, Note, Party, Rating};
use crate::error::ErrorCode;
use crate::ids::{AgentId, CallId, ClientId, ConversationId, MessageId, SiteId, VisitorId};
use crate::presence::{AgentPresence, AgentStateChoice};
use crate::routing::{ChatRequest, TransferTarget};
use crate::status::SiteStatus;
use crate::visitors::{VisitorActivity, VisitorPresence};
use crate::widget::OfflineMessage;

/// Frames a visitor's client sends on `/ws/visitor`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case", deny_unknown_fields)]
pub enum VisitorFrame {
    /// Send a message; opens the visitor's conversation if none is open, routed by
    /// `start` (ignored when a conversation is already open).
    Send {
        cid: ClientId,
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<ChatRequest>,
    },
    /// Replay every message of the visitor's open conversation with `seq > after_seq`.
    Resume { after_seq: i64 },
    /// Change the text of one of the visitor's own messages, within
    /// [`crate::chat::EDIT_WINDOW_SECS`] of sending it; answered with [`ServerFrame::Done`].
    Edit {
        cid: ClientId,
        message_id: MessageId,
        body: String,
    },
    /// Delete one of the visitor's own messages, within the same window.
    Delete {
        cid: ClientId,
        message_id: MessageId,
    },
    /// End the visitor's open conversation; answered with [`ServerFrame::Done`].
    Close { cid: ClientId },
    /// The visitor started or stopped typing (the server passes on at most one `true`
    /// every 2 s). Not answered.
    Typing { typing: bool },
    /// The visitor's client has received (`read: false`) or shown (`read: true`) every
    /// message up to `up_to` of the open conversation. Cumulative; not answered.
    Seen { up_to: i64, read: bool },
    /// The page this tab shows now (on load and on every navigation, also in single-page
    /// apps); checked with [`crate::visitors::PageView::parse`]. Makes the tab active.
    /// Not answered.
    Page { url: String, title: String },
    /// The tab became active or idle (hidden, or untouched for a while). Not answered.
    Activity { status: VisitorActivity },
    /// Rate a closed conversation of the visitor (again, to change the rating); answered
    /// with [`ServerFrame::Done`].
    Rate {
        cid: ClientId,
        conversation_id: ConversationId,
        rating: Rating,
    },
    /// Call the site from the visitor's open conversation: its agent is rung, or the call is
    /// routed to an agent who takes calls, or it queues. Answered with
    /// [`ServerFrame::CallStarted`].
    CallStart { cid: ClientId, kind: CallKind },
    /// Hang up (also cancels a call still ringing or queued); answered with
    /// [`ServerFrame::Done`]. Send it when the tab closes (`pagehide`).
    CallHangUp { cid: ClientId, call_id: CallId },
    /// The peer connection failed for good; ends the call as failed. Answered with
    /// [`ServerFrame::Done`].
    CallFailed { cid: ClientId, call_id: CallId },
    /// The peer connection is connected: the call is active. Not answered.
    CallConnected { call_id: CallId },
    /// An offer for the agent (the first after the accept, or a renegotiation). Relayed; not
    /// answered.
    CallOffer {
        call_id: CallId,
        description: SessionDescription,
    },
    /// The answer to the agent's renegotiation offer. Relayed; not answered.
    CallAnswer {
        call_id: CallId,
        description: SessionDescription,
    },
    /// A trickled ICE candidate. Relayed; not answered.
    CallCandidate {
        call_id: CallId,
        candidate: IceCandidate,
    },
    /// The visitor muted or unmuted, or switched the camera. Relayed; not answered.
    CallMedia { call_id: CallId, media: MediaState },
    /// The visitor started or stopped sharing the screen. Relayed; not answered.
    CallScreenShare { call_id: CallId, sharing: bool },
    /// Keep-alive; answered with [`ServerFrame::Pong`]. (A struct variant, so that
    /// unknown fields are refused here too.)
    Ping {},
}

/// Frames an agent's client sends on `/ws/agent`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case", deny_unknown_fields)]
pub enum AgentFrame {
    /// Reply in a conversation of the agent's site.
    Send {
        cid: ClientId,
        conversation_id: ConversationId,
        body: String,
    },
    /// Replay every message of the conversation with `seq > after_seq`.
    Resume {
        conversation_id: ConversationId,
        after_seq: i64,
    },
    /// Change the text of one of the agent's own messages, within
    /// [`crate::chat::EDIT_WINDOW_SECS`] of sending it; answered with [`ServerFrame::Done`].
    Edit {
        cid: ClientId,
        message_id: MessageId,
        body: String,
    },
    /// Delete one of the agent's own messages, within the same window.
    Delete {
        cid: ClientId,
        message_id: MessageId,
    },
    /// Add an internal note to a conversation of the site (agents only ever see it);
    /// answered with [`ServerFrame::Done`].
    Note {
        cid: ClientId,
        conversation_id: ConversationId,
        body: String,
    },
    /// Write to a visitor on the site (from the live visitors list): the message goes into
    /// the visitor's open conversation, or opens one that is the agent's. Answered with
    /// [`ServerFrame::Ack`]; `not_found` for a visitor of another site.
    StartChat {
        cid: ClientId,
        visitor_id: VisitorId,
        body: String,
    },
    /// Take a waiting conversation from the queue; answered with [`ServerFrame::Done`], or
    /// `conflict` when someone else took it first or the agent is at capacity.
    Accept {
        cid: ClientId,
        conversation_id: ConversationId,
    },
    /// Close a conversation of the site (closing a closed one is a no-op); answered with
    /// [`ServerFrame::Done`].
    Close {
        cid: ClientId,
        conversation_id: ConversationId,
    },
    /// The agent started or stopped typing in a conversation. Not answered.
    Typing {
        conversation_id: ConversationId,
        typing: bool,
    },
    /// The agent's client has received or shown every message up to `up_to`. Not answered.
    Seen {
        conversation_id: ConversationId,
        up_to: i64,
        read: bool,
    },
    /// Hand a conversation to a colleague or to a department's queue, with an optional
    /// note that the agents see as an internal note; answered with [`ServerFrame::Done`].
    /// Only the conversation's agent or an admin may transfer it.
    Transfer {
        cid: ClientId,
        conversation_id: ConversationId,
        to: TransferTarget,
        #[serde(default)]
        note: Option<String>,
    },
    /// Put a tag on a conversation (a no-op if it has it); answered with
    /// [`ServerFrame::Done`].
    Tag {
        cid: ClientId,
        conversation_id: ConversationId,
        tag: String,
    },
    /// Take a tag off a conversation (a no-op if it lacks it); answered with
    /// [`ServerFrame::Done`].
    Untag {
        cid: ClientId,
        conversation_id: ConversationId,
        tag: String,
    },
    /// Set the agent's own state; answered with [`ServerFrame::Done`].
    SetState {
        cid: ClientId,
        choice: AgentStateChoice,
    },
    /// Answer a call ringing for this agent; answered with [`ServerFrame::Done`]. The
    /// visitor then sends the offer.
    CallAccept { cid: ClientId, call_id: CallId },
    /// Decline a call ringing for this agent; answered with [`ServerFrame::Done`].
    CallReject { cid: ClientId, call_id: CallId },
    /// Hang up the agent's call; answered with [`ServerFrame::Done`].
    CallHangUp { cid: ClientId, call_id: CallId },
    /// The peer connection failed for good; ends the call as failed.
    CallFailed { cid: ClientId, call_id: CallId },
    /// The peer connection is connected: the call is active. Not answered.
    CallConnected { call_id: CallId },
    /// A renegotiation offer for the visitor. Relayed; not answered.
    CallOffer {
        call_id: CallId,
        description: SessionDescription,
    },
    /// The answer to the visitor's offer. Relayed; not answered.
    CallAnswer {
        call_id: CallId,
        description: SessionDescription,
    },
    /// A trickled ICE candidate. Relayed; not answered.
    CallCandidate {
        call_id: CallId,
        candidate: IceCandidate,
    },
    /// The agent muted or unmuted, or switched the camera. Relayed; not answered.
    CallMedia { call_id: CallId, media: MediaState },
    /// The agent started or stopped sharing the screen. Relayed; not answered.
    CallScreenShare { call_id: CallId, sharing: bool },
    /// Keep-alive; answered with [`ServerFrame::Pong`]. (A struct variant, so that
    /// unknown fields are refused here too.)
    Ping {},
}

/// Frames the server sends on both sockets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame on a visitor socket.
    VisitorHello {
        site_id: SiteId,
        visitor_id: VisitorId,
        /// The visitor's open conversation, if any: resume from your last seen `seq`.
        conversation: Option<ConversationRef>,
    },
    /// First frame on an agent socket.
    AgentHello { site_id: SiteId, agent_id: AgentId },
    /// The message sent with `cid` is stored; `message.seq` is its place in the conversation.
    Ack { cid: ClientId, message: Message },
    /// The frame with `cid` was carried out (frames whose answer is not a message).
    Done { cid: ClientId },
    /// A conversation was closed, by its visitor, an agent or the system. The visitor's
    /// widget offers the rating next.
    ConversationClosed {
        conversation_id: ConversationId,
        closed_by: Author,
    },
    /// Someone in the conversation started or stopped typing. Sent to the other side (and
    /// to the site's agents); clients ignore their own.
    Typing {
        conversation_id: ConversationId,
        author: Author,
        typing: bool,
    },
    /// How far one side has received and read the conversation: every message with
    /// `seq <= delivered_up_to` is delivered, `seq <= read_up_to` read.
    Receipt {
        conversation_id: ConversationId,
        reader: Party,
        delivered_up_to: i64,
        read_up_to: i64,
    },
    /// The visitor rated a closed conversation (agents only).
    ConversationRated {
        conversation_id: ConversationId,
        rating: Rating,
    },
    /// An agent of the site came online, went offline or changed state (agents only).
    AgentPresence { presence: AgentPresence },
    /// Visitors of the site came online, changed page, became active or idle, or went
    /// offline (agents only). Batched: each visitor at most once, with its latest presence.
    VisitorPresence { visitors: Vec<VisitorPresence> },
    /// What the widget offers now (visitors only): right after the hello, and whenever the
    /// state, the reason or the opening and closing times change.
    SiteStatus { status: SiteStatus },
    /// A frame was refused. `cid` names it when the frame had one and could be read.
    Error {
        cid: Option<ClientId>,
        code: ErrorCode,
        message: String,
    },
    /// A new message in a conversation this socket follows (including the sender's own
    /// messages sent from another tab or device).
    Message { message: Message },
    /// An internal note was added (agents only).
    NoteAdded { note: Note },
    /// A conversation was given to an agent (agents, and the conversation's visitor).
    ConversationAssigned {
        conversation_id: ConversationId,
        agent_id: AgentId,
        agent_name: String,
    },
    /// The conversation's agent disconnected and did not come back within the site's grace
    /// period: the conversation waits for another agent (agents, and its visitor).
    ConversationReturned {
        conversation_id: ConversationId,
        agent_id: AgentId,
    },
    /// The visitor's place in the queue (visitors only): sent when the conversation starts
    /// waiting and whenever the queue moves.
    QueuePosition {
        conversation_id: ConversationId,
        position: u64,
        estimated_wait_secs: u64,
    },
    /// A message was edited or deleted: replace the one with the same `id` (and `seq`).
    MessageChanged { message: Message },
    /// A conversation was opened on the agent's site (agents only).
    ConversationOpened { conversation: ConversationSummary },
    /// An agent handed the conversation on (agents, and its visitor). `to_name` is the
    /// agent's or department's name, for "you are being transferred to Sales". A transfer
    /// to an agent is followed by [`ServerFrame::ConversationAssigned`]; one to a
    /// department by a place in its queue.
    ConversationTransferred {
        conversation_id: ConversationId,
        by: AgentId,
        to: TransferTarget,
        to_name: String,
    },
    /// The conversation's tags changed; `tags` is all of them, sorted (agents only).
    TagsChanged {
        conversation_id: ConversationId,
        tags: Vec<String>,
    },
    /// The current state of an offline message: a visitor just left it, or an agent marked
    /// it handled or reopened it (agents only). Replaces the one with the same `id`.
    OfflineMessage { message: OfflineMessage },
    /// The visitor has waited longer than the site's queue timeout: the widget offers the
    /// offline form (the visitor may also keep waiting). Sent once per wait (agents, and
    /// the conversation's visitor).
    WaitTimedOut {
        conversation_id: ConversationId,
        waited_secs: u64,
    },
    /// The `call_start` with `cid` made this call (ringing or queued); a retried `cid`
    /// names the same call.
    CallStarted { cid: ClientId, call: Call },
    /// A call started, rang an agent, was answered, became active or ended (the call's
    /// visitor and the site's agents). `call.agent_id` names the agent being rung.
    CallChanged { call: Call },
    /// The call waits for an agent who can take it, at this place of the site's call queue
    /// (visitors only; 1 = next). Sent when it queues and whenever the queue moves.
    CallQueued { call_id: CallId, position: u64 },
    /// The other party's offer (the call's visitor or agent only).
    CallOffer {
        call_id: CallId,
        description: SessionDescription,
    },
    /// The other party's answer.
    CallAnswer {
        call_id: CallId,
        description: SessionDescription,
    },
    /// One of the other party's ICE candidates.
    CallCandidate {
        call_id: CallId,
        candidate: IceCandidate,
    },
    /// The other party muted, unmuted or switched the camera.
    CallMedia {
        call_id: CallId,
        from: Party,
        media: MediaState,
    },
    /// The other party started or stopped sharing the screen.
    CallScreenShare {
        call_id: CallId,
        from: Party,
        sharing: bool,
    },
    /// Answer to a ping.
    Pong,
}

/// Where a conversation stands, for resuming.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRef {
    pub id: ConversationId,
    pub last_seq: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn visitor_send_frame_reads_as_documented() {
        let cid = Uuid::nil();
        let raw = format!(r#"{{"t":"send","cid":"{cid}","body":"hello"}}"#);
        let frame: VisitorFrame = serde_json::from_str(&raw).expect("documented frame parses");
        assert_eq!(
            frame,
            VisitorFrame::Send {
                cid: ClientId(cid),
                body: "hello".into(),
                start: None,
            }
        );
    }

    #[test]
    fn frames_with_unknown_type_or_fields_are_refused() {
        for raw in [
            r#"{"t":"delete_everything"}"#,
            r#"{"t":"ping","extra":1}"#,
            r#"{"body":"no type"}"#,
            r#"{"t":"send","cid":"not-a-uuid","body":"x"}"#,
            "not json",
        ] {
            assert!(serde_json::from_str::<VisitorFrame>(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn visitor_page_and_activity_frames_read_as_documented() {
        let page: VisitorFrame = serde_json::from_str(
            r#"{"t":"page","url":"https://shop.example.com/shoes","title":"Shoes"}"#,
        )
        .expect("documented frame parses");
        assert_eq!(
            page,
            VisitorFrame::Page {
                url: "https://shop.example.com/shoes".into(),
                title: "Shoes".into()
            }
        );
        let idle: VisitorFrame = serde_json::from_str(r#"{"t":"activity","status":"idle"}"#)
            .expect("documented frame parses");
        assert_eq!(
            idle,
            VisitorFrame::Activity {
                status: VisitorActivity::Idle
            }
        );
        assert!(
            serde_json::from_str::<VisitorFrame>(r#"{"t":"activity","status":"offline"}"#).is_err(),
            "offline is the server's to say"
        );
    }

    #[test]
    fn call_frames_read_as_documented() {
        use crate::calls::{IceCandidate, MediaState};
        let id = Uuid::nil();
        let candidate: VisitorFrame = serde_json::from_str(&format!(
            r#"{{"t":"call_candidate","call_id":"{id}","candidate":{{"candidate":"candidate:1 1 udp 1 192.0.2.7 5000 typ host","sdpMid":"0","sdpMLineIndex":0}}}}"#
        ))
        .expect("documented frame parses");
        assert_eq!(
            candidate,
            VisitorFrame::CallCandidate {
                call_id: CallId(id),
                candidate: IceCandidate {
                    candidate: "candidate:1 1 udp 1 192.0.2.7 5000 typ host".into(),
                    sdp_mid: Some("0".into()),
                    sdp_mline_index: Some(0),
                    username_fragment: None,
                },
            }
        );
        let media: AgentFrame = serde_json::from_str(&format!(
            r#"{{"t":"call_media","call_id":"{id}","media":{{"audio_muted":true,"camera_off":false}}}}"#
        ))
        .expect("documented frame parses");
        assert_eq!(
            media,
            AgentFrame::CallMedia {
                call_id: CallId(id),
                media: MediaState {
                    audio_muted: true,
                    camera_off: false,
                },
            }
        );
        for raw in [
            format!(r#"{{"t":"call_start","cid":"{id}","kind":"hologram"}}"#),
            format!(
                r#"{{"t":"call_offer","call_id":"{id}","description":{{"type":"offer","sdp":"v=0","x":1}}}}"#
            ),
            format!(r#"{{"t":"call_accept","cid":"{id}","call_id":"{id}"}}"#),
        ] {
            assert!(serde_json::from_str::<VisitorFrame>(&raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn server_error_frame_is_tagged() {
        let frame = ServerFrame::Error {
            cid: None,
            code: ErrorCode::FrameTooLarge,
            message: "too large".into(),
        };
        let json = serde_json::to_value(&frame).expect("serialises");
        assert_eq!(json["t"], "error");
        assert_eq!(json["code"], "frame_too_large");
    }
}
