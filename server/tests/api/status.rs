use livedesk_protocol::frames::AgentFrame;
use livedesk_protocol::ids::ClientId;
use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind};
use livedesk_protocol::status::{ClosedReason, SiteStatus, WidgetState};
use livedesk_protocol::{ApiError, ErrorCode};
use serde_json::json;
use time::OffsetDateTime;

use crate::messaging::{agent, answer};
use crate::support::client::{http, login};
use crate::support::{TestApp, eventually};

async fn status(app: &TestApp) -> SiteStatus {
    let response = http()
        .get(
            app.node
                .url(&format!("/api/v1/public/sites/{}/status", app.site.key)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_status_follows_the_agents() {
    let app = TestApp::spawn().await;
    let nobody = status(&app).await;
    assert_eq!(
        (nobody.state, nobody.agents_online, nobody.queue_length),
        (WidgetState::Busy, 0, 0),
        "open, but nobody to answer"
    );

    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let ready = status(&app).await;
    assert_eq!(
        (ready.state, ready.agents_online, ready.agents_available),
        (WidgetState::Online, 1, 1)
    );

    let cid = ClientId::new_random();
    let lunch = AgentStateChoice {
        state: AgentStateKind::Break,
        message: None,
        until: None,
    };
    assert_eq!(
        answer(&mut desk, cid, &AgentFrame::SetState { cid, choice: lunch }).await,
        Ok(())
    );
    let on_break = status(&app).await;
    assert_eq!(
        (
            on_break.state,
            on_break.agents_online,
            on_break.agents_available
        ),
        (WidgetState::Busy, 1, 0)
    );

    desk.close().await;
    eventually("the agent to count as gone", || async {
        status(&app).await.agents_online == 0
    })
    .await;
}

#[tokio::test]
async fn an_admin_sets_hours_and_a_holiday_closes_the_desk() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let today = OffsetDateTime::now_utc().date();
    let all_day = json!([{"start": "00:00", "end": "24:00"}]);
    let hours = json!({
        "time_zone": "UTC",
        "weekly": {"monday": all_day, "tuesday": all_day, "wednesday": all_day, "thursday": all_day,
                   "friday": all_day, "saturday": all_day, "sunday": all_day},
        "holidays": [{"date": today.to_string(), "name": "Republic Day", "message": "Back tomorrow"}]
    });

    let set = http()
        .put(app.node.url("/api/v1/site/business-hours"))
        .bearer_auth(&admin.access_token)
        .json(&hours)
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 204);

    let closed = status(&app).await;
    assert_eq!(closed.state, WidgetState::Offline);
    assert_eq!(
        closed.closed_reason,
        Some(ClosedReason::Holiday {
            name: "Republic Day".into(),
            message: Some("Back tomorrow".into())
        })
    );
    let tomorrow = today.next_day().unwrap().midnight().assume_utc();
    assert_eq!(closed.next_open, Some(tomorrow));

    let read: serde_json::Value = http()
        .get(app.node.url("/api/v1/site/business-hours"))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["holidays"][0]["name"], "Republic Day");
}

#[tokio::test]
async fn hours_are_validated_and_only_admins_may_set_them() {
    let app = TestApp::spawn().await;
    let admin = login(&app.node, &app.site.admin_email).await;
    let agent_tokens = login(&app.node, &app.site.agent_email).await;
    let url = app.node.url("/api/v1/site/business-hours");
    let valid = json!({"time_zone": "Europe/Istanbul", "weekly": {"monday": [{"start": "09:00", "end": "18:00"}]}});

    let by_agent = http()
        .put(&url)
        .bearer_auth(&agent_tokens.access_token)
        .json(&valid)
        .send()
        .await
        .unwrap();
    assert_eq!(by_agent.status(), 403);
    assert_eq!(
        by_agent.json::<ApiError>().await.unwrap().code,
        ErrorCode::Forbidden
    );

    for invalid in [
        json!({"time_zone": "Mars/Olympus_Mons"}),
        json!({"time_zone": "UTC", "weekly": {"monday": [{"start": "18:00", "end": "09:00"}]}}),
        json!({"time_zone": "UTC", "weekly": {"funday": []}}),
    ] {
        let response = http()
            .put(&url)
            .bearer_auth(&admin.access_token)
            .json(&invalid)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{invalid}");
        let code = response.json::<ApiError>().await.unwrap().code;
        assert!(
            matches!(code, ErrorCode::InvalidInput | ErrorCode::MalformedFrame),
            "{invalid}: {code:?}"
        );
    }
    let stored: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT business_hours FROM sites WHERE id = $1")
            .bind(app.site.id.0)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, None, "nothing half-written");

    let unknown = http()
        .get(
            app.node
                .url("/api/v1/public/sites/NoSuchSiteKeyAtAll0000/status"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<ApiError>().await.unwrap().code,
        ErrorCode::UnknownSite
    );
}
