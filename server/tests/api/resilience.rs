//! Nothing lost, nothing doubled: a visitor and an agent exchange a long scripted
//! conversation across two nodes while their connections drop at random moments, often
//! right after a send and before its ack. Each client only does what docs/protocol.md asks
//! (resume from its last contiguous seq, send unacknowledged messages again with the same
//! cid), and both must end with exactly the same, complete transcript.
//!
//! The moments are drawn from a seeded generator; the seed is printed, and
//! `LIVEDESK_TEST_SEED=<seed>` replays its choices (the timing of the network is
//! still its own).

use std::time::Duration;

use livedesk_protocol::chat::{Author, Message};
use livedesk_protocol::ids::ClientId;

use crate::support::TestApp;
use crate::support::chat::ChatClient;
use crate::support::client::{http, login, visitor_session};

/// Scripted messages per side; the conversation ends with twice as many.
const PER_SIDE: usize = 100;
/// Sends a client makes before it waits for acks.
const MAX_IN_FLIGHT: usize = 4;

const VISITOR: usize = 0;
const AGENT: usize = 1;

#[tokio::test]
async fn clients_that_drop_at_random_moments_lose_nothing_and_double_nothing() {
    let seed = seed();
    println!("resilience seed {seed} (LIVEDESK_TEST_SEED={seed} replays its choices)");
    let mut rng = SplitMix64(seed);
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let nodes = [app.node.url(""), second.url("")];
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let session = visitor_session(&app.node, &app.site).await;
    let mut clients = [ChatClient::visitor(&session), ChatClient::agent(&access)];
    let scripts = [script("visitor"), script("agent")];
    let mut next = [0_usize; 2];
    let mut stats = Stats::default();

    // Act: the scripted exchange, with the network misbehaving.
    while next[VISITOR] < PER_SIDE || next[AGENT] < PER_SIDE {
        let side = rng.below(2) as usize;
        let client = &mut clients[side];
        if !client.is_connected() {
            // Stay away for a while sometimes, so the other side's messages are missed.
            if rng.below(3) == 0 {
                client.reconnect(&nodes[rng.below(2) as usize]).await;
            }
            continue;
        }
        match rng.below(100) {
            0..50 => {
                let may_send = next[side] < PER_SIDE
                    && client.unacknowledged() < MAX_IN_FLIGHT
                    && (side == VISITOR || client.conversation.is_some());
                if may_send {
                    client.send(&scripts[side][next[side]]).await;
                    next[side] += 1;
                    if rng.below(8) == 0 {
                        // The case that matters: the frame is out, its ack is not in yet.
                        client.drop_connection();
                        stats.dropped_after_send += 1;
                    }
                } else {
                    let _ = client.pump(Duration::from_millis(5)).await;
                }
            }
            50..90 => {
                let _ = client.pump(Duration::from_millis(1 + rng.below(15))).await;
            }
            90..97 => {
                client.drop_connection();
                stats.dropped += 1;
            }
            _ => {
                client.close().await;
                stats.closed += 1;
            }
        }
    }

    // Let both catch up: every send acknowledged, every message seen.
    let total = (2 * PER_SIDE) as i64;
    for client in &mut clients {
        let node = &nodes[rng.below(2) as usize];
        client
            .pump_until(node, Duration::from_secs(20), |c| c.unacknowledged() == 0)
            .await;
    }
    for client in &mut clients {
        let node = &nodes[rng.below(2) as usize];
        client
            .pump_until(node, Duration::from_secs(20), |c| {
                c.transcript.contiguous() == total
            })
            .await;
    }
    println!(
        "{stats:?}; connections: visitor {}, agent {}; sends repeated: visitor {}, agent {}; \
         messages seen twice: visitor {}, agent {}",
        clients[VISITOR].connections,
        clients[AGENT].connections,
        clients[VISITOR].resent,
        clients[AGENT].resent,
        clients[VISITOR].transcript.repeats,
        clients[AGENT].transcript.repeats,
    );

    // Assert: both sides hold seq 1..=N, the same messages, each scripted one exactly once.
    let [visitor, agent] = &clients;
    let expected_seqs: Vec<i64> = (1..=total).collect();
    assert_eq!(visitor.transcript.seqs(), expected_seqs, "visitor's seqs");
    assert_eq!(agent.transcript.seqs(), expected_seqs, "agent's seqs");
    assert_eq!(
        visitor.transcript.messages(),
        agent.transcript.messages(),
        "both sides see the same transcript"
    );
    let transcript = visitor.transcript.messages();
    assert_sent_once_in_order(&transcript, &visitor.sent, &scripts[VISITOR], "visitor");
    assert_sent_once_in_order(&transcript, &agent.sent, &scripts[AGENT], "agent");
    for message in &transcript {
        let by_visitor = message.body.starts_with("visitor");
        assert_eq!(
            matches!(message.author, Author::Visitor { .. }),
            by_visitor,
            "author of {message:?}"
        );
    }

    let conversation = visitor.conversation.unwrap();
    let (stored, distinct_cids, last_seq): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT client_id), max(seq) FROM messages WHERE conversation_id = $1",
    )
    .bind(conversation.0)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (stored, distinct_cids, last_seq),
        (total, total, Some(total))
    );

    let from_rest: Vec<Message> = http()
        .get(app.node.url(&format!(
            "/api/v1/conversations/{}/messages?after_seq=0",
            conversation.0
        )))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(from_rest.iter().collect::<Vec<_>>(), transcript);
}

/// Each scripted body appears exactly once, stored with the cid it was first sent with,
/// in the order the sender sent them.
fn assert_sent_once_in_order(
    transcript: &[&Message],
    sent: &[(ClientId, String)],
    script: &[String],
    who: &str,
) {
    assert_eq!(
        sent.len(),
        script.len(),
        "{who} sent every scripted message"
    );
    let prefix = format!("{who} ");
    let stored: Vec<&Message> = transcript
        .iter()
        .copied()
        .filter(|m| m.body.starts_with(&prefix))
        .collect();
    let bodies: Vec<&str> = stored.iter().map(|m| m.body.as_str()).collect();
    let expected: Vec<&str> = script.iter().map(String::as_str).collect();
    assert_eq!(
        bodies, expected,
        "{who}'s messages, once each, in their order"
    );
    for (message, (cid, body)) in stored.iter().zip(sent) {
        assert_eq!((&message.body, message.client_id), (body, Some(*cid)));
    }
}

fn script(who: &str) -> Vec<String> {
    (1..=PER_SIDE).map(|n| format!("{who} {n:03}")).collect()
}

#[derive(Debug, Default)]
struct Stats {
    dropped_after_send: usize,
    dropped: usize,
    closed: usize,
}

fn seed() -> u64 {
    match std::env::var("LIVEDESK_TEST_SEED") {
        Ok(seed) => seed.parse().expect("LIVEDESK_TEST_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    }
}

/// A small deterministic generator (SplitMix64), so a seed names one run on any machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
