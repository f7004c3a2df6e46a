//! Telling an agent that a chat was given to them while they look elsewhere: a short tone,
//! a browser notification when the tab is hidden (once they allowed them), and the count
//! of unread conversations in the tab's title.

use leptos::prelude::*;
use livedesk_protocol::ids::ConversationId;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{
    AudioContext, Notification, NotificationOptions, NotificationPermission, OscillatorType,
    VisibilityState,
};

use crate::desk::Desk;
use crate::model::inbox::visitor_label;

const TITLE: &str = "Livedesk";

/// A chat was assigned to the signed-in agent.
pub fn new_chat(desk: Desk, conversation: ConversationId) {
    let label = desk.inbox.with_untracked(|rows| {
        rows.iter()
            .find(|r| r.summary.id == conversation)
            .map(|r| visitor_label(&r.summary))
    });
    let text = match &label {
        Some(name) => format!("New chat with {name}"),
        None => "A new chat was given to you".to_owned(),
    };
    chime();
    if hidden() {
        notify(desk, conversation, &text);
    } else {
        desk.notify(text, false);
    }
}

/// Keeps the tab's title at "(unread) Livedesk".
pub fn title_follows_unread(desk: Desk) {
    Effect::new(move |_| {
        let unread = desk
            .inbox
            .with(|rows| rows.iter().filter(|r| r.unread).count());
        let title = if unread == 0 {
            TITLE.to_owned()
        } else {
            format!("({unread}) {TITLE}")
        };
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title);
        }
    });
}

/// Whether the agent still has to answer the browser's notification question.
pub fn permission_undecided() -> bool {
    Notification::permission() == NotificationPermission::Default
}

/// Asks for notifications; must run from a click.
pub fn ask_permission(decided: impl Fn() + 'static) {
    if let Ok(promise) = Notification::request_permission() {
        let done = Closure::once(move |_: wasm_bindgen::JsValue| decided());
        let _ = promise.then(&done);
        // The promise outlives this call; its one-shot closure is freed when it runs.
        done.forget();
    }
}

fn hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == VisibilityState::Hidden)
}

fn notify(desk: Desk, conversation: ConversationId, text: &str) {
    if Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(text);
    options.set_tag(&conversation.to_string());
    let Ok(notification) = Notification::new_with_options(TITLE, &options) else {
        return;
    };
    let on_click = Closure::once(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
        }
        desk.open_conversation(conversation);
    });
    notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    // Lives as long as the notification, which the browser owns.
    on_click.forget();
}

/// Two short tones; silent where audio is not allowed yet (no click on the page so far).
fn chime() {
    let Ok(context) = AudioContext::new() else {
        return;
    };
    let now = context.current_time();
    for (i, frequency) in [880.0_f32, 1320.0].into_iter().enumerate() {
        let (Ok(tone), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else {
            return;
        };
        tone.set_type(OscillatorType::Sine);
        tone.frequency().set_value(frequency);
        let start = now + 0.16 * i as f64;
        let _ = gain.gain().set_value_at_time(0.0001, start);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.2, start + 0.02);
        let _ = gain
            .gain()
            .exponential_ramp_to_value_at_time(0.0001, start + 0.15);
        let _ = tone.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&context.destination());
        let _ = tone.start_with_when(start);
        let _ = tone.stop_with_when(start + 0.16);
    }
    let context = context.clone();
    set_timeout(
        move || drop(context.close()),
        std::time::Duration::from_secs(1),
    );
}
