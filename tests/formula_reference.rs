//! The engine's values and derivatives against a slow reference written independently here:
//! random formulas over three inputs (at 0, negative, everyday, near 1e±300; constants as
//! huge and tiny as that), evaluated and differentiated by the engine (roll-up, one reverse
//! pass) and by a tree-walking, forward-mode (dual number) reference whose numbers have an
//! unbounded exponent, so no intermediate value or derivative overflows or underflows in it.
//!
//! The reference carries f64's 53-bit mantissa, not more: the comparison is to 1e-9 relative,
//! and a case is compared only where the formula is well conditioned at that point — no sum
//! that cancels more than three digits (of values or of derivatives), no comparison, `min` or
//! `max` within 1e-6 of a tie, no `ln` near 1, no intermediate value outside f64's normal
//! range (where f64 itself, and so the engine's roll-up, loses digits). There, every rounding
//! error of either side is amplified at most ~10³ per level, far below 1e-9 for these depths,
//! so any disagreement is a wrong derivative, not noise. "Defined" means: the engine gives a
//! number, and the reference gives a finite value and derivative that fits in f64.
#![allow(clippy::unwrap_used)]
// Derivative arrays (one slot per input) are walked in parallel, by index.
#![allow(clippy::needless_range_loop)]

use fulcrum::engine::{self, Analysis};
use fulcrum::model::{Formula, Map, Node, NodeId, NodeKind};

/// A number m · 2^e with 1 ≤ |m| < 2 (or zero, or NaN: undefined).
#[derive(Debug, Clone, Copy)]
struct Big {
    m: f64,
    e: i64,
}

const NAN: Big = Big { m: f64::NAN, e: 0 };
const ZERO: Big = Big { m: 0.0, e: 0 };

impl Big {
    fn of(x: f64) -> Big {
        if !x.is_finite() {
            return NAN;
        }
        Big { m: x, e: 0 }.norm()
    }

    /// Scales m into [1, 2) by powers of two (exact), moving them to e.
    fn norm(mut self) -> Big {
        if self.m == 0.0 || !self.m.is_finite() {
            return Big {
                m: if self.m == 0.0 { 0.0 } else { f64::NAN },
                e: 0,
            };
        }
        while self.m.abs() >= 2f64.powi(256) {
            self.m /= 2f64.powi(256);
            self.e += 256;
        }
        while self.m.abs() < 2f64.powi(-256) {
            self.m *= 2f64.powi(256);
            self.e -= 256;
        }
        while self.m.abs() >= 2.0 {
            self.m /= 2.0;
            self.e += 1;
        }
        while self.m.abs() < 1.0 {
            self.m *= 2.0;
            self.e -= 1;
        }
        self
    }

    fn nan(self) -> bool {
        self.m.is_nan()
    }

    fn zero(self) -> bool {
        self.m == 0.0
    }

    fn neg(self) -> Big {
        Big {
            m: -self.m,
            e: self.e,
        }
    }

    fn mul(self, o: Big) -> Big {
        if self.nan() || o.nan() {
            return NAN;
        }
        Big {
            m: self.m * o.m,
            e: self.e + o.e,
        }
        .norm()
    }

    fn div(self, o: Big) -> Big {
        if self.nan() || o.nan() || o.zero() {
            return NAN;
        }
        Big {
            m: self.m / o.m,
            e: self.e - o.e,
        }
        .norm()
    }

    fn add(self, o: Big) -> Big {
        if self.nan() || o.nan() {
            return NAN;
        }
        if self.zero() {
            return o;
        }
        if o.zero() {
            return self;
        }
        let (a, b) = if self.e >= o.e { (self, o) } else { (o, self) };
        let shift = a.e - b.e;
        if shift > 200 {
            return a;
        }
        Big {
            m: a.m + b.m / 2f64.powi(shift as i32),
            e: a.e,
        }
        .norm()
    }

    fn sub(self, o: Big) -> Big {
        self.add(o.neg())
    }

    /// log₂|x| as f64 (x ≠ 0).
    fn log2_abs(self) -> f64 {
        self.m.abs().log2() + self.e as f64
    }

    /// 2^l as a Big.
    fn exp2(l: f64) -> Big {
        if !l.is_finite() || l.abs() > 1e12 {
            return NAN;
        }
        let k = l.floor();
        Big {
            m: (l - k).exp2(),
            e: k as i64,
        }
        .norm()
    }

    fn to_f64(self) -> Option<f64> {
        if self.nan() {
            return None;
        }
        if self.zero() {
            return Some(0.0);
        }
        if self.e > 1023 {
            return None;
        }
        if self.e < -1100 {
            return Some(0.0);
        }
        let half = self.e / 2;
        Some(self.m * 2f64.powi(half as i32) * 2f64.powi((self.e - half) as i32))
            .filter(|v| v.is_finite())
    }
}

const VARS: usize = 3;
const NAMES: [&str; VARS] = ["x", "y", "z"];

/// A random formula.
#[derive(Debug, Clone)]
enum E {
    Var(usize),
    Num(f64),
    Neg(Box<E>),
    Bin(char, Box<E>, Box<E>),
    Pow(Box<E>, f64),
    PowVar(Box<E>, usize),
    Fun(&'static str, Box<E>),
    MinMax(bool, Box<E>, Box<E>),
    If(Box<E>, Box<E>, Box<E>, Box<E>),
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A value of the kinds an analyst meets: 0, negatives, everyday numbers, near 1e±300.
    fn number(&mut self) -> f64 {
        let mag = match self.below(8) {
            0 => return 0.0,
            1 => 1.0,
            2 => 10f64.powf(self.unit() * 6.0 - 3.0),
            3 => 10f64.powf(295.0 + self.unit() * 12.0).min(1.7e308),
            4 => 10f64.powf(-307.0 + self.unit() * 12.0),
            5 => (self.below(20) + 1) as f64,
            _ => self.unit() * 1000.0,
        };
        if self.below(3) == 0 { -mag } else { mag }
    }

    fn expr(&mut self, depth: u32) -> E {
        if depth == 0 || self.below(5) == 0 {
            return if self.below(4) == 0 {
                E::Num(self.number())
            } else {
                E::Var(self.below(VARS as u64) as usize)
            };
        }
        let d = depth - 1;
        let sub = |r: &mut Rng| Box::new(r.expr(d));
        match self.below(14) {
            0 | 1 => E::Bin('+', sub(self), sub(self)),
            2 => E::Bin('-', sub(self), sub(self)),
            3 | 4 => E::Bin('*', sub(self), sub(self)),
            5 => E::Bin('/', sub(self), sub(self)),
            6 => {
                let p = [2.0, 3.0, 0.5, -1.0, -2.0, 1.5][self.below(6) as usize];
                E::Pow(sub(self), p)
            }
            7 => E::PowVar(sub(self), self.below(VARS as u64) as usize),
            8 => E::Fun("sqrt", sub(self)),
            9 => E::Fun(["ln", "exp", "abs"][self.below(3) as usize], sub(self)),
            10 => E::Neg(sub(self)),
            11 => E::MinMax(self.below(2) == 0, sub(self), sub(self)),
            12 => E::If(sub(self), sub(self), sub(self), sub(self)),
            _ => E::Bin('*', sub(self), Box::new(E::Num(self.number()))),
        }
    }
}

/// The formula's text, fully parenthesised.
fn text(e: &E) -> String {
    match e {
        E::Var(i) => NAMES[*i].to_owned(),
        E::Num(x) if *x < 0.0 => format!("(-{:e})", -x),
        E::Num(x) => format!("{x:e}"),
        E::Neg(a) => format!("(-{})", text(a)),
        E::Bin(op, a, b) => format!("({} {op} {})", text(a), text(b)),
        E::Pow(a, p) if *p < 0.0 => format!("({} ^ (-{}))", text(a), -p),
        E::Pow(a, p) => format!("({} ^ {p})", text(a)),
        E::PowVar(a, i) => format!("({} ^ {})", text(a), NAMES[*i]),
        E::Fun(f, a) => format!("{f}({})", text(a)),
        E::MinMax(min, a, b) => {
            format!(
                "{}({}, {})",
                if *min { "min" } else { "max" },
                text(a),
                text(b)
            )
        }
        E::If(l, r, a, b) => format!("if({} < {}, {}, {})", text(l), text(r), text(a), text(b)),
    }
}

/// A value with its derivative along each input.
#[derive(Debug, Clone, Copy)]
struct Dual {
    v: Big,
    d: [Big; VARS],
}

/// Why the reference does not compare a case.
#[derive(Debug)]
enum Skip {
    /// No value (a domain error): nothing to compare.
    Undefined,
    /// Ill-conditioned at this point: f64 cannot be expected to hold 1e-9.
    IllConditioned,
}

fn cancels(a: Big, b: Big, sum: Big) -> bool {
    if a.zero() || b.zero() || a.nan() || b.nan() {
        return false;
    }
    let big = a.log2_abs().max(b.log2_abs());
    sum.zero() || sum.log2_abs() < big - 10.0
}

fn lift(x: Big, dx: [Big; VARS], f: impl Fn(Big) -> Big) -> [Big; VARS] {
    dx.map(|d| if d.zero() { ZERO } else { f(d).mul(x) })
}

/// Evaluates and differentiates `e` at `at`, forward mode.
fn reference(e: &E, at: &[f64; VARS]) -> Result<Dual, Skip> {
    let r = |e: &E| reference(e, at);
    let check = |v: Big| -> Result<Big, Skip> {
        if v.nan() {
            return Err(Skip::Undefined);
        }
        // Outside f64's normal range f64 (and so the roll-up) rounds away digits or fails.
        if !v.zero() && !(-1021.0..1023.0).contains(&v.log2_abs()) {
            return Err(Skip::IllConditioned);
        }
        Ok(v)
    };
    let out = match e {
        E::Var(i) => {
            let mut d = [ZERO; VARS];
            d[*i] = Big::of(1.0);
            Dual {
                v: Big::of(at[*i]),
                d,
            }
        }
        E::Num(x) => Dual {
            v: Big::of(*x),
            d: [ZERO; VARS],
        },
        E::Neg(a) => {
            let a = r(a)?;
            Dual {
                v: a.v.neg(),
                d: a.d.map(Big::neg),
            }
        }
        E::Bin(op, a, b) => {
            let (a, b) = (r(a)?, r(b)?);
            match op {
                '+' | '-' => {
                    let b = if *op == '-' {
                        Dual {
                            v: b.v.neg(),
                            d: b.d.map(Big::neg),
                        }
                    } else {
                        b
                    };
                    let v = a.v.add(b.v);
                    if cancels(a.v, b.v, v) {
                        return Err(Skip::IllConditioned);
                    }
                    let mut d = [ZERO; VARS];
                    for k in 0..VARS {
                        d[k] = a.d[k].add(b.d[k]);
                        if cancels(a.d[k], b.d[k], d[k]) {
                            return Err(Skip::IllConditioned);
                        }
                    }
                    Dual { v, d }
                }
                '*' => {
                    let mut d = [ZERO; VARS];
                    for k in 0..VARS {
                        let (p, q) = (a.d[k].mul(b.v), b.d[k].mul(a.v));
                        d[k] = p.add(q);
                        if cancels(p, q, d[k]) {
                            return Err(Skip::IllConditioned);
                        }
                    }
                    Dual { v: a.v.mul(b.v), d }
                }
                _ => {
                    if b.v.zero() {
                        return Err(Skip::Undefined);
                    }
                    let v = a.v.div(b.v);
                    let mut d = [ZERO; VARS];
                    for k in 0..VARS {
                        let (p, q) = (a.d[k].div(b.v), b.d[k].mul(v).div(b.v));
                        d[k] = p.sub(q);
                        if cancels(p, q.neg(), d[k]) {
                            return Err(Skip::IllConditioned);
                        }
                    }
                    Dual { v, d }
                }
            }
        }
        E::Pow(a, p) => pow(
            r(a)?,
            Dual {
                v: Big::of(*p),
                d: [ZERO; VARS],
            },
            true,
        )?,
        E::PowVar(a, i) => pow(r(a)?, r(&E::Var(*i))?, false)?,
        E::Fun(f, a) => {
            let a = r(a)?;
            match *f {
                "sqrt" => {
                    if a.v.m < 0.0 {
                        return Err(Skip::Undefined);
                    }
                    let v = if a.v.zero() {
                        ZERO
                    } else {
                        Big::exp2(a.v.log2_abs() / 2.0)
                    };
                    let half_over = Big::of(0.5).div(v);
                    Dual {
                        v,
                        d: lift(half_over, a.d, |d| d),
                    }
                }
                "ln" => {
                    if a.v.m <= 0.0 {
                        return Err(Skip::Undefined);
                    }
                    let l = a.v.log2_abs() * std::f64::consts::LN_2;
                    if l.abs() < 1e-3 {
                        return Err(Skip::IllConditioned);
                    }
                    Dual {
                        v: Big::of(l),
                        d: a.d.map(|d| d.div(a.v)),
                    }
                }
                "exp" => {
                    let x = a.v.to_f64().ok_or(Skip::IllConditioned)?;
                    let v = Big::exp2(x / std::f64::consts::LN_2);
                    Dual {
                        v,
                        d: lift(v, a.d, |d| d),
                    }
                }
                _ => {
                    if a.v.zero() {
                        return Err(Skip::IllConditioned);
                    }
                    let s = Big::of(a.v.m.signum());
                    Dual {
                        v: a.v.mul(s),
                        d: a.d.map(|d| d.mul(s)),
                    }
                }
            }
        }
        E::MinMax(min, a, b) => {
            let (a, b) = (r(a)?, r(b)?);
            let gap = a.v.sub(b.v);
            if cancels(a.v, b.v.neg(), gap) || gap.zero() {
                return Err(Skip::IllConditioned);
            }
            let a_less = gap.m < 0.0;
            if a_less == *min { a } else { b }
        }
        E::If(l, rr, a, b) => {
            let (l, rr) = (r(l)?, r(rr)?);
            let gap = l.v.sub(rr.v);
            if cancels(l.v, rr.v.neg(), gap) || gap.zero() {
                return Err(Skip::IllConditioned);
            }
            if gap.m < 0.0 { r(a)? } else { r(b)? }
        }
    };
    check(out.v)?;
    Ok(out)
}

/// a^b; `constant`: b is a literal (no derivative along it).
fn pow(a: Dual, b: Dual, constant: bool) -> Result<Dual, Skip> {
    let p = b.v.to_f64().ok_or(Skip::IllConditioned)?;
    if a.v.zero() {
        if p < 0.0 {
            return Err(Skip::Undefined);
        }
        // 0^p: at 0 the derivative along a is finite only for p ≥ 1; skip the corners.
        return Err(Skip::IllConditioned);
    }
    if a.v.m < 0.0 && p.fract() != 0.0 {
        return Err(Skip::Undefined);
    }
    if p == 0.0 {
        return Err(Skip::IllConditioned);
    }
    let mag = Big::exp2(p * a.v.log2_abs());
    let odd = a.v.m < 0.0 && p.rem_euclid(2.0) == 1.0;
    let v = if odd { mag.neg() } else { mag };
    // d/da = p · a^p / a; d/db = a^p · ln a (undefined at a < 0).
    let da = Big::of(p).mul(v).div(a.v);
    let ln_a = a.v.log2_abs() * std::f64::consts::LN_2;
    let mut d = [ZERO; VARS];
    for k in 0..VARS {
        let along_a = if a.d[k].zero() { ZERO } else { a.d[k].mul(da) };
        let along_b = if constant || b.d[k].zero() {
            ZERO
        } else if a.v.m < 0.0 {
            NAN
        } else {
            b.d[k].mul(v).mul(Big::of(ln_a))
        };
        d[k] = along_a.add(along_b);
        if cancels(along_a, along_b, d[k]) {
            return Err(Skip::IllConditioned);
        }
    }
    Ok(Dual { v, d })
}

/// Within 1e-9 relative (and a subnormal's rounding: f64 holds fewer digits down there).
fn agree(engine: f64, reference: f64) -> bool {
    (engine - reference).abs() <= 1e-9 * reference.abs() + 1e-315
}

fn map_of(formula: &str, at: &[f64; VARS]) -> Map {
    let mut map = Map::new("reference");
    let mut top = Node::new(NodeKind::Metric, "top");
    top.formula = Some(Formula::Expr(formula.to_owned()));
    map.insert(NodeId::new("top").unwrap(), top, None, 0)
        .unwrap();
    for (k, name) in NAMES.iter().enumerate() {
        let mut n = Node::new(NodeKind::Metric, *name);
        n.value = Some(at[k]);
        map.insert(NodeId::new(name).unwrap(), n, Some("top"), usize::MAX)
            .unwrap();
    }
    map
}

#[test]
fn engine_agrees_with_an_exact_range_reference_on_random_formulas() {
    let mut rng = Rng(14);
    let (mut values, mut derivatives, mut elasticities) = (0, 0, 0);
    let mut failures = Vec::new();
    for _ in 0..10_000 {
        let e = rng.expr(4);
        let at = [rng.number(), rng.number(), rng.number()];
        let src = text(&e);
        let map = map_of(&src, &at);
        let a = Analysis::new(&map, None, None).unwrap();
        let engine_value = a.value("top").unwrap();
        let Ok(reference) = reference(&e, &at) else {
            continue;
        };
        let Some(r) = reference.v.to_f64() else {
            continue;
        };
        let Ok(v) = engine_value else {
            failures.push(format!(
                "`{src}` at {at:?}: engine has no value, reference {r}"
            ));
            continue;
        };
        values += 1;
        if !agree(v, r) {
            failures.push(format!("`{src}` at {at:?}: value {v} vs {r}"));
            continue;
        }
        let lev = engine::leverage(&map, &a.program, &a.rollup, None).unwrap();
        for (k, name) in NAMES.iter().enumerate() {
            let Some(lever) = lev.levers.iter().find(|l| l.id.as_str() == *name) else {
                continue;
            };
            let reference_d = reference.d[k];
            if let (Some(s), Some(rd)) = (lever.sensitivity, reference_d.to_f64()) {
                derivatives += 1;
                if !agree(s, rd) {
                    failures.push(format!("`{src}` at {at:?}: d/d{name} {s} vs {rd}"));
                }
            }
            let reference_e = reference_d.mul(Big::of(at[k])).div(reference.v).to_f64();
            if let (Some(el), Some(re)) = (lever.elasticity, reference_e) {
                elasticities += 1;
                if !agree(el, re) {
                    failures.push(format!(
                        "`{src}` at {at:?}: elasticity of {name} {el} vs {re}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements (of {values} values, {derivatives} derivatives, {elasticities} \
         elasticities compared), first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
    // The comparison must have bitten: most well-conditioned cases are compared.
    assert!(
        values > 1500 && derivatives > 2500,
        "{values} values, {derivatives} derivatives"
    );
}
