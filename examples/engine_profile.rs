//! Runs one engine operation many times on a synthetic driver tree, for an instruction
//! profiler (the benches' own set-up would drown it): `valgrind --tool=callgrind
//! target/release/examples/engine_profile sweep 100000 20`, then `callgrind_annotate`.
//! Operations: `sweep` (roll-up and sensitivities of every metric), `explain` (attribution
//! from 2026-09 to 2026-10, where every input grows by the same factor) and `lumpy` (the
//! lumpy attribution of benches/explain.rs: every input moves by its own −10 % … +10 %).

use std::hint::black_box;
use std::process::ExitCode;

use fulcrum::engine::{self, Basis, Program};
use fulcrum::model::synthetic;

#[path = "../benches/support/lumpy.rs"]
mod lumpy;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.get(1).and_then(|n| n.parse::<usize>().ok());
    let times = args
        .get(2)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(10);
    let (Some(what), Some(n)) = (args.first(), n) else {
        eprintln!("usage: engine_profile sweep|explain|lumpy N [TIMES]");
        return ExitCode::from(2);
    };
    let mut map = synthetic::driver_tree(n.max(1), 1);
    match what.as_str() {
        "sweep" => {
            let program = Program::compile(&map);
            let Ok(inputs) = program.inputs(&map, None, None) else {
                return ExitCode::from(1);
            };
            let top = program.metric("m0").unwrap_or(0);
            let mut rollup = program.evaluate(inputs);
            for _ in 0..times {
                program.reevaluate(&mut rollup);
                black_box(engine::sensitivities(&program, &rollup, top));
            }
        }
        "explain" | "lumpy" => {
            // The same lumpy period as benches/explain.rs.
            let Ok(map) = lumpy::with_a_lumpy_period(std::mem::take(&mut map)) else {
                return ExitCode::from(1);
            };
            let program = Program::compile(&map);
            let (from, to) = if what == "lumpy" {
                (Basis::period("2026-10"), Basis::period("2026-11"))
            } else {
                (Basis::period("2026-09"), Basis::period("2026-10"))
            };
            let clock = std::time::Instant::now();
            for _ in 0..times {
                black_box(engine::explain_with(&program, &map, &from, &to, None).ok());
            }
            let whole = clock.elapsed() / times.max(1) as u32;
            // The part that reads the map (each input's history), apart from the attribution.
            let clock = std::time::Instant::now();
            for _ in 0..times {
                black_box(program.inputs(&map, None, from.period.as_deref()).ok());
                black_box(program.inputs(&map, None, to.period.as_deref()).ok());
            }
            let reading = clock.elapsed() / times.max(1) as u32;
            eprintln!(
                "explain_with {whole:?} a call, of which reading both sides' inputs {reading:?}"
            );
        }
        _ => {
            eprintln!("usage: engine_profile sweep|explain|lumpy N [TIMES]");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
