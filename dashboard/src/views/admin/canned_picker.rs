//! A picker of canned responses for the composer.
//!
//! Mount it next to the composer's text area and give it the composer's text:
//!
//! ```ignore
//! use crate::views::admin::canned_picker::CannedPicker;
//! <CannedPicker
//!     text=Signal::derive(move || draft.get())          // the composer's current text
//!     on_choose=Callback::new(move |body: String| draft.set(body))
//! />
//! ```
//!
//! Props:
//! - `text: Signal<String>`: the composer's text. While it starts with `/` and has no space
//!   yet (`/tha`), the picker lists the canned responses whose shortcut starts with it; for
//!   anything else it renders nothing.
//! - `on_choose: Callback<String>`: called with the chosen response's body (the composer
//!   replaces its text with it).
//!
//! It loads `GET /api/v1/site/canned-responses` once when mounted (every agent may read
//! it). Keyboard: pass a `highlight` signal and call [`picker_keydown`] from the
//! composer's `keydown` handler (with the responses [`matching`] the text): ↑/↓ move the
//! highlight, Enter or Tab choose, while the focus stays in the composer. A click (mouse
//! down) on an entry chooses it too. The list is `data-ld="canned-picker"`, each entry `data-ld="canned-option"`.

use leptos::prelude::*;
use livedesk_protocol::admin::CannedResponse;

use super::fetch;
use crate::desk::{Desk, Load};

/// Most entries shown at once.
const MAX_SHOWN: usize = 8;

/// The responses whose shortcut starts with what is typed (`/tha` → `/thanks`), when the
/// text is a shortcut being typed: a `/` first and no whitespace.
pub fn matching<'a>(responses: &'a [CannedResponse], text: &str) -> Vec<&'a CannedResponse> {
    if !text.starts_with('/') || text.chars().any(char::is_whitespace) {
        return Vec::new();
    }
    let typed = text.to_lowercase();
    responses
        .iter()
        .filter(|r| r.shortcut.starts_with(&typed))
        .take(MAX_SHOWN)
        .collect()
}

/// What a key press in the composer does to an open picker: `Some(body)` when Enter or
/// Tab chose the highlighted entry (the caller then prevents the key's default), `None`
/// otherwise (↑/↓ only move `highlight`).
pub fn picker_keydown(
    key: &str,
    highlight: RwSignal<usize>,
    matches: &[CannedResponse],
) -> Option<String> {
    if matches.is_empty() {
        return None;
    }
    match key {
        "ArrowDown" => {
            highlight.update(|h| *h = (*h + 1) % matches.len());
            None
        }
        "ArrowUp" => {
            highlight.update(|h| *h = (*h + matches.len() - 1) % matches.len());
            None
        }
        "Enter" | "Tab" => matches
            .get(highlight.get_untracked().min(matches.len() - 1))
            .map(|r| r.body.clone()),
        _ => None,
    }
}

/// The list of matching canned responses under the composer; see the module's docs.
#[component]
pub fn CannedPicker(
    #[prop(into)] text: Signal<String>,
    on_choose: Callback<String>,
    /// The highlighted entry; pass your own to drive it with [`picker_keydown`].
    #[prop(optional)]
    highlight: Option<RwSignal<usize>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let responses = RwSignal::new(Vec::<CannedResponse>::new());
    let load = RwSignal::new(Load::Loading);
    fetch(desk, "/api/v1/site/canned-responses", responses, load);
    let highlight = highlight.unwrap_or_else(|| RwSignal::new(0));
    let shown = move || {
        let typed = text.get();
        responses.with(|all| {
            matching(all, &typed)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    move || {
        let list = shown();
        if list.is_empty() {
            return ().into_any();
        }
        view! {
            <ul class="ld-picker" data-ld="canned-picker" role="listbox" aria-label="Canned responses">
                {list.into_iter().enumerate().map(|(i, r)| {
                    let body = r.body.clone();
                    view! {
                        <li
                            class="ld-picker__option"
                            class:active=move || highlight.get() == i
                            role="option"
                            aria-selected=move || (highlight.get() == i).to_string()
                            data-ld="canned-option"
                            data-shortcut=r.shortcut.clone()
                            on:mousedown=move |ev| {
                                // Keep the composer's focus.
                                ev.prevent_default();
                                on_choose.run(body.clone());
                            }
                        >
                            <code>{r.shortcut.clone()}</code>
                            <span class="ld-muted">{r.body.clone()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use livedesk_protocol::ids::CannedResponseId;

    use super::*;

    fn canned(shortcut: &str) -> CannedResponse {
        CannedResponse {
            id: CannedResponseId::new_random(),
            shortcut: shortcut.into(),
            body: format!("body of {shortcut}"),
        }
    }

    #[test]
    fn only_a_shortcut_being_typed_lists_responses() {
        let all = [canned("/hello"), canned("/thanks"), canned("/thanks-long")];
        let shortcuts = |text: &str| {
            matching(&all, text)
                .iter()
                .map(|r| r.shortcut.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(shortcuts("/tha"), vec!["/thanks", "/thanks-long"]);
        assert_eq!(shortcuts("/THANKS-"), vec!["/thanks-long"]);
        assert_eq!(shortcuts("/"), vec!["/hello", "/thanks", "/thanks-long"]);
        assert!(shortcuts("thanks").is_empty());
        assert!(shortcuts("/thanks a lot").is_empty());
        assert!(shortcuts("/nothing").is_empty());
    }
}
