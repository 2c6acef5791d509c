//! Fuzzes the outline importers (`fulcrum import`): any text, read as Markdown and as OPML,
//! either becomes a map that passes the save checks and reloads byte-identical from its own
//! canonical text, or is refused with problems — never a panic, a hang, or a stack overflow
//! however deep it nests.
#![no_main]

use fulcrum::format;
use fulcrum::interchange::import::{import_markdown, import_opml};
use fulcrum::interchange::{ImportOptions, KindRule};
use libfuzzer_sys::fuzz_target;

fn check(result: Result<fulcrum::model::Map, Vec<format::Problem>>) {
    match result {
        Ok(map) => {
            assert!(map.check_invariants().is_ok());
            assert!(format::save_problems(&map).is_empty());
            let saved = format::to_string(&map);
            let again = format::parse_str(&saved).expect("an imported map reloads");
            assert_eq!(format::to_string(&again.map), saved);
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kinds in [KindRule::default(), KindRule::Note] {
        let options = ImportOptions {
            kinds,
            fallback_title: Some("fuzz".to_owned()),
        };
        check(import_markdown(text, &options));
        check(import_opml(text, &options));
    }
});
