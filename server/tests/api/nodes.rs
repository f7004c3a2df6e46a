use livedesk_protocol::close_code;
use livedesk_protocol::frames::ServerFrame;

use crate::messaging::{
    agent, next_message, recv_skipping_visitor_presence, send_as_agent, send_as_visitor, visitor,
};
use crate::support::TestApp;
use crate::support::client::{Ended, Socket, login, visitor_session};

#[tokio::test]
async fn a_visitor_on_one_node_and_an_agent_on_another_chat_normally() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let access = login(&second, &app.site.agent_email).await.access_token;
    let mut desk = agent(&second, &access).await;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;

    let hello = send_as_visitor(&mut widget, "hello from node one").await;
    let opened = recv_skipping_visitor_presence(&mut desk).await;
    assert!(
        matches!(opened, ServerFrame::ConversationOpened { .. }),
        "{opened:?}"
    );
    assert_eq!(next_message(&mut desk).await, hello);

    let reply = send_as_agent(&mut desk, hello.conversation_id, "answered from node two").await;
    assert_eq!(next_message(&mut widget).await, reply);
}

#[tokio::test]
async fn shutdown_tells_sockets_to_reconnect_and_loses_nothing_acknowledged() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let access = login(&app.node, &app.site.agent_email).await.access_token;
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&second, &session.visitor_token).await;
    let hello = send_as_visitor(&mut widget, "before the restart").await;
    let mut desk = agent(&second, &access).await;

    second.stop().await;

    assert_eq!(
        widget.ended().await,
        Ended::Closed(Some(close_code::RESTART))
    );
    assert_eq!(desk.ended().await, Ended::Closed(Some(close_code::RESTART)));

    // The clients reconnect to the remaining node and resume.
    let mut widget = Socket::visitor(&app.node, &session.visitor_token).await;
    let ServerFrame::VisitorHello {
        conversation: Some(open),
        ..
    } = widget.recv().await
    else {
        panic!("hello")
    };
    assert_eq!(open.last_seq, hello.seq);
    let mut desk = agent(&app.node, &access).await;
    let after = send_as_agent(&mut desk, hello.conversation_id, "after the restart").await;
    assert_eq!(after.seq, 2);
    assert_eq!(next_message(&mut widget).await, after);
}
