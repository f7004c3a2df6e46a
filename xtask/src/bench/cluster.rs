//! What a benchmark runs against: a durable scratch PostgreSQL, a scratch Redis, a site with
//! agents (made with the `livedesk` binary's own operator commands), and N `livedesk serve`
//! nodes on free ports of 127.0.0.1. Dropping a [`Cluster`] stops it all: the nodes first,
//! then Redis, then PostgreSQL (fields drop in declaration order).

use crate::demo;
use crate::pg_server::PgServer;
use crate::process::{Service, any_free_port, output, run as run_cmd};
use crate::run::{start_redis, wait_until_listening};
use anyhow::{Context, Result, bail};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The page origin the bench site allows, sent by the generators as `Origin`.
pub const ORIGIN: &str = "https://shop.example.com";
/// Every per-IP limit times this: 30 000 sessions at once, 2 000 a second per generator.
/// The bench measures the realtime core, not the limiter.
const RATE_LIMIT_FACTOR: &str = "1000";

pub struct Node {
    pub service: Service,
    pub url: String,
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    pub site_key: String,
    pub agents: Vec<String>,
    pub agent_password: String,
    redis: Service,
    postgres: PgServer,
}

impl Cluster {
    /// Starts everything; `dir` receives the nodes' logs and the scratch Redis.
    /// `Ok(None)` when a stop was requested on the way.
    pub fn start(livedesk: &Path, dir: &Path, nodes: usize, agents: usize) -> Result<Option<Self>> {
        let postgres = PgServer::start_throwaway_durable()?;
        postgres.create_database_if_missing("livedesk")?;
        let redis_port = any_free_port()?;
        let redis = start_redis(&dir.join("redis"), redis_port, false)?;
        let web_dir = dir.join("web");
        for app in ["widget", "dashboard"] {
            fs::create_dir_all(web_dir.join(app))?;
        }
        let env = [
            ("DATABASE_URL", postgres.url("livedesk")),
            ("REDIS_URL", format!("redis://127.0.0.1:{redis_port}/")),
            ("LIVEDESK_JWT_SECRET", random_hex(32)?),
            // The bench needs no widget or dashboard files: an empty folder serves 404s.
            ("LIVEDESK_WEB_DIR", web_dir.display().to_string()),
            ("LIVEDESK_RATE_LIMIT_FACTOR", RATE_LIMIT_FACTOR.into()),
            ("RUST_LOG", "warn".into()),
        ];
        let livedesk_cmd = |args: &[&str]| {
            let mut cmd = Command::new(livedesk);
            cmd.args(args).envs(env.iter().cloned());
            cmd
        };
        run_cmd(&mut livedesk_cmd(&["migrate"])).context("`livedesk migrate` failed")?;
        let site = output(&mut livedesk_cmd(&[
            "create-site",
            "--name",
            "Bench shop",
            "--origin",
            ORIGIN,
        ]))?;
        let site_key = demo::site_key(&site)?;
        let agent_password = random_hex(12)?;
        let agent_emails: Vec<String> = (1..=agents)
            .map(|i| format!("agent-{i}@bench.example.com"))
            .collect();
        for (i, email) in agent_emails.iter().enumerate() {
            let name = format!("Bench Agent {}", i + 1);
            output(
                livedesk_cmd(&[
                    "create-admin",
                    "--email",
                    email,
                    "--name",
                    &name,
                    "--role",
                    "agent",
                    "--site-key",
                    &site_key,
                ])
                .env("LIVEDESK_NEW_PASSWORD", &agent_password),
            )?;
        }
        let mut started = Vec::with_capacity(nodes);
        for index in 1..=nodes {
            let Some(node) = start_node(livedesk_cmd(&["serve"]), dir, index)? else {
                return Ok(None);
            };
            started.push(node);
        }
        Ok(Some(Self {
            nodes: started,
            site_key,
            agents: agent_emails,
            agent_password,
            redis,
            postgres,
        }))
    }

    pub fn redis_pid(&self) -> u32 {
        self.redis.pid()
    }

    pub fn postgres_pid(&self) -> Option<u32> {
        self.postgres.postmaster_pid()
    }

    /// A node that has died is an error worth stopping for: its figures would be wrong.
    pub fn check_alive(&mut self) -> Result<()> {
        for (index, node) in self.nodes.iter_mut().enumerate() {
            if let Some(status) = node.service.exited() {
                bail!("node {} exited ({status}); see its log", index + 1);
            }
        }
        Ok(())
    }
}

/// Starts node `index` on a free port, logging to `dir/node-<index>.log`, and waits until
/// it listens.
fn start_node(mut serve: Command, dir: &Path, index: usize) -> Result<Option<Node>> {
    let port = any_free_port()?;
    let log_path = log_path(dir, index);
    let log = File::create(&log_path)?;
    serve
        .env("LIVEDESK_BIND", format!("127.0.0.1:{port}"))
        .env("LIVEDESK_NODE_ID", format!("bench-{index}"))
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log));
    let mut service = Service::spawn("livedesk serve", &mut serve)?;
    let listening = wait_until_listening(&mut service, port)
        .with_context(|| format!("node {index}; its log is {}", log_path.display()))?;
    Ok(listening.then(|| Node {
        service,
        url: format!("http://127.0.0.1:{port}"),
    }))
}

pub fn log_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("node-{index}.log"))
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
