//! How the site hands chats to agents: the strategy, automatic or manual assignment, the
//! queue timeout and the reconnect grace period (`/api/v1/site/routing`). Departments
//! choose their own strategy on the Departments page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use livedesk_protocol::routing::{RoutingConfig, Strategy};

use super::{Feedback, FeedbackLine, LoadState, fetch, send};
use crate::desk::{Desk, Load};

pub(crate) fn strategy_label(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::RoundRobin => "Round robin — each available agent in turn",
        Strategy::LeastBusy => "Least busy — the lowest load first",
        Strategy::SkillBased => "Skill based — best skill match, then load",
        Strategy::Department => "Department — the visitor's department, else everyone",
        Strategy::VipPriority => "VIP priority — VIPs to the most senior agent",
        Strategy::Language => "Language — agents speaking the visitor's language",
    }
}

pub(crate) fn strategy_key(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::RoundRobin => "round_robin",
        Strategy::LeastBusy => "least_busy",
        Strategy::SkillBased => "skill_based",
        Strategy::Department => "department",
        Strategy::VipPriority => "vip_priority",
        Strategy::Language => "language",
    }
}

pub(crate) fn strategy_from_key(key: &str) -> Option<Strategy> {
    Strategy::ALL.into_iter().find(|s| strategy_key(*s) == key)
}

#[component]
pub fn RoutingPage() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let config = RwSignal::new(RoutingConfig {
        strategy: Strategy::LeastBusy,
        auto_assign: true,
        reconnect_grace_secs: 60,
        queue_timeout_secs: 300,
    });
    let load = RwSignal::new(Load::Loading);
    let reload = move || fetch(desk, "/api/v1/site/routing", config, load);
    reload();
    view! {
        <LoadState load what="routing settings" retry=move |()| reload()>
            <RoutingForm stored=config.get_untracked() config/>
        </LoadState>
    }
}

#[component]
fn RoutingForm(stored: RoutingConfig, config: RwSignal<RoutingConfig>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let strategy = RwSignal::new(stored.strategy);
    let auto_assign = RwSignal::new(stored.auto_assign);
    let grace = RwSignal::new(stored.reconnect_grace_secs.to_string());
    let timeout = RwSignal::new(stored.queue_timeout_secs.to_string());
    let feedback = RwSignal::new(Feedback::Idle);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(reconnect_grace_secs), Ok(queue_timeout_secs)) = (
            grace.get_untracked().trim().parse::<u32>(),
            timeout.get_untracked().trim().parse::<u32>(),
        ) else {
            feedback.set(Feedback::Failed(
                "The grace period and the queue timeout are whole numbers of seconds.".into(),
            ));
            return;
        };
        let chosen = RoutingConfig {
            strategy: strategy.get_untracked(),
            auto_assign: auto_assign.get_untracked(),
            reconnect_grace_secs,
            queue_timeout_secs,
        };
        if let Err(error) = chosen.validate() {
            feedback.set(Feedback::Failed(super::agents::capitalised(
                &error.to_string(),
            )));
            return;
        }
        feedback.set(Feedback::Saving);
        spawn_local(async move {
            let result =
                send::<_, RoutingConfig>(desk, "PUT", "/api/v1/site/routing".into(), chosen).await;
            feedback.try_set(Feedback::from_result(&result, "Saved"));
            if let Ok(saved) = result {
                config.try_set(saved);
            }
        });
    };
    view! {
        <form class="ld-admin__form" data-ld="routing-form" on:submit=save novalidate>
            <fieldset class="ld-admin__fieldset">
                <legend>"Strategy"</legend>
                {Strategy::ALL.into_iter().map(|s| view! {
                    <label class="ld-check">
                        <input type="radio" name="strategy" value=strategy_key(s)
                            prop:checked=move || strategy.get() == s
                            on:change=move |_| strategy.set(s)/>
                        <span>{strategy_label(s)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset class="ld-admin__fieldset">
                <legend>"Assignment"</legend>
                <label class="ld-check">
                    <input type="radio" name="assignment" value="auto" prop:checked=move || auto_assign.get() on:change=move |_| auto_assign.set(true)/>
                    <span>"Automatic — Livedesk gives each new chat to an agent"</span>
                </label>
                <label class="ld-check">
                    <input type="radio" name="assignment" value="manual" prop:checked=move || !auto_assign.get() on:change=move |_| auto_assign.set(false)/>
                    <span>"Manual — agents accept chats from the queue"</span>
                </label>
            </fieldset>
            <div class="ld-admin__grid">
                <label class="ld-field"><span>"Queue timeout (seconds, 30–86400)"</span>
                    <input name="queue_timeout_secs" type="number" min="30" max="86400" prop:value=move || timeout.get() on:input=move |ev| timeout.set(event_target_value(&ev))/>
                    <small class="ld-muted">"After this wait the visitor is offered the offline form."</small>
                </label>
                <label class="ld-field"><span>"Reconnect grace period (seconds, 0–3600)"</span>
                    <input name="reconnect_grace_secs" type="number" min="0" max="3600" prop:value=move || grace.get() on:input=move |ev| grace.set(event_target_value(&ev))/>
                    <small class="ld-muted">"How long a disconnected agent keeps their chats."</small>
                </label>
            </div>
            <div class="ld-admin__buttons">
                <button type="submit" class="ld-button ld-button--primary" data-ld="routing-save">"Save"</button>
                <FeedbackLine feedback/>
            </div>
        </form>
    }
}
