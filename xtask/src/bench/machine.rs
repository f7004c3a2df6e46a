//! What the box is and what its processes use, from `/proc` (Linux only, like the bench).

use crate::process::output;
use anyhow::{Context, Result};
use std::fs;
use std::process::Command;

/// The facts a reader needs to compare figures across machines.
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory_gib: f64,
    pub kernel: String,
    pub rustc: String,
    /// 1, 5 and 15 minute load averages when the run began: other work on the box.
    pub load: String,
    pub date: String,
}

impl Machine {
    pub fn describe() -> Result<Self> {
        let meminfo = fs::read_to_string("/proc/meminfo")?;
        let memory_kib =
            field_kib(&meminfo, "MemTotal:").context("no MemTotal in /proc/meminfo")?;
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .and_then(|r| r.split(':').nth(1))
            })
            .map_or_else(|| "unknown CPU".into(), |m| m.trim().to_string());
        let load = fs::read_to_string("/proc/loadavg")?
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Self {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            memory_gib: memory_kib as f64 / (1024.0 * 1024.0),
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")?
                .trim()
                .to_string(),
            rustc: output(Command::new("rustc").arg("--version"))?
                .trim()
                .to_string(),
            load,
            date: output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))?
                .trim()
                .to_string(),
        })
    }
}

/// Resident memory of a process in KiB (`VmRSS` in `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    field_kib(&status, "VmRSS:").with_context(|| format!("no VmRSS for pid {pid}"))
}

/// CPU time a process has used so far, user and system, in seconds.
pub fn cpu_secs(pid: u32) -> Result<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after_name = &stat[stat.rfind(')').context("unreadable /proc/<pid>/stat")? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64> {
        Ok(fields
            .get(i)
            .context("short /proc/<pid>/stat")?
            .parse::<u64>()? as f64)
    };
    Ok((ticks(11)? + ticks(12)?) / clock_ticks_per_sec())
}

/// CPU time a process and its direct children (PostgreSQL's backends) have used, in seconds.
pub fn tree_cpu_secs(root: u32) -> Result<f64> {
    let mut total = cpu_secs(root)?;
    for entry in fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if parent(pid) == Some(root) {
            // A backend may exit between the listing and the read: it no longer counts.
            total += cpu_secs(pid).unwrap_or(0.0);
        }
    }
    Ok(total)
}

fn parent(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time the whole machine has been busy (every core, every process), in seconds.
pub fn machine_busy_secs() -> Result<f64> {
    let stat = fs::read_to_string("/proc/stat")?;
    let line = stat
        .lines()
        .find(|l| l.starts_with("cpu "))
        .context("no cpu line in /proc/stat")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|t| t.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    Ok(busy as f64 / clock_ticks_per_sec())
}

fn clock_ticks_per_sec() -> f64 {
    output(Command::new("getconf").arg("CLK_TCK"))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

fn field_kib(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_fields_of_proc_files() {
        let status = "Name:\tlivedesk\nVmPeak:\t  900 kB\nVmRSS:\t   45312 kB\n";

        assert_eq!(field_kib(status, "VmRSS:"), Some(45312));
        assert_eq!(field_kib(status, "VmSwap:"), None);
    }

    #[test]
    fn this_process_has_memory_and_cpu_time() -> Result<()> {
        assert!(rss_kib(std::process::id())? > 0);
        assert!(cpu_secs(std::process::id())? >= 0.0);
        Ok(())
    }
}
