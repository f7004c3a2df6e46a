use leptos::prelude::*;
use livedesk_protocol::ids::ConversationId;

use crate::desk::Desk;

/// The reply box. Enter sends, Shift+Enter starts a new line.
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
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };

    view! {
        <form class="ld-composer" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(); }>
            <Show when=move || error.get().is_some()>
                <p class="ld-composer__error" data-ld="composer-error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="ld-composer__row">
                <textarea
                    data-ld="composer"
                    rows="2"
                    placeholder=move || if closed.get() { "This conversation is closed." } else { "Write a reply…  (Enter to send, Shift+Enter for a new line)" }
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
