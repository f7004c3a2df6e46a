use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::widget::{OfflineHandled, OfflineMessage};

use super::format;
use crate::desk::{Desk, Load};

/// What visitors left through the widget's offline form, live: waiting ones first, then
/// handled ones, each newest first.
#[component]
pub fn OfflineMessagesPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let offline = desk.offline;

    let body = move || {
        match offline.load.get() {
        Load::Loading => view! {
            <div class="ld-empty" data-ld="offline-loading"><span class="ld-spinner" aria-hidden="true"></span><p>"Loading offline messages…"</p></div>
        }
        .into_any(),
        Load::Failed(message) => view! {
            <div class="ld-empty ld-empty--error" data-ld="offline-error">
                <p>{message}</p>
                <button type="button" class="ld-button" on:click=move |_| desk.reload_offline()>"Try again"</button>
            </div>
        }
        .into_any(),
        Load::Ready if offline.list.with(Vec::is_empty) => view! {
            <div class="ld-empty" data-ld="offline-empty">
                <p class="ld-empty__title">"No offline messages"</p>
                <p>"When your desk is closed, visitors can leave a message in the widget. It appears here."</p>
            </div>
        }
        .into_any(),
        Load::Ready => view! {
            <ul class="ld-cards">
                // Keyed by the state too, so a card is drawn again when it is handled or reopened.
                <For
                    each=move || offline.list.get()
                    key=|m| (m.id, m.handled.as_ref().map(|h| h.at))
                    children=|m| view! { <OfflineCard message=m/> }
                />
            </ul>
        }
        .into_any(),
    }
    };

    view! {
        <section class="ld-list-page" data-ld="offline-messages">
            <div class="ld-pane-head">
                <h2>"Offline messages"</h2>
            </div>
            {body}
        </section>
    }
}

#[component]
fn OfflineCard(message: OfflineMessage) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let mailto = format!("mailto:{}", message.email);
    let handled = message.handled.is_some();
    let id = message.id;
    let busy = RwSignal::new(false);
    let toggle = move |_| {
        busy.set(true);
        spawn_local(async move {
            desk.set_offline_handled(id, !handled).await;
            // The card is drawn anew once the state changed; this one may be gone.
            let _ = busy.try_set(false);
        });
    };
    let (action, key) = if handled {
        ("Reopen", "offline-reopen")
    } else {
        ("Mark handled", "offline-handle")
    };
    view! {
        <li class=if handled { "ld-card ld-card--handled" } else { "ld-card" } data-ld="offline-message" data-id=id.to_string()>
            <div class="ld-card__head">
                <span class="ld-card__title">{message.name.clone()}</span>
                <a href=mailto data-ld="offline-email">{message.email.clone()}</a>
                {message.phone.clone().map(|p| view! { <span class="ld-muted">{p}</span> })}
                <time class="ld-card__time" title=format::full(message.created_at)>{format::when(message.created_at)}</time>
            </div>
            <p class="ld-card__body" data-ld="offline-text">{message.message.clone()}</p>
            {message.page_url.clone().map(|url| view! { <p class="ld-muted ld-card__foot">"From " {url}</p> })}
            <div class="ld-card__actions">
                {message.handled.clone().map(handled_line)}
                <button type="button" class="ld-button ld-button--quiet" data-ld=key disabled=move || busy.get() on:click=toggle>
                    {action}
                </button>
            </div>
        </li>
    }
}

/// "Handled by Ada · 14:05".
fn handled_line(handled: OfflineHandled) -> impl IntoView {
    let by = match handled.by {
        Some(name) => format!("Handled by {name}"),
        None => "Handled".to_owned(),
    };
    view! {
        <span class="ld-muted" data-ld="offline-handled" title=format::full(handled.at)>
            {by} " · " {format::when(handled.at)}
        </span>
    }
}
