use livedesk_protocol::ErrorCode;
use livedesk_protocol::chat::{Author, Rating};
use livedesk_protocol::frames::{AgentFrame, ServerFrame, VisitorFrame};
use livedesk_protocol::ids::{ClientId, ConversationId};

use crate::messaging::{agent, answer, send_as_visitor, visitor};
use crate::support::client::{login, visitor_session};
use crate::support::{TestApp, create_site};

fn rate(
    conversation_id: ConversationId,
    score: u8,
    comment: Option<&str>,
) -> (ClientId, VisitorFrame) {
    let cid = ClientId::new_random();
    (
        cid,
        VisitorFrame::Rate {
            cid,
            conversation_id,
            rating: Rating {
                score,
                comment: comment.map(str::to_owned),
            },
        },
    )
}

#[tokio::test]
async fn an_agent_closes_the_chat_and_the_visitor_rates_it() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let first = send_as_visitor(&mut widget, "my order is late").await;

    let cid = ClientId::new_random();
    assert_eq!(
        answer(
            &mut desk,
            cid,
            &AgentFrame::Close {
                cid,
                conversation_id: first.conversation_id
            }
        )
        .await,
        Ok(())
    );
    let closed_by = widget
        .recv_until(|f| match f {
            ServerFrame::ConversationClosed {
                conversation_id,
                closed_by,
            } if conversation_id == first.conversation_id => Some(closed_by),
            _ => None,
        })
        .await;
    assert!(matches!(closed_by, Author::Agent { id, .. } if id == tokens.agent.id));

    let (cid, frame) = rate(first.conversation_id, 5, Some("Quick and kind"));
    assert_eq!(answer(&mut widget, cid, &frame).await, Ok(()));
    let rating = desk
        .recv_until(|f| match f {
            ServerFrame::ConversationRated {
                conversation_id,
                rating,
            } if conversation_id == first.conversation_id => Some(rating),
            _ => None,
        })
        .await;
    assert_eq!(
        rating,
        Rating {
            score: 5,
            comment: Some("Quick and kind".into())
        }
    );
    let stored: (i16, Option<String>) =
        sqlx::query_as("SELECT score, comment FROM conversation_ratings")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, (5, Some("Quick and kind".into())));

    // The visitor's next message starts a new conversation.
    let next = send_as_visitor(&mut widget, "one more question").await;
    assert_ne!(next.conversation_id, first.conversation_id);
    assert_eq!(next.seq, 1);
}

#[tokio::test]
async fn a_visitor_ends_the_chat_and_a_second_close_is_harmless() {
    let app = TestApp::spawn().await;
    let tokens = login(&app.node, &app.site.agent_email).await;
    let mut desk = agent(&app.node, &tokens.access_token).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let first = send_as_visitor(&mut widget, "never mind").await;

    let cid = ClientId::new_random();
    assert_eq!(
        answer(&mut widget, cid, &VisitorFrame::Close { cid }).await,
        Ok(())
    );
    desk.recv_until(|f| matches!(f, ServerFrame::ConversationClosed { conversation_id, .. } if conversation_id == first.conversation_id).then_some(()))
        .await;

    let again = ClientId::new_random();
    assert_eq!(
        answer(
            &mut desk,
            again,
            &AgentFrame::Close {
                cid: again,
                conversation_id: first.conversation_id
            }
        )
        .await,
        Ok(())
    );
    let status: String = sqlx::query_scalar("SELECT status::text FROM conversations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "closed");
}

#[tokio::test]
async fn ratings_are_refused_for_open_foreign_or_out_of_range_conversations() {
    let app = TestApp::spawn().await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let mine = send_as_visitor(&mut widget, "hello").await;
    let other_session = visitor_session(&app.node, &app.site).await;
    let mut other = visitor(&app.node, &other_session.visitor_token).await;
    let theirs = send_as_visitor(&mut other, "hi").await;
    let outsider = create_site(&app.db, "Other Shop", "https://other.example.org").await;
    let outsider_desk_token = login(&app.node, &outsider.agent_email).await.access_token;
    let mut outsider_desk = agent(&app.node, &outsider_desk_token).await;

    let (cid, frame) = rate(mine.conversation_id, 4, None);
    assert_eq!(
        answer(&mut widget, cid, &frame).await,
        Err(ErrorCode::Conflict),
        "still open"
    );
    let (cid, frame) = rate(theirs.conversation_id, 1, None);
    assert_eq!(
        answer(&mut widget, cid, &frame).await,
        Err(ErrorCode::NotFound),
        "another visitor's"
    );
    let (cid, frame) = rate(mine.conversation_id, 9, None);
    assert_eq!(
        answer(&mut widget, cid, &frame).await,
        Err(ErrorCode::InvalidInput)
    );
    let cid = ClientId::new_random();
    let close = AgentFrame::Close {
        cid,
        conversation_id: mine.conversation_id,
    };
    assert_eq!(
        answer(&mut outsider_desk, cid, &close).await,
        Err(ErrorCode::NotFound),
        "another site's"
    );

    let ratings: i64 = sqlx::query_scalar("SELECT count(*) FROM conversation_ratings")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let open: i64 = sqlx::query_scalar("SELECT count(*) FROM conversations WHERE status = 'open'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!((ratings, open), (0, 2));
}
