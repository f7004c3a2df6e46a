//! `cargo xtask test`: every test, against a throwaway PostgreSQL.
//!
//! Tests create one database per test from the admin URL in `DATABASE_URL` and start their
//! own Redis, nginx, chromedriver and Chromium from the paths exported here. `cargo test`
//! runs in the foreground process group, so a Ctrl-C reaches it directly; PostgreSQL is
//! stopped and its directory deleted whatever happens.

use crate::paths::{self, which};
use crate::pg_server::PgServer;
use crate::process::{signal, stop_requested};
use crate::{setup, web};
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::thread::sleep;
use std::time::Duration;

/// Returns the exit code to leave with: `cargo test`'s own.
pub fn test(cargo_test_args: &[String]) -> Result<i32> {
    setup::setup()?;
    let web_dir = paths::default_web_dir();
    web::build(&web_dir)?;
    if stop_requested() {
        return Ok(130);
    }
    let postgres = PgServer::start_throwaway()?;
    let env = [
        ("DATABASE_URL", postgres.url("postgres")),
        ("LIVEDESK_WEB_DIR", web_dir.display().to_string()),
        ("LIVEDESK_REDIS_SERVER", tool("redis-server")?),
        ("LIVEDESK_NGINX", tool("nginx")?),
        ("CHROMEDRIVER", tool("chromedriver")?),
        ("CHROMIUM", tool("chromium")?),
    ];
    println!(
        "test: PostgreSQL for the tests at {}",
        postgres.url("postgres")
    );

    let mut cargo = Command::new("cargo");
    // --no-fail-fast: one failing test binary must not hide the results of the others.
    let test = ["test", "--no-fail-fast"];
    cargo
        .current_dir(paths::root())
        .envs(env.clone())
        .args(test);
    if !names_packages(cargo_test_args) {
        let wasm_crates = [
            "--exclude",
            "livedesk-widget",
            "--exclude",
            "livedesk-dashboard",
        ];
        cargo.arg("--workspace").args(wasm_crates);
    }
    let mut code = exit_code(wait_interruptibly(cargo.args(cargo_test_args))?);

    // Extra arguments name other packages or filters: the wasm crates' own unit tests are
    // then not what was asked for.
    if cargo_test_args.is_empty() && !stop_requested() {
        code = code.max(wasm_unit_tests(&env)?);
    }
    drop(postgres);
    Ok(code)
}

fn tool(name: &str) -> Result<String> {
    let path =
        which(name).with_context(|| format!("{name} is missing: run `cargo xtask setup`"))?;
    Ok(path.display().to_string())
}

/// Whether the arguments for cargo (those before `--`) pick packages themselves.
fn names_packages(args: &[String]) -> bool {
    let cargo_args = args.iter().take_while(|a| *a != "--");
    cargo_args
        .into_iter()
        .any(|a| a.starts_with("-p") || a.starts_with("--package"))
}

/// Waits for a foreground child. A Ctrl-C in the terminal reaches it by itself; a SIGTERM
/// sent to xtask alone is passed on.
fn wait_interruptibly(cmd: &mut Command) -> Result<ExitStatus> {
    let mut child = cmd.spawn().context("could not start `cargo test`")?;
    let mut forwarded = false;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if stop_requested() && !forwarded {
            signal(child.id(), "TERM");
            forwarded = true;
        }
        sleep(Duration::from_millis(100));
    }
}

/// The shell's convention: the exit code, or 128 + the signal that ended the process.
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// The widget's and dashboard's `#[test]`s, natively, if there are any. Their pure parts
/// (models, parsing) must build for the host; a test that does not compile fails the run.
fn wasm_unit_tests(env: &[(&str, String)]) -> Result<i32> {
    if !["widget/src", "dashboard/src"]
        .iter()
        .any(|dir| has_test(&paths::root().join(dir)))
    {
        return Ok(0);
    }
    let cargo_test = |extra: &[&str]| {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(paths::root()).envs(env.iter().cloned());
        cmd.args([
            "test",
            "-p",
            "livedesk-widget",
            "-p",
            "livedesk-dashboard",
            "--lib",
        ])
        .args(extra);
        cmd
    };
    Ok(exit_code(wait_interruptibly(&mut cargo_test(&[]))?))
}

/// Whether any `.rs` file under `path` has a `#[test]`.
fn has_test(path: &Path) -> bool {
    if path.is_dir() {
        let entries = fs::read_dir(path).into_iter().flatten().flatten();
        return entries.into_iter().any(|e| has_test(&e.path()));
    }
    path.extension().is_some_and(|e| e == "rs")
        && fs::read_to_string(path).is_ok_and(|text| text.contains("#[test]"))
}
