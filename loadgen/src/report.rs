//! What the generator prints: one JSON object a line on stdout, tagged by `event`, for
//! `cargo xtask bench` to read. Human-readable progress goes to stderr.

use serde::Serialize;

use crate::stats::Summary;

#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// `hold`: the visitor sessions are open; waiting for `connect` on stdin.
    Sessions {
        created: usize,
        failed: usize,
        secs: f64,
        first_error: Option<String>,
    },
    /// `hold`: every socket has been tried; waiting for `report` on stdin.
    Held {
        held: usize,
        failed: usize,
        secs: f64,
        first_error: Option<String>,
    },
    /// `hold`: the sockets as they are now, after holding.
    Report {
        /// Sockets this process still has open.
        open: usize,
        /// Sockets the server closed or that failed while held.
        lost: usize,
        pings_sent: u64,
        pongs: u64,
        /// The node's own gauge of open visitor sockets (all generators together).
        server_open_visitor_sockets: Option<u64>,
    },
    /// `latency`: every socket is open and the measured window begins now.
    Sending { senders: usize, agents: usize },
    /// `latency`: the whole run.
    Latency(Box<LatencyReport>),
}

#[derive(Debug, Serialize)]
pub struct LatencyReport {
    pub senders: usize,
    pub agents: usize,
    pub target_rate: f64,
    pub duration_secs: f64,
    /// Sends written to the visitor sockets during the measured window.
    pub sent: u64,
    pub acked: u64,
    /// `message` frames that reached an agent socket (each agent sees every message).
    pub delivered: u64,
    pub errors: u64,
    /// Sent per second over the window.
    pub send_rate: f64,
    /// Acked messages per second, from the first scheduled send to the last ack:
    /// durable messages a second.
    pub ack_rate: f64,
    /// The seconds `ack_rate` is taken over (the window, or longer if acks trailed).
    pub ack_secs: f64,
    /// Frames delivered to agents per second, all agent sockets together, likewise.
    pub delivery_rate: f64,
    pub delivery_secs: f64,
    /// Scheduled send → `ack` on the sender's socket (durable in PostgreSQL).
    pub ack_latency: Summary,
    /// Scheduled send → `message` frame on an agent's socket on the other node.
    pub delivery_latency: Summary,
    pub first_error: Option<String>,
}

/// Prints one event as a JSON line.
pub fn emit(event: &Event) {
    match serde_json::to_string(event) {
        Ok(line) => println!("{line}"),
        Err(error) => eprintln!("loadgen: could not serialise a report: {error}"),
    }
}
