//! Writes a synthetic map for trying Fulcrum at scale:
//! `cargo run --release --example generate -- 100000 /tmp/map.ron [tree|chain|wide]`.

use std::path::PathBuf;
use std::process::ExitCode;

use fulcrum::model::synthetic;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(path)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: generate N OUT.ron [tree|chain|wide]");
        return ExitCode::from(2);
    };
    let map = match args.get(2).map(String::as_str) {
        Some("chain") => synthetic::chain(n),
        Some("wide") => synthetic::wide(n.saturating_sub(1)),
        _ => synthetic::driver_tree(n.max(1), 1),
    };
    match fulcrum::format::save(&map, &PathBuf::from(path)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(1)
        }
    }
}
