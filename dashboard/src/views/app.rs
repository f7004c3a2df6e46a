use leptos::prelude::*;

use super::invite::InvitePage;
use super::login::LoginPage;
use super::workspace::Workspace;
use crate::desk::{AuthPhase, Desk};
use crate::{route, session};

/// The root: the sign-in form or the workspace, depending on the session.
#[component]
pub fn App() -> impl IntoView {
    let desk = Desk::new();
    provide_context(desk);
    session::restore(desk);
    let invite = RwSignal::new(invite_in_address());
    let hash_listener = window_event_listener(leptos::ev::hashchange, move |_| {
        invite.set(invite_in_address());
        desk.on_hash_change();
    });
    on_cleanup(move || hash_listener.remove());

    move || {
        if let Some(token) = invite.get() {
            return view! { <InvitePage token/> }.into_any();
        }
        match desk.auth.get() {
            AuthPhase::Checking => view! {
                <div class="ld-splash" data-ld="loading">
                    <div class="ld-spinner" aria-hidden="true"></div>
                    <p>"Loading Livedesk…"</p>
                </div>
            }
            .into_any(),
            AuthPhase::SignedOut => view! { <LoginPage/> }.into_any(),
            AuthPhase::SignedIn => view! { <Workspace/> }.into_any(),
        }
    }
}

/// The invitation the address opens, if it is an invitation link.
fn invite_in_address() -> Option<String> {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    route::invite_token(&hash)
}
