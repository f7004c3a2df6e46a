//! Business hours: the time zone, open intervals per weekday, breaks, holidays and the
//! emergency override (`/api/v1/site/business-hours`), beside a preview of what the widget
//! shows now (`/api/v1/site/status`), fetched again after every save.
//!
//! The form edits the stored JSON's shape through the small mirror types below; the server
//! validates the schedule and its message names the day or date to fix.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::status::{ClosedReason, SiteStatus, WidgetState};
use serde::{Deserialize, Serialize};

use super::super::format;
use super::{Feedback, FeedbackLine, LoadState, fetch};
use crate::desk::{Desk, Load};
use crate::session;

const DAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct HoursConfig {
    pub time_zone: String,
    #[serde(default)]
    pub weekly: BTreeMap<String, Vec<Span>>,
    #[serde(default)]
    pub breaks: Vec<BreakSpan>,
    #[serde(default)]
    pub holidays: Vec<HolidayDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<Emergency>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Span {
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct BreakSpan {
    pub start: String,
    pub end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct HolidayDay {
    pub date: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Emergency {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// "09:00-12:00, 13:00-18:00" → two spans; the error names the piece it could not read.
pub(crate) fn parse_spans(text: &str) -> Result<Vec<Span>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (start, end) = piece
                .split_once(['-', '–'])
                .ok_or_else(|| format!("\"{piece}\" is not a range such as 09:00-18:00"))?;
            Ok(Span {
                start: start.trim().to_owned(),
                end: end.trim().to_owned(),
            })
        })
        .collect()
}

pub(crate) fn spans_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{}-{}", s.start, s.end))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One break a line: "12:00-13:00" (every day) or "12:00-13:00 monday friday".
fn parse_breaks(text: &str) -> Result<Vec<BreakSpan>, String> {
    let mut breaks = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (range, days) = line.split_once(' ').unwrap_or((line, ""));
        let span = parse_spans(range)?
            .pop()
            .ok_or_else(|| format!("\"{line}\" has no time range"))?;
        let days: Vec<String> = days
            .split([' ', ','])
            .filter(|d| !d.is_empty())
            .map(str::to_lowercase)
            .collect();
        breaks.push(BreakSpan {
            start: span.start,
            end: span.end,
            days: (!days.is_empty()).then_some(days),
        });
    }
    Ok(breaks)
}

fn breaks_text(breaks: &[BreakSpan]) -> String {
    breaks
        .iter()
        .map(|b| match &b.days {
            Some(days) => format!("{}-{} {}", b.start, b.end, days.join(" ")),
            None => format!("{}-{}", b.start, b.end),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One holiday a line: "2026-12-31 New Year's Eve | Back on the 2nd".
fn parse_holidays(text: &str) -> Result<Vec<HolidayDay>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (date, rest) = line.split_once(' ').ok_or_else(|| {
                format!("\"{line}\" needs a date and a name: 2026-12-31 New Year's Eve")
            })?;
            let (name, message) = match rest.split_once('|') {
                Some((name, message)) => (
                    name.trim(),
                    Some(message.trim().to_owned()).filter(|m| !m.is_empty()),
                ),
                None => (rest.trim(), None),
            };
            Ok(HolidayDay {
                date: date.to_owned(),
                name: name.to_owned(),
                message,
            })
        })
        .collect()
}

fn holidays_text(holidays: &[HolidayDay]) -> String {
    holidays
        .iter()
        .map(|h| match &h.message {
            Some(m) => format!("{} {} | {m}", h.date, h.name),
            None => format!("{} {}", h.date, h.name),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[component]
pub fn HoursPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let stored = RwSignal::new(None::<HoursConfig>);
    let load = RwSignal::new(Load::Loading);
    let status = RwSignal::new(None::<SiteStatus>);
    let status_load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site/business-hours", stored, load);
    let refresh_status = move || {
        spawn_local(async move {
            let result = session::authorized(desk, |token| async move {
                crate::api::get::<SiteStatus>(&token, "/api/v1/site/status").await
            })
            .await;
            match result {
                Ok(now) => {
                    status.try_set(Some(now));
                    status_load.try_set(Load::Ready);
                }
                Err(failure) => {
                    status_load.try_set(Load::Failed(failure.message()));
                }
            }
        });
    };
    reload();
    refresh_status();
    view! {
        <div class="ld-admin__split">
            <LoadState load what="business hours" retry=move |()| reload()>
                <HoursForm stored=stored.get_untracked() saved=Callback::new(move |()| refresh_status())/>
            </LoadState>
            <aside class="ld-admin__preview" data-ld="hours-preview" aria-live="polite">
                <h3>"The widget now"</h3>
                {move || match (status_load.get(), status.get()) {
                    (Load::Failed(message), _) => view! { <p class="ld-alert">{message}</p> }.into_any(),
                    (_, Some(now)) => view! { <StatusView status=now/> }.into_any(),
                    _ => view! { <p class="ld-muted">"Loading…"</p> }.into_any(),
                }}
                <button type="button" class="ld-button ld-button--quiet" on:click=move |_| refresh_status()>"Refresh"</button>
            </aside>
        </div>
    }
}

#[component]
fn StatusView(status: SiteStatus) -> impl IntoView {
    let (key, label) = match status.state {
        WidgetState::Online => ("online", "Online"),
        WidgetState::Busy => ("busy", "Busy"),
        WidgetState::Offline => ("offline", "Offline"),
    };
    let reason = status.closed_reason.map(|r| match r {
        ClosedReason::OutsideHours => "Outside business hours".to_owned(),
        ClosedReason::Break => "On a break".to_owned(),
        ClosedReason::Holiday { name, message } => match message {
            Some(m) => format!("Holiday: {name} — {m}"),
            None => format!("Holiday: {name}"),
        },
        ClosedReason::Emergency { message } => format!("Emergency: {message}"),
    });
    view! {
        <p class=format!("ld-state ld-state--{key}") data-ld="preview-state" data-state=key>{label}</p>
        {reason.map(|r| view! { <p data-ld="preview-reason">{r}</p> })}
        {status.next_open.map(|at| view! { <p data-ld="preview-next-open">"Opens " {format::full(at)}</p> })}
        {status.closes_at.map(|at| view! { <p class="ld-muted">"Closes " {format::full(at)}</p> })}
        <p class="ld-muted">{format!("{} agents online, {} available, {} waiting", status.agents_online, status.agents_available, status.queue_length)}</p>
    }
}

fn browser_time_zone() -> String {
    js_sys::Reflect::get(
        &js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
            .resolved_options(),
        &"timeZone".into(),
    )
    .ok()
    .and_then(|v| v.as_string())
    .unwrap_or_else(|| "UTC".into())
}

#[component]
fn HoursForm(stored: Option<HoursConfig>, saved: Callback<()>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let always_open = RwSignal::new(stored.is_none());
    let config = stored.unwrap_or_else(|| HoursConfig {
        time_zone: browser_time_zone(),
        ..Default::default()
    });
    let time_zone = RwSignal::new(config.time_zone.clone());
    let days = DAYS.map(|(key, _)| {
        RwSignal::new(spans_text(
            config.weekly.get(key).map_or(&[][..], Vec::as_slice),
        ))
    });
    let breaks = RwSignal::new(breaks_text(&config.breaks));
    let holidays = RwSignal::new(holidays_text(&config.holidays));
    let emergency_on = RwSignal::new(config.emergency.is_some());
    let emergency_message = RwSignal::new(
        config
            .emergency
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
    );
    let emergency_until = config.emergency.as_ref().and_then(|e| e.until.clone());
    let feedback = RwSignal::new(Feedback::Idle);

    let build = move || -> Result<Option<HoursConfig>, String> {
        if always_open.get_untracked() {
            return Ok(None);
        }
        let mut weekly = BTreeMap::new();
        for ((key, label), text) in DAYS.iter().zip(days.iter()) {
            let spans = parse_spans(&text.get_untracked()).map_err(|e| format!("{label}: {e}"))?;
            weekly.insert((*key).to_owned(), spans);
        }
        let emergency = emergency_on.get_untracked().then(|| Emergency {
            message: emergency_message.get_untracked().trim().to_owned(),
            until: emergency_until.clone(),
        });
        Ok(Some(HoursConfig {
            time_zone: time_zone.get_untracked().trim().to_owned(),
            weekly,
            breaks: parse_breaks(&breaks.get_untracked()).map_err(|e| format!("Breaks: {e}"))?,
            holidays: parse_holidays(&holidays.get_untracked())
                .map_err(|e| format!("Holidays: {e}"))?,
            emergency,
        }))
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match build() {
            Ok(body) => body,
            Err(message) => {
                feedback.set(Feedback::Failed(message));
                return;
            }
        };
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = session::authorized(desk, |token| {
                let body = body.clone();
                async move {
                    crate::api::call(&token, "PUT", "/api/v1/site/business-hours", Some(&body))
                        .await
                }
            })
            .await;
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if result.is_ok() {
                saved.run(());
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld="hours-form" on:submit=save novalidate>
            <label class="ld-check">
                <input type="checkbox" name="always_open" prop:checked=move || always_open.get() on:change=move |ev| always_open.set(event_target_checked(&ev))/>
                <span>"Always open (no business hours)"</span>
            </label>
            <div class="ld-admin__fieldset" class:ld-hidden=move || always_open.get()>
                <label class="ld-field"><span>"Time zone (IANA, such as Europe/Istanbul)"</span>
                    <input name="time_zone" type="text" prop:value=move || time_zone.get() on:input=move |ev| time_zone.set(event_target_value(&ev))/>
                </label>
                <p class="ld-muted">"Open hours per day, such as 09:00-12:00, 13:00-18:00. Leave a day empty to close it."</p>
                <div class="ld-admin__days">
                    {DAYS.iter().zip(days).map(|((key, label), text)| view! {
                        <label class="ld-field ld-admin__day"><span>{*label}</span>
                            <input name=format!("day-{key}") type="text" placeholder="Closed" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                        </label>
                    }).collect_view()}
                </div>
                <label class="ld-field"><span>"Breaks, one a line: 12:00-13:00 (every day) or 12:00-13:00 friday"</span>
                    <textarea name="breaks" rows="2" prop:value=move || breaks.get() on:input=move |ev| breaks.set(event_target_value(&ev))></textarea>
                </label>
                <label class="ld-field"><span>"Holidays, one a line: 2026-12-31 New Year's Eve | optional message"</span>
                    <textarea name="holidays" rows="3" prop:value=move || holidays.get() on:input=move |ev| holidays.set(event_target_value(&ev))></textarea>
                </label>
                <fieldset class="ld-admin__fieldset">
                    <legend>"Emergency override"</legend>
                    <label class="ld-check">
                        <input type="checkbox" name="emergency" prop:checked=move || emergency_on.get() on:change=move |ev| emergency_on.set(event_target_checked(&ev))/>
                        <span>"Closed now, whatever the schedule says"</span>
                    </label>
                    <label class="ld-field"><span>"Message for visitors"</span>
                        <input name="emergency_message" type="text" prop:value=move || emergency_message.get() on:input=move |ev| emergency_message.set(event_target_value(&ev))/>
                    </label>
                </fieldset>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="hours-save">"Save"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_texts_round_trip() {
        let spans = parse_spans("09:00-12:00, 13:00 - 18:00").expect("parses");
        assert_eq!(spans_text(&spans), "09:00-12:00, 13:00-18:00");
        assert!(parse_spans("").expect("parses").is_empty());
        assert!(parse_spans("nine to five").is_err());
    }

    #[test]
    fn breaks_and_holidays_read_one_a_line() {
        let breaks = parse_breaks("12:00-13:00\n15:00-15:15 monday friday").expect("parses");
        assert_eq!(breaks[0].days, None);
        assert_eq!(breaks[1].days, Some(vec!["monday".into(), "friday".into()]));
        assert_eq!(
            breaks_text(&breaks),
            "12:00-13:00\n15:00-15:15 monday friday"
        );
        let holidays =
            parse_holidays("2026-12-31 New Year's Eve | Back on the 2nd").expect("parses");
        assert_eq!(holidays[0].name, "New Year's Eve");
        assert_eq!(holidays[0].message.as_deref(), Some("Back on the 2nd"));
        assert!(parse_holidays("2026-12-31").is_err());
    }
}
