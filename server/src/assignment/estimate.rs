//! The wait a visitor is told: each place ahead costs the site's recent average chat length
//! shared among the seats of the agents taking chats now (seed: "3rd in line, about
//! 2 minutes"). Pure; the caller measures.

/// Seconds per place when nothing has been measured yet or nobody is taking chats.
pub const DEFAULT_SECS_PER_PLACE: u64 = 60;
/// Bounds that keep a young site's few measurements from promising too much or too little.
const MIN_SECS_PER_PLACE: f64 = 10.0;
const MAX_SECS_PER_PLACE: f64 = 600.0;

/// What one place in the queue costs, in seconds: the average chat length divided by the
/// seats (sum of `max_chats`) of the agents who take chats now.
pub fn secs_per_place(average_chat_secs: Option<f64>, seats: u32) -> u64 {
    match average_chat_secs {
        Some(average) if average.is_finite() && average > 0.0 && seats > 0 => {
            (average / f64::from(seats)).clamp(MIN_SECS_PER_PLACE, MAX_SECS_PER_PLACE) as u64
        }
        _ => DEFAULT_SECS_PER_PLACE,
    }
}

/// The wait told to the visitor at `position` (1 = next).
pub fn wait_secs(position: u64, secs_per_place: u64) -> u64 {
    position.saturating_mul(secs_per_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_follows_recent_chats_and_the_seats_taking_them() {
        let cases = [
            // (average chat, seats, place, wait, why)
            (Some(240.0), 6, 3, 120, "seed: 3rd in line, about 2 minutes"),
            (Some(240.0), 6, 1, 40, "next in line"),
            (Some(600.0), 1, 2, 1200, "one agent, one seat, long chats"),
            (None, 5, 2, 120, "nothing measured yet: a minute a place"),
            (Some(240.0), 0, 2, 120, "nobody taking chats: the default"),
            (Some(5.0), 10, 3, 30, "never under 10 s a place"),
            (Some(36_000.0), 1, 1, 600, "never over 10 minutes a place"),
            (Some(f64::NAN), 3, 1, 60, "a broken average is ignored"),
        ];
        for (average, seats, place, expected, why) in cases {
            let got = wait_secs(place, secs_per_place(average, seats));

            assert_eq!(got, expected, "{why}");
        }
    }
}
