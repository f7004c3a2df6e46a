//! Sites whose public status may have changed, waiting for this node to recompute it. A
//! burst of events about one site (an agent and a queue moving at once) is one nudge.

use std::collections::HashSet;
use std::sync::Mutex;

use livedesk_protocol::ids::SiteId;
use tokio::sync::Notify;

#[derive(Default)]
pub struct StatusNudges {
    /// A std mutex: held only to insert or drain, never across an await. Bounded by the
    /// number of sites this node has sockets for.
    pending: Mutex<HashSet<SiteId>>,
    /// Keeps a wake-up for a waiter that is not waiting yet, so no nudge is lost.
    wake: Notify,
}

impl StatusNudges {
    pub fn nudge(&self, site: SiteId) {
        if self.pending().insert(site) {
            self.wake.notify_one();
        }
    }

    /// Waits for nudged sites and takes them all.
    pub async fn next(&self) -> Vec<SiteId> {
        loop {
            let sites: Vec<SiteId> = self.pending().drain().collect();
            if !sites.is_empty() {
                return sites;
            }
            self.wake.notified().await;
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashSet<SiteId>> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_about_one_site_is_one_nudge() {
        let nudges = StatusNudges::default();
        let (a, b) = (SiteId::new_random(), SiteId::new_random());
        nudges.nudge(a);
        nudges.nudge(a);
        nudges.nudge(b);
        let mut sites = nudges.next().await;
        sites.sort();
        let mut expected = vec![a, b];
        expected.sort();
        assert_eq!(sites, expected);
    }
}
