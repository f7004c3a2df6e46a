//! `cargo xtask setup`: installs what a fresh Debian 12 machine lacks, and nothing else.
//!
//! Every step checks before it installs, so a second run costs a few process spawns and prints
//! nothing. Each installation prints one line. It runs as root with no stdin.

use crate::paths::{self, which};
use crate::postgres;
use crate::process::{describe, output, succeeds};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;
use std::process::Command;

/// Commands whose absence means the apt packages below are (partly) missing.
const APT_COMMANDS: [&str; 5] = [
    "redis-server",
    "nginx",
    "chromium",
    "chromedriver",
    "wasm-opt",
];
const APT_PACKAGES: [&str; 5] = [
    "redis-server",
    "nginx",
    "chromium",
    "chromium-driver",
    "binaryen",
];
const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn setup() -> Result<()> {
    apt_packages()?;
    wasm_target()?;
    wasm_bindgen_cli()?;
    postgres::ensure_user()?;
    postgres::ensure_installed()?;
    Ok(())
}

fn apt_packages() -> Result<()> {
    let missing: Vec<_> = APT_COMMANDS.iter().filter(|c| which(c).is_none()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("setup: missing {missing:?}; installing apt packages {APT_PACKAGES:?}…");
    quietly(Command::new("apt-get").args(["-q", "update"]))?;
    quietly(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-q"])
            .args(APT_PACKAGES),
    )?;
    if let Some(still) = APT_COMMANDS.iter().find(|c| which(c).is_none()) {
        bail!("`{still}` is still missing after installing {APT_PACKAGES:?}");
    }
    println!("setup: installed apt packages {}", APT_PACKAGES.join(" "));
    Ok(())
}

fn wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|t| t.trim() == WASM_TARGET) {
        return Ok(());
    }
    quietly(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    println!("setup: installed rust target {WASM_TARGET}");
    Ok(())
}

/// The CLI must match the `wasm-bindgen` crate in Cargo.lock exactly, or it refuses the wasm.
fn wasm_bindgen_cli() -> Result<()> {
    let lock = paths::root().join("Cargo.lock");
    let text = fs::read_to_string(&lock).with_context(|| format!("reading {}", lock.display()))?;
    let wanted = locked_version(&text, "wasm-bindgen").context("no wasm-bindgen in Cargo.lock")?;
    let current = which("wasm-bindgen")
        .and_then(|bin| output(Command::new(bin).arg("--version")).ok())
        .unwrap_or_default();
    if current.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    println!("setup: installing wasm-bindgen-cli {wanted} (takes about 4 minutes)…");
    // Not `--locked`: the CLI's own lock file pins crates that no longer build on this rustc.
    quietly(Command::new("cargo").args([
        "install",
        "--quiet",
        "wasm-bindgen-cli",
        "--version",
        &wanted,
    ]))?;
    println!("setup: installed wasm-bindgen-cli {wanted}");
    Ok(())
}

/// The version of `package` recorded in a Cargo.lock's text.
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines().map(str::trim);
    lines.find(|line| *line == name_line)?;
    let version = lines
        .next()?
        .strip_prefix("version = \"")?
        .strip_suffix('"')?;
    Some(version.to_string())
}

/// Runs an installer with its output captured, shown only if it fails.
pub fn quietly(cmd: &mut Command) -> Result<()> {
    let out = cmd.stdin(std::process::Stdio::null()).output();
    let out = out.with_context(|| format!("could not start `{}`", describe(cmd)))?;
    if !out.status.success() {
        let log = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        let tail: Vec<_> = log.lines().rev().take(30).collect();
        let tail: Vec<_> = tail.into_iter().rev().collect();
        bail!(
            "`{}` failed ({}):\n{}",
            describe(cmd),
            out.status,
            tail.join("\n")
        );
    }
    Ok(())
}

/// True when `program` runs and exits 0 (used to tell a working install from a broken one).
pub fn works(program: &Path, arg: &str) -> bool {
    succeeds(Command::new(program).arg(arg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_locked_wasm_bindgen_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.1.0\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";

        let version = locked_version(lock, "wasm-bindgen");

        assert_eq!(version.as_deref(), Some("0.2.130"));
    }
}
