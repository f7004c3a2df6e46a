//! The idle phase: one generator per node, each from its own 127.0.0.x, opens its share of
//! visitor sessions, then the sockets, and holds them past a server ping. Each node's RSS
//! is read before the sockets (after the sessions, so HTTP work is in the baseline), with
//! them, at the end of the hold, and once they are gone.

use super::cluster::Cluster;
use super::generator::{Event, Generator};
use super::machine::rss_kib;
use super::options::Options;
use crate::process::stop_requested;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Sessions and handshakes each generator keeps in flight: enough to keep a node busy,
/// few enough that its 20 database connections are not the queue.
const PARALLEL: usize = 32;
/// Sessions or sockets of one node must be open within this.
const STEP_TIMEOUT: Duration = Duration::from_secs(600);

/// What one node and its generator did.
#[derive(Debug, Default)]
pub struct NodeIdle {
    pub requested: usize,
    pub sessions_created: usize,
    pub sessions_failed: usize,
    pub sessions_secs: f64,
    pub held: usize,
    pub connect_failed: usize,
    pub connect_secs: f64,
    /// Still open when the hold ended, by the generator's count.
    pub open_at_end: usize,
    pub lost: usize,
    pub pings_sent: u64,
    pub pongs: u64,
    /// The node's own gauge of open visitor sockets at the end of the hold.
    pub server_count: Option<u64>,
    pub rss_fresh_kib: u64,
    pub rss_before_kib: u64,
    pub rss_held_kib: u64,
    pub rss_end_kib: u64,
    pub rss_after_close_kib: u64,
    pub generator_rss_kib: u64,
    pub first_error: Option<String>,
}

impl NodeIdle {
    /// The sockets the node held at the end: its own count, else the generator's.
    pub fn sockets(&self) -> u64 {
        self.server_count.unwrap_or(self.open_at_end as u64)
    }

    /// (RSS with the sockets − RSS before them) / sockets, in KiB.
    pub fn kib_per_socket(&self) -> Option<f64> {
        let sockets = self.sockets();
        (sockets > 0)
            .then(|| self.rss_end_kib.saturating_sub(self.rss_before_kib) as f64 / sockets as f64)
    }
}

pub fn run(options: &Options, cluster: &mut Cluster, loadgen: &Path) -> Result<Vec<NodeIdle>> {
    let mut nodes: Vec<NodeIdle> = Vec::with_capacity(cluster.nodes.len());
    for (index, node) in cluster.nodes.iter().enumerate() {
        nodes.push(NodeIdle {
            requested: options.visitors_on(index),
            rss_fresh_kib: rss_kib(node.service.pid())?,
            ..NodeIdle::default()
        });
    }
    let mut generators = Vec::with_capacity(nodes.len());
    for (index, node) in cluster.nodes.iter().enumerate() {
        let source = format!("127.0.0.{}", index + 2);
        let mut cmd = Command::new(loadgen);
        cmd.args(["hold", "--node", &node.url, "--site-key", &cluster.site_key])
            .args(["--origin", super::cluster::ORIGIN, "--source", &source])
            .args(["--visitors", &nodes[index].requested.to_string()])
            .args(["--parallel", &PARALLEL.to_string()]);
        generators.push(Generator::spawn(
            format!("generator {}", index + 1),
            &mut cmd,
        )?);
    }
    println!(
        "bench: opening {} visitor sessions over {} nodes…",
        options.visitors,
        nodes.len()
    );
    for (generator, node) in generators.iter_mut().zip(&mut nodes) {
        match generator.next_event(STEP_TIMEOUT)? {
            Event::Sessions {
                created,
                failed,
                secs,
                first_error,
            } => {
                node.sessions_created = created;
                node.sessions_failed = failed;
                node.sessions_secs = secs;
                node.first_error = first_error;
            }
            other => bail!("{} sent {other:?} instead of its sessions", generator.name),
        }
    }
    for (node, live) in nodes.iter_mut().zip(&cluster.nodes) {
        node.rss_before_kib = rss_kib(live.service.pid())?;
    }
    println!("bench: opening the visitor sockets…");
    for generator in &mut generators {
        generator.tell("connect")?;
    }
    for (generator, node) in generators.iter_mut().zip(&mut nodes) {
        match generator.next_event(STEP_TIMEOUT)? {
            Event::Held {
                held,
                failed,
                secs,
                first_error,
            } => {
                node.held = held;
                node.connect_failed = failed;
                node.connect_secs = secs;
                node.first_error = node.first_error.take().or(first_error);
            }
            other => bail!("{} sent {other:?} instead of its sockets", generator.name),
        }
    }
    for (node, live) in nodes.iter_mut().zip(&cluster.nodes) {
        node.rss_held_kib = rss_kib(live.service.pid())?;
    }
    let held: usize = nodes.iter().map(|n| n.held).sum();
    println!(
        "bench: {held} sockets open; holding them for {} s…",
        options.hold
    );
    wait(cluster, Duration::from_secs(options.hold))?;
    for ((node, live), generator) in nodes.iter_mut().zip(&cluster.nodes).zip(&generators) {
        node.rss_end_kib = rss_kib(live.service.pid())?;
        node.generator_rss_kib = rss_kib(generator.pid())?;
    }
    for generator in &mut generators {
        generator.tell("report")?;
    }
    for (generator, node) in generators.iter_mut().zip(&mut nodes) {
        match generator.next_event(Duration::from_secs(60))? {
            Event::Report {
                open,
                lost,
                pings_sent,
                pongs,
                server_open_visitor_sockets,
            } => {
                node.open_at_end = open;
                node.lost = lost;
                node.pings_sent = pings_sent;
                node.pongs = pongs;
                node.server_count = server_open_visitor_sockets;
            }
            other => bail!("{} sent {other:?} instead of its report", generator.name),
        }
    }
    // The generators exit after reporting, which closes every socket.
    drop(generators);
    wait(cluster, Duration::from_secs(5))?;
    for (node, live) in nodes.iter_mut().zip(&cluster.nodes) {
        node.rss_after_close_kib = rss_kib(live.service.pid())?;
    }
    Ok(nodes)
}

/// Sleeps for `time`, unless a stop is requested or a node dies.
pub fn wait(cluster: &mut Cluster, time: Duration) -> Result<()> {
    let deadline = Instant::now() + time;
    while Instant::now() < deadline {
        if stop_requested() {
            bail!("stopped");
        }
        cluster.check_alive()?;
        sleep(Duration::from_millis(200));
    }
    Ok(())
}
