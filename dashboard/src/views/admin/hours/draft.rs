//! The editor's rows as plain data, and the way they become the stored shape and back.
//!
//! Times are what `<input type="time">` holds: `"HH:MM"`, `""` while unfinished. Such an
//! input cannot show the server's `"24:00"` (the end of the day), so an interval or a
//! break ending at midnight reads `"00:00"` in the editor: an end of 00:00 could mean
//! nothing else, because an interval must end after it starts.

use std::collections::BTreeMap;

use super::{BreakSpan, DAYS, HolidayDay, Span};

/// One weekday of the editor: whether the desk opens that day, and its intervals, kept
/// while the day is closed so that ticking it again brings them back.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DayDraft {
    pub open: bool,
    pub spans: Vec<Span>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct BreakDraft {
    pub start: String,
    pub end: String,
    /// Ticked days, Monday first; none ticked is every day.
    pub days: [bool; 7],
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct HolidayDraft {
    pub date: String,
    pub name: String,
    pub message: String,
}

const MIDNIGHT_END: &str = "24:00";
const MIDNIGHT_INPUT: &str = "00:00";

fn end_for_input(end: &str) -> String {
    match end {
        MIDNIGHT_END => MIDNIGHT_INPUT.to_owned(),
        end => end.to_owned(),
    }
}

/// An input's time as stored: `"HH:MM"` (a browser may add seconds), 00:00 as an end
/// being midnight; `None` while the input is unfinished.
fn stored_time(input: &str, is_end: bool) -> Option<String> {
    match input.trim().get(..5)? {
        MIDNIGHT_INPUT if is_end => Some(MIDNIGHT_END.to_owned()),
        time => Some(time.to_owned()),
    }
}

fn stored_span(start: &str, end: &str) -> Option<Span> {
    Some(Span {
        start: stored_time(start, false)?,
        end: stored_time(end, true)?,
    })
}

pub(crate) fn day_drafts(weekly: &BTreeMap<String, Vec<Span>>) -> [DayDraft; 7] {
    DAYS.map(|(key, _)| {
        let spans: Vec<Span> = weekly
            .get(key)
            .into_iter()
            .flatten()
            .map(|s| Span {
                start: s.start.clone(),
                end: end_for_input(&s.end),
            })
            .collect();
        DayDraft {
            open: !spans.is_empty(),
            spans,
        }
    })
}

/// Every weekday, a closed one with no intervals; the error names the day to fix.
pub(crate) fn weekly(days: &[DayDraft; 7]) -> Result<BTreeMap<String, Vec<Span>>, String> {
    let mut weekly = BTreeMap::new();
    for ((key, label), day) in DAYS.iter().zip(days) {
        let spans = if day.open {
            if day.spans.is_empty() {
                return Err(format!(
                    "{label} is open but has no hours: add hours or untick it"
                ));
            }
            day.spans
                .iter()
                .map(|s| stored_span(&s.start, &s.end))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("{label}: every interval needs a start and an end time"))?
        } else {
            Vec::new()
        };
        weekly.insert((*key).to_owned(), spans);
    }
    Ok(weekly)
}

fn minutes(time: &str) -> Option<u16> {
    let (hours, minutes) = time.split_once(':')?;
    Some(hours.parse::<u16>().ok()? * 60 + minutes.get(..2)?.parse::<u16>().ok()?)
}

fn time_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The interval "Add hours" proposes: 09:00–17:00 first, then an hour after the last
/// one ends, for three hours, no later than midnight.
pub(crate) fn next_span(spans: &[Span]) -> Span {
    const DAY: u16 = 24 * 60;
    let Some(last_end) = spans.last().map(|s| match minutes(&s.end) {
        Some(0) | None => DAY,
        Some(end) => end,
    }) else {
        return Span {
            start: "09:00".into(),
            end: "17:00".into(),
        };
    };
    let start = (last_end + 60).min(DAY - 60);
    let end = (start + 3 * 60).min(DAY);
    Span {
        start: time_text(start),
        end: end_for_input(&time_text(end)),
    }
}

pub(crate) fn break_drafts(breaks: &[BreakSpan]) -> Vec<BreakDraft> {
    breaks
        .iter()
        .map(|b| BreakDraft {
            start: b.start.clone(),
            end: end_for_input(&b.end),
            days: DAYS.map(|(key, _)| b.days.as_ref().is_some_and(|d| d.iter().any(|d| d == key))),
        })
        .collect()
}

pub(crate) fn breaks(drafts: &[BreakDraft]) -> Result<Vec<BreakSpan>, String> {
    drafts
        .iter()
        .map(|draft| {
            let span = stored_span(&draft.start, &draft.end)
                .ok_or("Breaks: every break needs a start and an end time")?;
            let days: Vec<String> = DAYS
                .iter()
                .zip(draft.days)
                .filter(|(_, ticked)| *ticked)
                .map(|((key, _), _)| (*key).to_owned())
                .collect();
            Ok(BreakSpan {
                start: span.start,
                end: span.end,
                days: (!days.is_empty()).then_some(days),
            })
        })
        .collect()
}

pub(crate) fn holiday_drafts(holidays: &[HolidayDay]) -> Vec<HolidayDraft> {
    holidays
        .iter()
        .map(|h| HolidayDraft {
            date: h.date.clone(),
            name: h.name.clone(),
            message: h.message.clone().unwrap_or_default(),
        })
        .collect()
}

/// The holidays to store; a holiday needs a date and a name, its message is optional.
pub(crate) fn holidays(drafts: &[HolidayDraft]) -> Result<Vec<HolidayDay>, String> {
    drafts
        .iter()
        .map(|draft| {
            let (date, name) = (draft.date.trim(), draft.name.trim());
            if date.is_empty() {
                return Err(match name {
                    "" => "Holidays: a holiday needs a date".to_owned(),
                    name => format!("Holidays: “{name}” needs a date"),
                });
            }
            if name.is_empty() {
                return Err(format!("Holidays: {date} needs a name"));
            }
            let message = draft.message.trim();
            Ok(HolidayDay {
                date: date.to_owned(),
                name: name.to_owned(),
                message: (!message.is_empty()).then(|| message.to_owned()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: &str, end: &str) -> Span {
        Span {
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn weekly_hours_round_trip_with_midnight_as_00_00_in_the_editor() {
        let stored = BTreeMap::from([
            (
                "monday".to_owned(),
                vec![span("09:00", "12:00"), span("13:00", "18:00")],
            ),
            ("friday".to_owned(), vec![span("20:00", "24:00")]),
        ]);
        let days = day_drafts(&stored);
        assert!(days[0].open && days[4].open && !days[1].open);
        assert_eq!(days[4].spans, vec![span("20:00", "00:00")]);

        let saved = weekly(&days).expect("complete");
        assert_eq!(saved.len(), 7, "every weekday is stored, closed ones empty");
        assert_eq!(saved["monday"], stored["monday"]);
        assert_eq!(saved["friday"], stored["friday"]);
        assert!(saved["tuesday"].is_empty());
    }

    #[test]
    fn a_closed_day_drops_its_intervals_and_an_unfinished_one_names_the_day() {
        let mut days: [DayDraft; 7] = Default::default();
        days[1] = DayDraft {
            open: false,
            spans: vec![span("09:00", "17:00")],
        };
        assert!(weekly(&days).expect("complete")["tuesday"].is_empty());

        days[2] = DayDraft {
            open: true,
            spans: vec![span("09:00", "")],
        };
        let error = weekly(&days).expect_err("no end");
        assert!(error.starts_with("Wednesday:"), "{error}");

        days[2].spans.clear();
        let error = weekly(&days).expect_err("no hours");
        assert!(error.starts_with("Wednesday is open"), "{error}");
    }

    #[test]
    fn add_hours_proposes_a_day_then_what_follows_the_last_interval() {
        let cases: [(&[Span], Span); 4] = [
            (&[], span("09:00", "17:00")),
            (&[span("09:00", "12:00")], span("13:00", "16:00")),
            (&[span("09:00", "22:00")], span("23:00", "00:00")),
            (&[span("18:00", "00:00")], span("23:00", "00:00")),
        ];
        for (spans, expected) in cases {
            assert_eq!(next_span(spans), expected, "after {spans:?}");
        }
    }

    #[test]
    fn breaks_store_their_ticked_days_or_none_for_every_day() {
        let stored = vec![
            BreakSpan {
                start: "12:00".into(),
                end: "13:00".into(),
                days: None,
            },
            BreakSpan {
                start: "15:00".into(),
                end: "15:15".into(),
                days: Some(vec!["monday".into(), "friday".into()]),
            },
        ];
        let drafts = break_drafts(&stored);
        assert_eq!(drafts[0].days, [false; 7]);
        assert_eq!(
            drafts[1].days,
            [true, false, false, false, true, false, false]
        );
        assert_eq!(breaks(&drafts).expect("complete"), stored);

        let unfinished = [BreakDraft {
            start: "12:00".into(),
            ..Default::default()
        }];
        assert!(breaks(&unfinished).is_err());
    }

    #[test]
    fn holidays_need_a_date_and_a_name_and_drop_a_blank_message() {
        let stored = vec![
            HolidayDay {
                date: "2026-12-31".into(),
                name: "New Year's Eve".into(),
                message: Some("Back on the 2nd".into()),
            },
            HolidayDay {
                date: "2026-10-29".into(),
                name: "Cumhuriyet Bayramı".into(),
                message: None,
            },
        ];
        let mut drafts = holiday_drafts(&stored);
        assert_eq!(holidays(&drafts).expect("complete"), stored);

        drafts[1].message = "  ".into();
        assert_eq!(holidays(&drafts).expect("complete")[1].message, None);

        drafts[0].date.clear();
        assert_eq!(
            holidays(&drafts).expect_err("no date"),
            "Holidays: “New Year's Eve” needs a date"
        );
        drafts[0].date = "2026-12-31".into();
        drafts[0].name = " ".into();
        assert_eq!(
            holidays(&drafts).expect_err("no name"),
            "Holidays: 2026-12-31 needs a name"
        );
    }
}
