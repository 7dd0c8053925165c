//! Exact decimal ranks.
//!
//! Ranks are compared as written (`10 < 10.25 < 10.5 < 11`), never through a
//! float: a float would make `0.1000000000000000001` equal to `0.1` and let a
//! long run of moves into one gap silently produce ties.

use std::cmp::Ordering;
use std::fmt;

/// A decimal number of any length, normalised so that equal values have equal
/// representations (no leading zeros in the integer part, no trailing zeros in
/// the fraction, no negative zero).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Rank {
    negative: bool,
    /// The integer digits then the fraction's, in one allocation: every
    /// story read, summarised or copied has a rank.
    digits: Box<str>,
    /// Where the fraction starts in `digits`.
    point: usize,
}

/// Why a rank could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a decimal number (write digits with an optional `-` and one `.`, e.g. `12.5`)"
)]
pub struct RankError {
    pub text: String,
}

impl Rank {
    /// The digits before the point ("0" for none).
    fn int(&self) -> &str {
        &self.digits[..self.point]
    }

    /// The digits after the point (none when it is a whole number).
    fn frac(&self) -> &str {
        &self.digits[self.point..]
    }

    /// Reads a rank from its YAML source text (quotes already removed).
    pub fn parse(text: &str) -> Result<Rank, RankError> {
        let err = || RankError {
            text: text.to_string(),
        };
        let t = text.trim();
        let (negative, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !is_digits(int) || !is_digits(frac) {
            return Err(err());
        }
        Ok(Rank::from_parts(negative, int, frac))
    }

    fn from_parts(negative: bool, int: &str, frac: &str) -> Rank {
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let zero = int == "0" && frac.is_empty();
        let mut digits = String::with_capacity(int.len() + frac.len());
        digits.push_str(int);
        digits.push_str(frac);
        Rank {
            negative: negative && !zero,
            digits: digits.into_boxed_str(),
            point: int.len(),
        }
    }

    /// Builds a rank from a whole number.
    pub fn from_int(n: i64) -> Rank {
        Rank::from_parts(n < 0, &n.unsigned_abs().to_string(), "")
    }

    /// The rank as a float, for charts and sums only: never for ordering.
    pub fn approx(&self) -> f64 {
        self.to_string().parse().unwrap_or(0.0)
    }

    /// A number whose order is the ranks' order, coarser where a rank has
    /// more than 18 digits on either side of its point (there two ranks may
    /// share a key and are compared in full): `a < b` gives
    /// `a.order_key() <= b.order_key()`, and a smaller key a smaller rank.
    /// Sorting by it first compares numbers, not digits through pointers.
    pub fn order_key(&self) -> u128 {
        const DIGITS: usize = 18;
        // Beyond 18 digits before the point: one key for all of them, the
        // digits after it not looked at.
        let (int, frac) = if self.int().len() > DIGITS {
            (10u64.pow(DIGITS as u32), "")
        } else {
            (self.int().parse().unwrap_or(0), self.frac())
        };
        let frac = frac.as_bytes()[..frac.len().min(DIGITS)]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(DIGITS)
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        // Below 2^125: room for the sign's halves.
        let magnitude = u128::from(int) << 64 | u128::from(frac);
        let half = 1u128 << 126;
        if self.negative {
            half - 1 - magnitude
        } else {
            half + magnitude
        }
    }

    fn cmp_magnitude(&self, other: &Rank) -> Ordering {
        self.int()
            .len()
            .cmp(&other.int().len())
            .then_with(|| self.int().cmp(other.int()))
            .then_with(|| self.frac().cmp(other.frac()))
    }
}

impl Rank {
    /// The shortest decimal strictly between `lo` and `hi` (`lo < hi`), near
    /// their middle: between 3 and 4 is 3.5, between 10 and 10.5 is 10.2.
    /// Exact at any length, so repeated moves into one gap keep working.
    pub fn between(lo: &Rank, hi: &Rank) -> Rank {
        debug_assert!(lo < hi);
        let zero = Rank::from_int(0);
        match (lo.negative, hi.negative) {
            (true, false) if *hi != zero => zero,
            (true, _) => between_non_negative(&hi.negated(), &lo.negated()).negated(),
            (false, _) => between_non_negative(lo, hi),
        }
    }

    /// The largest multiple of 10 strictly below `hi`: where `--top` goes.
    pub fn below(hi: &Rank) -> Rank {
        Rank::above(&hi.negated()).negated()
    }

    /// The smallest multiple of 10 strictly above `lo`: where `--bottom` goes.
    pub fn above(lo: &Rank) -> Rank {
        if lo.negative {
            // -(largest multiple of 10 strictly below |lo|)
            let p = Digits::parse(lo.int());
            let tens = p.div_pow10(1);
            let exact = lo.frac().is_empty() && p.is_multiple_of_pow10(1);
            let below = if exact { tens.sub_one() } else { tens };
            return Rank::from_digits(true, &below.mul_pow10(1), 0);
        }
        let tens = Digits::parse(lo.int()).div_pow10(1).add_one();
        Rank::from_digits(false, &tens.mul_pow10(1), 0)
    }

    fn negated(&self) -> Rank {
        let mut r = self.clone();
        let zero = r.int() == "0" && r.frac().is_empty();
        r.negative = !r.negative && !zero;
        r
    }

    /// `digits` × 10^-`scale`.
    fn from_digits(negative: bool, digits: &Digits, scale: usize) -> Rank {
        let s = digits.to_string();
        let s = format!("{}{s}", "0".repeat((scale + 1).saturating_sub(s.len())));
        let (int, frac) = s.split_at(s.len() - scale);
        Rank::from_parts(negative, int, frac)
    }
}

/// `between` for `0 <= lo < hi`: try 0, 1, 2… fraction digits until a
/// multiple of that unit lies strictly between, then take the one nearest
/// below the midpoint.
fn between_non_negative(lo: &Rank, hi: &Rank) -> Rank {
    let mut scale = lo.frac().len().max(hi.frac().len());
    let scaled = |r: &Rank, scale: usize| {
        Digits::parse(&format!(
            "{}{}{}",
            r.int(),
            r.frac(),
            "0".repeat(scale - r.frac().len())
        ))
    };
    let (mut l, mut h) = (scaled(lo, scale), scaled(hi, scale));
    let mut digits = 0;
    loop {
        if digits > scale {
            l = l.mul_pow10(1);
            h = h.mul_pow10(1);
            scale += 1;
        }
        let m = scale - digits;
        let first = l.div_pow10(m).add_one();
        let qh = h.div_pow10(m);
        let last = if h.is_multiple_of_pow10(m) {
            qh.sub_one()
        } else {
            qh
        };
        if first <= last {
            let mid = l.add(&h).div_pow10(m).half();
            let pick = if mid < first {
                first
            } else if mid > last {
                last
            } else {
                mid
            };
            return Rank::from_digits(false, &pick, digits);
        }
        digits += 1;
    }
}

/// A non-negative integer of any size, as decimal digits (least significant
/// first, no trailing zeros; empty is zero). Just enough for rank arithmetic.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Digits(Vec<u8>);

impl Digits {
    fn parse(s: &str) -> Digits {
        Digits(s.bytes().rev().map(|b| b - b'0').collect()).trimmed()
    }

    fn trimmed(mut self) -> Digits {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn add(&self, other: &Digits) -> Digits {
        let mut out = Vec::with_capacity(self.0.len().max(other.0.len()) + 1);
        let mut carry = 0;
        for i in 0..self.0.len().max(other.0.len()) {
            let d = self.0.get(i).unwrap_or(&0) + other.0.get(i).unwrap_or(&0) + carry;
            out.push(d % 10);
            carry = d / 10;
        }
        if carry > 0 {
            out.push(carry);
        }
        Digits(out).trimmed()
    }

    fn add_one(&self) -> Digits {
        self.add(&Digits(vec![1]))
    }

    /// `self - 1`, saturating at zero.
    fn sub_one(&self) -> Digits {
        let mut out = self.0.clone();
        for d in out.iter_mut() {
            if *d > 0 {
                *d -= 1;
                return Digits(out).trimmed();
            }
            *d = 9;
        }
        Digits(Vec::new())
    }

    fn half(&self) -> Digits {
        let mut out = vec![0; self.0.len()];
        let mut rem = 0;
        for i in (0..self.0.len()).rev() {
            let cur = rem * 10 + self.0[i];
            out[i] = cur / 2;
            rem = cur % 2;
        }
        Digits(out).trimmed()
    }

    fn div_pow10(&self, m: usize) -> Digits {
        Digits(self.0.get(m..).unwrap_or(&[]).to_vec())
    }

    fn mul_pow10(&self, m: usize) -> Digits {
        if self.0.is_empty() {
            return self.clone();
        }
        let mut out = vec![0; m];
        out.extend_from_slice(&self.0);
        Digits(out)
    }

    fn is_multiple_of_pow10(&self, m: usize) -> bool {
        self.0.iter().take(m).all(|&d| d == 0)
    }
}

impl Ord for Digits {
    fn cmp(&self, other: &Digits) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Digits) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("0");
        }
        for d in self.0.iter().rev() {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl Ord for Rank {
    fn cmp(&self, other: &Rank) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Rank) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rank")
            .field("negative", &self.negative)
            .field("int", &self.int())
            .field("frac", &self.frac())
            .finish()
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str(self.int())?;
        if !self.frac().is_empty() {
            write!(f, ".{}", self.frac())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Rank {
        Rank::parse(s).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 8192, ..Default::default() })]
        /// The order key never puts two ranks the other way round, and
        /// tells apart every two ranks of up to 18 digits a side.
        #[test]
        fn the_order_key_orders_as_ranks_do(
            a in "-?[0-9]{1,22}(\\.[0-9]{1,22})?",
            b in "-?[0-9]{1,22}(\\.[0-9]{1,22})?",
            shared in "[0-9]{0,20}",
        ) {
            // Also with long digits in common, after the sign.
            let long = |x: &str| match x.strip_prefix('-') {
                Some(digits) => format!("-{shared}{digits}"),
                None => format!("{shared}{x}"),
            };
            for (a, b) in [(a.clone(), b.clone()), (long(&a), long(&b))] {
                let (a, b) = (r(&a), r(&b));
                let (ka, kb) = (a.order_key(), b.order_key());
                if ka != kb {
                    proptest::prop_assert_eq!(ka.cmp(&kb), a.cmp(&b), "{} {}", a, b);
                }
                let short = |x: &Rank| x.int().len() <= 18 && x.frac().len() <= 18;
                if short(&a) && short(&b) {
                    proptest::prop_assert_eq!(ka.cmp(&kb), a.cmp(&b), "{} {}", a, b);
                }
            }
        }
    }

    fn between(a: &str, b: &str) -> String {
        let (lo, hi) = (r(a), r(b));
        let m = Rank::between(&lo, &hi);
        assert!(lo < m && m < hi, "{m} is not between {a} and {b}");
        m.to_string()
    }

    #[test]
    fn between_is_the_shortest_decimal_near_the_middle() {
        assert_eq!(between("3", "4"), "3.5");
        assert_eq!(between("0", "10"), "5");
        assert_eq!(between("10", "10.5"), "10.2");
        assert_eq!(between("10", "11"), "10.5");
        assert_eq!(between("10", "20"), "15");
        assert_eq!(between("1.99", "2"), "1.995");
        assert_eq!(between("-5", "5"), "0");
        assert_eq!(between("-4", "-3"), "-3.5");
        assert_eq!(between("-1", "0"), "-0.5");
        assert_eq!(between("0", "0.001"), "0.0005");
        assert_eq!(
            between(
                "99999999999999999999999999999999999998",
                "99999999999999999999999999999999999999"
            ),
            "99999999999999999999999999999999999998.5"
        );
    }

    #[test]
    fn sixty_moves_into_one_gap_still_work() {
        // Always insert right after 1, before the previous insertion.
        let lo = r("1");
        let mut hi = r("2");
        for _ in 0..60 {
            let m = Rank::between(&lo, &hi);
            assert!(lo < m && m < hi);
            hi = m;
        }
        // And the other way: always right before 2.
        let mut lo = r("1");
        let hi = r("2");
        for _ in 0..60 {
            let m = Rank::between(&lo, &hi);
            assert!(lo < m && m < hi);
            lo = m;
        }
        assert!(lo.to_string().len() < 40, "{lo}");
    }

    #[test]
    fn top_and_bottom_are_round_numbers() {
        assert_eq!(Rank::below(&r("10")).to_string(), "0");
        assert_eq!(Rank::below(&r("12.5")).to_string(), "10");
        assert_eq!(Rank::below(&r("0")).to_string(), "-10");
        assert_eq!(Rank::below(&r("-15")).to_string(), "-20");
        assert_eq!(Rank::above(&r("60")).to_string(), "70");
        assert_eq!(Rank::above(&r("65.5")).to_string(), "70");
        assert_eq!(Rank::above(&r("-10")).to_string(), "0");
        assert_eq!(Rank::above(&r("-15")).to_string(), "-10");
        assert_eq!(Rank::above(&r("-5")).to_string(), "0");
    }

    #[test]
    fn orders_exactly_not_as_floats() {
        let mut v = [r("11"), r("10.5"), r("10"), r("10.25"), r("-1"), r("0.05")];
        v.sort();
        let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(s, ["-1", "0.05", "10", "10.25", "10.5", "11"]);
        assert!(r("0.1000000000000000000001") > r("0.1"));
        assert!(r("-2.5") < r("-2.25"));
    }

    #[test]
    fn normalises_equal_values() {
        assert_eq!(r("010.50"), r("10.5"));
        assert_eq!(r("-0"), r("0"));
        assert_eq!(r(".5").to_string(), "0.5");
        assert_eq!(r("+3.").to_string(), "3");
    }

    #[test]
    fn rejects_what_is_not_a_decimal() {
        for bad in ["", "-", ".", "1e3", "1.2.3", "ten", "1_000", "0x10", " "] {
            assert!(Rank::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
