use std::collections::HashSet;
use std::sync::Arc;

use fred::interfaces::ClientLike;
use livedesk_protocol::ids::DepartmentId;
use livedesk_protocol::ids::{AgentId, ConversationId, SiteId};
use livedesk_server::queue::{Assignment, Line, Queue};

use crate::support::TestRedis;

/// A queue with its own Redis connections, as one node has.
async fn node_queue(redis: &TestRedis) -> Queue {
    let config = fred::types::config::Config::from_url(&redis.url()).unwrap();
    let pool = fred::types::Builder::from_config(config)
        .build_pool(2)
        .unwrap();
    pool.init().await.unwrap();
    Queue::new(pool)
}

#[tokio::test]
async fn visitors_wait_in_priority_order_and_see_their_place() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    let line = Line::general(site);
    let (early, vip, late) = (
        ConversationId::new_random(),
        ConversationId::new_random(),
        ConversationId::new_random(),
    );
    queue.enqueue(line, early, 10.0).await.unwrap();
    queue.enqueue(line, late, 20.0).await.unwrap();
    queue.enqueue(line, vip, 1.0).await.unwrap();

    assert_eq!(queue.position(line, vip).await.unwrap(), Some(1));
    assert_eq!(queue.position(line, late).await.unwrap(), Some(3));
    assert!(queue.leave(line, early).await.unwrap());
    assert_eq!(
        queue.position(line, late).await.unwrap(),
        Some(2),
        "the line moves up"
    );
    assert_eq!(queue.position(line, early).await.unwrap(), None);

    let agent = AgentId::new_random();
    let lines = [line];
    assert_eq!(
        queue.claim_next(site, agent, 5, &lines).await.unwrap(),
        Some((vip, line))
    );
    assert_eq!(
        queue.claim_next(site, agent, 5, &lines).await.unwrap(),
        Some((late, line))
    );
    assert_eq!(
        queue.claim_next(site, agent, 5, &lines).await.unwrap(),
        None
    );
    assert_eq!(queue.active_chats(site, agent).await.unwrap(), 2);
}

#[tokio::test]
async fn an_agent_at_capacity_takes_nobody() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    let lines = [Line::general(site)];
    for score in 0..3 {
        queue
            .enqueue(lines[0], ConversationId::new_random(), f64::from(score))
            .await
            .unwrap();
    }
    let agent = AgentId::new_random();

    assert!(
        queue
            .claim_next(site, agent, 2, &lines)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        queue
            .claim_next(site, agent, 2, &lines)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        queue.claim_next(site, agent, 2, &lines).await.unwrap(),
        None
    );
    assert_eq!(queue.len(site).await.unwrap(), 1);

    queue.release(site, agent).await.unwrap();
    assert!(
        queue
            .claim_next(site, agent, 2, &lines)
            .await
            .unwrap()
            .is_some(),
        "a freed place is taken again"
    );
}

#[tokio::test]
async fn agents_on_several_nodes_claiming_at_once_never_share_or_skip_a_visitor() {
    let redis = TestRedis::start();
    let nodes = [
        Arc::new(node_queue(&redis).await),
        Arc::new(node_queue(&redis).await),
    ];
    let site = SiteId::new_random();
    let general = Line::general(site);
    let sales = Line::department(site, DepartmentId::new_random());
    let waiting: Vec<ConversationId> = (0..300).map(|_| ConversationId::new_random()).collect();
    for (i, conversation) in waiting.iter().enumerate() {
        let line = if i % 3 == 0 { sales } else { general };
        nodes[0]
            .enqueue(line, *conversation, i as f64)
            .await
            .unwrap();
    }
    let agents: Vec<AgentId> = (0..12).map(|_| AgentId::new_random()).collect();

    // Sales agents take from both lines, the others from the general line first and from
    // Sales as its fallback: every claim races with claims on other lines.
    let mut claimers = Vec::new();
    for (i, agent) in agents.iter().copied().enumerate() {
        let queue = nodes[i % 2].clone();
        let lines = if i % 3 == 0 {
            vec![sales, general]
        } else {
            vec![general, sales]
        };
        claimers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some((conversation, _)) =
                queue.claim_next(site, agent, 30, &lines).await.unwrap()
            {
                mine.push(conversation);
                tokio::task::yield_now().await;
            }
            (agent, mine)
        }));
    }
    let mut claimed = Vec::new();
    for claimer in claimers {
        let (agent, mine) = claimer.await.unwrap();
        assert!(mine.len() <= 30, "an agent never exceeds max_chats");
        assert_eq!(
            nodes[0].active_chats(site, agent).await.unwrap() as usize,
            mine.len()
        );
        claimed.extend(mine);
    }

    let unique: HashSet<_> = claimed.iter().collect();
    assert_eq!(unique.len(), claimed.len(), "no visitor was assigned twice");
    assert_eq!(
        unique,
        waiting.iter().collect::<HashSet<_>>(),
        "every visitor was taken; none skipped"
    );
    assert_eq!(nodes[1].len(site).await.unwrap(), 0);
}

#[tokio::test]
async fn one_visitor_accepted_by_many_agents_at_once_goes_to_exactly_one() {
    let redis = TestRedis::start();
    let nodes = [
        Arc::new(node_queue(&redis).await),
        Arc::new(node_queue(&redis).await),
    ];
    let site = SiteId::new_random();
    let line = Line::general(site);
    let conversation = ConversationId::new_random();
    nodes[0].enqueue(line, conversation, 0.0).await.unwrap();

    let attempts: Vec<_> = (0..10)
        .map(|i| {
            let queue = nodes[i % 2].clone();
            tokio::spawn(async move {
                queue
                    .assign(line, conversation, AgentId::new_random(), 5)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(attempt.await.unwrap());
    }

    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Assignment::Assigned)
            .count(),
        1
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Assignment::NotQueued)
            .count(),
        9
    );
}

#[tokio::test]
async fn a_flushed_queue_is_rebuilt_as_it_was() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    let line = Line::general(site);
    let support = Line::department(site, DepartmentId::new_random());
    let (first, second, third) = (
        ConversationId::new_random(),
        ConversationId::new_random(),
        ConversationId::new_random(),
    );
    let busy = AgentId::new_random();
    let waiting = [
        (line, first, 1.0),
        (line, second, 2.0),
        (support, third, 0.5),
    ];
    queue.rebuild(site, &waiting, &[(busy, 3)]).await.unwrap();
    assert!(queue.is_built(site).await.unwrap());

    let config = fred::types::config::Config::from_url(&redis.url()).unwrap();
    let admin = fred::types::Builder::from_config(config).build().unwrap();
    admin.init().await.unwrap();
    admin.flushall::<()>(false).await.unwrap();
    assert!(!queue.is_built(site).await.unwrap(), "a flush is noticed");

    assert_eq!(queue.len(site).await.unwrap(), 0);
    queue.rebuild(site, &waiting, &[(busy, 3)]).await.unwrap();
    assert_eq!(queue.position(line, second).await.unwrap(), Some(2));
    assert_eq!(queue.position(support, third).await.unwrap(), Some(1));
    assert_eq!(queue.lines(site).await.unwrap(), vec![line, support]);
    assert_eq!(queue.len(site).await.unwrap(), 3);
    assert_eq!(queue.active_chats(site, busy).await.unwrap(), 3);
}

#[tokio::test]
async fn a_claim_takes_the_best_placed_visitor_of_the_lines_served() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    let general = Line::general(site);
    let sales = Line::department(site, DepartmentId::new_random());
    let support = Line::department(site, DepartmentId::new_random());
    let (old_general, new_sales, oldest_support) = (
        ConversationId::new_random(),
        ConversationId::new_random(),
        ConversationId::new_random(),
    );
    queue.enqueue(general, old_general, 10.0).await.unwrap();
    queue.enqueue(sales, new_sales, 20.0).await.unwrap();
    queue.enqueue(support, oldest_support, 1.0).await.unwrap();
    let agent = AgentId::new_random();

    let served = [sales, general];
    assert_eq!(
        queue.claim_next(site, agent, 5, &served).await.unwrap(),
        Some((old_general, general)),
        "the lower score wins across lines; Support is not served"
    );
    assert_eq!(
        queue.claim_next(site, agent, 5, &served).await.unwrap(),
        Some((new_sales, sales))
    );
    assert_eq!(
        queue.claim_next(site, agent, 5, &served).await.unwrap(),
        None
    );
    assert_eq!(
        queue.position(support, oldest_support).await.unwrap(),
        Some(1)
    );
    assert_eq!(queue.active_chats(site, agent).await.unwrap(), 2);
}

#[tokio::test]
async fn a_transfer_moves_one_place_between_agents_within_capacity() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    let (from, to) = (AgentId::new_random(), AgentId::new_random());
    queue
        .rebuild(site, &[], &[(from, 2), (to, 1)])
        .await
        .unwrap();

    assert!(
        !queue.transfer(site, from, to, 1).await.unwrap(),
        "to is full"
    );
    assert_eq!(queue.active_chats(site, from).await.unwrap(), 2);
    assert!(queue.transfer(site, from, to, 2).await.unwrap());
    assert_eq!(queue.active_chats(site, from).await.unwrap(), 1);
    assert_eq!(queue.active_chats(site, to).await.unwrap(), 2);
}

#[tokio::test]
async fn rescoring_moves_waiting_visitors_and_never_brings_back_a_taken_one() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    let line = Line::general(site);
    let (first, second) = (ConversationId::new_random(), ConversationId::new_random());
    queue.enqueue(line, first, 1.0).await.unwrap();
    queue.enqueue(line, second, 2.0).await.unwrap();
    let taken = ConversationId::new_random();

    queue
        .rescore(line, &[(first, 3.0), (second, 2.0), (taken, 0.0)])
        .await
        .unwrap();

    assert_eq!(queue.waiting(line).await.unwrap(), vec![second, first]);
}
