use leptos::prelude::*;

use livedesk_protocol::presence::{AgentStateChoice, AgentStateKind, MAX_STATE_MESSAGE_CHARS};
use time::OffsetDateTime;

use super::format;
use crate::alerts;
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
                <AlertsButton/>
                <StateSelector/>
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

const STATES: [(AgentStateKind, &str, &str); 5] = [
    (AgentStateKind::Available, "available", "Available"),
    (AgentStateKind::Busy, "busy", "Busy"),
    (AgentStateKind::Away, "away", "Away"),
    (AgentStateKind::Break, "break", "On a break"),
    (
        AgentStateKind::DoNotDisturb,
        "do_not_disturb",
        "Do not disturb",
    ),
];

fn state_key(kind: AgentStateKind) -> &'static str {
    STATES
        .iter()
        .find(|s| s.0 == kind)
        .map_or("available", |s| s.1)
}

fn state_label(kind: AgentStateKind) -> &'static str {
    STATES
        .iter()
        .find(|s| s.0 == kind)
        .map_or("Available", |s| s.2)
}

/// The agent's own state (with a message and an end time) and their current load.
#[component]
fn StateSelector() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let mine = move || {
        let me = desk.agent.with(|a| a.as_ref().map(|a| a.id))?;
        desk.presence
            .with(|list| list.iter().find(|p| p.agent_id == me).cloned())
    };
    let (editing, set_editing) = signal(false);
    let choice = RwSignal::new(AgentStateKind::Available);
    let message = RwSignal::new(String::new());
    let until_minutes = RwSignal::new(String::new());
    let open_editor = move |_| {
        if let Some(p) = mine() {
            choice.set(p.choice.state);
            message.set(p.choice.message.unwrap_or_default());
        }
        until_minutes.set(String::new());
        set_editing.update(|e| *e = !*e);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let until = until_minutes
            .get_untracked()
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| *m > 0)
            .map(|m| OffsetDateTime::now_utc() + time::Duration::minutes(m));
        let text = message.get_untracked().trim().to_owned();
        desk.set_state(AgentStateChoice {
            state: choice.get_untracked(),
            message: (!text.is_empty()).then_some(text),
            until,
        });
        set_editing.set(false);
    };

    view! {
        <div class="ld-state">
            <button
                type="button"
                class="ld-state__button"
                data-ld="state"
                data-state=move || mine().map(|p| state_key(p.effective)).unwrap_or("offline")
                aria-expanded=move || editing.get().to_string()
                on:click=open_editor
            >
                <span class=move || format!("ld-pill ld-pill--{}", mine().map(|p| state_key(p.effective)).unwrap_or("offline"))>
                    {move || mine().map(|p| state_label(p.effective)).unwrap_or("Offline")}
                </span>
                <span class="ld-state__load" data-ld="load" title="Open chats / capacity">
                    {move || mine().map(|p| format!("{} / {}", p.active_chats, p.max_chats)).unwrap_or_default()}
                </span>
                {move || mine().and_then(|p| p.choice.message).map(|m| view! { <span class="ld-state__message" data-ld="state-message">{m}</span> })}
                {move || mine().and_then(|p| p.choice.until).map(|u| view! { <span class="ld-state__message" data-ld="state-until-label">{format!("until {}", format::clock(u))}</span> })}
            </button>
            <Show when=move || editing.get()>
                <form class="ld-popover" data-ld="state-form" on:submit=save>
                    <fieldset class="ld-state__choices">
                        <legend>"Your state"</legend>
                        {STATES.into_iter().map(|(kind, key, label)| view! {
                            <label class="ld-radio">
                                <input type="radio" name="ld-state" value=key data-ld="state-choice"
                                    prop:checked=move || choice.get() == kind
                                    on:change=move |_| choice.set(kind)/>
                                {label}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <label class="ld-field">"Message (optional)"
                        <input type="text" data-ld="state-message-input" maxlength=MAX_STATE_MESSAGE_CHARS.to_string()
                            placeholder="Back at 14:00" prop:value=move || message.get()
                            on:input=move |ev| message.set(event_target_value(&ev))/>
                    </label>
                    <label class="ld-field">"Ends by itself after (minutes, optional)"
                        <input type="number" min="1" max="1440" data-ld="state-until"
                            prop:value=move || until_minutes.get()
                            on:input=move |ev| until_minutes.set(event_target_value(&ev))/>
                    </label>
                    <div class="ld-row">
                        <button type="submit" class="ld-button ld-button--primary" data-ld="state-save">"Save"</button>
                        <button type="button" class="ld-button" on:click=move |_| set_editing.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// Offers browser notifications until the agent has answered the browser's question.
#[component]
fn AlertsButton() -> impl IntoView {
    let undecided = RwSignal::new(alerts::permission_undecided());
    view! {
        <Show when=move || undecided.get()>
            <button type="button" class="ld-button ld-button--quiet" data-ld="enable-alerts"
                title="Get a notification when a chat is given to you while this tab is in the background"
                on:click=move |_| alerts::ask_permission(move || undecided.set(alerts::permission_undecided()))>
                "Enable notifications"
            </button>
        </Show>
    }
}

/// The passing notice at the bottom of the screen.
#[component]
pub fn NoticeToast() -> impl IntoView {
    let desk = expect_context::<Desk>();
    move || {
        desk.notice.get().map(|notice| {
            view! {
                <div class="ld-toast" class:error=notice.error data-ld="notice" role=if notice.error { "alert" } else { "status" }>
                    <span>{notice.text}</span>
                    <button type="button" class="ld-link" aria-label="Dismiss" on:click=move |_| desk.notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}
