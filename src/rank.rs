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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rank {
    negative: bool,
    int: String,
    frac: String,
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
        Rank {
            negative: negative && !zero,
            int: int.to_string(),
            frac: frac.to_string(),
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

    fn cmp_magnitude(&self, other: &Rank) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
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

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str(&self.int)?;
        if !self.frac.is_empty() {
            write!(f, ".{}", self.frac)?;
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
