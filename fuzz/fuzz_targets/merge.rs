//! Fuzzes the three-way merge (`fulcrum merge`, the git merge driver): the bytes pick a
//! synthetic base map and two lists of edits, one per side, made of the same `Command`s the
//! app uses. Whatever they are, the merge never panics, both of its resolutions are valid,
//! savable maps, the merged text loads (clean) or holds complete conflict blocks, and taking
//! ours of each conflict gives exactly the merge ours' way; merging a side with base gives
//! that side.
#![no_main]

#[path = "../../tests/support/mod.rs"]
mod support;

use fulcrum::edit::merge;
use fulcrum::format::{self, FormatError, Pick};
use fulcrum::model::{Field, Map, synthetic};
use libfuzzer_sys::fuzz_target;
use support::{Edit, edited};

/// Reads the fuzz input as small numbers, 0 once it is used up.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn small(&mut self) -> usize {
        usize::from(self.byte())
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| acc << 8 | u64::from(self.byte()))
    }

    fn edit(&mut self) -> Edit {
        let node = |b: &mut Self| b.small() % 64;
        let maybe = |b: &mut Self| {
            let v = b.small();
            (v % 8 != 0).then_some(v % 64)
        };
        match self.byte() % 15 {
            0..=2 => Edit::Add {
                parent: maybe(self),
                kind: self.small() % 7,
                title: ["Churn", "Seats", "Price", "Nrr", ""][self.small() % 5].to_owned(),
                index: self.small() % 4,
            },
            3 => Edit::Delete(node(self)),
            4 | 5 => Edit::Move {
                node: node(self),
                parent: maybe(self),
                index: self.small() % 4,
            },
            6..=11 => Edit::SetField {
                node: node(self),
                field: self.small() % Field::ALL.len(),
                seed: self.u64(),
            },
            12 => Edit::Link(node(self), node(self)),
            13 => Edit::Unlink(self.small() % 8),
            _ => Edit::Override(
                ["A", "B"][self.small() % 2].to_owned(),
                node(self),
                f64::from(self.byte()) - 128.0,
            ),
        }
    }
}

fn text(map: &Map) -> String {
    format::to_string(map)
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let size = 1 + bytes.small() % 30;
    let base = synthetic::driver_tree(size, bytes.u64());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..24 {
        if bytes.0.is_empty() {
            break;
        }
        let to_ours = bytes.byte() % 2 == 0;
        let edit = bytes.edit();
        if to_ours {
            ours.push(edit);
        } else {
            theirs.push(edit);
        }
    }
    let (x, y) = (edited(&base, &ours), edited(&base, &theirs));

    let m = merge(&base, &x, &y);
    for way in [&m.map, m.theirs_way()] {
        assert!(way.check_invariants().is_ok(), "{:?}", way.check_invariants());
        assert!(format::save_problems(way).is_empty(), "{:?}", format::save_problems(way));
    }
    let merged = format::merged_to_string(&m);
    match format::parse_str(&merged) {
        Ok(loaded) => {
            assert!(m.is_clean());
            assert_eq!(text(&loaded.map), text(&m.map));
        }
        Err(FormatError::Conflicted(blocks)) => {
            assert!(!m.is_clean());
            assert!(blocks.iter().all(|b| b.complete));
        }
        Err(other) => panic!("{other}\n{merged}"),
    }
    let ours_text = format::resolve_conflicts(&merged, |_| Pick::Ours);
    let loaded = format::parse_str(&ours_text).expect("ours' way loads");
    assert_eq!(text(&loaded.map), text(&m.map));
    let theirs_text = format::resolve_conflicts(&merged, |_| Pick::Theirs);
    assert!(format::parse_str(&theirs_text).is_ok(), "theirs' way loads");

    // A side merged with base is that side.
    let alone = merge(&base, &x, &base);
    assert!(alone.is_clean(), "{:?}", alone.conflicts);
    assert_eq!(text(&alone.map), text(&x));
});
