//! Files shared in a conversation. A file message's text is `📎 <name>` and the file's
//! address on the next line (see `livedesk_protocol::widget::file_message_body`); the
//! address needs the agent's token, so the link fetches it and hands the browser a local
//! copy.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::desk::Desk;
use crate::session;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedFile {
    pub name: String,
    pub url: String,
}

/// The file a message shares, if it is a file message.
pub fn parse(text: &str) -> Option<SharedFile> {
    let (first, second) = text.split_once('\n')?;
    let name = first.strip_prefix("📎 ")?.trim();
    let url = second.trim();
    let id = url.strip_prefix("/api/v1/files/")?;
    (uuid::Uuid::parse_str(id).is_ok() && !name.is_empty()).then(|| SharedFile {
        name: name.to_owned(),
        url: url.to_owned(),
    })
}

#[component]
pub fn FileLink(file: SharedFile) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let busy = RwSignal::new(false);
    let name = file.name.clone();
    let open = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (url, name) = (file.url.clone(), file.name.clone());
        spawn_local(async move {
            let result = session::authorized(desk, |token| {
                let url = url.clone();
                async move { crate::api::blob(&token, &url).await }
            })
            .await;
            busy.set(false);
            match result {
                Ok(blob) => save(&blob, &name),
                Err(failure) => desk.notify(
                    format!("The file could not be opened: {}", failure.message()),
                    true,
                ),
            }
        });
    };
    view! {
        <button type="button" class="ld-file" data-ld="file" on:click=open disabled=move || busy.get()>
            <span aria-hidden="true">"📎"</span>
            <span class="ld-file__name">{name}</span>
        </button>
    }
}

/// Hands `blob` to the browser as a download named `name`.
fn save(blob: &web_sys::Blob, name: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document())
        && let Ok(link) = document.create_element("a")
        && let Ok(link) = link.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_messages_are_told_from_text() {
        let id = "0b7d8a1e-8f3c-4d5a-9a1b-2c3d4e5f6a7b";
        assert_eq!(
            parse(&format!("📎 receipt.pdf\n/api/v1/files/{id}")),
            Some(SharedFile {
                name: "receipt.pdf".into(),
                url: format!("/api/v1/files/{id}")
            })
        );
        for text in [
            "hello",
            "📎 receipt.pdf",
            "📎 x\nhttps://evil.example/api/v1/files/1",
            "📎 x\n/api/v1/files/not-a-uuid",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
