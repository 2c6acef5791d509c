//! Fuzzes reading a later version of a map while sharing an earlier version's nodes (what
//! `diff`, `merge` and the merge driver do): it must give exactly what reading the text
//! alone gives — the same map, or the same problems. The earlier versions are the samples
//! as Fulcrum writes them; seed the corpus with those texts so mutations stay near them:
//! `mkdir -p corpus/shared_parse && cp ../samples/*.ron corpus/shared_parse/ &&
//! cargo run --release -- fmt corpus/shared_parse/*.ron && cargo +nightly fuzz run shared_parse`.
#![no_main]

use std::sync::OnceLock;

use fulcrum::format::{self, FormatError, KeptText};
use fulcrum::model::Map;
use libfuzzer_sys::fuzz_target;

const SAMPLES: [&str; 4] = [
    include_str!("../../samples/nrr.ron"),
    include_str!("../../samples/saas_revenue.ron"),
    include_str!("../../samples/ost.ron"),
    include_str!("../../samples/workshop.ron"),
];

/// Each sample's canonical text, loaded and kept.
fn earlier() -> &'static [(Map, KeptText)] {
    static EARLIER: OnceLock<Vec<(Map, KeptText)>> = OnceLock::new();
    EARLIER.get_or_init(|| {
        SAMPLES
            .iter()
            .map(|text| {
                let map = format::parse_str(text).expect("a sample loads").map;
                let (map, kept) = format::parse_map_kept(format::to_string(&map))
                    .expect("a canonical text loads");
                (map, kept.expect("a canonical text is kept"))
            })
            .collect()
    })
}

fn outcome(result: &Result<Map, FormatError>) -> String {
    match result {
        Ok(map) => format!("ok\n{}", format::to_string(map)),
        Err(err) => format!("error {:?}", err.problems()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let alone = outcome(&format::parse_str(text).map(|loaded| loaded.map));
    for (map, kept) in earlier() {
        let like = format::parse_map_like(text, &kept.earlier(map));
        assert_eq!(outcome(&like), alone);
    }
});
