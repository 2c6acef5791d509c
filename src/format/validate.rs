//! The second step of loading: converted nodes, links and scenarios → a validated [`Map`],
//! collecting every problem (ids, parents, cycles of parents, the OST shape, links,
//! scenarios, formulas). Also the check run before saving, so a file Fulcrum writes always
//! reopens.
//!
//! The map is built without recursion: in file order when every parent comes before its
//! children (as Fulcrum writes them), otherwise depth-first with an explicit stack — a chain
//! of any depth is fine. Never reads or writes files, never panics on what a file holds.

use std::collections::BTreeMap;
use std::sync::Arc;

use hashbrown::HashMap;

use crate::engine::Program;
use crate::model::{
    Link, LinkKind, Map, Node, NodeId, Presentation, PresentationStep, Scenario, clip,
};

use super::convert::{self, Converted, Placement, article};
use super::error::{Problem, Severity};
use super::file::{FileLink, FilePresentation, FileScenario};
use super::place::{Finding, Place, SubRef};
use super::scan::ListKind;

/// Every error that would stop `map` from reopening once saved, without positions. A map
/// built through the model's API can still hold non-finite numbers, out-of-range scales, a
/// status of the wrong kind, overrides of deleted ids and broken formulas.
pub(crate) fn map_problems(map: &Map) -> Vec<Problem> {
    let mut problems = convert::map_node_problems(map);
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
    problems
}

fn missing_override(scenario: &str, id: &str) -> String {
    format!(
        "scenario {:?} overrides `{}`, which is not a node in this map",
        clip(scenario),
        clip(id)
    )
}

fn non_finite_override(scenario: &str, id: &str, v: f64) -> String {
    format!(
        "scenario {:?}: the override of `{}` is {v}; numbers must be finite",
        clip(scenario),
        clip(id)
    )
}

/// Names the nodes on a cycle, shortening long ones.
fn cycle_text(names: &[&str]) -> String {
    const SHOWN: usize = 6;
    let quoted = |s: &&str| format!("`{}`", clip(s));
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

/// The id of a placement, for messages (clipped: it may be any text).
fn id_of(p: &Placement) -> std::borrow::Cow<'_, str> {
    clip(p.id.as_deref().unwrap_or_default())
}

/// The id of a placement as written.
fn raw_id(p: &Placement) -> &str {
    p.id.as_deref().unwrap_or_default()
}

/// Builds the map from converted nodes, links, scenarios and presentations (`None`: the file
/// has no `presentations` field; a format-1 file may not have one), adding every problem found to
/// `converted.findings` (errors and warnings). When there are errors the map is only good
/// for finding more of them.
///
/// Formula problems (syntax, unknown ids, cycles) come back separately, as the third value:
/// they are errors for `check`, but the map still opens — those metrics show "no value" with
/// the reason — so that a map the app saved with a half-typed formula always reopens.
pub(crate) fn build(
    title: String,
    converted: Converted,
    links: &[FileLink],
    scenarios: &[FileScenario],
    presentations: Option<&[FilePresentation]>,
    format: u64,
    compile: bool,
) -> (Map, Vec<Finding>, Vec<Finding>, Program) {
    let Converted {
        placements,
        nodes,
        mut findings,
    } = converted;
    let n = placements.len();

    // Ids: well-formed and unique. `first` maps every id written (even a malformed one, so its
    // children are not also told their parent is missing) to its first node.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut valid = vec![false; n];
    for (i, p) in placements.iter().enumerate() {
        let Some(id) = p.id.as_deref() else {
            findings.push(Finding::error(
                Place::item(ListKind::Nodes, i, None),
                format!("node {} of the file has no `id`", i + 1),
            ));
            continue;
        };
        if let Some(&j) = first.get(id) {
            findings.push(Finding {
                place: Place::node(i, "id"),
                also: Some(Place::node(j, "id")),
                severity: Severity::Error,
                message: format!("duplicate id `{}`", clip(id)),
            });
            continue;
        }
        first.insert(id, i);
        match crate::model::id_problem(id) {
            None => valid[i] = true,
            Some(problem) => findings.push(Finding::error(Place::node(i, "id"), problem)),
        }
    }

    // Parents. `ordered` stays true while every parent comes before its children.
    let mut parent_of: Vec<Option<usize>> = vec![None; n];
    let mut ordered = true;
    for (i, p) in placements.iter().enumerate() {
        let (true, Some(parent)) = (valid[i], p.parent.as_deref()) else {
            continue;
        };
        match first.get(parent) {
            None => findings.push(Finding::error(
                Place::node(i, "parent"),
                format!(
                    "`{}`: the parent `{}` is not a node in this map",
                    id_of(p),
                    clip(parent)
                ),
            )),
            Some(&j) if j == i => findings.push(Finding::error(
                Place::node(i, "parent"),
                format!("`{}` is its own parent", id_of(p)),
            )),
            Some(&j) if valid[j] => {
                parent_of[i] = Some(j);
                ordered &= j < i;
            }
            Some(_) => {} // The parent's own id is already reported.
        }
    }
    // With every parent before its children there can be no cycle.
    let on_cycle = if ordered {
        vec![false; n]
    } else {
        find_cycles(&placements, &valid, &parent_of, &mut findings)
    };
    shape_warnings(&placements, &valid, &parent_of, &on_cycle, &mut findings);

    let mut map = Map::new(title);
    map.reserve(n);
    insert_nodes(
        &mut map,
        &placements,
        nodes,
        &valid,
        &parent_of,
        &on_cycle,
        ordered,
        &mut findings,
    );
    if format < 3 {
        for (id, node) in map.iter() {
            if crate::model::holds_both_evidence(node)
                && let Some(&i) = first.get(id.as_str())
            {
                findings.push(Finding::error(
                    Place::node(i, "evidence_strength"),
                    format!(
                        "`{id}`: evidence entries beside `evidence_strength` need `format: 3`; \
                         this file says `format: {format}`"
                    ),
                ));
            }
        }
    }
    add_links(&mut map, links, &first, &mut findings);
    add_scenarios(&mut map, scenarios, &first, &mut findings);
    if let Some(presentations) = presentations {
        if format < 2 {
            findings.push(Finding::error(
                Place::Top("presentations"),
                format!(
                    "named presentations need `format: 2`; this file says `format: {format}` \
                     (a Fulcrum that reads only format 1 would refuse them)"
                ),
            ));
        }
        add_presentations(&mut map, presentations, &mut findings);
    }

    // Formulas, over the whole map.
    let mut formula_findings = Vec::new();
    // Compiling finds the formula problems; the program is handed on so a caller that rolls
    // the map up does not compile it again. Without `compile`, neither is wanted.
    if !compile {
        return (map, findings, formula_findings, Program::default());
    }
    let program = Program::compile(&map);
    for issue in program.issues() {
        let index = first.get(issue.node.as_str()).copied().unwrap_or(0);
        formula_findings.push(Finding::error(
            Place::Formula {
                index,
                offset: issue.offset,
            },
            format!("`{}`: {}", issue.node, issue.message),
        ));
    }
    (map, findings, formula_findings, program)
}

/// Finds cycles of parents: walks up from each node, marking the walk; meeting the current
/// walk again closes a cycle. Every node is walked once. Returns which nodes are on a cycle.
fn find_cycles(
    placements: &[Placement],
    valid: &[bool],
    parent_of: &[Option<usize>],
    findings: &mut Vec<Finding>,
) -> Vec<bool> {
    let n = placements.len();
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
            // Name the cycle from its first node in the file.
            let lowest = cycle
                .iter()
                .enumerate()
                .min_by_key(|&(_, &w)| w)
                .map_or(0, |(k, _)| k);
            let ordered: Vec<usize> = cycle[lowest..]
                .iter()
                .chain(&cycle[..lowest])
                .copied()
                .collect();
            let names: Vec<&str> = ordered.iter().map(|&w| raw_id(&placements[w])).collect();
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
    on_cycle
}

/// Warnings about the OST shape: an unusual child kind, several targeted opportunities among
/// siblings.
fn shape_warnings(
    placements: &[Placement],
    valid: &[bool],
    parent_of: &[Option<usize>],
    on_cycle: &[bool],
    findings: &mut Vec<Finding>,
) {
    // The first targeted node among the children of each parent (`None`: the roots).
    let mut targeted: HashMap<Option<usize>, usize> = HashMap::new();
    for (i, p) in placements.iter().enumerate() {
        if !valid[i] || on_cycle[i] {
            continue;
        }
        let parent = parent_of[i];
        if let Some(q) = parent.map(|j| &placements[j])
            && p.kind_known
            && q.kind_known
            && !q.kind.expects_child(p.kind)
        {
            findings.push(Finding::warning(
                Place::node(i, "kind"),
                format!(
                    "`{}`: {} {} under {} {} is not the usual shape (Outcome → Opportunity → \
                     Solution → Assumption → Test; Metric → Metric)",
                    id_of(p),
                    article(p.kind),
                    p.kind.name(),
                    article(q.kind),
                    q.kind.name()
                ),
            ));
        }
        if p.targeted {
            match targeted.get(&parent) {
                None => {
                    targeted.insert(parent, i);
                }
                Some(&first) => findings.push(Finding::warning(
                    Place::node(i, "targeted"),
                    format!(
                        "`{}`: more than one targeted opportunity among siblings; `{}` is \
                         targeted too",
                        id_of(p),
                        id_of(&placements[first])
                    ),
                )),
            }
        }
    }
}

/// Inserts the nodes, parents before children: in file order when `ordered`, else
/// depth-first from the roots with an explicit stack. Nodes on a cycle or whose parent is
/// missing stand in as roots so later checks still see them.
#[allow(clippy::too_many_arguments)]
fn insert_nodes(
    map: &mut Map,
    placements: &[Placement],
    nodes: Vec<Arc<Node>>,
    valid: &[bool],
    parent_of: &[Option<usize>],
    on_cycle: &[bool],
    ordered: bool,
    findings: &mut Vec<Finding>,
) {
    let parent_id = |i: usize| {
        parent_of[i]
            .filter(|_| !on_cycle[i])
            .map(|p| raw_id(&placements[p]))
    };
    let mut insert = |map: &mut Map, i: usize, node: Arc<Node>| {
        let Ok(id) = NodeId::new(raw_id(&placements[i])) else {
            return;
        };
        if let Err(err) = map.insert(id, node, parent_id(i), usize::MAX) {
            findings.push(Finding::error(Place::node(i, "id"), err.to_string()));
        }
    };
    if ordered {
        for (i, node) in nodes.into_iter().enumerate() {
            if valid[i] {
                insert(map, i, node);
            }
        }
        return;
    }
    let n = placements.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for i in (0..n).filter(|&i| valid[i]) {
        match parent_of[i] {
            Some(p) if !on_cycle[i] => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let mut data: Vec<Option<Arc<Node>>> = nodes.into_iter().map(Some).collect();
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        if let Some(node) = data[i].take() {
            insert(map, i, node);
        }
        stack.extend(children[i].iter().rev().copied());
    }
}

/// Adds the links that join two nodes of the map, reporting the others.
fn add_links(
    map: &mut Map,
    links: &[FileLink],
    first: &HashMap<&str, usize>,
    findings: &mut Vec<Finding>,
) {
    let mut seen: HashMap<(&str, &str, LinkKind), usize> = HashMap::new();
    for (j, link) in links.iter().enumerate() {
        let place = |field| Place::item(ListKind::Links, j, field);
        let mut ok = true;
        for (field, end) in [("from", &link.from), ("to", &link.to)] {
            if !map.contains(end) {
                ok = false;
                // An id written but broken is reported on its node.
                if !first.contains_key(end.as_str()) {
                    findings.push(Finding::error(
                        place(Some(field)),
                        format!(
                            "a link {field} `{}`, which is not a node in this map",
                            clip(end)
                        ),
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
        if let Some(&k) = seen.get(&key) {
            findings.push(Finding {
                place: place(None),
                also: Some(Place::item(ListKind::Links, k, None)),
                severity: Severity::Error,
                message: format!(
                    "duplicate {} link from `{}` to `{}`",
                    link.kind.name(),
                    link.from,
                    link.to
                ),
            });
            continue;
        }
        seen.insert(key, j);
        let (Some(from), Some(to)) = (map.id(&link.from).cloned(), map.id(&link.to).cloned())
        else {
            continue;
        };
        let kind = link.kind;
        if let Err(err) = map.add_link(Link { from, to, kind }) {
            findings.push(Finding::error(place(None), err.to_string()));
        }
    }
}

/// Adds the scenarios, reporting duplicate names and overrides of missing ids, non-finite
/// overrides and ids overridden twice.
fn add_scenarios(
    map: &mut Map,
    scenarios: &[FileScenario],
    first: &HashMap<&str, usize>,
    findings: &mut Vec<Finding>,
) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (j, scenario) in scenarios.iter().enumerate() {
        let name = scenario.name.as_str();
        if let Some(&k) = names.get(name) {
            findings.push(Finding {
                place: Place::item(ListKind::Scenarios, j, Some("name")),
                also: Some(Place::item(ListKind::Scenarios, k, Some("name"))),
                severity: Severity::Error,
                message: format!("duplicate scenario name {:?}", clip(name)),
            });
            continue;
        }
        names.insert(name, j);
        let mut overrides = BTreeMap::new();
        for (k, (id, v)) in scenario.overrides.iter().flat_map(|o| &o.0).enumerate() {
            let at = || Place::Item {
                list: ListKind::Scenarios,
                index: j,
                field: Some("overrides"),
                sub: Some(SubRef::Nth(k)),
            };
            let Some(node_id) = map.id(id).cloned() else {
                if !first.contains_key(id.as_str()) {
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
                    format!("scenario {:?} overrides `{id}` twice", clip(name)),
                ));
            }
        }
        let built = Scenario {
            name: name.to_owned(),
            overrides,
        };
        if let Err(err) = map.insert_scenario(usize::MAX, built) {
            findings.push(Finding::error(
                Place::item(ListKind::Scenarios, j, None),
                err.to_string(),
            ));
        }
    }
}

/// What `check` says about a step whose node is not in the map.
pub(crate) fn dangling_step(presentation: &str, index: usize, id: &str) -> String {
    format!(
        "presentation {presentation:?}, step {}: `{id}` is not a node in this map (deleted?); \
         the step is skipped when presenting",
        index + 1
    )
}

/// Adds the presentations, reporting blank and duplicate names, steps whose node id is
/// malformed, whose scenario the map does not have or whose period is blank (errors), and
/// steps whose node is not in the map (warnings: the step is kept, and skipped when
/// presenting).
fn add_presentations(
    map: &mut Map,
    presentations: &[FilePresentation],
    findings: &mut Vec<Finding>,
) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (j, presentation) in presentations.iter().enumerate() {
        let name = presentation.name.as_str();
        let at = |field| Place::item(ListKind::Presentations, j, Some(field));
        if name.trim().is_empty() {
            findings.push(Finding::error(
                at("name"),
                format!("presentation {} has no name", j + 1),
            ));
            continue;
        }
        if let Some(&k) = names.get(name) {
            findings.push(Finding {
                place: at("name"),
                also: Some(Place::item(ListKind::Presentations, k, Some("name"))),
                severity: Severity::Error,
                message: format!("duplicate presentation name {name:?}"),
            });
            continue;
        }
        names.insert(name, j);
        let mut steps = Vec::with_capacity(presentation.steps.len());
        let mut ok = true;
        for (k, step) in presentation.steps.iter().enumerate() {
            let step_at = |field| Place::Item {
                list: ListKind::Presentations,
                index: j,
                field: Some("steps"),
                sub: Some(SubRef::Element(k, field)),
            };
            let prefix = format!("presentation {name:?}, step {}", k + 1);
            let node = match NodeId::new(&step.node) {
                Ok(node) => node,
                Err(problem) => {
                    findings.push(Finding::error(
                        step_at(Some("node")),
                        format!("{prefix}: {problem}"),
                    ));
                    ok = false;
                    continue;
                }
            };
            if !map.contains(node.as_str()) {
                findings.push(Finding::warning(
                    step_at(Some("node")),
                    dangling_step(name, k, node.as_str()),
                ));
            }
            if let Some(scenario) = &step.scenario
                && map.scenario(scenario).is_none()
            {
                findings.push(Finding::error(
                    step_at(Some("scenario")),
                    format!("{prefix}: there is no scenario named {scenario:?}"),
                ));
                ok = false;
            }
            if step.period.as_deref().is_some_and(|p| p.trim().is_empty()) {
                findings.push(Finding::error(
                    step_at(Some("period")),
                    format!("{prefix}: the period is empty"),
                ));
                ok = false;
            }
            steps.push(PresentationStep {
                node,
                scenario: step.scenario.clone(),
                period: step.period.clone(),
            });
        }
        if !ok {
            continue;
        }
        let built = Presentation {
            name: name.to_owned(),
            steps,
        };
        if let Err(err) = map.insert_presentation(usize::MAX, built) {
            findings.push(Finding::error(at("name"), err.to_string()));
        }
    }
}
