//! The queue's upkeep, every few seconds on one node: waiting visitors' priority ages
//! (+1 for every 2 minutes), so their scores are recomputed and the places told again; and
//! a visitor who has waited longer than the site's queue timeout is offered the offline
//! form, once per wait.

use std::time::Duration;

use livedesk_protocol::ids::{ConversationId, SiteId, VisitorId};
use time::OffsetDateTime;

use super::{announce_queue, ensure_queue, settings, store};
use crate::error::AppResult;
use crate::ops::singleton::Job;
use crate::queue::Line;
use crate::realtime::event::HubEvent;
use crate::realtime::send::publish;
use crate::routing;
use crate::state::AppState;

/// How often the queues are looked after: well within the 2-minute aging step, and the
/// precision of the wait timeout.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

pub async fn upkeep_forever(state: AppState) {
    let job = Job {
        name: "queue_upkeep",
        period: UPKEEP_EVERY,
    };
    job.run_forever(state, |state| async move {
        for site in store::sites_with_waiting(&state.db).await? {
            look_after(&state, site).await?;
        }
        Ok(())
    })
    .await;
}

async fn look_after(state: &AppState, site: SiteId) -> AppResult<()> {
    ensure_queue(state, site).await?;
    let now = OffsetDateTime::now_utc();
    let waiting = store::waiting(&state.db, site, None).await?;
    let mut by_line: Vec<(Line, Vec<(ConversationId, f64)>)> = Vec::new();
    for w in &waiting {
        let line = w.line(site);
        let score = (w.entry.conversation, routing::score(&w.entry, now));
        match by_line.iter_mut().find(|(l, _)| *l == line) {
            Some((_, scores)) => scores.push(score),
            None => by_line.push((line, vec![score])),
        }
    }
    for (line, scores) in &by_line {
        state.queue.rescore(*line, scores).await?;
    }
    announce_queue(state, site).await?;
    offer_offline_form(state, site).await
}

/// Marks conversations that waited past the timeout and tells their visitors (and the
/// agents). The mark makes it once per wait, whichever node runs the round.
async fn offer_offline_form(state: &AppState, site: SiteId) -> AppResult<()> {
    let timeout = settings::load(&state.db, site).await?.queue_timeout;
    let timed_out = sqlx::query!(
        r#"UPDATE conversations SET wait_timed_out_at = now()
           WHERE site_id = $1 AND status = 'open' AND assigned_agent_id IS NULL
             AND wait_timed_out_at IS NULL AND queued_at <= now() - make_interval(secs => $2)
           RETURNING id, visitor_id, extract(epoch FROM now() - queued_at)::bigint AS "waited!""#,
        site.0,
        timeout.as_secs_f64()
    )
    .fetch_all(&state.db)
    .await?;
    for row in timed_out {
        let event = HubEvent::WaitTimedOut {
            conversation_id: ConversationId(row.id),
            visitor_id: VisitorId(row.visitor_id),
            waited_secs: u64::try_from(row.waited).unwrap_or(0),
        };
        publish(state, site, &event).await;
    }
    Ok(())
}
