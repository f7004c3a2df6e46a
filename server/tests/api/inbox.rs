//! The inbox's views and search, as agents and admins list them.

use livedesk_protocol::ApiError;
use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::ConversationSummary;
use livedesk_protocol::chat::MAX_SEARCH_CHARS;
use livedesk_protocol::frames::AgentFrame;
use livedesk_protocol::ids::{ClientId, ConversationId, VisitorId};

use crate::messaging::{agent, answer, send_as_agent, send_as_visitor, visitor};
use crate::support::client::{http, login, visitor_session};
use crate::support::{SiteFixture, TestApp, TestNode, assign_manually, create_site};

/// The conversations `GET /api/v1/conversations{query}` lists for `token`, or the refusal.
pub async fn list(
    node: &TestNode,
    token: &str,
    query: &str,
) -> Result<Vec<ConversationSummary>, (u16, ApiError)> {
    let response = http()
        .get(node.url(&format!("/api/v1/conversations{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        Ok(response.json().await.unwrap())
    } else {
        Err((status, response.json().await.unwrap()))
    }
}

fn ids(list: &[ConversationSummary]) -> Vec<ConversationId> {
    list.iter().map(|c| c.id).collect()
}

/// A visitor of `site` who wrote `body`; returns the conversation.
async fn visitor_writes(
    node: &TestNode,
    site: &SiteFixture,
    body: &str,
) -> (VisitorId, ConversationId) {
    let session = visitor_session(node, site).await;
    let mut widget = visitor(node, &session.visitor_token).await;
    let message = send_as_visitor(&mut widget, body).await;
    (session.visitor_id, message.conversation_id)
}

#[tokio::test]
async fn the_queue_mine_open_and_closed_views_list_what_their_names_say() {
    let app = TestApp::spawn().await;
    assign_manually(&app.db, app.site.id).await;
    let admin = login(&app.node, &app.site.admin_email).await.access_token;
    let agent_token = login(&app.node, &app.site.agent_email).await.access_token;

    // Agents accept from the queue: both chats wait, the older first.
    let (_, first) = visitor_writes(&app.node, &app.site, "Is anyone there?").await;
    let (_, second) = visitor_writes(&app.node, &app.site, "Hello").await;
    let queue = list(&app.node, &agent_token, "?view=queue").await.unwrap();
    assert_eq!(ids(&queue), [first, second], "longest waiting first");
    assert!(
        queue
            .iter()
            .all(|c| c.assigned_agent_id.is_none() && c.queued_at.is_some())
    );
    assert_eq!(
        list(&app.node, &agent_token, "?view=mine").await.unwrap(),
        []
    );

    // The agent comes online and takes the first chat from the queue.
    let mut desk = agent(&app.node, &agent_token).await;
    let cid = ClientId::new_random();
    let accept = AgentFrame::Accept {
        cid,
        conversation_id: first,
    };
    assert_eq!(answer(&mut desk, cid, &accept).await, Ok(()));
    send_as_agent(&mut desk, first, "Yes, I am here").await;
    let mine = list(&app.node, &agent_token, "?view=mine").await.unwrap();
    assert_eq!(ids(&mine), [first]);
    assert!(mine[0].assigned_agent_id.is_some());
    let queue = list(&app.node, &agent_token, "?view=queue").await.unwrap();
    assert!(
        !ids(&queue).contains(&first),
        "a taken chat leaves the queue"
    );

    // Only admins list every open conversation.
    let open = list(&app.node, &admin, "?view=open").await.unwrap();
    assert_eq!(open.len(), 2);
    let (status, error) = list(&app.node, &agent_token, "?view=open")
        .await
        .unwrap_err();
    assert_eq!((status, error.code), (403, ErrorCode::Forbidden));

    // Closed conversations move to the closed view.
    let cid = ClientId::new_random();
    let close = AgentFrame::Close {
        cid,
        conversation_id: first,
    };
    assert_eq!(answer(&mut desk, cid, &close).await, Ok(()));
    let closed = list(&app.node, &agent_token, "?view=closed").await.unwrap();
    assert_eq!(ids(&closed), [first]);
    assert!(closed[0].closed_at.is_some());
    assert_eq!(
        list(&app.node, &agent_token, "?view=mine").await.unwrap(),
        []
    );

    let (status, error) = list(&app.node, &agent_token, "?view=everything")
        .await
        .unwrap_err();
    assert_eq!((status, error.code), (400, ErrorCode::InvalidInput));
}

#[tokio::test]
async fn search_finds_turkish_and_english_words_by_their_stems_within_the_site_only() {
    let app = TestApp::spawn().await;
    let token = login(&app.node, &app.site.agent_email).await.access_token;
    let (_, turkish) =
        visitor_writes(&app.node, &app.site, "Merhaba, siparişlerim hâlâ gelmedi").await;
    let (_, english) = visitor_writes(
        &app.node,
        &app.site,
        "My orders never arrived, can you check?",
    )
    .await;
    let (named_visitor, named) = visitor_writes(&app.node, &app.site, "Hi").await;
    sqlx::query(
        "UPDATE visitors SET name = 'Ayşe 100% Yılmaz', email = 'ayse@example.com' WHERE id = $1",
    )
    .bind(named_visitor.0)
    .execute(&app.db)
    .await
    .unwrap();
    // Another site's visitor uses the same words.
    let other = create_site(&app.db, "Other shop", "https://other.example").await;
    visitor_writes(&app.node, &other, "orders siparişlerim").await;

    let found = list(&app.node, &token, "?q=sipari%C5%9Flerim")
        .await
        .unwrap();
    assert_eq!(ids(&found), [turkish]);
    assert!(
        found[0]
            .snippet
            .as_deref()
            .is_some_and(|s| s.contains("siparişlerim")),
        "{found:?}"
    );

    let found = list(&app.node, &token, "?q=order").await.unwrap();
    assert_eq!(ids(&found), [english], "'order' finds 'orders'");

    let found = list(&app.node, &token, "?q=ay%C5%9Fe").await.unwrap();
    assert_eq!(ids(&found), [named], "the visitor's name matches too");
    let found = list(&app.node, &token, "?q=100%25").await.unwrap();
    assert_eq!(ids(&found), [named], "% matches itself, not everything");

    assert_eq!(list(&app.node, &token, "?q=refund").await.unwrap(), []);
    assert_eq!(
        list(&app.node, &token, "?q=%20%20").await.unwrap().len(),
        3,
        "a blank search lists everything"
    );

    let long = "a".repeat(MAX_SEARCH_CHARS + 1);
    let (status, error) = list(&app.node, &token, &format!("?q={long}"))
        .await
        .unwrap_err();
    assert_eq!((status, error.code), (400, ErrorCode::InvalidInput));
}
