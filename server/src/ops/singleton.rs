//! Periodic jobs that one node at a time runs for the whole installation (sweeps of the
//! queues and of vanished agents). Each round takes a Redis lock that expires before the
//! next round, so a node that dies mid-round only delays the next round.

use std::time::Duration;

use fred::interfaces::KeysInterface;
use fred::types::{Expiration, SetOptions};

use crate::error::AppResult;
use crate::state::AppState;

/// A job run every `period` by whichever node takes the round's lock.
pub struct Job {
    /// For logs and the failure metric, e.g. `"grace_sweep"`.
    pub name: &'static str,
    pub period: Duration,
}

impl Job {
    /// Runs `round` every period on one node at a time until the node shuts down. A failed
    /// round is counted and logged; the next one runs as usual.
    pub async fn run_forever<F, Fut>(self, state: AppState, round: F)
    where
        F: Fn(AppState) -> Fut,
        Fut: Future<Output = AppResult<()>>,
    {
        let mut every = tokio::time::interval(self.period);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = state.shutdown.cancelled() => return,
            }
            let result = match self.take_round(&state).await {
                Ok(true) => round(state.clone()).await,
                Ok(false) => Ok(()),
                Err(error) => Err(error.into()),
            };
            if let Err(error) = result {
                metrics::counter!("livedesk_job_failures_total", "job" => self.name).increment(1);
                tracing::error!(?error, job = self.name, "a periodic job failed");
            }
        }
    }

    async fn take_round(&self, state: &AppState) -> Result<bool, fred::error::Error> {
        // The lock ends a little before the next tick: held for the whole period, it would
        // still be there when the same node ticks again, and every other round would be lost.
        let lock = Expiration::PX((self.period.as_millis() * 9 / 10).max(1) as i64);
        let taken: Option<String> = state
            .redis
            .next()
            .set(
                format!("ld:job:{}:lock", self.name),
                state.config.node_id.as_str(),
                Some(lock),
                Some(SetOptions::NX),
                false,
            )
            .await?;
        Ok(taken.is_some())
    }
}
