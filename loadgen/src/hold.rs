//! `hold`: many idle visitors on one node. Idle means what a widget left open in a
//! background tab does: connected, hello received, the server's pings answered, and a
//! protocol `ping` now and then.
//!
//! Steps, driven by the caller so it can measure the node between them: open the sessions,
//! print `sessions`, wait for `connect` on stdin; open the sockets, print `held`, wait for
//! `report` on stdin; print `report` and exit (which drops every socket).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{StreamExt, stream};
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use tokio::io::{AsyncBufReadExt, BufReader, Lines, Stdin};

use crate::api::Api;
use crate::connect::{self, Ws};
use crate::report::{Event, emit};

pub struct Hold {
    pub node: String,
    pub site_key: String,
    pub origin: String,
    pub visitors: usize,
    pub source: IpAddr,
    pub parallel: usize,
    pub ping_every: Duration,
}

/// Shared by every held socket; only counted, never locked.
#[derive(Default)]
struct Counters {
    open: AtomicUsize,
    lost: AtomicUsize,
    pings_sent: AtomicU64,
    pongs: AtomicU64,
}

pub async fn run(hold: Hold) -> Result<()> {
    let api = Api::new(&hold.node, hold.source)?;
    let mut control = BufReader::new(tokio::io::stdin()).lines();

    let sessions = api
        .visitor_sessions(&hold.site_key, &hold.origin, hold.visitors, hold.parallel)
        .await;
    emit(&Event::Sessions {
        created: sessions.tokens.len(),
        failed: sessions.failed,
        secs: sessions.elapsed.as_secs_f64(),
        first_error: sessions.first_error,
    });
    wait_for(&mut control, "connect").await?;

    let counters = Arc::new(Counters::default());
    let started = Instant::now();
    let (failed, first_error) = open_all(&hold, sessions.tokens, &counters).await?;
    emit(&Event::Held {
        held: counters.open.load(Ordering::Relaxed),
        failed,
        secs: started.elapsed().as_secs_f64(),
        first_error,
    });
    wait_for(&mut control, "report").await?;

    let server_count = match api.open_sockets("visitor").await {
        Ok(count) => Some(count),
        Err(error) => {
            eprintln!("loadgen: reading the node's socket count: {error:#}");
            None
        }
    };
    emit(&Event::Report {
        open: counters.open.load(Ordering::Relaxed),
        lost: counters.lost.load(Ordering::Relaxed),
        pings_sent: counters.pings_sent.load(Ordering::Relaxed),
        pongs: counters.pongs.load(Ordering::Relaxed),
        server_open_visitor_sockets: server_count,
    });
    Ok(())
}

/// Opens a socket per token, `parallel` handshakes at a time; each one is held by a task of
/// its own from the moment it is open. Returns the failures and the first error.
async fn open_all(
    hold: &Hold,
    tokens: Vec<String>,
    counters: &Arc<Counters>,
) -> Result<(usize, Option<String>)> {
    let server = connect::node_addr(&hold.node)?;
    let hello = |frame: &ServerFrame| matches!(frame, ServerFrame::VisitorHello { .. });
    let mut failed = 0;
    let mut first_error = None;
    let mut opened = stream::iter(tokens)
        .map(|token| async move {
            connect::open(
                hold.source,
                server,
                &format!("/ws/visitor?token={token}"),
                hello,
            )
            .await
        })
        .buffer_unordered(hold.parallel.max(1));
    let mut index: u32 = 0;
    while let Some(result) = opened.next().await {
        match result {
            Ok(ws) => {
                counters.open.fetch_add(1, Ordering::Relaxed);
                // Spread the pings over the interval, so they do not arrive in waves.
                let offset = hold.ping_every.mul_f64(f64::from(index % 1000) / 1000.0);
                tokio::spawn(keep(ws, hold.ping_every, offset, counters.clone()));
                index = index.wrapping_add(1);
            }
            Err(error) => {
                failed += 1;
                first_error.get_or_insert(format!("{error:#}"));
            }
        }
    }
    Ok((failed, first_error))
}

/// Holds one idle visitor socket until it ends or the process exits.
async fn keep(mut ws: Ws, every: Duration, offset: Duration, counters: Arc<Counters>) {
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + offset, every);
    loop {
        tokio::select! {
            frame = connect::next_frame(&mut ws) => match frame {
                Ok(Some(ServerFrame::Pong)) => {
                    counters.pongs.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            },
            _ = ping.tick() => {
                if connect::send(&mut ws, &VisitorFrame::Ping {}).await.is_err() {
                    break;
                }
                counters.pings_sent.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    counters.open.fetch_sub(1, Ordering::Relaxed);
    counters.lost.fetch_add(1, Ordering::Relaxed);
}

/// Waits for `word` on a line of stdin (end of input counts as a request to stop).
async fn wait_for(control: &mut Lines<BufReader<Stdin>>, word: &str) -> Result<()> {
    loop {
        match control.next_line().await.context("reading stdin")? {
            Some(line) if line.trim() == word => return Ok(()),
            Some(line) if line.trim().is_empty() => continue,
            Some(line) => bail!("expected `{word}` on stdin, got {line:?}"),
            None => bail!("stdin closed while waiting for `{word}`"),
        }
    }
}
