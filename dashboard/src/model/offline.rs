//! The offline messages page: what visitors left through the widget's offline form, kept
//! current by `offline_message` frames. Waiting messages come first, newest first, then
//! the handled ones, newest first.

use livedesk_protocol::widget::OfflineMessage;

/// Replaces the list with a fetched one.
pub fn replace(list: &mut Vec<OfflineMessage>, fetched: Vec<OfflineMessage>) {
    *list = fetched;
    sort(list);
}

/// Adds a new message or replaces the one with the same id by its current state.
pub fn apply(list: &mut Vec<OfflineMessage>, message: OfflineMessage) {
    match list.iter_mut().find(|m| m.id == message.id) {
        Some(known) => *known = message,
        None => list.push(message),
    }
    sort(list);
}

/// How many messages still wait for an agent.
pub fn waiting(list: &[OfflineMessage]) -> usize {
    list.iter().filter(|m| m.handled.is_none()).count()
}

fn sort(list: &mut [OfflineMessage]) {
    list.sort_by(|a, b| {
        a.handled
            .is_some()
            .cmp(&b.handled.is_some())
            .then(b.created_at.cmp(&a.created_at))
            .then(a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::ids::VisitorId;
    use livedesk_protocol::widget::OfflineHandled;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;

    fn at(minute: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(minute)
    }

    fn message(n: u128, minute: i64, handled_by: Option<&str>) -> OfflineMessage {
        OfflineMessage {
            id: Uuid::from_u128(n),
            visitor_id: VisitorId(Uuid::from_u128(100 + n)),
            name: format!("Visitor {n}"),
            email: "visitor@example.com".into(),
            phone: None,
            message: format!("message {n}"),
            page_url: None,
            created_at: at(minute),
            handled: handled_by.map(|by| OfflineHandled {
                by: Some(by.into()),
                at: at(minute + 1),
            }),
        }
    }

    fn ids(list: &[OfflineMessage]) -> Vec<u128> {
        list.iter().map(|m| m.id.as_u128()).collect()
    }

    #[test]
    fn waiting_messages_come_first_then_handled_ones_each_newest_first() {
        let mut list = Vec::new();
        replace(
            &mut list,
            vec![
                message(1, 1, None),
                message(2, 5, Some("Ada")),
                message(3, 3, None),
                message(4, 9, Some("Ada")),
            ],
        );
        assert_eq!(ids(&list), [3, 1, 4, 2]);
        assert_eq!(waiting(&list), 2);
    }

    #[test]
    fn a_frame_adds_a_new_message_or_moves_a_known_one_by_its_state() {
        let mut list = Vec::new();
        replace(&mut list, vec![message(1, 1, None), message(2, 2, None)]);
        let cases = [
            (message(3, 3, None), vec![3, 2, 1], 3),
            (message(3, 3, Some("Ada")), vec![2, 1, 3], 2),
            (message(1, 1, Some("Deniz")), vec![2, 3, 1], 1),
            (message(3, 3, None), vec![3, 2, 1], 2),
        ];
        for (frame, expected, count) in cases {
            apply(&mut list, frame.clone());
            assert_eq!((ids(&list), waiting(&list)), (expected, count), "{frame:?}");
        }
        assert_eq!(list.len(), 3, "a known message is replaced, never doubled");
    }
}
