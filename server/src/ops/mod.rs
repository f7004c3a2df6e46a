//! Operating a node: health, metrics, logs, rate limits, and jobs one node runs at a time.

pub mod health;
pub mod rate_limit;
pub mod singleton;
pub mod telemetry;
