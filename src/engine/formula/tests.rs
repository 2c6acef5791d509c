//! Tests of the formula parser, evaluator and derivatives.

use proptest::prelude::*;

use super::*;

fn parse_ok(src: &str) -> Tape {
    match Tape::parse(src) {
        Ok(t) => t,
        Err(e) => panic!("`{src}` should parse: {e}"),
    }
}

fn parse_err(src: &str) -> FormulaError {
    match Tape::parse(src) {
        Ok(t) => panic!("`{src}` should not parse: {t:?}"),
        Err(e) => e,
    }
}

/// Evaluates `src` with the variables bound by name.
fn eval_named(src: &str, binds: &[(&str, f64)]) -> Result<f64, EvalError> {
    let tape = parse_ok(src);
    let values: Vec<f64> = tape
        .vars()
        .iter()
        .map(|v| {
            binds
                .iter()
                .find(|(n, _)| *n == v)
                .map(|&(_, x)| x)
                .unwrap_or_else(|| panic!("no value for {v}"))
        })
        .collect();
    let plain = tape.eval(&values, &mut Vec::new());
    let mut grad = vec![0.0; values.len()];
    let with_grad = tape
        .eval_grad(&values, 1.0, &mut grad, &mut Scratch::new())
        .map(|(v, _)| v);
    // Both evaluators agree, except eval_grad may also find an infinite derivative.
    if !matches!(with_grad, Err(EvalError::InfiniteDerivative { .. })) {
        assert_eq!(plain, with_grad, "eval and eval_grad disagree on `{src}`");
    }
    plain
}

fn val(src: &str, binds: &[(&str, f64)]) -> f64 {
    match eval_named(src, binds) {
        Ok(v) => v,
        Err(e) => panic!("`{src}` should evaluate: {e}"),
    }
}

fn eval_msg(src: &str, binds: &[(&str, f64)]) -> String {
    match eval_named(src, binds) {
        Ok(v) => panic!("`{src}` should fail, gave {v}"),
        Err(e) => e.to_string(),
    }
}

/// Gradient of `src` (by variable name) at the bound values, with seed 1.
fn grad_named(src: &str, binds: &[(&str, f64)]) -> (f64, bool, Vec<(String, f64)>) {
    let tape = parse_ok(src);
    let values: Vec<f64> = tape
        .vars()
        .iter()
        .map(|v| binds.iter().find(|(n, _)| *n == v).map_or(0.0, |&(_, x)| x))
        .collect();
    let mut grad = vec![0.0; values.len()];
    let (v, approx) = tape
        .eval_grad(&values, 1.0, &mut grad, &mut Scratch::new())
        .unwrap_or_else(|e| panic!("`{src}`: {e}"));
    let named = tape.vars().iter().map(str::to_owned).zip(grad).collect();
    (v, approx, named)
}

fn d(grads: &[(String, f64)], name: &str) -> f64 {
    grads
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0.0, |&(_, g)| g)
}

// ---------------------------------------------------------------- parsing and precedence

#[test]
fn numbers_parse_exactly() {
    for text in [
        "3",
        "0.5",
        "1e-3",
        ".5",
        "5.",
        "1.5E+2",
        "0.1",
        "123456789.123456789e-7",
    ] {
        let expect: f64 = text.parse().unwrap();
        assert_eq!(val(text, &[]).to_bits(), expect.to_bits(), "{text}");
    }
}

#[test]
fn precedence_and_associativity() {
    let a = [("a", 3.0), ("b", 2.0), ("c", 4.0)];
    assert_eq!(val("-a^2", &a), -9.0);
    assert_eq!(val("(-a)^2", &a), 9.0);
    assert_eq!(val("2^3^2", &a), 512.0);
    assert_eq!(val("a^-b", &a), 1.0 / 9.0);
    assert_eq!(val("2^-1*4", &a), 2.0);
    assert_eq!(val("1 - 2 - 3", &a), -4.0);
    assert_eq!(val("8 / 4 / 2", &a), 1.0);
    assert_eq!(val("2 + 3 * 4", &a), 14.0);
    assert_eq!(val("(2 + 3) * 4", &a), 20.0);
    assert_eq!(val("2 * -3", &a), -6.0);
    assert_eq!(val("a - -b", &a), 5.0);
    assert_eq!(val("--a", &a), 3.0);
    assert_eq!(val("-a * b", &a), -6.0);
    assert_eq!(val("a + b < c", &a), 0.0);
    assert_eq!(val("a < b + c", &a), 1.0);
    assert_eq!(val("(a < b) == 0", &a), 1.0);
    assert_eq!(
        val("a <= 3", &a) + val("a >= 3", &a) + val("a == 3", &a),
        3.0
    );
    assert_eq!(val("a != 3", &a) + val("a > 3", &a) + val("a < 3", &a), 0.0);
}

#[test]
fn functions() {
    let a = [("a", 3.0), ("b", -2.0), ("c", 4.0)];
    assert_eq!(val("min(a, b)", &a), -2.0);
    assert_eq!(val("max(a, b, c)", &a), 4.0);
    assert_eq!(val("min(c, a, b, 7)", &a), -2.0);
    assert_eq!(val("abs(b)", &a), 2.0);
    assert_eq!(val("sqrt(c)", &a), 2.0);
    assert_eq!(val("ln(exp(a))", &a), 3.0);
    assert_eq!(val("if(a > 0, a, b)", &a), 3.0);
    assert_eq!(val("if(a < 0, a, b)", &a), -2.0);
    assert_eq!(val("if(0.5, 1, 2) + if(0, 1, 2)", &a), 3.0);
    assert_eq!(val("if(a, if(b, 1, 2), if(c, 3, 4)) * 10", &a), 10.0);
    assert_eq!(val("2 * min(max(a, 1), c) ^ 2", &a), 18.0);
    // Only the branch taken is evaluated.
    assert_eq!(val("if(n > 0, s / n, 0)", &[("n", 0.0), ("s", 5.0)]), 0.0);
    assert_eq!(val("if(x > 0, ln(x), -1)", &[("x", -1.0)]), -1.0);
}

#[test]
fn vars_in_first_appearance_order() {
    let t = parse_ok("b + a * b - _c1 / a");
    assert_eq!(t.vars(), ["b", "a", "_c1"]);
    assert_eq!(
        (t.var_offsets(0), t.var_offsets(1), t.var_offsets(2)),
        (0, 4, 12)
    );
    assert_eq!(t.var_offsets(7), 0);
    assert_eq!(t.source(), "b + a * b - _c1 / a");
    // b a b * + _c1 a / -
    assert_eq!(t.len(), 9);
    assert!(!t.is_empty());
    let t = parse_ok("  \u{a0}x"); // char offsets, not byte offsets
    assert_eq!(t.var_offsets(0), 3);
    assert!(parse_ok("3").vars().is_empty());
}

#[test]
fn reserved_and_valid_ids() {
    for f in FUNCTIONS {
        assert!(is_reserved(f));
        assert!(!is_valid_id(f));
    }
    assert!(!is_reserved("mini"));
    for ok in ["a", "_", "churn_rate", "x1", "_9", "mins", "iff"] {
        assert!(is_valid_id(ok), "{ok}");
    }
    for bad in ["", "1a", "Trials", "a-b", "a b", "é", "min", "if", "a.b"] {
        assert!(!is_valid_id(bad), "{bad}");
    }
}

/// `(formula, char offset, message)` for every parse error.
const PARSE_ERRORS: &[(&str, usize, &str)] = &[
    ("sqrt(x", 6, "expected `)` to close the `(` at 4"),
    ("(a + b", 6, "expected `)` to close the `(` at 0"),
    ("((a) + b", 8, "expected `)` to close the `(` at 0"),
    ("(a b)", 3, "expected `)` to close the `(` at 0, found `b`"),
    (
        "min(a b)",
        6,
        "expected `,` or `)` to close the `(` at 3, found `b`",
    ),
    ("a b", 2, "expected an operator, found `b`"),
    ("2 (a)", 2, "expected an operator, found `(`"),
    ("lg(x)", 0, "unknown function `lg`"),
    ("1 + lg (x)", 4, "unknown function `lg`"),
    ("a +", 3, "unexpected end of formula"),
    ("-", 1, "unexpected end of formula"),
    ("min(a,", 6, "unexpected end of formula"),
    ("\u{a0}\u{a0}a +", 5, "unexpected end of formula"),
    ("Trials * 2", 0, "`Trials`: ids are lowercase"),
    ("x / Trials", 4, "`Trials`: ids are lowercase"),
    ("Min(a, b)", 0, "`Min`: function names are lowercase"),
    ("", 0, "the formula is empty"),
    ("  \t ", 0, "the formula is empty"),
    (
        "a < b < c",
        6,
        "comparisons cannot be chained: add parentheses, e.g. `(a < b) == (b < c)`",
    ),
    (
        "a == b != c",
        7,
        "comparisons cannot be chained: add parentheses, e.g. `(a < b) == (b < c)`",
    ),
    ("min(a)", 5, "`min` takes 2 or more arguments"),
    ("max()", 4, "`max` takes 2 or more arguments"),
    ("sqrt(a, b)", 6, "`sqrt` takes 1 argument"),
    ("ln()", 3, "`ln` takes 1 argument"),
    (
        "if(a, b)",
        7,
        "`if` takes 3 arguments: if(condition, value if true, value if false)",
    ),
    (
        "if(a, b, c, d)",
        10,
        "`if` takes 3 arguments: if(condition, value if true, value if false)",
    ),
    (
        "min + 1",
        0,
        "`min` is a function, not an id: expected `(` after it",
    ),
    ("a )", 2, "unmatched `)`"),
    ("(a))", 3, "unmatched `)`"),
    ("a, b", 1, "`,` outside a function's arguments"),
    ("(a, b)", 2, "`,` outside a function's arguments"),
    ("a = b", 2, "unexpected `=`: write `==` to compare"),
    ("!a", 0, "unexpected `!`: write `!=` for not equal"),
    ("a # b", 2, "unexpected character `#`"),
    ("x + é", 4, "unexpected character `é`"),
    ("1e + 2", 0, "malformed number `1e`"),
    ("3 * 2x", 4, "malformed number `2x`"),
    ("1.2.3", 0, "malformed number `1.2.3`"),
    ("a + .", 4, "malformed number `.`"),
    ("1e999", 0, "number `1e999` is too large"),
    ("* a", 0, "expected a number, id or `(`, found `*`"),
    ("+*a", 1, "expected a number, id or `(`, found `*`"),
    ("()", 1, "expected a number, id or `(`, found `)`"),
    ("min(a,)", 6, "expected a number, id or `(`, found `)`"),
    ("a ^ ^ b", 4, "expected a number, id or `(`, found `^`"),
];

#[test]
fn parse_error_messages_and_offsets() {
    for &(src, offset, message) in PARSE_ERRORS {
        let e = parse_err(src);
        assert_eq!((e.offset, e.message.as_str()), (offset, message), "`{src}`");
        assert_eq!(e.to_string(), format!("{message} (at {offset})"));
    }
}

// ---------------------------------------------------------------- evaluation errors

#[test]
fn eval_error_messages() {
    assert_eq!(
        eval_msg(
            "conversions / trials",
            &[("conversions", 3.0), ("trials", 0.0)]
        ),
        "trials is 0"
    );
    assert_eq!(
        eval_msg("x / (a - b)", &[("x", 1.0), ("a", 2.0), ("b", 2.0)]),
        "division by zero: `a - b` is 0"
    );
    assert_eq!(
        eval_msg("x / ( (a -\n  b) )", &[("x", 1.0), ("a", 2.0), ("b", 2.0)]),
        "division by zero: `a - b` is 0"
    );
    assert_eq!(eval_msg("x / 0", &[("x", 1.0)]), "division by zero");
    assert_eq!(
        eval_msg("ln(x)", &[("x", -2.0)]),
        "ln of a non-positive number: `x` is -2"
    );
    assert_eq!(
        eval_msg("ln(x - 1)", &[("x", 1.0)]),
        "ln of a non-positive number: `x - 1` is 0"
    );
    assert_eq!(eval_msg("ln(0)", &[]), "ln of a non-positive number: 0");
    assert_eq!(
        eval_msg("sqrt(a - b)", &[("a", 1.0), ("b", 2.5)]),
        "sqrt of a negative number: `a - b` is -1.5"
    );
    assert_eq!(eval_msg("exp(x)", &[("x", 1000.0)]), "the result overflows");
    assert_eq!(eval_msg("a * a", &[("a", 1e200)]), "the result overflows");
    assert_eq!(eval_msg("10 ^ a", &[("a", 400.0)]), "the result overflows");
    assert_eq!(eval_msg("1 / a", &[("a", 1e-310)]), "the result overflows");
    assert_eq!(
        eval_msg("x ^ -1", &[("x", 0.0)]),
        "0 raised to a negative power (-1): `x` is 0"
    );
    assert_eq!(
        eval_msg("(x - 1) ^ 0.5", &[("x", -3.0)]),
        "a negative number raised to a fractional power (0.5): `x - 1` is -4"
    );
    assert_eq!(
        eval_msg("ln(x)", &[("x", -1e-9)]),
        "ln of a non-positive number: `x` is -1e-9"
    );
}

#[test]
fn eval_error_values() {
    let t = parse_ok("a * b / (c - 1)");
    let e = t.eval(&[1.0, 2.0, 1.0], &mut Vec::new());
    assert_eq!(
        e,
        Err(EvalError::DivisionByZero {
            divisor: "c - 1".into()
        })
    );
    assert_eq!(
        t.eval(&[1.0, 2.0], &mut Vec::new()),
        Err(EvalError::WrongValueCount {
            expected: 3,
            got: 2
        })
    );
    let e = t.eval(&[1.0, f64::NAN, 3.0], &mut Vec::new()).unwrap_err();
    assert_eq!(e.to_string(), "b has no value");
    let e = t
        .eval(&[f64::INFINITY, 1.0, 3.0], &mut Vec::new())
        .unwrap_err();
    assert!(matches!(e, EvalError::NonFiniteInput { ref id, .. } if id == "a"));
    let e = parse_ok("exp(a) * 2")
        .eval(&[709.5], &mut Vec::new())
        .unwrap_err();
    assert_eq!(
        e,
        EvalError::Overflow {
            expr: "exp(a) * 2".into()
        }
    );
    // Extra values are ignored; the scratch vector is reused.
    let mut scratch = vec![99.0; 3];
    assert_eq!(t.eval(&[1.0, 2.0, 3.0, 4.0], &mut scratch), Ok(1.0));
    assert_eq!(t.eval(&[2.0, 2.0, 3.0], &mut scratch), Ok(2.0));
}

// ---------------------------------------------------------------- derivatives

#[test]
fn exact_gradients() {
    let at = [("a", 3.0), ("b", 2.0)];
    let (v, approx, g) = grad_named("a * b + a / b - b", &at);
    assert_eq!(v, 6.0 + 1.5 - 2.0);
    assert!(!approx);
    assert_eq!(d(&g, "a"), 2.0 + 0.5);
    assert_eq!(d(&g, "b"), 3.0 - 3.0 / 4.0 - 1.0);

    let (_, approx, g) = grad_named("a ^ b", &at);
    assert!(!approx);
    assert_eq!(d(&g, "a"), 2.0 * 3.0);
    assert!((d(&g, "b") - 9.0 * 3f64.ln()).abs() < 1e-12);

    let (_, _, g) = grad_named("a ^ 3 + 2 ^ a", &at);
    assert!((d(&g, "a") - (27.0 + 8.0 * 2f64.ln())).abs() < 1e-12);

    let (_, _, g) = grad_named("-a^2", &at);
    assert_eq!(d(&g, "a"), -6.0);

    let (_, _, g) = grad_named("sqrt(a + 1) + ln(b) + exp(a - 3) + abs(b - 5)", &at);
    assert_eq!(d(&g, "a"), 0.25 + 1.0);
    assert_eq!(d(&g, "b"), 0.5 - 1.0);

    // A variable used many times accumulates.
    let (_, _, g) = grad_named("a + a * a + a / a", &at);
    assert!((d(&g, "a") - 7.0).abs() < 1e-12);
}

#[test]
fn piecewise_gradients_are_marked_approximate() {
    let at = [("a", 3.0), ("b", 2.0), ("c", 5.0)];
    let (v, approx, g) = grad_named("min(a, b, c) * 10", &at);
    assert_eq!((v, approx), (20.0, true));
    assert_eq!((d(&g, "a"), d(&g, "b"), d(&g, "c")), (0.0, 10.0, 0.0));

    let (_, approx, g) = grad_named("max(a, b, c * 2)", &at);
    assert!(approx);
    assert_eq!((d(&g, "a"), d(&g, "b"), d(&g, "c")), (0.0, 0.0, 2.0));

    let (v, approx, g) = grad_named("if(a > b, a * c, b)", &at);
    assert_eq!((v, approx), (15.0, true));
    assert_eq!((d(&g, "a"), d(&g, "b"), d(&g, "c")), (5.0, 0.0, 3.0));

    let (_, approx, g) = grad_named("if(a - 3, a * c, b * b)", &at);
    assert!(approx);
    assert_eq!((d(&g, "a"), d(&g, "b"), d(&g, "c")), (0.0, 4.0, 0.0));

    let (v, approx, g) = grad_named("(a < b) + (a >= b) * a", &at);
    assert_eq!((v, approx), (3.0, true));
    assert_eq!((d(&g, "a"), d(&g, "b")), (1.0, 0.0));

    let (_, approx, g) = grad_named("abs(a - 3) + abs(b)", &at);
    assert!(approx, "abs at 0");
    assert_eq!((d(&g, "a"), d(&g, "b")), (0.0, 1.0));

    let (_, approx, _) = grad_named("abs(a - 2) + a ^ 2", &at);
    assert!(!approx);
}

#[test]
fn gradient_seed_accumulates_and_error_leaves_grad_alone() {
    let t = parse_ok("x * y");
    let mut grad = vec![1.0, 1.0];
    let mut s = Scratch::new();
    assert_eq!(
        t.eval_grad(&[2.0, 5.0], 0.5, &mut grad, &mut s),
        Ok((10.0, false))
    );
    assert_eq!(grad, [3.5, 2.0]);
    assert_eq!(
        t.eval_grad(&[2.0, 5.0], -2.0, &mut grad, &mut s),
        Ok((10.0, false))
    );
    assert_eq!(grad, [-6.5, -2.0]);
    assert_eq!(
        t.eval_grad(&[2.0, 5.0], 1.0, &mut [0.0], &mut s),
        Err(EvalError::WrongValueCount {
            expected: 2,
            got: 1
        })
    );

    let t = parse_ok("x / y + sqrt(x)");
    let mut grad = vec![7.0, 7.0];
    let e = t
        .eval_grad(&[1.0, 0.0], 1.0, &mut grad, &mut s)
        .unwrap_err();
    assert_eq!(e.to_string(), "y is 0");
    assert_eq!(grad, [7.0, 7.0]);
    let e = t
        .eval_grad(&[0.0, 1.0], 1.0, &mut grad, &mut s)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the derivative of `sqrt(x)` is infinite here"
    );
    assert_eq!(grad, [7.0, 7.0]);
    // An infinite local derivative that is multiplied by 0 does not matter.
    let t = parse_ok("0 * sqrt(x) + x");
    assert_eq!(
        t.eval_grad(&[0.0], 1.0, &mut grad[..1], &mut s),
        Ok((0.0, false))
    );
    assert_eq!(grad[0], 8.0);
}

#[test]
fn pow_derivative_edge_cases() {
    // d/da a^0 = 0 even at a = 0; d/db at a = 0 is 0 (limit from the right).
    let (v, _, g) = grad_named("a ^ b", &[("a", 0.0), ("b", 2.0)]);
    assert_eq!((v, d(&g, "a"), d(&g, "b")), (0.0, 0.0, 0.0));
    // a^b underflows to 0 but its derivative does not.
    let (v, _, g) = grad_named("a ^ 2", &[("a", 1e-200)]);
    assert_eq!((v, d(&g, "a")), (0.0, 2e-200));
    let (v, _, g) = grad_named("a ^ 0", &[("a", 0.0)]);
    assert_eq!((v, d(&g, "a")), (1.0, 0.0));
    // Negative base, literal integer exponent: exact, not approximate.
    let (v, approx, g) = grad_named("a ^ 3", &[("a", -2.0)]);
    assert_eq!((v, approx, d(&g, "a")), (-8.0, false, 12.0));
    let (_, approx, g) = grad_named("a ^ -(2)", &[("a", -2.0)]);
    assert_eq!((approx, d(&g, "a")), (false, 0.25));
    // Negative base, variable exponent: d/db does not exist (a^b has no value for b near 2
    // but not whole); d/da does, exactly.
    let t = parse_ok("a ^ b");
    let mut s = Scratch::new();
    assert_eq!(t.eval_partials(&[-2.0, 2.0], &mut s), Ok(4.0));
    let mut trouble = false;
    assert_eq!(s.partial::<f64>(0, &mut trouble), -4.0);
    assert!(s.partial::<f64>(1, &mut trouble).is_nan());
    assert!(!s.approximate(0) && !s.approximate(1));
    let e = t
        .eval_grad(&[-2.0, 2.0], 1.0, &mut [0.0, 0.0], &mut s)
        .unwrap_err();
    assert!(matches!(e, EvalError::InfiniteDerivative { .. }), "{e}");
}

// ---------------------------------------------------------------- renaming

#[test]
fn rename_in_source_is_token_wise() {
    let r = Tape::rename_in_source;
    assert_eq!(
        r("churn + churn_rate * churn/x_churn", "churn", "lost"),
        "lost + churn_rate * lost/x_churn"
    );
    assert_eq!(r("1e5 + e * e2", "e", "euler"), "1e5 + euler * e2");
    assert_eq!(r("a+(b", "a", "z"), "z+(b");
    assert_eq!(r("é·a # a)", "a", "bb"), "é·bb # bb)");
    assert_eq!(r("Churn + churn", "churn", "lost"), "Churn + lost");
    assert_eq!(r("  a\n", "a", "b"), "  b\n");
    assert_eq!(r("2a + a", "a", "b"), "2a + b");
    assert_eq!(r("a", "", "b"), "a");
}

#[test]
fn rename_many_in_source_renames_each_token_once() {
    let r = |src: &str, pairs: &[(&str, &str)]| {
        Tape::rename_many_in_source(src, |id| {
            pairs
                .iter()
                .find(|(from, _)| *from == id)
                .map(|(_, to)| *to)
        })
    };
    // A swap in one formula: each token is renamed once, not renamed and renamed back.
    assert_eq!(r("a + b * a", &[("a", "b"), ("b", "a")]), "b + a * b");
    // A chain: `a` becomes `b`, and the old `b` becomes `c`, never `a` → `b` → `c`.
    assert_eq!(r("a - b", &[("a", "b"), ("b", "c")]), "b - c");
    // Ids that start like a renamed one, or contain it, are other ids.
    assert_eq!(
        r("a + a_2 + ab + ba + 2a + 1e5", &[("a", "z"), ("e", "q")]),
        "z + a_2 + ab + ba + 2a + 1e5"
    );
    // Function names are left alone unless asked (no id can be one: they are reserved).
    assert_eq!(r("min(a, b)", &[("a", "x")]), "min(x, b)");
    // Nothing to rename, or a source that does not parse: rewritten as its tokens allow.
    assert_eq!(r("a+(b", &[]), "a+(b");
    assert_eq!(r("é·a # b)", &[("a", "bb"), ("b", "a")]), "é·bb # a)");
}

// ---------------------------------------------------------------- size and stack safety

/// Regression: an error quoting an operand inside N layers of parentheses peeled one layer
/// per pass over the text — quadratic (100k layers: minutes) — and quoted it whole.
#[test]
fn an_error_under_many_parentheses_is_quoted_quickly_and_briefly() {
    const N: usize = 100_000;
    let src = format!("1 / {}a - a{}", "(".repeat(N), ")".repeat(N));
    let started = std::time::Instant::now();
    assert_eq!(
        eval_msg(&src, &[("a", 1.0)]),
        "division by zero: `a - a` is 0"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let long = format!("({} + 1) / 0", vec!["a"; 1000].join(" + "));
    let message = eval_msg(&long, &[("a", 1.0)]);
    assert!(message.len() < 200, "{message}");
    // `(a) + (b)` keeps its parentheses: they are not around all of it.
    assert_eq!(
        eval_msg("1 / ((a) - (a))", &[("a", 1.0)]),
        "division by zero: `(a) - (a)` is 0"
    );
}

/// An over-long token is cut in a parse error's message.
#[test]
fn parse_errors_cut_long_tokens() {
    let e = parse_err(&format!("1 + {}", "A".repeat(100_000)));
    assert_eq!(
        e.message,
        format!(
            "`{}… (100000 characters)`: ids are lowercase",
            "A".repeat(60)
        )
    );
}

/// Runs `f` on a thread with a 256 KB stack.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow or panic");
}

#[test]
fn ten_thousand_operators_on_a_small_stack() {
    on_small_stack(|| {
        const N: usize = 10_000;
        let mut s = Scratch::new();
        let mut stack = Vec::new();
        let cases = [
            (
                format!("{}a", "a+".repeat(N)),
                2.0,
                (N + 1) as f64 * 2.0,
                (N + 1) as f64,
            ),
            (
                format!("{}a{}", "(".repeat(N), ")".repeat(N)),
                2.0,
                2.0,
                1.0,
            ),
            (format!("{}a", "-".repeat(N)), 2.0, 2.0, 1.0),
            (format!("{}a", "a^".repeat(N)), 1.0, 1.0, 1.0),
            (
                format!("{}a{}", "sqrt(".repeat(N), ")".repeat(N)),
                1.0,
                1.0,
                0.5f64.powi(N as i32),
            ),
            (
                format!("{}a{}", "min(1, ".repeat(N), ")".repeat(N)),
                2.0,
                1.0,
                0.0,
            ),
            (
                format!("{}a{}", "if(a, ".repeat(N), ", 0)".repeat(N)),
                2.0,
                2.0,
                1.0,
            ),
            (
                format!("a{}", "*(a-1)".repeat(N)),
                2.0,
                2.0,
                1.0 + N as f64 * 2.0,
            ),
        ];
        for (src, x, value, grad) in cases {
            let tape = parse_ok(&src);
            // Grouping parentheses compile to nothing; everything else to an op each.
            assert!(tape.len() >= N || (src.starts_with('(') && tape.len() == 1));
            assert_eq!(tape.eval(&[x], &mut stack), Ok(value), "{}", &src[..20]);
            let mut g = [0.0];
            let (v, _) = tape.eval_grad(&[x], 1.0, &mut g, &mut s).expect("grad");
            assert_eq!(v, value);
            assert!(
                (g[0] - grad).abs() <= 1e-9 * grad.abs(),
                "{} {}",
                g[0],
                grad
            );
            let renamed = Tape::rename_in_source(&src, "a", "b");
            assert_eq!(parse_ok(&renamed).vars(), ["b"]);
            let copy = tape.clone();
            assert_eq!(copy, tape);
            drop(copy);
        }
        let e = parse_err(&format!("{}a", "(".repeat(N)));
        assert_eq!(e.offset, N + 1);
        assert_eq!(
            e.message,
            format!("expected `)` to close the `(` at {}", N - 1)
        );
        let e = parse_err(&format!("{}a", "a<".repeat(N)));
        assert_eq!(e.offset, 3);
        let e = parse_err(&format!("{}a{}", "(".repeat(N), ")".repeat(N + 1)));
        assert_eq!((e.offset, e.message.as_str()), (2 * N + 1, "unmatched `)`"));
        let e = parse_err(&"-".repeat(N));
        assert_eq!(
            (e.offset, e.message.as_str()),
            (N, "unexpected end of formula")
        );
        let e = parse_err(&format!("{}a^", "a^".repeat(N)));
        assert_eq!(e.offset, 2 * N + 2);
    });
}

// ---------------------------------------------------------------- property tests

/// A reference expression tree, evaluated recursively (fine at test sizes).
#[derive(Debug, Clone)]
enum Ast {
    Num(f64, bool),
    Var(usize),
    Neg(Box<Ast>),
    Bin(&'static str, Box<Ast>, Box<Ast>),
    Call(&'static str, Vec<Ast>),
}

const VAR_NAMES: [&str; 4] = ["a", "b_1", "churn", "x"];

/// Precedence of the printed form: atoms 6, `^` 5, unary minus 4, `* /` 3, `+ -` 2, compare 1.
fn prec_of(op: &str) -> u8 {
    match op {
        "^" => 5,
        "*" | "/" => 3,
        "+" | "-" => 2,
        _ => 1,
    }
}

/// Prints with the fewest parentheses the grammar allows; returns the text and its precedence.
fn print(e: &Ast) -> (String, u8) {
    let wrap = |(s, _): (String, u8), need: bool| if need { format!("({s})") } else { s };
    match e {
        Ast::Num(x, sci) => (
            if *sci {
                format!("{x:e}")
            } else {
                format!("{x}")
            },
            6,
        ),
        Ast::Var(i) => (VAR_NAMES[*i].to_string(), 6),
        Ast::Neg(x) => {
            let inner = print(x);
            let p = inner.1;
            (format!("-{}", wrap(inner, p < 4)), 4)
        }
        Ast::Bin(op, l, r) => {
            let p = prec_of(op);
            let (l, r) = (print(l), print(r));
            let (lp, rp) = (l.1, r.1);
            let (lneed, rneed) = match p {
                5 => (lp <= 5, rp < 4),
                1 => (lp <= 1, rp <= 1),
                _ => (lp < p, rp <= p),
            };
            (format!("{} {op} {}", wrap(l, lneed), wrap(r, rneed)), p)
        }
        Ast::Call(f, args) => {
            let args: Vec<String> = args.iter().map(|a| print(a).0).collect();
            (format!("{f}({})", args.join(", ")), 6)
        }
    }
}

/// A fault kind, to compare with the tape's [`EvalError`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    DivZero,
    Ln,
    Sqrt,
    ZeroNeg,
    NegFrac,
    Overflow,
}

fn kind_of(e: &EvalError) -> Kind {
    match e {
        EvalError::DivisionByZero { .. } => Kind::DivZero,
        EvalError::LnOfNonPositive { .. } => Kind::Ln,
        EvalError::SqrtOfNegative { .. } => Kind::Sqrt,
        EvalError::ZeroToNegativePower { .. } => Kind::ZeroNeg,
        EvalError::NegativeToFractionalPower { .. } => Kind::NegFrac,
        other => panic!("unexpected {other:?}"),
    }
}

fn fin(x: f64) -> Result<f64, Kind> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Kind::Overflow)
    }
}

/// Reference evaluation; `path` records every piecewise decision taken.
fn reference(e: &Ast, v: &[f64], path: &mut Vec<u8>) -> Result<f64, Kind> {
    Ok(match e {
        Ast::Num(x, _) => *x,
        Ast::Var(i) => v[*i],
        Ast::Neg(x) => -reference(x, v, path)?,
        Ast::Bin(op, l, r) => {
            let a = reference(l, v, path)?;
            let b = reference(r, v, path)?;
            let mut t = |c: bool| {
                path.push(u8::from(c));
                if c { 1.0 } else { 0.0 }
            };
            match *op {
                "+" => fin(a + b)?,
                "-" => fin(a - b)?,
                "*" => fin(a * b)?,
                "/" if b == 0.0 => return Err(Kind::DivZero),
                "/" => fin(a / b)?,
                "^" if a == 0.0 && b < 0.0 => return Err(Kind::ZeroNeg),
                "^" if a < 0.0 && b.fract() != 0.0 => return Err(Kind::NegFrac),
                "^" => {
                    t(a > 0.0);
                    fin(a.powf(b))?
                }
                "<" => t(a < b),
                "<=" => t(a <= b),
                ">" => t(a > b),
                ">=" => t(a >= b),
                "==" => t(a == b),
                _ => t(a != b),
            }
        }
        Ast::Call("if", args) => {
            let c = reference(&args[0], v, path)?;
            path.push(u8::from(c == 0.0));
            reference(&args[if c != 0.0 { 1 } else { 2 }], v, path)?
        }
        Ast::Call(f @ ("min" | "max"), args) => {
            let mut acc = reference(&args[0], v, path)?;
            for arg in &args[1..] {
                let b = reference(arg, v, path)?;
                let first = if *f == "min" { acc <= b } else { acc >= b };
                path.push(u8::from(first));
                acc = if first { acc } else { b };
            }
            acc
        }
        Ast::Call(f, args) => {
            let x = reference(&args[0], v, path)?;
            match *f {
                "abs" => {
                    path.push(if x > 0.0 { 2 } else { u8::from(x < 0.0) });
                    x.abs()
                }
                "sqrt" if x < 0.0 => return Err(Kind::Sqrt),
                "sqrt" => x.sqrt(),
                "ln" if x <= 0.0 => return Err(Kind::Ln),
                "ln" => x.ln(),
                _ => fin(x.exp())?,
            }
        }
    })
}

fn num_strategy() -> impl Strategy<Value = Ast> {
    prop_oneof![
        (0u32..10).prop_map(|n| Ast::Num(f64::from(n), false)),
        (0.0f64..10.0, any::<bool>()).prop_map(|(x, sci)| Ast::Num(x, sci)),
        (1e-6f64..1e-3).prop_map(|x| Ast::Num(x, true)),
    ]
}

/// Random expressions; `piecewise` allows min/max/abs/if/comparisons.
fn ast_strategy(piecewise: bool) -> impl Strategy<Value = Ast> {
    let leaf = prop_oneof![num_strategy(), (0..VAR_NAMES.len()).prop_map(Ast::Var)];
    leaf.prop_recursive(5, 40, 4, move |inner| {
        let bin = prop_oneof![Just("+"), Just("-"), Just("*"), Just("/"), Just("^")];
        let cmp = prop_oneof![
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">="),
            Just("=="),
            Just("!=")
        ];
        let unary = prop_oneof![Just("sqrt"), Just("ln"), Just("exp")];
        let smooth = prop_oneof![
            3 => (bin, inner.clone(), inner.clone())
                .prop_map(|(op, l, r)| Ast::Bin(op, Box::new(l), Box::new(r))),
            1 => inner.clone().prop_map(|x| Ast::Neg(Box::new(x))),
            1 => (unary, inner.clone()).prop_map(|(f, x)| Ast::Call(f, vec![x])),
        ];
        if !piecewise {
            return smooth.boxed();
        }
        prop_oneof![
            5 => smooth,
            1 => (cmp, inner.clone(), inner.clone())
                .prop_map(|(op, l, r)| Ast::Bin(op, Box::new(l), Box::new(r))),
            1 => (prop_oneof![Just("min"), Just("max")], prop::collection::vec(inner.clone(), 2..4))
                .prop_map(|(f, args)| Ast::Call(f, args)),
            1 => inner.clone().prop_map(|x| Ast::Call("abs", vec![x])),
            1 => (inner.clone(), inner.clone(), inner)
                .prop_map(|(c, a, b)| Ast::Call("if", vec![c, a, b])),
        ]
        .boxed()
    })
}

/// The tape's values for the reference's variables (tape numbering is by first appearance).
fn tape_values(tape: &Tape, v: &[f64]) -> Vec<f64> {
    tape.vars()
        .iter()
        .map(|n| v[VAR_NAMES.iter().position(|m| *m == n).expect("known name")])
        .collect()
}

/// Five-point central difference of the reference in variable `i`, or `None` when a stencil
/// point fails or takes other piecewise decisions than `path`.
fn central_difference(e: &Ast, v: &[f64], i: usize, h: f64, path: &[u8]) -> Option<f64> {
    let mut f = [0.0; 4];
    for (k, step) in [-2.0, -1.0, 1.0, 2.0].into_iter().enumerate() {
        let mut w = v.to_vec();
        w[i] += step * h;
        let mut p = Vec::new();
        f[k] = reference(e, &w, &mut p).ok()?;
        if p != path {
            return None;
        }
    }
    Some((f[0] - 8.0 * f[1] + 8.0 * f[2] - f[3]) / (12.0 * h))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(src in "[a-zA-Z0-9_.+\\-*/^()<>=!, \t#é\u{a0}]{0,200}") {
        let chars = src.chars().count();
        match Tape::parse(&src) {
            Ok(tape) => {
                let values = vec![1.5; tape.vars().len()];
                let _ = tape.eval(&values, &mut Vec::new());
                let mut g = vec![0.0; values.len()];
                let _ = tape.eval_grad(&values, 1.0, &mut g, &mut Scratch::new());
                for i in 0..tape.vars().len() {
                    prop_assert!(tape.var_offsets(i) < chars);
                }
            }
            Err(e) => {
                prop_assert!(e.offset <= chars, "{e:?}");
                prop_assert!(!e.message.is_empty());
            }
        }
        prop_assert_eq!(Tape::rename_in_source(&src, "a", "a"), src.clone());
        let _ = Tape::rename_in_source(&src, "x", "yy");
    }

    #[test]
    fn formula_like_tokens_never_panic(
        toks in prop::collection::vec(
            prop_oneof![
                Just("a"), Just("b"), Just("1"), Just(".5"), Just("2e3"), Just("+"), Just("-"),
                Just("*"), Just("/"), Just("^"), Just("<"), Just("<="), Just("=="), Just("!="),
                Just("("), Just(")"), Just(","), Just("min("), Just("max("), Just("if("),
                Just("sqrt("), Just("ln("), Just("exp("), Just("abs("), Just(" "),
            ],
            0..60,
        )
    ) {
        let src: String = toks.concat();
        match Tape::parse(&src) {
            Ok(tape) => {
                let values = vec![0.5; tape.vars().len()];
                let mut g = vec![0.0; values.len()];
                let plain = tape.eval(&values, &mut Vec::new());
                let graded = tape.eval_grad(&values, 1.0, &mut g, &mut Scratch::new());
                if let Ok((v, _)) = graded {
                    prop_assert_eq!(plain, Ok(v));
                }
            }
            Err(e) => prop_assert!(e.offset <= src.chars().count()),
        }
    }

    #[test]
    fn printed_expressions_parse_back_and_evaluate_the_same(
        e in ast_strategy(true),
        v in prop::collection::vec(-3.0f64..3.0, VAR_NAMES.len()),
    ) {
        let (src, _) = print(&e);
        let tape = Tape::parse(&src).map_err(|err| TestCaseError::fail(format!("{src}: {err}")))?;
        let values = tape_values(&tape, &v);
        let got = tape.eval(&values, &mut Vec::new());
        let want = reference(&e, &v, &mut Vec::new());
        match (got, want) {
            (Ok(g), Ok(w)) => prop_assert_eq!(g.to_bits(), w.to_bits(), "{} gave {} not {}", src, g, w),
            (Err(EvalError::Overflow { .. }), Err(Kind::Overflow)) => {}
            (Err(g), Err(w)) => prop_assert_eq!(kind_of(&g), w, "{}", src),
            (g, w) => prop_assert!(false, "{}: tape {:?}, reference {:?}", src, g, w),
        }
        // Renaming every variable to itself plus a suffix keeps the meaning.
        let mut renamed = src.clone();
        for name in VAR_NAMES {
            renamed = Tape::rename_in_source(&renamed, name, &format!("{name}_r"));
        }
        let re = Tape::parse(&renamed).map_err(|err| TestCaseError::fail(format!("{renamed}: {err}")))?;
        prop_assert_eq!(re.len(), tape.len());
        let names: Vec<String> = tape.vars().iter().map(|n| format!("{n}_r")).collect();
        prop_assert_eq!(re.vars().iter().collect::<Vec<_>>(), names.iter().map(String::as_str).collect::<Vec<_>>());
        // Renaming every variable to the next one in a cycle, in one pass, then back, gives
        // the source again; the renamed formula uses the cycled names.
        let next = |id: &str| {
            let i = VAR_NAMES.iter().position(|n| *n == id)?;
            Some(VAR_NAMES[(i + 1) % VAR_NAMES.len()])
        };
        let prev = |id: &str| {
            let i = VAR_NAMES.iter().position(|n| *n == id)?;
            Some(VAR_NAMES[(i + VAR_NAMES.len() - 1) % VAR_NAMES.len()])
        };
        let cycled = Tape::rename_many_in_source(&src, next);
        let names: Vec<&str> = tape.vars().iter().filter_map(next).collect();
        let re = Tape::parse(&cycled).map_err(|err| TestCaseError::fail(format!("{cycled}: {err}")))?;
        prop_assert_eq!(re.vars().iter().collect::<Vec<_>>(), names);
        prop_assert_eq!(Tape::rename_many_in_source(&cycled, prev), src.clone());
    }

    #[test]
    fn gradients_match_finite_differences(
        e in ast_strategy(true),
        v in prop::collection::vec(0.5f64..3.0, VAR_NAMES.len()),
    ) {
        let (src, _) = print(&e);
        let tape = Tape::parse(&src).map_err(|err| TestCaseError::fail(format!("{src}: {err}")))?;
        let values = tape_values(&tape, &v);
        let mut grad = vec![0.0; values.len()];
        let Ok((f, _)) = tape.eval_grad(&values, 1.0, &mut grad, &mut Scratch::new()) else {
            return Ok(());
        };
        let mut path = Vec::new();
        prop_assert_eq!(reference(&e, &v, &mut path).map(f64::to_bits), Ok(f.to_bits()));
        for (k, name) in tape.vars().iter().enumerate() {
            let i = VAR_NAMES.iter().position(|m| *m == name).expect("known name");
            let h = 1e-4 * v[i].abs().max(1.0);
            let (Some(fd), Some(fd2)) = (
                central_difference(&e, &v, i, h, &path),
                central_difference(&e, &v, i, h / 2.0, &path),
            ) else {
                continue;
            };
            // Not smooth enough at this scale for the stencil to be trusted.
            if (fd - fd2).abs() > 1e-8 * (fd.abs() + f.abs() + 1.0) {
                continue;
            }
            let g = grad[k];
            prop_assert!(
                (g - fd2).abs() <= 1e-5 * g.abs().max(fd2.abs()) + 1e-8 * (f.abs() + 1.0),
                "{}: d/d{} = {} but finite difference {} (at {:?})", src, name, g, fd2, v
            );
        }
    }
}

#[test]
fn conventions_minus_binds_looser_than_power_which_groups_right_and_plus_is_accepted() {
    let eval = |src: &str, x: f64| parse_ok(src).eval(&[x], &mut Vec::new());
    assert_eq!(eval("-2^2 + 0 * x", 0.0), Ok(-4.0));
    assert_eq!(eval("2^3^2 + 0 * x", 0.0), Ok(512.0));
    assert_eq!(eval("(2^3)^2 + 0 * x", 0.0), Ok(64.0));
    assert_eq!(eval("+x", 3.0), Ok(3.0));
    assert_eq!(eval("2 * +x - -x", 3.0), Ok(9.0));
    assert_eq!(eval("x ^ +2", 3.0), Ok(9.0));
    assert_eq!(eval("+-x ^ 2", 3.0), Ok(-9.0));
    assert_eq!(eval("\t x\n*\r\n2 ", 3.0), Ok(6.0));
}

#[test]
fn affine_formulas_are_told_from_the_others() {
    let affine = |src: &str| {
        let code = Tape::parse(src).unwrap().straight_line().unwrap();
        super::is_affine(&code)
    };
    for src in [
        "x * 0.5 + y - z * 0.01",
        "x / 4 - -y",
        "sqrt(4) * x + 2 ^ 3",
        "(x + y) * (1 + 1)",
        "3",
    ] {
        assert!(affine(src), "{src} is affine");
    }
    for src in [
        "x * y",
        "2 / x",
        "sqrt(x)",
        "x ^ 2",
        "exp(x) + y",
        "(x + 1) * (y + 1)",
    ] {
        assert!(!affine(src), "{src} is not affine");
    }
}
