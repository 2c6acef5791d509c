//! Fuzzes the loader: any bytes either load into a valid map (which then saves and reloads
//! identically) or give problems — never a panic, a hang or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = fulcrum::format::parse_bytes(data) {
        assert!(loaded.map.check_invariants().is_ok());
        let text = fulcrum::format::to_string(&loaded.map);
        let again = fulcrum::format::parse_str(&text).expect("a saved map reloads");
        assert_eq!(fulcrum::format::to_string(&again.map), text);
        // Rolling up whatever loaded must not panic either.
        let _ = fulcrum::engine::Analysis::new(&loaded.map, None, None);
    } else if let Err(err) = fulcrum::format::parse_bytes(data) {
        assert!(!err.problems().is_empty());
    }
});
