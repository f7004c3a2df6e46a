use leptos::prelude::*;

use super::call::CallPanel;
use super::conversation::ConversationPane;
use super::header::{ConnectionBanner, Header};
use super::inbox::InboxPane;

/// The signed-in screen: header, then the inbox beside the open conversation.
#[component]
pub fn Workspace() -> impl IntoView {
    view! {
        <div class="ld-app">
            <Header/>
            <ConnectionBanner/>
            <CallPanel/>
            <div class="ld-main">
                <InboxPane/>
                <ConversationPane/>
            </div>
        </div>
    }
}
