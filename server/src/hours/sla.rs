//! The SLA clock: due dates that count only business time ("Friday 17:55 + 1 business
//! hour → Monday 09:55"), and business time elapsed between two instants for reports.
//!
//! The clock runs on the schedule alone and ignores the emergency override. A due date is
//! computed once, when the ticket is opened, and must not move when an admin flips the
//! override on and off; an outage is our problem, not a reason to give ourselves more
//! time on the customer's ticket. Breaks, nights, closed days and holidays do stop it.

use std::time::Duration;

use jiff::SignedDuration;
use time::OffsetDateTime;

use super::schedule::BusinessHours;
use super::timeline::{signed, timestamp};

impl BusinessHours {
    /// `start` plus `duration` of open time, in the site's local offset.
    ///
    /// Outside hours the clock starts at the next opening, so a zero duration gives the
    /// next opening (or `start` itself if open). Landing exactly on a closing time
    /// returns that closing time (Friday 17:00 + 1 h is Friday 18:00, not Monday 09:00).
    /// `None` if the schedule stops opening (a year without open time) before the time
    /// is used up.
    pub fn add_business_time(
        &self,
        start: OffsetDateTime,
        duration: Duration,
    ) -> Option<OffsetDateTime> {
        let start = timestamp(start);
        let mut remaining = signed(duration)?;
        for segment in self.segments_from(start) {
            let from = segment.start.max(start);
            let available = segment.end.duration_since(from);
            if remaining <= available {
                return from.checked_add(remaining).ok().map(|t| self.local_time(t));
            }
            remaining -= available;
        }
        None
    }

    /// Open time between `from` and `to`; zero if `to` is not after `from`.
    ///
    /// The inverse of [`add_business_time`](Self::add_business_time): adding the result
    /// to `from` gives back `to` whenever `to` is within open time or at a closing time.
    /// A `to` exactly at an opening that follows some open time (13:00 after lunch) comes
    /// back as the closing before it (12:00): the same point on the business clock.
    pub fn business_time_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> Duration {
        let (from, to) = (timestamp(from), timestamp(to));
        let mut total = SignedDuration::ZERO;
        for segment in self.segments_from(from).take_while(|s| s.start < to) {
            let overlap = segment.end.min(to).duration_since(segment.start.max(from));
            total = total.saturating_add(overlap);
        }
        // Non-negative: every overlap is, and `to <= from` yields no segment.
        Duration::try_from(total).unwrap_or(Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::clock::Weekday;
    use super::super::schedule::tests::{holiday, istanbul_office, lunch, span};
    use super::super::schedule::{BusinessHoursConfig, EmergencyOverride, WeeklyHours};
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);
    const HOUR: Duration = Duration::from_secs(3600);

    fn hours(config: BusinessHoursConfig) -> BusinessHours {
        BusinessHours::parse(config).expect("valid schedule")
    }

    fn berlin(weekly: WeeklyHours) -> BusinessHours {
        hours(BusinessHoursConfig {
            time_zone: "Europe/Berlin".into(),
            weekly,
            ..istanbul_office()
        })
    }

    #[test]
    fn due_dates_skip_nights_weekends_breaks_and_holidays() {
        let office = hours(istanbul_office());
        let mut with_lunch = istanbul_office();
        with_lunch.breaks = vec![lunch()];
        let with_lunch = hours(with_lunch);
        let mut with_holiday = istanbul_office();
        with_holiday.holidays = vec![holiday("2026-01-12", "Bakım günü")];
        let with_holiday = hours(with_holiday);
        let cases = [
            (
                "seed: Friday 17:55 + 1 h",
                &office,
                datetime!(2026-01-09 17:55 +03:00),
                HOUR,
                datetime!(2026-01-12 09:55 +03:00),
            ),
            (
                "seed: Friday 17:30 + 1 h",
                &office,
                datetime!(2026-01-09 17:30 +03:00),
                HOUR,
                datetime!(2026-01-12 09:30 +03:00),
            ),
            (
                "ends at closing",
                &office,
                datetime!(2026-01-09 17:00 +03:00),
                HOUR,
                datetime!(2026-01-09 18:00 +03:00),
            ),
            (
                "starts at night",
                &office,
                datetime!(2026-01-07 22:00 +03:00),
                30 * MINUTE,
                datetime!(2026-01-08 09:30 +03:00),
            ),
            (
                "starts on Sunday",
                &office,
                datetime!(2026-01-11 12:00 +03:00),
                HOUR,
                datetime!(2026-01-12 10:00 +03:00),
            ),
            (
                "starts in UTC",
                &office,
                datetime!(2026-01-09 14:55 UTC),
                HOUR,
                datetime!(2026-01-12 09:55 +03:00),
            ),
            (
                "zero outside hours",
                &office,
                datetime!(2026-01-10 10:00 +03:00),
                Duration::ZERO,
                datetime!(2026-01-12 09:00 +03:00),
            ),
            (
                "zero inside hours",
                &office,
                datetime!(2026-01-07 10:00 +03:00),
                Duration::ZERO,
                datetime!(2026-01-07 10:00 +03:00),
            ),
            (
                "seed: normal 8 h SLA from the weekend",
                &office,
                datetime!(2026-01-10 15:00 +03:00),
                8 * HOUR,
                datetime!(2026-01-12 17:00 +03:00),
            ),
            (
                "24 h spans three days",
                &office,
                datetime!(2026-01-07 09:00 +03:00),
                24 * HOUR,
                datetime!(2026-01-09 15:00 +03:00),
            ),
            (
                "lunch: 11:30 + 1 h",
                &with_lunch,
                datetime!(2026-01-07 11:30 +03:00),
                HOUR,
                datetime!(2026-01-07 13:30 +03:00),
            ),
            (
                "starts in lunch",
                &with_lunch,
                datetime!(2026-01-07 12:15 +03:00),
                HOUR,
                datetime!(2026-01-07 14:00 +03:00),
            ),
            (
                "ends at lunch",
                &with_lunch,
                datetime!(2026-01-07 11:30 +03:00),
                30 * MINUTE,
                datetime!(2026-01-07 12:00 +03:00),
            ),
            (
                "holiday Monday → Tuesday",
                &with_holiday,
                datetime!(2026-01-09 17:55 +03:00),
                HOUR,
                datetime!(2026-01-13 09:55 +03:00),
            ),
        ];
        for (name, hours, start, duration, due) in cases {
            let result = hours.add_business_time(start, duration);
            assert_eq!(result, Some(due), "{name}");
            assert_eq!(
                result.map(|t| t.offset()),
                Some(due.offset()),
                "{name}: local offset"
            );
        }
    }

    #[test]
    fn due_dates_across_daylight_saving_keep_local_office_hours() {
        let office = berlin(WeeklyHours::on(
            &Weekday::WORKDAYS,
            &[span("09:00", "17:00")],
        ));
        let cases = [
            // Spring forward on Sunday 29 March: CET (+01) on Friday, CEST (+02) on Monday.
            (
                datetime!(2026-03-27 16:00 +01:00),
                datetime!(2026-03-30 10:00 +02:00),
            ),
            // Fall back on Sunday 25 October: CEST on Friday, CET on Monday.
            (
                datetime!(2026-10-23 16:00 +02:00),
                datetime!(2026-10-26 10:00 +01:00),
            ),
        ];
        for (friday, monday) in cases {
            let due = office
                .add_business_time(friday, 2 * HOUR)
                .expect("opens again");
            assert_eq!(due, monday);
            assert_eq!(due.offset(), monday.offset());
            assert_ne!(due.offset(), friday.offset());
            assert_eq!(office.business_time_between(friday, due), 2 * HOUR);
        }
    }

    #[test]
    fn a_shift_across_the_clock_change_counts_real_elapsed_time() {
        let night_shift = berlin(WeeklyHours::on(&Weekday::ALL, &[span("00:00", "06:00")]));
        let round_the_clock = berlin(WeeklyHours::on(&Weekday::ALL, &[span("00:00", "24:00")]));
        let late_opening = berlin(WeeklyHours::on(&Weekday::ALL, &[span("02:30", "04:00")]));

        // 02:00–03:00 does not exist in spring: a 00:00–06:00 shift lasts 5 hours.
        let spring_night = (
            datetime!(2026-03-29 00:00 +01:00),
            datetime!(2026-03-29 06:00 +02:00),
        );
        assert_eq!(
            night_shift.business_time_between(spring_night.0, spring_night.1),
            5 * HOUR
        );
        // 02:00–03:00 happens twice in autumn: the shift lasts 7 hours.
        let autumn_night = (
            datetime!(2026-10-25 00:00 +02:00),
            datetime!(2026-10-25 06:00 +01:00),
        );
        assert_eq!(
            night_shift.business_time_between(autumn_night.0, autumn_night.1),
            7 * HOUR
        );
        assert_eq!(
            night_shift.add_business_time(autumn_night.0, 7 * HOUR),
            Some(autumn_night.1)
        );
        assert_eq!(
            night_shift.add_business_time(autumn_night.0, 3 * HOUR),
            Some(datetime!(2026-10-25 02:00 +01:00)),
            "three real hours after midnight is the second 02:00"
        );
        // A 24-hour desk: five real hours from Saturday 22:00.
        assert_eq!(
            round_the_clock.add_business_time(datetime!(2026-03-28 22:00 +01:00), 5 * HOUR),
            Some(datetime!(2026-03-29 04:00 +02:00))
        );
        assert_eq!(
            round_the_clock.add_business_time(datetime!(2026-10-24 22:00 +02:00), 5 * HOUR),
            Some(datetime!(2026-10-25 02:00 +01:00))
        );
        // Opening at a time that does not exist: the desk opens when clocks jump.
        assert_eq!(
            late_opening.add_business_time(datetime!(2026-03-29 01:00 +01:00), Duration::ZERO),
            Some(datetime!(2026-03-29 03:00 +02:00))
        );
        assert_eq!(
            late_opening.business_time_between(
                datetime!(2026-03-29 00:00 +01:00),
                datetime!(2026-03-29 12:00 +02:00)
            ),
            HOUR
        );
    }

    #[test]
    fn business_time_between_counts_only_open_time() {
        let mut config = istanbul_office();
        config.breaks = vec![lunch()];
        config.holidays = vec![holiday("2026-01-12", "Bakım günü")];
        let office = hours(config);
        let cases = [
            (
                "inside one morning",
                datetime!(2026-01-07 09:15 +03:00),
                datetime!(2026-01-07 11:45 +03:00),
                150 * MINUTE,
            ),
            (
                "across lunch",
                datetime!(2026-01-07 11:30 +03:00),
                datetime!(2026-01-07 13:30 +03:00),
                HOUR,
            ),
            (
                "a whole day",
                datetime!(2026-01-07 00:00 +03:00),
                datetime!(2026-01-08 00:00 +03:00),
                8 * HOUR,
            ),
            (
                "over a weekend and a holiday",
                datetime!(2026-01-09 17:00 +03:00),
                datetime!(2026-01-13 10:00 +03:00),
                2 * HOUR,
            ),
            (
                "both at night",
                datetime!(2026-01-07 19:00 +03:00),
                datetime!(2026-01-08 08:00 +03:00),
                Duration::ZERO,
            ),
            (
                "backwards",
                datetime!(2026-01-08 10:00 +03:00),
                datetime!(2026-01-07 10:00 +03:00),
                Duration::ZERO,
            ),
        ];
        for (name, from, to, expected) in cases {
            assert_eq!(office.business_time_between(from, to), expected, "{name}");
        }
    }

    #[test]
    fn adding_the_time_between_lands_on_the_end_when_it_is_open() {
        let mut config = istanbul_office();
        config.breaks = vec![lunch()];
        let office = hours(config);
        let starts = [
            datetime!(2026-01-07 08:00 +03:00),
            datetime!(2026-01-07 11:30 +03:00),
            datetime!(2026-01-07 12:30 +03:00),
            datetime!(2026-01-09 17:55 +03:00),
            datetime!(2026-01-10 12:00 +03:00),
        ];
        let ends = [
            datetime!(2026-01-07 12:00 +03:00),
            datetime!(2026-01-07 13:01 +03:00),
            datetime!(2026-01-07 17:59 +03:00),
            datetime!(2026-01-09 09:01 +03:00),
            datetime!(2026-01-09 18:00 +03:00),
            datetime!(2026-01-12 09:55 +03:00),
            datetime!(2026-01-14 15:20 +03:00),
        ];
        for from in starts {
            for to in ends.iter().copied().filter(|&to| to > from) {
                let between = office.business_time_between(from, to);
                assert_eq!(
                    office.add_business_time(from, between),
                    Some(to),
                    "{from} → {to}"
                );
            }
        }
        // An opening right after a closed stretch is reached with zero business time…
        let saturday = starts[4];
        let monday_opening = datetime!(2026-01-12 09:00 +03:00);
        let between = office.business_time_between(saturday, monday_opening);
        assert_eq!(
            office.add_business_time(saturday, between),
            Some(monday_opening)
        );
        // …but after some open time it is the same business instant as the closing
        // before it, and the due date is that closing.
        let (morning, after_lunch) = (starts[0], datetime!(2026-01-07 13:00 +03:00));
        let between = office.business_time_between(morning, after_lunch);
        assert_eq!(
            office.add_business_time(morning, between),
            Some(datetime!(2026-01-07 12:00 +03:00))
        );
    }

    #[test]
    fn the_sla_clock_ignores_the_emergency_override_and_stops_when_never_open() {
        let mut config = istanbul_office();
        config.emergency = Some(EmergencyOverride {
            message: "Bakım".into(),
            until: None,
        });
        let closed_for_good = BusinessHoursConfig {
            weekly: WeeklyHours::default(),
            ..istanbul_office()
        };

        let during_emergency =
            hours(config).add_business_time(datetime!(2026-01-07 10:00 +03:00), HOUR);
        let never =
            hours(closed_for_good).add_business_time(datetime!(2026-01-07 10:00 +03:00), HOUR);

        assert_eq!(during_emergency, Some(datetime!(2026-01-07 11:00 +03:00)));
        assert_eq!(never, None);
    }
}
