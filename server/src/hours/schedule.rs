//! A site's business hours as the admin stores them (JSON), and the validated
//! [`BusinessHours`] the rest of the module computes with.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::clock::{Interval, WallTime, Weekday};

/// Open intervals per weekday, in the site's local time. A day with an empty list (or
/// left out of the JSON) is closed all day; a day may have several intervals
/// (09:00–12:00 and 14:00–18:00).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeeklyHours {
    pub monday: Vec<Interval>,
    pub tuesday: Vec<Interval>,
    pub wednesday: Vec<Interval>,
    pub thursday: Vec<Interval>,
    pub friday: Vec<Interval>,
    pub saturday: Vec<Interval>,
    pub sunday: Vec<Interval>,
}

impl WeeklyHours {
    /// The same intervals on each of `days`, every other day closed.
    pub fn on(days: &[Weekday], intervals: &[Interval]) -> WeeklyHours {
        let mut weekly = WeeklyHours::default();
        for &day in days {
            *weekly.day_mut(day) = intervals.to_vec();
        }
        weekly
    }

    pub fn day(&self, day: Weekday) -> &[Interval] {
        match day {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }

    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<Interval> {
        match day {
            Weekday::Monday => &mut self.monday,
            Weekday::Tuesday => &mut self.tuesday,
            Weekday::Wednesday => &mut self.wednesday,
            Weekday::Thursday => &mut self.thursday,
            Weekday::Friday => &mut self.friday,
            Weekday::Saturday => &mut self.saturday,
            Weekday::Sunday => &mut self.sunday,
        }
    }
}

/// A recurring pause inside the open hours, such as the 12:00–13:00 lunch break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    pub start: WallTime,
    pub end: WallTime,
    /// The days it applies to; absent (`None`) means every day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<Weekday>>,
}

impl Break {
    pub fn applies_on(&self, day: Weekday) -> bool {
        self.days.as_ref().is_none_or(|days| days.contains(&day))
    }

    pub fn interval(&self) -> Interval {
        Interval::new(self.start, self.end)
    }
}

/// A local calendar date on which the site is closed all day, whatever the weekly hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// `"2026-10-29"`, in the site's time zone.
    pub date: Date,
    /// Shown to visitors: "Cumhuriyet Bayramı".
    pub name: String,
    /// An optional text for the widget instead of the generic closed notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An admin's "we are closed now" switch (outage, maintenance) that beats the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyOverride {
    pub message: String,
    /// When it lifts by itself; `None` keeps it until an admin removes it.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
}

impl EmergencyOverride {
    pub(super) fn active_at(&self, at: OffsetDateTime) -> bool {
        self.until.is_none_or(|until| at < until)
    }
}

/// Business hours as stored: plain data, not yet checked. [`BusinessHours::parse`]
/// turns it into something the clock can run on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHoursConfig {
    /// IANA name, such as `"Europe/Istanbul"`.
    pub time_zone: String,
    #[serde(default)]
    pub weekly: WeeklyHours,
    #[serde(default)]
    pub breaks: Vec<Break>,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<EmergencyOverride>,
}

/// Why a schedule was refused; each message names the day or date to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("`{0}` is not a known IANA time zone (such as \"Europe/Istanbul\")")]
    UnknownTimeZone(String),
    #[error("{day}: the interval {interval} must end after it starts")]
    EmptyInterval { day: Weekday, interval: Interval },
    #[error("{day}: the intervals {first} and {second} overlap")]
    OverlappingIntervals {
        day: Weekday,
        first: Interval,
        second: Interval,
    },
    #[error("the break {0} must end after it starts")]
    EmptyBreak(Interval),
    #[error("{day}: the breaks {first} and {second} overlap")]
    OverlappingBreaks {
        day: Weekday,
        first: Interval,
        second: Interval,
    },
    #[error("{0}: more than one holiday on the same date")]
    DuplicateHoliday(Date),
    #[error("{0}: a holiday needs a name")]
    UnnamedHoliday(Date),
    #[error("an emergency override needs a message for visitors")]
    EmptyEmergencyMessage,
}

/// Validated business hours of one site: a known time zone, non-empty non-overlapping
/// intervals, one holiday per date.
///
/// Serialises as its [`BusinessHoursConfig`]; deserialising validates, so a stored
/// schedule that no longer parses (say, a time zone removed from the database) fails
/// loudly instead of silently opening or closing the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BusinessHoursConfig", into = "BusinessHoursConfig")]
pub struct BusinessHours {
    config: BusinessHoursConfig,
    pub(super) zone: TimeZone,
    /// Per weekday (Monday first): open minutes after breaks, sorted, merged when they
    /// touch, each non-empty.
    pub(super) open: [Vec<(u16, u16)>; 7],
    pub(super) holidays: BTreeMap<Date, Holiday>,
}

impl BusinessHours {
    pub fn parse(config: BusinessHoursConfig) -> Result<BusinessHours, ScheduleError> {
        let zone = TimeZone::get(&config.time_zone)
            .map_err(|_| ScheduleError::UnknownTimeZone(config.time_zone.clone()))?;
        for brk in &config.breaks {
            if brk.end <= brk.start {
                return Err(ScheduleError::EmptyBreak(brk.interval()));
            }
        }
        let mut open: [Vec<(u16, u16)>; 7] = Default::default();
        for day in Weekday::ALL {
            let intervals = sorted_disjoint(day, config.weekly.day(day))?;
            let breaks: Vec<Interval> = config
                .breaks
                .iter()
                .filter(|brk| brk.applies_on(day))
                .map(Break::interval)
                .collect();
            let breaks = disjoint_breaks(day, breaks)?;
            open[day.index()] = subtract(&intervals, &breaks);
        }
        let mut holidays = BTreeMap::new();
        for holiday in &config.holidays {
            if holiday.name.trim().is_empty() {
                return Err(ScheduleError::UnnamedHoliday(holiday.date));
            }
            if holidays.insert(holiday.date, holiday.clone()).is_some() {
                return Err(ScheduleError::DuplicateHoliday(holiday.date));
            }
        }
        if config
            .emergency
            .as_ref()
            .is_some_and(|e| e.message.trim().is_empty())
        {
            return Err(ScheduleError::EmptyEmergencyMessage);
        }
        Ok(BusinessHours {
            config,
            zone,
            open,
            holidays,
        })
    }

    pub fn config(&self) -> &BusinessHoursConfig {
        &self.config
    }

    pub fn time_zone(&self) -> &str {
        &self.config.time_zone
    }

    pub fn emergency(&self) -> Option<&EmergencyOverride> {
        self.config.emergency.as_ref()
    }
}

impl TryFrom<BusinessHoursConfig> for BusinessHours {
    type Error = ScheduleError;
    fn try_from(config: BusinessHoursConfig) -> Result<Self, Self::Error> {
        BusinessHours::parse(config)
    }
}

impl From<BusinessHours> for BusinessHoursConfig {
    fn from(hours: BusinessHours) -> Self {
        hours.config
    }
}

fn sorted_disjoint(day: Weekday, intervals: &[Interval]) -> Result<Vec<Interval>, ScheduleError> {
    if let Some(&interval) = intervals.iter().find(|i| i.end <= i.start) {
        return Err(ScheduleError::EmptyInterval { day, interval });
    }
    let mut sorted = intervals.to_vec();
    sorted.sort_by_key(|i| i.start);
    match sorted.windows(2).find(|pair| pair[0].overlaps(pair[1])) {
        Some(pair) => Err(ScheduleError::OverlappingIntervals {
            day,
            first: pair[0],
            second: pair[1],
        }),
        None => Ok(sorted),
    }
}

fn disjoint_breaks(
    day: Weekday,
    mut breaks: Vec<Interval>,
) -> Result<Vec<Interval>, ScheduleError> {
    breaks.sort_by_key(|i| i.start);
    match breaks.windows(2).find(|pair| pair[0].overlaps(pair[1])) {
        Some(pair) => Err(ScheduleError::OverlappingBreaks {
            day,
            first: pair[0],
            second: pair[1],
        }),
        None => Ok(breaks),
    }
}

/// Open intervals minus breaks, in minutes; touching pieces are merged so that
/// 09:00–12:00 plus 12:00–18:00 closes once, at 18:00.
fn subtract(intervals: &[Interval], breaks: &[Interval]) -> Vec<(u16, u16)> {
    let mut pieces: Vec<(u16, u16)> = Vec::new();
    for interval in intervals {
        let mut start = interval.start.minutes();
        let end = interval.end.minutes();
        for brk in breaks {
            let (b_start, b_end) = (brk.start.minutes(), brk.end.minutes());
            if b_end <= start || b_start >= end {
                continue;
            }
            if b_start > start {
                pieces.push((start, b_start));
            }
            start = start.max(b_end);
        }
        if start < end {
            pieces.push((start, end));
        }
    }
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(pieces.len());
    for (start, end) in pieces {
        match merged.last_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub fn at(text: &str) -> WallTime {
        WallTime::parse(text).expect("valid wall time")
    }

    pub fn span(start: &str, end: &str) -> Interval {
        Interval::new(at(start), at(end))
    }

    /// The seed's desk: Monday–Friday 09:00–18:00 in Istanbul.
    pub fn istanbul_office() -> BusinessHoursConfig {
        BusinessHoursConfig {
            time_zone: "Europe/Istanbul".into(),
            weekly: WeeklyHours::on(&Weekday::WORKDAYS, &[span("09:00", "18:00")]),
            breaks: Vec::new(),
            holidays: Vec::new(),
            emergency: None,
        }
    }

    pub fn lunch() -> Break {
        Break {
            start: at("12:00"),
            end: at("13:00"),
            days: None,
        }
    }

    #[test]
    fn invalid_schedules_are_refused_with_the_day_to_fix() {
        let with_monday = |intervals: Vec<Interval>| BusinessHoursConfig {
            weekly: WeeklyHours {
                monday: intervals,
                ..WeeklyHours::default()
            },
            ..istanbul_office()
        };
        let cases = [
            (
                BusinessHoursConfig {
                    time_zone: "Europe/Atlantis".into(),
                    ..istanbul_office()
                },
                "`Europe/Atlantis` is not a known IANA time zone (such as \"Europe/Istanbul\")",
            ),
            (
                with_monday(vec![span("18:00", "09:00")]),
                "Monday: the interval 18:00–09:00 must end after it starts",
            ),
            (
                with_monday(vec![span("09:00", "09:00")]),
                "Monday: the interval 09:00–09:00 must end after it starts",
            ),
            (
                with_monday(vec![span("13:00", "18:00"), span("09:00", "13:30")]),
                "Monday: the intervals 09:00–13:30 and 13:00–18:00 overlap",
            ),
            (
                BusinessHoursConfig {
                    breaks: vec![Break {
                        start: at("13:00"),
                        end: at("12:00"),
                        days: None,
                    }],
                    ..istanbul_office()
                },
                "the break 13:00–12:00 must end after it starts",
            ),
            (
                BusinessHoursConfig {
                    breaks: vec![
                        lunch(),
                        Break {
                            start: at("12:30"),
                            end: at("14:00"),
                            days: Some(vec![Weekday::Friday]),
                        },
                    ],
                    ..istanbul_office()
                },
                "Friday: the breaks 12:00–13:00 and 12:30–14:00 overlap",
            ),
            (
                BusinessHoursConfig {
                    holidays: vec![holiday("2026-10-29", "A"), holiday("2026-10-29", "B")],
                    ..istanbul_office()
                },
                "2026-10-29: more than one holiday on the same date",
            ),
            (
                BusinessHoursConfig {
                    holidays: vec![holiday("2026-10-29", "  ")],
                    ..istanbul_office()
                },
                "2026-10-29: a holiday needs a name",
            ),
            (
                BusinessHoursConfig {
                    emergency: Some(EmergencyOverride {
                        message: String::new(),
                        until: None,
                    }),
                    ..istanbul_office()
                },
                "an emergency override needs a message for visitors",
            ),
        ];
        for (config, message) in cases {
            let error = BusinessHours::parse(config).expect_err(message);
            assert_eq!(error.to_string(), message);
        }
    }

    pub fn holiday(date: &str, name: &str) -> Holiday {
        Holiday {
            date: date.parse().expect("valid date"),
            name: name.into(),
            message: None,
        }
    }

    #[test]
    fn breaks_cut_open_intervals_and_touching_intervals_merge() {
        let mut config = istanbul_office();
        config.weekly.tuesday = vec![span("14:00", "18:00"), span("09:00", "14:00")];
        config.weekly.saturday = vec![span("10:00", "12:30")];
        config.breaks = vec![lunch()];

        let hours = BusinessHours::parse(config).expect("valid schedule");

        let minutes = |t: &str| at(t).minutes();
        let expected_weekday = vec![
            (minutes("09:00"), minutes("12:00")),
            (minutes("13:00"), minutes("18:00")),
        ];
        assert_eq!(hours.open[Weekday::Monday.index()], expected_weekday);
        assert_eq!(hours.open[Weekday::Tuesday.index()], expected_weekday);
        assert_eq!(
            hours.open[Weekday::Saturday.index()],
            vec![(minutes("10:00"), minutes("12:00"))]
        );
        assert!(hours.open[Weekday::Sunday.index()].is_empty());
    }

    #[test]
    fn a_schedule_round_trips_through_json_and_json_is_validated() {
        let json = r#"{
            "time_zone": "Europe/Istanbul",
            "weekly": {
                "monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
                "friday": [{"start": "09:00", "end": "17:00"}]
            },
            "breaks": [{"start": "12:00", "end": "12:30", "days": ["friday"]}],
            "holidays": [{"date": "2026-10-29", "name": "Cumhuriyet Bayramı", "message": "29 Ekim'de kapalıyız"}],
            "emergency": {"message": "Teknik bakım", "until": "2026-10-01T23:00:00+03:00"}
        }"#;

        let hours: BusinessHours = serde_json::from_str(json).expect("valid schedule");
        let again: BusinessHours =
            serde_json::from_value(serde_json::to_value(&hours).expect("serialises"))
                .expect("round trips");

        assert_eq!(hours, again);
        assert_eq!(hours.config().weekly.monday.len(), 2);
        assert!(hours.config().weekly.sunday.is_empty());
        let broken = json.replace("\"17:00\"", "\"08:00\"");
        let error = serde_json::from_str::<BusinessHours>(&broken).expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("Friday: the interval 09:00–08:00"),
            "{error}"
        );
        let typo = json.replace("\"breaks\"", "\"break\"");
        assert!(serde_json::from_str::<BusinessHours>(&typo).is_err());
    }
}
