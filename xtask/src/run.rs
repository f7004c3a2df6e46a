//! `cargo xtask run`: Livedesk on one machine with everything it needs, as child processes.
//!
//! Start order is PostgreSQL, Redis, `livedesk serve`, the demo page server; the guards are
//! locals declared in that order, so on Ctrl-C, SIGTERM or any error they drop (and stop) in
//! the reverse order (`leftovers` covers an xtask that was killed). Data lives in
//! `.livedesk/data/` and is reused by the next run.

use crate::demo;
use crate::leftovers::Leftovers;
use crate::paths::{self, which};
use crate::pg_server::PgServer;
use crate::process::{Service, free_port_from, run as run_cmd, stop_requested};
use crate::{setup, web};
use anyhow::{Context, Result, bail};
use std::env;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

pub fn run(release: bool) -> Result<()> {
    setup::setup()?;
    let leftovers = Leftovers::new(paths::local().join("services.pids"));
    leftovers.stop_all();
    let livedesk = build_server(release)?;
    let web_dir = paths::default_web_dir();
    web::build(&web_dir)?;
    if stop_requested() {
        return Ok(());
    }
    let data = paths::local().join("data");

    let (_postgres, database_url) = match env::var("DATABASE_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let runtime = paths::local().join("run");
            let pg = PgServer::start_persistent(&data.join("postgres"), &runtime, 5433)?;
            pg.create_database_if_missing("livedesk")?;
            let url = pg.url("livedesk");
            (Some(pg), url)
        }
    };
    let (_redis, redis_url) = match env::var("REDIS_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let port = free_port_from(6380)?;
            let redis = start_redis(&data.join("redis"), port, true)?;
            leftovers.record(&redis);
            (Some(redis), format!("redis://127.0.0.1:{port}/"))
        }
    };
    let api_port = free_port_from(8080)?;
    let demo_port = (8081..).find_map(|p| free_port_from(p).ok().filter(|&p| p != api_port));
    let demo_port = demo_port.context("no free port for the demo page")?;
    let api = format!("http://127.0.0.1:{api_port}");
    let demo_origin = format!("http://127.0.0.1:{demo_port}");
    let env = [
        ("DATABASE_URL", database_url.clone()),
        ("REDIS_URL", redis_url.clone()),
        ("LIVEDESK_BIND", format!("127.0.0.1:{api_port}")),
        ("LIVEDESK_PUBLIC_URL", api.clone()),
        ("LIVEDESK_JWT_SECRET", jwt_secret()?),
        ("LIVEDESK_WEB_DIR", web_dir.display().to_string()),
        (
            "RUST_LOG",
            env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        ),
    ];
    let command = |args: &[&str]| {
        let mut cmd = Command::new(&livedesk);
        cmd.args(args)
            .envs(env.iter().cloned())
            .current_dir(paths::root());
        cmd
    };

    run_cmd(&mut command(&["migrate"])).context("`livedesk migrate` failed (see above)")?;
    let setup_out = demo_setup(command(&["demo-setup", "--origin", &demo_origin]))?;
    let site_key = demo::site_key(&setup_out)?;
    let demo_dir = paths::local().join("demo");
    demo::write_page(&demo_dir, &api, &site_key)?;

    let mut server = Service::spawn("livedesk serve", &mut command(&["serve"]))?;
    leftovers.record(&server);
    if !wait_until_listening(&mut server, api_port)? {
        return Ok(()); // stopped while waiting
    }
    let python = which("python3").context("python3 is not on PATH")?;
    let mut page = Service::spawn(
        "demo page server",
        Command::new(python)
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &demo_port.to_string(),
                "--directory",
            ])
            .arg(&demo_dir)
            .stdout(Stdio::null()),
    )?;

    leftovers.record(&page);

    println!("\nLivedesk is running. Press Ctrl-C to stop everything.\n");
    println!("  demo page    {demo_origin}/   (a plain shop page with the widget embedded)");
    println!("  dashboard    {api}/dashboard/");
    println!("  API          {api}/api/v1/");
    println!(
        "  WebSockets   ws://127.0.0.1:{api_port}/ws/visitor   ws://127.0.0.1:{api_port}/ws/agent"
    );
    println!("  health       {api}/health   (metrics: {api}/metrics)");
    print_admin_login(&setup_out);
    println!("  PostgreSQL   {database_url}");
    println!("  Redis        {redis_url}\n");

    supervise(&mut [&mut server, &mut page])
}

fn build_server(release: bool) -> Result<PathBuf> {
    let mut cargo = Command::new("cargo");
    cargo
        .current_dir(paths::root())
        .args(["build", "-p", "livedesk-server"]);
    if release {
        cargo.arg("--release");
    }
    run_cmd(&mut cargo)?;
    let profile = if release { "release" } else { "debug" };
    Ok(paths::target_dir().join(profile).join("livedesk"))
}

/// Redis on 127.0.0.1:`port` with its files in `dir`; `persist` snapshots the data every
/// minute and logs to the terminal (the dev instance), otherwise nothing is saved and the
/// log goes to `dir/redis.log` (a benchmark's scratch Redis).
pub fn start_redis(dir: &Path, port: u16, persist: bool) -> Result<Service> {
    fs::create_dir_all(dir)?;
    let redis =
        which("redis-server").context("redis-server is missing: run `cargo xtask setup`")?;
    let mut cmd = Command::new(redis);
    cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--dir"])
        .arg(dir)
        .args(["--daemonize", "no", "--loglevel", "warning"]);
    if persist {
        cmd.args(["--save", "60", "1"]);
    } else {
        cmd.args(["--save", "", "--logfile"])
            .arg(dir.join("redis.log"));
    }
    Service::spawn("redis-server", &mut cmd)
}

/// Runs `livedesk demo-setup`, echoing its output, and returns its stdout.
fn demo_setup(mut cmd: Command) -> Result<String> {
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::inherit()).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{stdout}");
    if !out.status.success() {
        bail!("`livedesk demo-setup` failed ({})", out.status);
    }
    Ok(stdout)
}

fn print_admin_login(setup_out: &str) {
    let field = |name: &str| {
        setup_out
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix(name)?
                    .strip_prefix('=')
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "(see demo-setup output above)".into())
    };
    println!(
        "  admin login  {} / {}",
        field("admin_email"),
        field("admin_password")
    );
}

/// `Ok(false)` when a stop was requested first; an error if the server died or never bound.
pub fn wait_until_listening(server: &mut Service, port: u16) -> Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if stop_requested() {
            return Ok(false);
        }
        if let Some(status) = server.exited() {
            bail!("`livedesk serve` exited ({status}) before listening on port {port} (see above)");
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(true);
        }
        if Instant::now() > deadline {
            bail!("`livedesk serve` did not listen on port {port} within 60 s");
        }
        sleep(Duration::from_millis(100));
    }
}

/// Waits for Ctrl-C / SIGTERM (a clean stop) or for a service to die (an error).
fn supervise(services: &mut [&mut Service]) -> Result<()> {
    while !stop_requested() {
        for service in services.iter_mut() {
            if let Some(status) = service.exited() {
                bail!(
                    "{} exited unexpectedly ({status}); stopping everything",
                    service.name
                );
            }
        }
        sleep(Duration::from_millis(200));
    }
    println!("\nstopping…");
    Ok(())
}

/// Generated once and kept in `.livedesk/jwt-secret`, so sessions survive a restart.
fn jwt_secret() -> Result<String> {
    if let Ok(secret) = env::var("LIVEDESK_JWT_SECRET") {
        return Ok(secret);
    }
    let path = paths::local().join("jwt-secret");
    if let Ok(secret) = fs::read_to_string(&path)
        && secret.trim().len() >= 32
    {
        return Ok(secret.trim().to_string());
    }
    let mut bytes = [0u8; 32];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    fs::create_dir_all(paths::local())?;
    fs::write(&path, &secret)?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
    Ok(secret)
}
