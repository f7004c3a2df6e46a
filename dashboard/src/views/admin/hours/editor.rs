//! The business-hours form: the time zone, each weekday's open intervals, the breaks, the
//! holidays and the emergency override, each a list of rows with time and date inputs.
//!
//! Only unfinished rows are refused here (an interval without an end, a holiday without a
//! date); whether the schedule makes sense is the server's call, and its message names
//! the day or date to fix.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::draft::{self, BreakDraft, HolidayDraft};
use super::rows::{BreakRow, DayRow, HolidayRow, Keys, SpanRow};
use super::{DAYS, Emergency, HoursConfig, browser_time_zone, zone};
use crate::desk::Desk;
use crate::session;
use crate::views::admin::{Feedback, FeedbackLine};

#[component]
pub(super) fn HoursForm(stored: Option<HoursConfig>, saved: Callback<()>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let keys = Keys::new();
    let always_open = RwSignal::new(stored.is_none());
    let config = stored.unwrap_or_else(|| HoursConfig {
        time_zone: browser_time_zone(),
        ..Default::default()
    });
    let time_zone = RwSignal::new(config.time_zone.clone());
    let days = draft::day_drafts(&config.weekly).map(|d| DayRow::new(keys, &d));
    let breaks = RwSignal::new(
        draft::break_drafts(&config.breaks)
            .iter()
            .map(|b| BreakRow::new(keys, b))
            .collect::<Vec<_>>(),
    );
    let holidays = RwSignal::new(
        draft::holiday_drafts(&config.holidays)
            .iter()
            .map(|h| HolidayRow::new(keys, h))
            .collect::<Vec<_>>(),
    );
    let emergency = EmergencyRow::new(&config);
    let feedback = RwSignal::new(Feedback::Idle);

    let build = move || -> Result<Option<HoursConfig>, String> {
        if always_open.get_untracked() {
            return Ok(None);
        }
        let time_zone = time_zone.get_untracked().trim().to_owned();
        Ok(Some(HoursConfig {
            weekly: draft::weekly(&days.map(DayRow::draft))?,
            breaks: draft::breaks(&breaks.with_untracked(|rows| drafts(rows, BreakRow::draft)))?,
            holidays: draft::holidays(
                &holidays.with_untracked(|rows| drafts(rows, HolidayRow::draft)),
            )?,
            emergency: emergency.stored(&time_zone)?,
            time_zone,
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
    let copy_monday = move |_| {
        let monday = days[0].draft();
        for day in &days[1..5] {
            day.set(keys, &monday);
        }
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
                <fieldset class="ld-admin__fieldset" data-ld="hours-week">
                    <legend>"Open hours"</legend>
                    <p class="ld-muted">"Tick the days the desk opens; a day may have several intervals. An end of 00:00 is midnight."</p>
                    <div class="ld-admin__days">
                        {DAYS.iter().zip(days).map(|(&(key, label), day)| view! { <DayEditor key label day keys/> }).collect_view()}
                    </div>
                    <button type="button" class="ld-button" data-ld="hours-copy-monday" on:click=copy_monday>"Copy Monday to weekdays"</button>
                </fieldset>
                <BreaksEditor breaks keys/>
                <HolidaysEditor holidays keys/>
                <EmergencyEditor emergency/>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="hours-save">"Save"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}

fn drafts<R: Copy, D>(rows: &[R], draft: fn(R) -> D) -> Vec<D> {
    rows.iter().copied().map(draft).collect()
}

fn remove_button(what: String, remove: impl Fn() + 'static, ld: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="ld-button ld-button--quiet" data-ld=ld aria-label=what on:click=move |_| remove()>"Remove"</button>
    }
}

#[component]
fn DayEditor(key: &'static str, label: &'static str, day: DayRow, keys: Keys) -> impl IntoView {
    let add = move || day.push(keys, &draft::next_span(&day.draft().spans));
    let toggle = move |ev| {
        let open = event_target_checked(&ev);
        day.open.set(open);
        if open && day.spans.with_untracked(Vec::is_empty) {
            add();
        }
    };
    view! {
        <div class="ld-admin__day" data-ld="hours-day" data-day=key role="group" aria-label=label>
            <label class="ld-check">
                <input type="checkbox" name=format!("open-{key}") data-ld="hours-day-open" prop:checked=move || day.open.get() on:change=toggle/>
                <span>{label}</span>
            </label>
            <Show when=move || day.open.get() fallback=|| view! { <p class="ld-muted" data-ld="hours-day-closed">"Closed"</p> }>
                <div class="ld-admin__rows">
                    <For each=move || day.spans.get() key=|row| row.key children=move |row| view! { <SpanEditor label day row/> }/>
                    <div>
                        <button type="button" class="ld-button ld-button--quiet" data-ld="hours-span-add" on:click=move |_| add()>"Add hours"</button>
                    </div>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn SpanEditor(label: &'static str, day: DayRow, row: SpanRow) -> impl IntoView {
    view! {
        <div class="ld-admin__row" data-ld="hours-span">
            <input type="time" data-ld="hours-span-start" aria-label=format!("{label}: opens at") prop:value=move || row.start.get() on:input=move |ev| row.start.set(event_target_value(&ev))/>
            <span aria-hidden="true">"–"</span>
            <input type="time" data-ld="hours-span-end" aria-label=format!("{label}: closes at") prop:value=move || row.end.get() on:input=move |ev| row.end.set(event_target_value(&ev))/>
            {remove_button(format!("Remove these {label} hours"), move || day.remove(row.key), "hours-span-remove")}
        </div>
    }
}

#[component]
fn BreaksEditor(breaks: RwSignal<Vec<BreakRow>>, keys: Keys) -> impl IntoView {
    let lunch = BreakDraft {
        start: "12:00".into(),
        end: "13:00".into(),
        days: [false; 7],
    };
    let add = move |_| breaks.update(|rows| rows.push(BreakRow::new(keys, &lunch)));
    view! {
        <fieldset class="ld-admin__fieldset" data-ld="breaks">
            <legend>"Breaks"</legend>
            <p class="ld-muted">"A pause inside the open hours, such as lunch. With no day ticked, the break is every day."</p>
            <div class="ld-admin__rows">
                <For each=move || breaks.get() key=|row| row.key children=move |row| view! { <BreakEditor breaks row/> }/>
            </div>
            <button type="button" class="ld-button" data-ld="break-add" on:click=add>"Add break"</button>
        </fieldset>
    }
}

#[component]
fn BreakEditor(breaks: RwSignal<Vec<BreakRow>>, row: BreakRow) -> impl IntoView {
    let every_day = move || row.days.iter().all(|d| !d.get());
    view! {
        <div class="ld-admin__row" data-ld="break-row">
            <input type="time" data-ld="break-start" aria-label="Break starts at" prop:value=move || row.start.get() on:input=move |ev| row.start.set(event_target_value(&ev))/>
            <span aria-hidden="true">"–"</span>
            <input type="time" data-ld="break-end" aria-label="Break ends at" prop:value=move || row.end.get() on:input=move |ev| row.end.set(event_target_value(&ev))/>
            <span class="ld-admin__row" role="group" aria-label="Days of this break">
                {DAYS.iter().copied().zip(row.days).map(|((key, label), ticked)| view! { <BreakDay key label ticked/> }).collect_view()}
            </span>
            <span class="ld-muted" data-ld="break-every-day">{move || every_day().then_some("Every day")}</span>
            {remove_button("Remove this break".into(), move || breaks.update(|rows| rows.retain(|r| r.key != row.key)), "break-remove")}
        </div>
    }
}

/// One day's checkbox, its visible label the day's first three letters.
#[component]
fn BreakDay(key: &'static str, label: &'static str, ticked: RwSignal<bool>) -> impl IntoView {
    let (short, _) = label.split_at(3);
    view! {
        <label class="ld-check" title=label>
            <input type="checkbox" data-ld="break-day" data-day=key aria-label=label prop:checked=move || ticked.get() on:change=move |ev| ticked.set(event_target_checked(&ev))/>
            <span>{short}</span>
        </label>
    }
}

#[component]
fn HolidaysEditor(holidays: RwSignal<Vec<HolidayRow>>, keys: Keys) -> impl IntoView {
    let add =
        move |_| holidays.update(|rows| rows.push(HolidayRow::new(keys, &HolidayDraft::default())));
    view! {
        <fieldset class="ld-admin__fieldset" data-ld="holidays">
            <legend>"Holidays"</legend>
            <p class="ld-muted">"Closed all day on these dates, whatever the weekly hours."</p>
            <div class="ld-admin__rows">
                <For each=move || holidays.get() key=|row| row.key children=move |row| view! { <HolidayEditor holidays row/> }/>
            </div>
            <button type="button" class="ld-button" data-ld="holiday-add" on:click=add>"Add holiday"</button>
        </fieldset>
    }
}

#[component]
fn HolidayEditor(holidays: RwSignal<Vec<HolidayRow>>, row: HolidayRow) -> impl IntoView {
    view! {
        <div class="ld-admin__row" data-ld="holiday-row">
            <input type="date" data-ld="holiday-date" aria-label="Holiday date" prop:value=move || row.date.get() on:input=move |ev| row.date.set(event_target_value(&ev))/>
            <input type="text" data-ld="holiday-name" aria-label="Holiday name" placeholder="Name, such as New Year's Day" prop:value=move || row.name.get() on:input=move |ev| row.name.set(event_target_value(&ev))/>
            <input type="text" data-ld="holiday-message" aria-label="Message for visitors (optional)" placeholder="Message for visitors (optional)" prop:value=move || row.message.get() on:input=move |ev| row.message.set(event_target_value(&ev))/>
            {remove_button("Remove this holiday".into(), move || holidays.update(|rows| rows.retain(|r| r.key != row.key)), "holiday-remove")}
        </div>
    }
}

/// The override's inputs; `until` holds the datetime-local value, in the site's zone.
#[derive(Clone, Copy)]
struct EmergencyRow {
    on: RwSignal<bool>,
    message: RwSignal<String>,
    until: RwSignal<String>,
}

impl EmergencyRow {
    fn new(config: &HoursConfig) -> EmergencyRow {
        let emergency = config.emergency.as_ref();
        let until = emergency
            .and_then(|e| e.until.as_deref())
            .map(|u| zone::until_for_input(u, zone::browser_offset(&config.time_zone)))
            .unwrap_or_default();
        EmergencyRow {
            on: RwSignal::new(emergency.is_some()),
            message: RwSignal::new(emergency.map(|e| e.message.clone()).unwrap_or_default()),
            until: RwSignal::new(until),
        }
    }

    fn stored(self, time_zone: &str) -> Result<Option<Emergency>, String> {
        if !self.on.get_untracked() {
            return Ok(None);
        }
        let until = zone::until_to_stored(
            &self.until.get_untracked(),
            time_zone,
            zone::browser_offset(time_zone),
        )?;
        Ok(Some(Emergency {
            message: self.message.get_untracked().trim().to_owned(),
            until,
        }))
    }
}

#[component]
fn EmergencyEditor(emergency: EmergencyRow) -> impl IntoView {
    let EmergencyRow { on, message, until } = emergency;
    view! {
        <fieldset class="ld-admin__fieldset" data-ld="emergency">
            <legend>"Emergency override"</legend>
            <label class="ld-check">
                <input type="checkbox" name="emergency" prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev))/>
                <span>"Closed now, whatever the schedule says"</span>
            </label>
            <label class="ld-field"><span>"Message for visitors"</span>
                <input name="emergency_message" type="text" prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))/>
            </label>
            <label class="ld-field"><span>"Lifts by itself at (the site's time; empty: until you untick it)"</span>
                <input name="emergency_until" type="datetime-local" data-ld="emergency-until" prop:value=move || until.get() on:input=move |ev| until.set(event_target_value(&ev))/>
            </label>
        </fieldset>
    }
}
