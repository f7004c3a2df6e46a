use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::chat::{ConversationStatus, ConversationSummary};
use livedesk_protocol::ids::{ConversationId, VisitorId};
use livedesk_protocol::widget::VisitorDetails;

use super::format;
use crate::desk::{Desk, Load};
use crate::session;

/// Beside the transcript: who the visitor is, where they are, what they asked before, and
/// the conversation's internal notes.
#[component]
pub fn SidePanel(id: ConversationId, visitor: VisitorId) -> impl IntoView {
    view! {
        <aside class="ld-side" data-ld="side-panel">
            <VisitorCard visitor/>
            <PastConversations id visitor/>
            <Notes id/>
        </aside>
    }
}

#[component]
fn VisitorCard(visitor: VisitorId) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let details = RwSignal::new(None::<VisitorDetails>);
    let load = RwSignal::new(Load::Loading);
    spawn_local(async move {
        match session::authorized(desk, |token| async move {
            crate::api::visitor(&token, visitor).await
        })
        .await
        {
            Ok(found) => {
                details.set(Some(found));
                load.set(Load::Ready);
            }
            Err(failure) => load.set(Load::Failed(failure.message())),
        }
    });
    let live = move || {
        desk.visitors
            .with(|list| list.iter().find(|v| v.visitor_id == visitor).cloned())
    };
    let row = |label: &'static str, key: &'static str, value: Option<String>| {
        value.filter(|v| !v.is_empty()).map(|value| {
            view! {
                <div class="ld-facts__row"><dt>{label}</dt><dd data-ld=key>{value}</dd></div>
            }
        })
    };

    view! {
        <section class="ld-side__section" data-ld="visitor-card">
            <h3>"Visitor"</h3>
            {move || match (load.get(), details.get()) {
                (Load::Failed(message), _) => view! { <p class="ld-error" data-ld="visitor-error">{message}</p> }.into_any(),
                (_, None) => view! { <p class="ld-muted">"Loading…"</p> }.into_any(),
                (_, Some(d)) => {
                    let device = [d.browser.clone(), d.os.clone(), d.device.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ");
                    view! {
                        <dl class="ld-facts">
                            {row("Name", "visitor-name", d.name.clone())}
                            {row("E-mail", "visitor-email", d.email.clone())}
                            {row("Phone", "visitor-phone", d.phone.clone())}
                            {row("Browser", "visitor-device", Some(device))}
                            {row("Location", "visitor-location", location(d.time_zone.as_deref(), d.language.as_deref()))}
                            {row("Came from", "visitor-referrer", d.referrer.clone())}
                            {row("Visits", "visitor-visits", Some(d.visits.to_string()))}
                            {row("First seen", "visitor-first-seen", Some(format::full(d.first_seen)))}
                            {d.custom_data.iter().map(|(k, v)| view! {
                                <div class="ld-facts__row"><dt>{k.clone()}</dt><dd data-ld="visitor-custom">{v.clone()}</dd></div>
                            }).collect_view()}
                        </dl>
                        {(!d.pages.is_empty()).then(|| view! {
                            <h4 class="ld-side__subhead">"Pages visited"</h4>
                            <ol class="ld-pages" data-ld="visitor-pages">
                                {d.pages.iter().map(|p| view! {
                                    <li data-ld="visitor-page" title=format::full(p.viewed_at)>
                                        <a href=p.url.clone() target="_blank" rel="noopener noreferrer">
                                            {if p.title.is_empty() { p.url.clone() } else { p.title.clone() }}
                                        </a>
                                        <span class="ld-muted">{format!(" · {}", format::when(p.viewed_at))}</span>
                                    </li>
                                }).collect_view()}
                            </ol>
                        })}
                    }
                    .into_any()
                }
            }}
            {move || live().and_then(|v| v.page).map(|page| view! {
                <div class="ld-side__now" data-ld="visitor-now">
                    <span class="ld-muted">"Now on "</span>
                    <a href=page.url.clone() target="_blank" rel="noopener noreferrer" data-ld="visitor-current-page">
                        {if page.title.is_empty() { page.url.clone() } else { page.title.clone() }}
                    </a>
                </div>
            })}
        </section>
    }
}

#[component]
fn PastConversations(id: ConversationId, visitor: VisitorId) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let past = RwSignal::new(Vec::<ConversationSummary>::new());
    spawn_local(async move {
        let path = format!("/api/v1/conversations?view=closed&visitor={visitor}");
        let found = session::authorized(desk, |token| {
            let path = path.clone();
            async move { crate::api::get::<Vec<ConversationSummary>>(&token, &path).await }
        })
        .await;
        if let Ok(found) = found {
            past.set(found.into_iter().filter(|c| c.id != id).collect());
        }
    });
    view! {
        <section class="ld-side__section" data-ld="past-conversations">
            <h3>"Earlier conversations"</h3>
            {move || if past.with(Vec::is_empty) {
                view! { <p class="ld-muted">"None: this is the first."</p> }.into_any()
            } else {
                view! {
                    <ul class="ld-past">
                        {past.get().into_iter().map(|c| {
                            let at = c.closed_at.unwrap_or(c.created_at);
                            let text = c.last_message.as_ref().map(|m| m.body.lines().next().unwrap_or_default().to_owned()).unwrap_or_default();
                            let closed = c.status == ConversationStatus::Closed;
                            view! {
                                <li>
                                    <button type="button" class="ld-link" data-ld="past-conversation" on:click=move |_| desk.open_conversation(c.id)>
                                        {format::when(at)}
                                    </button>
                                    {(!closed).then_some(" (open)")}
                                    <span class="ld-muted">" " {text}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Notes(id: ConversationId) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match desk.add_note(id, &draft.get_untracked()) {
            Ok(()) => {
                draft.set(String::new());
                error.set(None);
            }
            Err(reason) => error.set(Some(reason)),
        }
    };
    view! {
        <section class="ld-side__section" data-ld="notes">
            <h3>"Internal notes"</h3>
            <p class="ld-muted ld-small">"Only agents see these."</p>
            <ul class="ld-notes">
                {move || desk.notes.get().into_iter().map(|n| view! {
                    <li class="ld-note" data-ld="note">
                        <div class="ld-note__meta"><strong>{n.author_name}</strong> " · " {format::when(n.created_at)}</div>
                        <div class="ld-note__body">{n.body}</div>
                    </li>
                }).collect_view()}
            </ul>
            <form class="ld-note-form" on:submit=add>
                {move || error.get().map(|e| view! { <p class="ld-error" role="alert">{e}</p> })}
                <textarea rows="2" data-ld="note-input" placeholder="Add a note for colleagues…" aria-label="Internal note"
                    prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <button type="submit" class="ld-button ld-button--small" data-ld="note-add" disabled=move || draft.with(|d| d.trim().is_empty())>"Add note"</button>
            </form>
        </section>
    }
}

/// Where the visitor's browser says it is: the city of its time zone, and its language
/// ("Istanbul · tr-TR"). No address lookup: a time zone names a region, not a street.
fn location(time_zone: Option<&str>, language: Option<&str>) -> Option<String> {
    let city = time_zone.map(|zone| zone.rsplit('/').next().unwrap_or(zone).replace('_', " "));
    match (city, language) {
        (Some(city), Some(language)) => Some(format!("{city} · {language}")),
        (Some(city), None) => Some(city),
        (None, language) => language.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::location;

    #[test]
    fn the_location_reads_as_the_time_zones_city_and_the_language() {
        assert_eq!(
            location(Some("America/Argentina/Buenos_Aires"), Some("es-AR")).as_deref(),
            Some("Buenos Aires · es-AR")
        );
        assert_eq!(location(Some("UTC"), None).as_deref(), Some("UTC"));
        assert_eq!(location(None, Some("tr")).as_deref(), Some("tr"));
        assert_eq!(location(None, None), None);
    }
}
