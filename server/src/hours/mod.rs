//! Business hours, holidays and the SLA clock (pure, no IO).
//!
//! A site's schedule is stored as JSON ([`BusinessHoursConfig`]) and validated into
//! [`BusinessHours`]. From it:
//! - [`BusinessHours::status_at`] tells whether the desk is open, why not, and when it
//!   opens next; [`widget_state`] turns that plus agent availability into the widget's
//!   ONLINE / BUSY / OFFLINE.
//! - [`BusinessHours::add_business_time`] and [`BusinessHours::business_time_between`]
//!   run the SLA clock on open time only.
//!
//! Instants cross the boundary as `time::OffsetDateTime`, like everywhere else in the
//! server; inside, `jiff` does the time-zone work with its bundled IANA database, so the
//! result does not depend on the host's `/usr/share/zoneinfo`.
//!
//! # Layout
//! - `clock`: wall times ("09:00"), intervals, weekdays.
//! - `schedule`: the stored shape, validation, open minutes per weekday.
//! - `timeline`: local schedule → stretches of real time; daylight saving rules.
//! - `openness`: open / closed and why, next opening, widget state.
//! - `sla`: adding and measuring business time.

mod clock;
mod openness;
mod schedule;
mod sla;
mod timeline;

pub use clock::{Interval, InvalidWallTime, WallTime, Weekday};
pub use openness::{ClosedReason, Openness, WidgetState, widget_state};
pub use schedule::{
    Break, BusinessHours, BusinessHoursConfig, EmergencyOverride, Holiday, ScheduleError,
    WeeklyHours,
};
