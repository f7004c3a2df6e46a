//! The `livedesk` binary: serve, migrate, and operator commands.

use clap::{Parser, Subcommand};
use livedesk_protocol::api::Role;
use livedesk_server::admin::{self, NewAgent};
use livedesk_server::ops::telemetry;
use livedesk_server::{Application, Config, db};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(name = "livedesk", version, about = "Self-hosted live chat and calls")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the WebSockets, the widget and the dashboard.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create a site (tenant); prints its id and public site key.
    CreateSite {
        #[arg(long)]
        name: String,
        /// An origin allowed to embed the widget, like https://shop.example.com (repeatable).
        #[arg(long = "origin")]
        origins: Vec<String>,
    },
    /// Create an account. The password comes from LIVEDESK_NEW_PASSWORD, or is generated
    /// and printed.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "admin")]
        role: RoleArg,
        /// The site's public key (not for superadmins).
        #[arg(long)]
        site_key: Option<String>,
    },
    /// Create or refresh the demo site and its admin; prints `site_key=…` and the login.
    DemoSetup {
        /// Origin of the demo page that embeds the widget.
        #[arg(long)]
        origin: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Superadmin,
    Admin,
    Agent,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Superadmin => Role::Superadmin,
            RoleArg::Admin => Role::Admin,
            RoleArg::Agent => Role::Agent,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init_logging();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("livedesk: configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(cli.command, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("livedesk: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config).await,
        command => {
            let pool = db::connect(&config.database_url).await?;
            db::migrate(&pool).await?;
            operator(command, &pool).await
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    let stop = CancellationToken::new();
    let on_signal = stop.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: sockets are told to reconnect");
        on_signal.cancel();
    });
    app.run_until_stopped(stop).await
}

async fn operator(command: Command, pool: &sqlx::PgPool) -> anyhow::Result<()> {
    match command {
        Command::Serve | Command::Migrate => {}
        Command::CreateSite { name, origins } => {
            let site = admin::create_site(pool, &name, &origins).await?;
            println!("site_id={}\nsite_key={}", site.id, site.site_key);
        }
        Command::CreateAdmin {
            email,
            name,
            role,
            site_key,
        } => {
            let site = match site_key {
                Some(key) => Some(
                    livedesk_server::sites::find_active_by_key(pool, &key)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no active site has key {key:?}"))?
                        .id,
                ),
                None => None,
            };
            let (password, generated) = match std::env::var("LIVEDESK_NEW_PASSWORD") {
                Ok(password) if !password.is_empty() => (password, false),
                _ => (admin::new_password(), true),
            };
            let id = admin::create_agent(
                pool,
                NewAgent {
                    site,
                    email: &email,
                    name: &name,
                    role: role.into(),
                    password: &password,
                },
            )
            .await?;
            println!("agent_id={id}\nemail={email}");
            if generated {
                println!("password={password}");
            }
        }
        Command::DemoSetup { origin } => {
            let demo = admin::demo_setup(pool, &origin).await?;
            println!(
                "site_key={}\nadmin_email={}\nadmin_password={}",
                demo.site_key, demo.admin_email, demo.admin_password
            );
        }
    }
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
