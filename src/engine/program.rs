//! Compiling a map's metrics into a [`Program`]: dense indices, a topological order over the
//! formula DAG, flat argument lists and compiled formula tapes.
//!
//! Compiling is O(n) and done once per structural change; evaluating a program
//! ([`super::rollup`]) then touches only flat arrays. Problems with formulas (syntax, unknown
//! ids, cycles) are recorded as [`FormulaIssue`]s and make the node "no value" — they are
//! never panics. Must not import egui or touch files.

use hashbrown::HashMap;
use std::sync::Arc;

use super::formula::{Instr, Tape};
use crate::model::{Formula, Map, NodeId, NodeKey, NodeKind, clip};

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
    pub(crate) ids: Arc<[NodeId]>,
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
    /// The metrics of `order` that have a formula (broken ones too): the roll-up sets every
    /// input at once and then walks only these, and the reverse pass walks them backwards.
    pub(crate) computed: Vec<u32>,
    pub(crate) tapes: Vec<Tape>,
    /// The straight-line formulas (see [`Tape::straight_line`]) of every `Expr` metric that
    /// has one, one after another in metric order: metric i's is
    /// `code[code_start[i]..code_start[i + 1]]` (empty for every other metric). A roll-up
    /// keeps one slot per instruction, so the reverse pass reads the values of every step of
    /// a formula instead of running it again.
    pub(crate) code: Vec<Instr>,
    pub(crate) code_start: Vec<u32>,
    /// Why each broken metric has no value; shared (one message for all the metrics of a
    /// cycle), so a long cycle costs one message, not one per metric.
    pub(crate) broken: Vec<Arc<str>>,
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
        let mut ids = Vec::new();
        for &k in &post_order {
            let k = k as usize;
            let node = dense.nodes[k];
            if node.kind == NodeKind::Metric {
                metric_of[k] = ids.len() as u32;
                p.index.insert(dense.ids[k].clone(), ids.len() as u32);
                ids.push(dense.ids[k].clone());
                p.keys.push(dense.keys[k]);
                p.targets.push(node.target);
                p.controllable.push(node.controllable);
            }
        }
        p.ids = ids.into();
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
        p.lay_out_code();
        p
    }

    /// Fills `computed` and `code` once the ops and the order are final (a formula on a
    /// cycle is broken by then).
    fn lay_out_code(&mut self) {
        self.computed = (self.order.iter().copied())
            .filter(|&i| self.ops[i as usize] != Op::Input)
            .collect();
        self.code_start = Vec::with_capacity(self.ops.len() + 1);
        self.code_start.push(0);
        for &op in &self.ops {
            if let Op::Expr(t) = op
                && let Some(code) = self.tapes[t as usize].straight_line()
            {
                self.code.extend(code);
            }
            self.code_start.push(self.code.len() as u32);
        }
    }

    /// Where metric `i`'s straight-line code and its slots are, when it has some.
    #[inline]
    pub(crate) fn code_range(&self, i: u32) -> Option<std::ops::Range<usize>> {
        let i = i as usize;
        let (&start, &end) = (self.code_start.get(i)?, self.code_start.get(i + 1)?);
        (start < end).then_some(start as usize..end as usize)
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
            match self.index.get(name) {
                Some(&a) => args.push(a),
                None => {
                    let offset = Some(tape.var_offsets(v));
                    return self.fail(
                        id,
                        offset,
                        format!("`{}` is not a metric in this map", clip(name)),
                    );
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
        self.broken.push(message.into());
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
    /// cycle: every cycle among them is found at once (strongly connected components) and
    /// its metrics marked broken (a broken metric needs no arguments), then the sort runs a
    /// second and last time. Linear in metrics and arguments, whatever the cycles' shape.
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
        let mut order = self.kahn();
        if order.len() < n {
            let mut placed = vec![false; n];
            for &i in &order {
                placed[i as usize] = true;
            }
            self.break_cycles(&placed);
            order = self.kahn();
            // Every cycle is broken now, so nothing is left over; should a metric be, it is
            // still given a place (last) rather than lost.
            if order.len() < n {
                let mut placed = vec![false; n];
                for &i in &order {
                    placed[i as usize] = true;
                }
                order.extend((0..n as u32).filter(|&i| !placed[i as usize]));
            }
        }
        self.rank = vec![0; n];
        for (r, &i) in order.iter().enumerate() {
            self.rank[i as usize] = r as u32;
        }
        self.order = order;
    }

    /// One run of Kahn's algorithm: the metrics that can be placed, dependencies first.
    fn kahn(&self) -> Vec<u32> {
        let n = self.ids.len();
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
            for &u in self.users_of(i) {
                let u = u as usize;
                if needs_args(self.ops[u]) {
                    pending[u] -= 1;
                    if pending[u] == 0 {
                        order.push(u as u32);
                    }
                }
            }
        }
        order
    }

    /// Marks broken every metric on a cycle among the unplaced ones, naming one cycle per
    /// knot of cycles (strongly connected component) in one issue. The components come from
    /// Kosaraju's two passes, iterative; the named cycle from a walk inside the component,
    /// from its first metric. Linear time and memory; the message is of bounded length
    /// however long the cycle ([`cycle_message`]) and shared by all the metrics on it.
    fn break_cycles(&mut self, placed: &[bool]) {
        let comp = self.components(placed);
        let n = self.ids.len();
        let mut size = vec![0u32; n];
        for &c in comp.iter().filter(|&&c| c != u32::MAX) {
            size[c as usize] += 1;
        }
        let on_cycle: Vec<bool> = (0..n)
            .map(|i| {
                let c = comp[i];
                c != u32::MAX
                    && (size[c as usize] > 1 || self.args_of(i as u32).contains(&(i as u32)))
            })
            .collect();
        // The broken-reason index of each component's message, once named.
        let mut message_of = vec![u32::MAX; n];
        // Position of each metric in the current walk (u32::MAX: not on it).
        let mut on_walk = vec![u32::MAX; n];
        let mut walk: Vec<u32> = Vec::new();
        for start in 0..n {
            if !on_cycle[start] || message_of[comp[start] as usize] != u32::MAX {
                continue;
            }
            let c = comp[start];
            walk.clear();
            let mut cur = start as u32;
            // Inside a component every metric has an argument in it, so the walk closes.
            while on_walk[cur as usize] == u32::MAX {
                on_walk[cur as usize] = walk.len() as u32;
                walk.push(cur);
                match self.args_of(cur).iter().find(|&&a| comp[a as usize] == c) {
                    Some(&a) => cur = a,
                    None => break,
                }
            }
            let from = on_walk[cur as usize].min(walk.len() as u32) as usize;
            let cycle = &walk[from..];
            let message = cycle_message(cycle.iter().map(|&m| self.ids[m as usize].as_str()));
            let first = cycle.first().copied().unwrap_or(start as u32);
            self.issues.push(FormulaIssue {
                node: self.ids[first as usize].clone(),
                offset: None,
                message: message.clone(),
            });
            self.broken.push(message.into());
            message_of[c as usize] = self.broken.len() as u32 - 1;
            self.cycles.push(cycle.to_vec());
            for &w in &walk {
                on_walk[w as usize] = u32::MAX;
            }
        }
        for i in 0..n {
            if on_cycle[i] {
                self.ops[i] = Op::Broken(message_of[comp[i] as usize]);
            }
        }
    }

    /// The strongly connected components of the unplaced metrics along their arguments:
    /// a component number for each unplaced metric, `u32::MAX` for placed ones.
    fn components(&self, placed: &[bool]) -> Vec<u32> {
        let n = self.ids.len();
        // Pass 1: depth-first along arguments, recording the order metrics finish in.
        let mut seen = vec![false; n];
        let mut finished: Vec<u32> = Vec::with_capacity(n);
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for s in 0..n {
            if placed[s] || seen[s] {
                continue;
            }
            seen[s] = true;
            stack.push((s as u32, 0));
            while let Some(top) = stack.last_mut() {
                let (v, k) = *top;
                match self.args_of(v).get(k as usize) {
                    Some(&a) => {
                        top.1 += 1;
                        if !placed[a as usize] && !seen[a as usize] {
                            seen[a as usize] = true;
                            stack.push((a, 0));
                        }
                    }
                    None => {
                        stack.pop();
                        finished.push(v);
                    }
                }
            }
        }
        // Pass 2: in reverse finishing order, depth-first along users; each tree is one
        // component.
        let mut comp = vec![u32::MAX; n];
        let mut next = 0u32;
        let mut todo: Vec<u32> = Vec::new();
        for &s in finished.iter().rev() {
            if comp[s as usize] != u32::MAX {
                continue;
            }
            comp[s as usize] = next;
            todo.push(s);
            while let Some(v) = todo.pop() {
                for &u in self.users_of(v) {
                    if !placed[u as usize] && comp[u as usize] == u32::MAX {
                        comp[u as usize] = next;
                        todo.push(u);
                    }
                }
            }
            next += 1;
        }
        comp
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

    /// The ids of every metric, by index, shared (a report that names 100k metrics holds
    /// this list, not a copy of each id: a copy bumps a reference count, an atomic add that
    /// waits on a cache miss when the ids are scattered through memory).
    pub(crate) fn shared_ids(&self) -> Arc<[NodeId]> {
        Arc::clone(&self.ids)
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

/// How many metrics a cycle message names in full; a longer cycle is named by its first
/// [`CYCLE_HEAD`], `…` and its last.
const CYCLE_NAMED: usize = 30;
const CYCLE_HEAD: usize = 24;

/// "formula cycle: a → b → a", walked from a metric to what its formula uses (`a → b` reads
/// "a uses b"); past [`CYCLE_NAMED`] metrics, "formula cycle: m0 → … → m23 → … → m99999 → m0
/// (100000 metrics)". Each name is clipped, so the message stays short whatever the input.
fn cycle_message<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let len = names.len();
    let mut parts: Vec<std::borrow::Cow<'a, str>> = Vec::new();
    let mut first = None;
    let mut last = None;
    for (k, name) in names.enumerate() {
        if k == 0 {
            first = Some(name);
        }
        if len <= CYCLE_NAMED || k < CYCLE_HEAD {
            parts.push(clip(name));
        }
        last = Some(name);
    }
    if len > CYCLE_NAMED {
        parts.push("…".into());
        parts.extend(last.map(clip));
    }
    parts.extend(first.map(clip));
    let mut message = format!("formula cycle: {}", parts.join(" → "));
    if len > CYCLE_NAMED {
        message.push_str(&format!(" ({len} metrics)"));
    }
    message
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
