//! Numbers with f64's precision and an exponent that does not overflow, for derivatives.
//!
//! A derivative is a product of local partials along a path; each partial may be far outside
//! f64's range while the product is not (`1e-200 · x · 1e300` has derivative 1e100, through an
//! adjoint of 1e-200 · 1e300). [`Wide`] keeps a mantissa in [0.5, 1) and an `i64` exponent, so
//! a product or sum of such numbers loses no more than f64 arithmetic does in its normal range
//! and never overflows or underflows; NaN marks a derivative that does not exist.
//!
//! [`Adj`] lets one reverse pass run over plain `f64` (fast, and exact while nothing leaves the
//! normal range — the f64 pass raises `trouble` the moment something does) and over [`Wide`]
//! (the same pass again, only when it was needed). Both give bit-identical results whenever
//! the f64 pass raised no trouble. Must not import egui or touch files.

/// A number `m · 2^e` with `0.5 ≤ |m| < 1`, or zero, or undefined (NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wide {
    m: f64,
    e: i64,
}

/// `2^k` for `k` in f64's normal exponent range.
fn pow2(k: i64) -> f64 {
    debug_assert!((-1022..=1023).contains(&k));
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `x = m · 2^e` with `0.5 ≤ |m| < 1` (`x` finite and not zero).
fn frexp(x: f64) -> (f64, i64) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * pow2(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// `m · 2^e`, rounded to f64 (infinite past f64's range, 0 below it).
fn ldexp(mut m: f64, mut e: i64) -> f64 {
    while e > 1023 {
        m *= pow2(1023);
        e -= 1023;
        if m.is_infinite() {
            return m;
        }
    }
    while e < -1022 {
        m *= pow2(-1022);
        e += 1022;
        if m == 0.0 {
            return m;
        }
    }
    m * pow2(e)
}

impl Wide {
    /// Zero.
    pub const ZERO: Wide = Wide { m: 0.0, e: 0 };
    /// A derivative that does not exist.
    pub const UNDEFINED: Wide = Wide { m: f64::NAN, e: 0 };

    /// `x` exactly; infinite or NaN `x` is [`Wide::UNDEFINED`].
    pub fn new(x: f64) -> Wide {
        if x == 0.0 {
            Wide::ZERO
        } else if !x.is_finite() {
            Wide::UNDEFINED
        } else {
            let (m, e) = frexp(x);
            Wide { m, e }
        }
    }

    fn normal(m: f64, e: i64) -> Wide {
        if m == 0.0 {
            Wide::ZERO
        } else if !m.is_finite() {
            Wide::UNDEFINED
        } else {
            let (m, k) = frexp(m);
            Wide { m, e: e + k }
        }
    }

    /// Whether this is exactly zero.
    pub fn is_zero(self) -> bool {
        self.m == 0.0
    }

    /// Whether this is undefined.
    pub fn is_undefined(self) -> bool {
        self.m.is_nan()
    }

    /// The product (one rounding, as f64's).
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, o: Wide) -> Wide {
        Wide::normal(self.m * o.m, self.e.saturating_add(o.e))
    }

    /// The quotient; undefined when `o` is zero.
    #[allow(clippy::should_implement_trait)]
    pub fn div(self, o: Wide) -> Wide {
        if o.is_zero() || o.is_undefined() {
            return Wide::UNDEFINED;
        }
        Wide::normal(self.m / o.m, self.e.saturating_sub(o.e))
    }

    /// The sum (one rounding, as f64's).
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, o: Wide) -> Wide {
        if self.is_undefined() || o.is_undefined() {
            return Wide::UNDEFINED;
        }
        if self.is_zero() {
            return o;
        }
        if o.is_zero() {
            return self;
        }
        let (big, small) = if self.e >= o.e { (self, o) } else { (o, self) };
        let d = big.e - small.e;
        if d > 1100 {
            return big;
        }
        Wide::normal(big.m + ldexp(small.m, -d), big.e)
    }

    /// `x^p` for `x ≠ 0` (`x < 0` only with a whole `p`), without overflow or underflow:
    /// through log₂, to about |p · log₂|x|| · 1e-16 relative.
    pub fn powf(x: f64, p: f64) -> Wide {
        if p == 0.0 {
            return Wide::new(1.0);
        }
        let direct = x.powf(p);
        if direct.is_normal() {
            return Wide::new(direct);
        }
        let (m, e) = frexp(x.abs());
        let l = p * (m.log2() + e as f64);
        if !l.is_finite() || l.abs() > 1e15 {
            return Wide::UNDEFINED;
        }
        let whole = l.floor();
        let mut w = Wide::normal((l - whole).exp2(), whole as i64);
        if x < 0.0 && p.rem_euclid(2.0) == 1.0 {
            w.m = -w.m;
        }
        w
    }

    /// The nearest f64; `None` when undefined or too large for f64 (below f64's range it is
    /// 0 or a subnormal).
    pub fn to_f64(self) -> Option<f64> {
        if self.is_undefined() {
            return None;
        }
        if self.is_zero() {
            return Some(0.0);
        }
        if self.e > 1024 {
            return None;
        }
        Some(ldexp(self.m, self.e.max(-1200))).filter(|v| v.is_finite())
    }
}

/// The arithmetic a reverse pass needs, over `f64` or [`Wide`].
///
/// The `f64` methods set `trouble` when a result leaves the normal range (overflow, underflow
/// to a subnormal or to zero from non-zero factors, NaN) — all but `plus`, whose overflow
/// stays infinite for the pass to find among its results; a pass that ends in trouble is run
/// again over [`Wide`], whose methods never set it.
pub(crate) trait Adj: Copy + std::fmt::Debug {
    /// Zero.
    const ZERO: Self;
    /// A number from f64 (infinite or NaN: a derivative that does not exist).
    fn of(x: f64) -> Self;
    /// The product.
    fn times(self, o: Self, trouble: &mut bool) -> Self;
    /// The quotient.
    fn over(self, o: Self, trouble: &mut bool) -> Self;
    /// The sum.
    fn plus(self, o: Self, trouble: &mut bool) -> Self;
    /// Whether exactly zero.
    fn zero(self) -> bool;
    /// Whether infinite or undefined.
    fn undefined(self) -> bool;
    /// A [`Wide`] number (over f64: `trouble` is set, as it left f64's range).
    fn of_wide(w: Wide, trouble: &mut bool) -> Self;
    /// `x^p` (see [`Wide::powf`]).
    fn pow(x: f64, p: f64, trouble: &mut bool) -> Self;
}

/// Whether an f64 result `r` of factors `a`, `b` left the normal range.
#[inline(always)]
fn abnormal(r: f64, a: f64, b: f64) -> bool {
    !r.is_normal() && (r != 0.0 || (a != 0.0 && b != 0.0))
}

impl Adj for f64 {
    const ZERO: f64 = 0.0;

    #[inline(always)]
    fn of(x: f64) -> f64 {
        x
    }

    #[inline(always)]
    fn times(self, o: f64, trouble: &mut bool) -> f64 {
        let r = self * o;
        if abnormal(r, self, o) {
            *trouble = true;
        }
        r
    }

    #[inline(always)]
    fn over(self, o: f64, trouble: &mut bool) -> f64 {
        let r = self / o;
        if abnormal(r, self, 1.0) {
            *trouble = true;
        }
        r
    }

    /// Not checked (the hot path of sums): an overflow to infinity stays infinite, so the
    /// pass checks its results for non-finite ones at the end.
    #[inline(always)]
    fn plus(self, o: f64, _: &mut bool) -> f64 {
        self + o
    }

    #[inline(always)]
    fn zero(self) -> bool {
        self == 0.0
    }

    #[inline(always)]
    fn undefined(self) -> bool {
        !self.is_finite()
    }

    fn of_wide(w: Wide, trouble: &mut bool) -> f64 {
        *trouble = true;
        w.to_f64().unwrap_or(f64::NAN)
    }

    #[inline(always)]
    fn pow(x: f64, p: f64, trouble: &mut bool) -> f64 {
        let r = x.powf(p);
        if abnormal(r, x, 1.0) {
            *trouble = true;
        }
        r
    }
}

impl Adj for Wide {
    const ZERO: Wide = Wide::ZERO;

    fn of(x: f64) -> Wide {
        Wide::new(x)
    }

    fn times(self, o: Wide, _: &mut bool) -> Wide {
        self.mul(o)
    }

    fn over(self, o: Wide, _: &mut bool) -> Wide {
        self.div(o)
    }

    fn plus(self, o: Wide, _: &mut bool) -> Wide {
        self.add(o)
    }

    fn zero(self) -> bool {
        self.is_zero()
    }

    fn undefined(self) -> bool {
        self.is_undefined()
    }

    fn of_wide(w: Wide, _: &mut bool) -> Wide {
        w
    }

    fn pow(x: f64, p: f64, _: &mut bool) -> Wide {
        if x == 0.0 {
            return if p > 0.0 {
                Wide::ZERO
            } else if p == 0.0 {
                Wide::new(1.0)
            } else {
                Wide::UNDEFINED
            };
        }
        Wide::powf(x, p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_kind_of_f64() {
        for x in [
            1.0,
            -3.5,
            1e300,
            -1e-300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1,
        ] {
            assert_eq!(Wide::new(x).to_f64(), Some(x), "{x}");
        }
        assert_eq!(Wide::new(f64::INFINITY).to_f64(), None);
        assert_eq!(Wide::new(f64::NAN).to_f64(), None);
    }

    #[test]
    fn products_and_sums_leave_f64_range_and_come_back() {
        let big = Wide::new(1e300);
        let tiny = Wide::new(1e-300);
        let p = big.mul(big).mul(tiny).mul(tiny);
        assert!((p.to_f64().unwrap_or(0.0) - 1.0).abs() < 1e-15);
        assert_eq!(big.mul(big).to_f64(), None);
        assert_eq!(tiny.mul(tiny).to_f64(), Some(0.0));
        let s = big.mul(big).add(big.mul(big)).div(big).div(big);
        assert!((s.to_f64().unwrap_or(0.0) - 2.0).abs() < 1e-15);
        assert_eq!(Wide::new(3.0).add(Wide::new(-3.0)), Wide::ZERO);
        assert!(Wide::new(1.0).div(Wide::ZERO).is_undefined());
    }

    #[test]
    fn powers_beyond_range() {
        let w = Wide::powf(1e-300, -2.0)
            .mul(Wide::new(1e-300))
            .mul(Wide::new(1e-300));
        assert!((w.to_f64().unwrap_or(0.0) - 1.0).abs() < 1e-12);
        let n = Wide::powf(-1e-200, 3.0)
            .div(Wide::new(-1e-200))
            .div(Wide::new(1e-200));
        assert!((n.to_f64().unwrap_or(0.0) - 1e-200).abs() < 1e-212);
        assert_eq!(Wide::powf(-2.0, 3.0).to_f64(), Some(-8.0));
    }

    #[test]
    fn f64_pass_raises_trouble_exactly_outside_the_normal_range() {
        let mut t = false;
        assert_eq!(2.0f64.times(3.0, &mut t), 6.0);
        assert_eq!(0.0f64.times(1e300, &mut t), 0.0);
        assert!(!t);
        let _ = 1e-200f64.times(1e-200, &mut t);
        assert!(t);
        let mut t = false;
        let _ = 1e200f64.times(1e200, &mut t);
        assert!(t);
        let mut t = false;
        let _ = 0.0f64.times(f64::INFINITY, &mut t);
        assert!(t);
        let mut t = false;
        let _ = 2.0f64.over(0.0, &mut t);
        assert!(t);
    }
}
