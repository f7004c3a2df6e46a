//! Is the desk open right now, and if not, why and until when — what the widget shows
//! ("Açılış: Pazartesi 09:00") and what decides between live chat, queue and ticket form.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

pub use livedesk_protocol::status::{ClosedReason, WidgetState};
use time::OffsetDateTime;

use super::clock::Weekday;
use super::schedule::BusinessHours;
use super::timeline::{SEARCH_DAYS, Segment, timestamp};

/// Whether the site takes live chats at an instant. Times are in the site's local offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Openness {
    Open {
        /// When the current stretch of open time ends (breaks and midnight included: a
        /// desk open 00:00–24:00 every day has no closing time). `None` if it stays open
        /// for the whole search horizon of a year.
        #[serde(with = "time::serde::rfc3339::option")]
        closes_at: Option<OffsetDateTime>,
    },
    Closed {
        reason: ClosedReason,
        /// The next opening, skipping breaks, closed days and holidays; `None` if the
        /// schedule does not open within a year, or an emergency has no end.
        #[serde(with = "time::serde::rfc3339::option")]
        next_open: Option<OffsetDateTime>,
    },
}

impl Openness {
    pub fn is_open(&self) -> bool {
        matches!(self, Openness::Open { .. })
    }
}

impl BusinessHours {
    /// Whether the site is open at `now`.
    ///
    /// An emergency override closes the site whatever the schedule until its `until`
    /// (excluded); then `next_open` is the first open time at or after `until`.
    pub fn status_at(&self, now: OffsetDateTime) -> Openness {
        let at = timestamp(now);
        if let Some(emergency) = self.emergency().filter(|e| e.active_at(now)) {
            let next_open = emergency
                .until
                .and_then(|until| self.first_open_at_or_after(timestamp(until)));
            return Openness::Closed {
                reason: ClosedReason::Emergency {
                    message: emergency.message.clone(),
                },
                next_open: next_open.map(|t| self.local_time(t)),
            };
        }
        let mut segments = self.segments_from(at);
        match segments.next() {
            Some(current) if current.start <= at => Openness::Open {
                closes_at: closing(current, segments, at).map(|t| self.local_time(t)),
            },
            next => Openness::Closed {
                reason: self.closed_reason(at),
                next_open: next.map(|segment| self.local_time(segment.start)),
            },
        }
    }

    /// `at` itself if the schedule is open then, else the next opening.
    pub(super) fn first_open_at_or_after(&self, at: Timestamp) -> Option<Timestamp> {
        self.segments_from(at)
            .next()
            .map(|segment| segment.start.max(at))
    }

    fn closed_reason(&self, at: Timestamp) -> ClosedReason {
        let local = self.local_date_time(at);
        if let Some(holiday) = self.holidays.get(&local.date()) {
            return ClosedReason::Holiday {
                name: holiday.name.clone(),
                message: holiday.message.clone(),
            };
        }
        let minute = local.hour() as u16 * 60 + local.minute() as u16;
        let day = Weekday::of(local.weekday());
        let in_weekly_hours = self
            .config()
            .weekly
            .day(day)
            .iter()
            .any(|i| i.start.minutes() <= minute && minute < i.end.minutes());
        if in_weekly_hours {
            ClosedReason::Break
        } else {
            ClosedReason::OutsideHours
        }
    }
}

/// The end of the open stretch that contains `at`: segments that touch (23:59:59 →
/// 00:00 on a 24-hour desk) are one stretch.
fn closing(
    current: Segment,
    rest: impl Iterator<Item = Segment>,
    at: Timestamp,
) -> Option<Timestamp> {
    let horizon = at
        .checked_add(SignedDuration::from_hours(24 * i64::from(SEARCH_DAYS)))
        .ok();
    let mut end = current.end;
    for next in rest {
        if next.start > end {
            break;
        }
        end = next.end;
        if horizon.is_none_or(|horizon| end > horizon) {
            return None;
        }
    }
    Some(end)
}

/// Combines openness with agent availability.
///
/// `agents_available` counts agents with a free chat slot; visitors already waiting
/// (`queue_len`) get those slots first, so a newcomer is only served at once when free
/// slots outnumber them ("queue emptied → BUSY → ONLINE"). A lunch break is `Busy`, not
/// `Offline`: the seed keeps the queue running until 13:00 instead of sending visitors
/// away to a ticket form.
pub fn widget_state(openness: &Openness, agents_available: usize, queue_len: usize) -> WidgetState {
    match openness {
        Openness::Open { .. } if agents_available > queue_len => WidgetState::Online,
        Openness::Open { .. }
        | Openness::Closed {
            reason: ClosedReason::Break,
            ..
        } => WidgetState::Busy,
        Openness::Closed { .. } => WidgetState::Offline,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::schedule::tests::{holiday, istanbul_office, lunch, span};
    use super::super::schedule::{BusinessHoursConfig, EmergencyOverride, WeeklyHours};
    use super::*;

    fn hours(config: BusinessHoursConfig) -> BusinessHours {
        BusinessHours::parse(config).expect("valid schedule")
    }

    fn closed(reason: ClosedReason, next_open: Option<OffsetDateTime>) -> Openness {
        Openness::Closed { reason, next_open }
    }

    #[test]
    fn status_follows_hours_breaks_weekends_and_holidays() {
        let mut config = istanbul_office();
        config.breaks = vec![lunch()];
        config.holidays = vec![holiday("2026-10-29", "Cumhuriyet Bayramı")];
        let hours = hours(config);
        let republic_day = ClosedReason::Holiday {
            name: "Cumhuriyet Bayramı".into(),
            message: None,
        };
        let cases = [
            (
                "morning",
                datetime!(2026-01-07 10:15 +03:00),
                Openness::Open {
                    closes_at: Some(datetime!(2026-01-07 12:00 +03:00)),
                },
            ),
            (
                "afternoon",
                datetime!(2026-01-07 13:00 +03:00),
                Openness::Open {
                    closes_at: Some(datetime!(2026-01-07 18:00 +03:00)),
                },
            ),
            (
                "lunch",
                datetime!(2026-01-07 12:30 +03:00),
                closed(
                    ClosedReason::Break,
                    Some(datetime!(2026-01-07 13:00 +03:00)),
                ),
            ),
            (
                "after closing",
                datetime!(2026-01-07 18:00 +03:00),
                closed(
                    ClosedReason::OutsideHours,
                    Some(datetime!(2026-01-08 09:00 +03:00)),
                ),
            ),
            (
                "before opening",
                datetime!(2026-01-08 06:00 +03:00),
                closed(
                    ClosedReason::OutsideHours,
                    Some(datetime!(2026-01-08 09:00 +03:00)),
                ),
            ),
            (
                "Friday evening",
                datetime!(2026-01-09 22:30 +03:00),
                closed(
                    ClosedReason::OutsideHours,
                    Some(datetime!(2026-01-12 09:00 +03:00)),
                ),
            ),
            (
                "Sunday 22:30, asked in UTC",
                datetime!(2026-01-11 19:30 UTC),
                closed(
                    ClosedReason::OutsideHours,
                    Some(datetime!(2026-01-12 09:00 +03:00)),
                ),
            ),
            (
                "holiday (Thursday)",
                datetime!(2026-10-29 11:00 +03:00),
                closed(
                    republic_day.clone(),
                    Some(datetime!(2026-10-30 09:00 +03:00)),
                ),
            ),
            (
                "holiday evening",
                datetime!(2026-10-29 23:00 +03:00),
                closed(republic_day, Some(datetime!(2026-10-30 09:00 +03:00))),
            ),
            (
                "evening before the holiday",
                datetime!(2026-10-28 19:00 +03:00),
                closed(
                    ClosedReason::OutsideHours,
                    Some(datetime!(2026-10-30 09:00 +03:00)),
                ),
            ),
        ];
        for (name, now, expected) in cases {
            assert_eq!(hours.status_at(now), expected, "{name}");
        }
    }

    #[test]
    fn a_holiday_carries_its_message_to_the_widget() {
        let mut config = istanbul_office();
        let mut republic_day = holiday("2026-10-29", "Cumhuriyet Bayramı");
        republic_day.message = Some("30 Ekim Cuma 09:00'da hizmetinizdeyiz!".into());
        config.holidays = vec![republic_day];

        let status = hours(config).status_at(datetime!(2026-10-29 10:00 +03:00));

        let expected = ClosedReason::Holiday {
            name: "Cumhuriyet Bayramı".into(),
            message: Some("30 Ekim Cuma 09:00'da hizmetinizdeyiz!".into()),
        };
        assert_eq!(
            status,
            closed(expected, Some(datetime!(2026-10-30 09:00 +03:00)))
        );
    }

    #[test]
    fn an_emergency_closes_the_desk_until_it_lifts() {
        let maintenance = |until| EmergencyOverride {
            message: "🚨 Teknik bakım".into(),
            until,
        };
        let reason = ClosedReason::Emergency {
            message: "🚨 Teknik bakım".into(),
        };
        let wednesday_10 = datetime!(2026-01-07 10:00 +03:00);
        let cases = [
            ("no end", None, closed(reason.clone(), None)),
            (
                "ends in open hours",
                Some(datetime!(2026-01-07 11:00 +03:00)),
                closed(reason.clone(), Some(datetime!(2026-01-07 11:00 +03:00))),
            ),
            (
                "ends at night",
                Some(datetime!(2026-01-07 23:00 +03:00)),
                closed(reason, Some(datetime!(2026-01-08 09:00 +03:00))),
            ),
            (
                "already over",
                Some(datetime!(2026-01-07 10:00 +03:00)),
                Openness::Open {
                    closes_at: Some(datetime!(2026-01-07 18:00 +03:00)),
                },
            ),
        ];
        for (name, until, expected) in cases {
            let mut config = istanbul_office();
            config.emergency = Some(maintenance(until));
            assert_eq!(hours(config).status_at(wednesday_10), expected, "{name}");
        }
    }

    #[test]
    fn the_same_instant_is_open_in_one_zone_and_closed_in_another() {
        let now = datetime!(2026-01-07 16:00 UTC);
        let mut new_york = istanbul_office();
        new_york.time_zone = "America/New_York".into();

        let in_istanbul = hours(istanbul_office()).status_at(now);
        let in_new_york = hours(new_york).status_at(now);

        assert_eq!(
            in_istanbul,
            closed(
                ClosedReason::OutsideHours,
                Some(datetime!(2026-01-08 09:00 +03:00))
            )
        );
        assert_eq!(
            in_new_york,
            Openness::Open {
                closes_at: Some(datetime!(2026-01-07 18:00 -05:00))
            }
        );
    }

    #[test]
    fn a_round_the_clock_desk_closes_only_when_the_week_has_a_gap() {
        let always = WeeklyHours::on(&Weekday::ALL, &[span("00:00", "24:00")]);
        let weekdays_round_the_clock =
            WeeklyHours::on(&Weekday::WORKDAYS, &[span("00:00", "24:00")]);
        let cases = [
            (always, None),
            (
                weekdays_round_the_clock,
                Some(datetime!(2026-01-10 00:00 +03:00)),
            ),
        ];
        for (weekly, closes_at) in cases {
            let config = BusinessHoursConfig {
                weekly,
                ..istanbul_office()
            };
            let status = hours(config).status_at(datetime!(2026-01-07 23:30 +03:00));
            assert_eq!(status, Openness::Open { closes_at });
        }
    }

    #[test]
    fn a_desk_that_never_opens_has_no_next_opening() {
        let config = BusinessHoursConfig {
            weekly: WeeklyHours::default(),
            ..istanbul_office()
        };

        let status = hours(config).status_at(datetime!(2026-01-07 10:00 +03:00));

        assert_eq!(status, closed(ClosedReason::OutsideHours, None));
    }

    #[test]
    fn the_widget_state_follows_the_seed_scenarios() {
        let open = Openness::Open { closes_at: None };
        let lunch = closed(ClosedReason::Break, None);
        let night = closed(ClosedReason::OutsideHours, None);
        let cases = [
            (&open, 2, 0, WidgetState::Online),
            (&open, 0, 0, WidgetState::Busy),
            (&open, 0, 3, WidgetState::Busy),
            (&open, 2, 3, WidgetState::Busy),
            (&open, 4, 3, WidgetState::Online),
            (&lunch, 0, 1, WidgetState::Busy),
            (&night, 5, 0, WidgetState::Offline),
        ];
        for (openness, agents, queue, expected) in cases {
            assert_eq!(
                widget_state(openness, agents, queue),
                expected,
                "{openness:?} agents {agents} queue {queue}"
            );
        }
    }
}
