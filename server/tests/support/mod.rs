//! Test harness: a fresh PostgreSQL database and a private Redis server per test, and the
//! real application on a free port. `cargo xtask test` provides `DATABASE_URL` (an admin
//! connection to a throwaway PostgreSQL) and `LIVEDESK_REDIS_SERVER`.

#![allow(dead_code, clippy::unwrap_used)]

pub mod browser;
pub mod chat;
pub mod client;
pub mod nginx;
pub mod process_node;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use livedesk_protocol::api::Role;
use livedesk_protocol::ids::{AgentId, DepartmentId, SiteId, VisitorId};
use livedesk_server::Application;
use livedesk_server::admin::{self, NewAgent};
use livedesk_server::assignment::settings::{self, RoutingSettings};
use livedesk_server::config::{Config, Source};
use livedesk_server::state::AppState;
use sqlx::{Connection, PgConnection, PgPool};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "correct horse battery staple";

/// A 1 × 1 PNG, for the tests that share an image.
pub const PIXEL_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

/// A database of its own for one test.
pub async fn fresh_database() -> String {
    let admin_url = std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must point at a PostgreSQL admin connection; run the tests with `cargo xtask test`");
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("connecting to the test PostgreSQL");
    let name = format!("livedesk_test_{}", Uuid::new_v4().simple());
    // The name is made here from a uuid, never from input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("creating a test database");
    let mut url = url::Url::parse(&admin_url).expect("DATABASE_URL is a URL");
    url.set_path(&name);
    url.to_string()
}

/// A Redis server of its own for one test, stopped on drop.
pub struct TestRedis {
    child: Child,
    pub port: u16,
}

impl TestRedis {
    pub fn start() -> Self {
        let binary =
            std::env::var("LIVEDESK_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let port = free_port();
        let child = Command::new(&binary)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("starting {binary}: {e}; run the tests with `cargo xtask test`")
            });
        let redis = Self { child, port };
        wait_for_port(port);
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on port {port}");
}

struct Settings(Vec<(&'static str, String)>);

impl Source for Settings {
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

/// Where the built widget and dashboard are (`cargo xtask test` builds them).
pub fn web_dir() -> PathBuf {
    std::env::var("LIVEDESK_WEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/web"))
}

/// What a node is built from; tests may change it before [`TestNode::start`].
pub struct NodeSettings {
    pub database_url: String,
    pub redis_url: String,
    pub access_ttl_secs: u64,
    /// More settings by name (e.g. `LIVEDESK_CALL_RING_TIMEOUT_SECS`).
    pub extra: Vec<(&'static str, String)>,
}

/// One running `livedesk` node.
pub struct TestNode {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl TestNode {
    pub async fn start(settings: &NodeSettings) -> Self {
        Self::start_at(settings, "127.0.0.1:0".parse().unwrap()).await
    }

    /// A node bound to `addr` (e.g. the address of a node that stopped, to come back).
    pub async fn start_at(settings: &NodeSettings, addr: SocketAddr) -> Self {
        let mut source = Settings(vec![
            ("LIVEDESK_BIND", addr.to_string()),
            ("DATABASE_URL", settings.database_url.clone()),
            ("REDIS_URL", settings.redis_url.clone()),
            ("LIVEDESK_JWT_SECRET", JWT_SECRET.into()),
            ("LIVEDESK_WEB_DIR", web_dir().display().to_string()),
            (
                "LIVEDESK_DATA_DIR",
                std::env::temp_dir()
                    .join(format!("livedesk-test-data-{}", Uuid::new_v4().simple()))
                    .display()
                    .to_string(),
            ),
            (
                "LIVEDESK_ACCESS_TOKEN_TTL_SECS",
                settings.access_ttl_secs.to_string(),
            ),
        ]);
        source.0.extend(settings.extra.iter().cloned());
        let config = Config::from_source(&source).expect("test configuration is valid");
        let app = Application::build(config)
            .await
            .expect("the application starts");
        let addr = app.addr();
        let state = app.state().clone();
        let stop = CancellationToken::new();
        let task = tokio::spawn(app.run_until_stopped(stop.clone()));
        Self {
            addr,
            state,
            stop,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.addr)
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Graceful shutdown, as on SIGTERM.
    pub async fn stop(self) {
        self.stop.cancel();
        self.task
            .await
            .expect("the node task")
            .expect("the node stops cleanly");
    }
}

/// A node with its own database and Redis, and a site with an admin and an agent.
pub struct TestApp {
    pub node: TestNode,
    pub redis: TestRedis,
    pub settings: NodeSettings,
    pub db: PgPool,
    pub site: SiteFixture,
}

pub struct SiteFixture {
    pub id: SiteId,
    pub key: String,
    pub origin: String,
    pub admin_email: String,
    pub agent_email: String,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut NodeSettings)) -> Self {
        let redis = TestRedis::start();
        let mut settings = NodeSettings {
            database_url: fresh_database().await,
            redis_url: redis.url(),
            access_ttl_secs: 900,
            extra: Vec::new(),
        };
        adjust(&mut settings);
        let node = TestNode::start(&settings).await;
        let db = node.state.db.clone();
        let site = create_site(&db, "Acme Shoes", "https://shop.example.com").await;
        Self {
            node,
            redis,
            settings,
            db,
            site,
        }
    }

    /// Another node on the same PostgreSQL and Redis.
    pub async fn second_node(&self) -> TestNode {
        TestNode::start(&self.settings).await
    }
}

/// The installation's superadmin, `email` with [`PASSWORD`].
pub async fn create_superadmin(db: &PgPool, email: &str) {
    admin::create_agent(
        db,
        NewAgent {
            site: None,
            email,
            name: "Root",
            role: Role::Superadmin,
            password: PASSWORD,
        },
    )
    .await
    .expect("superadmin");
}

/// Marks `visitor` a VIP of their site.
pub async fn mark_vip(db: &PgPool, visitor: VisitorId) {
    sqlx::query("UPDATE visitors SET vip = true WHERE id = $1")
        .bind(visitor.0)
        .execute(db)
        .await
        .unwrap();
}

/// The agents of `site` take chats from the queue themselves: no auto-assignment.
pub async fn assign_manually(db: &PgPool, site: SiteId) {
    settings::save(
        db,
        site,
        RoutingSettings {
            auto_assign: false,
            ..RoutingSettings::default()
        },
    )
    .await
    .expect("routing settings");
}

/// A department of `site`.
pub async fn department(db: &PgPool, site: SiteId, name: &str) -> DepartmentId {
    let id = DepartmentId::new_random();
    sqlx::query("INSERT INTO departments (id, site_id, name) VALUES ($1, $2, $3)")
        .bind(id.0)
        .bind(site.0)
        .bind(name)
        .execute(db)
        .await
        .unwrap();
    id
}

/// Puts `agent` in `department` (their routing profile's department).
pub async fn join_department(db: &PgPool, agent: AgentId, department: DepartmentId) {
    sqlx::query("UPDATE agents SET department_id = $2 WHERE id = $1")
        .bind(agent.0)
        .bind(department.0)
        .execute(db)
        .await
        .unwrap();
}

/// A site with one admin and one agent, all with [`PASSWORD`].
pub async fn create_site(db: &PgPool, name: &str, origin: &str) -> SiteFixture {
    let site = admin::create_site(db, name, &[origin.to_owned()])
        .await
        .expect("site");
    let tag = Uuid::new_v4().simple().to_string();
    let admin_email = format!("admin-{tag}@example.com");
    let agent_email = format!("agent-{tag}@example.com");
    for (email, name, role) in [
        (&admin_email, "Ada Admin", Role::Admin),
        (&agent_email, "Ali Agent", Role::Agent),
    ] {
        admin::create_agent(
            db,
            NewAgent {
                site: Some(site.id),
                email,
                name,
                role,
                password: PASSWORD,
            },
        )
        .await
        .expect("account");
    }
    SiteFixture {
        id: site.id,
        key: site.site_key,
        origin: origin.to_owned(),
        admin_email,
        agent_email,
    }
}

/// Polls `check` until it holds or `what` times out after 10 s (for effects that cross
/// Redis or the network; never used to assert timing).
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
