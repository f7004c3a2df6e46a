//! Several nodes behind a real nginx, with the production proxying rules
//! (`nginx/proxy.conf`): a visitor and an agent connected through the proxy chat normally,
//! and when the node holding the agent's socket goes away, the agent's client reconnects
//! through the proxy to the other node and misses nothing.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use livedesk_protocol::api::{LoginRequest, TokenPair, VisitorSession, VisitorSessionRequest};
use livedesk_protocol::chat::Author;
use livedesk_protocol::close_code;

use support::chat::ChatClient;
use support::client::{Ended, http};
use support::nginx::Nginx;
use support::process_node::ProcessNode;
use support::{PASSWORD, SiteFixture, TestApp, TestNode, eventually};

#[tokio::test]
async fn through_nginx_a_stopped_node_costs_the_agent_a_reconnect_and_nothing_else() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let proxy = Nginx::start(&[app.node.addr, second.addr]);
    let base = proxy.url();
    let (mut visitor, mut agent) = clients(&base, &app.site).await;

    // The agent connects through nginx; the visitor too, until it lands on the other node.
    agent.connect(&base).await.unwrap();
    let nodes = [&app.node, &second];
    eventually("the agent's socket on a node", || async {
        socket_counts(&nodes) == [1, 0] || socket_counts(&nodes) == [0, 1]
    })
    .await;
    let agents_node = usize::from(socket_counts(&nodes) == [0, 1]);
    connect_on(&mut visitor, &base, &nodes, 1 - agents_node).await;

    // (a) They chat normally, each through nginx, on different nodes.
    chat(&mut visitor, &mut agent, &base).await;

    // (b) The agent's node shuts down right after the agent sent a reply, and the visitor,
    // on the other node, writes meanwhile.
    agent.send(AGENTS_LAST).await;
    let doomed = if agents_node == 0 { app.node } else { second };
    doomed.stop().await;
    write_while_agent_is_away(&mut visitor, &base).await;

    // The agent's socket was told to reconnect; it does, through nginx, to the survivor.
    assert_eq!(
        ended(&mut agent).await,
        Ended::Closed(Some(close_code::RESTART))
    );
    agent
        .connect(&base)
        .await
        .expect("nginx fails over to the surviving node");
    assert_nothing_lost(&mut visitor, &mut agent, &base, &app.db).await;
}

#[tokio::test]
async fn through_nginx_a_crashed_node_costs_the_agent_a_reconnect_and_nothing_else() {
    let app = TestApp::spawn().await;
    let crashing = ProcessNode::start(&app.settings);
    let proxy = Nginx::start(&[app.node.addr, crashing.addr]);
    let base = proxy.url();
    let (mut visitor, mut agent) = clients(&base, &app.site).await;

    // The agent lands on the node that will crash, the visitor on the one that stays.
    let counted = |n: usize| {
        let node = &app.node;
        async move { node.state.sockets.len() == n }
    };
    for _ in 0..10 {
        agent.connect(&base).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        if counted(0).await {
            break;
        }
        agent.close().await;
        eventually("the agent's socket to close", || counted(0)).await;
    }
    assert!(
        counted(0).await,
        "nginx never sent the agent to the other node"
    );
    connect_on(&mut visitor, &base, &[&app.node, &app.node], 0).await;

    chat(&mut visitor, &mut agent, &base).await;

    // The agent's node dies mid-conversation, right after the agent sent a reply.
    agent.send(AGENTS_LAST).await;
    crashing.kill();
    write_while_agent_is_away(&mut visitor, &base).await;

    // No close frame this time: the connection just ends. The client reconnects anyway.
    let how = ended(&mut agent).await;
    assert_ne!(
        how,
        Ended::Closed(Some(close_code::RESTART)),
        "a crash says nothing"
    );
    agent
        .connect(&base)
        .await
        .expect("nginx fails over to the surviving node");
    assert_nothing_lost(&mut visitor, &mut agent, &base, &app.db).await;
}

const AGENTS_LAST: &str = "agent: sent as my node went away";
const WHILE_AWAY: [&str; 3] = [
    "visitor: while you were away 1",
    "visitor: while you were away 2",
    "visitor: while you were away 3",
];

async fn clients(base: &str, site: &SiteFixture) -> (ChatClient, ChatClient) {
    let access = login(base, &site.agent_email).await.access_token;
    let session = visitor_session(base, site).await;
    (ChatClient::visitor(&session), ChatClient::agent(&access))
}

/// A hello and an answer, seen by both.
async fn chat(visitor: &mut ChatClient, agent: &mut ChatClient, base: &str) {
    visitor.send("visitor: hello through nginx").await;
    agent
        .pump_until(base, Duration::from_secs(10), |c| {
            c.transcript.contiguous() == 1
        })
        .await;
    agent.send("agent: hello back").await;
    let both_seen = |c: &ChatClient| c.transcript.contiguous() == 2 && c.unacknowledged() == 0;
    agent
        .pump_until(base, Duration::from_secs(10), both_seen)
        .await;
    visitor
        .pump_until(base, Duration::from_secs(10), both_seen)
        .await;
}

async fn write_while_agent_is_away(visitor: &mut ChatClient, base: &str) {
    for body in WHILE_AWAY {
        visitor.send(body).await;
    }
    visitor
        .pump_until(base, Duration::from_secs(10), |c| c.unacknowledged() == 0)
        .await;
}

/// Reads until the socket ends, and says how.
async fn ended(client: &mut ChatClient) -> Ended {
    loop {
        match client.pump(Duration::from_secs(10)).await {
            Ok(0) => panic!("the socket stayed open after its node went away"),
            Ok(_) => continue,
            Err(ended) => return ended,
        }
    }
}

/// Both sides end with the same six messages, each once, in each sender's order.
async fn assert_nothing_lost(
    visitor: &mut ChatClient,
    agent: &mut ChatClient,
    base: &str,
    db: &sqlx::PgPool,
) {
    let everything = |c: &ChatClient| c.transcript.contiguous() == 6 && c.unacknowledged() == 0;
    agent
        .pump_until(base, Duration::from_secs(10), everything)
        .await;
    visitor
        .pump_until(base, Duration::from_secs(10), everything)
        .await;
    assert_eq!(agent.transcript.messages(), visitor.transcript.messages());
    let bodies: Vec<&str> = agent
        .transcript
        .messages()
        .iter()
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(
        bodies[..2],
        ["visitor: hello through nginx", "agent: hello back"]
    );
    let by = |who: &str| -> Vec<&str> {
        bodies
            .iter()
            .copied()
            .filter(|b| b.starts_with(who))
            .collect()
    };
    assert_eq!(by("agent"), ["agent: hello back", AGENTS_LAST]);
    let mut visitors = vec!["visitor: hello through nginx"];
    visitors.extend(WHILE_AWAY);
    assert_eq!(by("visitor"), visitors);
    for message in agent.transcript.messages() {
        let by_agent = matches!(message.author, Author::Agent { .. });
        assert_eq!(by_agent, message.body.starts_with("agent"), "{message:?}");
    }
    let (stored, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT client_id) FROM messages")
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!((stored, distinct), (6, 6));
}

/// How many sockets each node holds.
fn socket_counts(nodes: &[&TestNode; 2]) -> [usize; 2] {
    nodes.map(|n| n.state.sockets.len())
}

/// Connects through the proxy until the socket lands on `nodes[target]` (nginx takes
/// turns, so this ends in a few tries).
async fn connect_on(client: &mut ChatClient, base: &str, nodes: &[&TestNode; 2], target: usize) {
    let before = nodes[target].state.sockets.len();
    for _ in 0..10 {
        client.connect(base).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        if nodes[target].state.sockets.len() == before + 1 {
            return;
        }
        client.close().await;
    }
    panic!("nginx never sent a socket to the node it should");
}

async fn login(base: &str, email: &str) -> TokenPair {
    let response = http()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&LoginRequest {
            email: email.into(),
            password: PASSWORD.into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "login through nginx");
    response.json().await.unwrap()
}

async fn visitor_session(base: &str, site: &SiteFixture) -> VisitorSession {
    let response = http()
        .post(format!("{base}/api/v1/visitor/session"))
        .header("Origin", &site.origin)
        .json(&VisitorSessionRequest {
            site_key: site.key.clone(),
            visitor_token: None,
            page_origin: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "visitor session through nginx");
    response.json().await.unwrap()
}
