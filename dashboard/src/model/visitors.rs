//! The live visitors list: who is on the site now, kept current by `visitor_presence`
//! frames.

use livedesk_protocol::visitors::{VisitorPresence, VisitorStatus};

/// Applies a batch of presence changes: a visitor who went offline leaves the list, anyone
/// else is added or replaced. Active visitors come first, then by the newest sign of life.
pub fn apply(list: &mut Vec<VisitorPresence>, changes: Vec<VisitorPresence>) {
    for change in changes {
        list.retain(|v| v.visitor_id != change.visitor_id);
        if change.status != VisitorStatus::Offline {
            list.push(change);
        }
    }
    sort(list);
}

/// Replaces the list with a fetched one.
pub fn replace(list: &mut Vec<VisitorPresence>, fetched: Vec<VisitorPresence>) {
    *list = fetched
        .into_iter()
        .filter(|v| v.status != VisitorStatus::Offline)
        .collect();
    sort(list);
}

fn sort(list: &mut [VisitorPresence]) {
    list.sort_by(|a, b| {
        let rank = |v: &VisitorPresence| u8::from(v.status != VisitorStatus::Active);
        rank(a).cmp(&rank(b)).then(b.last_seen.cmp(&a.last_seen))
    });
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::ids::VisitorId;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;

    fn presence(n: u128, status: VisitorStatus, minute: i64) -> VisitorPresence {
        VisitorPresence {
            visitor_id: VisitorId(Uuid::from_u128(n)),
            status,
            page: None,
            last_seen: OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(minute),
        }
    }

    #[test]
    fn offline_visitors_leave_and_active_ones_come_first() {
        let mut list = Vec::new();
        replace(
            &mut list,
            vec![
                presence(1, VisitorStatus::Idle, 5),
                presence(2, VisitorStatus::Active, 1),
                presence(3, VisitorStatus::Offline, 9),
            ],
        );
        let ids = |l: &[VisitorPresence]| {
            l.iter()
                .map(|v| v.visitor_id.0.as_u128())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&list), [2, 1]);

        apply(
            &mut list,
            vec![
                presence(2, VisitorStatus::Offline, 6),
                presence(4, VisitorStatus::Active, 7),
                presence(1, VisitorStatus::Active, 8),
            ],
        );
        assert_eq!(ids(&list), [1, 4]);
    }
}
