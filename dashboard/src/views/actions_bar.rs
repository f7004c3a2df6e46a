use leptos::prelude::*;
use livedesk_protocol::chat::ConversationSummary;
use livedesk_protocol::ids::ConversationId;
use livedesk_protocol::routing::TransferTarget;

use crate::desk::Desk;

/// The open conversation's actions: take it, transfer it, close it, and its tags.
#[component]
pub fn ActionsBar(id: ConversationId, summary: Memo<Option<ConversationSummary>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let open = move || {
        summary.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.status == livedesk_protocol::chat::ConversationStatus::Open)
        })
    };
    let waiting = move || {
        open() && summary.with(|s| s.as_ref().is_some_and(|s| s.assigned_agent_id.is_none()))
    };
    let assignee = move || {
        let agent = summary.with(|s| s.as_ref().and_then(|s| s.assigned_agent_id))?;
        desk.colleagues
            .with(|c| c.iter().find(|a| a.id == agent).map(|a| a.name.clone()))
    };
    let (transferring, set_transferring) = signal(false);
    let (confirm_close, set_confirm_close) = signal(false);

    view! {
        <div class="ld-actions" data-ld="conversation-actions">
            {move || assignee().map(|name| view! { <span class="ld-muted" data-ld="assignee">"With " {name}</span> })}
            <Show when=waiting>
                <button type="button" class="ld-button ld-button--primary ld-button--small" data-ld="take" on:click=move |_| desk.accept(id)>"Take chat"</button>
            </Show>
            <Show when=open>
                <button type="button" class="ld-button ld-button--small" data-ld="transfer" aria-expanded=move || transferring.get().to_string()
                    on:click=move |_| set_transferring.update(|t| *t = !*t)>"Transfer"</button>
                <Show when=move || !confirm_close.get() fallback=move || view! {
                    <span class="ld-confirm">
                        "Close this chat?"
                        <button type="button" class="ld-button ld-button--small ld-button--danger" data-ld="close-confirm"
                            on:click=move |_| { set_confirm_close.set(false); desk.close(id); }>"Close"</button>
                        <button type="button" class="ld-button ld-button--small" on:click=move |_| set_confirm_close.set(false)>"Keep open"</button>
                    </span>
                }>
                    <button type="button" class="ld-button ld-button--small" data-ld="close" title="Close (Alt+C)"
                        on:click=move |_| set_confirm_close.set(true)>"Close"</button>
                </Show>
            </Show>
        </div>
        <Show when=move || transferring.get() && open()>
            <TransferForm id on_done=Callback::new(move |()| set_transferring.set(false))/>
        </Show>
        <TagEditor id summary/>
    }
}

#[component]
fn TransferForm(id: ConversationId, on_done: Callback<()>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let me = move || desk.agent.with(|a| a.as_ref().map(|a| a.id));
    let online = move |agent| {
        desk.presence
            .with(|p| p.iter().any(|p| p.agent_id == agent && p.online))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = target.get_untracked();
        let to = if let Some(agent) = chosen.strip_prefix("agent:") {
            agent
                .parse()
                .ok()
                .map(|agent_id| TransferTarget::Agent { agent_id })
        } else if let Some(department) = chosen.strip_prefix("department:") {
            department
                .parse()
                .ok()
                .map(|department_id| TransferTarget::Department { department_id })
        } else {
            None
        };
        match to {
            Some(to) => {
                desk.transfer(id, to, note.get_untracked());
                on_done.run(());
            }
            None => desk.notify("Choose a colleague or a department to transfer to.", true),
        }
    };

    view! {
        <form class="ld-transfer" data-ld="transfer-form" on:submit=submit>
            <label class="ld-field">"Transfer to"
                <select data-ld="transfer-target" on:change=move |ev| target.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    <optgroup label="Colleagues">
                        {move || desk.colleagues.get().into_iter()
                            .filter(|a| a.active && Some(a.id) != me())
                            .map(|a| {
                                let label = if online(a.id) { format!("{} (online)", a.name) } else { format!("{} (offline)", a.name) };
                                view! { <option value=format!("agent:{}", a.id)>{label}</option> }
                            })
                            .collect_view()}
                    </optgroup>
                    <optgroup label="Departments">
                        {move || desk.departments.get().into_iter()
                            .map(|d| view! { <option value=format!("department:{}", d.id)>{d.name}</option> })
                            .collect_view()}
                    </optgroup>
                </select>
            </label>
            <label class="ld-field">"Note for the colleague (optional)"
                <input type="text" data-ld="transfer-note" maxlength="2000" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))/>
            </label>
            <div class="ld-row">
                <button type="submit" class="ld-button ld-button--primary ld-button--small" data-ld="transfer-send">"Transfer"</button>
                <button type="button" class="ld-button ld-button--small" on:click=move |_| on_done.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn TagEditor(id: ConversationId, summary: Memo<Option<ConversationSummary>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let draft = RwSignal::new(String::new());
    let tags = move || summary.with(|s| s.as_ref().map(|s| s.tags.clone()).unwrap_or_default());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        desk.tag(id, &draft.get_untracked());
        draft.set(String::new());
    };
    view! {
        <form class="ld-tags" data-ld="tags" on:submit=add>
            {move || tags().into_iter().map(|tag| {
                let remove = tag.clone();
                view! {
                    <span class="ld-tag" data-ld="tag" data-tag=tag.clone()>
                        {tag.clone()}
                        <button type="button" class="ld-tag__remove" data-ld="untag" aria-label=format!("Remove tag {tag}")
                            on:click=move |_| desk.untag(id, remove.clone())>"×"</button>
                    </span>
                }
            }).collect_view()}
            <input type="text" class="ld-tags__input" data-ld="tag-input" maxlength="40" placeholder="Add tag…" aria-label="Add a tag"
                prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
        </form>
    }
}
