//! What the canvas derives from the map, computed once per change and never per frame.
//!
//! [`Figures`] (roll-up, leverage, sparkline series, formula issues) are keyed on the
//! document's generation and the active scenario; [`Scene`] (the visible, unfolded nodes
//! with measured card sizes, their tidy layout and a spatial index for culling) on the
//! generation and the fold state. Both are rebuilt only when their key changes. Measuring
//! a card estimates its title's wrapped line count from cached glyph widths, so no text is
//! laid out for cards that are off screen. This module reads the map; it never edits it.

use std::collections::{HashMap, HashSet};

use egui::{Context, FontId};

use crate::engine::ost::{self, OpportunitySummary, SolutionSummary};
use crate::engine::{self, Analysis, Leverage};
use crate::layout::{self, Forest, GridIndex, Layout, Size, Spacing};
use crate::model::{LinkKind, Map, NodeId, Orientation};

use super::cards;

/// The most sparkline points drawn (the latest periods).
const MAX_SPARK_POINTS: usize = 24;

/// Engine results for one generation of the map under one scenario.
pub(crate) struct Figures {
    generation: u64,
    scenario: Option<String>,
    /// Roll-up; `None` when it could not start (its reason is in `error`).
    pub analysis: Option<Analysis>,
    /// Why there is no roll-up.
    pub error: Option<String>,
    /// Leverage of every metric under the North Star (the first metric root).
    pub leverage: Option<Leverage>,
    /// Elasticity by metric id, for the leverage bars.
    pub elasticity: HashMap<NodeId, f64>,
    /// The largest |elasticity| (the full bar).
    pub max_elasticity: f64,
    /// Sparkline values by metric index of `analysis.program`, computed on first use (far
    /// zoom never needs them).
    series: Option<Vec<Vec<Option<f64>>>>,
    /// OST roll-ups, filled lazily for the cards drawn.
    solutions: HashMap<NodeId, SolutionSummary>,
    opportunities: HashMap<NodeId, OpportunitySummary>,
}

impl Figures {
    /// Rolls up `map` under `scenario` (actuals when `None`).
    pub fn compute(map: &Map, generation: u64, scenario: Option<&str>) -> Self {
        let (analysis, error) = match Analysis::new(map, scenario, None) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let leverage = analysis
            .as_ref()
            .and_then(|a| engine::leverage(map, &a.program, &a.rollup, None).ok());
        let mut elasticity = HashMap::new();
        let mut max_elasticity = 0.0f64;
        if let Some(lev) = &leverage {
            for lever in &lev.levers {
                if let Some(e) = lever.elasticity {
                    max_elasticity = max_elasticity.max(e.abs());
                    elasticity.insert(lever.id.clone(), e);
                }
            }
        }
        Self {
            generation,
            scenario: scenario.map(str::to_owned),
            analysis,
            error,
            leverage,
            elasticity,
            max_elasticity,
            series: None,
            solutions: HashMap::new(),
            opportunities: HashMap::new(),
        }
    }

    /// Keeps these figures for generation `to` after a change the engine does not read,
    /// if they were for `from`; the OST roll-ups (which read statuses and lifts) are redone.
    pub fn carry_over(&mut self, from: u64, to: u64) {
        if self.generation == from {
            self.generation = to;
            self.solutions.clear();
            self.opportunities.clear();
        }
    }

    /// Whether these figures are for this generation and scenario.
    pub fn is_for(&self, generation: u64, scenario: Option<&str>) -> bool {
        self.generation == generation && self.scenario.as_deref() == scenario
    }

    /// A metric's value, or why it has none; `None` when the node is not a metric.
    pub fn value(&self, id: &str) -> Option<Result<f64, &str>> {
        self.analysis.as_ref()?.value(id)
    }

    /// A metric's value without the scenario (when one is active).
    pub fn actual_value(&self, id: &str) -> Option<f64> {
        let a = self.analysis.as_ref()?;
        a.actual.as_ref()?;
        a.actual_value(id)?.ok()
    }

    /// The sparkline points of a metric (only periods with a value).
    pub fn spark(&mut self, map: &Map, id: &str) -> Vec<f64> {
        let Some(analysis) = self.analysis.as_ref() else {
            return Vec::new();
        };
        let Some(i) = analysis.program.metric(id) else {
            return Vec::new();
        };
        let series = self.series.get_or_insert_with(|| {
            let mut periods = Analysis::periods(map);
            let skip = periods.len().saturating_sub(MAX_SPARK_POINTS);
            periods.drain(..skip);
            if periods.len() >= 2 {
                analysis.series(map, &periods)
            } else {
                Vec::new()
            }
        });
        series
            .get(i as usize)
            .map(|s| s.iter().flatten().copied().collect())
            .unwrap_or_default()
    }

    /// The formula problem of a node, if any (syntax, unknown id, cycle).
    pub fn issue(&self, id: &str) -> Option<&engine::FormulaIssue> {
        self.analysis
            .as_ref()?
            .program
            .issues()
            .iter()
            .find(|i| i.node.as_str() == id)
    }

    /// Every formula problem in the map.
    pub fn issues(&self) -> &[engine::FormulaIssue] {
        self.analysis.as_ref().map_or(&[], |a| a.program.issues())
    }

    /// A solution's roll-up (computed on first use, then kept for this generation).
    pub fn solution(&mut self, map: &Map, id: &NodeId) -> Option<&SolutionSummary> {
        if !self.solutions.contains_key(id) {
            let summary = ost::solution_summary(map, id.as_str(), self.leverage.as_ref())?;
            self.solutions.insert(id.clone(), summary);
        }
        self.solutions.get(id)
    }

    /// An opportunity's roll-up (computed on first use, then kept for this generation).
    pub fn opportunity(&mut self, map: &Map, id: &NodeId) -> Option<&OpportunitySummary> {
        if !self.opportunities.contains_key(id) {
            let summary = ost::opportunity_summary(map, id.as_str())?;
            self.opportunities.insert(id.clone(), summary);
        }
        self.opportunities.get(id)
    }
}

/// The most titles laid out exactly in one rebuild; the rest are estimated from glyph
/// widths (a first frame of a huge map), and measured exactly on later rebuilds.
const EXACT_BUDGET: usize = 4000;

/// Measures card titles: exactly (laid out once per distinct title, then cached) or, past
/// the per-rebuild budget, estimated from cached glyph widths without laying text out.
pub(crate) struct TextMeasure {
    font: FontId,
    ascii: [f32; 128],
    other: HashMap<char, f32>,
    exact: HashMap<String, u8>,
    budget: usize,
    /// Height of one title line at zoom 1.
    pub line_height: f32,
}

impl TextMeasure {
    /// Measures with the card title font.
    pub fn new(ctx: &Context) -> Self {
        let font = cards::title_font(1.0);
        let mut ascii = [0.0; 128];
        let line_height = ctx.fonts_mut(|f| {
            for (c, w) in ascii.iter_mut().enumerate().skip(32) {
                *w = f.glyph_width(&font, char::from(c as u8));
            }
            f.row_height(&font)
        });
        Self {
            font,
            ascii,
            other: HashMap::new(),
            exact: HashMap::new(),
            budget: EXACT_BUDGET,
            line_height,
        }
    }

    /// Starts a rebuild: a fresh budget of exact measurements.
    pub fn begin(&mut self) {
        self.budget = EXACT_BUDGET;
        if self.exact.len() > 200_000 {
            self.exact.clear();
        }
    }

    /// The number of lines a card title takes (1 ..= `max_rows`).
    pub fn title_rows(&mut self, ctx: &Context, title: &str, max_rows: usize) -> usize {
        if let Some(&rows) = self.exact.get(title) {
            return usize::from(rows);
        }
        if self.budget == 0 {
            return self.rows(ctx, title, cards::TITLE_WRAP_WIDTH - 6.0, max_rows);
        }
        self.budget -= 1;
        let job = egui::text::LayoutJob::simple(
            title.to_owned(),
            self.font.clone(),
            egui::Color32::WHITE,
            cards::TITLE_WRAP_WIDTH,
        );
        let rows = ctx
            .fonts_mut(|f| f.layout_job(job))
            .rows
            .len()
            .clamp(1, max_rows);
        self.exact.insert(title.to_owned(), rows as u8);
        rows
    }

    fn width(&mut self, ctx: &Context, c: char) -> f32 {
        if let Some(w) = self.ascii.get(c as usize) {
            return *w;
        }
        if let Some(w) = self.other.get(&c) {
            return *w;
        }
        let w = ctx.fonts_mut(|f| f.glyph_width(&self.font, c));
        self.other.insert(c, w);
        w
    }

    /// The number of lines `text` wraps to at `max_width` (greedy word wrap, long words
    /// broken), at least 1 and at most `max_rows`.
    pub fn rows(&mut self, ctx: &Context, text: &str, max_width: f32, max_rows: usize) -> usize {
        let space = self.width(ctx, ' ');
        let mut rows = 1usize;
        let mut line = 0.0f32;
        for word in text.split_whitespace() {
            let w: f32 = word.chars().map(|c| self.width(ctx, c)).sum();
            let needed = if line > 0.0 { line + space + w } else { w };
            if needed <= max_width {
                line = needed;
            } else if line == 0.0 {
                // A word longer than the line is broken across lines.
                rows += (w / max_width).ceil() as usize - 1;
                line = w % max_width;
            } else {
                rows += 1;
                if w > max_width {
                    rows += (w / max_width).ceil() as usize - 1;
                    line = w % max_width;
                } else {
                    line = w;
                }
            }
            if rows >= max_rows {
                return max_rows;
            }
        }
        rows
    }
}

/// The visible (unfolded) nodes, their card sizes and their layout.
pub(crate) struct Scene {
    generation: u64,
    fold_version: u64,
    /// Laid-out nodes, depth-first, trees in order.
    pub ids: Vec<NodeId>,
    /// Position of an id in `ids`.
    pub index: HashMap<NodeId, usize>,
    /// Each node's parent in `ids`.
    pub parent: Vec<Option<usize>>,
    /// The orientation of each node's tree.
    pub orientation: Vec<Orientation>,
    /// Number of children in the map (folded or not).
    pub child_count: Vec<u32>,
    /// Descendants hidden by folding this node (0 when unfolded).
    pub hidden: Vec<u32>,
    /// Estimated title lines of each card.
    pub title_rows: Vec<u8>,
    /// Card sizes and structure handed to the layout.
    pub forest: Forest,
    /// Card positions (world units: points at zoom 1).
    pub layout: Layout,
    /// Spatial index over `layout` for culling.
    pub grid: GridIndex,
    /// Links whose both ends are laid out: (from, to, kind).
    pub links: Vec<(usize, usize, LinkKind)>,
}

impl Scene {
    /// Lays out every node of `map` not hidden under a node in `folded`.
    pub fn build(
        map: &Map,
        generation: u64,
        folded: &HashSet<NodeId>,
        fold_version: u64,
        measure: &mut TextMeasure,
        ctx: &Context,
    ) -> Self {
        let mut scene = Scene {
            generation,
            fold_version,
            ids: Vec::with_capacity(map.len()),
            index: HashMap::with_capacity(map.len()),
            parent: Vec::with_capacity(map.len()),
            orientation: Vec::with_capacity(map.len()),
            child_count: Vec::with_capacity(map.len()),
            hidden: Vec::with_capacity(map.len()),
            title_rows: Vec::with_capacity(map.len()),
            forest: Forest::default(),
            layout: Layout::default(),
            grid: GridIndex::default(),
            links: Vec::new(),
        };
        let mut sizes = Vec::with_capacity(map.len());
        let mut children: Vec<Vec<usize>> = Vec::with_capacity(map.len());
        let mut roots = Vec::new();
        measure.begin();
        for root in map.roots() {
            let orientation = map
                .node(root.as_str())
                .and_then(|n| n.orientation)
                .unwrap_or_default();
            let mut stack: Vec<(&NodeId, Option<usize>)> = vec![(root, None)];
            while let Some((id, parent)) = stack.pop() {
                let Some(node) = map.node(id.as_str()) else {
                    continue;
                };
                let i = scene.ids.len();
                let kids = map.child_count(id.as_str());
                let is_folded = kids > 0 && folded.contains(id);
                let rows = measure.title_rows(ctx, &node.title, cards::MAX_TITLE_ROWS);
                let body = cards::body_of(map, id, node);
                sizes.push(Size::new(
                    cards::CARD_W,
                    cards::card_height(body, rows, measure.line_height),
                ));
                children.push(Vec::new());
                if let Some(p) = parent {
                    children[p].push(i);
                } else {
                    roots.push((i, layout_orientation(orientation)));
                }
                scene.index.insert(id.clone(), i);
                scene.ids.push(id.clone());
                scene.parent.push(parent);
                scene.orientation.push(orientation);
                scene.child_count.push(kids as u32);
                scene.title_rows.push(rows as u8);
                if is_folded {
                    let hidden = map.subtree(id.as_str()).len().saturating_sub(1);
                    scene.hidden.push(hidden as u32);
                } else {
                    scene.hidden.push(0);
                    let kids: Vec<&NodeId> = map.children(id.as_str()).collect();
                    stack.extend(kids.into_iter().rev().map(|k| (k, Some(i))));
                }
            }
        }
        scene.forest = Forest {
            sizes,
            children,
            roots,
        };
        scene.layout = layout::layout(&scene.forest, &spacing());
        scene.grid = GridIndex::new(&scene.layout, &scene.forest);
        scene.links = map
            .links()
            .into_iter()
            .filter_map(|l| {
                let from = *scene.index.get(&l.from)?;
                let to = *scene.index.get(&l.to)?;
                Some((from, to, l.kind))
            })
            .collect();
        scene
    }

    /// Whether this scene is for this generation and fold state.
    pub fn is_for(&self, generation: u64, fold_version: u64) -> bool {
        self.generation == generation && self.fold_version == fold_version
    }

    /// The card rectangle of node `i` in world units.
    pub fn rect(&self, i: usize) -> egui::Rect {
        let r = self.layout.rect(&self.forest, i);
        egui::Rect::from_min_max(egui::pos2(r.min.x, r.min.y), egui::pos2(r.max.x, r.max.y))
    }

    /// The bounding box of every card in world units.
    pub fn bounds(&self) -> egui::Rect {
        let b = self.layout.bounds;
        egui::Rect::from_min_max(egui::pos2(b.min.x, b.min.y), egui::pos2(b.max.x, b.max.y))
    }

    /// The bounding box of the tree holding node `i`, in world units.
    pub fn tree_bounds(&self, i: usize) -> egui::Rect {
        let mut root = i;
        while let Some(p) = self.parent.get(root).copied().flatten() {
            root = p;
        }
        let k = self.forest.roots.iter().position(|(r, _)| *r == root);
        match k.and_then(|k| self.layout.tree_bounds.get(k)) {
            Some(b) => {
                egui::Rect::from_min_max(egui::pos2(b.min.x, b.min.y), egui::pos2(b.max.x, b.max.y))
            }
            None => self.bounds(),
        }
    }

    /// Indices of the cards that intersect `world` (a rectangle in world units).
    pub fn query(&self, world: egui::Rect) -> Vec<usize> {
        self.grid.query(layout::Rect {
            min: layout::Point::new(world.min.x, world.min.y),
            max: layout::Point::new(world.max.x, world.max.y),
        })
    }

    /// Whether the node's children are drawn below/right of it.
    pub fn is_left_right(&self, i: usize) -> bool {
        self.orientation.get(i) == Some(&Orientation::LeftRight)
    }

    /// The kind-independent fact that a node has children in the map.
    pub fn has_children(&self, i: usize) -> bool {
        self.child_count.get(i).is_some_and(|&c| c > 0)
    }
}

/// Gaps between cards: generous, so edges and fold badges have room.
pub(crate) fn spacing() -> Spacing {
    Spacing {
        sibling_gap: 28.0,
        level_gap: 64.0,
        tree_gap: 160.0,
    }
}

fn layout_orientation(o: Orientation) -> layout::Orientation {
    match o {
        Orientation::TopDown => layout::Orientation::TopDown,
        Orientation::LeftRight => layout::Orientation::LeftRight,
    }
}
