//! The site's managed tag list: names and colors agents pick for conversations, with how
//! many conversations carry each.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{SiteTag, SiteTagInput};
use livedesk_protocol::ids::SiteTagId;

use super::{Feedback, FeedbackLine, LoadState, delete, fetch, send};
use crate::desk::{Desk, Load};
use crate::views::confirm::ConfirmButton;

#[component]
pub fn TagsPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let list = RwSignal::new(Vec::<SiteTag>::new());
    let load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site/tags", list, load);
    reload();
    view! {
        <TagForm list existing=None/>
        <LoadState load what="tags" retry=move |()| reload()>
            <Show
                when=move || !list.with(Vec::is_empty)
                fallback=|| view! { <div class="ld-empty" data-ld="tags-empty"><p class="ld-empty__title">"No tags yet"</p><p>"Add the tags your agents should use, such as billing or bug report."</p></div> }
            >
                <table class="ld-table ld-admin__table" data-ld="tags-table">
                    <thead><tr><th>"Tag"</th><th>"Conversations"</th><th><span class="ld-sr">"Actions"</span></th></tr></thead>
                    <tbody>
                        <For each=move || list.get() key=|t| (t.id, t.name.clone(), t.color.clone(), t.conversations) children=move |t| view! { <TagRow tag=t list/> }/>
                    </tbody>
                </table>
            </Show>
        </LoadState>
    }
}

#[component]
fn TagRow(tag: SiteTag, list: RwSignal<Vec<SiteTag>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let editing = RwSignal::new(false);
    let feedback = RwSignal::new(Feedback::Idle);
    let id = tag.id;
    let remove = move |()| {
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = delete(desk, format!("/api/v1/site/tags/{id}")).await;
            feedback.try_set(Feedback::from_result(&result, "Removed"));
            if result.is_ok() {
                list.update(|l| l.retain(|t| t.id != id));
            }
        });
    };
    let swatch = tag.color.clone().unwrap_or_else(|| "transparent".into());
    let stored = tag.clone();
    view! {
        <tr data-ld="tag-row" data-name=tag.name.clone()>
            <td><span class="ld-swatch" style:background=swatch aria-hidden="true"></span> {tag.name.clone()}</td>
            <td data-ld="tag-count">{tag.conversations}</td>
            <td><div class="ld-admin__actions">
                <button type="button" class="ld-button" data-ld="tag-edit" aria-expanded=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                <ConfirmButton ld="tag-remove" label="Remove" question="Take it off every conversation?" on_confirm=Callback::new(remove)/>
                <FeedbackLine feedback/>
                <Show when=move || editing.get()><TagForm list existing=Some(stored.clone())/></Show>
            </div></td>
        </tr>
    }
}

#[component]
fn TagForm(list: RwSignal<Vec<SiteTag>>, existing: Option<SiteTag>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let id: Option<SiteTagId> = existing.as_ref().map(|t| t.id);
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default(),
    );
    let color = RwSignal::new(
        existing
            .as_ref()
            .and_then(|t| t.color.clone())
            .unwrap_or_default(),
    );
    let feedback = RwSignal::new(Feedback::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SiteTagInput {
            name: name.get_untracked(),
            color: Some(color.get_untracked()),
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
                    send::<_, SiteTag>(desk, "PUT", format!("/api/v1/site/tags/{id}"), input).await
                }
                None => send::<_, SiteTag>(desk, "POST", "/api/v1/site/tags".into(), input).await,
            };
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(saved) = result {
                if id.is_none() {
                    name.try_set(String::new());
                    color.try_set(String::new());
                }
                list.try_update(|l| {
                    match l.iter_mut().find(|t| t.id == saved.id) {
                        Some(slot) => *slot = saved,
                        None => l.push(saved),
                    }
                    l.sort_by(|a, b| a.name.cmp(&b.name));
                });
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld=if id.is_some() { "tag-editor" } else { "tag-new" } on:submit=submit novalidate>
            {id.is_none().then(|| view! { <h3>"Add a tag"</h3> })}
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"Name"</span>
                    <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Color (#rrggbb, optional)"</span>
                    <div class="ld-admin__inline">
                        <input type="color" aria-label="Pick the color" prop:value=move || { let c = color.get(); if c.len() == 7 { c } else { "#667085".into() } } on:input=move |ev| color.set(event_target_value(&ev))/>
                        <input name="color" type="text" placeholder="#0f766e" prop:value=move || color.get() on:input=move |ev| color.set(event_target_value(&ev))/>
                    </div>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="tag-save">{if id.is_some() { "Save" } else { "Add" }}</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}
