//! Operating a node: health, metrics and logs.

pub mod health;
pub mod rate_limit;
pub mod telemetry;
