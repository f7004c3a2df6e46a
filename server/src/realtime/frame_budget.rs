//! A per-socket budget for frames that cost Redis work and may reach every agent of the
//! site (a visitor's `page` and `activity`): a burst of [`BURST`], then one every
//! [`REFILL_EVERY`]. A person navigating never runs out; a runaway script does, and its
//! extra frames are refused instead of flooding the agents' dashboards.

use std::time::Duration;

use tokio::time::Instant;

pub const BURST: u32 = 20;
pub const REFILL_EVERY: Duration = Duration::from_millis(500);

pub struct FrameBudget {
    /// Frames that may pass now, at most [`BURST`].
    left: u32,
    /// When `left` was last refilled.
    since: Instant,
}

impl FrameBudget {
    pub fn new(now: Instant) -> Self {
        Self {
            left: BURST,
            since: now,
        }
    }

    /// Whether one more frame may pass at `now`, spending it if so.
    pub fn admit(&mut self, now: Instant) -> bool {
        let earned = now.duration_since(self.since).as_millis() / REFILL_EVERY.as_millis();
        if earned > 0 {
            let earned = u32::try_from(earned).unwrap_or(u32::MAX);
            self.left = self.left.saturating_add(earned).min(BURST);
            self.since += REFILL_EVERY * earned;
        }
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_one_frame_per_refill() {
        let start = Instant::now();
        let mut budget = FrameBudget::new(start);
        let burst = (0..BURST).filter(|_| budget.admit(start)).count();
        assert_eq!(burst, BURST as usize, "the whole burst passes");
        assert!(!budget.admit(start), "then nothing");
        assert!(
            !budget.admit(start + REFILL_EVERY / 2),
            "half a refill earns nothing"
        );
        assert!(
            budget.admit(start + REFILL_EVERY),
            "one refill earns one frame"
        );
        assert!(!budget.admit(start + REFILL_EVERY));
        let much_later = start + REFILL_EVERY * 1000;
        let refilled = (0..BURST + 5).filter(|_| budget.admit(much_later)).count();
        assert_eq!(
            refilled, BURST as usize,
            "never more than a burst is saved up"
        );
    }
}
