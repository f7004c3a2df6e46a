use leptos::html::Div;
use leptos::prelude::*;
use livedesk_protocol::chat::{Author, ConversationStatus, Message};
use livedesk_protocol::ids::ConversationId;

use super::composer::Composer;
use super::format;
use crate::desk::{Desk, Load};
use crate::model::inbox::visitor_label;
use crate::model::outbox::PendingSend;

/// The right column: the open conversation's transcript and the reply box.
#[component]
pub fn ConversationPane() -> impl IntoView {
    let desk = expect_context::<Desk>();
    move || match desk.open.get() {
        None => view! {
            <section class="ld-conversation ld-conversation--none">
                <div class="ld-empty" data-ld="no-conversation">
                    <p class="ld-empty__title">"Select a conversation"</p>
                    <p>"Pick a chat from the inbox to read it and reply."</p>
                </div>
            </section>
        }
        .into_any(),
        Some(id) => view! { <OpenConversation id/> }.into_any(),
    }
}

#[component]
fn OpenConversation(id: ConversationId) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let summary = Memo::new(move |_| {
        desk.inbox.with(|rows| {
            rows.iter()
                .find(|r| r.summary.id == id)
                .map(|r| r.summary.clone())
        })
    });
    let title = move || {
        summary.with(|s| {
            s.as_ref()
                .map(visitor_label)
                .unwrap_or_else(|| "Conversation".into())
        })
    };
    let closed = move || {
        summary.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.status == ConversationStatus::Closed)
        })
    };

    view! {
        <section class="ld-conversation" data-ld="conversation-view" data-id=id.to_string()>
            <div class="ld-pane-head">
                <h2>{title}</h2>
                <span class="ld-badge" class:closed=closed>{move || if closed() { "Closed" } else { "Open" }}</span>
            </div>
            <Transcript id visitor=Signal::derive(title)/>
            <Composer id closed=Signal::derive(closed)/>
        </section>
    }
}

#[component]
fn Transcript(id: ConversationId, visitor: Signal<String>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let scroller = NodeRef::<Div>::new();
    let pending = move || {
        desk.outbox.with(|o| {
            o.iter()
                .filter(|p| p.conversation_id == id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    // Keep the newest message in view as messages arrive.
    Effect::new(move |_| {
        let count = desk.transcript.with(Vec::len) + desk.outbox.with(Vec::len);
        if let Some(el) = scroller.get() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
        count
    });

    let status = move || {
        match desk.transcript_load.get() {
        Load::Loading if desk.transcript.with(Vec::is_empty) => Some(view! {
            <div class="ld-empty" data-ld="transcript-loading">
                <span class="ld-spinner" aria-hidden="true"></span>
                <p>"Loading messages…"</p>
            </div>
        }
        .into_any()),
        Load::Failed(message) => Some(view! {
            <div class="ld-alert" data-ld="transcript-error" role="alert">
                {message}
                " "
                <button type="button" class="ld-link" on:click=move |_| desk.load_transcript(id)>"Try again"</button>
            </div>
        }
        .into_any()),
        Load::Ready if desk.transcript.with(Vec::is_empty) && pending().is_empty() => Some(view! {
            <div class="ld-empty" data-ld="transcript-empty"><p>"No messages yet."</p></div>
        }
        .into_any()),
        _ => None,
    }
    };

    view! {
        <div class="ld-transcript" data-ld="transcript" node_ref=scroller aria-live="polite">
            {status}
            <For
                each=move || desk.transcript.get()
                key=|m| m.seq
                children=move |m| view! { <MessageBubble message=m visitor/> }
            />
            <For
                each=pending
                key=|p| (p.cid, p.failed.clone())
                children=move |p| view! { <PendingBubble pending=p/> }
            />
        </div>
    }
}

#[component]
fn MessageBubble(message: Message, visitor: Signal<String>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let (kind, author) = match &message.author {
        Author::Visitor { .. } => ("visitor", None),
        Author::Agent { id, name } => {
            let mine = desk
                .agent
                .with_untracked(|a| a.as_ref().is_some_and(|a| a.id == *id));
            (
                "agent",
                Some(if mine { "You".to_owned() } else { name.clone() }),
            )
        }
        Author::System => ("system", Some("Livedesk".to_owned())),
    };
    let author = move || author.clone().unwrap_or_else(|| visitor.get());
    let at = message.created_at;

    view! {
        <div class=format!("ld-msg ld-msg--{kind}") data-ld="message" data-author=kind data-seq=message.seq.to_string()>
            <div class="ld-msg__meta">
                <span class="ld-msg__author">{author}</span>
                <time class="ld-msg__time" title=format::full(at)>{format::clock(at)}</time>
            </div>
            <div class="ld-msg__body">{message.body}</div>
        </div>
    }
}

/// A reply not yet acknowledged: "Sending…", or the server's refusal with retry / discard.
#[component]
fn PendingBubble(pending: PendingSend) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let cid = pending.cid;
    let state = if pending.failed.is_some() {
        "failed"
    } else {
        "pending"
    };
    let footer = match pending.failed {
        None => view! { <span class="ld-msg__time">"Sending…"</span> }.into_any(),
        Some(reason) => view! {
            <span class="ld-msg__error" data-ld="send-error">{reason}</span>
            <button type="button" class="ld-link" data-ld="retry" on:click=move |_| desk.retry(cid)>"Retry"</button>
            <button type="button" class="ld-link" on:click=move |_| desk.discard(cid)>"Discard"</button>
        }
        .into_any(),
    };

    view! {
        <div class=format!("ld-msg ld-msg--agent ld-msg--{state}") data-ld="message" data-author="agent" data-state=state data-cid=cid.to_string()>
            <div class="ld-msg__meta"><span class="ld-msg__author">"You"</span></div>
            <div class="ld-msg__body">{pending.body}</div>
            <div class="ld-msg__foot">{footer}</div>
        </div>
    }
}
