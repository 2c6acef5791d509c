//! Fuzzes the formula parser and evaluator: any text parses or fails with an offset inside
//! it; a parsed formula evaluates and differentiates to a finite value or an error.
#![no_main]

use fulcrum::engine::formula::{Scratch, Tape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match Tape::parse(src) {
        Ok(tape) => {
            let values: Vec<f64> = (0..tape.vars().len()).map(|i| i as f64 - 1.5).collect();
            if let Ok(v) = tape.eval(&values, &mut Vec::new()) {
                assert!(v.is_finite());
            }
            let mut grad = vec![0.0; values.len()];
            if let Ok((v, _)) = tape.eval_grad(&values, 1.0, &mut grad, &mut Scratch::default()) {
                assert!(v.is_finite());
            }
            let renamed = Tape::rename_in_source(src, "a", "b");
            let _ = Tape::parse(&renamed);
        }
        Err(err) => assert!(err.offset <= src.chars().count()),
    }
});
