//! Running programs: one-shot commands that must succeed, long-running services that are
//! stopped in order when they go out of scope, Ctrl-C / SIGTERM, and free ports.

use anyhow::{Context, Result, bail};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Set by SIGINT, SIGTERM or SIGHUP; long loops poll it and wind down.
static STOP: AtomicBool = AtomicBool::new(false);

pub fn install_signal_handler() -> Result<()> {
    ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C handler")
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Runs a command with inherited stdio and fails, naming it, unless it exits 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = status(cmd)?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(cmd));
    }
    Ok(())
}

pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    cmd.status()
        .with_context(|| format!("could not start `{}`", describe(cmd)))
}

/// Runs a command quietly and returns its stdout; fails with its stderr.
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    if !out.status.success() {
        bail!(
            "`{}` failed ({}): {}",
            describe(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when the command starts and exits 0; all output is discarded.
pub fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sends a signal by name (`TERM`, `KILL`) with `kill(1)`, which keeps xtask free of `unsafe`.
pub fn signal(pid: u32, name: &str) {
    let _ = succeeds(
        Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string()),
    );
}

/// A long-running child (Redis, the server, the demo page server). It runs in its own process
/// group so a Ctrl-C in the terminal reaches only xtask, which then stops the services in
/// reverse start order: dropping a `Service` sends SIGTERM and waits, then SIGKILL.
pub struct Service {
    pub name: &'static str,
    child: Child,
}

impl Service {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Result<Self> {
        let child = cmd
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("could not start {name}: `{}`", describe(cmd)))?;
        Ok(Self { name, child })
    }

    /// Like [`Service::spawn`], with stdin and stdout piped to xtask: a program it talks to
    /// in lines (the load generator).
    pub fn spawn_piped(
        name: &'static str,
        cmd: &mut Command,
    ) -> Result<(Self, ChildStdin, ChildStdout)> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .process_group(0)
            .spawn()
            .with_context(|| format!("could not start {name}: `{}`", describe(cmd)))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("{name} started without the pipes asked for");
        };
        Ok((Self { name, child }, stdin, stdout))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(status)` once the process has exited on its own.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn stop(&mut self) {
        if self.exited().is_some() {
            return;
        }
        signal(self.child.id(), "TERM");
        if wait_timeout(&mut self.child, Duration::from_secs(10)).is_none() {
            eprintln!("{} did not stop within 10 s; killing it", self.name);
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        sleep(Duration::from_millis(50));
    }
}

/// The first port from `preferred` on that nothing listens on at 127.0.0.1.
pub fn free_port_from(preferred: u16) -> Result<u16> {
    (preferred..preferred.saturating_add(100))
        .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
        .with_context(|| format!("no free port in {preferred}..{}", preferred + 100))
}

/// A port the kernel says is free right now (bound and released).
pub fn any_free_port() -> Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}
