//! The call panel: the incoming call (accept / decline), then the call itself — the
//! visitor's video (or an avatar while their camera is off, and in voice calls), the
//! agent's own mirrored camera, the time since the answer, mute, camera, screen sharing
//! and hang-up. `data-ld`: `call-incoming`, `call-accept`, `call-reject`, `call`,
//! `call-status`, `call-remote`, `call-self`, `call-mute`, `call-camera`, `call-share`,
//! `call-hang-up`, `call-error`; the panel's `data-state` is the call's state and
//! `data-remote-muted`, `data-remote-camera-off`, `data-remote-sharing` what the visitor does.

use std::time::Duration;

use leptos::html::Video;
use leptos::prelude::*;
use livedesk_protocol::calls::{CallKind, CallState};

use crate::call::clock;
use crate::desk::Desk;
use crate::model::inbox::visitor_label;

#[component]
pub fn CallPanel() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let calls = desk.calls;
    view! {
        <Show when=move || calls.ringing.with(Option::is_some)>
            <IncomingCall/>
        </Show>
        <Show when=move || calls.current.with(Option::is_some)>
            <ActiveCall/>
        </Show>
        {move || calls.error.get().map(|reason| view! {
            <div class="ld-alert ld-call-error" data-ld="call-error" role="alert">
                {reason}
                " "
                <button type="button" class="ld-link" on:click=move |_| calls.error.set(None)>"Dismiss"</button>
            </div>
        })}
    }
}

/// The name the inbox shows for the visitor of a call's conversation.
fn caller(desk: Desk, conversation: livedesk_protocol::ids::ConversationId) -> String {
    desk.inbox.with(|rows| {
        rows.iter()
            .find(|r| r.summary.id == conversation)
            .map(|r| visitor_label(&r.summary))
            .unwrap_or_else(|| "A visitor".into())
    })
}

fn kind_name(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Voice => "voice",
        CallKind::Video => "video",
    }
}

#[component]
fn IncomingCall() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let calls = desk.calls;
    let call = move || calls.ringing.get();
    let title = move || {
        call()
            .map(|c| format!("Incoming {} call", kind_name(c.kind)))
            .unwrap_or_default()
    };
    let who = move || {
        call()
            .map(|c| caller(desk, c.conversation_id))
            .unwrap_or_default()
    };
    view! {
        <div class="ld-call-alert" data-ld="call-incoming" role="alertdialog" aria-label=title>
            <p class="ld-call-alert__title">{title}</p>
            <p class="ld-call-alert__who">{who}</p>
            <div class="ld-call__bar">
                <button type="button" class="ld-button ld-call__accept" data-ld="call-accept" on:click=move |_| calls.accept(desk)>"Accept"</button>
                <button type="button" class="ld-button ld-call__reject" data-ld="call-reject" on:click=move |_| calls.reject(desk)>"Decline"</button>
            </div>
        </div>
    }
}

#[component]
fn ActiveCall() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let calls = desk.calls;
    let remote_video = NodeRef::<Video>::new();
    let self_video = NodeRef::<Video>::new();
    let now = RwSignal::new(js_sys::Date::now());
    let tick =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    Effect::new(move |_| {
        let stream = calls.remote_stream.get();
        if let Some(video) = remote_video.get() {
            video.set_src_object(stream.as_ref());
            let _ = video.play();
        }
    });
    Effect::new(move |_| {
        let stream = calls.self_stream.get();
        if let Some(video) = self_video.get() {
            video.set_muted(true);
            video.set_src_object(stream.as_ref());
        }
    });

    let state = move || calls.current.with(|c| c.as_ref().map(|c| c.state));
    let video = move || {
        calls
            .current
            .with(|c| c.as_ref().is_some_and(|c| c.kind == CallKind::Video))
    };
    let status = move || match state() {
        Some(CallState::Active) => {
            let at = calls.answered_at.get().unwrap_or_else(|| now.get());
            clock(((now.get() - at) / 1000.0).max(0.0) as u64)
        }
        Some(CallState::Connecting) => "Connecting…".into(),
        _ => String::new(),
    };
    let who = move || {
        calls
            .current
            .with(|c| c.as_ref().map(|c| c.conversation_id))
            .map(|id| caller(desk, id))
            .unwrap_or_default()
    };
    let initial = move || {
        who()
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default()
    };
    let flag = |on: bool| if on { "true" } else { "false" };
    let note = move || {
        if calls.remote_sharing.get() {
            Some("Sharing the screen")
        } else if calls.remote.get().audio_muted {
            Some("Muted")
        } else {
            None
        }
    };

    view! {
        <section class="ld-call" data-ld="call"
            data-state=move || state().map(|s| s.as_str()).unwrap_or("")
            data-kind=move || if video() { "video" } else { "voice" }
            data-remote-muted=move || flag(calls.remote.get().audio_muted)
            data-remote-camera-off=move || flag(calls.remote.get().camera_off)
            data-remote-sharing=move || flag(calls.remote_sharing.get())>
            <div class="ld-call__head">
                <span class="ld-call__who">{who}</span>
                <span class="ld-call__status" data-ld="call-status" role="status">{status}</span>
            </div>
            <div class="ld-call__stage">
                <video node_ref=remote_video class="ld-call__remote" data-ld="call-remote" autoplay playsinline></video>
                <Show when=move || !video() || calls.remote.get().camera_off>
                    <div class="ld-call__avatar" data-ld="call-avatar">{initial}</div>
                </Show>
                {move || note().map(|n| view! { <p class="ld-call__note" data-ld="call-remote-note">{n}</p> })}
                <video node_ref=self_video class="ld-call__self" class:ld-mirror=move || !calls.sharing.get()
                    class:hidden=move || !video() data-ld="call-self" autoplay playsinline></video>
            </div>
            <div class="ld-call__bar">
                <button type="button" class="ld-call__btn" data-ld="call-mute"
                    aria-pressed=move || flag(calls.mine.get().audio_muted)
                    on:click=move |_| calls.toggle_mute(desk)>"Mute"</button>
                <Show when=video>
                    <button type="button" class="ld-call__btn" data-ld="call-camera"
                        aria-pressed=move || flag(calls.mine.get().camera_off)
                        on:click=move |_| calls.toggle_camera(desk)>"Camera off"</button>
                </Show>
                <Show when=move || calls.can_share.get()>
                    <button type="button" class="ld-call__btn" data-ld="call-share"
                        aria-pressed=move || flag(calls.sharing.get())
                        on:click=move |_| calls.toggle_share(desk)>"Share screen"</button>
                </Show>
                <button type="button" class="ld-call__btn ld-call__hang-up" data-ld="call-hang-up"
                    on:click=move |_| calls.hang_up(desk)>"Hang up"</button>
            </div>
        </section>
    }
}
