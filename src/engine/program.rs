//! Compiling a map's metrics into a [`Program`]: dense indices, a topological order over the
//! formula DAG, flat argument lists and compiled formula tapes.
//!
//! Compiling is O(n) and done once per structural change; evaluating a program
//! ([`super::rollup`]) then touches only flat arrays. Problems with formulas (syntax, unknown
//! ids, cycles) are recorded as [`FormulaIssue`]s and make the node "no value" — they are
//! never panics. Must not import egui or touch files.

use std::collections::HashMap;

use super::formula::Tape;
use crate::model::{Formula, Map, NodeId, NodeKey, NodeKind};

/// A problem with one node's formula, for `check` and the inspector.
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaIssue {
    /// The node whose formula has the problem.
    pub node: NodeId,
    /// Char offset into the node's `Expr` text, where the problem is known to be.
    pub offset: Option<usize>,
    /// What is wrong, as a sentence.
    pub message: String,
}

/// How a metric gets its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    /// Entered or imported.
    Input,
    /// Sum of the arguments.
    Sum,
    /// Product of the arguments.
    Product,
    /// Mean of the arguments.
    Mean,
    /// Smallest argument.
    Min,
    /// Largest argument.
    Max,
    /// A compiled expression: index into `tapes`; arguments are its vars in order.
    Expr(u32),
    /// The formula cannot be evaluated; index into `broken` for the reason.
    Broken(u32),
}

/// A map's metrics compiled for evaluation.
#[derive(Debug, Clone, Default)]
pub struct Program {
    pub(crate) ids: Vec<NodeId>,
    /// Where each metric's node is kept in the map compiled from, to read inputs without
    /// hashing ids.
    pub(crate) keys: Vec<NodeKey>,
    pub(crate) index: HashMap<NodeId, u32>,
    pub(crate) ops: Vec<Op>,
    /// Arguments (dependencies) of metric i: `args[arg_start[i]..arg_start[i + 1]]`.
    pub(crate) args: Vec<u32>,
    pub(crate) arg_start: Vec<u32>,
    /// Dependents (metrics whose formula uses metric i), same CSR layout.
    pub(crate) users: Vec<u32>,
    pub(crate) user_start: Vec<u32>,
    /// Evaluation order: every metric, dependencies first; metrics on or behind a cycle last.
    pub(crate) order: Vec<u32>,
    /// Position of each metric in `order`.
    pub(crate) rank: Vec<u32>,
    pub(crate) tapes: Vec<Tape>,
    pub(crate) broken: Vec<String>,
    /// Each metric's own target, if any.
    pub(crate) targets: Vec<Option<f64>>,
    /// Whether each metric is marked controllable.
    pub(crate) controllable: Vec<bool>,
    /// Each metric's nearest metric ancestor in the tree (`u32::MAX` for none). Metrics are
    /// numbered in post-order, so an ancestor always has a larger index.
    pub(crate) tree_parent: Vec<u32>,
    issues: Vec<FormulaIssue>,
    /// Each metric's place among the ids in sorted order, made on first need (reports that
    /// break ties by id sort on it instead of comparing strings).
    id_rank: std::sync::OnceLock<Vec<u32>>,
    /// Every cycle of formula references found, as metric indices.
    cycles: Vec<Vec<u32>>,
}

impl Program {
    /// Compiles every metric of the map.
    pub fn compile(map: &Map) -> Program {
        let dense = map.dense();
        let mut p = Program::default();
        // Metrics are numbered in tree post-order (children before parents), so for the usual
        // tree of formulas the numbering itself is an evaluation order and the roll-up walks
        // its arrays front to back.
        let post_order = post_order(&dense);
        // Dense position → metric index (u32::MAX for other kinds).
        let mut metric_of = vec![u32::MAX; dense.ids.len()];
        for &k in &post_order {
            let k = k as usize;
            let node = dense.nodes[k];
            if node.kind == NodeKind::Metric {
                metric_of[k] = p.ids.len() as u32;
                p.index.insert(dense.ids[k].clone(), p.ids.len() as u32);
                p.ids.push(dense.ids[k].clone());
                p.keys.push(dense.keys[k]);
                p.targets.push(node.target);
                p.controllable.push(node.controllable);
            }
        }
        p.tree_parent = vec![u32::MAX; p.ids.len()];
        for (k, &m) in metric_of.iter().enumerate() {
            if m == u32::MAX {
                continue;
            }
            let mut up = dense.parent[k];
            while let Some(a) = up {
                if metric_of[a as usize] != u32::MAX {
                    p.tree_parent[m as usize] = metric_of[a as usize];
                    break;
                }
                up = dense.parent[a as usize];
            }
        }
        p.arg_start.push(0);
        for &k in &post_order {
            let k = k as usize;
            let node = dense.nodes[k];
            if metric_of[k] == u32::MAX {
                continue;
            }
            let id = dense.ids[k];
            let op = match &node.formula {
                None => Op::Input,
                Some(Formula::Expr(src)) => p.compile_expr(id, src),
                Some(aggregate) => {
                    let children = dense
                        .children(k)
                        .iter()
                        .map(|&c| metric_of[c as usize])
                        .filter(|&m| m != u32::MAX);
                    p.compile_aggregate(children, id, aggregate)
                }
            };
            p.ops.push(op);
            p.arg_start.push(p.args.len() as u32);
        }
        p.build_users();
        p.sort_topologically();
        p
    }

    fn compile_expr(&mut self, id: &NodeId, src: &str) -> Op {
        let tape = match Tape::parse(src) {
            Ok(tape) => tape,
            Err(err) => {
                return self.fail(id, Some(err.offset), format!("formula: {}", err.message));
            }
        };
        let mut args = Vec::with_capacity(tape.vars().len());
        for (v, name) in tape.vars().iter().enumerate() {
            match self.index.get(name.as_str()) {
                Some(&a) => args.push(a),
                None => {
                    let offset = Some(tape.var_offsets(v));
                    return self.fail(id, offset, format!("`{name}` is not a metric in this map"));
                }
            }
        }
        self.args.extend(args);
        self.tapes.push(tape);
        Op::Expr(self.tapes.len() as u32 - 1)
    }

    fn compile_aggregate(
        &mut self,
        children: impl Iterator<Item = u32>,
        id: &NodeId,
        formula: &Formula,
    ) -> Op {
        let before = self.args.len();
        self.args.extend(children);
        if self.args.len() == before {
            return self.fail(
                id,
                None,
                format!("{} needs at least one metric child", formula_name(formula)),
            );
        }
        match formula {
            Formula::Sum => Op::Sum,
            Formula::Product => Op::Product,
            Formula::Mean => Op::Mean,
            Formula::Min => Op::Min,
            Formula::Max | Formula::Expr(_) => Op::Max,
        }
    }

    fn fail(&mut self, id: &NodeId, offset: Option<usize>, message: String) -> Op {
        self.issues.push(FormulaIssue {
            node: id.clone(),
            offset,
            message: message.clone(),
        });
        self.broken.push(message);
        Op::Broken(self.broken.len() as u32 - 1)
    }

    fn build_users(&mut self) {
        let n = self.ids.len();
        let mut counts = vec![0u32; n + 1];
        for &a in &self.args {
            counts[a as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        self.user_start = counts.clone();
        self.users = vec![0; self.args.len()];
        for i in 0..n {
            for k in self.arg_start[i]..self.arg_start[i + 1] {
                let a = self.args[k as usize];
                let slot = &mut counts[a as usize];
                self.users[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
    }

    /// Kahn's algorithm over the dependency edges. Metrics left over sit on or behind a
    /// cycle: each cycle found is marked broken (a broken metric needs no arguments), and the
    /// sort runs again until every metric is placed.
    fn sort_topologically(&mut self) {
        let n = self.ids.len();
        let numbering_is_an_order = (0..n).all(|i| {
            matches!(self.ops[i], Op::Broken(_))
                || self.args_of(i as u32).iter().all(|&a| (a as usize) < i)
        });
        if numbering_is_an_order {
            self.order = (0..n as u32).collect();
            self.rank = self.order.clone();
            return;
        }
        loop {
            let needs_args = |op: Op| !matches!(op, Op::Broken(_));
            let mut pending: Vec<u32> = (0..n)
                .map(|i| {
                    if needs_args(self.ops[i]) {
                        self.arg_start[i + 1] - self.arg_start[i]
                    } else {
                        0
                    }
                })
                .collect();
            let mut order: Vec<u32> = (0..n as u32)
                .filter(|&i| pending[i as usize] == 0)
                .collect();
            let mut head = 0;
            while head < order.len() {
                let i = order[head];
                head += 1;
                for k in self.user_start[i as usize]..self.user_start[i as usize + 1] {
                    let u = self.users[k as usize] as usize;
                    if needs_args(self.ops[u]) {
                        pending[u] -= 1;
                        if pending[u] == 0 {
                            order.push(u as u32);
                        }
                    }
                }
            }
            if order.len() == n {
                self.rank = vec![0; n];
                for (r, &i) in order.iter().enumerate() {
                    self.rank[i as usize] = r as u32;
                }
                self.order = order;
                return;
            }
            let mut placed = vec![false; n];
            for &i in &order {
                placed[i as usize] = true;
            }
            self.break_cycles(&placed);
        }
    }

    /// Finds cycles among the unplaced metrics and marks the metrics on them broken, naming
    /// the cycle. Every unplaced metric has an unplaced argument, so walking from one along
    /// unplaced arguments always closes a cycle.
    fn break_cycles(&mut self, placed: &[bool]) {
        let n = self.ids.len();
        // 0 = not visited, 1 = on the current walk, 2 = done.
        let mut mark = vec![0u8; n];
        for start in 0..n {
            if placed[start] || mark[start] != 0 {
                continue;
            }
            let mut walk: Vec<u32> = Vec::new();
            let mut cur = start as u32;
            loop {
                if mark[cur as usize] == 2 {
                    break;
                }
                if mark[cur as usize] == 1 {
                    let from = walk.iter().position(|&w| w == cur).unwrap_or(0);
                    self.report_cycle(&walk[from..]);
                    break;
                }
                mark[cur as usize] = 1;
                walk.push(cur);
                let next = self
                    .args_of(cur)
                    .iter()
                    .copied()
                    .find(|&a| !placed[a as usize]);
                match next {
                    Some(a) => cur = a,
                    None => break,
                }
            }
            for w in walk {
                mark[w as usize] = 2;
            }
        }
    }

    fn report_cycle(&mut self, cycle: &[u32]) {
        let mut names: Vec<&str> = cycle
            .iter()
            .map(|&c| self.ids[c as usize].as_str())
            .collect();
        // Walked from a metric to what its formula uses: `a → b` reads "a uses b".
        if let Some(first) = names.first().copied() {
            names.push(first);
        }
        let message = format!("formula cycle: {}", names.join(" → "));
        let cycle: Vec<u32> = cycle.to_vec();
        self.cycles.push(cycle.clone());
        for (k, &c) in cycle.iter().enumerate() {
            self.broken.push(message.clone());
            self.ops[c as usize] = Op::Broken(self.broken.len() as u32 - 1);
            if k == 0 {
                self.issues.push(FormulaIssue {
                    node: self.ids[c as usize].clone(),
                    offset: None,
                    message: message.clone(),
                });
            }
        }
    }

    /// The arguments of metric `i`.
    pub(crate) fn args_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.args[self.arg_start[i] as usize..self.arg_start[i + 1] as usize]
    }

    /// The metrics whose formulas use metric `i`.
    pub(crate) fn users_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.users[self.user_start[i] as usize..self.user_start[i + 1] as usize]
    }

    /// Every formula problem found while compiling.
    pub fn issues(&self) -> &[FormulaIssue] {
        &self.issues
    }

    /// The metrics on each cycle of formula references (a metric's formula uses the next,
    /// the last uses the first), in the order they were found. Each cycle is also one of
    /// [`Program::issues`].
    pub fn cycles(&self) -> impl Iterator<Item = Vec<&NodeId>> + '_ {
        self.cycles
            .iter()
            .map(|c| c.iter().map(|&i| &self.ids[i as usize]).collect())
    }

    /// Number of metrics.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the map has no metrics.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The dense index of a metric.
    pub fn metric(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The id of a metric by dense index.
    pub fn id(&self, i: u32) -> &NodeId {
        &self.ids[i as usize]
    }

    /// Each metric's place when the metrics are sorted by id: `id_rank()[a] <
    /// id_rank()[b]` exactly when `id(a) < id(b)`. Sorted once, on first use.
    pub fn id_rank(&self) -> &[u32] {
        self.id_rank.get_or_init(|| {
            let mut by_id: Vec<u32> = (0..self.ids.len() as u32).collect();
            by_id.sort_unstable_by(|&a, &b| self.ids[a as usize].cmp(&self.ids[b as usize]));
            let mut rank = vec![0; by_id.len()];
            for (place, &i) in by_id.iter().enumerate() {
                rank[i as usize] = place as u32;
            }
            rank
        })
    }

    /// Whether metric `i` is a lever: an input, or marked `controllable`.
    pub fn is_lever(&self, i: u32) -> bool {
        self.is_input(i) || self.controllable.get(i as usize).copied().unwrap_or(false)
    }

    /// Whether the metric is an input (no formula).
    pub fn is_input(&self, i: u32) -> bool {
        self.ops[i as usize] == Op::Input
    }
}

/// Dense positions in tree post-order: children (in order) before their parent, trees in
/// order. Iterative.
fn post_order(dense: &crate::model::Dense<'_>) -> Vec<u32> {
    let n = dense.ids.len();
    // Visiting parent-first with children pushed in order (so the last child is visited
    // first), then reversing, gives children-first with children in order.
    let mut out = Vec::with_capacity(n);
    let mut stack: Vec<u32> = (0..n as u32)
        .filter(|&k| dense.parent[k as usize].is_none())
        .collect();
    while let Some(k) = stack.pop() {
        out.push(k);
        stack.extend_from_slice(dense.children(k as usize));
    }
    out.reverse();
    out
}

fn formula_name(formula: &Formula) -> &'static str {
    match formula {
        Formula::Sum => "Sum",
        Formula::Product => "Product",
        Formula::Mean => "Mean",
        Formula::Min => "Min",
        Formula::Max => "Max",
        Formula::Expr(_) => "Expr",
    }
}

/// Every formula problem in the map: syntax errors, unknown ids, aggregates without metric
/// children, cycles (one issue per cycle, naming its nodes).
pub fn check_formulas(map: &Map) -> Vec<FormulaIssue> {
    Program::compile(map).issues
}
