//! Transfers to a colleague or a department, and conversation tags.

use livedesk_protocol::ErrorCode;
use livedesk_protocol::frames::{AgentFrame, ServerFrame};
use livedesk_protocol::ids::{AgentId, ClientId, ConversationId, DepartmentId};
use livedesk_protocol::routing::{MAX_TAGS, TransferTarget};

use reqwest::Method;
use serde_json::json;

use crate::admin_agents::call;
use crate::assignment::{assigned_in_db, assigned_to};
use crate::messaging::{agent, answer, send_as_visitor, visitor};
use crate::support::client::{Socket, login, visitor_session};
use crate::support::{TestApp, create_site, department, join_department};

fn transfer(
    conversation: ConversationId,
    to: TransferTarget,
    note: Option<&str>,
) -> (ClientId, AgentFrame) {
    let cid = ClientId::new_random();
    let frame = AgentFrame::Transfer {
        cid,
        conversation_id: conversation,
        to,
        note: note.map(str::to_owned),
    };
    (cid, frame)
}

async fn note_seen(socket: &mut Socket, conversation: ConversationId) -> String {
    socket
        .recv_until(|f| match f {
            ServerFrame::NoteAdded { note } if note.conversation_id == conversation => {
                Some(note.body)
            }
            _ => None,
        })
        .await
}

async fn notes_in_db(app: &TestApp, conversation: ConversationId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM conversation_notes WHERE conversation_id = $1")
        .bind(conversation.0)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Ali has the visitor's chat; Ada, an admin, is online too.
struct Handover {
    app: TestApp,
    ali: AgentId,
    ada: AgentId,
    ali_desk: Socket,
    ada_desk: Socket,
    widget: Socket,
    conversation: ConversationId,
}

async fn ali_has_a_chat() -> Handover {
    let app = TestApp::spawn().await;
    let ali = login(&app.node, &app.site.agent_email).await;
    let ali_desk = agent(&app.node, &ali.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let opened = send_as_visitor(&mut widget, "my invoice is wrong").await;
    assert_eq!(
        assigned_to(&mut widget, opened.conversation_id).await,
        ali.agent.id
    );
    let ada = login(&app.node, &app.site.admin_email).await;
    let ada_desk = agent(&app.node, &ada.access_token).await;
    Handover {
        app,
        ali: ali.agent.id,
        ada: ada.agent.id,
        ali_desk,
        ada_desk,
        widget,
        conversation: opened.conversation_id,
    }
}

#[tokio::test]
async fn a_chat_handed_to_a_colleague_moves_with_a_note_both_agents_see() {
    let mut h = ali_has_a_chat().await;
    let to_ada = TransferTarget::Agent { agent_id: h.ada };

    let (cid, frame) = transfer(
        h.conversation,
        to_ada,
        Some("Billing question, wants a refund"),
    );
    assert_eq!(answer(&mut h.ali_desk, cid, &frame).await, Ok(()));

    let told = h
        .widget
        .recv_until(|f| match f {
            ServerFrame::ConversationTransferred { to, to_name, .. } => Some((to, to_name)),
            _ => None,
        })
        .await;
    assert_eq!(told, (to_ada, "Ada Admin".to_owned()));
    assert_eq!(assigned_to(&mut h.widget, h.conversation).await, h.ada);
    let expected = "Transferred to Ada Admin: Billing question, wants a refund";
    assert_eq!(note_seen(&mut h.ada_desk, h.conversation).await, expected);
    assert_eq!(note_seen(&mut h.ali_desk, h.conversation).await, expected);
    assert_eq!(assigned_in_db(&h.app, h.conversation).await, Some(h.ada.0));
    let loads = h.app.node.state.queue.clone();
    assert_eq!(loads.active_chats(h.app.site.id, h.ali).await.unwrap(), 0);
    assert_eq!(loads.active_chats(h.app.site.id, h.ada).await.unwrap(), 1);

    assert_eq!(
        answer(&mut h.ali_desk, cid, &frame).await,
        Ok(()),
        "a retried transfer is answered again"
    );
    assert_eq!(
        notes_in_db(&h.app, h.conversation).await,
        1,
        "and stored once"
    );
    assert_eq!(loads.active_chats(h.app.site.id, h.ada).await.unwrap(), 1);
}

#[tokio::test]
async fn a_chat_handed_to_a_department_goes_to_its_agent_and_the_visitor_is_told() {
    let mut h = ali_has_a_chat().await;
    let billing = department(&h.app.db, h.app.site.id, "Billing").await;
    join_department(&h.app.db, h.ada, billing).await;
    let to_billing = TransferTarget::Department {
        department_id: billing,
    };

    let (cid, frame) = transfer(h.conversation, to_billing, None);
    assert_eq!(answer(&mut h.ali_desk, cid, &frame).await, Ok(()));

    let told = h
        .widget
        .recv_until(|f| match f {
            ServerFrame::ConversationTransferred { to_name, .. } => Some(to_name),
            _ => None,
        })
        .await;
    assert_eq!(told, "Billing");
    assert_eq!(assigned_to(&mut h.widget, h.conversation).await, h.ada);
    assert_eq!(
        note_seen(&mut h.ada_desk, h.conversation).await,
        "Transferred to Billing"
    );
    let department: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT department_id FROM conversations WHERE id = $1")
            .bind(h.conversation.0)
            .fetch_one(&h.app.db)
            .await
            .unwrap();
    assert_eq!(department, Some(billing.0));
}

#[tokio::test]
async fn a_department_transfer_never_routes_back_to_the_agent_who_handed_it_on() {
    let mut h = ali_has_a_chat().await;
    let billing = department(&h.app.db, h.app.site.id, "Billing").await;
    // Ada is away: nobody of Billing, nor anyone else but Ali, can take it.
    let (cid, away) = (ClientId::new_random(), ClientId::new_random());
    let set_away = AgentFrame::SetState {
        cid: away,
        choice: livedesk_protocol::presence::AgentStateChoice {
            state: livedesk_protocol::presence::AgentStateKind::Away,
            message: None,
            until: None,
        },
    };
    assert_eq!(answer(&mut h.ada_desk, away, &set_away).await, Ok(()));
    let to_billing = TransferTarget::Department {
        department_id: billing,
    };

    let frame = AgentFrame::Transfer {
        cid,
        conversation_id: h.conversation,
        to: to_billing,
        note: None,
    };
    assert_eq!(answer(&mut h.ali_desk, cid, &frame).await, Ok(()));

    let place = h
        .widget
        .recv_until(|f| match f {
            ServerFrame::QueuePosition {
                conversation_id,
                position,
                ..
            } if conversation_id == h.conversation => Some(position),
            ServerFrame::ConversationAssigned { agent_id, .. } => {
                panic!("assigned to {agent_id} instead of waiting for Billing")
            }
            _ => None,
        })
        .await;
    assert_eq!(place, 1);
    assert_eq!(assigned_in_db(&h.app, h.conversation).await, None);
}

#[tokio::test]
async fn only_the_chats_agent_or_an_admin_may_transfer_it_and_only_to_someone_free() {
    let mut h = ali_has_a_chat().await;
    let other = create_site(&h.app.db, "Other Shop", "https://other.example.com").await;
    let foreign_department = department(&h.app.db, other.id, "Their Sales").await;
    sqlx::query("UPDATE agents SET max_chats = 1 WHERE id = $1")
        .bind(h.ada.0)
        .execute(&h.app.db)
        .await
        .unwrap();
    let second = visitor_session(&h.app.node, &h.app.site).await;
    let mut second = visitor(&h.app.node, &second.visitor_token).await;
    let adas = send_as_visitor(&mut second, "hi").await;
    assert_eq!(assigned_to(&mut second, adas.conversation_id).await, h.ada);

    let refusals = [
        (
            "Ali may not move Ada's chat",
            transfer(
                adas.conversation_id,
                TransferTarget::Agent { agent_id: h.ali },
                None,
            ),
            ErrorCode::Forbidden,
        ),
        (
            "Ada is full",
            transfer(
                h.conversation,
                TransferTarget::Agent { agent_id: h.ada },
                None,
            ),
            ErrorCode::Conflict,
        ),
        (
            "it is already Ali's",
            transfer(
                h.conversation,
                TransferTarget::Agent { agent_id: h.ali },
                None,
            ),
            ErrorCode::Conflict,
        ),
        (
            "an agent of no site of ours",
            transfer(
                h.conversation,
                TransferTarget::Agent {
                    agent_id: AgentId::new_random(),
                },
                None,
            ),
            ErrorCode::NotFound,
        ),
        (
            "another site's department",
            transfer(
                h.conversation,
                TransferTarget::Department {
                    department_id: foreign_department,
                },
                None,
            ),
            ErrorCode::NotFound,
        ),
        (
            "a department that does not exist",
            transfer(
                h.conversation,
                TransferTarget::Department {
                    department_id: DepartmentId::new_random(),
                },
                None,
            ),
            ErrorCode::NotFound,
        ),
        (
            "a note too long",
            transfer(
                h.conversation,
                TransferTarget::Department {
                    department_id: foreign_department,
                },
                Some(&"x".repeat(1001)),
            ),
            ErrorCode::InvalidInput,
        ),
    ];
    for (why, (cid, frame), code) in refusals {
        assert_eq!(
            answer(&mut h.ali_desk, cid, &frame).await,
            Err(code),
            "{why}"
        );
    }

    assert_eq!(assigned_in_db(&h.app, h.conversation).await, Some(h.ali.0));
    assert_eq!(
        assigned_in_db(&h.app, adas.conversation_id).await,
        Some(h.ada.0)
    );
    assert_eq!(
        notes_in_db(&h.app, h.conversation).await,
        0,
        "nothing half-written"
    );
    let loads = h.app.node.state.queue.clone();
    assert_eq!(loads.active_chats(h.app.site.id, h.ali).await.unwrap(), 1);
    assert_eq!(loads.active_chats(h.app.site.id, h.ada).await.unwrap(), 1);
    let (cid, frame) = transfer(
        adas.conversation_id,
        TransferTarget::Agent { agent_id: h.ali },
        None,
    );
    assert_eq!(
        answer(&mut h.ada_desk, cid, &frame).await,
        Ok(()),
        "an admin (here the chat's own agent) may"
    );
}

fn tag_frame(conversation: ConversationId, tag: &str, add: bool) -> (ClientId, AgentFrame) {
    let cid = ClientId::new_random();
    let frame = if add {
        AgentFrame::Tag {
            cid,
            conversation_id: conversation,
            tag: tag.into(),
        }
    } else {
        AgentFrame::Untag {
            cid,
            conversation_id: conversation,
            tag: tag.into(),
        }
    };
    (cid, frame)
}

/// Waits until the socket is told the conversation has exactly `expected`.
async fn tags_become(socket: &mut Socket, expected: &[&str]) {
    socket
        .recv_until(|f| match f {
            ServerFrame::TagsChanged { tags, .. } if tags == expected => Some(()),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn agents_tag_conversations_and_every_agent_sees_the_tags() {
    let mut h = ali_has_a_chat().await;

    let (cid, frame) = tag_frame(h.conversation, "  Billing ", true);
    assert_eq!(answer(&mut h.ali_desk, cid, &frame).await, Ok(()));
    tags_become(&mut h.ada_desk, &["billing"]).await;
    let (cid, frame) = tag_frame(h.conversation, "Refund", true);
    assert_eq!(answer(&mut h.ada_desk, cid, &frame).await, Ok(()));
    tags_become(&mut h.ali_desk, &["billing", "refund"]).await;
    let (cid, frame) = tag_frame(h.conversation, "billing", true);
    assert_eq!(
        answer(&mut h.ali_desk, cid, &frame).await,
        Ok(()),
        "already there"
    );
    let (cid, frame) = tag_frame(h.conversation, "BILLING", false);
    assert_eq!(answer(&mut h.ali_desk, cid, &frame).await, Ok(()));
    tags_become(&mut h.ada_desk, &["refund"]).await;

    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT tag FROM conversation_tags WHERE conversation_id = $1 ORDER BY tag",
    )
    .bind(h.conversation.0)
    .fetch_all(&h.app.db)
    .await
    .unwrap();
    assert_eq!(stored, ["refund"]);
    let visitor_frames = h
        .widget
        .frames_within(std::time::Duration::from_millis(300))
        .await;
    assert!(
        !visitor_frames
            .iter()
            .any(|f| matches!(f, ServerFrame::TagsChanged { .. })),
        "tags are for agents only"
    );
}

#[tokio::test]
async fn bad_tags_too_many_tags_and_other_sites_conversations_are_refused() {
    let mut h = ali_has_a_chat().await;
    let other = create_site(&h.app.db, "Other Shop", "https://other.example.com").await;
    let other_session = visitor_session(&h.app.node, &other).await;
    let mut other_widget = visitor(&h.app.node, &other_session.visitor_token).await;
    let theirs = send_as_visitor(&mut other_widget, "hello").await;

    for (why, tag, conversation, code) in [
        ("markup", "<b>", h.conversation, ErrorCode::InvalidInput),
        ("blank", "   ", h.conversation, ErrorCode::InvalidInput),
        (
            "too long",
            &"x".repeat(41),
            h.conversation,
            ErrorCode::InvalidInput,
        ),
        (
            "another site's",
            "spam",
            theirs.conversation_id,
            ErrorCode::NotFound,
        ),
    ] {
        let (cid, frame) = tag_frame(conversation, tag, true);
        assert_eq!(
            answer(&mut h.ali_desk, cid, &frame).await,
            Err(code),
            "{why}"
        );
    }
    for n in 0..MAX_TAGS {
        let (cid, frame) = tag_frame(h.conversation, &format!("tag {n}"), true);
        assert_eq!(answer(&mut h.ali_desk, cid, &frame).await, Ok(()));
    }
    let (cid, frame) = tag_frame(h.conversation, "one too many", true);
    assert_eq!(
        answer(&mut h.ali_desk, cid, &frame).await,
        Err(ErrorCode::InvalidInput)
    );

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM conversation_tags")
        .fetch_one(&h.app.db)
        .await
        .unwrap();
    assert_eq!(count, MAX_TAGS as i64);
}

#[tokio::test]
async fn renaming_or_removing_a_listed_tag_changes_the_conversations_that_carry_it_live() {
    let mut h = ali_has_a_chat().await;
    let admin = login(&h.app.node, &h.app.site.admin_email).await;
    let path = "/api/v1/site/tags";
    let (status, listed) = call(
        &h.app.node,
        &admin.access_token,
        Method::POST,
        path,
        json!({"name": "billing"}),
    )
    .await;
    assert_eq!(status, 201, "{listed}");
    let one = format!("{path}/{}", listed["id"].as_str().unwrap());
    // A second conversation already carries both the old and the new name.
    let session = visitor_session(&h.app.node, &h.app.site).await;
    let mut other_widget = visitor(&h.app.node, &session.visitor_token).await;
    let other = send_as_visitor(&mut other_widget, "and mine too")
        .await
        .conversation_id;
    for (conversation, tag) in [
        (h.conversation, "billing"),
        (other, "billing"),
        (other, "invoices"),
    ] {
        let (cid, frame) = tag_frame(conversation, tag, true);
        assert_eq!(answer(&mut h.ada_desk, cid, &frame).await, Ok(()));
    }
    tags_become(&mut h.ali_desk, &["billing", "invoices"]).await;

    let (status, renamed) = call(
        &h.app.node,
        &admin.access_token,
        Method::PUT,
        &one,
        json!({"name": "Invoices", "color": "#0f766e"}),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["name"], "invoices");
    assert_eq!(renamed["conversations"], 2, "{renamed}");
    let stored = |conversation: ConversationId| {
        let db = h.app.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT tag FROM conversation_tags WHERE conversation_id = $1 ORDER BY tag",
            )
            .bind(conversation.0)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    assert_eq!(stored(h.conversation).await, ["invoices"]);
    assert_eq!(stored(other).await, ["invoices"], "one tag, not two");
    // Both open conversations are shown anew, without the old name.
    let mut told = Vec::new();
    while told.len() < 2 {
        let (conversation, tags) = h
            .ali_desk
            .recv_until(|f| match f {
                ServerFrame::TagsChanged {
                    conversation_id,
                    tags,
                } if tags == ["invoices"] => Some((conversation_id, tags)),
                _ => None,
            })
            .await;
        assert_eq!(tags, ["invoices"]);
        told.push(conversation);
    }
    told.sort();
    let mut expected = vec![h.conversation, other];
    expected.sort();
    assert_eq!(told, expected);

    // Another site's admin can neither rename nor remove it.
    let intruder_site = create_site(&h.app.db, "Other Shop", "https://other.example.com").await;
    let intruder = login(&h.app.node, &intruder_site.admin_email).await;
    for method in [Method::PUT, Method::DELETE] {
        let (status, _) = call(
            &h.app.node,
            &intruder.access_token,
            method,
            &one,
            json!({"name": "stolen"}),
        )
        .await;
        assert_eq!(status, 404);
    }
    assert_eq!(stored(h.conversation).await, ["invoices"]);

    let (status, _) = call(
        &h.app.node,
        &admin.access_token,
        Method::DELETE,
        &one,
        json!(null),
    )
    .await;
    assert_eq!(status, 204);
    assert!(stored(h.conversation).await.is_empty());
    assert!(stored(other).await.is_empty());
    tags_become(&mut h.ada_desk, &[]).await;
}
