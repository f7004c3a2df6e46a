use fred::interfaces::ClientLike;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId};
use livedesk_server::assignment::settings::{self, RoutingSettings};
use livedesk_server::routing::Strategy;

use crate::messaging::{agent, answer, send_as_visitor, visitor};
use crate::support::TestApp;
use crate::support::client::{Socket, login, visitor_session};

/// The agent the conversation is given to, as its visitor (or any agent) is told.
pub async fn assigned_to(socket: &mut Socket, conversation: ConversationId) -> AgentId {
    socket
        .recv_until(|f| match f {
            ServerFrame::ConversationAssigned {
                conversation_id,
                agent_id,
                ..
            } if conversation_id == conversation => Some(agent_id),
            _ => None,
        })
        .await
}

async fn place(socket: &mut Socket) -> (u64, u64) {
    socket
        .recv_until(|f| match f {
            ServerFrame::QueuePosition {
                position,
                estimated_wait_secs,
                ..
            } => Some((position, estimated_wait_secs)),
            _ => None,
        })
        .await
}

pub async fn assigned_in_db(app: &TestApp, conversation: ConversationId) -> Option<uuid::Uuid> {
    sqlx::query_scalar("SELECT assigned_agent_id FROM conversations WHERE id = $1")
        .bind(conversation.0)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_chat_goes_straight_to_an_available_agent() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let _desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let hello = send_as_visitor(&mut widget, "hello").await;

    assert_eq!(
        assigned_to(&mut widget, hello.conversation_id).await,
        tokens.agent.id
    );
    assert_eq!(
        assigned_in_db(&app, hello.conversation_id).await,
        Some(tokens.agent.id.0)
    );
}

#[tokio::test]
async fn visitors_wait_in_line_and_move_up_when_an_agent_arrives() {
    let app = TestApp::spawn().await;
    let first_session = visitor_session(&app.node, &app.site).await;
    let mut first = visitor(&app.node, &first_session.visitor_token).await;
    let first_hello = send_as_visitor(&mut first, "anyone?").await;
    assert_eq!(place(&mut first).await, (1, 60));
    let second_session = visitor_session(&app.node, &app.site).await;
    let mut second = visitor(&app.node, &second_session.visitor_token).await;
    send_as_visitor(&mut second, "me too").await;
    assert_eq!(place(&mut second).await.0, 2);

    let tokens = login(&app.node, &app.site.agent_email).await;
    sqlx::query("UPDATE agents SET max_chats = 1 WHERE id = $1")
        .bind(tokens.agent.id.0)
        .execute(&app.db)
        .await
        .unwrap();
    let mut desk = agent(&app.node, &tokens.access_token).await;

    assert_eq!(
        assigned_to(&mut first, first_hello.conversation_id).await,
        tokens.agent.id,
        "the first in line goes first"
    );
    assert_eq!(place(&mut second).await.0, 1, "the second moves up");

    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut desk,
            cid,
            &AgentFrame::Close {
                cid,
                conversation_id: first_hello.conversation_id
            }
        )
        .await,
        Ok(())
    );
    let next = second
        .recv_until(|f| match f {
            ServerFrame::ConversationAssigned { agent_id, .. } => Some(agent_id),
            _ => None,
        })
        .await;
    assert_eq!(
        next, tokens.agent.id,
        "a freed place takes the next visitor"
    );
}

#[tokio::test]
async fn in_manual_mode_agents_accept_and_only_one_gets_the_chat() {
    let app = TestApp::spawn().await;
    settings::save(
        &app.db,
        app.site.id,
        RoutingSettings {
            strategy: Strategy::RoundRobin,
            auto_assign: false,
            ..RoutingSettings::default()
        },
    )
    .await
    .unwrap();
    let ada = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let mut ada_desk = agent(&app.node, &ada.access_token).await;
    let mut ali_desk = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "hello").await;
    assert_eq!(
        place(&mut widget).await.0,
        1,
        "nobody is assigned automatically"
    );

    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut ali_desk,
            cid,
            &AgentFrame::Accept {
                cid,
                conversation_id: hello.conversation_id
            }
        )
        .await,
        Ok(())
    );
    let late = ClientId::new_random();
    let refused = answer(
        &mut ada_desk,
        late,
        &AgentFrame::Accept {
            cid: late,
            conversation_id: hello.conversation_id,
        },
    )
    .await;

    assert_eq!(refused, Err(ErrorCode::Conflict));
    assert_eq!(
        assigned_to(&mut widget, hello.conversation_id).await,
        ali.agent.id
    );
    assert_eq!(
        assigned_in_db(&app, hello.conversation_id).await,
        Some(ali.agent.id.0)
    );
}

#[tokio::test]
async fn a_queue_lost_by_redis_is_rebuilt_from_the_database() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "waiting").await;
    assert_eq!(place(&mut widget).await.0, 1);

    let config = fred::types::config::Config::from_url(&app.redis.url()).unwrap();
    let admin = fred::types::Builder::from_config(config).build().unwrap();
    admin.init().await.unwrap();
    admin.flushall::<()>(false).await.unwrap();

    let tokens = login(&app.node, &app.site.agent_email).await;
    let _desk = agent(&app.node, &tokens.access_token).await;
    assert_eq!(
        assigned_to(&mut widget, hello.conversation_id).await,
        tokens.agent.id,
        "the waiting visitor was not forgotten"
    );
}

#[tokio::test]
async fn an_agent_who_does_not_come_back_in_time_loses_their_chats_to_a_colleague() {
    let app = TestApp::spawn().await;
    let grace = RoutingSettings {
        reconnect_grace: std::time::Duration::from_secs(1),
        ..RoutingSettings::default()
    };
    settings::save(&app.db, app.site.id, grace).await.unwrap();
    let ali = login(&app.node, &app.site.agent_email).await;
    let ali_desk = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "hello").await;
    assert_eq!(
        assigned_to(&mut widget, hello.conversation_id).await,
        ali.agent.id
    );
    let ada = login(&app.node, &app.site.admin_email).await;
    sqlx::query("UPDATE agents SET max_chats = 5")
        .execute(&app.db)
        .await
        .unwrap();

    ali_desk.close().await;
    let _ada_desk = agent(&app.node, &ada.access_token).await;

    let returned = widget
        .recv_until(|f| match f {
            ServerFrame::ConversationReturned {
                conversation_id,
                agent_id,
            } if conversation_id == hello.conversation_id => Some(agent_id),
            _ => None,
        })
        .await;
    assert_eq!(
        returned, ali.agent.id,
        "the visitor learns their agent left"
    );
    assert_eq!(
        assigned_to(&mut widget, hello.conversation_id).await,
        ada.agent.id,
        "and who takes over"
    );
    assert_eq!(
        assigned_in_db(&app, hello.conversation_id).await,
        Some(ada.agent.id.0)
    );
}
