use leptos::html::Div;
use leptos::prelude::*;
use livedesk_protocol::chat::{Author, ConversationStatus, ConversationSummary, Message};
use livedesk_protocol::ids::ConversationId;

use time::OffsetDateTime;

use super::actions_bar::ActionsBar;
use super::composer::Composer;
use super::confirm::ConfirmButton;
use super::files::{self, FileLink};
use super::format;
use super::side_panel::SidePanel;
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

    let visitor = move || summary.with(|s| s.as_ref().map(|s| s.visitor_id));
    // On narrow screens the visitor panel is an overlay, opened with this toggle.
    let (side_open, set_side_open) = signal(false);

    view! {
        <section class="ld-conversation" data-ld="conversation-view" data-id=id.to_string()>
            <div class="ld-pane-head ld-pane-head--wrap">
                <h2>{title}</h2>
                <span class="ld-badge" class:closed=closed data-ld="conversation-status">{move || if closed() { "Closed" } else { "Open" }}</span>
                <button type="button" class="ld-button ld-button--small ld-side-toggle" data-ld="side-toggle"
                    aria-expanded=move || side_open.get().to_string()
                    on:click=move |_| set_side_open.update(|o| *o = !*o)>"Visitor"</button>
                <ActionsBar id summary/>
            </div>
            <div class="ld-conversation__body" class:side-open=side_open>
                <div class="ld-conversation__main">
                    <Transcript id visitor=Signal::derive(title) summary/>
                    <TypingLine/>
                    <Composer id closed=Signal::derive(closed)/>
                </div>
                {move || visitor().map(|visitor| view! { <SidePanel id visitor/> })}
            </div>
        </section>
    }
}

/// "Typing…" while the visitor types.
#[component]
fn TypingLine() -> impl IntoView {
    let desk = expect_context::<Desk>();
    view! {
        <div class="ld-typing" data-ld="visitor-typing" aria-live="polite">
            {move || desk.visitor_typing.get().then_some("The visitor is typing…")}
        </div>
    }
}

#[component]
fn Transcript(
    id: ConversationId,
    visitor: Signal<String>,
    summary: Memo<Option<ConversationSummary>>,
) -> impl IntoView {
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
                key=|m| (m.seq, m.edited_at, m.deleted)
                children=move |m| view! { <MessageBubble message=m visitor summary/> }
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
fn MessageBubble(
    message: Message,
    visitor: Signal<String>,
    summary: Memo<Option<ConversationSummary>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let (kind, author, mine) = match &message.author {
        Author::Visitor { .. } => ("visitor", None, false),
        Author::Agent { id, name } => {
            let mine = desk
                .agent
                .with_untracked(|a| a.as_ref().is_some_and(|a| a.id == *id));
            (
                "agent",
                Some(if mine { "You".to_owned() } else { name.clone() }),
                mine,
            )
        }
        Author::System => ("system", Some("Livedesk".to_owned()), false),
    };
    let author = move || author.clone().unwrap_or_else(|| visitor.get());
    let at = message.created_at;
    let seq = message.seq;
    // Ticks on the agents' messages: sent, delivered to the widget, read by the visitor.
    let delivery = move || {
        if kind != "agent" {
            return None;
        }
        let (delivered, read) = summary.with(|s| {
            s.as_ref()
                .map_or((0, 0), |s| (s.visitor_delivered_seq, s.visitor_read_seq))
        });
        Some(if read >= seq {
            ("read", "✓✓ Read")
        } else if delivered >= seq {
            ("delivered", "✓✓")
        } else {
            ("sent", "✓")
        })
    };
    let changeable = desk.may_change(&message, OffsetDateTime::now_utc());
    let (editing, set_editing) = signal(false);
    let draft = RwSignal::new(message.body.clone());
    let edit_error = RwSignal::new(None::<String>);
    let message_id = message.id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match desk.edit(message_id, &draft.get_untracked()) {
            Ok(()) => set_editing.set(false),
            Err(reason) => edit_error.set(Some(reason)),
        }
    };
    let body = if message.deleted {
        view! { <div class="ld-msg__body ld-msg__body--deleted" data-ld="message-deleted">"This message was deleted."</div> }.into_any()
    } else {
        let text = message.body.clone();
        view! {
            <Show when=move || editing.get() fallback=move || view! { <MessageText text=text.clone()/> }>
                <form class="ld-msg__edit" data-ld="edit-form" on:submit=save>
                    <textarea data-ld="edit-input" rows="2" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    {move || edit_error.get().map(|e| view! { <p class="ld-error">{e}</p> })}
                    <div class="ld-row">
                        <button type="submit" class="ld-button ld-button--small ld-button--primary" data-ld="edit-save">"Save"</button>
                        <button type="button" class="ld-button ld-button--small" on:click=move |_| set_editing.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        }
        .into_any()
    };

    view! {
        <div class=format!("ld-msg ld-msg--{kind}") data-ld="message" data-author=kind data-seq=message.seq.to_string() data-mine=mine.to_string()>
            <div class="ld-msg__meta">
                <span class="ld-msg__author">{author}</span>
                <time class="ld-msg__time" title=format::full(at)>{format::clock(at)}</time>
                {message.edited_at.filter(|_| !message.deleted).map(|_| view! { <span class="ld-msg__edited" data-ld="edited">"edited"</span> })}
            </div>
            {body}
            <div class="ld-msg__foot">
                {(changeable && mine).then(|| view! {
                    <button type="button" class="ld-link ld-msg__action" data-ld="edit" on:click=move |_| set_editing.set(true)>"Edit"</button>
                    <ConfirmButton ld="delete" label="Delete" question="Delete for everyone?" link=true
                        on_confirm=Callback::new(move |()| desk.delete(message_id))/>
                })}
                {move || delivery().map(|(state, text)| view! { <span class="ld-ticks" data-ld="delivery" data-state=state>{text}</span> })}
            </div>
        </div>
    }
}

/// A message's text; a shared file (`📎 name` and its address) becomes a download link.
#[component]
fn MessageText(text: String) -> impl IntoView {
    match files::parse(&text) {
        Some(file) => view! { <div class="ld-msg__body"><FileLink file/></div> }.into_any(),
        None => view! { <div class="ld-msg__body">{text}</div> }.into_any(),
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
