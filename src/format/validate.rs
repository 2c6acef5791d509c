//! The second step of loading: file structs → a validated [`Map`], collecting every problem.
//!
//! Problems are first recorded against symbolic places (node 12's `parent` field, the 3rd
//! entry of its `history`); only when there are some is the source scanned for positions, so
//! a clean load costs no scan. The same node checks also vet a [`Map`] before saving, so a
//! file Fulcrum writes always reopens. The map is built iteratively, parents before children
//! (no recursion: a chain of any depth is fine). This module never reads or writes files and
//! never panics on what a file holds.

use std::collections::{BTreeMap, HashMap};

use crate::engine::check_formulas;
use crate::model::{Link, LinkKind, Map, Node, NodeId, NodeKind, Scenario, Sizing, Status};

use super::error::{Problem, Severity};
use super::file::{EvidenceField, FileMap, FileNode, FileSizing};
use super::scan::{self, Element, Field, LineIndex, ListKind, Scan, SubKey};

/// A value inside a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SubRef {
    /// A struct field or map key as written (`warn`, `"2026-09"`).
    Name(String),
    /// The n-th key of a map (0-based), for keys written twice.
    Nth(usize),
}

/// Where a problem is, before the source has been scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// The map's opening.
    MapStart,
    /// An element of `nodes`, `links` or `scenarios` (by index in the file), optionally one
    /// of its fields and a value inside it.
    Item {
        list: ListKind,
        index: usize,
        field: Option<&'static str>,
        sub: Option<SubRef>,
    },
    /// A char offset into node `index`'s formula text.
    Formula { index: usize, offset: Option<usize> },
}

impl Place {
    fn node(index: usize, field: &'static str) -> Self {
        Place::Item {
            list: ListKind::Nodes,
            index,
            field: Some(field),
            sub: None,
        }
    }
}

/// One problem found, with its symbolic place and optionally a related place ("first at").
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub place: Place,
    pub also: Option<Place>,
    pub severity: Severity,
    pub message: String,
}

impl Finding {
    fn error(place: Place, message: String) -> Self {
        Self {
            place,
            also: None,
            severity: Severity::Error,
            message,
        }
    }

    fn warning(place: Place, message: String) -> Self {
        Self {
            place,
            also: None,
            severity: Severity::Warning,
            message,
        }
    }
}

/// A problem with one node's own fields, independent of the file.
pub(crate) struct NodeFinding {
    pub field: &'static str,
    pub sub: Option<SubRef>,
    pub severity: Severity,
    pub message: String,
}

/// The message for a 1–5 field holding something else.
fn scale_message(id: &str, field: &str, value: i64) -> String {
    format!("`{id}`: `{field}` must be 1–5, found {value}")
}

fn non_finite_message(id: &str, what: &str, value: f64) -> String {
    format!("`{id}`: {what} is {value}; numbers must be finite")
}

/// Checks a node's own fields: finite numbers, 1–5 scales, a status that fits the kind.
pub(crate) fn node_findings(id: &str, node: &Node) -> Vec<NodeFinding> {
    let mut out = Vec::new();
    let mut error = |field, sub, message| {
        out.push(NodeFinding {
            field,
            sub,
            severity: Severity::Error,
            message,
        });
    };
    for (field, value) in [
        ("value", node.value),
        ("target", node.target),
        ("expected_lift", node.expected_lift),
    ] {
        if let Some(v) = value.filter(|v| !v.is_finite()) {
            error(
                field,
                None,
                non_finite_message(id, &format!("`{field}`"), v),
            );
        }
    }
    if let Some(t) = node.thresholds {
        for (name, v) in [("warn", t.warn), ("alert", t.alert)] {
            if !v.is_finite() {
                let what = format!("`thresholds.{name}`");
                error(
                    "thresholds",
                    Some(SubRef::Name(name.to_owned())),
                    non_finite_message(id, &what, v),
                );
            }
        }
    }
    for (period, &v) in &node.history {
        if !v.is_finite() {
            let what = format!("`history` for {period:?}");
            error(
                "history",
                Some(SubRef::Name(period.clone())),
                non_finite_message(id, &what, v),
            );
        }
    }
    let scales = [
        ("market", node.market),
        ("company", node.company),
        ("customer", node.customer),
        ("effort", node.effort),
        ("importance", node.importance),
        ("evidence", node.evidence_strength),
    ];
    for (field, value) in scales {
        if let Some(v) = value.filter(|v| !(1..=5).contains(v)) {
            error(field, None, scale_message(id, field, i64::from(v)));
        }
    }
    if let Some(s) = node.sizing {
        for (name, v) in [
            ("reach", s.reach),
            ("frequency", s.frequency),
            ("severity", s.severity),
        ] {
            if !(1..=5).contains(&v) {
                error(
                    "sizing",
                    Some(SubRef::Name(name.to_owned())),
                    scale_message(id, &format!("sizing.{name}"), i64::from(v)),
                );
            }
        }
    }
    if let Some(status) = node.status {
        status_finding(id, node.kind, status, &mut out);
    }
    out
}

fn status_finding(id: &str, kind: NodeKind, status: Status, out: &mut Vec<NodeFinding>) {
    let names = |list: &[Status]| {
        list.iter()
            .map(|s| super::write::status_name(*s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = super::write::status_name(status);
    let (severity, message) = match kind {
        NodeKind::Solution if !status.is_solution_status() => (
            Severity::Error,
            format!(
                "`{id}`: `{name}` is a test status; a solution's status is one of {}",
                names(&Status::SOLUTION)
            ),
        ),
        NodeKind::Test if status.is_solution_status() => (
            Severity::Error,
            format!(
                "`{id}`: `{name}` is a solution status; a test's status is one of {}",
                names(&Status::TEST)
            ),
        ),
        NodeKind::Solution | NodeKind::Test => return,
        other => (
            Severity::Warning,
            format!(
                "`{id}`: only solutions and tests have a status; this is a {}",
                other.name()
            ),
        ),
    };
    out.push(NodeFinding {
        field: "status",
        sub: None,
        severity,
        message,
    });
}

/// Every error that would stop `map` from reopening once saved, without positions. A map
/// built through the model's API can still hold non-finite numbers, out-of-range scales, a
/// status of the wrong kind, overrides of deleted ids and broken formulas.
pub(crate) fn map_problems(map: &Map) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (id, node) in map.iter() {
        for finding in node_findings(id.as_str(), node) {
            if finding.severity == Severity::Error {
                problems.push(Problem::error(finding.message));
            }
        }
    }
    for scenario in map.scenarios() {
        for (id, &v) in &scenario.overrides {
            if !map.contains(id.as_str()) {
                problems.push(Problem::error(missing_override(
                    &scenario.name,
                    id.as_str(),
                )));
            }
            if !v.is_finite() {
                problems.push(Problem::error(non_finite_override(
                    &scenario.name,
                    id.as_str(),
                    v,
                )));
            }
        }
    }
    for issue in check_formulas(map) {
        let at = issue
            .offset
            .map(|k| format!(" (at character {} of the formula)", k + 1))
            .unwrap_or_default();
        problems.push(Problem::error(format!(
            "`{}`: {}{at}",
            issue.node, issue.message
        )));
    }
    problems
}

fn missing_override(scenario: &str, id: &str) -> String {
    format!("scenario {scenario:?} overrides `{id}`, which is not a node in this map")
}

fn non_finite_override(scenario: &str, id: &str, v: f64) -> String {
    format!("scenario {scenario:?}: the override of `{id}` is {v}; numbers must be finite")
}

/// A file node's fields that place it in the tree, taken out before its data becomes a
/// [`Node`].
struct Placement {
    id: Option<String>,
    parent: Option<String>,
    kind_known: bool,
    targeted: bool,
}

/// Turns a 1–5 field read as a wide integer into the model's `u8`, reporting values that do
/// not fit (those that fit but are out of range are reported by [`node_findings`]).
fn narrow(
    value: Option<i64>,
    id: &str,
    index: usize,
    field: &'static str,
    sub: Option<&str>,
    findings: &mut Vec<Finding>,
) -> Option<u8> {
    let v = value?;
    match u8::try_from(v) {
        Ok(v) => Some(v),
        Err(_) => {
            let name = match sub {
                Some(s) => format!("{field}.{s}"),
                None => field.to_owned(),
            };
            findings.push(Finding::error(
                Place::Item {
                    list: ListKind::Nodes,
                    index,
                    field: Some(field),
                    sub: sub.map(|s| SubRef::Name(s.to_owned())),
                },
                scale_message(id, &name, v),
            ));
            None
        }
    }
}

/// Converts one file node into model data, reporting what cannot be converted.
fn convert(index: usize, file: FileNode, findings: &mut Vec<Finding>) -> (Placement, Node) {
    let FileNode {
        id,
        parent,
        kind,
        title,
        formula,
        value,
        unit,
        display,
        target,
        direction,
        thresholds,
        controllable,
        history,
        source,
        owner,
        sizing,
        market,
        company,
        customer,
        evidence,
        targeted,
        status,
        effort,
        expected_lift,
        category,
        importance,
        method,
        success_criterion,
        result,
        orientation,
        notes,
    } = file;
    let shown_id = id.clone().unwrap_or_else(|| format!("node {}", index + 1));
    let sid = shown_id.as_str();
    let (kind, kind_known) = match kind {
        None => {
            findings.push(Finding::error(
                Place::Item {
                    list: ListKind::Nodes,
                    index,
                    field: None,
                    sub: None,
                },
                format!("`{sid}` has no `kind` (one of {})", kind_names()),
            ));
            (NodeKind::Note, false)
        }
        Some(name) => match NodeKind::ALL.iter().find(|k| k.name() == name.0) {
            Some(&k) => (k, true),
            None => {
                findings.push(Finding::error(
                    Place::node(index, "kind"),
                    format!(
                        "`{sid}`: unknown node kind `{}`; expected one of {}",
                        name.0,
                        kind_names()
                    ),
                ));
                (NodeKind::Note, false)
            }
        },
    };
    let mut node = Node::new(kind, title);
    node.formula = formula;
    node.value = value;
    node.unit = unit;
    node.display = display;
    node.target = target;
    node.direction = direction;
    node.thresholds = thresholds;
    node.controllable = controllable.unwrap_or(false);
    if let Some(pairs) = history {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for (n, (period, _)) in pairs.0.iter().enumerate() {
            if seen.insert(period.as_str(), ()).is_some() {
                findings.push(Finding::error(
                    Place::Item {
                        list: ListKind::Nodes,
                        index,
                        field: Some("history"),
                        sub: Some(SubRef::Nth(n)),
                    },
                    format!("`{sid}`: the period {period:?} appears twice in `history`"),
                ));
            }
        }
        node.history = pairs.0.into_iter().collect::<BTreeMap<_, _>>();
    }
    node.source = source;
    node.owner = owner;
    if let Some(FileSizing {
        reach,
        frequency,
        severity,
    }) = sizing
    {
        let r = narrow(Some(reach), sid, index, "sizing", Some("reach"), findings);
        let f = narrow(
            Some(frequency),
            sid,
            index,
            "sizing",
            Some("frequency"),
            findings,
        );
        let s = narrow(
            Some(severity),
            sid,
            index,
            "sizing",
            Some("severity"),
            findings,
        );
        if let (Some(reach), Some(frequency), Some(severity)) = (r, f, s) {
            node.sizing = Some(Sizing {
                reach,
                frequency,
                severity,
            });
        }
    }
    node.market = narrow(market, sid, index, "market", None, findings);
    node.company = narrow(company, sid, index, "company", None, findings);
    node.customer = narrow(customer, sid, index, "customer", None, findings);
    match evidence {
        Some(EvidenceField::List(list)) => node.evidence = list,
        Some(EvidenceField::Strength(v)) => {
            node.evidence_strength = narrow(Some(v), sid, index, "evidence", None, findings);
        }
        None => {}
    }
    node.targeted = targeted.unwrap_or(false);
    node.status = status;
    node.effort = narrow(effort, sid, index, "effort", None, findings);
    node.expected_lift = expected_lift;
    node.category = category;
    node.importance = narrow(importance, sid, index, "importance", None, findings);
    node.method = method;
    node.success_criterion = success_criterion;
    node.result = result;
    node.orientation = orientation;
    node.notes = notes;

    for f in node_findings(sid, &node) {
        findings.push(Finding {
            place: Place::Item {
                list: ListKind::Nodes,
                index,
                field: Some(f.field),
                sub: f.sub,
            },
            also: None,
            severity: f.severity,
            message: f.message,
        });
    }
    let placement = Placement {
        id,
        parent,
        kind_known,
        targeted: node.targeted,
    };
    (placement, node)
}

fn kind_names() -> String {
    NodeKind::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names the nodes on a cycle, shortening long ones.
fn cycle_text(names: &[&str]) -> String {
    const SHOWN: usize = 6;
    let quoted = |s: &&str| format!("`{s}`");
    let first = names.first().map(quoted).unwrap_or_default();
    if names.len() <= SHOWN {
        let mut parts: Vec<String> = names.iter().map(quoted).collect();
        parts.push(first);
        parts.join(" → ")
    } else {
        let head: Vec<String> = names[..SHOWN - 1].iter().map(quoted).collect();
        format!(
            "{} → … → {} → {first} ({} nodes)",
            head.join(" → "),
            names.last().map(quoted).unwrap_or_default(),
            names.len()
        )
    }
}

/// Builds the map from the file structs, with every problem found (errors and warnings).
/// When there are errors the map is only good for finding more of them.
pub(crate) fn build(file: FileMap) -> (Map, Vec<Finding>) {
    let FileMap {
        title,
        nodes,
        links,
        scenarios,
        ..
    } = file;
    let mut findings = Vec::new();
    let n = nodes.len();
    let mut placements = Vec::with_capacity(n);
    let mut data: Vec<Option<Node>> = Vec::with_capacity(n);
    for (index, file_node) in nodes.into_iter().enumerate() {
        let (placement, node) = convert(index, file_node, &mut findings);
        placements.push(placement);
        data.push(Some(node));
    }

    // Ids: well-formed and unique. `first` maps every id written (even a malformed one, so its
    // children are not also told their parent is missing) to its first node.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut valid = vec![false; n];
    for (i, p) in placements.iter().enumerate() {
        let Some(id) = p.id.as_deref() else {
            findings.push(Finding::error(
                Place::Item {
                    list: ListKind::Nodes,
                    index: i,
                    field: None,
                    sub: None,
                },
                format!("node {} of the file has no `id`", i + 1),
            ));
            continue;
        };
        if let Some(&j) = first.get(id) {
            findings.push(Finding {
                place: Place::node(i, "id"),
                also: Some(Place::node(j, "id")),
                severity: Severity::Error,
                message: format!("duplicate id `{id}`"),
            });
            continue;
        }
        first.insert(id, i);
        match crate::model::id_problem(id) {
            None => valid[i] = true,
            Some(problem) => findings.push(Finding::error(Place::node(i, "id"), problem)),
        }
    }

    // Parents.
    let mut parent_of: Vec<Option<usize>> = vec![None; n];
    for (i, p) in placements.iter().enumerate() {
        let (true, Some(parent)) = (valid[i], p.parent.as_deref()) else {
            continue;
        };
        let id = p.id.as_deref().unwrap_or_default();
        match first.get(parent) {
            None => findings.push(Finding::error(
                Place::node(i, "parent"),
                format!("`{id}`: the parent `{parent}` is not a node in this map"),
            )),
            Some(&j) if j == i => findings.push(Finding::error(
                Place::node(i, "parent"),
                format!("`{id}` is its own parent"),
            )),
            Some(&j) if valid[j] => parent_of[i] = Some(j),
            Some(_) => {} // The parent's own id is already reported.
        }
    }

    // Cycles of parents: walk up from each node, marking the walk; meeting the current walk
    // again closes a cycle. Every node is walked once.
    let mut state = vec![0u8; n]; // 0 unseen, 1 on the current walk, 2 done
    let mut on_cycle = vec![false; n];
    let mut walk = Vec::new();
    for start in 0..n {
        if state[start] != 0 || !valid[start] {
            continue;
        }
        walk.clear();
        let mut cur = Some(start);
        while let Some(c) = cur {
            if state[c] != 0 {
                break;
            }
            state[c] = 1;
            walk.push(c);
            cur = parent_of[c];
        }
        if let Some(c) = cur
            && state[c] == 1
        {
            let from = walk.iter().position(|&w| w == c).unwrap_or(0);
            let cycle = &walk[from..];
            let lowest = cycle
                .iter()
                .enumerate()
                .min_by_key(|&(_, &w)| w)
                .map_or(0, |(k, _)| k);
            let mut ordered: Vec<usize> = cycle[lowest..].to_vec();
            ordered.extend_from_slice(&cycle[..lowest]);
            let names: Vec<&str> = ordered
                .iter()
                .map(|&w| placements[w].id.as_deref().unwrap_or_default())
                .collect();
            for &w in cycle {
                on_cycle[w] = true;
            }
            findings.push(Finding::error(
                Place::node(ordered[0], "parent"),
                format!(
                    "a cycle of parents: {} (each node's parent is the next)",
                    cycle_text(&names)
                ),
            ));
        }
        for &w in &walk {
            state[w] = 2;
        }
    }

    // The tree, in file order. Nodes on a cycle or with a missing parent stand in as roots so
    // the checks below still see them.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for i in (0..n).filter(|&i| valid[i]) {
        match parent_of[i] {
            Some(p) if !on_cycle[i] => children[p].push(i),
            _ => roots.push(i),
        }
    }

    // Warnings about the OST shape.
    let kind_of = |i: usize| data[i].as_ref().map_or(NodeKind::Note, |d| d.kind);
    for i in (0..n).filter(|&i| valid[i] && !on_cycle[i] && placements[i].kind_known) {
        if let Some(p) = parent_of[i].filter(|&p| placements[p].kind_known) {
            let (parent_kind, kind) = (kind_of(p), kind_of(i));
            if !parent_kind.expects_child(kind) {
                findings.push(Finding::warning(
                    Place::node(i, "kind"),
                    format!(
                        "`{}`: a {} under a {} is not the usual shape (Outcome → Opportunity → \
                         Solution → Assumption → Test; Metric → Metric)",
                        placements[i].id.as_deref().unwrap_or_default(),
                        kind.name(),
                        parent_kind.name()
                    ),
                ));
            }
        }
    }
    for siblings in children.iter().chain(std::iter::once(&roots)) {
        let mut targeted = siblings.iter().filter(|&&i| placements[i].targeted);
        if let Some(&first_targeted) = targeted.next() {
            for &other in targeted {
                findings.push(Finding {
                    place: Place::node(other, "targeted"),
                    also: Some(Place::node(first_targeted, "targeted")),
                    severity: Severity::Warning,
                    message: format!(
                        "`{}`: more than one targeted opportunity among siblings (`{}` is \
                         targeted too)",
                        placements[other].id.as_deref().unwrap_or_default(),
                        placements[first_targeted].id.as_deref().unwrap_or_default()
                    ),
                });
            }
        }
    }

    // Insert parents before children with an explicit stack: any depth is fine.
    let mut map = Map::new(title);
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        let (Some(id_text), Some(node)) = (placements[i].id.as_deref(), data[i].take()) else {
            continue;
        };
        let Ok(id) = NodeId::new(id_text) else {
            continue;
        };
        let parent = parent_of[i]
            .filter(|_| !on_cycle[i])
            .and_then(|p| placements[p].id.as_deref());
        if let Err(err) = map.insert(id, node, parent, usize::MAX) {
            findings.push(Finding::error(Place::node(i, "id"), err.to_string()));
            continue;
        }
        stack.extend(children[i].iter().rev().copied());
    }

    // Links.
    let mut seen_links: HashMap<(&str, &str, LinkKind), usize> = HashMap::new();
    for (j, link) in links.iter().enumerate() {
        let place = |field| Place::Item {
            list: ListKind::Links,
            index: j,
            field,
            sub: None,
        };
        let mut ok = true;
        for (field, end) in [("from", &link.from), ("to", &link.to)] {
            if !map.contains(end) {
                ok = false;
                if first.get(end.as_str()).is_none() {
                    findings.push(Finding::error(
                        place(Some(field)),
                        format!("a link {field} `{end}`, which is not a node in this map"),
                    ));
                }
            }
        }
        if !ok {
            continue;
        }
        if link.from == link.to {
            findings.push(Finding::error(
                place(Some("to")),
                format!("a link cannot join `{}` to itself", link.from),
            ));
            continue;
        }
        let key = (link.from.as_str(), link.to.as_str(), link.kind);
        if let Some(&k) = seen_links.get(&key) {
            findings.push(Finding {
                place: place(None),
                also: Some(Place::Item {
                    list: ListKind::Links,
                    index: k,
                    field: None,
                    sub: None,
                }),
                severity: Severity::Error,
                message: format!(
                    "duplicate {:?} link from `{}` to `{}`",
                    link.kind, link.from, link.to
                ),
            });
            continue;
        }
        seen_links.insert(key, j);
        let (Some(from), Some(to)) = (map.id(&link.from).cloned(), map.id(&link.to).cloned())
        else {
            continue;
        };
        if let Err(err) = map.add_link(Link {
            from,
            to,
            kind: link.kind,
        }) {
            findings.push(Finding::error(place(None), err.to_string()));
        }
    }

    // Scenarios.
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (j, scenario) in scenarios.iter().enumerate() {
        let place = |field, sub| Place::Item {
            list: ListKind::Scenarios,
            index: j,
            field,
            sub,
        };
        let name = scenario.name.as_str();
        if let Some(&k) = names.get(name) {
            findings.push(Finding {
                place: place(Some("name"), None),
                also: Some(Place::Item {
                    list: ListKind::Scenarios,
                    index: k,
                    field: Some("name"),
                    sub: None,
                }),
                severity: Severity::Error,
                message: format!("duplicate scenario name {name:?}"),
            });
            continue;
        }
        names.insert(name, j);
        let mut overrides = BTreeMap::new();
        for (k, (id, v)) in scenario.overrides.0.iter().enumerate() {
            let at = || place(Some("overrides"), Some(SubRef::Nth(k)));
            let Some(node_id) = map.id(id).cloned() else {
                if first.get(id.as_str()).is_none() {
                    findings.push(Finding::error(at(), missing_override(name, id)));
                }
                continue;
            };
            if !v.is_finite() {
                findings.push(Finding::error(at(), non_finite_override(name, id, *v)));
            }
            if overrides.insert(node_id, *v).is_some() {
                findings.push(Finding::error(
                    at(),
                    format!("scenario {name:?} overrides `{id}` twice"),
                ));
            }
        }
        let built = Scenario {
            name: name.to_owned(),
            overrides,
        };
        if let Err(err) = map.insert_scenario(usize::MAX, built) {
            findings.push(Finding::error(place(None, None), err.to_string()));
        }
    }

    // Formulas, over the whole map.
    for issue in check_formulas(&map) {
        let index = first.get(issue.node.as_str()).copied().unwrap_or(0);
        findings.push(Finding::error(
            Place::Formula {
                index,
                offset: issue.offset,
            },
            format!("`{}`: {}", issue.node, issue.message),
        ));
    }

    (map, findings)
}

/// Turns findings into problems with line and column, scanning the source only if needed.
pub(crate) fn resolve(src: &str, findings: Vec<Finding>) -> Vec<Problem> {
    if findings.is_empty() {
        return Vec::new();
    }
    let scan = scan::scan(src);
    let lines = LineIndex::new(src);
    let mut problems: Vec<Problem> = findings
        .into_iter()
        .map(|f| {
            let at = locate(src, &scan, &f.place).map(|o| lines.position(o));
            let mut message = f.message;
            if let Some((line, col)) = f
                .also
                .and_then(|p| locate(src, &scan, &p))
                .map(|o| lines.position(o))
            {
                message.push_str(&format!(" (first at {line}:{col})"));
            }
            Problem::at(at, f.severity, message)
        })
        .collect();
    problems.sort_by_key(Problem::sort_key);
    problems
}

/// The byte offset of a place, as precise as the scan allows.
fn locate(src: &str, scan: &Scan<'_>, place: &Place) -> Option<usize> {
    match place {
        Place::MapStart => Some(scan.map_start),
        Place::Item {
            list,
            index,
            field,
            sub,
        } => {
            let element = scan.list(*list).get(*index)?;
            Some(locate_in(element, *field, sub.as_ref()))
        }
        Place::Formula { index, offset } => {
            let element = scan.nodes.get(*index)?;
            let Some(field) = element.field("formula") else {
                return Some(element.start);
            };
            let precise = offset.zip(field.string).and_then(|(k, s)| {
                let content = src.get(s.start..s.end)?;
                let mut chars = 0;
                for (b, c) in content.char_indices() {
                    if chars == k {
                        return Some(s.start + b);
                    }
                    if !s.raw && c == '\\' {
                        return None;
                    }
                    chars += 1;
                }
                Some(s.end)
            });
            Some(precise.unwrap_or(field.value))
        }
    }
}

fn locate_in(element: &Element<'_>, field: Option<&str>, sub: Option<&SubRef>) -> usize {
    let Some(field) = field.and_then(|name| element.field(name)) else {
        return element.start;
    };
    sub.and_then(|sub| locate_sub(field, sub))
        .unwrap_or(field.value)
}

fn locate_sub(field: &Field<'_>, sub: &SubRef) -> Option<usize> {
    match sub {
        SubRef::Name(name) => field
            .subs
            .iter()
            .find(|s| s.key == SubKey::Name(name.as_str()))
            .map(|s| s.value),
        SubRef::Nth(n) => field
            .subs
            .iter()
            .filter(|s| matches!(s.key, SubKey::Name(_)))
            .nth(*n)
            .map(|s| s.value),
    }
}
