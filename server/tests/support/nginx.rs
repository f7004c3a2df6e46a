//! A real nginx in front of test nodes, with the production proxying rules
//! (`nginx/proxy.conf`, included unchanged) and plain HTTP on a free port. Everything it
//! writes (logs, temporary files) stays in a directory of its own, so it runs without
//! touching /var, as root or not. `LIVEDESK_NGINX` names the binary (`cargo xtask test`
//! exports it).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::{free_port, wait_for_port};

pub struct Nginx {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Nginx {
    /// Starts nginx proxying to `nodes`. A node that refuses a connection is skipped for
    /// a second (`max_fails=1 fail_timeout=1s`), so tests see fail-over quickly.
    pub fn start(nodes: &[SocketAddr]) -> Self {
        let dir =
            std::env::temp_dir().join(format!("livedesk-nginx-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        std::fs::write(dir.join("nginx.conf"), config(&dir, port, nodes)).unwrap();
        let binary = binary();
        let child = Command::new(&binary)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("starting {binary}: {e}; run the tests with `cargo xtask test`")
            });
        let mut nginx = Self { child, dir, port };
        if let Ok(Some(status)) = nginx.child.try_wait() {
            panic!("nginx exited at once ({status}):\n{}", nginx.error_log());
        }
        wait_for_port(port);
        nginx
    }

    /// `http://127.0.0.1:<port>`, the public origin of the proxied Livedesk.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// nginx's own log: start-up problems and upstreams it gave up on.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // One process (master_process off), so killing it leaves no workers behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn binary() -> String {
    if let Ok(binary) = std::env::var("LIVEDESK_NGINX") {
        return binary;
    }
    if Path::new("/usr/sbin/nginx").exists() {
        return "/usr/sbin/nginx".into();
    }
    "nginx".into()
}

/// Where the production proxying rules are, in this checkout.
fn proxy_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../nginx/proxy.conf")
}

fn config(dir: &Path, port: u16, nodes: &[SocketAddr]) -> String {
    let dir = dir.display();
    let mut upstream = String::new();
    for node in nodes {
        writeln!(
            upstream,
            "        server {node} max_fails=1 fail_timeout=1s;"
        )
        .unwrap();
    }
    format!(
        r#"daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{
    worker_connections 1024;
}}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    upstream livedesk {{
{upstream}        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {rules};
    }}
}}
"#,
        rules = proxy_rules().display()
    )
}
