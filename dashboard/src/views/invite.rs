//! The page an invitation link opens (`#/invite/<token>`): which team and address it is
//! for, and a form for the name and password of the new account, which is then signed in.
//! A used, revoked or expired link says so and offers the sign-in form instead.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::admin::{AcceptInvite, InviteDetails, MIN_PASSWORD_CHARS};

use super::format;
use crate::desk::Desk;
use crate::{api, session};

#[derive(Clone, Debug, PartialEq)]
enum Lookup {
    Loading,
    Found(InviteDetails),
    Refused(String),
}

/// Leaves the invitation page for the inbox (or the sign-in form).
fn leave() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash("/");
    }
}

#[component]
pub fn InvitePage(token: String) -> impl IntoView {
    let lookup = RwSignal::new(Lookup::Loading);
    let asked = token.clone();
    spawn_local(async move {
        let found = match api::invite(asked).await {
            Ok(details) => Lookup::Found(details),
            Err(failure) => Lookup::Refused(failure.message()),
        };
        lookup.try_set(found);
    });
    view! {
        <main class="ld-login">
            <div class="ld-login__card" data-ld="invite">
                <div class="ld-brand ld-brand--large">
                    <span class="ld-brand__mark" aria-hidden="true">"L"</span>
                    <span>"Livedesk"</span>
                </div>
                {move || match lookup.get() {
                    Lookup::Loading => view! {
                        <p data-ld="invite-loading"><span class="ld-spinner" aria-hidden="true"></span>" Opening the invitation…"</p>
                    }.into_any(),
                    Lookup::Refused(message) => view! {
                        <h1>"This invitation cannot be used"</h1>
                        <p class="ld-alert" data-ld="invite-error" role="alert">{message}</p>
                        <button type="button" class="ld-button" on:click=move |_| leave()>"Go to sign in"</button>
                    }.into_any(),
                    Lookup::Found(details) => view! { <SignUpForm token=token.clone() details/> }.into_any(),
                }}
            </div>
        </main>
    }
}

#[component]
fn SignUpForm(token: String, details: InviteDetails) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = AcceptInvite {
            token: token.clone(),
            name: name.get_untracked(),
            password: password.get_untracked(),
        };
        if let Err(problem) = request.clone().parse() {
            set_error.set(Some(super::admin::capitalised(&problem.to_string())));
            return;
        }
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            match session::accept_invite(desk, request).await {
                Ok(()) => leave(),
                Err(message) => {
                    set_error.try_set(Some(message));
                    set_busy.try_set(false);
                }
            }
        });
    };
    let role = format::role(details.role).to_lowercase();
    view! {
        <form data-ld="invite-form" on:submit=submit novalidate>
            <h1>{format!("Join {} on Livedesk", details.site_name)}</h1>
            <p class="ld-muted" data-ld="invite-for">
                {format!("You are invited as {role}. You will sign in as {}.", details.email)}
            </p>
            <label class="ld-field">
                <span>"Your name, as visitors and colleagues see it"</span>
                <input name="name" type="text" autocomplete="name" required autofocus
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <label class="ld-field">
                <span>{format!("Password (at least {MIN_PASSWORD_CHARS} characters)")}</span>
                <input name="password" type="password" autocomplete="new-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
            </label>
            <Show when=move || error.get().is_some()>
                <p class="ld-alert" data-ld="invite-error" role="alert">{move || error.get()}</p>
            </Show>
            <button type="submit" class="ld-button ld-button--primary" data-ld="invite-accept" disabled=move || busy.get()>
                {move || if busy.get() { "Creating your account…" } else { "Create account and sign in" }}
            </button>
            <p class="ld-muted">{format!("The invitation works until {}.", format::full(details.expires_at))}</p>
        </form>
    }
}
