//! The emergency override's end: the admin picks it in the site's time zone with an
//! `<input type="datetime-local">` (`"2026-05-01T14:30"`, no offset), the server stores
//! an RFC 3339 instant (`"2026-05-01T14:30:00+03:00"`).
//!
//! The browser has the time zone database (`Intl`), so the zone's offset at an instant is
//! asked of it; the conversions themselves take that lookup as a function (`offset_at`:
//! the zone's offset from UTC at an instant, `None` for a zone the browser does not know)
//! and stay pure.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

fn parse_local(value: &str) -> Option<PrimitiveDateTime> {
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    PrimitiveDateTime::parse(value, minutes)
        .or_else(|_| PrimitiveDateTime::parse(value, seconds))
        .ok()
}

/// A datetime-local value read in the site's zone, as the server stores it; `None` for an
/// empty input. Across a clock change the offset of the resulting instant wins, so a time
/// in the hour skipped in spring lands just after the change.
pub(crate) fn until_to_stored(
    value: &str,
    zone: &str,
    offset_at: impl Fn(OffsetDateTime) -> Option<UtcOffset>,
) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let local =
        parse_local(value).ok_or_else(|| format!("Emergency: “{value}” is not a date and time"))?;
    let unknown =
        || format!("Emergency: the time zone “{zone}” is not known, so its end cannot be read");
    let first = offset_at(local.assume_utc()).ok_or_else(unknown)?;
    let guess = local.assume_offset(first);
    let second = offset_at(guess).ok_or_else(unknown)?;
    let instant = if second == first {
        guess
    } else {
        local.assume_offset(second)
    };
    instant
        .format(&Rfc3339)
        .map(Some)
        .map_err(|_| format!("Emergency: “{value}” is out of range"))
}

/// A stored end as the datetime-local input shows it, in the site's zone (or, when the
/// browser does not know that zone, at the offset it was stored with).
pub(crate) fn until_for_input(
    stored: &str,
    offset_at: impl Fn(OffsetDateTime) -> Option<UtcOffset>,
) -> String {
    let Ok(instant) = OffsetDateTime::parse(stored, &Rfc3339) else {
        return String::new();
    };
    let local = offset_at(instant).map_or(instant, |offset| instant.to_offset(offset));
    local
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap_or_default()
}

/// The offset lookup for an IANA zone, through the browser's `Intl.DateTimeFormat`: it
/// formats the instant as a wall time in the zone, and the difference is the offset.
pub(crate) fn browser_offset(zone: &str) -> impl Fn(OffsetDateTime) -> Option<UtcOffset> + Clone {
    let format = zone_format(zone);
    move |instant: OffsetDateTime| {
        let format = format.as_ref()?;
        let seconds = instant.unix_timestamp();
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
        let parts = format.format_to_parts(&date);
        let part = |name: &str| -> Option<i32> {
            parts.iter().find_map(|p| {
                let kind = js_sys::Reflect::get(&p, &"type".into()).ok()?.as_string()?;
                (kind == name)
                    .then(|| js_sys::Reflect::get(&p, &"value".into()).ok()?.as_string())
                    .flatten()?
                    .parse()
                    .ok()
            })
        };
        let month = time::Month::try_from(u8::try_from(part("month")?).ok()?).ok()?;
        let day = u8::try_from(part("day")?).ok()?;
        let date = time::Date::from_calendar_date(part("year")?, month, day).ok()?;
        let wall = time::Time::from_hms(
            u8::try_from(part("hour")?).ok()?,
            u8::try_from(part("minute")?).ok()?,
            u8::try_from(part("second")?).ok()?,
        )
        .ok()?;
        let offset = PrimitiveDateTime::new(date, wall)
            .assume_utc()
            .unix_timestamp()
            - seconds;
        UtcOffset::from_whole_seconds(i32::try_from(offset).ok()?).ok()
    }
}

/// `None` when the browser refuses the zone (`RangeError`), caught rather than thrown.
fn zone_format(zone: &str) -> Option<js_sys::Intl::DateTimeFormat> {
    use wasm_bindgen::JsCast;
    let options = js_sys::Object::new();
    for (key, value) in [
        ("timeZone", zone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = js_sys::Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let locales = js_sys::Array::of1(&"en-US".into());
    js_sys::Reflect::construct(&constructor, &js_sys::Array::of2(&locales, &options))
        .ok()
        .map(|format| format.unchecked_into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    /// A zone at +02:00 from 2026-03-29 01:00 UTC, +01:00 before (Europe/Berlin's spring).
    fn berlin(instant: OffsetDateTime) -> Option<UtcOffset> {
        Some(if instant < datetime!(2026-03-29 01:00 UTC) {
            offset!(+1)
        } else {
            offset!(+2)
        })
    }

    #[test]
    fn an_end_picked_in_the_site_zone_is_stored_with_its_offset() {
        let cases = [
            ("2026-05-01T14:30", Some("2026-05-01T14:30:00+02:00")),
            ("2026-01-10T08:00", Some("2026-01-10T08:00:00+01:00")),
            ("2026-01-10T08:00:15", Some("2026-01-10T08:00:15+01:00")),
            // 02:30 does not exist that night (02:00 jumps to 03:00): 03:30 summer time.
            ("2026-03-29T02:30", Some("2026-03-29T02:30:00+01:00")),
            ("", None),
        ];
        for (value, expected) in cases {
            let stored = until_to_stored(value, "Europe/Berlin", berlin).expect("readable");
            assert_eq!(stored.as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn an_unreadable_end_or_an_unknown_zone_is_refused() {
        assert!(until_to_stored("tomorrow", "Europe/Berlin", berlin).is_err());
        let error = until_to_stored("2026-05-01T14:30", "Mars/Olympus", |_| None)
            .expect_err("unknown zone");
        assert!(error.contains("Mars/Olympus"), "{error}");
    }

    #[test]
    fn a_stored_end_shows_in_the_site_zone() {
        assert_eq!(
            until_for_input("2026-05-01T12:30:00Z", berlin),
            "2026-05-01T14:30"
        );
        assert_eq!(
            until_for_input("2026-05-01T14:30:00+03:00", |_| None),
            "2026-05-01T14:30",
            "an unknown zone keeps the stored offset"
        );
        assert_eq!(until_for_input("not a time", berlin), "");
    }
}
