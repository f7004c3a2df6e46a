//! A running PostgreSQL: the persistent dev instance of `run` or the throwaway one of `test`
//! and `bench`.
//! Started with `pg_ctl start` (the postmaster detaches into its own session, so a Ctrl-C in
//! the terminal does not reach it) and stopped with `pg_ctl stop -m fast` when dropped.

use crate::postgres::{as_postgres, bin_dir, owned_dir};
use crate::process::{any_free_port, free_port_from, output, succeeds};
use crate::setup::quietly;
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a scratch cluster trades safety for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Durability {
    /// No fsync, no synchronous commit: tests, where a lost commit costs nothing.
    Relaxed,
    /// PostgreSQL's defaults: a commit is on disk when it returns.
    Durable,
}

pub struct PgServer {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    /// Deleted after the server stops: the whole throwaway instance of a test run.
    remove_on_stop: Option<PathBuf>,
}

impl PgServer {
    /// The dev instance: its data survives restarts. It listens on `preferred_port` or the
    /// next free one.
    pub fn start_persistent(data: &Path, runtime: &Path, preferred_port: u16) -> Result<Self> {
        Self::start(data, runtime, Some(preferred_port), None)
    }

    /// A fresh cluster in a temporary directory on a free port, tuned for speed over
    /// durability.
    pub fn start_throwaway() -> Result<Self> {
        Self::start_scratch("test", Durability::Relaxed)
    }

    /// A fresh cluster like [`PgServer::start_throwaway`], but committing to disk as a
    /// production server does (fsync, synchronous commit): for benchmarks, where an ack
    /// must mean what it means in production.
    pub fn start_throwaway_durable() -> Result<Self> {
        Self::start_scratch("bench", Durability::Durable)
    }

    fn start_scratch(purpose: &str, durability: Durability) -> Result<Self> {
        let root =
            std::env::temp_dir().join(format!("livedesk-{purpose}-pg-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root)?;
        Self::start(
            &root.join("data"),
            &root.join("run"),
            None,
            Some((root.clone(), durability)),
        )
    }

    fn start(
        data: &Path,
        runtime: &Path,
        preferred_port: Option<u16>,
        scratch: Option<(PathBuf, Durability)>,
    ) -> Result<Self> {
        let throwaway = scratch.is_some();
        let durability = scratch.as_ref().map(|(_, d)| *d);
        let remove_on_stop = scratch.map(|(root, _)| root);
        let bin = bin_dir().context("PostgreSQL is not installed: run `cargo xtask setup`")?;
        owned_dir(runtime)?;
        if !data.join("PG_VERSION").is_file() {
            owned_dir(data)?;
            let mut initdb = as_postgres(&bin.join("initdb"));
            initdb.args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "-D",
            ]);
            initdb.arg(data);
            if durability == Some(Durability::Relaxed) {
                initdb.arg("--no-sync");
            }
            quietly(&mut initdb)?;
            if !throwaway {
                println!("postgres: created a new cluster in {}", data.display());
            }
        } else {
            owned_dir(data)?;
        }
        let mut server = Self {
            bin,
            data: data.to_path_buf(),
            port: 0,
            remove_on_stop,
        };
        // First, so that a leftover server's port counts as free again.
        server.stop_leftover();
        server.port = match preferred_port {
            Some(port) => free_port_from(port)?,
            None => any_free_port()?,
        };
        server.pg_ctl_start(runtime, durability)?;
        Ok(server)
    }

    /// A postmaster from an earlier run that was killed without cleaning up holds the data
    /// directory; stop it rather than fail.
    fn stop_leftover(&self) {
        if succeeds(self.pg_ctl().arg("status")) {
            println!(
                "postgres: stopping a server left running in {}",
                self.data.display()
            );
            let _ = succeeds(self.pg_ctl().args(["stop", "-m", "fast", "-w"]));
        }
    }

    /// `durability` is `None` for the persistent dev instance, which keeps the defaults.
    fn pg_ctl_start(&self, runtime: &Path, durability: Option<Durability>) -> Result<()> {
        let log = runtime.join("postgres.log");
        let sockets = socket_dir(runtime, self.port)?;
        let mut options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}'",
            self.port,
            sockets.display()
        );
        if durability == Some(Durability::Relaxed) {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        if durability.is_some() {
            options.push_str(" -c max_connections=300");
        }
        let mut start = self.pg_ctl();
        start
            .args(["start", "-w", "-t", "60", "-l"])
            .arg(&log)
            .args(["-o", &options]);
        if let Err(err) = quietly(&mut start) {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<_> = tail
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            bail!("{err:#}\n{} says:\n{}", log.display(), tail.join("\n"));
        }
        Ok(())
    }

    fn pg_ctl(&self) -> Command {
        let mut cmd = as_postgres(&self.bin.join("pg_ctl"));
        cmd.arg("-D").arg(&self.data);
        cmd
    }

    /// The postmaster's pid (first line of `postmaster.pid`), while it runs.
    pub fn postmaster_pid(&self) -> Option<u32> {
        let text = fs::read_to_string(self.data.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    pub fn create_database_if_missing(&self, name: &str) -> Result<()> {
        let exists = self.psql(&format!(
            "SELECT 1 FROM pg_database WHERE datname = '{name}'"
        ))?;
        if exists.trim() != "1" {
            self.psql(&format!("CREATE DATABASE \"{name}\""))?;
            println!("postgres: created database {name}");
        }
        Ok(())
    }

    fn psql(&self, sql: &str) -> Result<String> {
        let psql = self.bin.join("psql");
        output(
            Command::new(psql)
                .args(["-X", "-q", "-t", "-A", "-c", sql])
                .arg(self.url("postgres")),
        )
    }

    fn stop(&mut self) {
        let running = succeeds(self.pg_ctl().arg("status"));
        if running && !succeeds(self.pg_ctl().args(["stop", "-m", "fast", "-w", "-t", "60"])) {
            eprintln!("postgres: `pg_ctl stop` failed for {}", self.data.display());
        }
        if let Some(root) = self.remove_on_stop.take() {
            let _ = fs::remove_dir_all(root);
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Unix socket paths are limited to 107 bytes; a deep checkout falls back to the temp dir.
fn socket_dir(runtime: &Path, port: u16) -> Result<PathBuf> {
    if runtime
        .join(format!(".s.PGSQL.{port}.lock"))
        .as_os_str()
        .len()
        < 100
    {
        return Ok(runtime.to_path_buf());
    }
    let short = std::env::temp_dir().join(format!("livedesk-pg-{port}"));
    owned_dir(&short)?;
    Ok(short)
}
