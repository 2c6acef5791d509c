//! Numbers as people read them: a metric's value in its unit and display format.
//!
//! `Percent` 1.07 → `107%`, `Currency` with unit `$` → `$100,000`, `Integer` 25 with unit
//! `accounts` → `25 accounts`, `Number` → thousands separators, `Ratio` → `1.07×`. The compact
//! form (for cards) shortens large numbers (`$1.2M`); the full form is for the inspector, the
//! CLI's tables and exports. Pure functions of numbers and strings; nothing here touches egui
//! or the map.

use crate::model::{Direction, Display};

/// How much room the text has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// Short, for cards: large numbers abbreviated (`1.2M`).
    Compact,
    /// Every digit that matters.
    Full,
}

/// A value in its display format and unit.
pub fn format_value(value: f64, display: Display, unit: Option<&str>, width: Width) -> String {
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    match display {
        Display::Percent => format!("{}%", number(value * 100.0, 1, width)),
        Display::Ratio => format!("{}×", number(value, 2, width)),
        Display::Currency => {
            let digits = if value.abs() >= 1000.0 { 0 } else { 2 };
            let body = number(value.abs(), digits, width);
            let sign = if value < 0.0 { "-" } else { "" };
            match unit {
                Some(u) if is_symbol(u) => format!("{sign}{u}{body}"),
                Some(u) => format!("{sign}{body} {u}"),
                None => format!("{sign}{body}"),
            }
        }
        Display::Integer => with_unit(number(value.round(), 0, width), unit),
        Display::Number => with_unit(number(value, 2, width), unit),
    }
}

/// A difference between two values of the same metric, signed (`+2.1 pts`, `-$1,200`).
pub fn format_delta(delta: f64, display: Display, unit: Option<&str>) -> String {
    let sign = if delta > 0.0 { "+" } else { "" };
    match display {
        Display::Percent => format!("{sign}{} pts", number(delta * 100.0, 1, Width::Compact)),
        _ => {
            let text = format_value(delta, display, unit, Width::Compact);
            format!("{sign}{text}")
        }
    }
}

/// How far a value is from its target, in words that cannot be misread: `2.0 pts below
/// target` for a higher-is-better metric under its target, `$500 above target` for a
/// lower-is-better one over it. `None` when the target is met.
pub fn target_gap(
    value: f64,
    target: f64,
    direction: Direction,
    display: Display,
    unit: Option<&str>,
) -> Option<String> {
    let gap = value - target;
    let short = match direction {
        Direction::HigherIsBetter => gap < 0.0,
        Direction::LowerIsBetter => gap > 0.0,
    };
    if !short || gap.abs() <= 1e-12 * target.abs().max(1.0) {
        return None;
    }
    let amount = format_delta(gap.abs(), display, unit);
    let amount = amount.trim_start_matches('+');
    let side = if gap < 0.0 { "below" } else { "above" };
    Some(format!("{amount} {side} target"))
}

/// A relative change such as an expected lift (0.06 → `+6%`).
pub fn format_lift(lift: f64) -> String {
    let sign = if lift > 0.0 { "+" } else { "" };
    format!("{sign}{}%", number(lift * 100.0, 1, Width::Compact))
}

/// A plain number for an editable field: round-trips exactly, no separators.
pub fn editable_number(value: f64) -> String {
    format!("{value}")
}

/// Reads a number a person typed: separators, a currency sign and spaces are ignored, so
/// `$100,000` reads as 100000. `None` when it is not a finite number.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '$' | '€' | '£' | '¥'))
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn is_symbol(unit: &str) -> bool {
    unit.chars().count() <= 2 && !unit.chars().all(char::is_alphabetic)
}

fn with_unit(number: String, unit: Option<&str>) -> String {
    match unit {
        Some("%") => format!("{number}%"),
        Some(u) => format!("{number} {u}"),
        None => number,
    }
}

/// `value` with at most `max_decimals` decimals (trailing zeros dropped) and thousands
/// separators; in compact width, values from a million up as `1.2M`, `3.4B`.
fn number(value: f64, max_decimals: usize, width: Width) -> String {
    if width == Width::Compact {
        let abs = value.abs();
        for (scale, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M")] {
            if abs >= scale {
                return format!("{}{suffix}", trimmed(value / scale, 1));
            }
        }
        if abs >= 10_000.0 {
            return grouped(value, 0);
        }
    }
    grouped(value, max_decimals)
}

fn trimmed(value: f64, decimals: usize) -> String {
    let text = fixed(value, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `value` with `decimals` decimals: the text of `format!("{value:.decimals$}")` (the exact
/// value rounded half to even, the sign of a negative kept), made with integer arithmetic
/// for what cards show — at most two decimals, below 2^53 — at a tenth of the cost of the
/// formatting machinery (a 100k-node export formats ~400k numbers).
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    if decimals > 2 || value.is_nan() || value.abs() >= TWO_TO_53 {
        return format!("{value:.decimals$}");
    }
    let bits = value.to_bits();
    let (exponent, fraction) = (((bits >> 52) & 0x7ff) as i32, bits & ((1 << 52) - 1));
    // value = ±mantissa × 2^power exactly.
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent - 1075)
    };
    let scale = 10u64.pow(decimals as u32);
    let scaled = u128::from(mantissa) * u128::from(scale);
    // Below 2^53 the power is at most 0: the scaled value's whole part, rounded.
    let shift = power.unsigned_abs();
    let units = if shift == 0 {
        scaled
    } else if shift >= 128 {
        // Less than 2^-74: rounds to zero.
        0
    } else {
        let whole = scaled >> shift;
        let rest = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rest > half || (rest == half && whole & 1 == 1) {
            whole + 1
        } else {
            whole
        }
    };
    // At most 2^53 × 100: fits.
    let units = units as u64;
    let mut out = String::with_capacity(24);
    if bits >> 63 == 1 {
        out.push('-');
    }
    push_digits(&mut out, units / scale, 1);
    if decimals > 0 {
        out.push('.');
        push_digits(&mut out, units % scale, decimals);
    }
    out
}

/// [`fixed`] with a `+` before a number that has no sign (not before NaN): the text of
/// `format!("{value:+.decimals$}")`.
pub(crate) fn fixed_signed(value: f64, decimals: usize) -> String {
    let text = fixed(value, decimals);
    if text.starts_with('-') || value.is_nan() {
        text
    } else {
        format!("+{text}")
    }
}

/// 2^53: below it every number [`fixed`] is asked for is written without `format!`.
const TWO_TO_53: f64 = 9_007_199_254_740_992.0;

/// `n` in decimal, with leading zeros to at least `width` digits.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while n > 0 {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    at = at.min(digits.len() - width);
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

fn grouped(value: f64, decimals: usize) -> String {
    let text = trimmed(value, decimals);
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    // A negative that rounds to zero is written without its sign.
    if !(int.bytes().all(|b| b == b'0') && frac.is_none()) {
        out.push_str(sign);
    }
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_to_target_is_said_in_the_metrics_unit() {
        let gap = |v, t, d| target_gap(v, t, d, Display::Percent, Some("%"));
        assert_eq!(
            gap(1.08, 1.10, Direction::HigherIsBetter).as_deref(),
            Some("2 pts below target")
        );
        assert_eq!(gap(1.12, 1.10, Direction::HigherIsBetter), None);
        assert_eq!(gap(1.10, 1.10, Direction::HigherIsBetter), None);
        let cost = target_gap(
            4500.0,
            4000.0,
            Direction::LowerIsBetter,
            Display::Currency,
            Some("$"),
        );
        assert_eq!(cost.as_deref(), Some("$500 above target"));
    }

    #[test]
    fn displays() {
        let c = Width::Compact;
        assert_eq!(format_value(1.07, Display::Percent, Some("%"), c), "107%");
        assert_eq!(format_value(0.045, Display::Percent, None, c), "4.5%");
        assert_eq!(
            format_value(100_000.0, Display::Currency, Some("$"), Width::Full),
            "$100,000"
        );
        assert_eq!(format_value(200.0, Display::Currency, Some("$"), c), "$200");
        assert_eq!(format_value(12.5, Display::Currency, Some("$"), c), "$12.5");
        assert_eq!(
            format_value(-1200.0, Display::Currency, Some("$"), c),
            "-$1,200"
        );
        assert_eq!(
            format_value(2_500_000.0, Display::Currency, Some("$"), c),
            "$2.5M"
        );
        assert_eq!(
            format_value(300.0, Display::Currency, Some("EUR"), c),
            "300 EUR"
        );
        assert_eq!(
            format_value(25.0, Display::Integer, Some("accounts"), c),
            "25 accounts"
        );
        assert_eq!(format_value(1234.567, Display::Number, None, c), "1,234.57");
        assert_eq!(format_value(1.07, Display::Ratio, None, c), "1.07×");
        assert_eq!(format_value(-0.0001, Display::Integer, None, c), "0");
    }

    #[test]
    fn deltas_and_lifts() {
        assert_eq!(format_delta(0.021, Display::Percent, None), "+2.1 pts");
        assert_eq!(
            format_delta(-2000.0, Display::Currency, Some("$")),
            "-$2,000"
        );
        assert_eq!(format_lift(0.06), "+6%");
    }

    /// `fixed` against the formatting machinery it stands in for.
    fn assert_fixed_is_format(v: f64) {
        for decimals in 0..=3 {
            assert_eq!(
                fixed(v, decimals),
                format!("{v:.decimals$}"),
                "{v:?} {decimals}"
            );
            assert_eq!(
                fixed_signed(v, decimals),
                format!("{v:+.decimals$}"),
                "{v:?} {decimals}"
            );
        }
    }

    #[test]
    fn fixed_numbers_round_as_format_does() {
        // Ties (exact in binary) go to the even digit; signs of negatives, even of zero,
        // are kept; tiny, subnormal, huge and non-finite values.
        for v in [
            0.0,
            -0.0,
            0.25,
            0.35,
            0.125,
            0.375,
            2.5,
            1.5,
            0.5,
            -0.5,
            -0.01,
            0.045,
            1.005,
            2.675,
            9.995,
            99.5,
            1e-300,
            5e-324,
            -5e-324,
            4503599627370495.5,
            9.007199254740991e15,
            9.007199254740992e15,
            1e20,
            -1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ] {
            assert_fixed_is_format(v);
        }
        for k in -4000..4000 {
            // Every multiple of 1/8 and of 0.005 around zero: all the ties, and their
            // neighbours.
            assert_fixed_is_format(f64::from(k) / 8.0);
            assert_fixed_is_format(f64::from(k) * 0.005);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        #[test]
        fn fixed_numbers_are_format_for_any_value(bits in proptest::num::u64::ANY) {
            assert_fixed_is_format(f64::from_bits(bits));
        }

        #[test]
        fn fixed_numbers_are_format_for_card_sized_values(v in -1e13f64..1e13) {
            assert_fixed_is_format(v);
            assert_fixed_is_format(v / 1e6);
        }
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_number("$100,000"), Some(100_000.0));
        assert_eq!(parse_number(" 1.5e3 "), Some(1500.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("inf"), None);
    }
}
