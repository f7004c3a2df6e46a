//! Dates and names as the agent reads them, in the browser's time zone and language.

use js_sys::{Date, Object, Reflect};
use livedesk_protocol::api::Role;
use time::OffsetDateTime;
use wasm_bindgen::JsValue;

fn js_date(at: OffsetDateTime) -> Date {
    let millis = (at.unix_timestamp_nanos() / 1_000_000) as f64;
    Date::new(&JsValue::from_f64(millis))
}

fn language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".to_owned())
}

/// `14:05`
pub fn clock(at: OffsetDateTime) -> String {
    let date = js_date(at);
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// The time for today's events, the day and month for older ones.
pub fn when(at: OffsetDateTime) -> String {
    let date = js_date(at);
    let today = Date::new_0();
    let same_day = date.get_full_year() == today.get_full_year()
        && date.get_month() == today.get_month()
        && date.get_date() == today.get_date();
    if same_day {
        return clock(at);
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"day".into(), &"numeric".into());
    let _ = Reflect::set(&options, &"month".into(), &"short".into());
    date.to_locale_date_string(&language(), &options).into()
}

/// Full date and time, for tooltips.
pub fn full(at: OffsetDateTime) -> String {
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    js_date(at).to_locale_string(&language(), &options).into()
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Superadmin => "Superadmin",
        Role::Admin => "Admin",
        Role::Agent => "Agent",
    }
}

/// Up to two initials for an avatar ("Visitor 0a9e…" gives "V", not "V0").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// `45 s`, `12 min`, `2 h 05 min`: how long something has lasted.
pub fn duration(d: time::Duration) -> String {
    let secs = d.whole_seconds().max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        _ => format!("{} h {:02} min", secs / 3600, secs % 3600 / 60),
    }
}
