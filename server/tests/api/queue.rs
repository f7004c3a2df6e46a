use std::collections::HashSet;
use std::sync::Arc;

use fred::interfaces::ClientLike;
use livedesk_protocol::ids::{AgentId, ConversationId, SiteId};
use livedesk_server::queue::{Assignment, Queue};

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
    let (early, vip, late) = (
        ConversationId::new_random(),
        ConversationId::new_random(),
        ConversationId::new_random(),
    );
    queue.enqueue(site, early, 10.0).await.unwrap();
    queue.enqueue(site, late, 20.0).await.unwrap();
    queue.enqueue(site, vip, 1.0).await.unwrap();

    assert_eq!(queue.position(site, vip).await.unwrap(), Some(1));
    assert_eq!(queue.position(site, late).await.unwrap(), Some(3));
    assert!(queue.leave(site, early).await.unwrap());
    assert_eq!(
        queue.position(site, late).await.unwrap(),
        Some(2),
        "the line moves up"
    );
    assert_eq!(queue.position(site, early).await.unwrap(), None);

    let agent = AgentId::new_random();
    assert_eq!(queue.claim_next(site, agent, 5).await.unwrap(), Some(vip));
    assert_eq!(queue.claim_next(site, agent, 5).await.unwrap(), Some(late));
    assert_eq!(queue.claim_next(site, agent, 5).await.unwrap(), None);
    assert_eq!(queue.active_chats(site, agent).await.unwrap(), 2);
}

#[tokio::test]
async fn an_agent_at_capacity_takes_nobody() {
    let redis = TestRedis::start();
    let queue = node_queue(&redis).await;
    let site = SiteId::new_random();
    for score in 0..3 {
        queue
            .enqueue(site, ConversationId::new_random(), f64::from(score))
            .await
            .unwrap();
    }
    let agent = AgentId::new_random();

    assert!(queue.claim_next(site, agent, 2).await.unwrap().is_some());
    assert!(queue.claim_next(site, agent, 2).await.unwrap().is_some());
    assert_eq!(queue.claim_next(site, agent, 2).await.unwrap(), None);
    assert_eq!(queue.len(site).await.unwrap(), 1);

    queue.release(site, agent).await.unwrap();
    assert!(
        queue.claim_next(site, agent, 2).await.unwrap().is_some(),
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
    let waiting: Vec<ConversationId> = (0..300).map(|_| ConversationId::new_random()).collect();
    for (i, conversation) in waiting.iter().enumerate() {
        nodes[0]
            .enqueue(site, *conversation, i as f64)
            .await
            .unwrap();
    }
    let agents: Vec<AgentId> = (0..12).map(|_| AgentId::new_random()).collect();

    let mut claimers = Vec::new();
    for (i, agent) in agents.iter().copied().enumerate() {
        let queue = nodes[i % 2].clone();
        claimers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(conversation) = queue.claim_next(site, agent, 30).await.unwrap() {
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
    let conversation = ConversationId::new_random();
    nodes[0].enqueue(site, conversation, 0.0).await.unwrap();

    let attempts: Vec<_> = (0..10)
        .map(|i| {
            let queue = nodes[i % 2].clone();
            tokio::spawn(async move {
                queue
                    .assign(site, conversation, AgentId::new_random(), 5)
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
    let (first, second) = (ConversationId::new_random(), ConversationId::new_random());
    let busy = AgentId::new_random();
    queue
        .rebuild(site, &[(first, 1.0), (second, 2.0)], &[(busy, 3)])
        .await
        .unwrap();
    assert!(queue.is_built(site).await.unwrap());

    let config = fred::types::config::Config::from_url(&redis.url()).unwrap();
    let admin = fred::types::Builder::from_config(config).build().unwrap();
    admin.init().await.unwrap();
    admin.flushall::<()>(false).await.unwrap();
    assert!(!queue.is_built(site).await.unwrap(), "a flush is noticed");

    queue
        .rebuild(site, &[(first, 1.0), (second, 2.0)], &[(busy, 3)])
        .await
        .unwrap();
    assert_eq!(queue.position(site, second).await.unwrap(), Some(2));
    assert_eq!(queue.active_chats(site, busy).await.unwrap(), 3);
}
