use leptos::prelude::*;

use super::login::LoginPage;
use super::workspace::Workspace;
use crate::desk::{AuthPhase, Desk};
use crate::session;

/// The root: the sign-in form or the workspace, depending on the session.
#[component]
pub fn App() -> impl IntoView {
    let desk = Desk::new();
    provide_context(desk);
    session::restore(desk);
    let hash_listener =
        window_event_listener(leptos::ev::hashchange, move |_| desk.on_hash_change());
    on_cleanup(move || hash_listener.remove());

    move || match desk.auth.get() {
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
