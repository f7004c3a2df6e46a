//! One `livedesk-loadgen` process and the JSON lines it prints (its `report.rs` defines
//! them; only the fields the bench reads are named here). Steps are requested by writing
//! a word on its stdin.

use crate::process::{Service, stop_requested};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, Command};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

#[derive(Debug, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Sessions {
        created: usize,
        failed: usize,
        secs: f64,
        first_error: Option<String>,
    },
    Held {
        held: usize,
        failed: usize,
        secs: f64,
        first_error: Option<String>,
    },
    Report {
        open: usize,
        lost: usize,
        pings_sent: u64,
        pongs: u64,
        server_open_visitor_sockets: Option<u64>,
    },
    Sending {},
    Latency(LatencyReport),
}

#[derive(Clone, Debug, Deserialize)]
pub struct LatencyReport {
    pub senders: usize,
    pub agents: usize,
    pub target_rate: f64,
    pub duration_secs: f64,
    pub sent: u64,
    pub acked: u64,
    pub delivered: u64,
    pub errors: u64,
    pub send_rate: f64,
    pub ack_rate: f64,
    pub ack_secs: f64,
    pub delivery_rate: f64,
    pub delivery_secs: f64,
    pub ack_latency: Summary,
    pub delivery_latency: Summary,
    pub first_error: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct Summary {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

pub struct Generator {
    pub name: String,
    service: Service,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Generator {
    pub fn spawn(name: String, cmd: &mut Command) -> Result<Self> {
        let (service, stdin, stdout) = Service::spawn_piped("livedesk-loadgen", cmd)?;
        let (tx, lines) = mpsc::channel();
        // A thread reads, so that waiting for a line can still notice Ctrl-C.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Ok(Self {
            name,
            service,
            stdin,
            lines,
        })
    }

    pub fn pid(&self) -> u32 {
        self.service.pid()
    }

    /// Asks for the next step (`connect`, `report`).
    pub fn tell(&mut self, word: &str) -> Result<()> {
        writeln!(self.stdin, "{word}")
            .and_then(|()| self.stdin.flush())
            .with_context(|| format!("{} stopped listening", self.name))
    }

    /// The next event, within `timeout`. Fails if the generator exits first or a stop was
    /// requested.
    pub fn next_event(&mut self, timeout: Duration) -> Result<Event> {
        let deadline = Instant::now() + timeout;
        loop {
            if stop_requested() {
                bail!("stopped");
            }
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    return serde_json::from_str(&line)
                        .with_context(|| format!("{} printed {line:?}", self.name));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.service.exited();
                    bail!(
                        "{} ended ({status:?}) before reporting (see above)",
                        self.name
                    );
                }
                Err(RecvTimeoutError::Timeout) if Instant::now() > deadline => {
                    bail!("{} reported nothing within {timeout:?}", self.name);
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}
