//! The admin console: one file per settings page, all under `#/settings/…`. The pages call
//! admin-only endpoints; the server refuses them to agents, so hiding them here is a
//! convenience, not the protection.
//!
//! What every page shares lives here: loading a resource into a signal ([`fetch`]), the
//! loading / error block ([`LoadState`]) and the save feedback line ([`Feedback`]).

mod agents;
// For the composer, which mounts it (its own piece of work); nothing here uses it yet.
#[allow(dead_code)]
pub mod canned_picker;
mod canned_responses;
mod departments;
mod hours;
mod invites;
mod routing;
mod sites;
mod tags;
mod widget;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) use agents::capitalised;

use crate::api::ApiFailure;
use crate::desk::{Desk, Load};
use crate::route::{Page, Settings};
use crate::session;

/// The settings frame: the list of settings pages the signed-in person may open, beside the
/// chosen one.
#[component]
pub fn SettingsPage(settings: Settings) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let pages = move || {
        let role = desk.agent.with(|a| a.as_ref().map(|a| a.role));
        Settings::ALL
            .into_iter()
            .filter(|s| role.is_some_and(|r| s.allowed(r)))
            .collect::<Vec<_>>()
    };
    let superadmin = move || {
        desk.agent
            .with(|a| a.as_ref().is_some_and(|a| a.site_id.is_none()))
    };
    let content = move || {
        if superadmin() && settings != Settings::Sites {
            return view! {
                <div class="ld-empty" data-ld="no-site">
                    <p class="ld-empty__title">"Superadmins belong to no site"</p>
                    <p>"A site's settings are made by its admins. Open Sites to see every site, or create a site's admin there."</p>
                    <a class="ld-button" href=Page::Settings(Settings::Sites).hash()>"Open Sites"</a>
                </div>
            }
            .into_any();
        }
        match settings {
            Settings::Agents => view! { <agents::AgentsPage/> }.into_any(),
            Settings::Routing => view! { <routing::RoutingPage/> }.into_any(),
            Settings::BusinessHours => view! { <hours::HoursPage/> }.into_any(),
            Settings::Widget => view! { <widget::WidgetPage/> }.into_any(),
            Settings::CannedResponses => {
                view! { <canned_responses::CannedResponsesPage/> }.into_any()
            }
            Settings::Departments => view! { <departments::DepartmentsPage/> }.into_any(),
            Settings::Tags => view! { <tags::TagsPage/> }.into_any(),
            Settings::Sites => view! { <sites::SitesPage/> }.into_any(),
        }
    };

    view! {
        <div class="ld-settings" data-ld="settings">
            <nav class="ld-settings__nav" aria-label="Settings">
                <h2>"Settings"</h2>
                {move || pages().into_iter().map(|s| view! {
                    <a
                        class="ld-settings__link"
                        class:active=s == settings
                        href=Page::Settings(s).hash()
                        data-ld="settings-nav"
                        data-page=s.slug()
                        aria-current=(s == settings).then_some("page")
                    >
                        {s.title()}
                    </a>
                }).collect_view()}
            </nav>
            <section class="ld-settings__page" data-ld="settings-page" data-page=settings.slug()>
                <div class="ld-pane-head"><h2>{settings.title()}</h2></div>
                <div class="ld-admin">{content}</div>
            </section>
        </div>
    }
}

/// `method path` with a JSON body and the session's token (refreshed once on a 401), the
/// answer decoded as `T`.
pub(crate) async fn send<B, T>(
    desk: Desk,
    method: &'static str,
    path: String,
    body: B,
) -> Result<T, ApiFailure>
where
    B: Serialize + Clone + 'static,
    T: DeserializeOwned,
{
    session::authorized(desk, |token| {
        let (path, body) = (path.clone(), body.clone());
        async move { crate::api::write(&token, method, &path, &body).await }
    })
    .await
}

/// `DELETE path` with the session's token.
pub(crate) async fn delete(desk: Desk, path: String) -> Result<(), ApiFailure> {
    session::authorized(desk, |token| {
        let path = path.clone();
        async move { crate::api::call::<()>(&token, "DELETE", &path, None).await }
    })
    .await
}

/// Loads `path` into `target`, telling `load` how it goes.
pub(crate) fn fetch<T>(desk: Desk, path: &'static str, target: RwSignal<T>, load: RwSignal<Load>)
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    load.set(Load::Loading);
    spawn_local(async move {
        let result = session::authorized(desk, |token| async move {
            crate::api::get::<T>(&token, path).await
        })
        .await;
        match result {
            Ok(value) => {
                target.try_set(value);
                load.try_set(Load::Ready);
            }
            Err(failure) => {
                load.try_set(Load::Failed(failure.message()));
            }
        }
    });
}

/// The loading spinner or the error with a retry while `load` is not ready; `ready` once it
/// is. `what` names the thing loaded ("agents").
#[component]
pub(crate) fn LoadState(
    load: RwSignal<Load>,
    what: &'static str,
    #[prop(into)] retry: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    move || {
        match load.get() {
        Load::Loading => view! {
            <div class="ld-empty" data-ld="admin-loading">
                <span class="ld-spinner" aria-hidden="true"></span>
                <p>{format!("Loading {what}…")}</p>
            </div>
        }
        .into_any(),
        Load::Failed(message) => view! {
            <div class="ld-empty ld-empty--error" data-ld="admin-error" role="alert">
                <p>{message}</p>
                <button type="button" class="ld-button" on:click=move |_| retry.run(())>"Try again"</button>
            </div>
        }
        .into_any(),
        Load::Ready => children().into_any(),
    }
    }
}

/// The state of a save: shown beside the form's button.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) enum Feedback {
    #[default]
    Idle,
    Saving,
    Done(String),
    Failed(String),
}

impl Feedback {
    pub(crate) fn from_result<T>(result: &Result<T, ApiFailure>, done: &str) -> Self {
        match result {
            Ok(_) => Feedback::Done(done.to_owned()),
            Err(failure) => Feedback::Failed(failure.message()),
        }
    }
}

/// The line that says "Saving…", "Saved" or why it failed (announced to screen readers).
#[component]
pub(crate) fn FeedbackLine(feedback: RwSignal<Feedback>) -> impl IntoView {
    move || {
        match feedback.get() {
        Feedback::Idle => view! { <span class="ld-feedback" data-ld="save-status" role="status"></span> }.into_any(),
        Feedback::Saving => view! { <span class="ld-feedback" data-ld="save-status" data-state="saving" role="status">"Saving…"</span> }.into_any(),
        Feedback::Done(text) => view! { <span class="ld-feedback ld-feedback--ok" data-ld="save-status" data-state="saved" role="status">{text}</span> }.into_any(),
        Feedback::Failed(text) => view! { <span class="ld-feedback ld-feedback--error" data-ld="save-status" data-state="failed" role="alert">{text}</span> }.into_any(),
    }
    }
}

/// Copies `text` with the asynchronous clipboard API, where the browser offers it.
pub(crate) fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    match (clipboard, write) {
        (Some(clipboard), Some(write)) => write.call1(&clipboard, &text.into()).is_ok(),
        _ => false,
    }
}

/// Comma- or line-separated words ("tr, en") as a list, blanks dropped.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_commas_and_lines() {
        assert_eq!(split_list(" tr, en ,\n\nde"), vec!["tr", "en", "de"]);
        assert!(split_list(" , ").is_empty());
    }
}
