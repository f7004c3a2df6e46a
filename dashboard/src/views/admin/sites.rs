//! Superadmins only: the cross-site view, every site of the installation with its active
//! accounts and those online, open and waiting conversations, and the last 24 hours'
//! conversations and offline messages, with the installation's totals, refreshed every
//! 10 seconds; creating a site (which shows its key and embed snippet and lets the
//! superadmin create the site's first admin); suspending and unsuspending.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{
    MIN_PASSWORD_CHARS, NewAgentRequest, NewSiteRequest, SiteSummary, SiteSuspension,
    WidgetSettings,
};
use livedesk_protocol::api::Role;
use livedesk_protocol::routing::SiteAgent;

use super::{Feedback, FeedbackLine, LoadState, fetch, send, split_list};
use crate::desk::{Desk, Load};
use crate::session;

#[component]
pub fn SitesPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let list = RwSignal::new(Vec::<SiteSummary>::new());
    let load = RwSignal::new(Load::Loading);
    let created = RwSignal::new(None::<SiteSummary>);
    let reload = move || fetch(desk, "/api/v1/sites", list, load);
    reload();
    // Quietly, without the loading state: the figures change under the superadmin's eyes.
    let refresh = set_interval_with_handle(
        move || {
            spawn_local(async move {
                let result = session::authorized(desk, |token| async move {
                    crate::api::get::<Vec<SiteSummary>>(&token, "/api/v1/sites").await
                })
                .await;
                if let Ok(sites) = result {
                    list.try_set(sites);
                }
            });
        },
        std::time::Duration::from_secs(10),
    );
    on_cleanup(move || {
        if let Ok(refresh) = refresh {
            refresh.clear();
        }
    });
    let total = move |figure: fn(&SiteSummary) -> u64| {
        move || list.with(|sites| sites.iter().map(figure).sum::<u64>())
    };
    view! {
        <NewSiteForm list created/>
        {move || created.get().map(|site| view! { <CreatedSite site/> })}
        <LoadState load what="sites" retry=move |()| reload()>
            <Show
                when=move || !list.with(Vec::is_empty)
                fallback=|| view! { <div class="ld-empty" data-ld="sites-empty"><p>"No sites yet. Create the first one above."</p></div> }
            >
                <table class="ld-table ld-admin__table" data-ld="sites-table">
                    <thead><tr><th>"Site"</th><th>"Site key"</th><th>"Agents (online)"</th><th>"Open"</th><th>"Waiting"</th><th>"Last 24 h"</th><th>"Offline messages, 24 h"</th><th>"Status"</th><th><span class="ld-sr">"Actions"</span></th></tr></thead>
                    <tbody>
                        <For
                            each=move || list.get()
                            key=|s| (s.id, s.suspended, s.agents, s.agents_online, s.open_conversations, s.waiting, s.conversations_24h, s.offline_messages_24h)
                            children=move |s| view! { <SiteRow site=s list/> }
                        />
                    </tbody>
                    <tfoot>
                        <tr data-ld="sites-total">
                            <th scope="row" colspan="2">{move || format!("All {} sites", list.with(Vec::len))}</th>
                            <td data-ld="total-agents">{total(|s| s.agents)}" ("{total(|s| s.agents_online)}")"</td>
                            <td data-ld="total-open">{total(|s| s.open_conversations)}</td>
                            <td data-ld="total-waiting">{total(|s| s.waiting)}</td>
                            <td data-ld="total-24h">{total(|s| s.conversations_24h)}</td>
                            <td data-ld="total-offline">{total(|s| s.offline_messages_24h)}</td>
                            <td colspan="2"></td>
                        </tr>
                    </tfoot>
                </table>
            </Show>
        </LoadState>
    }
}

#[component]
fn SiteRow(site: SiteSummary, list: RwSignal<Vec<SiteSummary>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let feedback = RwSignal::new(Feedback::Idle);
    let (id, suspended) = (site.id, site.suspended);
    let toggle = move |_| {
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = send::<_, SiteSummary>(
                desk,
                "PUT",
                format!("/api/v1/sites/{id}/suspended"),
                SiteSuspension {
                    suspended: !suspended,
                },
            )
            .await;
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(changed) = result {
                list.update(|l| {
                    if let Some(slot) = l.iter_mut().find(|s| s.id == changed.id) {
                        *slot = changed;
                    }
                });
            }
        });
    };
    view! {
        <tr data-ld="site-row" data-name=site.name.clone() data-suspended=suspended.to_string()>
            <td class="ld-cell-main">{site.name.clone()}<div class="ld-cell-sub">{site.allowed_origins.join(", ")}</div></td>
            <td><code>{site.site_key.clone()}</code></td>
            <td data-ld="site-agents">{site.agents}" ("<span data-ld="site-online">{site.agents_online}</span>")"</td>
            <td data-ld="site-open">{site.open_conversations}</td>
            <td data-ld="site-waiting">{site.waiting}</td>
            <td data-ld="site-24h">{site.conversations_24h}</td>
            <td data-ld="site-offline">{site.offline_messages_24h}</td>
            <td>{if suspended {
                view! { <span class="ld-pill ld-pill--idle">"Suspended"</span> }.into_any()
            } else {
                view! { <span class="ld-pill ld-pill--active">"Active"</span> }.into_any()
            }}</td>
            <td><div class="ld-admin__actions">
                <button type="button" class="ld-button" data-ld=if suspended { "site-unsuspend" } else { "site-suspend" } on:click=toggle>
                    {if suspended { "Unsuspend" } else { "Suspend" }}
                </button>
                <FeedbackLine feedback/>
            </div></td>
        </tr>
    }
}

#[component]
fn NewSiteForm(
    list: RwSignal<Vec<SiteSummary>>,
    created: RwSignal<Option<SiteSummary>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let name = RwSignal::new(String::new());
    let origins = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewSiteRequest {
            name: name.get_untracked(),
            allowed_origins: split_list(&origins.get_untracked()),
        };
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result =
                send::<_, SiteSummary>(desk, "POST", "/api/v1/sites".into(), request).await;
            feedback.try_set(Feedback::from_result(&result, "Created"));
            if let Ok(site) = result {
                name.try_set(String::new());
                origins.try_set(String::new());
                list.try_update(|l| l.push(site.clone()));
                created.try_set(Some(site));
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld="site-new" on:submit=submit novalidate>
            <h3>"Create a site"</h3>
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"Name"</span>
                    <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Allowed origins, one a line"</span>
                    <textarea name="origins" rows="2" placeholder="https://shop.example.com" prop:value=move || origins.get() on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="site-create">"Create site"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}

/// A site just created: its key, its snippet, and the form for its first admin.
#[component]
fn CreatedSite(site: SiteSummary) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let snippet = WidgetSettings::default().snippet(&origin, &site.site_key);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let feedback = RwSignal::new(Feedback::Idle);
    let id = site.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewAgentRequest {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: Role::Admin,
            password: password.get_untracked(),
        };
        if let Err(error) = request.clone().parse() {
            feedback.set(Feedback::Failed(super::agents::capitalised(
                &error.to_string(),
            )));
            return;
        }
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result =
                send::<_, SiteAgent>(desk, "POST", format!("/api/v1/sites/{id}/agents"), request)
                    .await;
            feedback.try_set(match &result {
                Ok(admin) => Feedback::Done(format!(
                    "{} can now sign in as {}.",
                    admin.name, admin.email
                )),
                Err(failure) => Feedback::Failed(failure.message()),
            });
        });
    };
    view! {
        <section class="ld-admin__form ld-admin__form--inset" data-ld="site-created">
            <h3>{format!("{} is ready", site.name)}</h3>
            <p>"Site key: " <code data-ld="site-key">{site.site_key.clone()}</code></p>
            <p class="ld-muted">"Embed snippet:"</p>
            <pre class="ld-admin__snippet" data-ld="site-snippet" tabindex="0">{snippet}</pre>
            <form data-ld="site-admin-new" on:submit=submit novalidate>
                <h3>"Its first admin"</h3>
                <div class="ld-admin__grid">
                    <label class="ld-field"><span>"E-mail"</span>
                        <input name="email" type="email" autocomplete="off" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    </label>
                    <label class="ld-field"><span>"Name"</span>
                        <input name="name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    </label>
                    <label class="ld-field"><span>{format!("Initial password (at least {MIN_PASSWORD_CHARS} characters)")}</span>
                        <input name="password" type="text" autocomplete="new-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    </label>
                </div>
                <div class="ld-admin__buttons">
                    <button type="submit" class="ld-button ld-button--primary" data-ld="site-admin-create">"Create admin"</button>
                    <FeedbackLine feedback/>
                </div>
            </form>
        </section>
    }
}
