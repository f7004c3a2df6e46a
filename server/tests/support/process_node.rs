//! A `livedesk serve` process of its own, for tests that need a node to die the hard way
//! (SIGKILL: no close frames, no draining, its TCP connections simply end).

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use super::{JWT_SECRET, NodeSettings, free_port, wait_for_port, web_dir};

pub struct ProcessNode {
    child: Child,
    pub addr: SocketAddr,
}

impl ProcessNode {
    pub fn start(settings: &NodeSettings) -> Self {
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let child = Command::new(env!("CARGO_BIN_EXE_livedesk"))
            .arg("serve")
            .env("LIVEDESK_BIND", addr.to_string())
            .env("DATABASE_URL", &settings.database_url)
            .env("REDIS_URL", &settings.redis_url)
            .env("LIVEDESK_JWT_SECRET", JWT_SECRET)
            .env("LIVEDESK_WEB_DIR", web_dir())
            .env(
                "LIVEDESK_ACCESS_TOKEN_TTL_SECS",
                settings.access_ttl_secs.to_string(),
            )
            .envs(settings.extra.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the livedesk binary");
        wait_for_port(port);
        Self { child, addr }
    }

    /// Kills the process at once, as a crash or `kill -9` would.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ProcessNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
