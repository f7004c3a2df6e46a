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
