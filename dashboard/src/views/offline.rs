use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::widget::OfflineMessage;

use super::format;
use crate::desk::{Desk, Load};
use crate::session;

/// What visitors left through the widget's offline form, newest first.
#[component]
pub fn OfflineMessagesPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let messages = RwSignal::new(Vec::<OfflineMessage>::new());
    let load = RwSignal::new(Load::Loading);
    let fetch = move || {
        load.set(Load::Loading);
        spawn_local(async move {
            let result = session::authorized(desk, |token| async move {
                crate::api::offline_messages(&token).await
            })
            .await;
            match result {
                Ok(list) => {
                    messages.set(list);
                    load.set(Load::Ready);
                }
                Err(failure) => load.set(Load::Failed(failure.message())),
            }
        });
    };
    fetch();

    let body = move || {
        match load.get() {
        Load::Loading => view! {
            <div class="ld-empty" data-ld="offline-loading"><span class="ld-spinner" aria-hidden="true"></span><p>"Loading offline messages…"</p></div>
        }
        .into_any(),
        Load::Failed(message) => view! {
            <div class="ld-empty ld-empty--error" data-ld="offline-error">
                <p>{message}</p>
                <button type="button" class="ld-button" on:click=move |_| fetch()>"Try again"</button>
            </div>
        }
        .into_any(),
        Load::Ready if messages.with(Vec::is_empty) => view! {
            <div class="ld-empty" data-ld="offline-empty">
                <p class="ld-empty__title">"No offline messages"</p>
                <p>"When your desk is closed, visitors can leave a message in the widget. It appears here."</p>
            </div>
        }
        .into_any(),
        Load::Ready => view! {
            <ul class="ld-cards">
                <For each=move || messages.get() key=|m| m.id children=|m| view! { <OfflineCard message=m/> }/>
            </ul>
        }
        .into_any(),
    }
    };

    view! {
        <section class="ld-list-page" data-ld="offline-messages">
            <div class="ld-pane-head">
                <h2>"Offline messages"</h2>
                <button type="button" class="ld-button ld-button--quiet" data-ld="offline-refresh" on:click=move |_| fetch()>"Refresh"</button>
            </div>
            {body}
        </section>
    }
}

#[component]
fn OfflineCard(message: OfflineMessage) -> impl IntoView {
    let mailto = format!("mailto:{}", message.email);
    view! {
        <li class="ld-card" data-ld="offline-message" data-id=message.id.to_string()>
            <div class="ld-card__head">
                <span class="ld-card__title">{message.name.clone()}</span>
                <a href=mailto data-ld="offline-email">{message.email.clone()}</a>
                {message.phone.clone().map(|p| view! { <span class="ld-muted">{p}</span> })}
                <time class="ld-card__time" title=format::full(message.created_at)>{format::when(message.created_at)}</time>
            </div>
            <p class="ld-card__body" data-ld="offline-text">{message.message.clone()}</p>
            {message.page_url.clone().map(|url| view! { <p class="ld-muted ld-card__foot">"From " {url}</p> })}
        </li>
    }
}
