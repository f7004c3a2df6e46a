//! A button for what cannot be undone (deleting a message, removing a tag from every
//! conversation): the first click asks, in place, and only "Yes" acts.

use leptos::prelude::*;

/// `ld` names the button (`data-ld="tag-remove"`); the one that acts is `{ld}-confirm`, the
/// one that keeps things as they are `{ld}-cancel`. `link` draws them as links (inside a
/// message) rather than buttons.
#[component]
pub fn ConfirmButton(
    ld: &'static str,
    label: &'static str,
    question: &'static str,
    on_confirm: Callback<()>,
    #[prop(optional)] link: bool,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let class = if link {
        "ld-link ld-msg__action"
    } else {
        "ld-button"
    };
    let danger = if link {
        "ld-link ld-msg__action ld-link--danger"
    } else {
        "ld-button ld-button--danger"
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class=class data-ld=ld on:click=move |_| asking.set(true)>{label}</button>
            }
        >
            <span class="ld-confirm" role="group" aria-label=question>
                <span class="ld-confirm__question">{question}</span>
                <button type="button" class=danger data-ld=format!("{ld}-confirm")
                    on:click=move |_| { asking.set(false); on_confirm.run(()); }>"Yes"</button>
                <button type="button" class=class data-ld=format!("{ld}-cancel") on:click=move |_| asking.set(false)>"Keep"</button>
            </span>
        </Show>
    }
}
