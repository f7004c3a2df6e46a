//! Routing with real agents: departments and their lines, languages, VIP visitors, the
//! system's busy state at capacity, and the wait timeout.

use std::time::Duration;

use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{ConversationSummary, Message};
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, DepartmentId};
use livedesk_protocol::presence::AgentStateKind;
use livedesk_protocol::routing::{ChatRequest, PriorityFactors};
use livedesk_server::assignment::settings::{self, RoutingSettings};
use livedesk_server::routing::Strategy;
use sqlx::PgPool;

use crate::assignment::assigned_to;
use crate::inbox::list;
use crate::messaging::{agent, send_as_visitor, visitor};
use crate::support::client::{Socket, login, visitor_session};
use crate::support::{
    TestApp, assign_manually, create_site, department, join_department, mark_vip,
};

async fn set_max_chats(db: &PgPool, agent: AgentId, max_chats: i32) {
    sqlx::query("UPDATE agents SET max_chats = $2 WHERE id = $1")
        .bind(agent.0)
        .bind(max_chats)
        .execute(db)
        .await
        .unwrap();
}

/// Sends the visitor's first message with what it asks of routing.
pub async fn start_chat(
    socket: &mut Socket,
    body: &str,
    start: ChatRequest,
) -> Result<Message, ErrorCode> {
    let cid = ClientId::new_random();
    socket
        .send_json(&VisitorFrame::Send {
            cid,
            body: body.into(),
            start: Some(start),
        })
        .await;
    socket
        .recv_until(|f| match f {
            ServerFrame::Ack { cid: c, message } if c == cid => Some(Ok(message)),
            ServerFrame::Error {
                cid: Some(c), code, ..
            } if c == cid => Some(Err(code)),
            _ => None,
        })
        .await
}

async fn place(socket: &mut Socket, conversation: ConversationId) -> u64 {
    socket
        .recv_until(|f| match f {
            ServerFrame::QueuePosition {
                conversation_id,
                position,
                ..
            } if conversation_id == conversation => Some(position),
            _ => None,
        })
        .await
}

fn for_department(department: DepartmentId) -> ChatRequest {
    ChatRequest {
        department_id: Some(department),
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn a_department_chat_goes_to_its_agent_even_when_others_are_idler() {
    let app = TestApp::spawn().await;
    let sales = department(&app.db, app.site.id, "Satış").await;
    let ada = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    join_department(&app.db, ada.agent.id, sales).await;
    let _ada_desk = agent(&app.node, &ada.access_token).await;
    let first = visitor_session(&app.node, &app.site).await;
    let mut first = visitor(&app.node, &first.visitor_token).await;
    let opened = send_as_visitor(&mut first, "hello").await;
    assert_eq!(
        assigned_to(&mut first, opened.conversation_id).await,
        ada.agent.id
    );
    let _ali_desk = agent(&app.node, &ali.access_token).await;

    let second = visitor_session(&app.node, &app.site).await;
    let mut second = visitor(&app.node, &second.visitor_token).await;
    let for_sales = start_chat(&mut second, "I want to buy shoes", for_department(sales))
        .await
        .unwrap();
    let third = visitor_session(&app.node, &app.site).await;
    let mut third = visitor(&app.node, &third.visitor_token).await;
    let general = send_as_visitor(&mut third, "where is my order?").await;

    assert_eq!(
        assigned_to(&mut second, for_sales.conversation_id).await,
        ada.agent.id,
        "Sales' own agent takes the Sales chat although Ali has none"
    );
    assert_eq!(
        assigned_to(&mut third, general.conversation_id).await,
        ali.agent.id,
        "a chat for no department goes to the least busy"
    );
}

#[tokio::test]
async fn a_department_with_nobody_free_falls_back_to_the_general_pool() {
    let app = TestApp::spawn().await;
    let sales = department(&app.db, app.site.id, "Sales").await;
    let ada = login(&app.node, &app.site.admin_email).await;
    join_department(&app.db, ada.agent.id, sales).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let _ali_desk = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let opened = start_chat(&mut widget, "prices?", for_department(sales))
        .await
        .unwrap();

    assert_eq!(
        assigned_to(&mut widget, opened.conversation_id).await,
        ali.agent.id,
        "Ada (Sales) is offline: Ali takes it"
    );
}

#[tokio::test]
async fn the_language_strategy_finds_the_agent_who_speaks_the_visitors_language() {
    let app = TestApp::spawn().await;
    let language = RoutingSettings {
        strategy: Strategy::Language,
        ..RoutingSettings::default()
    };
    settings::save(&app.db, app.site.id, language)
        .await
        .unwrap();
    let ada = login(&app.node, &app.site.admin_email).await;
    let ali = login(&app.node, &app.site.agent_email).await;
    sqlx::query("UPDATE agents SET languages = '{tr,de}' WHERE id = $1")
        .bind(ada.agent.id.0)
        .execute(&app.db)
        .await
        .unwrap();
    let _ada_desk = agent(&app.node, &ada.access_token).await;
    let _ali_desk = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let start = ChatRequest {
        language: Some("de-DE".into()),
        ..ChatRequest::default()
    };
    let opened = start_chat(&mut widget, "Hallo", start).await.unwrap();

    assert_eq!(
        assigned_to(&mut widget, opened.conversation_id).await,
        ada.agent.id
    );
}

#[tokio::test]
async fn a_vip_visitor_goes_ahead_of_those_who_came_earlier() {
    let app = TestApp::spawn().await;
    let early = visitor_session(&app.node, &app.site).await;
    let mut early_widget = visitor(&app.node, &early.visitor_token).await;
    let early_chat = send_as_visitor(&mut early_widget, "first!").await;
    assert_eq!(
        place(&mut early_widget, early_chat.conversation_id).await,
        1
    );
    let vip = visitor_session(&app.node, &app.site).await;
    mark_vip(&app.db, vip.visitor_id).await;
    let mut vip_widget = visitor(&app.node, &vip.visitor_token).await;

    let vip_chat = send_as_visitor(&mut vip_widget, "I am a VIP").await;

    assert_eq!(place(&mut vip_widget, vip_chat.conversation_id).await, 1);
    assert_eq!(
        place(&mut early_widget, early_chat.conversation_id).await,
        2,
        "the earlier visitor moves back one place"
    );
    let ali = login(&app.node, &app.site.agent_email).await;
    let queue = list(&app.node, &ali.access_token, "?view=queue")
        .await
        .unwrap();
    assert_eq!(
        queue.iter().map(|c| c.id).collect::<Vec<_>>(),
        [vip_chat.conversation_id, early_chat.conversation_id],
        "the agents' queue lists them in the order they are served"
    );
}

/// The summary the agents' sockets receive when conversation `id` opens.
async fn opened(desk: &mut Socket, id: ConversationId) -> ConversationSummary {
    desk.recv_until(|f| match f {
        ServerFrame::ConversationOpened { conversation } if conversation.id == id => {
            Some(conversation)
        }
        _ => None,
    })
    .await
}

/// The agents see what raises each waiting visitor's priority, live and when listing, so
/// the dashboard shows the priority the queue serves by.
#[tokio::test]
async fn the_inbox_says_what_raises_each_waiting_visitors_priority() {
    let app = TestApp::spawn().await;
    assign_manually(&app.db, app.site.id).await;
    let sales = department(&app.db, app.site.id, "Sales").await;
    sqlx::query("UPDATE departments SET urgent = true WHERE id = $1")
        .bind(sales.0)
        .execute(&app.db)
        .await
        .unwrap();
    let ali = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &ali.access_token).await;

    let vip = visitor_session(&app.node, &app.site).await;
    mark_vip(&app.db, vip.visitor_id).await;
    let mut vip_widget = visitor(&app.node, &vip.visitor_token).await;
    let vip_chat = send_as_visitor(&mut vip_widget, "I am a VIP")
        .await
        .conversation_id;
    let live = opened(&mut desk, vip_chat).await;
    let only_vip = PriorityFactors {
        vip: true,
        ..PriorityFactors::default()
    };
    assert_eq!(live.priority_factors, only_vip);
    assert_eq!(live.priority(live.created_at), 5, "base 1, VIP +4");

    // A visitor back for a second chat, this time to the urgent department.
    let shopper = visitor_session(&app.node, &app.site).await;
    let mut shopper_widget = visitor(&app.node, &shopper.visitor_token).await;
    let first = send_as_visitor(&mut shopper_widget, "just looking")
        .await
        .conversation_id;
    assert_eq!(
        opened(&mut desk, first).await.priority_factors,
        PriorityFactors::default()
    );
    let cid = ClientId::new_random();
    shopper_widget.send_json(&VisitorFrame::Close { cid }).await;
    shopper_widget
        .recv_until(|f| matches!(f, ServerFrame::ConversationClosed { .. }).then_some(()))
        .await;
    let again = start_chat(
        &mut shopper_widget,
        "a price, please",
        for_department(sales),
    )
    .await
    .unwrap()
    .conversation_id;
    let both = PriorityFactors {
        returning: true,
        urgent_department: true,
        vip: false,
    };
    let live = opened(&mut desk, again).await;
    assert_eq!(live.priority_factors, both);
    assert_eq!(
        live.priority(live.created_at),
        4,
        "base 1, returning +2, urgent +1"
    );
    assert_eq!(
        live.priority(live.created_at + time::Duration::minutes(5)),
        6,
        "+1 for each full 2 minutes waited"
    );

    let queue = list(&app.node, &ali.access_token, "?view=queue")
        .await
        .unwrap();
    let listed = |id| {
        queue
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.priority_factors)
    };
    assert_eq!(listed(vip_chat), Some(only_vip));
    assert_eq!(listed(again), Some(both));
    assert_eq!(listed(first), None, "a closed chat is not waiting");
    assert_eq!(
        queue.iter().map(|c| c.id).collect::<Vec<_>>(),
        [vip_chat, again],
        "in the order served: 5 before 4"
    );
}

#[tokio::test]
async fn an_unknown_or_foreign_department_or_a_bad_language_is_refused_and_opens_nothing() {
    let app = TestApp::spawn().await;
    let other = create_site(&app.db, "Other Shop", "https://other.example.com").await;
    let foreign = department(&app.db, other.id, "Their Sales").await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let refused = [
        for_department(foreign),
        for_department(DepartmentId::new_random()),
        ChatRequest {
            language: Some("not a language".into()),
            ..ChatRequest::default()
        },
        ChatRequest {
            skills: vec!["   ".into()],
            ..ChatRequest::default()
        },
    ];
    for start in refused {
        let got = start_chat(&mut widget, "hello", start.clone()).await;

        assert_eq!(got.err(), Some(ErrorCode::InvalidInput), "{start:?}");
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM conversations WHERE site_id = $1")
        .bind(app.site.id.0)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "no conversation, no message was left behind");
}

/// The next presence of `me`: the state in force, the state chosen, and the chats open.
async fn effective(desk: &mut Socket, me: AgentId) -> (AgentStateKind, AgentStateKind, u32) {
    desk.recv_until(|f| match f {
        ServerFrame::AgentPresence { presence } if presence.agent_id == me => Some((
            presence.effective,
            presence.choice.state,
            presence.active_chats,
        )),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn an_agent_at_capacity_is_shown_busy_by_the_system_until_a_chat_ends() {
    let app = TestApp::spawn().await;
    let ali = login(&app.node, &app.site.agent_email).await;
    set_max_chats(&app.db, ali.agent.id, 1).await;
    let mut desk = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    send_as_visitor(&mut widget, "hello").await;
    assert_eq!(
        effective(&mut desk, ali.agent.id).await,
        (AgentStateKind::Busy, AgentStateKind::Available, 1),
        "full: busy, though the agent chose available"
    );

    let cid = ClientId::new_random();
    widget.send_json(&VisitorFrame::Close { cid }).await;
    assert_eq!(
        effective(&mut desk, ali.agent.id).await,
        (AgentStateKind::Available, AgentStateKind::Available, 0)
    );
}

#[tokio::test]
async fn a_visitor_who_waits_too_long_is_offered_the_offline_form_once() {
    let app = TestApp::spawn().await;
    let quick = RoutingSettings {
        queue_timeout: Duration::from_secs(1),
        ..RoutingSettings::default()
    };
    settings::save(&app.db, app.site.id, quick).await.unwrap();
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let opened = send_as_visitor(&mut widget, "is anybody there?").await;

    let waited = widget
        .recv_until(|f| match f {
            ServerFrame::WaitTimedOut {
                conversation_id,
                waited_secs,
            } if conversation_id == opened.conversation_id => Some(waited_secs),
            _ => None,
        })
        .await;
    assert!(waited >= 1, "waited {waited} s");
    let later = widget
        .frames_within(livedesk_server::assignment::upkeep::UPKEEP_EVERY * 2)
        .await;
    assert!(
        !later
            .iter()
            .any(|f| matches!(f, ServerFrame::WaitTimedOut { .. })),
        "offered once per wait: {later:?}"
    );
    assert!(
        later
            .iter()
            .any(|f| matches!(f, ServerFrame::QueuePosition { position: 1, .. })),
        "and still told its place while it waits: {later:?}"
    );
}

#[tokio::test]
async fn the_wait_told_follows_how_long_the_sites_chats_take() {
    let app = TestApp::spawn().await;
    let ali = login(&app.node, &app.site.agent_email).await;
    set_max_chats(&app.db, ali.agent.id, 2).await;
    let _desk = agent(&app.node, &ali.access_token).await;
    // Two chats that took 8 minutes each, and two open ones that fill Ali's seats.
    for body in ["earlier 1", "earlier 2", "now 1", "now 2"] {
        let session = visitor_session(&app.node, &app.site).await;
        let mut widget = visitor(&app.node, &session.visitor_token).await;
        let opened = send_as_visitor(&mut widget, body).await;
        assert_eq!(
            assigned_to(&mut widget, opened.conversation_id).await,
            ali.agent.id
        );
        if body.starts_with("earlier") {
            widget
                .send_json(&VisitorFrame::Close {
                    cid: ClientId::new_random(),
                })
                .await;
            crate::support::eventually("the chat to close", || async {
                sqlx::query_scalar::<_, bool>(
                    "SELECT status = 'closed' FROM conversations WHERE id = $1",
                )
                .bind(opened.conversation_id.0)
                .fetch_one(&app.db)
                .await
                .unwrap()
            })
            .await;
            sqlx::query("UPDATE conversations SET assigned_at = closed_at - interval '8 minutes' WHERE id = $1")
                .bind(opened.conversation_id.0)
                .execute(&app.db)
                .await
                .unwrap();
        }
    }
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let waiting = send_as_visitor(&mut widget, "am I next?").await;

    let told = widget
        .recv_until(|f| match f {
            ServerFrame::QueuePosition {
                conversation_id,
                position,
                estimated_wait_secs,
            } if conversation_id == waiting.conversation_id => {
                Some((position, estimated_wait_secs))
            }
            _ => None,
        })
        .await;
    assert_eq!(
        told,
        (1, 240),
        "8 minutes a chat over Ali's 2 seats: 4 minutes a place"
    );
}

#[tokio::test]
async fn a_waiting_visitor_who_reconnects_is_told_their_status_and_place_right_after_hello() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let waiting = send_as_visitor(&mut widget, "hello?").await;
    widget.close().await;

    let mut again = Socket::visitor(&app.node, &session.visitor_token).await;

    assert!(matches!(
        again.recv().await,
        ServerFrame::VisitorHello { .. }
    ));
    assert!(matches!(again.recv().await, ServerFrame::SiteStatus { .. }));
    match again.recv().await {
        ServerFrame::QueuePosition {
            conversation_id,
            position,
            ..
        } => assert_eq!((conversation_id, position), (waiting.conversation_id, 1)),
        other => panic!("expected the place right after hello, got {other:?}"),
    }
}
