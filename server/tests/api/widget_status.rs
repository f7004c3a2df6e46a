use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::ClientId;
use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind};
use livedesk_protocol::status::{ClosedReason, SiteStatus, WidgetState};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::messaging::{agent, answer};
use crate::support::client::{Socket, http, login, visitor_session};
use crate::support::{TestApp, TestNode};

/// A widget's socket, with the status it was given right after its hello.
async fn open_widget(node: &TestNode, token: &str) -> (Socket, SiteStatus) {
    let mut widget = Socket::visitor(node, token).await;
    assert!(matches!(
        widget.recv().await,
        ServerFrame::VisitorHello { .. }
    ));
    let ServerFrame::SiteStatus { status } = widget.recv().await else {
        panic!("site_status follows the hello")
    };
    (widget, status)
}

/// The next status pushed to a widget.
async fn pushed(widget: &mut Socket) -> SiteStatus {
    widget
        .recv_until(|frame| match frame {
            ServerFrame::SiteStatus { status } => Some(status),
            _ => None,
        })
        .await
}

async fn put_hours(node: &TestNode, admin_token: &str, hours: &Value) {
    let response = http()
        .put(node.url("/api/v1/site/business-hours"))
        .bearer_auth(admin_token)
        .json(hours)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "{hours}");
}

async fn set_state(desk: &mut Socket, state: AgentStateKind) {
    let cid = ClientId::new_random();
    let choice = AgentStateChoice {
        state,
        message: None,
        until: None,
    };
    assert_eq!(
        answer(desk, cid, &AgentFrame::SetState { cid, choice }).await,
        Ok(())
    );
}

#[tokio::test]
async fn an_open_widget_hears_the_desk_close_with_the_next_opening_and_open_again() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await.access_token;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let _desk = agent(&app.node, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let (mut widget, first) = open_widget(&app.node, &session.visitor_token).await;
    assert_eq!(
        (first.state, first.agents_available),
        (WidgetState::Online, 1)
    );

    // Open all day every day but today: closed now, open again at midnight (UTC).
    let now = OffsetDateTime::now_utc();
    let all_day = json!([{"start": "00:00", "end": "24:00"}]);
    let today = now.weekday().to_string().to_lowercase();
    let mut weekly = serde_json::Map::new();
    for day in [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ] {
        let hours = if day == today {
            json!([])
        } else {
            all_day.clone()
        };
        weekly.insert(day.into(), hours);
    }
    put_hours(
        &app.node,
        &admin,
        &json!({"time_zone": "UTC", "weekly": weekly}),
    )
    .await;
    let closed = pushed(&mut widget).await;
    assert_eq!(closed.state, WidgetState::Offline);
    assert_eq!(closed.closed_reason, Some(ClosedReason::OutsideHours));
    let midnight = now.date().next_day().unwrap().midnight().assume_utc();
    assert_eq!(closed.next_open, Some(midnight));

    put_hours(&app.node, &admin, &Value::Null).await;
    let reopened = pushed(&mut widget).await;
    assert_eq!(
        (reopened.state, reopened.closed_reason),
        (WidgetState::Online, None)
    );

    put_hours(
        &app.node,
        &admin,
        &json!({"time_zone": "UTC", "emergency": {"message": "Closed today: power cut", "until": null}}),
    )
    .await;
    let emergency = pushed(&mut widget).await;
    assert_eq!(emergency.state, WidgetState::Offline);
    assert_eq!(
        emergency.closed_reason,
        Some(ClosedReason::Emergency {
            message: "Closed today: power cut".into()
        })
    );
}

#[tokio::test]
async fn a_widget_turns_busy_when_the_only_agent_steps_away_and_online_when_they_return() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let session = visitor_session(&app.node, &app.site).await;
    let (mut widget, first) = open_widget(&app.node, &session.visitor_token).await;
    assert_eq!(
        (first.state, first.agents_online),
        (WidgetState::Busy, 0),
        "open, nobody to answer"
    );

    let access = login(&second, &app.site.agent_email).await.access_token;
    let mut desk = agent(&second, &access).await;
    let ready = pushed(&mut widget).await;
    assert_eq!(
        (ready.state, ready.agents_online, ready.agents_available),
        (WidgetState::Online, 1, 1)
    );

    set_state(&mut desk, AgentStateKind::Away).await;
    let away = pushed(&mut widget).await;
    assert_eq!(
        (away.state, away.agents_online, away.agents_available),
        (WidgetState::Busy, 1, 0)
    );

    set_state(&mut desk, AgentStateKind::Available).await;
    assert_eq!(pushed(&mut widget).await.state, WidgetState::Online);

    set_state(&mut desk, AgentStateKind::Break).await;
    assert_eq!(pushed(&mut widget).await.state, WidgetState::Busy);
    set_state(&mut desk, AgentStateKind::Available).await;
    assert_eq!(pushed(&mut widget).await.state, WidgetState::Online);

    desk.close().await;
    let gone = pushed(&mut widget).await;
    assert_eq!(
        (gone.state, gone.agents_online),
        (WidgetState::Busy, 0),
        "the last agent left"
    );
}
