use leptos::prelude::*;

use super::admin::SettingsPage;
use super::call::CallPanel;
use super::conversation::ConversationPane;
use super::header::{ConnectionBanner, Header, NoticeToast};
use super::inbox::InboxPane;
use super::nav::Nav;
use super::offline::OfflineMessagesPage;
use super::visitors::VisitorsPage;
use crate::desk::Desk;
use crate::route::Page;

/// The signed-in screen: header, the navigation rail, and the page it points at.
#[component]
pub fn Workspace() -> impl IntoView {
    let desk = expect_context::<Desk>();
    crate::alerts::title_follows_unread(desk);
    super::shortcuts::install(desk);
    let role = move || desk.agent.with(|a| a.as_ref().map(|a| a.role));
    let page = move || match role() {
        Some(role) => desk.page.get().for_role(role),
        None => Page::Inbox,
    };
    let body = move || match page() {
        Page::Inbox => view! {
            <div class="ld-main">
                <InboxPane/>
                <ConversationPane/>
            </div>
        }
        .into_any(),
        Page::Visitors => view! { <VisitorsPage/> }.into_any(),
        Page::OfflineMessages => view! { <OfflineMessagesPage/> }.into_any(),
        Page::Settings(settings) => view! { <SettingsPage settings/> }.into_any(),
    };

    view! {
        <div class="ld-app">
            <Header/>
            <ConnectionBanner/>
            <CallPanel/>
            <div class="ld-body">
                <Nav page=Signal::derive(page)/>
                <main class="ld-page" data-ld="page" data-page=move || page().hash()>{body}</main>
            </div>
            <NoticeToast/>
        </div>
    }
}
