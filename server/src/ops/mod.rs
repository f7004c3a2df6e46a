//! Operating a node: health, metrics and logs.

pub mod health;
pub mod telemetry;
