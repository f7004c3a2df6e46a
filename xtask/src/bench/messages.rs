//! The message phase: visitors on node 1 send at a steady rate; agents on node 2 receive
//! every message through Redis. One generator times both ends, and the CPU each process
//! (and the whole machine, which may be doing other work) used in the measured window is
//! read from `/proc`.

use super::cluster::{Cluster, ORIGIN};
use super::generator::{Event, Generator, LatencyReport};
use super::idle::wait;
use super::machine::{cpu_secs, machine_busy_secs, tree_cpu_secs};
use super::options::Options;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Messages {
    pub report: LatencyReport,
    /// Cores used in the measured window (1.0 = one core busy all along).
    pub cpu: Cpu,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Cpu {
    pub visitor_node: f64,
    pub agent_node: f64,
    pub generator: f64,
    pub postgres: f64,
    pub redis: f64,
    /// The whole machine; what the bench's processes did not use went to other work.
    pub machine: f64,
}

impl Cpu {
    pub fn others(&self) -> f64 {
        let ours =
            self.visitor_node + self.agent_node + self.generator + self.postgres + self.redis;
        (self.machine - ours).max(0.0)
    }
}

/// CPU seconds so far of everything the bench measures, in [`Cpu`]'s order.
fn cpu_now(pids: &[u32; 4], postgres: Option<u32>) -> Result<[f64; 6]> {
    Ok([
        cpu_secs(pids[0])?,
        cpu_secs(pids[1])?,
        cpu_secs(pids[2])?,
        postgres.map_or(Ok(0.0), tree_cpu_secs)?,
        cpu_secs(pids[3])?,
        machine_busy_secs()?,
    ])
}

/// One run at `rate` messages a second, with the other counts from `options`.
pub fn run(
    options: &Options,
    rate: f64,
    cluster: &mut Cluster,
    loadgen: &Path,
) -> Result<Messages> {
    let (visitor_node, agent_node) = (&cluster.nodes[0], &cluster.nodes[1]);
    let mut cmd = Command::new(loadgen);
    cmd.args(["latency", "--visitor-node", &visitor_node.url])
        .args(["--agent-node", &agent_node.url])
        .args(["--site-key", &cluster.site_key, "--origin", ORIGIN])
        .args(["--senders", &options.senders.to_string()])
        .args(["--rate", &rate.to_string()])
        .args(["--duration", &options.duration.to_string()])
        .args(["--source", "127.0.0.2"])
        .env("LOADGEN_AGENT_PASSWORD", &cluster.agent_password);
    for agent in cluster.agents.iter().take(options.agents) {
        cmd.args(["--agent", agent]);
    }
    let pids = [visitor_node.service.pid(), agent_node.service.pid()];
    println!(
        "bench: {} messages/s for {} s from {} visitors on node 1 to {} agents on node 2…",
        rate, options.duration, options.senders, options.agents
    );
    let mut generator = Generator::spawn("message generator".into(), &mut cmd)?;
    match generator.next_event(Duration::from_secs(300))? {
        Event::Sending {} => {}
        other => bail!("the message generator sent {other:?} before sending"),
    }
    let pids = [pids[0], pids[1], generator.pid(), cluster.redis_pid()];
    let postgres = cluster.postgres_pid();
    let started = Instant::now();
    let before = cpu_now(&pids, postgres)?;
    wait(cluster, Duration::from_secs(options.duration))?;
    let after = cpu_now(&pids, postgres)?;
    let window = started.elapsed().as_secs_f64();
    let share = |i: usize| (after[i] - before[i]) / window;
    let cpu = Cpu {
        visitor_node: share(0),
        agent_node: share(1),
        generator: share(2),
        postgres: share(3),
        redis: share(4),
        machine: share(5),
    };
    let timeout = Duration::from_secs(120);
    let report = match generator.next_event(timeout)? {
        Event::Latency(report) => report,
        other => bail!("the message generator sent {other:?} instead of its figures"),
    };
    Ok(Messages { report, cpu })
}
