//! Visitor presence: which visitors of a site are on it now, active or idle, and on which
//! page, live for the site's agents. Ephemeral, so Redis is its only home.
//!
//! A visitor is online while any of its sockets heartbeats (as agents are, see
//! [`crate::presence`]); every tab reports its page and whether it is active. The most
//! recently reported page wins; the visitor is active while any live tab is active. When the
//! last socket closes the visitor lingers, idle, for [`LINGER`]: on a site without a
//! single-page app every navigation closes the socket and opens another on the next page,
//! and agents should see a page change, not the visitor leaving and coming back. A
//! visitor whose sockets all went stale (its node died) goes offline the same way, found
//! by [`sweep`].
//!
//! # Layout
//! - this file: the pure rules: a presence from what Redis holds, and which changes are
//!   news for the agents.
//! - `store`: the Redis keys and commands ([`VisitorTracker`]).
//! - `sweep`: finding visitors who went offline.
//! - `outbox`: publishing the news to the agents in batches.
//! - `routes`: `GET /api/v1/site/visitors/online`.

pub mod history;
pub mod outbox;
pub mod routes;
mod store;
pub mod sweep;

use std::collections::HashMap;
use std::time::Duration;

use livedesk_protocol::ids::VisitorId;
use livedesk_protocol::visitors::{CurrentPage, VisitorPresence, VisitorStatus};
use time::OffsetDateTime;

pub use store::VisitorTracker;

/// How long a visitor whose last socket closed still counts as online (idle).
pub const LINGER: Duration = Duration::from_secs(5);

/// Hash field prefix of one socket's activity; the rest of the field is the socket id.
const ACTIVITY_FIELD: &str = "a:";
const PAGE_FIELD: &str = "page";
const SEEN_FIELD: &str = "seen";
const IDLE: &str = "idle";

/// What Redis holds about one visitor, read in one round trip.
#[derive(Debug, Default)]
struct Stored {
    /// When the visitor stops counting as online (unix ms); `None` when not online.
    deadline_ms: Option<f64>,
    /// Sockets that heartbeated within [`crate::presence::ONLINE_TTL`].
    live_sockets: Vec<String>,
    /// Activity per socket (`a:<socket>`), the current page as JSON, last seen (unix ms).
    fields: HashMap<String, String>,
}

/// The presence the agents see, from what is stored, at `now_ms`.
fn presence_of(visitor: VisitorId, stored: &Stored, now_ms: f64) -> VisitorPresence {
    let online = stored.deadline_ms.is_some_and(|deadline| deadline > now_ms);
    let any_active = stored.live_sockets.iter().any(|socket| {
        stored
            .fields
            .get(&format!("{ACTIVITY_FIELD}{socket}"))
            .is_none_or(|activity| activity != IDLE)
    });
    let status = match (online, any_active) {
        (false, _) => VisitorStatus::Offline,
        (true, true) => VisitorStatus::Active,
        (true, false) => VisitorStatus::Idle,
    };
    let page = stored
        .fields
        .get(PAGE_FIELD)
        .and_then(|raw| serde_json::from_str::<CurrentPage>(raw).ok());
    let last_seen = stored
        .fields
        .get(SEEN_FIELD)
        .and_then(|ms| ms.parse::<f64>().ok())
        .unwrap_or(now_ms);
    VisitorPresence {
        visitor_id: visitor,
        status,
        page,
        last_seen: from_millis(last_seen),
    }
}

/// Whether agents should hear about the change from `before` to `after`: the visitor came
/// or went, became active or idle, or moved to another page. A heartbeat that only moves
/// `last_seen` is not news.
fn is_news(before: &VisitorPresence, after: &VisitorPresence) -> bool {
    before.status != after.status || before.page != after.page
}

/// The page a tab reports, given the current one: `since` moves only when the address
/// changes (a title that changes on the same address, or a reload, keeps the time on page).
fn next_page(
    current: Option<&CurrentPage>,
    url: &str,
    title: &str,
    now: OffsetDateTime,
) -> CurrentPage {
    let since = match current {
        Some(current) if current.url == url => current.since,
        _ => now,
    };
    CurrentPage {
        url: url.to_owned(),
        title: title.to_owned(),
        since,
    }
}

fn from_millis(ms: f64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn now_millis() -> f64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: f64 = 1_800_000_000_000.0;

    fn stored(deadline: Option<f64>, live: &[&str], fields: &[(&str, &str)]) -> Stored {
        Stored {
            deadline_ms: deadline,
            live_sockets: live.iter().map(|s| (*s).to_owned()).collect(),
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn status_comes_from_the_live_tabs() {
        let later = Some(NOW + 1000.0);
        let cases = [
            ("never seen", stored(None, &[], &[]), VisitorStatus::Offline),
            (
                "deadline passed",
                stored(Some(NOW - 1.0), &["t1"], &[]),
                VisitorStatus::Offline,
            ),
            (
                "a new tab",
                stored(later, &["t1"], &[]),
                VisitorStatus::Active,
            ),
            (
                "one idle tab",
                stored(later, &["t1"], &[("a:t1", "idle")]),
                VisitorStatus::Idle,
            ),
            (
                "one active tab of two",
                stored(
                    later,
                    &["t1", "t2"],
                    &[("a:t1", "idle"), ("a:t2", "active")],
                ),
                VisitorStatus::Active,
            ),
            (
                "an idle field of a tab that is gone",
                stored(later, &["t2"], &[("a:t1", "idle")]),
                VisitorStatus::Active,
            ),
            (
                "between two pages",
                stored(later, &[], &[("a:t1", "active")]),
                VisitorStatus::Idle,
            ),
        ];
        for (case, stored, expected) in cases {
            let presence = presence_of(VisitorId::new_random(), &stored, NOW);
            assert_eq!(presence.status, expected, "{case}");
        }
    }

    #[test]
    fn page_and_last_seen_are_read_back() {
        let page = CurrentPage {
            url: "https://shop.example.com/shoes".into(),
            title: "Shoes".into(),
            since: datetime!(2027-01-15 08:00:00 UTC),
        };
        let json = serde_json::to_string(&page).expect("a page serialises");
        let seen = "1800000000000";
        let presence = presence_of(
            VisitorId::new_random(),
            &stored(Some(NOW + 1.0), &["t1"], &[("page", &json), ("seen", seen)]),
            NOW,
        );
        assert_eq!(presence.page, Some(page));
        assert_eq!(presence.last_seen, from_millis(NOW));
    }

    #[test]
    fn only_visible_changes_are_news() {
        let base = VisitorPresence {
            visitor_id: VisitorId::new_random(),
            status: VisitorStatus::Active,
            page: None,
            last_seen: datetime!(2027-01-15 08:00:00 UTC),
        };
        let page = CurrentPage {
            url: "https://shop.example.com/".into(),
            title: "Home".into(),
            since: datetime!(2027-01-15 08:00:00 UTC),
        };
        let seen_later = VisitorPresence {
            last_seen: datetime!(2027-01-15 08:00:15 UTC),
            ..base.clone()
        };
        let idle = VisitorPresence {
            status: VisitorStatus::Idle,
            ..base.clone()
        };
        let on_a_page = VisitorPresence {
            page: Some(page.clone()),
            ..base.clone()
        };
        let retitled = VisitorPresence {
            page: Some(CurrentPage {
                title: "Home — sale".into(),
                ..page
            }),
            ..base.clone()
        };
        assert!(!is_news(&base, &seen_later), "a heartbeat");
        assert!(is_news(&base, &idle), "active to idle");
        assert!(is_news(&base, &on_a_page), "first page");
        assert!(is_news(&on_a_page, &retitled), "a new title");
    }

    #[test]
    fn time_on_page_restarts_only_on_another_address() {
        let start = datetime!(2027-01-15 08:00:00 UTC);
        let now = datetime!(2027-01-15 08:05:00 UTC);
        let home = next_page(None, "https://shop.example.com/", "Home", start);
        assert_eq!(home.since, start, "first page");
        let reloaded = next_page(Some(&home), "https://shop.example.com/", "Home (2)", now);
        assert_eq!(
            (reloaded.since, reloaded.title.as_str()),
            (start, "Home (2)")
        );
        let shoes = next_page(Some(&home), "https://shop.example.com/shoes", "Shoes", now);
        assert_eq!(shoes.since, now);
    }
}
