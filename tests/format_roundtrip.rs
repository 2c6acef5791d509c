#![allow(clippy::unwrap_used)]
//! The file format reads what it writes: the SPEC §3 example loads, saves are canonical and
//! byte-identical, numbers come back bit-identical, a one-field edit is a one-line diff, and
//! very deep and very wide maps load and save.

use std::collections::BTreeMap;
use std::fs;

use fulcrum::edit::Command;
use fulcrum::format::{self, FormatError, Severity};
use fulcrum::model::{
    Category, Direction, Display, Evidence, Formula, Link, LinkKind, Map, Node, NodeId, NodeKind,
    Orientation, Scenario, Sizing, Status, Thresholds,
};
use proptest::prelude::*;

mod map_gen;
use map_gen::{build_map, finite_f64, gen_node, text};

/// The SPEC §3 example, completed with the three metrics its formula and link name.
const SPEC_EXAMPLE: &str = r#"#![enable(implicit_some)]
Map(
    format: 1,
    title: "Net revenue retention",
    nodes: [
        (id: "nrr", kind: Metric, title: "Net revenue retention",
         formula: Expr("(starting_mrr + expansion - contraction - churned) / starting_mrr"),
         unit: "%", display: Percent, target: 1.10, direction: HigherIsBetter,
         thresholds: (warn: 1.05, alert: 1.00), owner: "VP Customer Success"),
        (id: "starting_mrr", parent: "nrr", kind: Metric, title: "Starting MRR",
         value: 100000.0, unit: "$", display: Currency,
         history: {"2026-09": 96000.0, "2026-10": 100000.0},
         source: "Billing warehouse, mrr_daily", owner: "Finance"),
        (id: "expansion", parent: "nrr", kind: Metric, title: "Expansion", value: 8000.0),
        (id: "contraction", parent: "nrr", kind: Metric, title: "Contraction", value: 1500.0),
        (id: "churned", parent: "nrr", kind: Metric, title: "Churned", value: 3000.0,
         direction: LowerIsBetter),
        (id: "grow_usage", kind: Outcome, title: "Increase seats used per account"),
        (id: "cant_invite", parent: "grow_usage", kind: Opportunity,
         title: "I can't get my team onboarded", sizing: (reach: 4, frequency: 3, severity: 4)),
    ],
    links: [(from: "grow_usage", to: "expansion", kind: Measures)],
    scenarios: [(name: "Stretch", overrides: {"churned": 2000.0})],
)
"#;

/// The canonical form of [`SPEC_EXAMPLE`].
const SPEC_CANONICAL: &str = r#"#![enable(implicit_some)]
Map(
    format: 1,
    title: "Net revenue retention",
    nodes: [
        (
            id: "nrr",
            kind: Metric,
            title: "Net revenue retention",
            formula: Expr("(starting_mrr + expansion - contraction - churned) / starting_mrr"),
            unit: "%",
            display: Percent,
            target: 1.1,
            direction: HigherIsBetter,
            thresholds: (warn: 1.05, alert: 1.0),
            owner: "VP Customer Success",
        ),
        (
            id: "starting_mrr",
            parent: "nrr",
            kind: Metric,
            title: "Starting MRR",
            value: 100000.0,
            unit: "$",
            display: Currency,
            history: {"2026-09": 96000.0, "2026-10": 100000.0},
            source: "Billing warehouse, mrr_daily",
            owner: "Finance",
        ),
        (
            id: "expansion",
            parent: "nrr",
            kind: Metric,
            title: "Expansion",
            value: 8000.0,
        ),
        (
            id: "contraction",
            parent: "nrr",
            kind: Metric,
            title: "Contraction",
            value: 1500.0,
        ),
        (
            id: "churned",
            parent: "nrr",
            kind: Metric,
            title: "Churned",
            value: 3000.0,
            direction: LowerIsBetter,
        ),
        (
            id: "grow_usage",
            kind: Outcome,
            title: "Increase seats used per account",
        ),
        (
            id: "cant_invite",
            parent: "grow_usage",
            kind: Opportunity,
            title: "I can't get my team onboarded",
            sizing: (reach: 4, frequency: 3, severity: 4),
        ),
    ],
    links: [
        (from: "grow_usage", to: "expansion", kind: Measures),
    ],
    scenarios: [
        (name: "Stretch", overrides: {"churned": 2000.0}),
    ],
)
"#;

fn id(s: &str) -> NodeId {
    NodeId::new(s).unwrap()
}

/// Runs `f` on a thread with a 2 MB stack, as a small platform thread would have.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Every node's data, parent and children, every link and scenario must match; numbers by
/// their bits.
fn assert_same_map(a: &Map, b: &Map) {
    assert_eq!(a.title(), b.title());
    assert_eq!(a.len(), b.len());
    let ids_a: Vec<&NodeId> = a.dfs();
    let ids_b: Vec<&NodeId> = b.dfs();
    assert_eq!(ids_a, ids_b);
    for node_id in ids_a {
        let (na, nb) = (
            a.node(node_id.as_str()).unwrap(),
            b.node(node_id.as_str()).unwrap(),
        );
        assert_eq!(na, nb, "node {node_id}");
        let bits = |n: &Node| -> Vec<(String, u64)> {
            n.numbers()
                .map(|(name, v)| (name.to_owned(), v.to_bits()))
                .collect()
        };
        assert_eq!(bits(na), bits(nb), "numbers of {node_id}");
        assert_eq!(a.parent(node_id.as_str()), b.parent(node_id.as_str()));
    }
    assert_eq!(a.links(), b.links());
    assert_eq!(a.scenarios(), b.scenarios());
    for (sa, sb) in a.scenarios().iter().zip(b.scenarios()) {
        let bits =
            |s: &Scenario| -> Vec<u64> { s.overrides.values().map(|v| v.to_bits()).collect() };
        assert_eq!(bits(sa), bits(sb));
    }
}

#[test]
fn spec_example_loads() {
    let loaded = format::parse_str(SPEC_EXAMPLE).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let map = &loaded.map;
    assert_eq!(map.title(), "Net revenue retention");
    assert_eq!(map.len(), 7);
    let roots: Vec<&str> = map.roots().map(NodeId::as_str).collect();
    assert_eq!(roots, ["nrr", "grow_usage"]);
    let kids: Vec<&str> = map.children("nrr").map(NodeId::as_str).collect();
    assert_eq!(
        kids,
        ["starting_mrr", "expansion", "contraction", "churned"]
    );
    let nrr = map.node("nrr").unwrap();
    assert_eq!(nrr.target, Some(1.10));
    assert_eq!(nrr.display, Some(Display::Percent));
    assert_eq!(nrr.direction, Some(Direction::HigherIsBetter));
    assert_eq!(
        nrr.thresholds,
        Some(Thresholds {
            warn: 1.05,
            alert: 1.0
        })
    );
    assert_eq!(
        nrr.formula,
        Some(Formula::Expr(
            "(starting_mrr + expansion - contraction - churned) / starting_mrr".into()
        ))
    );
    let mrr = map.node("starting_mrr").unwrap();
    assert_eq!(mrr.history.get("2026-09"), Some(&96000.0));
    assert_eq!(mrr.source.as_deref(), Some("Billing warehouse, mrr_daily"));
    let opp = map.node("cant_invite").unwrap();
    assert_eq!(
        opp.sizing,
        Some(Sizing {
            reach: 4,
            frequency: 3,
            severity: 4
        })
    );
    assert_eq!(
        map.links(),
        vec![Link {
            from: id("grow_usage"),
            to: id("expansion"),
            kind: LinkKind::Measures
        }]
    );
    assert_eq!(
        map.scenario("Stretch").unwrap().overrides.get("churned"),
        Some(&2000.0)
    );
}

#[test]
fn bare_and_some_optionals_read_the_same() {
    let explicit = SPEC_EXAMPLE
        .replace("target: 1.10", "target: Some(1.10)")
        .replace("unit: \"%\"", "unit: Some(\"%\")")
        .replace("display: Percent", "display: Some(Percent)")
        .replace(
            "thresholds: (warn: 1.05, alert: 1.00)",
            "thresholds: Some((warn: 1.05, alert: 1.00))",
        )
        .replace("formula: Expr(", "formula: Some(Expr(")
        .replace("/ starting_mrr\"),", "/ starting_mrr\")),")
        .replace("#![enable(implicit_some)]\n", "");
    assert_ne!(explicit, SPEC_EXAMPLE);
    let a = format::parse_str(SPEC_EXAMPLE).unwrap().map;
    let b = format::parse_str(&explicit).unwrap().map;
    assert_same_map(&a, &b);
    assert_eq!(format::to_string(&a), format::to_string(&b));
}

#[test]
fn canonical_text_has_the_documented_shape() {
    let map = format::parse_str(SPEC_EXAMPLE).unwrap().map;
    assert_eq!(format::to_string(&map), SPEC_CANONICAL);
    // Canonical text is a fixed point.
    let again = format::parse_str(SPEC_CANONICAL).unwrap().map;
    assert_eq!(format::to_string(&again), SPEC_CANONICAL);
}

#[test]
fn save_load_save_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nrr.ron");
    let map = format::parse_str(SPEC_EXAMPLE).unwrap().map;
    format::save(&map, &path).unwrap();
    let first = fs::read(&path).unwrap();
    let loaded = format::load(&path).unwrap().map;
    assert_same_map(&map, &loaded);
    format::save(&loaded, &path).unwrap();
    assert_eq!(fs::read(&path).unwrap(), first);
    // No temp file is left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["nrr.ron"]);
}

/// Lines that differ between two texts, which must have the same number of lines.
fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(la.len(), lb.len(), "line count changed:\n{a}\n---\n{b}");
    la.iter()
        .zip(&lb)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect()
}

#[test]
fn one_field_edit_is_one_line_diff() {
    let mut map = format::parse_str(SPEC_EXAMPLE).unwrap().map;
    let before = format::to_string(&map);
    let edits: [fn(&mut Node); 4] = [
        |n| n.value = Some(101_000.5),
        |n| n.title = "Starting MRR (\"net\")\nsecond line".into(),
        |n| {
            n.history.insert("2026-10", 99_999.0);
        },
        |n| n.owner = Some("Finance — EMEA".into()),
    ];
    for edit in edits {
        let mut node = map.node("starting_mrr").unwrap().clone();
        edit(&mut node);
        let inverse = Command::SetNode {
            id: id("starting_mrr"),
            node: Box::new(node),
        }
        .apply(&mut map)
        .unwrap();
        let after = format::to_string(&map);
        let diff = changed_lines(&before, &after);
        assert_eq!(diff.len(), 1, "{diff:?}");
        inverse.apply(&mut map).unwrap();
        assert_eq!(format::to_string(&map), before);
    }
}

#[test]
fn every_field_round_trips() {
    let mut map = Map::new("All the fields \u{1F600}");
    let mut metric = Node::new(NodeKind::Metric, "Metric \"quoted\"\\ back\\slash");
    metric.formula = Some(Formula::Sum);
    metric.value = Some(-0.0);
    metric.unit = Some("€".into());
    metric.display = Some(Display::Ratio);
    metric.target = Some(1e-310);
    metric.direction = Some(Direction::LowerIsBetter);
    metric.thresholds = Some(Thresholds {
        warn: f64::MAX,
        alert: -f64::MIN_POSITIVE,
    });
    metric.controllable = true;
    metric.history = fulcrum::model::History::from([
        ("2026-W45".to_owned(), 1e21),
        ("\"odd\" key\n".to_owned(), 0.1 + 0.2),
    ]);
    metric.source = Some("tab\there".into());
    metric.owner = Some("O'Brien".into());
    metric.orientation = Some(Orientation::LeftRight);
    metric.notes = Some("line one\r\nline two\u{2028}three\u{0}".into());
    map.insert(id("m"), metric, None, 0).unwrap();
    let mut child = Node::new(NodeKind::Metric, "Child");
    child.value = Some(5e-324);
    map.insert(id("c"), child, Some("m"), 0).unwrap();

    let mut outcome = Node::new(NodeKind::Outcome, "Outcome");
    outcome.orientation = Some(Orientation::TopDown);
    map.insert(id("o"), outcome, None, 1).unwrap();
    let mut opp = Node::new(NodeKind::Opportunity, "Opp");
    opp.sizing = Some(Sizing {
        reach: 1,
        frequency: 5,
        severity: 3,
    });
    opp.market = Some(1);
    opp.company = Some(2);
    opp.customer = Some(5);
    opp.evidence = vec![
        Evidence {
            source: "Interview: Dana".into(),
            date: Some("2026-10-14".into()),
            quote: Some("\"I gave up\"".into()),
        },
        Evidence {
            source: "Survey".into(),
            date: None,
            quote: None,
        },
    ];
    opp.targeted = true;
    map.insert(id("p"), opp, Some("o"), 0).unwrap();
    let mut solution = Node::new(NodeKind::Solution, "Sol");
    solution.status = Some(Status::Building);
    solution.effort = Some(4);
    solution.expected_lift = Some(0.05);
    map.insert(id("s"), solution, Some("p"), 0).unwrap();
    let mut assumption = Node::new(NodeKind::Assumption, "Ass");
    assumption.category = Some(Category::Ethical);
    assumption.importance = Some(5);
    assumption.evidence_strength = Some(1);
    map.insert(id("a"), assumption, Some("s"), 0).unwrap();
    let mut test = Node::new(NodeKind::Test, "Test");
    test.method = Some("A/B".into());
    test.success_criterion = Some("+5% seats".into());
    test.status = Some(Status::Inconclusive);
    test.result = Some("meh".into());
    map.insert(id("t"), test, Some("a"), 0).unwrap();
    map.insert(id("n"), Node::new(NodeKind::Note, ""), Some("t"), 0)
        .unwrap();
    map.add_link(Link {
        from: id("o"),
        to: id("m"),
        kind: LinkKind::Measures,
    })
    .unwrap();
    map.add_link(Link {
        from: id("p"),
        to: id("c"),
        kind: LinkKind::Relates,
    })
    .unwrap();
    map.insert_scenario(
        0,
        Scenario {
            name: "Low \"case\"".into(),
            overrides: BTreeMap::from([(id("c"), -1e-300)]),
        },
    )
    .unwrap();
    map.insert_scenario(
        1,
        Scenario {
            name: "Empty".into(),
            overrides: BTreeMap::new(),
        },
    )
    .unwrap();

    assert!(
        format::save_problems(&map).is_empty(),
        "{:?}",
        format::save_problems(&map)
    );
    let text = format::to_string(&map);
    let loaded = format::parse_str(&text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_same_map(&map, &loaded.map);
    assert_eq!(format::to_string(&loaded.map), text);
    assert!(text.contains("            evidence: [\n                (source: \"Interview: Dana\""));
    assert!(text.contains("            evidence: 1,\n"));
    assert!(text.contains("            controllable: true,\n"));
    assert!(text.contains("            value: -0.0,\n"));
    assert!(text.contains("            target: 1e-310,\n"));
}

#[test]
fn save_refuses_a_map_that_would_not_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ron");
    let mut map = format::parse_str(SPEC_EXAMPLE).unwrap().map;
    format::save(&map, &path).unwrap();
    let before = fs::read(&path).unwrap();
    let mut node = map.node("expansion").unwrap().clone();
    node.value = Some(f64::NAN);
    Command::SetNode {
        id: id("expansion"),
        node: Box::new(node),
    }
    .apply(&mut map)
    .unwrap();
    let err = format::save(&map, &path).unwrap_err();
    let problems = err.problems();
    assert!(
        problems[0].message.contains("`expansion`") && problems[0].message.contains("NaN"),
        "{problems:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn failed_save_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let map = format::parse_str(SPEC_EXAMPLE).unwrap().map;

    // The target is a folder.
    let folder = dir.path().join("folder.ron");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("inside"), b"keep").unwrap();
    let err = format::save(&map, &folder).unwrap_err();
    assert!(
        matches!(err, FormatError::Io { ref path, .. } if path == &folder),
        "{err:?}"
    );
    assert!(err.to_string().contains("folder.ron"), "{err}");
    assert_eq!(fs::read(folder.join("inside")).unwrap(), b"keep");
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "temp file left behind");

    // The folder is read-only (meaningless for root, who may write anyway).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        fs::create_dir(&ro).unwrap();
        let path = ro.join("map.ron");
        fs::write(&path, b"old contents").unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let probe = ro.join("probe");
        let writable = fs::write(&probe, b"").is_ok();
        if !writable {
            let err = format::save(&map, &path).unwrap_err();
            assert!(matches!(err, FormatError::Io { .. }), "{err:?}");
            assert!(err.problems()[0].message.contains("map.ron"));
            assert_eq!(fs::read(&path).unwrap(), b"old contents");
            assert_eq!(fs::read_dir(&ro).unwrap().count(), 1);
        } else {
            let _ = fs::remove_file(&probe);
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }

    // A missing folder.
    let err = format::save(&map, &dir.path().join("no/such/dir/m.ron")).unwrap_err();
    assert!(matches!(err, FormatError::Io { .. }));
}

#[cfg(unix)]
#[test]
fn save_through_a_symlink_replaces_the_target_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ron");
    let link = dir.path().join("link.ron");
    fs::write(&real, b"old").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let map = format::parse_str(SPEC_EXAMPLE).unwrap().map;
    format::save(&map, &link).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&real).unwrap(), format::to_string(&map));
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn a_chain_100_000_deep_loads_and_saves() {
    on_small_stack(|| {
        const DEPTH: usize = 100_000;
        let mut map = Map::new("deep");
        let mut parent: Option<NodeId> = None;
        for i in 0..DEPTH {
            let mut node = Node::new(NodeKind::Metric, format!("level {i}"));
            if i + 1 < DEPTH {
                node.formula = Some(Formula::Sum);
            } else {
                node.value = Some(1.5);
            }
            let this = id(&format!("n{i}"));
            map.insert(this.clone(), node, parent.as_ref().map(NodeId::as_str), 0)
                .unwrap();
            parent = Some(this);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep.ron");
        format::save(&map, &path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let loaded = format::load(&path).unwrap();
        assert_eq!(loaded.map.len(), DEPTH);
        assert_eq!(loaded.map.depth("n99999"), DEPTH - 1);
        assert_eq!(format::to_string(&loaded.map), text);
        format::save(&loaded.map, &path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    });
}

#[test]
fn a_node_with_100_000_children_loads_and_saves() {
    on_small_stack(|| {
        const WIDTH: usize = 100_000;
        let mut map = Map::new("wide");
        let mut top = Node::new(NodeKind::Metric, "Total");
        top.formula = Some(Formula::Sum);
        map.insert(id("total"), top, None, 0).unwrap();
        for i in 0..WIDTH {
            let mut node = Node::new(NodeKind::Metric, format!("part {i}"));
            node.value = Some(i as f64 * 0.1);
            map.insert(id(&format!("p{i}")), node, Some("total"), usize::MAX)
                .unwrap();
        }
        let text = format::to_string(&map);
        let loaded = format::parse_str(&text).unwrap().map;
        assert_eq!(loaded.child_count("total"), WIDTH);
        assert_eq!(
            loaded.children("total").nth(12_345).unwrap().as_str(),
            "p12345"
        );
        assert_eq!(format::to_string(&loaded), text);
    });
}

// Random maps built through commands (tests/map_gen): save → load → save is the identity.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_maps_round_trip(
        title in text(),
        gens in prop::collection::vec(gen_node(), 0..30),
        links in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()),
            0..6,
        ),
        scenarios in prop::collection::vec(
            (text(), prop::collection::vec((any::<prop::sample::Index>(), finite_f64()), 0..4)),
            0..3,
        ),
    ) {
        let map = build_map(title, gens, links, scenarios);
        prop_assert!(format::save_problems(&map).is_empty(), "{:?}", format::save_problems(&map));
        let text = format::to_string(&map);
        let loaded = match format::parse_str(&text) {
            Ok(loaded) => loaded,
            Err(err) => return Err(TestCaseError::fail(format!("{err}\n{text}"))),
        };
        for w in &loaded.warnings {
            prop_assert_eq!(&w.severity, &Severity::Warning);
        }
        assert_same_map(&map, &loaded.map);
        prop_assert_eq!(format::to_string(&loaded.map), text);
    }
}
