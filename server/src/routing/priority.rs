//! The priority of a visitor waiting in the queue, and the sorted-set score that orders it.
//!
//! The seed's rule is [`PriorityFactors::at`] (base 1; VIP +4; returning customer +2;
//! urgent department, the seed's example being Sales, +1; +1 for every full 2 minutes
//! waited; never above 10), shared with the dashboard. Higher priority is served first,
//! and among equal priorities the visitor who arrived first.

use livedesk_protocol::ids::ConversationId;
use livedesk_protocol::routing::PriorityFactors;
use time::OffsetDateTime;

/// How urgently a waiting visitor should be served, `1..=10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Priority(u8);

impl Priority {
    /// Every visitor starts here.
    pub const BASE: Priority = Priority(PriorityFactors::BASE);
    /// The cap: past it, waiting longer no longer moves a visitor up.
    pub const MAX: Priority = Priority(PriorityFactors::MAX);

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A conversation waiting for an agent, with what its priority depends on.
///
/// The factors are copied when the visitor joins the queue: the caller knows the visitor
/// (VIP, returning) and the department they picked. A department is a per-site row whose name is
/// free text ("Satış", "Sales", "Ventas"), so "is this Sales?" is not a name match: the
/// department row carries an admin-set *urgent* flag instead, and the seed's "+1 for Sales"
/// becomes "+1 for an urgent department", with Sales as the usual one to mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    pub conversation: ConversationId,
    pub factors: PriorityFactors,
    pub enqueued_at: OffsetDateTime,
}

/// The priority of `entry` at `now`. It ages: the same entry is worth more later.
pub fn priority(entry: &QueueEntry, now: OffsetDateTime) -> Priority {
    Priority(entry.factors.at(entry.enqueued_at, now))
}

/// Arrival times occupy the low band of a score, in milliseconds since the Unix epoch.
/// `10^13` ms is the year 2286; later times are clamped into the band.
const ARRIVAL_BAND_MS: u64 = 10_000_000_000_000;

/// The score of `entry` in the site's queue sorted set at `now`: **lowest is served first**
/// (`ZRANGE` order, and what the claim script pops).
///
/// `score = (10 − priority) × 10^13 + enqueued_at in Unix milliseconds`. Priority decides
/// first because a step of priority (10^13) outweighs any arrival time in the band; within
/// one priority, the earlier arrival has the smaller score. The largest score is below
/// `10^14 < 2^53`, so every score is an integer an `f64` holds exactly: no two different
/// (priority, millisecond) pairs collide and the order is exact. Two entries with the same
/// priority and millisecond tie, and Redis then orders them by member (conversation id).
///
/// Because priority ages, a score is only right at `now`: whoever owns the queue re-scores
/// waiting entries periodically (at least every 2 minutes) with this function.
pub fn score(entry: &QueueEntry, now: OffsetDateTime) -> f64 {
    let rank = u64::from(Priority::MAX.0 - priority(entry, now).0);
    let arrival_ms = (entry.enqueued_at.unix_timestamp_nanos() / 1_000_000)
        .clamp(0, i128::from(ARRIVAL_BAND_MS - 1)) as u64;
    (rank * ARRIVAL_BAND_MS + arrival_ms) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::testing::Lcg;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-09 10:00 UTC);

    fn entry(vip: bool, returning: bool, urgent: bool, waited: Duration) -> QueueEntry {
        QueueEntry {
            conversation: ConversationId::new_random(),
            factors: PriorityFactors {
                vip,
                returning,
                urgent_department: urgent,
            },
            enqueued_at: NOW - waited,
        }
    }

    #[test]
    fn priority_follows_the_seed_formula() {
        let cases = [
            // (vip, returning, urgent dept, waited, expected, why)
            (false, false, false, Duration::ZERO, 1, "base"),
            (
                true,
                false,
                false,
                Duration::ZERO,
                5,
                "VIP +4 (seed: VIP = 5)",
            ),
            (false, true, false, Duration::ZERO, 3, "returning +2"),
            (
                false,
                false,
                true,
                Duration::ZERO,
                2,
                "urgent department +1",
            ),
            (true, true, true, Duration::ZERO, 8, "all bonuses"),
            (
                false,
                false,
                false,
                Duration::seconds(119),
                1,
                "not yet 2 minutes",
            ),
            (
                false,
                false,
                false,
                Duration::seconds(120),
                2,
                "one full 2 minutes",
            ),
            (
                false,
                false,
                false,
                Duration::seconds(239),
                2,
                "only full periods",
            ),
            (false, false, false, Duration::minutes(4), 3, "two periods"),
            (
                true,
                false,
                false,
                Duration::minutes(6),
                8,
                "VIP after 6 min: 1+4+3",
            ),
            (
                false,
                true,
                true,
                Duration::minutes(20),
                10,
                "1+2+1+10 capped",
            ),
            (true, true, true, Duration::minutes(2), 9, "1+4+2+1+1"),
            (
                true,
                true,
                true,
                Duration::minutes(4),
                10,
                "exactly the cap",
            ),
            (
                false,
                false,
                false,
                Duration::minutes(18),
                10,
                "aging alone reaches the cap",
            ),
            (
                false,
                false,
                false,
                Duration::days(3650),
                10,
                "years of waiting",
            ),
            (
                true,
                false,
                false,
                Duration::seconds(-90),
                5,
                "clock skew counts as no wait",
            ),
        ];
        for (vip, returning, urgent, waited, expected, why) in cases {
            let entry = entry(vip, returning, urgent, waited);

            let got = priority(&entry, NOW);

            assert_eq!(got.get(), expected, "{why}");
        }
    }

    #[test]
    fn priority_ages_while_the_visitor_waits() {
        let waiting = entry(false, false, false, Duration::ZERO);

        let later = [0, 2, 4, 6].map(|m| priority(&waiting, NOW + Duration::minutes(m)).get());

        assert_eq!(later, [1, 2, 3, 4]);
    }

    #[test]
    fn higher_priority_scores_lower_even_when_it_arrived_later() {
        let early_plain = entry(false, false, false, Duration::seconds(100));
        let late_vip = entry(true, false, false, Duration::ZERO);

        assert!(score(&late_vip, NOW) < score(&early_plain, NOW));
    }

    #[test]
    fn same_priority_earlier_arrival_scores_lower() {
        let first = entry(false, true, false, Duration::seconds(30));
        let second = entry(false, true, false, Duration::seconds(29));

        assert!(score(&first, NOW) < score(&second, NOW));
    }

    #[test]
    fn a_score_changes_when_the_entry_ages_into_a_higher_priority() {
        let waiting = entry(false, false, false, Duration::ZERO);

        let at_join = score(&waiting, NOW);
        let two_minutes_on = score(&waiting, NOW + Duration::minutes(2));

        assert!(two_minutes_on < at_join);
        assert_eq!(at_join - two_minutes_on, ARRIVAL_BAND_MS as f64);
    }

    #[test]
    fn every_score_is_an_exact_integer_float() {
        let extremes = [
            datetime!(1960-01-01 0:00 UTC),
            datetime!(1970-01-01 0:00 UTC),
            datetime!(2026-01-09 10:00:00.123 UTC),
            datetime!(2286-11-20 17:46:39.999 UTC),
            datetime!(2400-01-01 0:00 UTC),
        ];
        for at in extremes {
            let e = QueueEntry {
                enqueued_at: at,
                ..entry(false, false, false, Duration::ZERO)
            };

            let s = score(&e, at);

            assert!((0.0..1e14).contains(&s), "{at}: {s}");
            assert_eq!(s, s.trunc());
            assert_eq!((s as u64) as f64, s);
        }
    }

    #[test]
    fn sorting_by_score_equals_sorting_by_priority_then_arrival() {
        let mut rng = Lcg(7);
        for round in 0..200 {
            let now = NOW + Duration::milliseconds(rng.below(10_000_000) as i64);
            let mut entries: Vec<QueueEntry> = (0..25)
                .map(|_| {
                    let waited = Duration::milliseconds(rng.below(1_500_000) as i64);
                    entry(rng.one_in(5), rng.one_in(3), rng.one_in(4), waited)
                })
                .collect();
            let mut by_rule = entries.clone();

            entries.sort_by(|a, b| score(a, now).total_cmp(&score(b, now)));
            by_rule.sort_by(|a, b| {
                priority(b, now)
                    .cmp(&priority(a, now))
                    .then(a.enqueued_at.cmp(&b.enqueued_at))
            });

            let key = |e: &QueueEntry| (priority(e, now), e.enqueued_at);
            let got: Vec<_> = entries.iter().map(key).collect();
            let expected: Vec<_> = by_rule.iter().map(key).collect();
            assert_eq!(got, expected, "round {round}");
        }
    }
}
