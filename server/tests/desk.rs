//! The agent's desk in headless Chromium: taking a chat from the queue, answering, tags,
//! notes, edits and deletions, delivery ticks, the visitor panel, search, the agent's own
//! state, closing, and the live visitors and offline messages pages. Visitors are WebSocket clients here
//! (the widget has its own browser tests); the agent is a real browser on the dashboard.

#![allow(clippy::unwrap_used)]

mod support;

use fantoccini::{Client, Locator};
use livedesk_protocol::frames::{ServerFrame, VisitorFrame};

use support::browser::{
    Driver, click_when_shown as click, js, sign_in_dashboard, text_of, until, visible,
};
use support::client::{http, ready_visitor as visitor, visitor_says, visitor_session};
use support::{TestApp, assign_manually};

async fn type_into(client: &Client, css: &str, text: &str) {
    client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map_or(0, |found| found.len())
}

#[tokio::test]
async fn an_agent_takes_a_waiting_chat_answers_tags_notes_edits_and_closes_it() {
    let app = TestApp::spawn().await;
    assign_manually(&app.db, app.site.id).await;
    let admin = support::client::login(&app.node, &app.site.admin_email).await;
    let canned = http()
        .post(app.node.url("/api/v1/site/canned-responses"))
        .bearer_auth(&admin.access_token)
        .json(&serde_json::json!({"shortcut": "/kargo", "body": "Kargonuz yolda, yarın elinizde."}))
        .send()
        .await
        .unwrap();
    assert!(canned.status().is_success(), "{}", canned.status());
    let session = visitor_session(&app.node, &app.site).await;
    let response = http()
        .post(app.node.url("/api/v1/visitor/profile"))
        .bearer_auth(&session.visitor_token)
        .json(&serde_json::json!({"name": "Ayşe Yılmaz", "email": "ayse@example.com"}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    let conversation = visitor_says(&mut widget, "Siparişim nerede? Kargo gelmedi").await;

    let driver = Driver::start();
    let (agent, _profile) = driver.browser().await;
    sign_in_dashboard(&agent, &app.node.origin(), &app.site.agent_email).await;

    // The chat waits in the queue, with how long it has waited; the agent takes it.
    click(&agent, "[data-ld=inbox-tab][data-view=queue]").await;
    until(&agent, "the waiting chat in the queue", || async {
        text_of(&agent, "[data-ld=conversation]")
            .await
            .contains("Ayşe Yılmaz")
            && text_of(&agent, "[data-ld=waiting]")
                .await
                .contains("Waiting")
    })
    .await;
    click(&agent, "[data-ld=accept]").await;
    until(&agent, "the chat under Mine, open", || async {
        text_of(
            &agent,
            "[data-ld=inbox-tab][data-view=mine] [data-ld=tab-count]",
        )
        .await
            == "1"
            && text_of(&agent, "[data-ld=message][data-author=visitor]")
                .await
                .contains("Siparişim")
    })
    .await;
    until(&agent, "the queue to empty", || async {
        text_of(
            &agent,
            "[data-ld=inbox-tab][data-view=queue] [data-ld=tab-count]",
        )
        .await
            == "0"
    })
    .await;

    // The visitor panel names the visitor.
    until(
        &agent,
        "the visitor's name and e-mail in the panel",
        || async {
            text_of(&agent, "[data-ld=visitor-name]").await == "Ayşe Yılmaz"
                && text_of(&agent, "[data-ld=visitor-email]").await == "ayse@example.com"
        },
    )
    .await;

    // The visitor types; the agent sees it.
    widget
        .send_json(&VisitorFrame::Typing { typing: true })
        .await;
    until(&agent, "the visitor typing", || async {
        text_of(&agent, "[data-ld=visitor-typing]")
            .await
            .contains("typing")
    })
    .await;

    // The agent answers; the visitor receives it and reads it: the ticks say so.
    type_into(&agent, "[data-ld=composer]", "Hemen bakıyorum").await;
    click(&agent, "[data-ld=send]").await;
    let answer = widget
        .recv_until(|f| match f {
            ServerFrame::Message { message } if message.body == "Hemen bakıyorum" => Some(message),
            _ => None,
        })
        .await;
    widget
        .send_json(&VisitorFrame::Seen {
            up_to: answer.seq,
            read: true,
        })
        .await;
    until(&agent, "the answer marked read", || async {
        count(
            &agent,
            "[data-ld=message][data-author=agent] [data-ld=delivery][data-state=read]",
        )
        .await
            == 1
    })
    .await;

    // The agent corrects the answer within the edit window; the visitor gets the new text.
    click(
        &agent,
        "[data-ld=message][data-author=agent] [data-ld=edit]",
    )
    .await;
    let input = agent
        .find(Locator::Css("[data-ld=edit-input]"))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input
        .send_keys("Hemen bakıyorum, bir dakika")
        .await
        .unwrap();
    click(&agent, "[data-ld=edit-save]").await;
    let edited = widget
        .recv_until(|f| match f {
            ServerFrame::MessageChanged { message } => Some(message),
            _ => None,
        })
        .await;
    assert_eq!(edited.body, "Hemen bakıyorum, bir dakika");
    until(&agent, "the edited answer", || async {
        text_of(&agent, "[data-ld=message][data-author=agent]")
            .await
            .contains("bir dakika")
            && count(&agent, "[data-ld=edited]").await == 1
    })
    .await;

    // A canned response: `/kar` lists it, Enter puts it in the box, Enter sends it.
    type_into(&agent, "[data-ld=composer]", "/kar").await;
    until(&agent, "the canned response offered", || async {
        text_of(&agent, "[data-ld=canned-option]")
            .await
            .contains("/kargo")
    })
    .await;
    type_into(&agent, "[data-ld=composer]", "\u{E007}").await;
    until(&agent, "the canned text in the composer", || async {
        js(
            &agent,
            "return document.querySelector('[data-ld=composer]').value",
        )
        .await
            == "Kargonuz yolda, yarın elinizde."
    })
    .await;
    click(&agent, "[data-ld=send]").await;
    let canned = widget
        .recv_until(|f| match f {
            ServerFrame::Message { message }
                if message.body == "Kargonuz yolda, yarın elinizde." =>
            {
                Some(message)
            }
            _ => None,
        })
        .await;

    // Deleting asks first; kept, nothing changes; deleted, the visitor's copy goes too.
    let sent = format!("[data-ld=message][data-seq='{}']", canned.seq);
    click(&agent, &format!("{sent} [data-ld=delete]")).await;
    click(&agent, &format!("{sent} [data-ld=delete-cancel]")).await;
    assert!(visible(&agent, &format!("{sent} [data-ld=delete]")).await);
    click(&agent, &format!("{sent} [data-ld=delete]")).await;
    click(&agent, &format!("{sent} [data-ld=delete-confirm]")).await;
    let deleted = widget
        .recv_until(|f| match f {
            ServerFrame::MessageChanged { message } if message.id == canned.id => Some(message),
            _ => None,
        })
        .await;
    assert!(deleted.deleted && deleted.body.is_empty(), "{deleted:?}");
    until(&agent, "the deleted message", || async {
        visible(&agent, &format!("{sent} [data-ld=message-deleted]")).await
            && !visible(&agent, &format!("{sent} [data-ld=delete]")).await
    })
    .await;

    // A tag and an internal note; the note never reaches the visitor.
    type_into(&agent, "[data-ld=tag-input]", "kargo\n").await;
    until(&agent, "the tag", || async {
        text_of(&agent, "[data-ld=tags] [data-ld=tag]")
            .await
            .contains("kargo")
    })
    .await;
    // A second tag, put on by mistake, comes off with its ×.
    type_into(&agent, "[data-ld=tag-input]", "iade\n").await;
    let mistake = "[data-ld=tags] [data-ld=tag][data-tag=iade]";
    until(&agent, "the second tag", || async {
        visible(&agent, mistake).await
    })
    .await;
    click(&agent, &format!("{mistake} [data-ld=untag]")).await;
    until(&agent, "the second tag gone", || async {
        !visible(&agent, mistake).await && text_of(&agent, "[data-ld=tags]").await.contains("kargo")
    })
    .await;
    let tags: Vec<String> = sqlx::query_scalar(
        "SELECT tag FROM conversation_tags WHERE conversation_id = $1 ORDER BY tag",
    )
    .bind(conversation.0)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(tags, ["kargo"]);
    type_into(&agent, "[data-ld=note-input]", "Kargo firmasını aradım").await;
    click(&agent, "[data-ld=note-add]").await;
    until(&agent, "the note", || async {
        text_of(&agent, "[data-ld=note]")
            .await
            .contains("Kargo firmasını aradım")
    })
    .await;

    // Search finds the chat by a stem of the visitor's words, with the passage.
    type_into(&agent, "[data-ld=inbox-search]", "sipariş").await;
    until(&agent, "the search result", || async {
        count(&agent, "[data-ld=conversation]").await == 1
            && text_of(&agent, "[data-ld=conversation] [data-ld=preview]")
                .await
                .contains("Siparişim")
    })
    .await;
    agent
        .find(Locator::Css("[data-ld=inbox-search]"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(&agent, "[data-ld=inbox-search]", "iade").await;
    until(&agent, "no search result", || async {
        count(&agent, "[data-ld=inbox-empty]").await == 1
    })
    .await;
    click(&agent, "[data-ld=inbox-tab][data-view=mine]").await;

    // The agent goes on a half-hour break with a message; the header says until when.
    const IN_HALF_AN_HOUR: &str = "const d = new Date(Date.now() + 30 * 60000); \
        return 'until ' + String(d.getHours()).padStart(2, '0') + ':' \
        + String(d.getMinutes()).padStart(2, '0')";
    click(&agent, "[data-ld=state]").await;
    click(&agent, "[data-ld=state-choice][value=break]").await;
    type_into(&agent, "[data-ld=state-message-input]", "Lunch").await;
    type_into(&agent, "[data-ld=state-until]", "30").await;
    let earliest = js(&agent, IN_HALF_AN_HOUR)
        .await
        .as_str()
        .unwrap()
        .to_owned();
    click(&agent, "[data-ld=state-save]").await;
    until(&agent, "the break shown", || async {
        js(
            &agent,
            "return document.querySelector('[data-ld=state]').dataset.state",
        )
        .await
            == "break"
            && text_of(&agent, "[data-ld=state-message]").await == "Lunch"
            && visible(&agent, "[data-ld=state-until-label]").await
    })
    .await;
    let latest = js(&agent, IN_HALF_AN_HOUR)
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let shown = text_of(&agent, "[data-ld=state-until-label]").await;
    assert!(shown == earliest || shown == latest, "{shown}");

    // Closing asks first; the visitor is told, and the chat moves to Closed.
    click(&agent, "[data-ld=close]").await;
    click(&agent, "[data-ld=close-confirm]").await;
    widget
        .recv_until(|f| match f {
            ServerFrame::ConversationClosed {
                conversation_id, ..
            } if conversation_id == conversation => Some(()),
            _ => None,
        })
        .await;
    until(&agent, "the chat closed", || async {
        text_of(&agent, "[data-ld=conversation-status]").await == "Closed"
    })
    .await;
    click(&agent, "[data-ld=inbox-tab][data-view=closed]").await;
    until(&agent, "the chat under Closed", || async {
        count(&agent, "[data-ld=conversation]").await == 1
    })
    .await;
    agent.close().await.ok();
}

#[tokio::test]
async fn live_visitors_and_offline_messages_show_without_a_reload_and_agents_get_no_settings() {
    let app = TestApp::spawn().await;
    let driver = Driver::start();
    let (agent, _profile) = driver.browser().await;
    sign_in_dashboard(&agent, &app.node.origin(), &app.site.agent_email).await;
    agent
        .wait()
        .for_element(Locator::Css("[data-ld=inbox]"))
        .await
        .unwrap();

    // An agent has no settings, not even through the address.
    assert_eq!(count(&agent, "[data-ld=nav][data-page=settings]").await, 0);
    js(&agent, "location.hash = '#/settings/agents'; return null").await;
    until(&agent, "the inbox instead of settings", || async {
        count(&agent, "[data-ld=settings]").await == 0
            && count(&agent, "[data-ld=inbox]").await == 1
    })
    .await;

    click(&agent, "[data-ld=nav][data-page=visitors]").await;
    until(&agent, "the empty visitors page", || async {
        count(&agent, "[data-ld=visitors-empty]").await == 1
    })
    .await;

    // A visitor arrives on a page: the list shows them and the page, live.
    let session = visitor_session(&app.node, &app.site).await;
    let mut widget = visitor(&app.node, &session.visitor_token).await;
    widget
        .send_json(&VisitorFrame::Page {
            url: "https://shop.example.com/shoes/42".into(),
            title: "Running shoes".into(),
        })
        .await;
    let row = format!("[data-ld=visitor][data-id='{}']", session.visitor_id);
    until(&agent, "the visitor on the running shoes page", || async {
        text_of(&agent, &format!("{row} [data-ld=visitor-page-title]")).await == "Running shoes"
            && text_of(&agent, &format!("{row} [data-ld=visitor-status]")).await == "Active"
            && text_of(&agent, "[data-ld=visitor-count]").await == "1"
    })
    .await;

    // The visitor leaves an offline message while the page is open: it appears live, and
    // the nav counts it.
    click(&agent, "[data-ld=nav][data-page=offline-messages]").await;
    until(&agent, "no offline messages yet", || async {
        count(&agent, "[data-ld=offline-empty]").await == 1
            && count(&agent, "[data-ld=offline-count]").await == 0
    })
    .await;
    let left = http()
        .post(app.node.url("/api/v1/visitor/offline-messages"))
        .bearer_auth(&session.visitor_token)
        .json(&serde_json::json!({
            "name": "Mehmet", "email": "mehmet@example.com", "message": "Yarın arar mısınız?"
        }))
        .send()
        .await
        .unwrap();
    assert!(left.status().is_success(), "{}", left.status());
    until(&agent, "the message, live and counted", || async {
        text_of(&agent, "[data-ld=offline-message]")
            .await
            .contains("Yarın arar mısınız?")
            && text_of(&agent, "[data-ld=offline-email]").await == "mehmet@example.com"
            && text_of(&agent, "[data-ld=offline-count]").await == "1"
    })
    .await;

    // The agent marks it handled: the count goes, the card says who handled it.
    click(&agent, "[data-ld=offline-handle]").await;
    let handled_by_me = || async {
        count(&agent, "[data-ld=offline-count]").await == 0
            && count(&agent, "[data-ld=offline-reopen]").await == 1
            && text_of(&agent, "[data-ld=offline-handled]")
                .await
                .starts_with("Handled by Ali Agent · ")
    };
    until(&agent, "the message handled by the agent", handled_by_me).await;

    // It is stored: after a reload it is still handled.
    js(&agent, "location.reload(); return null").await;
    until(&agent, "still handled after a reload", || async {
        count(&agent, "[data-ld=offline-message]").await == 1 && handled_by_me().await
    })
    .await;

    // The visitor goes away: they leave the list.
    widget.close().await;
    click(&agent, "[data-ld=nav][data-page=visitors]").await;
    until(&agent, "the visitor gone", || async {
        count(&agent, &row).await == 0
    })
    .await;
    agent.close().await.ok();
}
