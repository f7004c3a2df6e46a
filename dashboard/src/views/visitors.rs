use leptos::prelude::*;
use livedesk_protocol::ids::VisitorId;
use livedesk_protocol::visitors::{VisitorPresence, VisitorStatus};
use time::OffsetDateTime;

use super::format;
use crate::desk::{Desk, Load};

/// Who is on the site now: page, time on it, active or idle.
#[component]
pub fn VisitorsPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    // Time on page is shown in minutes; a tick every 15 s keeps it near the truth.
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

    let count = move || desk.visitors.with(Vec::len);
    let body = move || {
        let empty = desk.visitors.with(Vec::is_empty);
        match desk.visitors_load.get() {
            Load::Loading if empty => view! {
                <div class="ld-empty" data-ld="visitors-loading"><span class="ld-spinner" aria-hidden="true"></span><p>"Loading visitors…"</p></div>
            }
            .into_any(),
            Load::Failed(message) if empty => view! {
                <div class="ld-empty ld-empty--error" data-ld="visitors-error">
                    <p>{message}</p>
                    <button type="button" class="ld-button" on:click=move |_| desk.reload_visitors()>"Try again"</button>
                </div>
            }
            .into_any(),
            _ if empty => view! {
                <div class="ld-empty" data-ld="visitors-empty">
                    <p class="ld-empty__title">"Nobody is on your site right now"</p>
                    <p>"Visitors appear here the moment a page with the widget opens."</p>
                </div>
            }
            .into_any(),
            _ => view! {
                <table class="ld-table" data-ld="visitors-table">
                    <thead><tr><th>"Visitor"</th><th>"Page"</th><th>"On page"</th><th>"Status"</th><th><span class="ld-visually-hidden">"Chat"</span></th></tr></thead>
                    <tbody>
                        <For
                            each=move || desk.visitors.get()
                            key=|v| (v.visitor_id, v.status, v.page.as_ref().map(|p| p.since))
                            children=move |v| view! { <VisitorRow visitor=v now/> }
                        />
                    </tbody>
                </table>
            }
            .into_any(),
        }
    };

    view! {
        <section class="ld-list-page" data-ld="visitors">
            <div class="ld-pane-head">
                <h2>"Visitors on the site"</h2>
                <span class="ld-count" data-ld="visitor-count">{count}</span>
            </div>
            {body}
        </section>
    }
}

#[component]
fn VisitorRow(visitor: VisitorPresence, now: RwSignal<OffsetDateTime>) -> impl IntoView {
    let id = visitor.visitor_id.to_string();
    let label = format!("Visitor {}", &id[..8]);
    let (status, status_text) = match visitor.status {
        VisitorStatus::Active => ("active", "Active"),
        VisitorStatus::Idle => ("idle", "Idle"),
        VisitorStatus::Offline => ("offline", "Offline"),
    };
    let since = visitor.page.as_ref().map(|p| p.since);
    let on_page =
        move || since.map_or_else(String::new, |since| format::duration(now.get() - since));
    let page = visitor.page.clone().map(|p| {
        let title = if p.title.is_empty() {
            p.url.clone()
        } else {
            p.title.clone()
        };
        view! {
            <span class="ld-cell-main" data-ld="visitor-page-title">{title}</span>
            <span class="ld-muted ld-cell-sub" data-ld="visitor-page-url">{p.url}</span>
        }
    });

    view! {
        <tr data-ld="visitor" data-id=id.clone() data-status=status>
            <td><span class="ld-avatar ld-avatar--visitor" aria-hidden="true">"V"</span> {label}</td>
            <td class="ld-cell-page">{page}</td>
            <td data-ld="visitor-on-page">{on_page}</td>
            <td><span class=format!("ld-pill ld-pill--{status}") data-ld="visitor-status">{status_text}</span></td>
            <td><StartChat visitor=visitor.visitor_id/></td>
        </tr>
    }
}

/// "Start chat": a first message from the agent, which opens the visitor's widget chat.
#[component]
fn StartChat(visitor: VisitorId) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let (open, set_open) = signal(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match desk.start_chat(visitor, &draft.get_untracked()) {
            Ok(()) => {
                draft.set(String::new());
                set_open.set(false);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="ld-button ld-button--small" data-ld="start-chat" on:click=move |_| set_open.set(true)>"Start chat"</button>
        }>
            <form class="ld-row" data-ld="start-chat-form" on:submit=send>
                <input type="text" data-ld="start-chat-input" maxlength="4000" placeholder="Hello! Can I help you find something?"
                    aria-label="First message" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                <button type="submit" class="ld-button ld-button--small ld-button--primary" data-ld="start-chat-send">"Send"</button>
                {move || error.get().map(|e| view! { <span class="ld-error">{e}</span> })}
            </form>
        </Show>
    }
}
