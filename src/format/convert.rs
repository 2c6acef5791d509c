//! File nodes → model nodes, one at a time, with the checks that concern a node alone:
//! finite numbers, 1–5 scales, a status that fits the kind, a known kind, periods written
//! once. The same node checks vet a [`Map`]'s nodes before saving.
//!
//! Knows nothing of the tree (ids, parents and links are `validate`'s) and never panics on
//! what a file holds: whatever cannot be converted becomes a [`Finding`] and a default.

use std::fmt;
use std::sync::Arc;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::{Field, FieldValue, History, Map, Node, NodeKind, Sizing, Status, clip};

use super::error::{Problem, Severity};
use super::file::{EvidenceField, FileNode, FileSizing};
use super::place::{Finding, Place, SubRef};

/// A file node's fields that place it in the tree, kept apart from its data.
#[derive(Debug)]
pub(crate) struct Placement {
    pub id: Option<String>,
    pub parent: Option<String>,
    /// The kind as read (`Note` when unknown or missing).
    pub kind: NodeKind,
    pub kind_known: bool,
    pub targeted: bool,
}

/// Converted file nodes, in file order, with what was found on the way.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    pub placements: Vec<Placement>,
    /// Shared as the map keeps them, so a node is not moved again once read.
    pub nodes: Vec<Arc<Node>>,
    pub findings: Vec<Finding>,
}

impl Converted {
    /// Makes room for the count the fast reader guesses (`ron` gives none).
    fn reserve(&mut self, expected: Option<usize>) {
        let expected = expected.unwrap_or(0);
        self.nodes.reserve(expected);
        self.placements.reserve(expected);
    }

    /// Converts the next node of the file.
    fn push_read(&mut self, file_node: FileNode) {
        let index = self.nodes.len();
        let (placement, node) = convert(index, file_node, &mut self.findings);
        self.placements.push(placement);
        self.nodes.push(Arc::new(node));
    }

    /// Appends nodes converted separately (the second half of a file), renumbering them.
    pub fn append(&mut self, other: Converted) {
        let offset = self.nodes.len();
        self.placements.extend(other.placements);
        self.nodes.extend(other.nodes);
        self.findings
            .extend(other.findings.into_iter().map(|f| f.shifted(offset)));
    }
}

/// The `nodes` list of a file, converted node by node as it is parsed, so the file structs
/// of all the nodes never exist at once.
impl<'de> Deserialize<'de> for Converted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodesVisitor;
        impl<'de> Visitor<'de> for NodesVisitor {
            type Value = Converted;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of nodes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Converted, A::Error> {
                let mut out = Converted::default();
                out.reserve(seq.size_hint());
                while let Some(file_node) = seq.next_element::<FileNode>()? {
                    out.push_read(file_node);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(NodesVisitor)
    }
}

/// The `nodes` list read with an earlier version of the text at hand
/// ([`super::fast::Earlier`]): the nodes converted, and where each node the reader took from
/// the earlier version goes — `(index, start of its span in the earlier text)` — with a
/// stand-in in its place until [`SharedNodes::fill`] puts it there.
#[derive(Debug, Default)]
pub(crate) struct SharedNodes {
    converted: Converted,
    earlier: Vec<(usize, usize)>,
}

/// One node of the list as a sharing reader gives it: read from the text, or taken from the
/// earlier version (the start of its span there).
enum SharedNode {
    Read(Box<FileNode>),
    Earlier(usize),
}

impl<'de> Deserialize<'de> for SharedNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = SharedNode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct Node")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SharedNode, A::Error> {
                let node = FileNode::deserialize(MapAccessDeserializer::new(map))?;
                Ok(SharedNode::Read(Box::new(node)))
            }
            fn visit_u64<E: de::Error>(self, start: u64) -> Result<SharedNode, E> {
                usize::try_from(start)
                    .map(SharedNode::Earlier)
                    .map_err(|_| E::custom("an offset past the text"))
            }
        }
        deserializer.deserialize_struct("Node", &[], NodeVisitor)
    }
}

impl<'de> Deserialize<'de> for SharedNodes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodesVisitor;
        impl<'de> Visitor<'de> for NodesVisitor {
            type Value = SharedNodes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of nodes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SharedNodes, A::Error> {
                let mut out = SharedNodes::default();
                out.converted.reserve(seq.size_hint());
                // What stands in for a node taken from the earlier version until `fill`:
                // one node for all of them, not one each.
                let stand_in = Arc::new(Node::new(NodeKind::Note, String::new()));
                while let Some(node) = seq.next_element::<SharedNode>()? {
                    match node {
                        SharedNode::Read(file_node) => out.converted.push_read(*file_node),
                        SharedNode::Earlier(start) => {
                            out.earlier.push((out.converted.nodes.len(), start));
                            out.converted.placements.push(Placement {
                                id: None,
                                parent: None,
                                kind: NodeKind::Note,
                                kind_known: true,
                                targeted: false,
                            });
                            out.converted.nodes.push(Arc::clone(&stand_in));
                        }
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(NodesVisitor)
    }
}

impl SharedNodes {
    /// How many nodes were taken from the earlier version.
    #[cfg(test)]
    pub fn shared(&self) -> usize {
        self.earlier.len()
    }

    /// Appends nodes read separately (the second half of a file), renumbering them.
    pub fn append(&mut self, other: SharedNodes) {
        let offset = self.converted.nodes.len();
        self.converted.append(other.converted);
        self.earlier.extend(
            other
                .earlier
                .into_iter()
                .map(|(i, start)| (i + offset, start)),
        );
    }

    /// The nodes, each taken from the earlier version put in its place: its node as `map`
    /// (the earlier version, loaded) holds it, and its placement as reading it gives — the
    /// earlier version loaded with no problem in its nodes, so its id and parent are the
    /// file's and its kind was known. `None` when a node is not in `map`.
    pub fn fill(self, earlier_text: &str, map: &Map) -> Option<Converted> {
        let SharedNodes {
            mut converted,
            earlier,
        } = self;
        for (index, start) in earlier {
            let id = super::fast::written_id(earlier_text, start)?;
            let (node, parent) = map.shared_node_and_parent(id)?;
            converted.placements[index] = Placement {
                id: Some(id.to_owned()),
                parent: parent.map(|p| p.as_str().to_owned()),
                kind: node.kind,
                kind_known: true,
                targeted: node.targeted,
            };
            converted.nodes[index] = Arc::clone(node);
        }
        Some(converted)
    }
}

/// A problem with one node's own fields, independent of the file.
pub(crate) struct NodeFinding {
    pub field: &'static str,
    pub sub: Option<SubRef>,
    pub severity: Severity,
    pub message: String,
}

/// A node as named in messages: "`id`", or "a node without an `id`".
#[derive(Clone, Copy)]
pub(crate) struct Who<'a>(pub Option<&'a str>);

impl fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "`{}`", clip(id)),
            None => f.write_str("a node without an `id`"),
        }
    }
}

/// The message for a 1–5 field holding something else.
fn scale_message(id: Who<'_>, field: &str, value: i64) -> String {
    format!("{id}: `{field}` must be 1–5, found {value}")
}

fn non_finite_message(id: Who<'_>, what: &str, value: f64) -> String {
    format!("{id}: {what} is {value}; numbers must be finite")
}

/// "a" or "an" before a kind's name.
pub(crate) fn article(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Outcome | NodeKind::Opportunity | NodeKind::Assumption => "an",
        _ => "a",
    }
}

fn kind_names() -> String {
    NodeKind::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields whose value can be wrong on its own: numbers (finite), 1–5 scales and a
/// status (which must fit the kind). The others — text, kinds, enums, flags — cannot be; a
/// test holds this list to the field table, so a new field that can be wrong is not missed.
const CHECKED: [Field; 13] = [
    Field::Value,
    Field::Target,
    Field::Thresholds,
    Field::History,
    Field::Sizing,
    Field::Market,
    Field::Company,
    Field::Customer,
    Field::Status,
    Field::Effort,
    Field::ExpectedLift,
    Field::Importance,
    Field::EvidenceStrength,
];

/// Checks a node's own fields, going down the model's field table (the ones in
/// [`CHECKED`]): finite numbers, 1–5 scales, a status that fits the kind. Each finding names
/// the field as the file does.
pub(crate) fn node_findings(id: Who<'_>, node: &Node) -> Vec<NodeFinding> {
    let mut out = Vec::new();
    if plainly_right(node) {
        return out;
    }
    let mut error = |field, sub, message| {
        out.push(NodeFinding {
            field,
            sub,
            severity: Severity::Error,
            message,
        });
    };
    let mut status = None;
    for f in CHECKED {
        let name = f.name();
        match f.get(node) {
            FieldValue::Number(v) if !v.is_finite() => {
                error(name, None, non_finite_message(id, &format!("`{name}`"), v));
            }
            FieldValue::Score(v) if !(1..=5).contains(&v) => {
                error(name, None, scale_message(id, name, i64::from(v)));
            }
            FieldValue::Thresholds(t) => {
                for (sub, v) in [("warn", t.warn), ("alert", t.alert)] {
                    if !v.is_finite() {
                        let what = format!("`{name}.{sub}`");
                        let message = non_finite_message(id, &what, v);
                        error(name, Some(SubRef::Name(sub.to_owned())), message);
                    }
                }
            }
            FieldValue::History(history) => {
                for (period, &v) in history.iter() {
                    if !v.is_finite() {
                        let what = format!("`{name}` for {:?}", clip(period));
                        let message = non_finite_message(id, &what, v);
                        error(name, Some(SubRef::Name(period.to_owned())), message);
                    }
                }
            }
            FieldValue::Sizing(s) => {
                for (sub, v) in [
                    ("reach", s.reach),
                    ("frequency", s.frequency),
                    ("severity", s.severity),
                ] {
                    if !(1..=5).contains(&v) {
                        let message = scale_message(id, &format!("{name}.{sub}"), i64::from(v));
                        error(name, Some(SubRef::Name(sub.to_owned())), message);
                    }
                }
            }
            FieldValue::Status(s) => status = Some(s),
            _ => {}
        }
    }
    if let Some(status) = status {
        status_finding(id, node.kind, status, &mut out);
    }
    out
}

/// Whether none of the [`CHECKED`] fields can hold a finding: every number finite, every
/// score 1–5, no status. Most nodes are so; this asks it field by field without going
/// through the field table (a load of 100k nodes asks it of each). A test sets each checked
/// field wrong in turn and sees this say no.
fn plainly_right(node: &Node) -> bool {
    let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
    let score = |s: Option<u8>| s.is_none_or(|s| (1..=5).contains(&s));
    finite(node.value)
        && finite(node.target)
        && finite(node.expected_lift)
        && node
            .thresholds
            .is_none_or(|t| t.warn.is_finite() && t.alert.is_finite())
        && node.history.values().all(|v| v.is_finite())
        && node.sizing.is_none_or(|s| {
            [s.reach, s.frequency, s.severity]
                .iter()
                .all(|v| (1..=5).contains(v))
        })
        && [
            node.market,
            node.company,
            node.customer,
            node.effort,
            node.importance,
            node.evidence_strength,
        ]
        .into_iter()
        .all(score)
        && node.status.is_none()
}

fn status_finding(id: Who<'_>, kind: NodeKind, status: Status, out: &mut Vec<NodeFinding>) {
    let names = |list: &[Status]| list.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ");
    let name = status.name();
    let (severity, message) = match kind {
        // A warning, not an error: changing a node's kind in the app keeps its status, and a
        // map the app saves must always reopen.
        NodeKind::Solution if !status.is_solution_status() => (
            Severity::Warning,
            format!(
                "{id}: `{name}` is a test status; a solution's status is one of {}",
                names(&Status::SOLUTION)
            ),
        ),
        NodeKind::Test if status.is_solution_status() => (
            Severity::Warning,
            format!(
                "{id}: `{name}` is a solution status; a test's status is one of {}",
                names(&Status::TEST)
            ),
        ),
        NodeKind::Solution | NodeKind::Test => return,
        other => (
            Severity::Warning,
            format!(
                "{id}: only solutions and tests have a status; this is {} {}",
                article(other),
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

/// The errors of every node of a map, without positions (for saving).
pub(crate) fn map_node_problems(map: &Map) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (id, node) in map.iter() {
        for finding in node_findings(Who(Some(id.as_str())), node) {
            if finding.severity == Severity::Error {
                problems.push(Problem::error(finding.message));
            }
        }
    }
    problems
}

/// Turns a 1–5 field read as a wide integer into the model's `u8`, reporting values that do
/// not fit (those that fit but are out of range are reported by [`node_findings`]).
fn narrow(
    value: Option<i64>,
    id: Who<'_>,
    index: usize,
    field: &'static str,
    sub: Option<&'static str>,
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
            let place = match sub {
                Some(s) => Place::node_sub(index, field, SubRef::Name(s.to_owned())),
                None => Place::node(index, field),
            };
            findings.push(Finding::error(place, scale_message(id, &name, v)));
            None
        }
    }
}

/// A node's `history` as written: taken as it is when its periods are in order (as Fulcrum
/// writes them), else sorted, with a period written twice reported (its last value kept).
fn read_history(
    index: usize,
    sid: &impl std::fmt::Display,
    pairs: Vec<(smol_str::SmolStr, f64)>,
    findings: &mut Vec<Finding>,
) -> History {
    let pairs = match History::from_sorted(pairs) {
        Ok(history) => return history,
        Err(pairs) => pairs,
    };
    let (history, repeats) = History::from_unsorted(pairs);
    for (n, period) in repeats {
        findings.push(Finding::error(
            Place::node_sub(index, "history", SubRef::Nth(n)),
            format!(
                "{sid}: the period {:?} appears twice in `history`",
                clip(&period)
            ),
        ));
    }
    history
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
        evidence_strength,
        method,
        success_criterion,
        result,
        orientation,
        notes,
    } = file;
    let sid = Who(id.as_deref());
    let (kind, kind_known) = match kind {
        None => {
            findings.push(Finding::error(
                Place::item(super::scan::ListKind::Nodes, index, None),
                format!("{sid} has no `kind` (one of {})", kind_names()),
            ));
            (NodeKind::Note, false)
        }
        Some(name) => match NodeKind::ALL.iter().find(|k| k.name() == name.0) {
            Some(&k) => (k, true),
            None => {
                findings.push(Finding::error(
                    Place::node(index, "kind"),
                    format!(
                        "{sid}: unknown node kind `{}`; expected one of {}",
                        clip(&name.0),
                        kind_names()
                    ),
                ));
                (NodeKind::Note, false)
            }
        },
    };
    let mut node = Node::new(kind, title.unwrap_or_default());
    node.formula = formula;
    node.value = value;
    node.unit = unit;
    node.display = display;
    node.target = target;
    node.direction = direction;
    node.thresholds = thresholds;
    node.controllable = controllable.unwrap_or(false);
    if let Some(pairs) = history {
        node.history = read_history(index, &sid, pairs.0, findings);
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
    if evidence_strength.is_some() {
        if node.evidence_strength.is_some() {
            findings.push(Finding::error(
                Place::node(index, "evidence_strength"),
                format!("{sid}: the evidence score is given twice, in `evidence` and `evidence_strength`"),
            ));
        } else {
            node.evidence_strength = narrow(
                evidence_strength,
                sid,
                index,
                "evidence_strength",
                None,
                findings,
            );
        }
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
                list: super::scan::ListKind::Nodes,
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
        kind,
        kind_known,
        targeted: node.targeted,
    };
    (placement, node)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two nodes that between them set every field of the table.
    const EVERY_FIELD: &str = r#"Map(format: 1, nodes: [
        (id: "m", kind: Metric, title: "t", formula: Sum, value: 1.0, unit: "u",
         display: Percent, target: 2.0, direction: LowerIsBetter,
         thresholds: (warn: 1.0, alert: 2.0), controllable: true, history: {"2026-01": 1.0},
         source: "s", owner: "o", sizing: (reach: 1, frequency: 2, severity: 3), market: 1,
         company: 2, customer: 3, evidence: [(source: "i", date: "d", quote: "q")],
         targeted: true, status: Idea, effort: 2, expected_lift: 0.1, category: Viability,
         importance: 3, method: "m", success_criterion: "c", result: "r",
         orientation: LeftRight, notes: "n"),
        (id: "a", parent: "m", kind: Assumption, title: "a", evidence: 2),
    ])"#;

    /// Each checked field set wrong on its own (a non-finite number, a score of 0, a status)
    /// is not plainly right, so its findings are looked for.
    #[test]
    fn a_wrong_checked_field_is_never_plainly_right() {
        use crate::model::{Sizing, Thresholds};
        let loaded = crate::format::parse_str(EVERY_FIELD).expect("loads");
        let blank = Node::new(NodeKind::Metric, "m");
        assert!(plainly_right(&blank));
        for field in CHECKED {
            let wrong = loaded
                .map
                .iter()
                .find_map(|(_, n)| match field.get(n) {
                    FieldValue::Number(_) => Some(FieldValue::Number(f64::INFINITY)),
                    FieldValue::Score(_) => Some(FieldValue::Score(0)),
                    FieldValue::Thresholds(_) => Some(FieldValue::Thresholds(Thresholds {
                        warn: 1.0,
                        alert: f64::NAN,
                    })),
                    FieldValue::History(_) => Some(FieldValue::History(std::borrow::Cow::Owned(
                        [("2026-01".to_owned(), f64::NAN)].into(),
                    ))),
                    FieldValue::Sizing(_) => Some(FieldValue::Sizing(Sizing {
                        reach: 3,
                        frequency: 6,
                        severity: 3,
                    })),
                    FieldValue::Status(s) => Some(FieldValue::Status(s)),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("EVERY_FIELD sets `{}`", field.name()));
            let mut node = blank.clone();
            field.set(&mut node, wrong).expect("the field's own type");
            assert!(!plainly_right(&node), "`{}` set wrong", field.name());
        }
    }

    /// A field left out of [`CHECKED`] holds nothing a node check looks at.
    #[test]
    fn every_field_that_can_be_wrong_is_checked() {
        let loaded = crate::format::parse_str(EVERY_FIELD).expect("loads");
        let nodes: Vec<&Node> = loaded.map.iter().map(|(_, node)| node).collect();
        for field in Field::ALL {
            let values: Vec<FieldValue<'_>> = nodes.iter().map(|n| field.get(n)).collect();
            assert!(
                values.iter().any(|v| !matches!(v, FieldValue::Absent)),
                "EVERY_FIELD does not set `{}`; add it",
                field.name()
            );
            let can_be_wrong = values.iter().any(|v| {
                matches!(
                    v,
                    FieldValue::Number(_)
                        | FieldValue::Score(_)
                        | FieldValue::Thresholds(_)
                        | FieldValue::History(_)
                        | FieldValue::Sizing(_)
                        | FieldValue::Status(_)
                )
            });
            assert_eq!(
                can_be_wrong,
                CHECKED.contains(&field),
                "`{}` and the list of checked fields",
                field.name()
            );
        }
    }
}
