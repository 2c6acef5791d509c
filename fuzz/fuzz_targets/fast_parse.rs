//! Fuzzes the fast reader against `ron`, its reference: wherever the fast reader reads a
//! text (it gives up on anything outside Fulcrum's subset of RON), loading it must give
//! exactly what `ron` gives — the same map and warnings, or the same problems. Seed it with
//! the samples so mutations stay near real files:
//! `mkdir -p corpus/fast_parse && cp ../samples/*.ron corpus/fast_parse/ && cargo +nightly fuzz run fast_parse`.
#![no_main]

use fulcrum::format::{self, FormatError, Loaded, Reader};
use libfuzzer_sys::fuzz_target;

fn outcome(result: &Result<Loaded, FormatError>) -> String {
    match result {
        Ok(loaded) => format!(
            "ok\n{}\n{:?}\ncomments: {}",
            format::to_string(&loaded.map),
            loaded.warnings,
            loaded.comments
        ),
        Err(err) => format!("error {err:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(fast) = format::parse_str_by(text, Reader::Fast) else {
        return;
    };
    let reference = format::parse_str_by(text, Reader::Ron).expect("ron always answers");
    assert_eq!(outcome(&fast), outcome(&reference));
});
