//! The message phase: visitors on node 1 send at a steady rate; agents on node 2 receive
//! every message through Redis. One generator times both ends, and the CPU each process
//! used in the measured window is read from `/proc`.

use super::cluster::{Cluster, ORIGIN};
use super::generator::{Event, Generator, LatencyReport};
use super::idle::wait;
use super::machine::cpu_secs;
use super::options::Options;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Messages {
    pub report: LatencyReport,
    /// Share of one core used in the measured window, by node 1, node 2 and the generator.
    pub cpu_visitor_node: f64,
    pub cpu_agent_node: f64,
    pub cpu_generator: f64,
}

pub fn run(options: &Options, cluster: &mut Cluster, loadgen: &Path) -> Result<Messages> {
    let (visitor_node, agent_node) = (&cluster.nodes[0], &cluster.nodes[1]);
    let mut cmd = Command::new(loadgen);
    cmd.args(["latency", "--visitor-node", &visitor_node.url])
        .args(["--agent-node", &agent_node.url])
        .args(["--site-key", &cluster.site_key, "--origin", ORIGIN])
        .args(["--senders", &options.senders.to_string()])
        .args(["--rate", &options.rate.to_string()])
        .args(["--duration", &options.duration.to_string()])
        .args(["--source", "127.0.0.2"])
        .env("LOADGEN_AGENT_PASSWORD", &cluster.agent_password);
    for agent in cluster.agents.iter().take(options.agents) {
        cmd.args(["--agent", agent]);
    }
    let pids = [visitor_node.service.pid(), agent_node.service.pid()];
    println!(
        "bench: {} messages/s for {} s from {} visitors on node 1 to {} agents on node 2…",
        options.rate, options.duration, options.senders, options.agents
    );
    let mut generator = Generator::spawn("message generator".into(), &mut cmd)?;
    match generator.next_event(Duration::from_secs(300))? {
        Event::Sending {} => {}
        other => bail!("the message generator sent {other:?} before sending"),
    }
    let pids = [pids[0], pids[1], generator.pid()];
    let started = Instant::now();
    let before = pids.map(cpu_secs);
    wait(cluster, Duration::from_secs(options.duration))?;
    let after = pids.map(cpu_secs);
    let window = started.elapsed().as_secs_f64();
    let share = |i: usize| -> Result<f64> {
        let (Ok(a), Ok(b)) = (&after[i], &before[i]) else {
            bail!("reading CPU time of pid {}", pids[i]);
        };
        Ok((a - b) / window)
    };
    let timeout = Duration::from_secs(120);
    let report = match generator.next_event(timeout)? {
        Event::Latency(report) => report,
        other => bail!("the message generator sent {other:?} instead of its figures"),
    };
    Ok(Messages {
        report,
        cpu_visitor_node: share(0)?,
        cpu_agent_node: share(1)?,
        cpu_generator: share(2)?,
    })
}
