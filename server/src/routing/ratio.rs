//! Exact fractions for the routing scores.
//!
//! The seed's load and skill formulas divide (`active / max`, `matched / required`). With
//! floats, two agents whose loads are equal on paper (1/5 and 2/10) can differ in the last
//! bit, and then the documented tie-breaks never get a say. Comparing fractions by cross
//! multiplication keeps equal scores equal, so the same snapshot always picks the same agent.

use std::cmp::Ordering;

/// `num / den` with `den > 0`. Never reduced: comparisons cross-multiply in `i128`, which
/// holds the products of any chat counts an agent can have.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    /// `den` must be positive; callers divide by counts they have checked are non-zero.
    pub(super) const fn new(num: i128, den: i128) -> Self {
        debug_assert!(den > 0, "a ratio needs a positive denominator");
        Self { num, den }
    }

    pub(super) const fn whole(n: i128) -> Self {
        Self::new(n, 1)
    }

    pub(super) fn add(self, other: Self) -> Self {
        Self::new(
            self.num * other.den + other.num * self.den,
            self.den * other.den,
        )
    }

    pub(super) fn sub(self, other: Self) -> Self {
        Self::new(
            self.num * other.den - other.num * self.den,
            self.den * other.den,
        )
    }

    pub(super) fn mul(self, other: Self) -> Self {
        Self::new(self.num * other.num, self.den * other.den)
    }

    /// For display and logs only; never compare the float.
    pub(super) fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ratio {}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_fractions_compare_equal_whatever_their_terms() {
        assert_eq!(Ratio::new(1, 5), Ratio::new(2, 10));
        assert_eq!(Ratio::new(1, 3), Ratio::new(100, 300));
    }

    #[test]
    fn ordering_follows_the_value() {
        let cases = [
            (Ratio::new(1, 3), Ratio::new(1, 2), Ordering::Less),
            (Ratio::new(-1, 2), Ratio::new(0, 7), Ordering::Less),
            (Ratio::new(7, 10), Ratio::new(69, 100), Ordering::Greater),
            (Ratio::whole(3), Ratio::new(9, 3), Ordering::Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(a.cmp(&b), expected, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        // 0.7 × 1/2 + 0.3 × 3/5 = 0.35 + 0.18 = 0.53
        let score = Ratio::new(7, 10)
            .mul(Ratio::new(1, 2))
            .add(Ratio::new(3, 10).mul(Ratio::new(3, 5)));
        assert_eq!(score, Ratio::new(53, 100));
        assert_eq!(Ratio::whole(1).sub(Ratio::new(1, 4)), Ratio::new(3, 4));
        assert_eq!(Ratio::new(53, 100).to_f64(), 0.53);
    }
}
