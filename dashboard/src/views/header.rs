use leptos::prelude::*;

use super::format;
use crate::desk::{Desk, Link};
use crate::session;

/// The top bar: product name, connection state, the signed-in agent and "Log out".
#[component]
pub fn Header() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let name = move || {
        desk.agent
            .with(|a| a.as_ref().map(|a| a.name.clone()).unwrap_or_default())
    };
    let role = move || {
        desk.agent
            .with(|a| a.as_ref().map(|a| format::role(a.role)).unwrap_or_default())
    };

    view! {
        <header class="ld-header">
            <div class="ld-brand">
                <span class="ld-brand__mark" aria-hidden="true">"L"</span>
                <span>"Livedesk"</span>
            </div>
            <div class="ld-header__agent">
                <span class="ld-avatar" aria-hidden="true">{move || format::initials(&name())}</span>
                <span class="ld-header__who">
                    <span class="ld-header__name" data-ld="agent-name">{name}</span>
                    <span class="ld-header__role" data-ld="agent-role">{role}</span>
                </span>
                <span
                    class="ld-status"
                    class:online=move || desk.link.get() == Link::Online
                    title=move || if desk.link.get() == Link::Online { "Connected" } else { "Not connected" }
                ></span>
                <button type="button" class="ld-button ld-button--quiet" data-ld="logout" on:click=move |_| session::logout(desk)>
                    "Log out"
                </button>
            </div>
        </header>
    }
}

/// Shown while the socket is down: replies wait and new chats do not arrive.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let text = move || match desk.link.get() {
        Link::Connecting => Some("Connecting…"),
        Link::Reconnecting => Some("Reconnecting…"),
        Link::Online | Link::Idle => None,
    };
    move || {
        text().map(|text| {
            view! {
                <div class="ld-banner" data-ld="connection" role="status">
                    <span class="ld-spinner ld-spinner--small" aria-hidden="true"></span>
                    {text}
                </div>
            }
        })
    }
}
