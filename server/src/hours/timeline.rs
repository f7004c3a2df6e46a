//! From a weekly schedule in local time to stretches of real time ("segments") during
//! which the site is open. Everything else in the module walks these segments.
//!
//! # Daylight saving time
//!
//! A local time `T` becomes the *first instant at which the wall clock shows `T` or
//! later*:
//! - a time that does not exist (spring forward, 02:30 in Berlin on the last Sunday of
//!   March) becomes the instant of the jump (03:00 CEST): a desk that opens at 02:30
//!   opens when clocks jump; a desk closing at 02:30 closes then too;
//! - a time that happens twice (fall back) becomes its first occurrence.
//!
//! A segment is then all real time between its two ends. So a 00:00–06:00 shift lasts
//! 5 hours on the spring-forward night and 7 hours on the fall-back night: the SLA clock
//! counts the time that really elapses, the missing hour is not worked and the repeated
//! hour is worked twice.

use std::collections::VecDeque;

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use time::{OffsetDateTime, UtcOffset};

use super::clock::{WallTime, Weekday};
use super::schedule::BusinessHours;

/// How many local days in a row may have no open time before we conclude the site never
/// opens (a year of holidays, or a schedule with no open day at all).
pub(super) const SEARCH_DAYS: u32 = 366;

/// Real time during which the site is open: `start` included, `end` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Segment {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl BusinessHours {
    /// Open segments that end after `from`, in order (the first may have started before
    /// `from`). Segments of consecutive days are not merged: one may end exactly where
    /// the next starts (a 24-hour desk). Ends after [`SEARCH_DAYS`] days without any.
    pub(super) fn segments_from(&self, from: Timestamp) -> impl Iterator<Item = Segment> + '_ {
        // Start a day early: on a fall-back night, a segment of the previous local date
        // can still be running at `from`.
        let date = self.zone.to_datetime(from).date().yesterday().ok();
        Segments {
            hours: self,
            date,
            pending: VecDeque::new(),
            closed_days: 0,
        }
        .filter(move |segment| segment.end > from)
    }

    /// The open segments of one local date, empty on a holiday.
    fn segments_on(&self, date: Date) -> Option<Vec<Segment>> {
        if self.holidays.contains_key(&date) {
            return Some(Vec::new());
        }
        let mut segments = Vec::new();
        for &(start, end) in &self.open[Weekday::of(date.weekday()).index()] {
            let start = first_instant_showing(&self.zone, local(date, start)?)?;
            let end = first_instant_showing(&self.zone, local(date, end)?)?;
            // Empty when the whole interval falls in a spring-forward gap.
            if start < end {
                segments.push(Segment { start, end });
            }
        }
        Some(segments)
    }
}

struct Segments<'a> {
    hours: &'a BusinessHours,
    /// The next local date to expand; `None` once past the calendar's end.
    date: Option<Date>,
    pending: VecDeque<Segment>,
    closed_days: u32,
}

impl Iterator for Segments<'_> {
    type Item = Segment;

    fn next(&mut self) -> Option<Segment> {
        loop {
            if let Some(segment) = self.pending.pop_front() {
                return Some(segment);
            }
            if self.closed_days > SEARCH_DAYS {
                return None;
            }
            let date = self.date?;
            let segments = self.hours.segments_on(date)?;
            self.closed_days = if segments.is_empty() {
                self.closed_days + 1
            } else {
                0
            };
            self.pending.extend(segments);
            self.date = date.tomorrow().ok();
        }
    }
}

/// `minutes` after midnight of `date`; 1440 is midnight of the next day.
fn local(date: Date, minutes: u16) -> Option<DateTime> {
    if minutes >= WallTime::END_OF_DAY.minutes() {
        return date.tomorrow().ok().map(|next| next.at(0, 0, 0, 0));
    }
    // Below 1440 minutes: the hour is under 24 and fits an `i8`.
    Some(date.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0))
}

/// The first instant at which the wall clock in `zone` shows `wall` or later; see the
/// module documentation for gaps and folds.
fn first_instant_showing(zone: &TimeZone, wall: DateTime) -> Option<Timestamp> {
    match zone.to_ambiguous_timestamp(wall).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(wall).ok(),
        // `before` is the earlier offset of the two, so the first occurrence.
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(wall).ok(),
        AmbiguousOffset::Gap { after, .. } => {
            // Read with the later offset, `wall` lands before the jump; the jump is the
            // next transition.
            let before_jump = after.to_timestamp(wall).ok()?;
            zone.following(before_jump)
                .next()
                .map(|transition| transition.timestamp())
        }
    }
}

/// An instant from the rest of the server, clamped to jiff's range (years ±9999).
pub(super) fn timestamp(at: OffsetDateTime) -> Timestamp {
    let nanos = at.unix_timestamp_nanos();
    Timestamp::from_nanosecond(nanos).unwrap_or(if nanos < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

impl BusinessHours {
    /// `at` as an `OffsetDateTime` in the site's local offset, so that a due date prints
    /// as the wall-clock time the desk sees.
    pub(super) fn local_time(&self, at: Timestamp) -> OffsetDateTime {
        let utc = OffsetDateTime::from_unix_timestamp_nanos(at.as_nanosecond())
            .expect("jiff's timestamp range lies within time's");
        UtcOffset::from_whole_seconds(self.zone.to_offset(at).seconds())
            .ok()
            .and_then(|offset| utc.checked_to_offset(offset))
            .unwrap_or(utc)
    }

    pub(super) fn local_date_time(&self, at: Timestamp) -> DateTime {
        self.zone.to_datetime(at)
    }
}

/// `duration` as jiff's, `None` beyond ±292 billion years.
pub(super) fn signed(duration: std::time::Duration) -> Option<SignedDuration> {
    SignedDuration::try_from(duration).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).expect("bundled zone")
    }

    fn wall(text: &str) -> DateTime {
        text.parse().expect("civil date-time")
    }

    #[test]
    fn local_times_become_the_first_instant_the_clock_shows_them() {
        let cases = [
            // Plain winter and summer times.
            ("Europe/Berlin", "2026-03-27T16:00", "2026-03-27T15:00:00Z"),
            ("Europe/Berlin", "2026-03-30T10:00", "2026-03-30T08:00:00Z"),
            // Spring forward: 02:00–03:00 does not exist; clocks jump at 01:00 UTC.
            ("Europe/Berlin", "2026-03-29T02:00", "2026-03-29T01:00:00Z"),
            ("Europe/Berlin", "2026-03-29T02:30", "2026-03-29T01:00:00Z"),
            ("Europe/Berlin", "2026-03-29T03:00", "2026-03-29T01:00:00Z"),
            // Fall back: 02:00–03:00 happens twice; the first time is still CEST.
            ("Europe/Berlin", "2026-10-25T02:30", "2026-10-25T00:30:00Z"),
            ("Europe/Berlin", "2026-10-25T03:00", "2026-10-25T02:00:00Z"),
            (
                "America/New_York",
                "2026-03-08T02:30",
                "2026-03-08T07:00:00Z",
            ),
            (
                "America/New_York",
                "2026-11-01T01:30",
                "2026-11-01T05:30:00Z",
            ),
        ];
        for (name, local, utc) in cases {
            let instant = first_instant_showing(&zone(name), wall(local));
            let expected: Timestamp = utc.parse().expect("timestamp");
            assert_eq!(instant, Some(expected), "{name} {local}");
        }
    }

    #[test]
    fn midnight_at_the_end_of_a_day_is_the_next_day() {
        let date: Date = "2026-12-31".parse().expect("date");
        assert_eq!(local(date, 1440), Some(wall("2027-01-01T00:00")));
        assert_eq!(local(date, 9 * 60 + 30), Some(wall("2026-12-31T09:30")));
    }

    #[test]
    fn instants_outside_jiffs_range_are_clamped() {
        let far = time::macros::datetime!(-9999-01-01 00:00 UTC);
        assert_eq!(timestamp(far), Timestamp::MIN);
        assert_eq!(
            timestamp(time::macros::datetime!(2026-01-09 22:30 +03:00)),
            "2026-01-09T19:30:00Z"
                .parse::<Timestamp>()
                .expect("timestamp")
        );
    }
}
