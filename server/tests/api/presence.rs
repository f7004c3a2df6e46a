use livedesk_protocol::ErrorCode;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{AgentId, ClientId};
use livedesk_protocol::presence::{AgentPresence, AgentStateChoice, AgentStateKind};
use time::{Duration, OffsetDateTime};

use crate::messaging::agent;
use crate::support::TestApp;
use crate::support::client::{Socket, login};

async fn presence_of(socket: &mut Socket, who: AgentId) -> AgentPresence {
    socket
        .recv_until(|frame| match frame {
            ServerFrame::AgentPresence { presence } if presence.agent_id == who => Some(presence),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn colleagues_see_an_agent_come_online_change_state_and_leave() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let colleague = login(&app.node, &app.site.agent_email).await;
    let mut watcher = agent(&app.node, &admin.access_token).await;

    let mut desk = agent(&app.node, &colleague.access_token).await;
    let online = presence_of(&mut watcher, colleague.agent.id).await;
    assert!(online.online);
    assert_eq!(online.choice.state, AgentStateKind::Available);

    let until = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + Duration::minutes(30);
    let cid = ClientId::new_random();
    let lunch = AgentStateChoice {
        state: AgentStateKind::Break,
        message: Some("Lunch".into()),
        until: Some(until),
    };
    desk.send_json(&AgentFrame::SetState {
        cid,
        choice: lunch.clone(),
    })
    .await;
    let done = desk
        .recv_until(|f| matches!(f, ServerFrame::Done { cid: c } if c == cid).then_some(()))
        .await;
    assert_eq!(done, ());
    let on_break = presence_of(&mut watcher, colleague.agent.id).await;
    assert_eq!(on_break.choice, lunch);

    desk.close().await;
    let gone = presence_of(&mut watcher, colleague.agent.id).await;
    assert!(!gone.online);
    assert_eq!(
        gone.choice.state,
        AgentStateKind::Break,
        "the chosen state outlives the socket"
    );
}

#[tokio::test]
async fn an_agent_cannot_choose_busy_or_an_end_in_the_past() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let past = OffsetDateTime::now_utc() - Duration::minutes(5);

    for choice in [
        AgentStateChoice {
            state: AgentStateKind::Busy,
            message: None,
            until: None,
        },
        AgentStateChoice {
            state: AgentStateKind::Away,
            message: None,
            until: Some(past),
        },
        AgentStateChoice {
            state: AgentStateKind::Away,
            message: Some("x".repeat(141)),
            until: None,
        },
    ] {
        let cid = ClientId::new_random();
        desk.send_json(&AgentFrame::SetState { cid, choice }).await;
        let refused = desk
            .recv_until(|f| match f {
                ServerFrame::Error {
                    cid: Some(c), code, ..
                } if c == cid => Some(code),
                ServerFrame::Done { cid: c } if c == cid => {
                    panic!("accepted a state it should refuse")
                }
                _ => None,
            })
            .await;
        assert_eq!(refused, ErrorCode::InvalidInput);
    }
}

#[tokio::test]
async fn colleagues_see_an_agent_go_offline_when_the_agents_node_dies() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let colleague = login(&app.node, &app.site.agent_email).await;
    let mut watcher = agent(&app.node, &admin.access_token).await;
    let doomed = crate::support::process_node::ProcessNode::start(&app.settings);
    let doomed_url = format!(
        "ws://{}/ws/agent?access_token={}",
        doomed.addr, colleague.access_token
    );
    let _desk = Socket::connect(&doomed_url).await;
    assert!(presence_of(&mut watcher, colleague.agent.id).await.online);

    doomed.kill();

    // No socket closes cleanly: the news comes when the heartbeats go stale.
    let stale_after = livedesk_server::presence::ONLINE_TTL + std::time::Duration::from_secs(20);
    let deadline = tokio::time::Instant::now() + stale_after;
    let mut offline = None;
    while offline.is_none() && tokio::time::Instant::now() < deadline {
        offline = watcher
            .frames_within(std::time::Duration::from_secs(2))
            .await
            .into_iter()
            .find_map(|frame| match frame {
                ServerFrame::AgentPresence { presence }
                    if presence.agent_id == colleague.agent.id =>
                {
                    Some(presence)
                }
                _ => None,
            });
    }
    let offline = offline.expect("the colleague is told offline within the heartbeat TTL");
    assert!(!offline.online);
    let again = watcher
        .frames_within(std::time::Duration::from_secs(5))
        .await;
    assert!(
        !again.iter().any(|f| matches!(f, ServerFrame::AgentPresence { presence } if presence.agent_id == colleague.agent.id)),
        "told once"
    );
}
