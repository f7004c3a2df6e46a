use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::Desk;
use crate::session;

#[component]
pub fn LoginPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let email = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);

    // Read the fields on submit (not on input): browser autofill does not always fire input
    // events.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (Some(email), Some(password)) = (email.get(), password.get()) else {
            return;
        };
        let (email, password) = (email.value().trim().to_owned(), password.value());
        if email.is_empty() || password.is_empty() {
            set_error.set(Some("Enter your e-mail address and password.".into()));
            return;
        }
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            let result = session::login(desk, email, password).await;
            // On success this component is already gone with its signals.
            if let Err(message) = result {
                set_error.try_set(Some(message));
                set_busy.try_set(false);
            }
        });
    };

    view! {
        <main class="ld-login">
            <form class="ld-login__card" data-ld="login" on:submit=submit novalidate>
                <div class="ld-brand ld-brand--large">
                    <span class="ld-brand__mark" aria-hidden="true">"L"</span>
                    <span>"Livedesk"</span>
                </div>
                <h1>"Sign in to your inbox"</h1>
                {move || desk.signed_out_reason.get().map(|reason| view! {
                    <p class="ld-alert ld-alert--info" data-ld="signed-out-reason" role="status">
                        {format!("You were signed out: {}.", reason.trim_end_matches('.'))}
                    </p>
                })}
                <label class="ld-field">
                    <span>"E-mail"</span>
                    <input node_ref=email name="email" type="email" autocomplete="username" required autofocus/>
                </label>
                <label class="ld-field">
                    <span>"Password"</span>
                    <input node_ref=password name="password" type="password" autocomplete="current-password" required/>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="ld-alert" data-ld="login-error" role="alert">{move || error.get()}</p>
                </Show>
                <button type="submit" class="ld-button ld-button--primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
