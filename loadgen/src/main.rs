//! `livedesk-loadgen`: the load generator behind `cargo xtask bench`.
//!
//! It speaks the real protocol (the frame types of `livedesk-protocol`) over real TCP, from
//! a chosen 127.0.0.x source address, and prints its figures as JSON lines on stdout.
//!
//! # Layout
//! - `hold`: many idle visitor sockets on one node, for memory per socket.
//! - `latency`: a steady rate of visitor messages on one node, timed to their `ack` and to
//!   agents' sockets on another node.
//! - `connect`: sockets from a source address (`IP_BIND_ADDRESS_NO_PORT`), small buffers.
//! - `api`: visitor sessions and agent logins over REST.
//! - `report`, `stats`: the JSON lines, and percentiles.

mod api;
mod connect;
mod hold;
mod latency;
mod report;
mod stats;

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "livedesk-loadgen",
    about = "Load generator for Livedesk benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Open idle visitor sockets on one node and hold them; steps are driven over stdin
    /// (`connect`, then `report`).
    Hold {
        /// The node, as `http://IP:PORT`.
        #[arg(long)]
        node: String,
        #[arg(long)]
        site_key: String,
        /// An allowed origin of the site, sent as the page's `Origin`.
        #[arg(long)]
        origin: String,
        #[arg(long)]
        visitors: usize,
        /// Local address the sockets are bound to (one per generator: 127.0.0.2, …).
        #[arg(long, default_value = "127.0.0.1")]
        source: IpAddr,
        /// Sessions and handshakes in flight at once.
        #[arg(long, default_value_t = 64)]
        parallel: usize,
        /// Seconds between a socket's protocol pings.
        #[arg(long, default_value_t = 30)]
        ping_every: u64,
    },
    /// Visitors on one node send at a steady rate to agents on another; prints latencies.
    Latency {
        #[arg(long)]
        visitor_node: String,
        #[arg(long)]
        agent_node: String,
        #[arg(long)]
        site_key: String,
        #[arg(long)]
        origin: String,
        /// An agent account of the site (repeatable): one socket each.
        #[arg(long = "agent", required = true)]
        agents: Vec<String>,
        /// The agents' password.
        #[arg(long, env = "LOADGEN_AGENT_PASSWORD")]
        password: String,
        /// Visitors sending, each with its own conversation.
        #[arg(long, default_value_t = 400)]
        senders: usize,
        /// Messages a second, all senders together.
        #[arg(long, default_value_t = 2000.0)]
        rate: f64,
        /// Seconds to send for.
        #[arg(long, default_value_t = 30)]
        duration: u64,
        #[arg(long, default_value = "127.0.0.1")]
        source: IpAddr,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Hold {
            node,
            site_key,
            origin,
            visitors,
            source,
            parallel,
            ping_every,
        } => {
            hold::run(hold::Hold {
                node,
                site_key,
                origin,
                visitors,
                source,
                parallel,
                ping_every: Duration::from_secs(ping_every.max(1)),
            })
            .await
        }
        Command::Latency {
            visitor_node,
            agent_node,
            site_key,
            origin,
            agents,
            password,
            senders,
            rate,
            duration,
            source,
        } => {
            if senders == 0 || rate.is_nan() || rate <= 0.0 {
                eprintln!("livedesk-loadgen: --senders and --rate must be above zero");
                return ExitCode::from(2);
            }
            latency::run(latency::Latency {
                visitor_node,
                agent_node,
                site_key,
                origin,
                agents,
                password,
                senders,
                rate,
                duration: Duration::from_secs(duration),
                source,
            })
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("livedesk-loadgen: {error:#}");
            ExitCode::FAILURE
        }
    }
}
