//! `latency`: visitors on one node send at a steady aggregate rate; agents on another node
//! receive. Both ends live in this process, so one clock times them.
//!
//! Every message body carries the instant its send was *scheduled* (nanoseconds since the
//! run began), not the instant it was written: a generator that falls behind then shows as
//! latency instead of silently sending less (no coordinated omission).

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use livedesk_protocol::chat::{Author, Message};
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use livedesk_protocol::ids::ClientId;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::api::Api;
use crate::connect::{self, Ws};
use crate::report::{Event, LatencyReport, emit};
use crate::stats::summarize;

pub struct Latency {
    pub visitor_node: String,
    pub agent_node: String,
    pub site_key: String,
    pub origin: String,
    pub agents: Vec<String>,
    pub password: String,
    pub senders: usize,
    pub rate: f64,
    pub duration: Duration,
    pub source: IpAddr,
}

/// How long to wait, after the last send, for its ack and deliveries.
const DRAIN: Duration = Duration::from_secs(10);
const BODY_PREFIX: &str = "bench t=";

/// What one socket saw: latencies of the frames it timed, and what went wrong.
#[derive(Default)]
struct Seen {
    latencies: Vec<Duration>,
    /// When the last timed frame arrived: the end of the window its rate is taken over.
    last: Option<Instant>,
    sent: u64,
    errors: u64,
    first_error: Option<String>,
}

pub async fn run(run: Latency) -> Result<()> {
    let epoch = Instant::now();
    let agent_ws = open_agents(&run).await?;
    let visitor_ws = open_visitors(&run).await?;
    eprintln!(
        "loadgen: {} agents and {} visitors connected; opening conversations",
        agent_ws.len(),
        visitor_ws.len()
    );
    let measuring = Measuring::new(epoch);
    let stop = CancellationToken::new();
    let mut agents = JoinSet::new();
    for ws in agent_ws {
        agents.spawn(agent(ws, measuring, stop.clone()));
    }
    let mut visitors = JoinSet::new();
    let period = Duration::from_secs_f64(run.senders as f64 / run.rate);
    let start = Instant::now() + Duration::from_secs(3);
    for (index, ws) in visitor_ws.into_iter().enumerate() {
        // Staggered so the aggregate is a steady stream, not bursts of `senders`.
        let first = start + period.mul_f64(index as f64 / run.senders as f64);
        let schedule = Schedule {
            first,
            period,
            end: start + run.duration,
        };
        visitors.spawn(visitor(ws, schedule, measuring, stop.clone()));
    }
    tokio::time::sleep_until(start).await;
    emit(&Event::Sending {
        senders: run.senders,
        agents: run.agents.len(),
    });
    tokio::time::sleep_until(start + run.duration + DRAIN).await;
    stop.cancel();
    let (acks, sent_seen) = gather(visitors).await;
    let (deliveries, _) = gather(agents).await;
    emit(&Event::Latency(Box::new(report(
        &run, start, acks, deliveries, sent_seen,
    ))));
    Ok(())
}

/// Rates are taken from the first scheduled send to the last frame that arrived (at least
/// the sending window): a server that falls behind and catches up in the drain shows a
/// lower rate, not the rate it was offered.
fn report(run: &Latency, start: Instant, acks: Seen, deliveries: Seen, sent: u64) -> LatencyReport {
    let secs = run.duration.as_secs_f64();
    let over =
        |last: Option<Instant>| last.map_or(secs, |last| (last - start).as_secs_f64().max(secs));
    let (ack_secs, delivery_secs) = (over(acks.last), over(deliveries.last));
    let acked = acks.latencies.len() as u64;
    let delivered = deliveries.latencies.len() as u64;
    LatencyReport {
        senders: run.senders,
        agents: run.agents.len(),
        target_rate: run.rate,
        duration_secs: secs,
        sent,
        acked,
        delivered,
        errors: acks.errors + deliveries.errors,
        send_rate: sent as f64 / secs,
        ack_rate: acked as f64 / ack_secs,
        ack_secs,
        delivery_rate: delivered as f64 / delivery_secs,
        delivery_secs,
        ack_latency: summarize(acks.latencies),
        delivery_latency: summarize(deliveries.latencies),
        first_error: acks.first_error.or(deliveries.first_error),
    }
}

/// Joins every task and merges what they saw; returns the merged view and the sends.
async fn gather(mut tasks: JoinSet<Seen>) -> (Seen, u64) {
    let mut all = Seen::default();
    while let Some(joined) = tasks.join_next().await {
        let seen = joined.unwrap_or_else(|error| Seen {
            errors: 1,
            first_error: Some(format!("a socket task failed: {error}")),
            ..Seen::default()
        });
        all.latencies.extend(seen.latencies);
        all.last = all.last.max(seen.last);
        all.sent += seen.sent;
        all.errors += seen.errors;
        if all.first_error.is_none() {
            all.first_error = seen.first_error;
        }
    }
    let sent = all.sent;
    (all, sent)
}

async fn open_agents(run: &Latency) -> Result<Vec<Ws>> {
    let api = Api::new(&run.agent_node, run.source)?;
    let server = connect::node_addr(&run.agent_node)?;
    let mut sockets = Vec::with_capacity(run.agents.len());
    for email in &run.agents {
        let tokens = api.login(email, &run.password).await?;
        let path = format!("/ws/agent?access_token={}", tokens.access_token);
        let hello = |f: &ServerFrame| matches!(f, ServerFrame::AgentHello { .. });
        sockets.push(connect::open(run.source, server, &path, hello).await?);
    }
    Ok(sockets)
}

/// The senders, each with its conversation already open (one acked warm-up message), so
/// the measured window holds messages only, not conversations being opened and routed.
async fn open_visitors(run: &Latency) -> Result<Vec<Ws>> {
    let api = Api::new(&run.visitor_node, run.source)?;
    let server = connect::node_addr(&run.visitor_node)?;
    let sessions = api
        .visitor_sessions(&run.site_key, &run.origin, run.senders, 32)
        .await;
    if let Some(error) = sessions.first_error {
        bail!("{} visitor sessions failed: {error}", sessions.failed);
    }
    let opened = futures_util::stream::iter(sessions.tokens)
        .map(|token| async move {
            let path = format!("/ws/visitor?token={token}");
            let hello = |f: &ServerFrame| matches!(f, ServerFrame::VisitorHello { .. });
            let mut ws = connect::open(run.source, server, &path, hello).await?;
            warm_up(&mut ws).await?;
            Ok::<_, anyhow::Error>(ws)
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    opened.into_iter().collect()
}

async fn warm_up(ws: &mut Ws) -> Result<()> {
    let cid = ClientId::new_random();
    let send = VisitorFrame::Send {
        cid,
        body: "hello, I have a question".into(),
        start: None,
    };
    connect::send(ws, &send).await?;
    loop {
        match connect::next_frame(ws).await? {
            Some(ServerFrame::Ack { cid: acked, .. }) if acked == cid => return Ok(()),
            Some(ServerFrame::Error { message, .. }) => bail!("warm-up refused: {message}"),
            Some(_) => continue,
            None => bail!("closed during warm-up"),
        }
    }
}

/// Turns the timestamp in a bench message back into its latency.
#[derive(Clone, Copy)]
struct Measuring {
    epoch: Instant,
}

impl Measuring {
    fn new(epoch: Instant) -> Self {
        Self { epoch }
    }

    fn body(&self, scheduled: Instant) -> String {
        format!("{BODY_PREFIX}{}", (scheduled - self.epoch).as_nanos())
    }

    /// The time since the message was scheduled; `None` for messages that are not timed.
    fn since_scheduled(&self, message: &Message) -> Option<Duration> {
        let nanos: u64 = message.body.strip_prefix(BODY_PREFIX)?.parse().ok()?;
        let scheduled = self.epoch + Duration::from_nanos(nanos);
        Some(Instant::now().saturating_duration_since(scheduled))
    }
}

struct Schedule {
    first: Instant,
    period: Duration,
    end: Instant,
}

/// Sends on schedule and times the acks, until `stop`.
async fn visitor(
    ws: Ws,
    schedule: Schedule,
    measuring: Measuring,
    stop: CancellationToken,
) -> Seen {
    let (mut sink, mut stream) = ws.split();
    let mut seen = Seen::default();
    let mut ticks = tokio::time::interval_at(schedule.first, schedule.period);
    // Catch up after a stall: the rate is the target, the delay shows in the latency.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut sending = true;
    loop {
        tokio::select! {
            scheduled = ticks.tick(), if sending => {
                if scheduled >= schedule.end {
                    sending = false;
                    continue;
                }
                let frame = VisitorFrame::Send { cid: ClientId::new_random(), body: measuring.body(scheduled), start: None };
                match connect::send(&mut sink, &frame).await {
                    Ok(()) => seen.sent += 1,
                    Err(error) => { seen.failed(error); break; }
                }
            }
            frame = stream.next() => match read(frame) {
                Ok(Some(ServerFrame::Ack { message, .. })) => {
                    if let Some(latency) = measuring.since_scheduled(&message) {
                        seen.timed(latency);
                    }
                }
                Ok(Some(ServerFrame::Error { message, .. })) => seen.failed(anyhow::anyhow!(message)),
                Ok(Some(_)) => {}
                Ok(None) => { seen.failed(anyhow::anyhow!("the visitor socket closed")); break; }
                Err(error) => { seen.failed(error); break; }
            },
            () = stop.cancelled() => break,
        }
    }
    seen
}

/// Times every visitor message that reaches this agent, until `stop`.
async fn agent(ws: Ws, measuring: Measuring, stop: CancellationToken) -> Seen {
    let (_sink, mut stream) = ws.split();
    let mut seen = Seen::default();
    loop {
        tokio::select! {
            frame = stream.next() => match read(frame) {
                Ok(Some(ServerFrame::Message { message })) if matches!(message.author, Author::Visitor { .. }) => {
                    if let Some(latency) = measuring.since_scheduled(&message) {
                        seen.timed(latency);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => { seen.failed(anyhow::anyhow!("the agent socket closed")); break; }
                Err(error) => { seen.failed(error); break; }
            },
            () = stop.cancelled() => break,
        }
    }
    seen
}

impl Seen {
    fn timed(&mut self, latency: Duration) {
        self.latencies.push(latency);
        self.last = Some(Instant::now());
    }

    fn failed(&mut self, error: anyhow::Error) {
        self.errors += 1;
        self.first_error.get_or_insert(format!("{error:#}"));
    }
}

type WsItem =
    Option<Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>>;

/// One item of a split stream as a server frame (`Ok(Some(Pong))` stands in for frames
/// that carry nothing to time, like WebSocket pings).
fn read(item: WsItem) -> Result<Option<ServerFrame>> {
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    match item {
        Some(Ok(WsMessage::Text(text))) => serde_json::from_str(text.as_str())
            .map(Some)
            .with_context(|| format!("undocumented frame {text}")),
        Some(Ok(WsMessage::Close(_))) | None => Ok(None),
        Some(Ok(_)) => Ok(Some(ServerFrame::Pong)),
        Some(Err(error)) => Err(error.into()),
    }
}
