//! Departments (Sales, Technical Support …): their names, whether their visitors get a
//! higher queue priority, and an optional routing strategy of their own.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::ids::DepartmentId;
use livedesk_protocol::routing::{Department, DepartmentInput};

use super::routing::{strategy_from_key, strategy_key, strategy_label};
use super::{Feedback, FeedbackLine, LoadState, delete, fetch, send};
use crate::desk::{Desk, Load};
use crate::views::confirm::ConfirmButton;

#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let list = RwSignal::new(Vec::<Department>::new());
    let load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site/departments", list, load);
    reload();
    view! {
        <DepartmentForm list existing=None/>
        <LoadState load what="departments" retry=move |()| reload()>
            <Show
                when=move || !list.with(Vec::is_empty)
                fallback=|| view! { <div class="ld-empty" data-ld="departments-empty"><p class="ld-empty__title">"No departments"</p><p>"Without departments every agent takes every chat."</p></div> }
            >
                <ul class="ld-cards" data-ld="departments-list">
                    <For each=move || list.get() key=|d| (d.id, d.name.clone(), d.urgent, d.strategy) children=move |d| view! { <DepartmentCard department=d list/> }/>
                </ul>
            </Show>
        </LoadState>
    }
}

#[component]
fn DepartmentCard(department: Department, list: RwSignal<Vec<Department>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let editing = RwSignal::new(false);
    let feedback = RwSignal::new(Feedback::Idle);
    let id = department.id;
    let remove = move |()| {
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = delete(desk, format!("/api/v1/site/departments/{id}")).await;
            feedback.try_set(Feedback::from_result(&result, "Removed"));
            if result.is_ok() {
                list.update(|l| l.retain(|d| d.id != id));
            }
        });
    };
    let stored = department.clone();
    let label = department.name.clone();
    view! {
        <li class="ld-card" data-ld="department" data-name=label>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <div class="ld-card__head">
                        <span class="ld-card__title">{department.name.clone()}</span>
                        {department.urgent.then(|| view! { <span class="ld-pill ld-pill--busy">"Urgent"</span> })}
                        <span class="ld-muted">{department.strategy.map_or("The site's strategy", strategy_label)}</span>
                        <button type="button" class="ld-button" data-ld="department-edit" on:click=move |_| editing.set(true)>"Edit"</button>
                        <ConfirmButton ld="department-remove" label="Remove" question="Remove it? Its agents and chats keep no department." on_confirm=Callback::new(remove)/>
                        <FeedbackLine feedback/>
                    </div>
                }
            >
                <DepartmentForm list existing=Some(stored.clone())/>
            </Show>
        </li>
    }
}

#[component]
fn DepartmentForm(list: RwSignal<Vec<Department>>, existing: Option<Department>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let id: Option<DepartmentId> = existing.as_ref().map(|d| d.id);
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
    );
    let urgent = RwSignal::new(existing.as_ref().is_some_and(|d| d.urgent));
    let strategy = RwSignal::new(existing.as_ref().and_then(|d| d.strategy));
    let feedback = RwSignal::new(Feedback::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = DepartmentInput {
            name: name.get_untracked(),
            urgent: urgent.get_untracked(),
            strategy: strategy.get_untracked(),
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
                    send::<_, Department>(
                        desk,
                        "PUT",
                        format!("/api/v1/site/departments/{id}"),
                        input,
                    )
                    .await
                }
                None => {
                    send::<_, Department>(desk, "POST", "/api/v1/site/departments".into(), input)
                        .await
                }
            };
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(saved) = result {
                if id.is_none() {
                    name.try_set(String::new());
                }
                list.try_update(|l| match l.iter_mut().find(|d| d.id == saved.id) {
                    Some(slot) => *slot = saved,
                    None => l.push(saved),
                });
            }
        });
    };
    let chosen = existing.as_ref().and_then(|d| d.strategy);
    view! {
        <form class="ld-admin__form" data-ld=if id.is_some() { "department-editor" } else { "department-new" } on:submit=submit novalidate>
            {id.is_none().then(|| view! { <h3>"Add a department"</h3> })}
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"Name"</span>
                    <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Routing strategy"</span>
                    <select name="strategy" on:change=move |ev| strategy.set(strategy_from_key(&event_target_value(&ev)))>
                        <option value="" selected=chosen.is_none()>"The site's strategy"</option>
                        {livedesk_protocol::routing::Strategy::ALL.into_iter().map(|s| view! {
                            <option value=strategy_key(s) selected=chosen == Some(s)>{strategy_label(s)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="ld-check">
                    <input type="checkbox" name="urgent" prop:checked=move || urgent.get() on:change=move |ev| urgent.set(event_target_checked(&ev))/>
                    <span>"Urgent: its visitors move up the queue"</span>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="department-save">{if id.is_some() { "Save" } else { "Add" }}</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}
