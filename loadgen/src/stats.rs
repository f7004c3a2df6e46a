//! Latency summaries from raw samples: a sorted `Vec` is exact and small enough here
//! (at most a few hundred thousand samples a run).

use std::time::Duration;

use serde::Serialize;

/// Milliseconds, with microsecond resolution.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub samples: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The nearest-rank percentiles of `samples`; all zero when there are none.
pub fn summarize(mut samples: Vec<Duration>) -> Summary {
    samples.sort_unstable();
    let ms = |d: Duration| (d.as_micros() as f64) / 1000.0;
    let rank = |p: f64| {
        let n = samples.len();
        let index = ((p / 100.0) * n as f64).ceil() as usize;
        samples[index.clamp(1, n) - 1]
    };
    match samples.last() {
        None => Summary {
            samples: 0,
            p50_ms: 0.0,
            p99_ms: 0.0,
            max_ms: 0.0,
        },
        Some(&max) => Summary {
            samples: samples.len(),
            p50_ms: ms(rank(50.0)),
            p99_ms: ms(rank(99.0)),
            max_ms: ms(max),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: impl IntoIterator<Item = u64>) -> Vec<Duration> {
        values.into_iter().map(Duration::from_millis).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let cases = [
            (millis(1..=100), (50.0, 99.0, 100.0)),
            (millis([7]), (7.0, 7.0, 7.0)),
            (millis([30, 10, 20]), (20.0, 30.0, 30.0)),
        ];
        for (samples, (p50, p99, max)) in cases {
            let summary = summarize(samples);

            assert_eq!(
                (summary.p50_ms, summary.p99_ms, summary.max_ms),
                (p50, p99, max)
            );
        }
    }

    #[test]
    fn no_samples_is_all_zero() {
        assert_eq!(summarize(Vec::new()).samples, 0);
    }
}
