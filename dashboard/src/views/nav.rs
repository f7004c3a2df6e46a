use leptos::prelude::*;

use crate::desk::Desk;
use crate::route::{Page, Settings};

/// The left rail: the agent's pages, then the admin console for those allowed in it.
#[component]
pub fn Nav(page: Signal<Page>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let admin = move || {
        desk.agent
            .with(|a| a.as_ref().is_some_and(|a| Settings::Agents.allowed(a.role)))
    };
    let settings_open = move || matches!(page.get(), Page::Settings(_));

    view! {
        <nav class="ld-nav" aria-label="Pages">
            <NavLink page target=Page::Inbox label="Inbox" key="inbox"/>
            <NavLink page target=Page::Visitors label="Visitors" key="visitors"/>
            <NavLink page target=Page::OfflineMessages label="Offline messages" key="offline-messages">
                <Show when=move || { desk.offline.waiting() > 0 }>
                    <span class="ld-count" data-ld="offline-count" title="Waiting for an agent">
                        {move || desk.offline.waiting()}
                    </span>
                </Show>
            </NavLink>
            <Show when=admin>
                <a
                    class="ld-nav__link"
                    class:active=settings_open
                    href=Page::Settings(Settings::Agents).hash()
                    data-ld="nav"
                    data-page="settings"
                    aria-current=move || settings_open().then_some("page")
                >
                    "Settings"
                </a>
            </Show>
        </nav>
    }
}

#[component]
fn NavLink(
    page: Signal<Page>,
    target: Page,
    label: &'static str,
    key: &'static str,
    /// Shown after the label (a count).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let active = move || page.get() == target;
    view! {
        <a
            class="ld-nav__link"
            class:active=active
            href=target.hash()
            data-ld="nav"
            data-page=key
            aria-current=move || active().then_some("page")
        >
            {label}
            {children.map(|c| c())}
        </a>
    }
}
