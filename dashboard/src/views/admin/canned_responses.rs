//! Canned responses: the site's prepared answers, each behind a shortcut (`/thanks`) the
//! agents type in the composer. Admins add, change and remove them here.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{CannedResponse, CannedResponseInput};
use livedesk_protocol::ids::CannedResponseId;

use super::{Feedback, FeedbackLine, LoadState, delete, fetch, send};
use crate::desk::{Desk, Load};
use crate::views::confirm::ConfirmButton;

#[component]
pub fn CannedResponsesPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let list = RwSignal::new(Vec::<CannedResponse>::new());
    let load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site/canned-responses", list, load);
    reload();
    view! {
        <CannedForm list existing=None/>
        <LoadState load what="canned responses" retry=move |()| reload()>
            <Show
                when=move || !list.with(Vec::is_empty)
                fallback=|| view! { <div class="ld-empty" data-ld="canned-empty"><p class="ld-empty__title">"No canned responses yet"</p><p>"Add one above; agents then type its shortcut in the composer."</p></div> }
            >
                <ul class="ld-cards" data-ld="canned-list">
                    <For each=move || list.get() key=|c| (c.id, c.shortcut.clone(), c.body.clone()) children=move |c| view! { <CannedCard canned=c list/> }/>
                </ul>
            </Show>
        </LoadState>
    }
}

#[component]
fn CannedCard(canned: CannedResponse, list: RwSignal<Vec<CannedResponse>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let editing = RwSignal::new(false);
    let feedback = RwSignal::new(Feedback::Idle);
    let id = canned.id;
    let remove = move |()| {
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = delete(desk, format!("/api/v1/site/canned-responses/{id}")).await;
            feedback.try_set(Feedback::from_result(&result, "Removed"));
            if result.is_ok() {
                list.update(|l| l.retain(|c| c.id != id));
            }
        });
    };
    let stored = canned.clone();
    let shortcut = canned.shortcut.clone();
    view! {
        <li class="ld-card" data-ld="canned-response" data-shortcut=shortcut>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <div class="ld-card__head">
                        <code class="ld-card__title">{canned.shortcut.clone()}</code>
                        <button type="button" class="ld-button" data-ld="canned-edit" on:click=move |_| editing.set(true)>"Edit"</button>
                        <ConfirmButton ld="canned-remove" label="Remove" question="Remove it for every agent?" on_confirm=Callback::new(remove)/>
                        <FeedbackLine feedback/>
                    </div>
                    <p class="ld-card__body">{canned.body.clone()}</p>
                }
            >
                <CannedForm list existing=Some(stored.clone())/>
            </Show>
        </li>
    }
}

/// The form to add a canned response, or (with `existing`) to change one.
#[component]
fn CannedForm(
    list: RwSignal<Vec<CannedResponse>>,
    existing: Option<CannedResponse>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let id: Option<CannedResponseId> = existing.as_ref().map(|c| c.id);
    let shortcut = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.shortcut.clone())
            .unwrap_or_default(),
    );
    let body = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.body.clone())
            .unwrap_or_default(),
    );
    let feedback = RwSignal::new(Feedback::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CannedResponseInput {
            shortcut: shortcut.get_untracked(),
            body: body.get_untracked(),
        };
        if let Err(error) = input.clone().parse() {
            feedback.set(Feedback::Failed(super::agents::capitalised(
                &error.to_string(),
            )));
            return;
        }
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = match id {
                Some(id) => {
                    send::<_, CannedResponse>(
                        desk,
                        "PUT",
                        format!("/api/v1/site/canned-responses/{id}"),
                        input,
                    )
                    .await
                }
                None => {
                    send::<_, CannedResponse>(
                        desk,
                        "POST",
                        "/api/v1/site/canned-responses".into(),
                        input,
                    )
                    .await
                }
            };
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(saved) = result {
                if id.is_none() {
                    shortcut.try_set(String::new());
                    body.try_set(String::new());
                }
                list.try_update(|l| {
                    match l.iter_mut().find(|c| c.id == saved.id) {
                        Some(slot) => *slot = saved,
                        None => l.push(saved),
                    }
                    l.sort_by(|a, b| a.shortcut.cmp(&b.shortcut));
                });
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld=if id.is_some() { "canned-editor" } else { "canned-new" } on:submit=submit novalidate>
            {id.is_none().then(|| view! { <h3>"Add a canned response"</h3> })}
            <label class="ld-field"><span>"Shortcut (such as /thanks)"</span>
                <input name="shortcut" type="text" placeholder="/thanks" prop:value=move || shortcut.get() on:input=move |ev| shortcut.set(event_target_value(&ev))/>
            </label>
            <label class="ld-field"><span>"Text"</span>
                <textarea name="body" rows="3" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </label>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="canned-save">{if id.is_some() { "Save" } else { "Add" }}</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}
