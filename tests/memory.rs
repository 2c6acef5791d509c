//! Memory bounded by the input (issue 12): a counting allocator measures the peak of the
//! bytes a thread holds while it parses, so each test here states "at most K times the
//! text" and fails if a change makes memory grow faster than its input.
#![allow(clippy::unwrap_used)]
// A global allocator is an `unsafe impl` by definition; this one only counts and forwards
// every call to the system allocator unchanged.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use fulcrum::engine::formula::{MAX_FORMULA_CHARS, Tape};
use fulcrum::format;
use proptest::prelude::*;

/// Counts the bytes each thread holds and the most it held, then forwards to [`System`].
/// Per thread, so tests running side by side do not see each other's allocations.
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // `try_with`: the allocator is called while a thread's locals are torn down, too.
    let _ = HELD.try_with(|held| {
        let now = held.get() + delta;
        held.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes this thread held beyond what it held before, while `f` ran (what `f`
/// returns included, since it is alive at the peak).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = HELD.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    let peak = PEAK.with(Cell::get) - before;
    (out, peak.max(0) as usize)
}

/// Regression: a formula's text cost ~46 times its size while lexed and parsed (a char
/// table of 16 bytes a char, a 40-byte token each, 48-byte ops with their spans), so a
/// 200 MB formula aborted with an allocation failure. Now at most ten times, for every
/// shape of formula: short ids, distinct ids, numbers, parentheses and calls.
#[test]
fn formula_text_costs_at_most_ten_times_its_size_to_parse() {
    let n = 200_000;
    let shapes: Vec<(&str, String)> = vec![
        ("one id", format!("{}a", "a+".repeat(n))),
        ("integers", format!("{}1", "1*".repeat(n))),
        ("decimals", format!("{}1.5", "1.5-".repeat(n))),
        (
            "distinct ids",
            (0..n / 2)
                .map(|i| format!("x{i}"))
                .collect::<Vec<_>>()
                .join("+"),
        ),
        (
            "parentheses",
            format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        ),
        (
            "calls",
            format!("{}a{}", "min(a,".repeat(n / 3), ")".repeat(n / 3)),
        ),
        (
            "ifs",
            format!("{}0{}", "if(a<1,b,".repeat(n / 5), ")".repeat(n / 5)),
        ),
        ("spaces", format!("a{}+b", " ".repeat(4 * n))),
    ];
    for (shape, src) in shapes {
        let (tape, peak) = peak_of(|| Tape::parse(&src));
        assert!(tape.is_ok(), "{shape}: {:?}", tape.err());
        let ratio = peak as f64 / src.len() as f64;
        eprintln!("{shape}: {ratio:.1}×");
        assert!(
            ratio <= 10.0,
            "{shape}: {} bytes of formula took {peak} bytes ({ratio:.1}×)",
            src.len()
        );
    }
}

/// A formula over the limit is refused before it is read: refusing it costs nothing like
/// its size.
#[test]
fn a_formula_over_the_limit_is_refused_without_reading_it() {
    let src = "a+".repeat(MAX_FORMULA_CHARS);
    let (err, peak) = peak_of(|| Tape::parse(&src).unwrap_err());
    assert!(err.message.contains("formulas are limited to"), "{err}");
    assert!(peak < 4096, "refusing took {peak} bytes");
}

/// A whole file with one long formula: reading, checking and compiling it costs a constant
/// times the file, not the ~46× of the formula's old parser.
#[test]
fn a_file_with_a_long_formula_loads_in_memory_linear_in_its_size() {
    let long = format!("{}a", "a+".repeat(400_000));
    let text = format!(
        "Map(format: 1, nodes: [(id: \"a\", kind: Metric, value: 1.0), \
         (id: \"x\", kind: Metric, formula: Expr(\"{long}\"))])"
    );
    let (loaded, peak) = peak_of(|| format::parse_str(&text));
    assert!(loaded.is_ok());
    let ratio = peak as f64 / text.len() as f64;
    eprintln!("whole file: {ratio:.1}×");
    assert!(
        ratio <= 10.0,
        "{} bytes took {peak} ({ratio:.1}×)",
        text.len()
    );
}

/// The fixed cost of any load (tables, the empty map) that a tiny file cannot amortise.
const FIXED_BYTES: usize = 64 * 1024;
/// The most a byte of an accepted file may cost while it is loaded.
const BYTES_PER_BYTE: usize = 32;

/// One node's line of a generated map.
fn node_line(i: usize, kind: &str, parent: Option<usize>, extra: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!("parent: \"n{p}\", "));
    format!("(id: \"n{i}\", {parent}kind: {kind}, title: \"Node {i}\"{extra}),\n")
}

fn arb_map() -> impl Strategy<Value = String> {
    let node = (
        0usize..4,
        prop::option::of(0usize..1000),
        prop::option::of(-1e6f64..1e6),
        0usize..60,
        prop::collection::vec(0usize..1000, 0..6),
    );
    prop::collection::vec(node, 1..400).prop_map(|nodes| {
        let mut body = String::new();
        for (i, (kind, parent, value, title_pad, uses)) in nodes.iter().enumerate() {
            let parent = parent.map(|p| p % (i.max(1))).filter(|_| i > 0);
            let kind = ["Metric", "Opportunity", "Solution", "Note"][*kind];
            let mut extra = format!(", notes: \"{}\"", "x".repeat(*title_pad));
            if kind == "Metric" {
                if let Some(v) = value {
                    extra.push_str(&format!(", value: {v:?}"));
                }
                // Formulas over earlier nodes: a formula may name any node, so none is
                // cyclic and every generated file is valid.
                let used: Vec<String> = uses
                    .iter()
                    .filter(|&&u| u < i)
                    .map(|u| format!("n{u}"))
                    .collect();
                if !used.is_empty() {
                    extra.push_str(&format!(", formula: Expr(\"{}\")", used.join(" + ")));
                }
            }
            let parent_kind_ok = parent.is_some_and(|p| {
                nodes[p].0 == nodes[i].0 || nodes[i].0 == 3 // a note goes anywhere
            });
            let parent = if parent_kind_ok { parent } else { None };
            body.push_str(&node_line(i, kind, parent, &extra));
        }
        format!("#![enable(implicit_some)]\nMap(\n    format: 1,\n    nodes: [\n{body}    ],\n)\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every file Fulcrum accepts costs at most a constant times its size to load (plus a
    /// fixed amount for the empty map's tables): nothing in loading grows faster than the
    /// input.
    #[test]
    fn every_accepted_files_memory_stays_within_a_constant_times_its_size(text in arb_map()) {
        let (loaded, peak) = peak_of(|| format::parse_str(&text));
        prop_assert!(loaded.is_ok(), "{:?}", loaded.err().map(|e| e.problems()));
        prop_assert!(
            peak <= FIXED_BYTES + BYTES_PER_BYTE * text.len(),
            "{} bytes took {peak}",
            text.len()
        );
    }
}
