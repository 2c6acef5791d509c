#![allow(clippy::unwrap_used)]
//! Export to Markdown, Mermaid, OPML and CSV, and import of outlines: golden files pin each
//! writer; OPML round-trips every sample and random maps losslessly; Markdown renders each
//! title as typed; Mermaid ids and labels cannot break the diagram; outlines from other tools
//! import with their structure; hostile outlines get a clear error.

use std::path::{Path, PathBuf};

use fulcrum::format;
use fulcrum::interchange::{
    self, ExportOptions, ImportOptions, KindRule, import::import_markdown, import::import_opml,
};
use fulcrum::model::{Map, NodeKind};
use proptest::prelude::*;

mod map_gen;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &str) -> Map {
    format::load(&root().join(path)).unwrap().map
}

fn opts() -> ExportOptions {
    ExportOptions::default()
}

/// Compares `text` with the golden file, or writes it when FULCRUM_BLESS is set.
#[track_caller]
fn golden(name: &str, text: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("FULCRUM_BLESS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with FULCRUM_BLESS=1", path.display()));
    assert_eq!(text, want, "{name} differs from its golden file");
}

// ---------------------------------------------------------------------------------------
// Golden files.

#[test]
fn golden_files() {
    let writers: [(&str, interchange::TextWriter); 4] = [
        ("md", interchange::to_markdown),
        ("mmd", interchange::to_mermaid),
        ("opml", interchange::to_opml),
        ("csv", interchange::to_csv),
    ];
    for (map_name, path) in [
        ("tricky", "tests/golden/tricky.ron"),
        ("nrr", "samples/nrr.ron"),
    ] {
        let map = load(path);
        for (ext, writer) in writers {
            let out = writer(&map, &opts()).unwrap();
            assert!(
                out.warnings.is_empty(),
                "{map_name}.{ext}: {:?}",
                out.warnings
            );
            golden(&format!("{map_name}.{ext}"), &out.text);
            // Deterministic: the same map gives the same bytes.
            assert_eq!(writer(&map, &opts()).unwrap().text, out.text);
        }
    }
    // A subtree under a scenario and period.
    let map = load("samples/workshop.ron");
    let options = ExportOptions {
        root: Some("expansion".into()),
        scenario: Some(map.scenarios()[0].name.clone()),
        period: None,
    };
    golden(
        "workshop-expansion.md",
        &interchange::to_markdown(&map, &options).unwrap().text,
    );
    golden(
        "workshop-expansion.csv",
        &interchange::to_csv(&map, &options).unwrap().text,
    );
}

#[test]
fn unknown_root_scenario_and_period_are_errors() {
    let map = load("samples/nrr.ron");
    let bad = |options: ExportOptions| {
        interchange::to_markdown(&map, &options)
            .unwrap_err()
            .to_string()
    };
    let root = bad(ExportOptions {
        root: Some("nope".into()),
        ..opts()
    });
    assert!(root.contains("nope"), "{root}");
    let scenario = bad(ExportOptions {
        scenario: Some("Nope".into()),
        ..opts()
    });
    assert!(scenario.contains("Nope"), "{scenario}");
    let period = bad(ExportOptions {
        period: Some("1999-01".into()),
        ..opts()
    });
    assert!(
        period.contains("1999-01") && period.contains("2026-10"),
        "{period}"
    );
    // Every writer checks them, OPML too (where they change nothing).
    for writer in [
        interchange::to_mermaid,
        interchange::to_opml,
        interchange::to_csv,
    ] {
        for options in [
            ExportOptions {
                root: Some("nope".into()),
                ..opts()
            },
            ExportOptions {
                scenario: Some("Nope".into()),
                ..opts()
            },
            ExportOptions {
                period: Some("1999-01".into()),
                ..opts()
            },
        ] {
            assert!(writer(&map, &options).is_err(), "{options:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// OPML round trip.

/// Exports to OPML and imports it back; the canonical text must be identical.
#[track_caller]
fn assert_opml_round_trip(map: &Map) {
    let opml = interchange::to_opml(map, &opts()).unwrap().text;
    let back = import_opml(&opml, &ImportOptions::default()).unwrap_or_else(|problems| {
        panic!("{problems:?}\n{opml}");
    });
    assert_eq!(format::to_string(&back), format::to_string(map), "{opml}");
    assert_eq!(back.title(), map.title());
}

#[test]
fn opml_round_trips_every_sample() {
    for path in [
        "samples/nrr.ron",
        "samples/ost.ron",
        "samples/saas_revenue.ron",
        "samples/workshop.ron",
        "tests/golden/tricky.ron",
    ] {
        assert_opml_round_trip(&load(path));
    }
}

#[test]
fn opml_of_a_subtree_keeps_only_its_links_and_overrides() {
    let map = load("tests/golden/tricky.ron");
    let options = ExportOptions {
        root: Some("grow".into()),
        ..opts()
    };
    let opml = interchange::to_opml(&map, &options).unwrap().text;
    let back = import_opml(&opml, &ImportOptions::default()).unwrap();
    assert_eq!(back.len(), 5);
    assert!(back.links().is_empty());
    assert!(back.scenarios()[0].overrides.is_empty());
}

#[test]
fn a_chain_100_000_deep_exports_and_imports_on_a_small_stack() {
    let result = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let map = fulcrum::model::synthetic::chain(100_000);
            let opml = interchange::to_opml(&map, &opts()).unwrap().text;
            let back = import_opml(&opml, &ImportOptions::default()).unwrap();
            assert_eq!(format::to_string(&back), format::to_string(&map));
            let md = interchange::to_markdown(&map, &opts()).unwrap();
            assert_eq!(md.warnings.len(), 1, "{:?}", md.warnings);
            assert!(md.text.len() < 40_000_000);
            let mmd = interchange::to_mermaid(&map, &opts()).unwrap();
            assert_eq!(mmd.warnings.len(), 2);
            interchange::to_csv(&map, &opts()).unwrap();
        })
        .unwrap()
        .join();
    assert!(result.is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_maps_round_trip_through_opml(
        title in map_gen::text(),
        gens in prop::collection::vec(map_gen::gen_node(), 0..24),
        links in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()),
            0..5,
        ),
        scenarios in prop::collection::vec(
            (map_gen::text(), prop::collection::vec((any::<prop::sample::Index>(), map_gen::finite_f64()), 0..4)),
            0..3,
        ),
    ) {
        let map = map_gen::build_map(title, gens, links, scenarios);
        let opml = interchange::to_opml(&map, &opts()).unwrap().text;
        let back = match import_opml(&opml, &ImportOptions::default()) {
            Ok(back) => back,
            Err(problems) => return Err(TestCaseError::fail(format!("{problems:?}\n{opml}"))),
        };
        prop_assert_eq!(format::to_string(&back), format::to_string(&map));
        prop_assert_eq!(back.title(), map.title());
    }
}

// ---------------------------------------------------------------------------------------
// Markdown reads as typed; Mermaid cannot be broken; CSV is a spreadsheet's.

#[test]
fn markdown_titles_render_as_typed() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let map = load("tests/golden/tricky.ron");
    let md = interchange::to_markdown(&map, &opts()).unwrap().text;
    let mut opts = Options::all();
    opts.remove(Options::ENABLE_SMART_PUNCTUATION);
    let mut strong = Vec::new();
    let mut in_strong = false;
    for event in Parser::new_ext(&md, opts) {
        match event {
            Event::Start(Tag::Strong) => {
                in_strong = true;
                strong.push(String::new());
            }
            Event::End(TagEnd::Strong) => in_strong = false,
            Event::Text(t) if in_strong => strong.last_mut().unwrap().push_str(&t),
            Event::Start(
                Tag::Emphasis | Tag::Link { .. } | Tag::Strikethrough | Tag::Image { .. },
            )
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::Code(_) => {
                // `*(untitled)*` is the only emphasis Fulcrum writes; the sample has none.
                panic!("markup from the map's text: {event:?}\n{md}");
            }
            _ => {}
        }
    }
    let titles: Vec<String> = map.iter().map(|(_, n)| n.title.clone()).collect();
    assert_eq!(strong, titles);
}

#[test]
fn mermaid_ids_are_generated_and_labels_escaped() {
    let map = load("tests/golden/tricky.ron");
    let mmd = interchange::to_mermaid(&map, &opts()).unwrap().text;
    for line in mmd.lines().skip(1) {
        let line = line.trim();
        let first = line.split([' ', '[', '(', '{', '>']).next().unwrap();
        if !line.starts_with("classDef") && !line.starts_with("class ") {
            assert!(
                first.starts_with('n') && first[1..].parse::<u32>().is_ok(),
                "{line}"
            );
        }
        // Inside a label, only the quotes that open and close it.
        if let Some(start) = line.find('"') {
            let end = line.rfind('"').unwrap();
            let label = &line[start + 1..end];
            // Entity codes (`#35;`) and line breaks are Fulcrum's; nothing else is syntax.
            let mut plain = label.replace("<br/>", " ");
            while let Some(at) = plain.find('#') {
                let end = plain[at..].find(';').unwrap() + at;
                assert!(plain[at + 1..end].parse::<u32>().is_ok(), "{line}");
                plain.replace_range(at..=end, "");
            }
            assert!(
                !plain.contains(['"', '[', ']', ';', '<', '>', '&', '`', '#']),
                "{line}"
            );
        }
    }
}

#[test]
fn mermaid_warns_past_its_default_limits() {
    let map = fulcrum::model::synthetic::wide(1500);
    let out = interchange::to_mermaid(&map, &opts()).unwrap();
    assert!(
        out.warnings.iter().any(|w| w.contains("maxEdges")),
        "{:?}",
        out.warnings
    );
    assert!(
        out.warnings.iter().any(|w| w.contains("maxTextSize")),
        "{:?}",
        out.warnings
    );
    let small = interchange::to_mermaid(&load("samples/ost.ron"), &opts()).unwrap();
    assert!(small.warnings.is_empty());
}

#[test]
fn csv_has_a_row_per_node_with_leverage_and_no_formulas_to_run() {
    let mut map = load("samples/nrr.ron");
    let csv = interchange::to_csv(&map, &opts()).unwrap().text;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "parent",
            "kind",
            "title",
            "value",
            "unit",
            "target",
            "status",
            "sensitivity",
            "elasticity"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), map.len());
    let analysis = fulcrum::engine::Analysis::new(&map, None, None).unwrap();
    let leverage =
        fulcrum::engine::leverage(&map, &analysis.program, &analysis.rollup, None).unwrap();
    for lever in &leverage.levers {
        let row = rows.iter().find(|r| &r[0] == lever.id.as_str()).unwrap();
        assert_eq!(
            row[8].parse::<f64>().unwrap().to_bits(),
            lever.sensitivity.unwrap().to_bits()
        );
        let e: f64 = row[9].parse().unwrap();
        assert_eq!(e.to_bits(), lever.elasticity.unwrap().to_bits());
    }
    let nrr = rows.iter().find(|r| &r[0] == "nrr").unwrap();
    assert_eq!((&nrr[7], &nrr[8], &nrr[9]), ("amber", "1", "1"));

    // A title a spreadsheet would run gets a leading quote.
    let mut node = map.node("churned").unwrap().clone();
    node.title = "=HYPERLINK(\"http://evil\",\"click\")".into();
    map.replace_node("churned", node).unwrap();
    let csv = interchange::to_csv(&map, &opts()).unwrap().text;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "churned")
        .unwrap();
    assert!(row[3].starts_with("'="), "{:?}", &row[3]);
}

// ---------------------------------------------------------------------------------------
// Import of outlines from other tools.

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/outlines").join(name)).unwrap()
}

/// (depth, kind, title) of every node, depth-first.
fn shape(map: &Map) -> Vec<(usize, NodeKind, String)> {
    map.dfs()
        .into_iter()
        .map(|id| {
            let n = map.node(id.as_str()).unwrap();
            (map.depth(id.as_str()), n.kind, n.title.clone())
        })
        .collect()
}

#[test]
fn outliners_opml_imports_with_its_structure() {
    for name in [
        "workflowy.opml",
        "dynalist.opml",
        "omnioutliner.opml",
        "logseq.opml",
    ] {
        let map = import_opml(&fixture(name), &ImportOptions::default())
            .unwrap_or_else(|p| panic!("{name}: {p:?}"));
        let shape = shape(&map);
        assert_eq!(
            shape[0],
            (0, NodeKind::Outcome, "Increase weekly active teams".into()),
            "{name}"
        );
        assert_eq!(shape[1].0, 1, "{name}");
        assert_eq!(shape[1].1, NodeKind::Opportunity, "{name}");
        assert!(shape.iter().any(|s| s.1 == NodeKind::Solution), "{name}");
        assert!(
            shape.iter().all(|s| !s.2.contains('<')),
            "{name}: {shape:?}"
        );
        map.check_invariants().unwrap();
        assert!(format::save_problems(&map).is_empty());
        // Ids come from titles.
        assert!(map.contains("increase_weekly_active_teams"), "{name}");
    }
    let workflowy = import_opml(&fixture("workflowy.opml"), &ImportOptions::default()).unwrap();
    let note = workflowy
        .iter()
        .find_map(|(_, n)| n.notes.clone().filter(|n| n.contains("Interview")))
        .unwrap();
    assert!(note.contains("Interview"), "{note}");
    let dynalist = import_opml(&fixture("dynalist.opml"), &ImportOptions::default()).unwrap();
    assert!(dynalist.iter().all(|(_, n)| n.notes.is_none()));
    assert_eq!(dynalist.title(), "Discovery");
}

#[test]
fn markdown_lists_and_headings_import() {
    let options = ImportOptions {
        fallback_title: Some("file".into()),
        ..ImportOptions::default()
    };
    let lists = import_markdown(&fixture("github-list.md"), &options).unwrap();
    assert_eq!(lists.title(), "file");
    let s = shape(&lists);
    assert_eq!(
        s[0],
        (0, NodeKind::Outcome, "Increase weekly active teams".into())
    );
    assert_eq!(
        s[1],
        (
            1,
            NodeKind::Opportunity,
            "I can't get my team onboarded".into()
        )
    );
    assert_eq!(s[2], (2, NodeKind::Solution, "Bulk invite from CSV".into()));
    assert_eq!(
        s[3],
        (
            3,
            NodeKind::Assumption,
            "Admins have a CSV of their team".into()
        )
    );
    assert_eq!(s[4], (4, NodeKind::Test, "Fake door in settings".into()));

    let headings = import_markdown(&fixture("headings.md"), &options).unwrap();
    assert_eq!(headings.title(), "Increase weekly active teams");
    let s = shape(&headings);
    assert_eq!(s[0].0, 0);
    assert_eq!(
        s[1],
        (1, NodeKind::Opportunity, "Onboarding is slow".into())
    );
    assert!(s.iter().any(|x| x.0 == 2 && x.2 == "Invite link"), "{s:?}");
    let onboarding = headings.node("onboarding_is_slow").unwrap();
    assert!(
        onboarding
            .notes
            .as_deref()
            .unwrap()
            .contains("three interviews")
    );

    let logseq = import_markdown(
        &fixture("logseq.md"),
        &ImportOptions {
            kinds: KindRule::Note,
            ..options.clone()
        },
    )
    .unwrap();
    assert!(logseq.iter().all(|(_, n)| n.kind == NodeKind::Note));
    let first = logseq
        .node(logseq.roots().next().unwrap().as_str())
        .unwrap();
    assert!(first.notes.as_deref().unwrap().contains("collapsed:: true"));

    let obsidian = import_markdown(
        &fixture("obsidian.md"),
        &ImportOptions {
            kinds: KindRule::Metric,
            ..options
        },
    )
    .unwrap();
    assert_eq!(obsidian.title(), "Revenue drivers");
    assert!(obsidian.iter().all(|(_, n)| n.kind == NodeKind::Metric));
    assert!(obsidian.iter().any(|(_, n)| n.title == "Done task"));
}

#[test]
fn markdown_without_an_outline_is_an_error_not_an_empty_map() {
    let problems = import_markdown("Just a paragraph.\n", &ImportOptions::default()).unwrap_err();
    assert!(
        problems[0].message.contains("no heading"),
        "{}",
        problems[0].message
    );
    // Many nodes with one title get their ids in linear time.
    let md = "- x\n".repeat(50_000);
    let map = import_markdown(&md, &ImportOptions::default()).unwrap();
    assert!(map.contains("x") && map.contains("x_50000"));
}

#[test]
fn ids_from_titles_are_unique_and_slugged() {
    let md = "- Churn\n- Churn\n- Café *au* lait\n- 2026 plan\n";
    let map = import_markdown(md, &ImportOptions::default()).unwrap();
    let ids: Vec<&str> = map.dfs().into_iter().map(|i| i.as_str()).collect();
    assert_eq!(ids, ["churn", "churn_2", "cafe_au_lait", "_2026_plan"]);
}

#[test]
fn fulcrum_markdown_imports_as_an_outline() {
    let map = load("samples/ost.ron");
    let md = interchange::to_markdown(&map, &opts()).unwrap().text;
    let back = import_markdown(&md, &ImportOptions::default()).unwrap();
    // The heading holds the trees; every node is there.
    assert_eq!(back.len(), map.len() + 1);
}

// ---------------------------------------------------------------------------------------
// Hostile outlines.

#[test]
fn billion_laughs_and_entities_are_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<opml version="2.0"><head><title>&lol3;</title></head><body><outline text="&lol3;"/></body></opml>"#;
    let problems = import_opml(bomb, &ImportOptions::default()).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(2));
    assert!(
        problems[0].message.contains("DOCTYPE"),
        "{}",
        problems[0].message
    );

    let entity = "<opml version=\"2.0\"><body>\n  <outline text=\"a &ext; b\"/></body></opml>";
    let problems = import_opml(entity, &ImportOptions::default()).unwrap_err();
    assert_eq!(problems[0].line, Some(2), "{problems:?}");
    assert!(
        problems[0].message.contains("ext"),
        "{}",
        problems[0].message
    );

    let external = "<!DOCTYPE opml SYSTEM \"file:///etc/passwd\"><opml/>";
    assert!(import_opml(external, &ImportOptions::default()).is_err());
}

#[test]
fn broken_opml_gets_its_place() {
    let cases = [
        (
            "<opml version=\"2.0\"><body>\n<outline text=\"a\">\n</body></opml>",
            3,
        ),
        (
            "<opml><body><outline text=\"a\" fulcrum:value=\"x\" xmlns:fulcrum=\"urn:fulcrum:opml:1\"/></body></opml>",
            1,
        ),
        ("<html><body/></html>", 1),
        (
            "<opml xmlns:fulcrum=\"urn:fulcrum:opml:1\" fulcrum:format=\"9\"><body/></opml>",
            1,
        ),
        (
            "<opml xmlns:fulcrum=\"urn:fulcrum:opml:1\"><body>\n<outline text=\"a\" fulcrum:id=\"a\"/>\n<outline text=\"b\" fulcrum:id=\"a\"/></body></opml>",
            3,
        ),
        (
            "<opml xmlns:fulcrum=\"urn:fulcrum:opml:1\"><body>\n<outline text=\"a\" fulcrum:effort=\"9\" fulcrum:kind=\"Solution\"/></body></opml>",
            0,
        ),
    ];
    for (text, line) in cases {
        let problems = import_opml(text, &ImportOptions::default()).unwrap_err();
        assert!(!problems.is_empty());
        if line > 0 {
            assert_eq!(problems[0].line, Some(line), "{text}: {problems:?}");
        }
        assert!(!problems[0].message.is_empty());
    }
}

#[test]
fn deep_nesting_is_handled_without_recursion() {
    let result = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            // 100 000 nested outlines.
            let mut opml = String::from("<opml version=\"2.0\"><body>");
            for _ in 0..100_000 {
                opml.push_str("<outline text=\"x\">");
            }
            for _ in 0..100_000 {
                opml.push_str("</outline>");
            }
            opml.push_str("</body></opml>");
            let map = import_opml(&opml, &ImportOptions::default()).unwrap();
            assert_eq!(map.len(), 100_000);
            // 100 000 nested list items on one line, 100 000 nested quotes, a list indented
            // 100 000 levels: refused at once, with the line.
            let list = "- Top\n".to_owned() + &"- ".repeat(100_000) + "x\n";
            let quotes = "- Top\n".to_owned() + &">".repeat(100_000) + " x\n";
            let indented = "- Top\n".to_owned() + &" ".repeat(200_000) + "- x\n";
            for md in [list, quotes, indented] {
                let problems = import_markdown(&md, &ImportOptions::default()).unwrap_err();
                assert_eq!(problems[0].line, Some(2));
                assert!(
                    problems[0].message.contains("levels"),
                    "{}",
                    problems[0].message
                );
            }
            // As deep as allowed still imports.
            let md = "- ".repeat(interchange::MAX_MARKDOWN_NESTING) + "x\n";
            let map = import_markdown(&md, &ImportOptions::default()).unwrap();
            assert_eq!(map.len(), interchange::MAX_MARKDOWN_NESTING);
        })
        .unwrap()
        .join();
    assert!(result.is_ok(), "overflowed the stack or panicked");
}

#[test]
fn huge_and_odd_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.opml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(interchange::MAX_OUTLINE_BYTES + 1).unwrap();
    let err = interchange::import::import_file(&big, &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, interchange::ImportError::Read(_)), "{err}");
    let folder = interchange::import::import_file(
        dir.path()
            .join(".")
            .join("x.md")
            .parent()
            .unwrap()
            .join("")
            .as_path(),
        &ImportOptions::default(),
    );
    assert!(folder.is_err());
    let utf16 = dir.path().join("u.opml");
    std::fs::write(&utf16, [0xff, 0xfe, b'<', 0]).unwrap();
    let err = interchange::import::import_file(&utf16, &ImportOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("problem") || matches!(err, interchange::ImportError::Invalid(_))
    );
    let _ = Path::new("");
}
