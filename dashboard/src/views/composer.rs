use leptos::prelude::*;
use livedesk_protocol::ids::ConversationId;

use leptos::task::spawn_local;
use livedesk_protocol::admin::CannedResponse;

use super::admin::canned_picker::{CannedPicker, matching, picker_keydown};
use crate::desk::Desk;
use crate::session;

/// The reply box. Enter sends, Shift+Enter starts a new line, `/` opens the canned
/// responses.
#[component]
pub fn Composer(id: ConversationId, closed: Signal<bool>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let (draft, set_draft) = signal(String::new());
    let (error, set_error) = signal(None::<String>);

    let send = move || match desk.send_reply(id, &draft.get_untracked()) {
        Ok(()) => {
            set_draft.set(String::new());
            set_error.set(None);
        }
        Err(reason) => set_error.set(Some(reason)),
    };
    // Canned responses: typing `/shortcut` lists the matching ones; ↑/↓ and Enter or Tab
    // (or a click) put the chosen one in the box.
    let canned = RwSignal::new(Vec::<CannedResponse>::new());
    let highlight = RwSignal::new(0_usize);
    spawn_local(async move {
        let found = session::authorized(desk, |token| async move {
            crate::api::get::<Vec<CannedResponse>>(&token, "/api/v1/site/canned-responses").await
        })
        .await;
        if let Ok(found) = found {
            canned.set(found);
        }
    });
    let choose = move |body: String| {
        set_draft.set(body);
        highlight.set(0);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.is_composing() {
            return;
        }
        let key = ev.key();
        let matches: Vec<CannedResponse> = canned.with_untracked(|all| {
            matching(all, &draft.get_untracked())
                .into_iter()
                .cloned()
                .collect()
        });
        if !matches.is_empty() && matches!(key.as_str(), "ArrowDown" | "ArrowUp" | "Enter" | "Tab")
        {
            ev.prevent_default();
            if let Some(body) = picker_keydown(&key, highlight, &matches) {
                choose(body);
            }
            return;
        }
        if key == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            send();
        }
    };

    view! {
        <form class="ld-composer" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(); }>
            <Show when=move || error.get().is_some()>
                <p class="ld-composer__error" data-ld="composer-error" role="alert">{move || error.get()}</p>
            </Show>
            <CannedPicker text=Signal::derive(move || draft.get()) on_choose=Callback::new(choose) highlight/>
            <div class="ld-composer__row">
                <textarea
                    data-ld="composer"
                    rows="2"
                    placeholder=move || if closed.get() { "This conversation is closed." } else { "Write a reply…  (Enter to send, Shift+Enter for a new line, / for canned responses)" }
                    aria-label="Reply"
                    disabled=move || closed.get()
                    prop:value=move || draft.get()
                    on:input=move |ev| set_draft.set(event_target_value(&ev))
                    on:keydown=on_keydown
                ></textarea>
                <button
                    type="submit"
                    class="ld-button ld-button--primary"
                    data-ld="send"
                    disabled=move || closed.get() || draft.with(|d| d.trim().is_empty())
                >
                    "Send"
                </button>
            </div>
        </form>
    }
}
