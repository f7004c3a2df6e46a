//! The admin console: one file per settings page, all under `#/settings/…`. The pages call
//! admin-only endpoints; the server refuses them to agents, so hiding them here is a
//! convenience, not the protection.

use leptos::prelude::*;

use crate::desk::Desk;
use crate::route::{Page, Settings};

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
    let content = match settings {
        Settings::Agents
        | Settings::Routing
        | Settings::BusinessHours
        | Settings::Widget
        | Settings::CannedResponses
        | Settings::Departments
        | Settings::Tags
        | Settings::Sites => view! { <Unbuilt settings/> }.into_any(),
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
                {content}
            </section>
        </div>
    }
}

/// Placeholder while a settings page is being built.
#[component]
fn Unbuilt(settings: Settings) -> impl IntoView {
    view! {
        <div class="ld-empty"><p>{format!("{} settings are not available yet.", settings.title())}</p></div>
    }
}
