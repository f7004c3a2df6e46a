//! Services of an earlier `run` that died without stopping them (SIGKILL, a closed terminal
//! that sent nothing). Each service runs in its own process group so a Ctrl-C does not hit it
//! before xtask can stop things in order; the price is that it outlives a killed xtask. So
//! `run` writes down what it started and stops those first on the next start.
//!
//! A process is identified by its pid *and* its start time (field 22 of `/proc/<pid>/stat`),
//! so a recycled pid is never signalled.

use crate::process::{Service, signal};
use std::fs;
use std::path::PathBuf;
use std::thread::sleep;
use std::time::{Duration, Instant};

pub struct Leftovers {
    path: PathBuf,
}

impl Leftovers {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// Stops whatever the previous run recorded and is still alive, then forgets it.
    pub fn stop_all(&self) {
        let recorded = fs::read_to_string(&self.path).unwrap_or_default();
        for line in recorded.lines() {
            let mut fields = line.splitn(3, ' ');
            let (Some(pid), Some(started), Some(name)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let Ok(pid) = pid.parse::<u32>() else {
                continue;
            };
            if start_time(pid).as_deref() == Some(started) {
                println!("run: stopping {name} (pid {pid}) left running by an earlier run");
                signal(pid, "TERM");
                let deadline = Instant::now() + Duration::from_secs(10);
                while start_time(pid).is_some() && Instant::now() < deadline {
                    sleep(Duration::from_millis(100));
                }
                if start_time(pid).is_some() {
                    signal(pid, "KILL");
                }
            }
        }
        let _ = fs::remove_file(&self.path);
    }

    pub fn record(&self, service: &Service) {
        if let Some(started) = start_time(service.pid()) {
            let mut text = fs::read_to_string(&self.path).unwrap_or_default();
            text.push_str(&format!("{} {started} {}\n", service.pid(), service.name));
            let _ = fs::write(&self.path, text);
        }
    }
}

fn start_time(pid: u32) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let state = after_name.split_whitespace().next()?;
    if state == "Z" {
        return None; // exited, waiting to be reaped
    }
    after_name.split_whitespace().nth(19).map(str::to_string)
}
