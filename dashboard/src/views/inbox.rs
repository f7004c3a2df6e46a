use leptos::prelude::*;
use livedesk_protocol::api::Role;
use livedesk_protocol::chat::{
    Author, ConversationStatus, ConversationSummary, InboxView, Message,
};
use livedesk_protocol::routing::PriorityFactors;
use time::OffsetDateTime;

use super::format;
use crate::desk::{Desk, Load};
use crate::model::inbox::{self, InboxRow};

/// The left column: tabs (mine, queue, all open for admins, closed), a search box, and
/// the conversations of the tab or the search.
#[component]
pub fn InboxPane() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let me = move || desk.agent.with(|a| a.as_ref().map(|a| a.id));
    let admin = move || {
        desk.agent
            .with(|a| a.as_ref().is_some_and(|a| a.role != Role::Agent))
    };
    let count = move |view| {
        desk.inbox.with(|rows| {
            rows.iter()
                .filter(|r| inbox::in_view(r, view, me()))
                .count()
        })
    };
    let searching = move || desk.search_results.with(Option::is_some);
    let shown = move || match desk.search_results.get() {
        Some(found) => found,
        None => desk.inbox.with(|rows| {
            inbox::view_rows(rows, desk.inbox_view.get(), me(), OffsetDateTime::now_utc())
        }),
    };

    let body = move || {
        let empty = shown().is_empty();
        match desk.inbox_load.get() {
            Load::Loading if empty && !searching() => view! {
                <div class="ld-empty" data-ld="inbox-loading">
                    <span class="ld-spinner" aria-hidden="true"></span>
                    <p>"Loading conversations…"</p>
                </div>
            }
            .into_any(),
            Load::Failed(message) if empty && !searching() => view! {
                <div class="ld-empty ld-empty--error" data-ld="inbox-error">
                    <p>{message}</p>
                    <button type="button" class="ld-button" on:click=move |_| desk.reload_inbox()>"Try again"</button>
                </div>
            }
            .into_any(),
            _ if empty => {
                let (title, text) = empty_text(searching(), desk.inbox_view.get());
                view! {
                    <div class="ld-empty" data-ld="inbox-empty">
                        <p class="ld-empty__title">{title}</p>
                        <p>{text}</p>
                    </div>
                }
                .into_any()
            }
            _ => view! {
                <nav class="ld-inbox__list" aria-label="Conversations">
                    <For
                        each=shown
                        key=|row| (row.summary.id, row.summary.last_seq, row.unread, row.summary.status == ConversationStatus::Closed, row.summary.assigned_agent_id, row.summary.tags.clone())
                        children=move |row| view! { <ConversationItem row/> }
                    />
                </nav>
            }
            .into_any(),
        }
    };

    let tab = move |view: InboxView, label: &'static str, key: &'static str| {
        let active = move || !searching() && desk.inbox_view.get() == view;
        view! {
            <button
                type="button"
                role="tab"
                class="ld-tab"
                class:active=active
                aria-selected=move || active().to_string()
                data-ld="inbox-tab"
                data-view=key
                on:click=move |_| {
                    desk.search_for(String::new());
                    desk.show_view(view);
                }
            >
                {label}
                {(view != InboxView::Closed).then(|| view! { <span class="ld-tab__count" data-ld="tab-count">{move || count(view)}</span> })}
            </button>
        }
    };

    view! {
        <aside class="ld-inbox" data-ld="inbox">
            <div class="ld-inbox__search">
                <input
                    type="search"
                    data-ld="inbox-search"
                    placeholder="Search messages, names, e-mail…"
                    aria-label="Search conversations"
                    maxlength="200"
                    prop:value=move || desk.search.get()
                    on:input=move |ev| desk.search_for(event_target_value(&ev))
                />
            </div>
            <div class="ld-tabs" role="tablist" aria-label="Inbox views">
                {tab(InboxView::Mine, "Mine", "mine")}
                {tab(InboxView::Queue, "Queue", "queue")}
                <Show when=admin>{tab(InboxView::Open, "All open", "open")}</Show>
                {tab(InboxView::Closed, "Closed", "closed")}
            </div>
            {body}
            <p class="ld-inbox__help ld-muted ld-small" data-ld="shortcuts">{super::shortcuts::HELP}</p>
        </aside>
    }
}

fn empty_text(searching: bool, view: InboxView) -> (&'static str, &'static str) {
    if searching {
        return (
            "Nothing found",
            "No message, visitor name or e-mail matches.",
        );
    }
    match view {
        InboxView::Mine => (
            "No chats for you right now",
            "Chats given to you, or that you take from the queue, appear here.",
        ),
        InboxView::Queue => (
            "Nobody is waiting",
            "Visitors waiting for an agent appear here, longest waiting first.",
        ),
        InboxView::Open => (
            "No open conversations",
            "Open chats of every agent appear here.",
        ),
        InboxView::Closed => ("No closed conversations yet", "Finished chats appear here."),
        InboxView::All => (
            "No conversations yet",
            "New chats from your website appear here as soon as a visitor writes.",
        ),
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
    let waiting = row.summary.assigned_agent_id.is_none() && !closed;
    let waiting_since = row.summary.queued_at.unwrap_or(row.summary.created_at);
    let snippet = row.summary.snippet.clone();
    let tags = row.summary.tags.clone();
    let page = move || {
        desk.visitors.with(|list| {
            list.iter()
                .find(|v| v.visitor_id == row.summary.visitor_id)
                .and_then(|v| v.page.as_ref())
                .map(|p| {
                    if p.title.is_empty() {
                        p.url.clone()
                    } else {
                        p.title.clone()
                    }
                })
        })
    };

    view! {
        <div class="ld-item-row">
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
                    <span class="ld-item__preview" data-ld="preview">{snippet.unwrap_or(preview)}</span>
                    {row.unread.then(|| view! { <span class="ld-dot" data-ld="unread" title="Unread"></span> })}
                </span>
                {waiting.then(|| view! {
                    <span class="ld-item__wait" data-ld="waiting">
                        <QueuePriority summary=row.summary.clone()/>
                        "Waiting " <Elapsed since=waiting_since/>
                        {move || page().map(|p| view! { <span class="ld-item__page">" · " {p}</span> })}
                    </span>
                })}
                {(!tags.is_empty()).then(|| view! {
                    <span class="ld-item__tags">{tags.into_iter().map(|t| view! { <span class="ld-tag" data-ld="row-tag">{t}</span> }).collect_view()}</span>
                })}
            </span>
        </button>
        {waiting.then(|| view! {
            <button type="button" class="ld-button ld-button--small ld-item__accept" data-ld="accept" data-id=id.to_string()
                on:click=move |_| desk.accept(id)>"Take"</button>
        })}
        </div>
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

/// How long ago `since` was, kept current every 15 s.
#[component]
pub fn Elapsed(since: OffsetDateTime) -> impl IntoView {
    let now = ticking_now();
    view! { <span data-ld="elapsed">{move || format::duration(now.get() - since)}</span> }
}

/// A waiting visitor's queue priority, which grows as they wait, and what raised it.
#[component]
fn QueuePriority(summary: ConversationSummary) -> impl IntoView {
    let now = ticking_now();
    let factors = summary.priority_factors;
    let reasons = [
        (factors.vip, "VIP"),
        (factors.returning, "returning visitor"),
        (factors.urgent_department, "urgent department"),
    ]
    .into_iter()
    .filter_map(|(on, reason)| on.then_some(reason))
    .chain(["+1 for every 2 minutes waited"])
    .collect::<Vec<_>>()
    .join(", ");
    let since = summary.created_at;
    let priority = move || factors.at(since, now.get());
    view! {
        <span class="ld-item__priority" data-ld="priority" data-priority=move || priority().to_string()
            title=move || format!("Queue priority {} of {}: {reasons}", priority(), PriorityFactors::MAX)>
            {move || format!("P{}", priority())}
        </span>
    }
}

/// The current time, renewed every 15 seconds while the calling component lives.
fn ticking_now() -> RwSignal<OffsetDateTime> {
    let now = RwSignal::new(OffsetDateTime::now_utc());
    let tick = set_interval_with_handle(
        move || now.set(OffsetDateTime::now_utc()),
        std::time::Duration::from_secs(15),
    );
    on_cleanup(move || {
        if let Ok(tick) = tick {
            tick.clear();
        }
    });
    now
}
