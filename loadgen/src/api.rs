//! The REST calls a load needs before its sockets: visitor sessions and agent logins, from
//! the generator's own source address (rate limits are per client address).

use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{StreamExt, stream};
use livedesk_protocol::api::{LoginRequest, TokenPair, VisitorSession, VisitorSessionRequest};

pub struct Api {
    http: reqwest::Client,
    node: String,
}

/// What opening many sessions cost.
pub struct Sessions {
    pub tokens: Vec<String>,
    pub failed: usize,
    pub first_error: Option<String>,
    pub elapsed: Duration,
}

impl Api {
    pub fn new(node: &str, source: IpAddr) -> Result<Self> {
        let http = reqwest::Client::builder()
            .local_address(source)
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(Self {
            http,
            node: node.trim_end_matches('/').to_owned(),
        })
    }

    /// A new visitor's session on the site, as the widget on a page of `origin` opens it.
    pub async fn visitor_session(&self, site_key: &str, origin: &str) -> Result<VisitorSession> {
        let response = self
            .http
            .post(format!("{}/api/v1/visitor/session", self.node))
            .header("Origin", origin)
            .json(&VisitorSessionRequest {
                site_key: site_key.to_owned(),
                visitor_token: None,
                page_origin: None,
            })
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            bail!("visitor session: {status}: {}", response.text().await?);
        }
        Ok(response.json().await?)
    }

    /// `count` new visitor sessions, `parallel` requests in flight at a time.
    pub async fn visitor_sessions(
        &self,
        site_key: &str,
        origin: &str,
        count: usize,
        parallel: usize,
    ) -> Sessions {
        let started = Instant::now();
        let results: Vec<Result<VisitorSession>> = stream::iter(0..count)
            .map(|_| self.visitor_session(site_key, origin))
            .buffer_unordered(parallel.max(1))
            .collect()
            .await;
        let mut sessions = Sessions {
            tokens: Vec::with_capacity(count),
            failed: 0,
            first_error: None,
            elapsed: started.elapsed(),
        };
        for result in results {
            match result {
                Ok(session) => sessions.tokens.push(session.visitor_token),
                Err(error) => {
                    sessions.failed += 1;
                    sessions.first_error.get_or_insert(format!("{error:#}"));
                }
            }
        }
        sessions
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<TokenPair> {
        let response = self
            .http
            .post(format!("{}/api/v1/auth/login", self.node))
            .json(&LoginRequest {
                email: email.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            bail!("login of {email}: {status}: {}", response.text().await?);
        }
        Ok(response.json().await?)
    }

    /// The node's own count of open sockets with `role` (from `/metrics`), as a cross-check
    /// of what the generator believes it holds.
    pub async fn open_sockets(&self, role: &str) -> Result<u64> {
        let text = self
            .http
            .get(format!("{}/metrics", self.node))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        let label = format!("livedesk_open_sockets{{role=\"{role}\"");
        let line = text
            .lines()
            .find(|line| line.starts_with(&label))
            .with_context(|| format!("no {label}}} in /metrics"))?;
        let value = line.rsplit(' ').next().unwrap_or_default();
        let value: f64 = value.parse().with_context(|| format!("reading {line:?}"))?;
        Ok(value as u64)
    }
}
