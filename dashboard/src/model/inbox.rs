//! The inbox: the site's conversations, newest activity first, with unread marks.

use livedesk_protocol::chat::{
    Author, ConversationStatus, ConversationSummary, InboxView, Message,
};
use livedesk_protocol::ids::{AgentId, ConversationId};
use time::OffsetDateTime;

/// One conversation as the inbox shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxRow {
    pub summary: ConversationSummary,
    /// A visitor wrote since the agent last had this conversation open.
    pub unread: bool,
}

impl InboxRow {
    /// When something last happened: the newest message, or the opening.
    pub fn activity(&self) -> OffsetDateTime {
        self.summary
            .last_message
            .as_ref()
            .map_or(self.summary.created_at, |m| m.created_at)
    }

    /// The visitor's name, or "Visitor" and the start of their id when they gave none.
    pub fn visitor_label(&self) -> String {
        visitor_label(&self.summary)
    }
}

pub fn visitor_label(summary: &ConversationSummary) -> String {
    match summary.visitor_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => {
            let id = summary.visitor_id.to_string();
            format!("Visitor {}", &id[..8])
        }
    }
}

/// What [`apply_message`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Updated,
    /// The message belongs to a conversation the inbox does not list: reload the list.
    UnknownConversation,
}

/// Merges a freshly fetched view into the list; rows of other views stay (frames keep
/// them current). Local rows that are newer than the fetched ones (a frame raced the
/// request) keep their newer state; a conversation that moved on with a visitor message
/// while it was not open becomes unread.
pub fn merge_fetched(
    rows: &mut Vec<InboxRow>,
    fetched: Vec<ConversationSummary>,
    open: Option<ConversationId>,
) {
    let mut merged: Vec<InboxRow> = rows
        .iter()
        .filter(|r| !fetched.iter().any(|f| f.id == r.summary.id))
        .cloned()
        .collect();
    merged.extend(fetched.into_iter().map(|summary| {
        match rows.iter().find(|r| r.summary.id == summary.id) {
            Some(known) if known.summary.last_seq >= summary.last_seq => InboxRow {
                summary: known.summary.clone(),
                unread: known.unread,
            },
            Some(known) => {
                let unread = known.unread || is_unread(&summary, open);
                InboxRow { summary, unread }
            }
            None => InboxRow {
                unread: false,
                summary,
            },
        }
    }));
    *rows = merged;
    sort(rows);
}

/// Adds a newly opened conversation, or refreshes it if it is already listed.
pub fn upsert_opened(
    rows: &mut Vec<InboxRow>,
    summary: ConversationSummary,
    open: Option<ConversationId>,
) {
    let unread = is_unread(&summary, open);
    match rows.iter_mut().find(|r| r.summary.id == summary.id) {
        Some(row) if row.summary.last_seq > summary.last_seq => {
            row.summary.status = summary.status;
            row.summary.visitor_name = summary.visitor_name;
        }
        Some(row) => {
            row.unread |= unread;
            row.summary = summary;
        }
        None => rows.push(InboxRow { summary, unread }),
    }
    sort(rows);
}

/// Moves a conversation to the top with its new last message.
pub fn apply_message(
    rows: &mut [InboxRow],
    message: &Message,
    open: Option<ConversationId>,
) -> Applied {
    let Some(row) = rows
        .iter_mut()
        .find(|r| r.summary.id == message.conversation_id)
    else {
        return Applied::UnknownConversation;
    };
    if message.seq > row.summary.last_seq {
        row.summary.last_seq = message.seq;
        row.summary.last_message = Some(message.clone());
        if matches!(message.author, Author::Visitor { .. }) && open != Some(message.conversation_id)
        {
            row.unread = true;
        }
    }
    sort(rows);
    Applied::Updated
}

/// Whether `row` belongs in `view` for the agent `me`.
pub fn in_view(row: &InboxRow, view: InboxView, me: Option<AgentId>) -> bool {
    let open = row.summary.status == ConversationStatus::Open;
    match view {
        InboxView::All => true,
        InboxView::Queue => open && row.summary.assigned_agent_id.is_none(),
        InboxView::Mine => open && me.is_some() && row.summary.assigned_agent_id == me,
        InboxView::Open => open,
        InboxView::Closed => !open,
    }
}

/// The rows of `view`: the queue in the order it is served at `now` (highest priority
/// first, then the earliest arrival), the others newest activity first.
pub fn view_rows(
    rows: &[InboxRow],
    view: InboxView,
    me: Option<AgentId>,
    now: OffsetDateTime,
) -> Vec<InboxRow> {
    let mut shown: Vec<InboxRow> = rows
        .iter()
        .filter(|r| in_view(r, view, me))
        .cloned()
        .collect();
    if view == InboxView::Queue {
        shown.sort_by_key(|r| {
            (
                std::cmp::Reverse(r.summary.priority(now)),
                r.summary.created_at,
            )
        });
    }
    shown
}

/// What a frame changed about a listed conversation.
pub enum Change {
    Assigned(AgentId),
    Returned,
    Closed(OffsetDateTime),
    Tags(Vec<String>),
    /// Transferred to a department: back in a queue.
    Requeued(OffsetDateTime),
}

/// Applies `change`; `false` when the conversation is not listed (reload to learn of it).
pub fn change(rows: &mut [InboxRow], id: ConversationId, change: Change) -> bool {
    let Some(row) = rows.iter_mut().find(|r| r.summary.id == id) else {
        return false;
    };
    let summary = &mut row.summary;
    match change {
        Change::Assigned(agent) => summary.assigned_agent_id = Some(agent),
        Change::Returned => summary.assigned_agent_id = None,
        Change::Requeued(at) => {
            summary.assigned_agent_id = None;
            summary.queued_at = Some(at);
        }
        Change::Closed(at) => {
            summary.status = ConversationStatus::Closed;
            summary.closed_at.get_or_insert(at);
        }
        Change::Tags(tags) => summary.tags = tags,
    }
    true
}

/// The visitor's widget received (and showed) messages up to these `seq`s; never moves back.
pub fn receipt(rows: &mut [InboxRow], id: ConversationId, delivered: i64, read: i64) {
    if let Some(row) = rows.iter_mut().find(|r| r.summary.id == id) {
        let s = &mut row.summary;
        s.visitor_delivered_seq = s.visitor_delivered_seq.max(delivered);
        s.visitor_read_seq = s.visitor_read_seq.max(read);
    }
}

pub fn mark_read(rows: &mut [InboxRow], id: ConversationId) {
    if let Some(row) = rows.iter_mut().find(|r| r.summary.id == id) {
        row.unread = false;
    }
}

fn is_unread(summary: &ConversationSummary, open: Option<ConversationId>) -> bool {
    open != Some(summary.id)
        && summary
            .last_message
            .as_ref()
            .is_some_and(|m| matches!(m.author, Author::Visitor { .. }))
}

/// Newest activity first; the sort is stable so equal times keep their order.
fn sort(rows: &mut [InboxRow]) {
    rows.sort_by_key(|r| std::cmp::Reverse(r.activity()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, message, summary};

    #[test]
    fn a_visitor_message_moves_its_conversation_to_the_top_and_marks_it_unread() {
        let (a, b) = (summary(1, 10), summary(2, 20));
        let mut rows = Vec::new();
        merge_fetched(&mut rows, vec![b.clone(), a.clone()], None);

        let applied = apply_message(&mut rows, &message(a.id, 2, 30, true), None);

        assert_eq!(applied, Applied::Updated);
        assert_eq!(rows[0].summary.id, a.id);
        assert!(rows[0].unread);
        assert!(!rows[1].unread);
    }

    #[test]
    fn the_open_conversation_never_becomes_unread() {
        let a = summary(1, 10);
        let mut rows = Vec::new();
        merge_fetched(&mut rows, vec![a.clone()], Some(a.id));

        apply_message(&mut rows, &message(a.id, 2, 30, true), Some(a.id));

        assert!(!rows[0].unread);
    }

    #[test]
    fn a_replayed_older_message_does_not_replace_the_preview() {
        let a = summary(1, 10);
        let mut rows = Vec::new();
        merge_fetched(&mut rows, vec![a.clone()], None);
        apply_message(&mut rows, &message(a.id, 3, 30, false), None);

        apply_message(&mut rows, &message(a.id, 2, 20, true), None);

        assert_eq!(rows[0].summary.last_seq, 3);
        assert!(!rows[0].unread);
    }

    #[test]
    fn a_message_for_an_unlisted_conversation_asks_for_a_reload() {
        let mut rows = Vec::new();
        let stranger = summary(9, 10);

        let applied = apply_message(&mut rows, &message(stranger.id, 1, 10, true), None);

        assert_eq!(applied, Applied::UnknownConversation);
    }

    #[test]
    fn a_fetch_older_than_a_live_frame_keeps_the_live_state() {
        let a = summary(1, 10);
        let mut rows = Vec::new();
        upsert_opened(&mut rows, a.clone(), None);
        apply_message(&mut rows, &message(a.id, 2, 30, true), None);

        merge_fetched(&mut rows, vec![a.clone()], None);

        assert_eq!(rows[0].summary.last_seq, 2);
        assert!(rows[0].unread);
    }

    #[test]
    fn a_fetched_view_joins_the_rows_of_other_views() {
        let (a, b) = (summary(1, 10), summary(2, 20));
        let mut rows = Vec::new();
        merge_fetched(&mut rows, vec![a.clone()], None);
        merge_fetched(&mut rows, vec![b.clone()], None);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn views_follow_assignment_returns_and_closing() {
        let me = AgentId(uuid::Uuid::from_u128(8));
        let colleague = AgentId(uuid::Uuid::from_u128(9));
        let (a, b, c) = (summary(1, 10), summary(2, 20), summary(3, 5));
        let mut rows = Vec::new();
        merge_fetched(&mut rows, vec![a.clone(), b.clone(), c.clone()], None);
        let ids = |rows: &[InboxRow], view| {
            view_rows(rows, view, Some(me), at(30))
                .iter()
                .map(|r| r.summary.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&rows, InboxView::Queue),
            [c.id, a.id, b.id],
            "longest waiting first"
        );

        assert!(change(&mut rows, a.id, Change::Assigned(me)));
        assert!(change(&mut rows, b.id, Change::Assigned(colleague)));
        assert_eq!(ids(&rows, InboxView::Mine), [a.id]);
        assert_eq!(ids(&rows, InboxView::Queue), [c.id]);
        assert_eq!(ids(&rows, InboxView::Open).len(), 3);

        assert!(change(&mut rows, b.id, Change::Returned));
        assert_eq!(ids(&rows, InboxView::Queue), [c.id, b.id]);

        let at = OffsetDateTime::UNIX_EPOCH;
        assert!(change(&mut rows, a.id, Change::Closed(at)));
        assert_eq!(ids(&rows, InboxView::Mine), []);
        assert_eq!(ids(&rows, InboxView::Closed), [a.id]);

        assert!(
            !change(&mut rows, summary(7, 1).id, Change::Returned),
            "unlisted"
        );
    }

    #[test]
    fn the_queue_is_listed_in_the_order_it_is_served() {
        let early = summary(1, 0);
        let mut vip = summary(2, 5);
        vip.priority_factors.vip = true;
        let mut returning = summary(3, 1);
        returning.priority_factors.returning = true;
        let mut rows = Vec::new();
        merge_fetched(
            &mut rows,
            vec![early.clone(), vip.clone(), returning.clone()],
            None,
        );
        let queue = |minute| {
            view_rows(&rows, InboxView::Queue, None, at(minute))
                .iter()
                .map(|r| r.summary.id)
                .collect::<Vec<_>>()
        };
        // At minute 5: the VIP is 5, the returning customer 1+2+2 = 5, the first one 1+2 = 3.
        assert_eq!(queue(5), [returning.id, vip.id, early.id]);
        // Aging is capped at 10, where arrival decides again.
        assert_eq!(queue(60), [early.id, returning.id, vip.id]);
    }

    #[test]
    fn visitors_without_a_name_are_labelled_by_their_id() {
        let mut a = summary(1, 10);
        a.visitor_name = None;
        assert_eq!(
            visitor_label(&a),
            format!("Visitor {}", &a.visitor_id.to_string()[..8])
        );
        a.visitor_name = Some("Ayşe".into());
        assert_eq!(visitor_label(&a), "Ayşe");
    }
}
