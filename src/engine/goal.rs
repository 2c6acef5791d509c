//! Questions about one lever, answered by exact re-evaluation (never a linear guess):
//! the top at 0.9× and 1.1× of the lever (the tornado), and goal seek — the lever's value
//! that makes the top reach a target, or why no value does.
//!
//! Goal seek brackets the target by stepping away from the lever's current value in growing
//! steps (doubling, in both directions), then closes in by bisection mixed with secant steps
//! (the Illinois variant of regula falsi), so it converges on any continuous formula and
//! quickly on smooth ones. A lever whose value is not negative is not searched below 0 (a
//! count, a price or a rate does not go negative); a probe where the top has no value
//! (division by zero, `ln` of a negative) ends the search in that direction.

use super::program::Program;
use super::rollup::{Rollup, WhatIf};

/// Why goal seek found no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreachable {
    /// The top does not move when the lever moves.
    Flat,
    /// Every value the lever can take leaves the top short of the target; `closest` is the
    /// nearest the top comes, at lever value `at`.
    PastBound {
        /// The top's value nearest to the target.
        closest: f64,
        /// The lever's value that gives it.
        at: f64,
        /// The search stopped at 0 (the lever cannot go negative).
        needs_negative: bool,
    },
    /// The top has no value now.
    NoValue(String),
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreachable::Flat => write!(f, "the top does not move with this lever"),
            Unreachable::PastBound {
                needs_negative: true,
                ..
            } => write!(f, "the target needs this lever below 0"),
            Unreachable::PastBound { closest, at, .. } => write!(
                f,
                "the target lies out of reach: the top comes closest at {closest} (lever at {at})"
            ),
            Unreachable::NoValue(why) => write!(f, "the top has no value: {why}"),
        }
    }
}

/// How far apart two values may be to count as equal: relative, with an absolute floor.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-9)
}

/// Answers for one lever against one top, reusing buffers between questions.
pub struct LeverQuestions<'a> {
    program: &'a Program,
    rollup: &'a Rollup,
    lever: u32,
    top: u32,
    buffers: WhatIf,
}

impl<'a> LeverQuestions<'a> {
    /// Questions about metric `lever` of `program` against `top`, at the values of `rollup`.
    pub fn new(program: &'a Program, rollup: &'a Rollup, lever: u32, top: u32) -> Self {
        Self {
            program,
            rollup,
            lever,
            top,
            buffers: WhatIf::default(),
        }
    }

    /// The top's value with the lever at `value` (everything else as it is).
    pub fn top_at(&mut self, value: f64) -> Result<f64, String> {
        self.program
            .what_if_with(&mut self.buffers, self.rollup, self.lever, value, self.top)
    }

    /// The top at 0.9× and 1.1× of the lever's current value (the ±10% tornado).
    pub fn tornado(&mut self) -> Option<(f64, f64)> {
        let v = self.rollup.value(self.lever).ok()?;
        let low = self.top_at(0.9 * v).ok()?;
        let high = self.top_at(1.1 * v).ok()?;
        Some((low, high))
    }

    /// The lever's value that makes the top equal `target`.
    pub fn goal_seek(&mut self, target: f64) -> Result<f64, Unreachable> {
        let v0 = self
            .rollup
            .value(self.lever)
            .map_err(|e| Unreachable::NoValue(e.to_owned()))?;
        let f0 = self.top_at(v0).map_err(Unreachable::NoValue)? - target;
        if close(f0 + target, target) {
            return Ok(v0);
        }
        let floor = if v0 >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
        let mut best = (f0.abs(), v0);
        let mut moved = false;
        let mut hit_floor = false;
        let step0 = v0.abs().max(1.0) * 0.01;
        for dir in [1.0, -1.0] {
            let (mut a, mut fa) = (v0, f0);
            let mut step = step0;
            for _ in 0..1100 {
                let mut b = a + dir * step;
                if b < floor {
                    b = floor;
                }
                if !b.is_finite() || b == a {
                    break;
                }
                let Ok(top) = self.top_at(b) else {
                    break;
                };
                let fb = top - target;
                moved |= !close(top, f0 + target);
                if fb.abs() < best.0 {
                    best = (fb.abs(), b);
                }
                if fb == 0.0 {
                    return Ok(b);
                }
                if fa.signum() != fb.signum() {
                    return Ok(self.refine(target, [(a, fa), (b, fb)]));
                }
                if b == floor {
                    hit_floor = true;
                    break;
                }
                a = b;
                fa = fb;
                step *= 2.0;
            }
        }
        if !moved {
            return Err(Unreachable::Flat);
        }
        let closest = self.top_at(best.1).unwrap_or(f0 + target);
        let at_floor = best.1 == floor;
        Err(Unreachable::PastBound {
            closest,
            at: best.1,
            needs_negative: hit_floor && at_floor,
        })
    }

    /// Closes in on the lever value in [a, b] where the top crosses `target` (f(a) and f(b)
    /// are the top minus the target there, of opposite signs).
    fn refine(&mut self, target: f64, ends: [(f64, f64); 2]) -> f64 {
        let [(mut a, mut fa), (mut b, mut fb)] = ends;
        let mut side = 0i8;
        for _ in 0..200 {
            // Illinois: a secant step, with the stale end's value halved so it cannot stall.
            let secant = (a * fb - b * fa) / (fb - fa);
            let mid = 0.5 * (a + b);
            let c = if secant.is_finite() && secant > a.min(b) && secant < a.max(b) {
                secant
            } else {
                mid
            };
            let Ok(top) = self.top_at(c) else {
                return mid;
            };
            let fc = top - target;
            if fc == 0.0 || close(a, b) || close(top, target) {
                return c;
            }
            if fc.signum() == fb.signum() {
                b = c;
                fb = fc;
                if side == -1 {
                    fa *= 0.5;
                }
                side = -1;
            } else {
                a = c;
                fa = fc;
                if side == 1 {
                    fb *= 0.5;
                }
                side = 1;
            }
        }
        if fa.abs() < fb.abs() { a } else { b }
    }
}
