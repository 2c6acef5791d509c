//! Node kinds and the fields a node carries.
//!
//! A node is plain data: no graph indices, no parent pointer (the graph in [`super::Map`] holds
//! the structure). Every field of every kind lives in one struct so an edit can replace a
//! node's data wholesale and undo can put it back. This module must not know about files or
//! the UI; field order here is the order the file format writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{History, NodeId};

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeKind {
    /// A number in a driver tree: an input or computed from other metrics.
    Metric,
    /// The top of an opportunity solution tree: the outcome the team is asked to move.
    Outcome,
    /// A customer need, pain point or desire.
    Opportunity,
    /// A way to address an opportunity.
    Solution,
    /// Something that must be true for a solution to work.
    Assumption,
    /// An experiment that tests an assumption.
    Test,
    /// Free text, in any tree.
    Note,
}

impl NodeKind {
    /// Every kind, in the order of the Ctrl+1 … Ctrl+7 shortcuts.
    pub const ALL: [NodeKind; 7] = [
        NodeKind::Metric,
        NodeKind::Outcome,
        NodeKind::Opportunity,
        NodeKind::Solution,
        NodeKind::Assumption,
        NodeKind::Test,
        NodeKind::Note,
    ];

    /// The kind a new child of this kind usually takes.
    pub fn child_kind(self) -> NodeKind {
        match self {
            NodeKind::Metric => NodeKind::Metric,
            NodeKind::Outcome => NodeKind::Opportunity,
            NodeKind::Opportunity => NodeKind::Solution,
            NodeKind::Solution => NodeKind::Assumption,
            NodeKind::Assumption => NodeKind::Test,
            NodeKind::Test | NodeKind::Note => NodeKind::Note,
        }
    }

    /// Whether the canonical OST shape allows a child of kind `child` under this kind.
    /// Notes are allowed anywhere.
    pub fn expects_child(self, child: NodeKind) -> bool {
        use NodeKind::*;
        matches!(
            (self, child),
            (_, Note)
                | (Metric, Metric)
                | (Outcome, Opportunity)
                | (Opportunity, Opportunity | Solution)
                | (Solution, Assumption)
                | (Assumption, Test)
        )
    }

    /// The kind's name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Metric => "Metric",
            NodeKind::Outcome => "Outcome",
            NodeKind::Opportunity => "Opportunity",
            NodeKind::Solution => "Solution",
            NodeKind::Assumption => "Assumption",
            NodeKind::Test => "Test",
            NodeKind::Note => "Note",
        }
    }
}

/// How a metric computes its value. Absent means the metric is an input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Formula {
    /// The sum of the metric children.
    Sum,
    /// The product of the metric children.
    Product,
    /// The arithmetic mean of the metric children.
    Mean,
    /// The smallest metric child.
    Min,
    /// The largest metric child.
    Max,
    /// An arithmetic expression over metric ids (see the engine's formula module).
    Expr(String),
}

/// How a metric's value is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Display {
    /// A plain number with thousands separators.
    #[default]
    Number,
    /// The value × 100 with a `%` sign (1.07 → 107%).
    Percent,
    /// The unit as a currency symbol before the number.
    Currency,
    /// A whole number.
    Integer,
    /// A ratio such as 1.07×.
    Ratio,
}

impl Display {
    /// The name as written in files, and as the app and messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Display::Number => "Number",
            Display::Percent => "Percent",
            Display::Currency => "Currency",
            Display::Integer => "Integer",
            Display::Ratio => "Ratio",
        }
    }
}

/// Which way is good for a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Direction {
    /// Bigger values are better (revenue, retention).
    #[default]
    HigherIsBetter,
    /// Smaller values are better (churn, cost).
    LowerIsBetter,
}

impl Direction {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "HigherIsBetter",
            Direction::LowerIsBetter => "LowerIsBetter",
        }
    }
}

/// Status thresholds: past `warn` is amber, past `alert` is red ("past" following the
/// direction).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Amber beyond this value.
    pub warn: f64,
    /// Red beyond this value.
    pub alert: f64,
}

/// Opportunity sizing, each 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sizing {
    /// How many customers it touches, 1–5.
    pub reach: u8,
    /// How often it happens, 1–5.
    pub frequency: u8,
    /// How much it hurts, 1–5.
    pub severity: u8,
}

/// An interview snapshot backing an opportunity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Who or where it came from ("Interview: Dana, ops lead at Acme").
    pub source: String,
    /// When, as free text (`2026-10-14`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// A solution's or a test's status. Solutions use the first five, tests the last five.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Solution: an idea not yet explored.
    Idea,
    /// Solution: being explored.
    Exploring,
    /// Solution: being built.
    Building,
    /// Solution: shipped.
    Shipped,
    /// Solution: dropped.
    Dropped,
    /// Test: planned.
    Planned,
    /// Test: running.
    Running,
    /// Test: passed.
    Passed,
    /// Test: failed.
    Failed,
    /// Test: finished without a clear answer.
    Inconclusive,
}

impl Status {
    /// Statuses a solution can have.
    pub const SOLUTION: [Status; 5] = [
        Status::Idea,
        Status::Exploring,
        Status::Building,
        Status::Shipped,
        Status::Dropped,
    ];
    /// Statuses a test can have.
    pub const TEST: [Status; 5] = [
        Status::Planned,
        Status::Running,
        Status::Passed,
        Status::Failed,
        Status::Inconclusive,
    ];

    /// Whether this status belongs to a solution (`true`) or a test (`false`).
    pub fn is_solution_status(self) -> bool {
        Self::SOLUTION.contains(&self)
    }

    /// The name as written in files, and as the app and messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Idea => "Idea",
            Status::Exploring => "Exploring",
            Status::Building => "Building",
            Status::Shipped => "Shipped",
            Status::Dropped => "Dropped",
            Status::Planned => "Planned",
            Status::Running => "Running",
            Status::Passed => "Passed",
            Status::Failed => "Failed",
            Status::Inconclusive => "Inconclusive",
        }
    }
}

/// An assumption's category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    /// Do customers want it?
    Desirability,
    /// Does it work for the business?
    Viability,
    /// Can we build it?
    Feasibility,
    /// Can people use it?
    Usability,
    /// Should we build it?
    Ethical,
}

impl Category {
    /// The name as written in files, and as the app and messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Category::Desirability => "Desirability",
            Category::Viability => "Viability",
            Category::Feasibility => "Feasibility",
            Category::Usability => "Usability",
            Category::Ethical => "Ethical",
        }
    }
}

/// How a tree is drawn. Set on a tree's root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Orientation {
    /// Root at the top, children below.
    #[default]
    TopDown,
    /// Root at the left, children to the right.
    LeftRight,
}

impl Orientation {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Orientation::TopDown => "TopDown",
            Orientation::LeftRight => "LeftRight",
        }
    }
}

/// Everything a node carries besides its id and place in the tree. Optional fields are `None`
/// when absent; which fields apply depends on the kind (see the product spec §3 and §4).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// The text on the card.
    pub title: String,
    /// Metric: how the value is computed; `None` for an input.
    pub formula: Option<Formula>,
    /// Metric: the current period's value (for a computed metric, the reported actual).
    pub value: Option<f64>,
    /// Metric: the unit (`$`, `%`, `accounts`).
    pub unit: Option<String>,
    /// Metric: how the value is shown.
    pub display: Option<Display>,
    /// Metric: the value aimed for.
    pub target: Option<f64>,
    /// Metric: which way is good.
    pub direction: Option<Direction>,
    /// Metric: status thresholds.
    pub thresholds: Option<Thresholds>,
    /// Metric: whether the team can pull this lever directly (ranked as a lever).
    pub controllable: bool,
    /// Metric: past values by period label (`2026-09`), sorted by label.
    pub history: History,
    /// Metric: where the number comes from.
    pub source: Option<String>,
    /// Who owns the node.
    pub owner: Option<String>,
    /// Opportunity: reach, frequency, severity.
    pub sizing: Option<Sizing>,
    /// Opportunity: market factor 1–5.
    pub market: Option<u8>,
    /// Opportunity: company factor 1–5.
    pub company: Option<u8>,
    /// Opportunity: customer factor 1–5.
    pub customer: Option<u8>,
    /// Opportunity: interview snapshots.
    pub evidence: Vec<Evidence>,
    /// Opportunity: the target opportunity among its siblings.
    pub targeted: bool,
    /// Solution or test status.
    pub status: Option<Status>,
    /// Solution: effort 1–5.
    pub effort: Option<u8>,
    /// Solution: expected relative change of the outcome's metric (0.05 = +5%).
    pub expected_lift: Option<f64>,
    /// Assumption: category.
    pub category: Option<Category>,
    /// Assumption: importance 1–5.
    pub importance: Option<u8>,
    /// Assumption: strength of evidence 1–5.
    pub evidence_strength: Option<u8>,
    /// Test: how it is run.
    pub method: Option<String>,
    /// Test: what counts as a pass.
    pub success_criterion: Option<String>,
    /// Test: what happened.
    pub result: Option<String>,
    /// A tree root: how the tree is drawn.
    pub orientation: Option<Orientation>,
    /// Free-form notes.
    pub notes: Option<String>,
}

impl Node {
    /// A node of `kind` titled `title` with every other field absent.
    pub fn new(kind: NodeKind, title: impl Into<String>) -> Self {
        Self {
            kind,
            title: title.into(),
            formula: None,
            value: None,
            unit: None,
            display: None,
            target: None,
            direction: None,
            thresholds: None,
            controllable: false,
            history: History::new(),
            source: None,
            owner: None,
            sizing: None,
            market: None,
            company: None,
            customer: None,
            evidence: Vec::new(),
            targeted: false,
            status: None,
            effort: None,
            expected_lift: None,
            category: None,
            importance: None,
            evidence_strength: None,
            method: None,
            success_criterion: None,
            result: None,
            orientation: None,
            notes: None,
        }
    }

    /// Whether this is an assumption with importance ≥ 4 and evidence ≤ 2.
    pub fn is_leap_of_faith(&self) -> bool {
        self.kind == NodeKind::Assumption
            && self.importance.is_some_and(|i| i >= 4)
            && self.evidence_strength.is_some_and(|e| e <= 2)
    }

    /// Every number the node carries, with the field's name, for non-finite checks.
    pub fn numbers(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        let singles = [
            ("value", self.value),
            ("target", self.target),
            ("expected_lift", self.expected_lift),
            ("thresholds.warn", self.thresholds.map(|t| t.warn)),
            ("thresholds.alert", self.thresholds.map(|t| t.alert)),
        ];
        singles
            .into_iter()
            .filter_map(|(name, v)| v.map(|v| (name, v)))
            .chain(self.history.values().map(|v| ("history", *v)))
    }
}

/// The ids a link joins and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LinkKind {
    /// An OST outcome measured by a driver-tree metric.
    Measures,
    /// Any other relation worth drawing.
    Relates,
}

impl LinkKind {
    /// The name as written in files, and as the app and messages show it.
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Measures => "Measures",
            LinkKind::Relates => "Relates",
        }
    }
}

/// A link between two nodes, usually of different trees.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    /// The node the link starts at (for `Measures`, the outcome).
    pub from: NodeId,
    /// The node the link points at (for `Measures`, the metric).
    pub to: NodeId,
    /// What the link means.
    pub kind: LinkKind,
}

/// A named what-if: input values overridden by id, without touching the actuals.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scenario {
    /// The scenario's name, unique in the map.
    pub name: String,
    /// Overridden input values by metric id.
    pub overrides: BTreeMap<NodeId, f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `name()` is what serde writes and reads, so the writer, the messages and the app
    /// agree with the file format.
    #[test]
    fn names_are_the_serde_names() {
        fn check<T: Serialize>(value: T, name: &str) {
            assert_eq!(ron::to_string(&value).ok().as_deref(), Some(name));
        }
        for k in NodeKind::ALL {
            check(k, k.name());
        }
        for s in Status::SOLUTION.into_iter().chain(Status::TEST) {
            check(s, s.name());
        }
        use Display::*;
        for d in [Number, Percent, Currency, Integer, Ratio] {
            check(d, d.name());
        }
        for d in [Direction::HigherIsBetter, Direction::LowerIsBetter] {
            check(d, d.name());
        }
        use Category::*;
        for c in [Desirability, Viability, Feasibility, Usability, Ethical] {
            check(c, c.name());
        }
        for o in [Orientation::TopDown, Orientation::LeftRight] {
            check(o, o.name());
        }
        for l in [LinkKind::Measures, LinkKind::Relates] {
            check(l, l.name());
        }
    }
}
