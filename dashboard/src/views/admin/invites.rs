//! Inviting agents by link, on the agents page: an admin enters an address and a role and
//! gets a link to send (shown once, with a copy button); the pending invitations are listed
//! with when they expire, and can be revoked. Whoever opens the link lands on
//! [`crate::views::invite::InvitePage`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{CreatedInvite, INVITE_DAYS, Invite, NewInviteRequest};
use livedesk_protocol::api::Role;

use super::{
    Feedback, FeedbackLine, LoadState, capitalised, copy_to_clipboard, delete, fetch, send,
};
use crate::desk::{Desk, Load};
use crate::views::confirm::ConfirmButton;
use crate::views::format;

/// The address that opens the invitation `token` in this dashboard.
fn invite_link(token: &str) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .map(|l| l.origin().unwrap_or_default() + &l.pathname().unwrap_or_default())
        .unwrap_or_default();
    format!("{base}#/invite/{token}")
}

/// The form and the pending invitations; `joined` changes when someone joined the team,
/// and the list is fetched again.
#[component]
pub fn InvitesSection(joined: RwSignal<u32>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let invites = RwSignal::new(Vec::<Invite>::new());
    let load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site/invites", invites, load);
    Effect::new(move |_| {
        joined.track();
        reload();
    });
    view! {
        <div class="ld-admin__section">
            <InviteForm invites/>
            <LoadState load what="invitations" retry=move |()| reload()>
                <Show when=move || !invites.with(Vec::is_empty)>
                    <table class="ld-table ld-admin__table" data-ld="invites-table">
                        <caption class="ld-sr">"Pending invitations"</caption>
                        <thead><tr><th>"Invited"</th><th>"Role"</th><th>"Link"</th><th><span class="ld-sr">"Actions"</span></th></tr></thead>
                        <tbody>
                            <For each=move || invites.get() key=|i| i.id children=move |invite| view! { <InviteRow invite invites/> }/>
                        </tbody>
                    </table>
                </Show>
            </LoadState>
        </div>
    }
}

#[component]
fn InviteRow(invite: Invite, invites: RwSignal<Vec<Invite>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let feedback = RwSignal::new(Feedback::Idle);
    let id = invite.id;
    let revoke = move |()| {
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result = delete(desk, format!("/api/v1/site/invites/{id}")).await;
            feedback.try_set(Feedback::from_result(&result, "Revoked"));
            if result.is_ok() {
                invites.update(|list| list.retain(|i| i.id != id));
            }
        });
    };
    let state = if invite.expired {
        "Expired: invite again for a new link".to_owned()
    } else {
        format!("Works until {}", format::full(invite.expires_at))
    };
    let by = invite
        .invited_by
        .map(|name| format!(" by {name}"))
        .unwrap_or_default();
    view! {
        <tr data-ld="invite-row" data-email=invite.email.clone() data-expired=invite.expired.to_string()>
            <td class="ld-cell-main">{invite.email.clone()}<span class="ld-muted">{by}</span></td>
            <td>{format::role(invite.role)}</td>
            <td class:ld-feedback--error=invite.expired>{state}</td>
            <td><div class="ld-admin__actions">
                <ConfirmButton ld="invite-revoke" label="Revoke" question="The link stops working. Revoke it?" on_confirm=Callback::new(revoke)/>
                <FeedbackLine feedback/>
            </div></td>
        </tr>
    }
}

#[component]
fn InviteForm(invites: RwSignal<Vec<Invite>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let feedback = RwSignal::new(Feedback::Idle);
    let link = RwSignal::new(None::<(String, String)>);
    let copied = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewInviteRequest {
            email: email.get_untracked(),
            role: role.get_untracked(),
        };
        if let Err(error) = request.clone().parse() {
            feedback.set(Feedback::Failed(capitalised(&error.to_string())));
            return;
        }
        feedback.set(Feedback::Saving);
        link.set(None);
        spawn_local(async move {
            let result =
                send::<_, CreatedInvite>(desk, "POST", "/api/v1/site/invites".into(), request)
                    .await;
            match result {
                Ok(created) => {
                    feedback.try_set(Feedback::Idle);
                    copied.try_set(false);
                    link.try_set(Some((
                        created.invite.email.clone(),
                        invite_link(&created.token),
                    )));
                    invites.try_update(|list| {
                        // A new link for an address replaces its older one.
                        list.retain(|i| !i.email.eq_ignore_ascii_case(&created.invite.email));
                        list.insert(0, created.invite);
                    });
                    email.try_set(String::new());
                }
                Err(failure) => {
                    feedback.try_set(Feedback::Failed(failure.message()));
                }
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld="invite-new" on:submit=submit novalidate>
            <h3>"Invite by link"</h3>
            <p class="ld-muted">{format!("The invited person opens the link, chooses a name and a password, and is signed in. The link works once, for {INVITE_DAYS} days.")}</p>
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"E-mail"</span>
                    <input name="invite_email" type="email" autocomplete="off" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label class="ld-field"><span>"Role"</span>
                    <select name="invite_role" on:change=move |ev| role.set(if event_target_value(&ev) == "admin" { Role::Admin } else { Role::Agent })>
                        <option value="agent" selected=move || role.get() == Role::Agent>"Agent"</option>
                        <option value="admin" selected=move || role.get() == Role::Admin>"Admin"</option>
                    </select>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="invite-create" disabled=move || feedback.get() == Feedback::Saving>"Create invitation link"</button>
                <FeedbackLine feedback/>
            </div>
            {move || link.get().map(|(to, url)| {
                let copy = url.clone();
                view! {
                    <div class="ld-admin__fieldset" data-ld="invite-created">
                        <p>{format!("Send this link to {to}. It is shown only now.")}</p>
                        <div class="ld-admin__inline">
                            <input type="text" readonly aria-label="Invitation link" data-ld="invite-link" prop:value=url on:focus=move |ev| {
                                use wasm_bindgen::JsCast;
                                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                    input.select();
                                }
                            }/>
                            <button type="button" class="ld-button" data-ld="invite-copy" on:click=move |_| copied.set(copy_to_clipboard(&copy))>
                                {move || if copied.get() { "Copied" } else { "Copy" }}
                            </button>
                        </div>
                    </div>
                }
            })}
        </form>
    }
}
