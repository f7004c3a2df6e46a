//! Business hours: the time zone, open intervals per weekday, breaks, holidays and the
//! emergency override (`/api/v1/site/business-hours`), beside a preview of what the widget
//! shows now (`/api/v1/site/status`), fetched again after every save.
//!
//! The form ([`editor`]) edits the stored JSON's shape through the small mirror types
//! below; its rows become that shape in [`draft`], with no browser involved, and the
//! emergency's end crosses time zones in [`zone`]. The server validates the schedule and
//! its message names the day or date to fix.

mod draft;
mod editor;
mod rows;
mod zone;

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::status::{ClosedReason, SiteStatus, WidgetState};
use serde::{Deserialize, Serialize};

use super::{LoadState, fetch};
use crate::desk::{Desk, Load};
use crate::session;
use crate::views::format;
use editor::HoursForm;

/// The stored weekday keys, Monday first, with their labels.
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
