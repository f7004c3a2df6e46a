//! `cargo xtask bench`: the realtime core under load, on this machine, with the figures
//! written to `docs/benchmarks.md`.
//!
//! It builds the `livedesk` binary and `livedesk-loadgen` in release, starts a durable
//! scratch PostgreSQL, a scratch Redis and N nodes ([`cluster`]), holds idle visitor sockets
//! on every node and reads each node's memory ([`idle`]), then times messages from visitors
//! on node 1 to agents on node 2 ([`messages`]), at the target rate and at half of it. Everything it starts is a guard that stops
//! its process when dropped, so an error or Ctrl-C stops it all. Node logs are kept in
//! `target/bench/`.

mod cluster;
mod generator;
mod idle;
mod machine;
mod messages;
mod options;
mod report;

pub use options::FLAGS;

use crate::paths;
use crate::process::{run, stop_requested};
use crate::setup;
use anyhow::Result;
use options::Options;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

pub fn bench(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    setup::setup()?;
    let (livedesk, loadgen) = build()?;
    if stop_requested() {
        return Ok(());
    }
    let machine = machine::Machine::describe()?;
    let dir = paths::target_dir().join("bench");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    println!(
        "bench: starting PostgreSQL, Redis and {} nodes (logs in {})",
        options.nodes,
        dir.display()
    );
    let Some(mut cluster) =
        cluster::Cluster::start(&livedesk, &dir, options.nodes, options.agents)?
    else {
        return Ok(());
    };
    let idle = idle::run(&options, &mut cluster, &loadgen)?;
    // At the target rate, then at half of it: if the first is past what the box can carry,
    // the second shows the latency below saturation.
    let mut runs = Vec::with_capacity(2);
    for rate in [options.rate, options.rate / 2.0] {
        runs.push(messages::run(&options, rate, &mut cluster, &loadgen)?);
    }
    drop(cluster);

    let command_line = Options::command_line(args);
    let section = report::render(&report::Run {
        machine: &machine,
        command_line: &command_line,
        options: &options,
        idle: &idle,
        messages: &runs,
    });
    let path = paths::root().join("docs/benchmarks.md");
    report::write(&path, &section)?;
    println!("\n{section}\nbench: written to {}", path.display());
    Ok(())
}

/// Builds the server and the load generator in release, in one cargo run.
fn build() -> Result<(PathBuf, PathBuf)> {
    run(Command::new("cargo").current_dir(paths::root()).args([
        "build",
        "--release",
        "-p",
        "livedesk-server",
        "-p",
        "livedesk-loadgen",
    ]))?;
    let release = paths::target_dir().join("release");
    Ok((release.join("livedesk"), release.join("livedesk-loadgen")))
}
