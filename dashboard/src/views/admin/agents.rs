//! The site's agents: the list, a form to add one with an initial password, and an editor
//! for who they are (name, role) and how chats reach them (department, skills, languages,
//! capacity, seniority, calls); deactivate and reactivate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{AgentActivation, AgentUpdate, MIN_PASSWORD_CHARS, NewAgentRequest};
use livedesk_protocol::api::Role;
use livedesk_protocol::ids::AgentId;
use livedesk_protocol::routing::{AgentRouting, Department, SiteAgent};

use super::{Feedback, FeedbackLine, LoadState, fetch, send, split_list};
use crate::desk::{Desk, Load};

#[component]
pub fn AgentsPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let agents = RwSignal::new(Vec::<SiteAgent>::new());
    let departments = RwSignal::new(Vec::<Department>::new());
    let load = RwSignal::new(Load::Loading);
    let departments_load = RwSignal::new(Load::Loading);
    let editing = RwSignal::new(None::<AgentId>);
    // Kept here: a save re-renders the edited row and its editor.
    let editor_feedback = RwSignal::new(Feedback::Idle);
    let reload = move || {
        fetch(desk, "/api/v1/site/agents", agents, load);
        fetch(
            desk,
            "/api/v1/site/departments",
            departments,
            departments_load,
        );
    };
    reload();
    // Someone joined (an invitation was accepted): list them, and the invitations again.
    let joined = RwSignal::new(0_u32);
    Effect::new(move |_| {
        let newcomer = desk.presence.with(|team| {
            agents.with_untracked(|listed| {
                team.iter()
                    .any(|p| !listed.iter().any(|a| a.id == p.agent_id))
            })
        });
        if newcomer && load.get_untracked() == Load::Ready {
            fetch(desk, "/api/v1/site/agents", agents, load);
            joined.update(|n| *n += 1);
        }
    });
    let me = move || desk.agent.with(|a| a.as_ref().map(|a| a.id));

    view! {
        <div class="ld-admin__section">
            <NewAgentForm agents/>
        </div>
        <super::invites::InvitesSection joined/>
        <LoadState load what="agents" retry=move |()| reload()>
            <Show
                when=move || !agents.with(Vec::is_empty)
                fallback=|| view! { <div class="ld-empty" data-ld="agents-empty"><p>"No agents yet. Add the first one above."</p></div> }
            >
                <table class="ld-table ld-admin__table" data-ld="agents-table">
                    <thead><tr><th>"Name"</th><th>"E-mail"</th><th>"Role"</th><th>"Chats"</th><th>"Status"</th><th><span class="ld-sr">"Actions"</span></th></tr></thead>
                    <tbody>
                        <For
                            each=move || agents.get()
                            key=|a| format!("{a:?}")
                            children=move |agent| {
                                let id = agent.id;
                                view! {
                                    <AgentRow agent=agent.clone() agents editing editor_feedback is_me=me() == Some(id)/>
                                    <Show when=move || editing.get() == Some(id)>
                                        <tr class="ld-admin__editor-row"><td colspan="6">
                                            <AgentEditor agent=agent.clone() agents departments editing feedback=editor_feedback/>
                                        </td></tr>
                                    </Show>
                                }
                            }
                        />
                    </tbody>
                </table>
            </Show>
        </LoadState>
    }
}

fn replace(agents: RwSignal<Vec<SiteAgent>>, changed: SiteAgent) {
    agents.update(|list| match list.iter_mut().find(|a| a.id == changed.id) {
        Some(slot) => *slot = changed,
        None => list.push(changed),
    });
}

#[component]
fn AgentRow(
    agent: SiteAgent,
    agents: RwSignal<Vec<SiteAgent>>,
    editing: RwSignal<Option<AgentId>>,
    editor_feedback: RwSignal<Feedback>,
    is_me: bool,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let feedback = RwSignal::new(Feedback::Idle);
    let id = agent.id;
    let active = agent.active;
    let toggle = move |_| {
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = send::<_, SiteAgent>(
                desk,
                "PUT",
                format!("/api/v1/site/agents/{id}/active"),
                AgentActivation { active: !active },
            )
            .await;
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(changed) = result {
                replace(agents, changed);
            }
        });
    };
    view! {
        <tr data-ld="agent-row" data-email=agent.email.clone() data-active=active.to_string()>
            <td class="ld-cell-main">{agent.name.clone()} {is_me.then(|| view! { <span class="ld-muted">" (you)"</span> })}</td>
            <td>{agent.email.clone()}</td>
            <td data-ld="agent-role">{crate::views::format::role(agent.role)}</td>
            <td>{agent.routing.max_chats}</td>
            <td>
                {if active {
                    view! { <span class="ld-pill ld-pill--active">"Active"</span> }.into_any()
                } else {
                    view! { <span class="ld-pill ld-pill--idle" data-ld="agent-deactivated">"Deactivated"</span> }.into_any()
                }}
            </td>
            <td><div class="ld-admin__actions">
                <button type="button" class="ld-button" data-ld="agent-edit"
                    aria-expanded=move || (editing.get() == Some(id)).to_string()
                    on:click=move |_| {
                        editor_feedback.set(Feedback::Idle);
                        editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) });
                    }>
                    "Edit"
                </button>
                <Show when=move || !is_me>
                    <button type="button" class="ld-button" data-ld=if active { "agent-deactivate" } else { "agent-reactivate" } on:click=toggle>
                        {if active { "Deactivate" } else { "Reactivate" }}
                    </button>
                </Show>
                <FeedbackLine feedback/>
            </div></td>
        </tr>
    }
}

/// A random initial password for the admin to pass on: 16 unambiguous characters.
fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..16)
        .map(|_| {
            let i = (js_sys::Math::random() * ALPHABET.len() as f64) as usize;
            ALPHABET[i.min(ALPHABET.len() - 1)] as char
        })
        .collect()
}

#[component]
fn NewAgentForm(agents: RwSignal<Vec<SiteAgent>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let password = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewAgentRequest {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        if let Err(error) = request.clone().parse() {
            feedback.set(Feedback::Failed(capitalised(&error.to_string())));
            return;
        }
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result =
                send::<_, SiteAgent>(desk, "POST", "/api/v1/site/agents".into(), request).await;
            match result {
                Ok(created) => {
                    feedback.try_set(Feedback::Done(format!(
                        "{} can now sign in as {} with the password you set.",
                        created.name, created.email
                    )));
                    replace(agents, created);
                    email.try_set(String::new());
                    name.try_set(String::new());
                    password.try_set(String::new());
                }
                Err(failure) => {
                    feedback.try_set(Feedback::Failed(failure.message()));
                }
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld="agent-new" on:submit=submit novalidate>
            <h3>"Add an agent"</h3>
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"E-mail"</span>
                    <input name="email" type="email" autocomplete="off" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Name"</span>
                    <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Role"</span>
                    <select name="role" on:change=move |ev| role.set(if event_target_value(&ev) == "admin" { Role::Admin } else { Role::Agent })>
                        <option value="agent" selected=move || role.get() == Role::Agent>"Agent"</option>
                        <option value="admin" selected=move || role.get() == Role::Admin>"Admin"</option>
                    </select>
                </label>
                <label class="ld-field"><span>{format!("Initial password (at least {MIN_PASSWORD_CHARS} characters)")}</span>
                    <div class="ld-admin__inline">
                        <input name="password" type="text" autocomplete="new-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                        <button type="button" class="ld-button" data-ld="agent-generate" on:click=move |_| password.set(generated_password())>"Generate"</button>
                    </div>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="agent-create" disabled=move || feedback.get() == Feedback::Saving>"Add agent"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}

#[component]
fn AgentEditor(
    agent: SiteAgent,
    agents: RwSignal<Vec<SiteAgent>>,
    departments: RwSignal<Vec<Department>>,
    editing: RwSignal<Option<AgentId>>,
    feedback: RwSignal<Feedback>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let id = agent.id;
    let name = RwSignal::new(agent.name.clone());
    let role = RwSignal::new(agent.role);
    let department = RwSignal::new(
        agent
            .routing
            .department_id
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let skills = RwSignal::new(agent.routing.skills.join(", "));
    let languages = RwSignal::new(agent.routing.languages.join(", "));
    let max_chats = RwSignal::new(agent.routing.max_chats.to_string());
    let priority = RwSignal::new(agent.routing.priority_level.to_string());
    let calls = RwSignal::new(agent.routing.accepts_calls);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(max_chats), Ok(priority_level)) = (
            max_chats.get_untracked().trim().parse::<u32>(),
            priority.get_untracked().trim().parse::<u8>(),
        ) else {
            feedback.set(Feedback::Failed(
                "Max chats and priority level must be whole numbers.".into(),
            ));
            return;
        };
        let routing = AgentRouting {
            department_id: department.get_untracked().parse().ok(),
            skills: split_list(&skills.get_untracked()),
            languages: split_list(&languages.get_untracked()),
            max_chats,
            priority_level,
            accepts_calls: calls.get_untracked(),
        };
        if let Err(error) = routing.clone().parse() {
            feedback.set(Feedback::Failed(capitalised(&error.to_string())));
            return;
        }
        let update = AgentUpdate {
            name: name.get_untracked(),
            role: role.get_untracked(),
        };
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let who =
                send::<_, SiteAgent>(desk, "PUT", format!("/api/v1/site/agents/{id}"), update)
                    .await;
            let result = match who {
                Ok(_) => {
                    send::<_, AgentRouting>(
                        desk,
                        "PUT",
                        format!("/api/v1/site/agents/{id}/routing"),
                        routing,
                    )
                    .await
                }
                Err(failure) => Err(failure),
            };
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if result.is_ok() {
                // The list re-renders this editor; reload the agent as stored.
                let mut list = Vec::new();
                if let Ok(fresh) = crate::session::authorized(desk, |token| async move {
                    crate::api::get::<Vec<SiteAgent>>(&token, "/api/v1/site/agents").await
                })
                .await
                {
                    list = fresh;
                }
                if !list.is_empty() {
                    agents.try_set(list);
                }
                editing.try_set(Some(id));
            }
        });
    };
    view! {
        <form class="ld-admin__form ld-admin__form--inset" data-ld="agent-editor" on:submit=save novalidate>
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"Name"</span>
                    <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Role"</span>
                    <select name="role" on:change=move |ev| role.set(if event_target_value(&ev) == "admin" { Role::Admin } else { Role::Agent })>
                        <option value="agent" selected=agent.role == Role::Agent>"Agent"</option>
                        <option value="admin" selected=agent.role == Role::Admin>"Admin"</option>
                    </select>
                </label>
                <label class="ld-field"><span>"Department"</span>
                    <select name="department" on:change=move |ev| department.set(event_target_value(&ev))>
                        <option value="" selected=move || department.get().is_empty()>"None (general pool)"</option>
                        {move || departments.get().into_iter().map(|d| {
                            let value = d.id.to_string();
                            let selected = value == department.get_untracked();
                            view! { <option value=value selected=selected>{d.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="ld-field"><span>"Skills (comma-separated)"</span>
                    <input name="skills" type="text" prop:value=move || skills.get() on:input=move |ev| skills.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Languages (ISO codes: tr, en)"</span>
                    <input name="languages" type="text" prop:value=move || languages.get() on:input=move |ev| languages.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Max chats at once (1–100)"</span>
                    <input name="max_chats" type="number" min="1" max="100" prop:value=move || max_chats.get() on:input=move |ev| max_chats.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Priority level (0–10, VIPs go to the highest)"</span>
                    <input name="priority_level" type="number" min="0" max="10" prop:value=move || priority.get() on:input=move |ev| priority.set(event_target_value(&ev))/>
                </label>
                <label class="ld-check"><input name="accepts_calls" type="checkbox" prop:checked=move || calls.get() on:change=move |ev| calls.set(event_target_checked(&ev))/>
                    <span>"Takes voice and video calls"</span>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="agent-save">"Save"</button>
                <button type="button" class="ld-button ld-button--quiet" on:click=move |_| editing.set(None)>"Close"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}

/// "the name must…" → "The name must…".
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect::<String>() + "."
    })
}
