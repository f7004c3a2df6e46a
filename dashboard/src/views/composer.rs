use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::CannedResponse;
use livedesk_protocol::ids::ConversationId;
use livedesk_protocol::widget::{FileKind, MAX_UPLOAD_BYTES};

use super::admin::canned_picker::{CannedPicker, matching, picker_keydown};
use crate::desk::Desk;
use crate::session;

/// What the file picker offers; the server decides by content all the same.
const ACCEPTED_FILES: &str = "image/png,image/jpeg,image/gif,image/webp,application/pdf";

/// The reply box. Enter sends, Shift+Enter starts a new line, `/` opens the canned
/// responses; the attach button shares an image or a PDF.
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

    // Sharing a file: the button opens the hidden file input; the chosen file is uploaded
    // and arrives in the transcript over the socket like a typed reply.
    let file_input = NodeRef::<Input>::new();
    let uploading = RwSignal::new(false);
    let pick = move |_| {
        if let Some(input) = file_input.get_untracked() {
            input.click();
        }
    };
    let on_file = move |_| {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        input.set_value("");
        if let Err(reason) = check_file(&file) {
            return set_error.set(Some(reason));
        }
        set_error.set(None);
        uploading.set(true);
        spawn_local(async move {
            let shared = session::authorized(desk, |token| {
                let file = file.clone();
                async move { crate::api::share_file(&token, id, &file).await }
            })
            .await;
            uploading.set(false);
            if let Err(failure) = shared {
                set_error.set(Some(format!(
                    "The file was not sent: {}",
                    failure.message()
                )));
            }
        });
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
                <input
                    type="file"
                    class="ld-visually-hidden"
                    tabindex="-1"
                    aria-hidden="true"
                    accept=ACCEPTED_FILES
                    data-ld="attach-input"
                    node_ref=file_input
                    on:change=on_file
                />
                <button
                    type="button"
                    class="ld-button ld-composer__attach"
                    data-ld="attach"
                    aria-label=move || if uploading.get() { "Uploading the file…" } else { "Attach an image or a PDF (up to 10 MB)" }
                    title="Attach an image or a PDF (up to 10 MB)"
                    aria-busy=move || uploading.get().to_string()
                    disabled=move || closed.get() || uploading.get()
                    on:click=pick
                >
                    {move || if uploading.get() { "Uploading…" } else { "📎 Attach" }}
                </button>
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

/// Refuses what the server would refuse anyway, before uploading it: a file over the
/// limit, or one whose declared type is not an image or a PDF.
fn check_file(file: &web_sys::File) -> Result<(), String> {
    if file.size() > MAX_UPLOAD_BYTES as f64 {
        return Err(format!(
            "The file is larger than {} MB.",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ));
    }
    if FileKind::from_mime(&file.type_()).is_none() {
        return Err("Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.".into());
    }
    Ok(())
}
