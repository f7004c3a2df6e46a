use leptos::prelude::*;
use livedesk_protocol::chat::{Author, ConversationStatus, Message};

use super::format;
use crate::desk::{Desk, Load};
use crate::model::inbox::InboxRow;

/// The left column: every conversation of the site, newest activity first.
#[component]
pub fn InboxPane() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let unread = move || {
        desk.inbox
            .with(|rows| rows.iter().filter(|r| r.unread).count())
    };

    let body = move || {
        let empty = desk.inbox.with(Vec::is_empty);
        match desk.inbox_load.get() {
            Load::Loading if empty => view! {
                <div class="ld-empty" data-ld="inbox-loading">
                    <span class="ld-spinner" aria-hidden="true"></span>
                    <p>"Loading conversations…"</p>
                </div>
            }
            .into_any(),
            Load::Failed(message) if empty => view! {
                <div class="ld-empty ld-empty--error" data-ld="inbox-error">
                    <p>{message}</p>
                    <button type="button" class="ld-button" on:click=move |_| desk.reload_inbox()>"Try again"</button>
                </div>
            }
            .into_any(),
            _ if empty => view! {
                <div class="ld-empty" data-ld="inbox-empty">
                    <p class="ld-empty__title">"No conversations yet"</p>
                    <p>"New chats from your website appear here as soon as a visitor writes."</p>
                </div>
            }
            .into_any(),
            _ => view! {
                <nav class="ld-inbox__list" aria-label="Conversations">
                    <For
                        each=move || desk.inbox.get()
                        key=|row| (row.summary.id, row.summary.last_seq, row.unread, row.summary.status == ConversationStatus::Closed)
                        children=move |row| view! { <ConversationItem row/> }
                    />
                </nav>
            }
            .into_any(),
        }
    };

    view! {
        <aside class="ld-inbox" data-ld="inbox">
            <div class="ld-pane-head">
                <h2>"Inbox"</h2>
                <Show when=move || { unread() > 0 }>
                    <span class="ld-count" data-ld="unread-count">{unread}</span>
                </Show>
            </div>
            {body}
        </aside>
    }
}

#[component]
fn ConversationItem(row: InboxRow) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let id = row.summary.id;
    let label = row.visitor_label();
    let preview = row
        .summary
        .last_message
        .as_ref()
        .map_or_else(|| "No messages yet".to_owned(), preview);
    let at = row.activity();
    let closed = row.summary.status == ConversationStatus::Closed;

    view! {
        <button
            type="button"
            class="ld-item"
            class:active=move || desk.open.get() == Some(id)
            class:unread=row.unread
            class:closed=closed
            data-ld="conversation"
            data-id=id.to_string()
            data-unread=row.unread.to_string()
            aria-current=move || (desk.open.get() == Some(id)).then_some("true")
            on:click=move |_| desk.open_conversation(id)
        >
            <span class="ld-avatar ld-avatar--visitor" aria-hidden="true">{format::initials(&label)}</span>
            <span class="ld-item__text">
                <span class="ld-item__top">
                    <span class="ld-item__name">{label}</span>
                    <time class="ld-item__time" title=format::full(at)>{format::when(at)}</time>
                </span>
                <span class="ld-item__bottom">
                    <span class="ld-item__preview">{preview}</span>
                    {row.unread.then(|| view! { <span class="ld-dot" data-ld="unread" title="Unread"></span> })}
                </span>
            </span>
        </button>
    }
}

fn preview(message: &Message) -> String {
    let body = message.body.lines().next().unwrap_or_default();
    match &message.author {
        Author::Visitor { .. } => body.to_owned(),
        Author::Agent { name, .. } => format!("{name}: {body}"),
        Author::System => format!("· {body}"),
    }
}
