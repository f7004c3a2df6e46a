//! Wall-clock building blocks of a schedule: a time of day, an interval of the day and a
//! weekday, as an admin writes them in the settings ("09:00"–"18:00" on Monday).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Minutes in a day; also the value of "24:00", the end of the day.
pub(super) const DAY_MINUTES: u16 = 24 * 60;

/// A local time of day with minute precision, written `"HH:MM"`.
///
/// `"24:00"` is allowed and means the end of the day, so an interval can run until
/// midnight (`"18:00"`–`"24:00"`) without an off-by-one-minute `"23:59"`. Minutes are
/// enough: nobody opens a support desk at 09:00:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WallTime(u16);

impl WallTime {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: WallTime = WallTime(0);
    /// `"24:00"`: the end of the day.
    pub const END_OF_DAY: WallTime = WallTime(DAY_MINUTES);

    /// A time from hour and minute; `None` unless it is 00:00..=24:00.
    pub const fn new(hour: u8, minute: u8) -> Option<WallTime> {
        let total = hour as u16 * 60 + minute as u16;
        if minute < 60 && total <= DAY_MINUTES {
            Some(WallTime(total))
        } else {
            None
        }
    }

    /// Parses `"HH:MM"` (two digits each, 00:00 to 24:00).
    pub fn parse(text: &str) -> Result<WallTime, InvalidWallTime> {
        let invalid = || InvalidWallTime(text.to_owned());
        let (hour, minute) = text.split_once(':').ok_or_else(invalid)?;
        let two_digits = |part: &str| {
            (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u8>().ok())
                .flatten()
        };
        let (hour, minute) = two_digits(hour)
            .zip(two_digits(minute))
            .ok_or_else(invalid)?;
        WallTime::new(hour, minute).ok_or_else(invalid)
    }

    /// Minutes since midnight, 0..=1440.
    pub const fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for WallTime {
    type Error = InvalidWallTime;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        WallTime::parse(&text)
    }
}

impl From<WallTime> for String {
    fn from(time: WallTime) -> String {
        time.to_string()
    }
}

/// A time of day that is not `"HH:MM"` between 00:00 and 24:00.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time of day: expected \"HH:MM\" between 00:00 and 24:00")]
pub struct InvalidWallTime(String);

/// A stretch of one local day, from `start` (included) to `end` (excluded).
///
/// Whether `end > start` is checked when the schedule is parsed, so the error can say
/// which day it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    pub start: WallTime,
    pub end: WallTime,
}

impl Interval {
    pub const fn new(start: WallTime, end: WallTime) -> Interval {
        Interval { start, end }
    }

    pub(super) fn overlaps(self, other: Interval) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start, self.end)
    }
}

/// A day of the week, Monday first (the week as Turkish and most European desks count it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    /// Monday to Friday, the seed's working week.
    pub const WORKDAYS: [Weekday; 5] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];

    /// 0 for Monday … 6 for Sunday.
    pub(super) const fn index(self) -> usize {
        self as usize
    }

    pub(super) fn of(weekday: jiff::civil::Weekday) -> Weekday {
        // `to_monday_zero_offset` is always 0..=6.
        Weekday::ALL[weekday.to_monday_zero_offset() as usize]
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_times_parse_only_hh_mm_within_the_day() {
        let cases = [
            ("00:00", Some(0)),
            ("09:00", Some(540)),
            ("12:30", Some(750)),
            ("23:59", Some(1439)),
            ("24:00", Some(1440)),
            ("24:01", None),
            ("25:00", None),
            ("09:60", None),
            ("9:00", None),
            ("09:0", None),
            ("0900", None),
            ("+9:00", None),
            ("09:00:00", None),
            ("", None),
        ];
        for (text, minutes) in cases {
            let parsed = WallTime::parse(text).ok().map(WallTime::minutes);
            assert_eq!(parsed, minutes, "{text}");
        }
    }

    #[test]
    fn wall_times_print_as_they_are_written() {
        for text in ["00:00", "09:05", "18:00", "24:00"] {
            let time = WallTime::parse(text).expect("valid time");
            assert_eq!(time.to_string(), text);
            assert_eq!(
                serde_json::to_string(&time).expect("serialises"),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn weekdays_follow_jiff_monday_first() {
        assert_eq!(Weekday::of(jiff::civil::Weekday::Monday), Weekday::Monday);
        assert_eq!(Weekday::of(jiff::civil::Weekday::Sunday), Weekday::Sunday);
        assert_eq!(Weekday::Sunday.index(), 6);
    }
}
