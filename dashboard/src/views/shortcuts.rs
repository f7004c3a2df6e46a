//! Keyboard shortcuts for the common actions, listed in the help text of the inbox:
//!
//! - `/`: search conversations
//! - `Alt+↓` / `Alt+↑`: next / previous conversation in the list
//! - `Alt+M`, `Alt+Q`: the Mine and Queue tabs
//! - `Alt+T`: take the longest waiting chat

use leptos::prelude::*;
use livedesk_protocol::chat::InboxView;
use time::OffsetDateTime;
use wasm_bindgen::JsCast;

use crate::desk::Desk;
use crate::model::inbox;
use crate::route::Page;

pub const HELP: &str = "/ search · Alt+↓ ↑ next, previous · Alt+M mine · Alt+Q queue · Alt+T take the next waiting chat";

/// Listens for the shortcuts while the workspace is shown.
pub fn install(desk: Desk) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() || ev.is_composing() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        let key = ev.key();
        if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() {
            let handled = match key.as_str() {
                "ArrowDown" => step(desk, 1),
                "ArrowUp" => step(desk, -1),
                "m" | "M" | "µ" => show(desk, InboxView::Mine),
                "q" | "Q" | "@" => show(desk, InboxView::Queue),
                "t" | "T" | "₺" | "†" => take_next(desk),
                _ => false,
            };
            if handled {
                ev.prevent_default();
            }
        } else if key == "/"
            && !typing
            && !ev.ctrl_key()
            && !ev.meta_key()
            && let Some(search) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("[data-ld=inbox-search]").ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            ev.prevent_default();
            let _ = search.focus();
        }
    });
    on_cleanup(move || handle.remove());
}

fn me(desk: Desk) -> Option<livedesk_protocol::ids::AgentId> {
    desk.agent.with_untracked(|a| a.as_ref().map(|a| a.id))
}

fn show(desk: Desk, view: InboxView) -> bool {
    desk.go(Page::Inbox);
    desk.search_for(String::new());
    desk.show_view(view);
    true
}

/// Opens the conversation `by` places after the open one in the list shown.
fn step(desk: Desk, by: isize) -> bool {
    let rows = match desk.search_results.get_untracked() {
        Some(found) => found,
        None => desk.inbox.with_untracked(|rows| {
            inbox::view_rows(
                rows,
                desk.inbox_view.get_untracked(),
                me(desk),
                OffsetDateTime::now_utc(),
            )
        }),
    };
    if rows.is_empty() {
        return false;
    }
    let open = desk.open.get_untracked();
    let at = rows.iter().position(|r| Some(r.summary.id) == open);
    let next = match at {
        Some(i) => (i as isize + by).clamp(0, rows.len() as isize - 1) as usize,
        None => 0,
    };
    desk.open_conversation(rows[next].summary.id);
    true
}

fn take_next(desk: Desk) -> bool {
    let next = desk.inbox.with_untracked(|rows| {
        inbox::view_rows(rows, InboxView::Queue, me(desk), OffsetDateTime::now_utc())
            .first()
            .map(|r| r.summary.id)
    });
    match next {
        Some(id) => {
            desk.go(Page::Inbox);
            desk.accept(id);
        }
        None => desk.notify("Nobody is waiting in the queue.", false),
    }
    true
}
