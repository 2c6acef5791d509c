//! The view: what the person is looking at and doing, never saved in the map — the
//! selection, the folds, the scenario shown, the camera and canvas gestures, which panels are
//! open, the search, the inspector's drafts, and the mode (browsing, or typing a title).
//!
//! A new session gets a fresh view ([`View::fresh`]), keeping only the person's panel
//! choices. Each frame, [`View::settle`] drops what points at nodes that no longer exist. The
//! view changes through the command handlers and the panels' own widgets; it never changes
//! the map.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::edit::StepId;
use crate::model::{Map, Node, NodeId};

use super::canvas::CanvasState;
use super::inspector::InspectorState;
use super::scenarios::ScenarioManager;
use super::search::SearchState;

/// Which panels are open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Panels {
    /// The inspector on the right.
    pub inspector: bool,
    /// Load warnings and formula problems.
    pub problems: bool,
    /// The keyboard-shortcut overlay.
    pub help: bool,
    /// The leverage panel (levers ranked, what-if, goal seek).
    pub leverage: bool,
    /// The bridge: solutions ranked by their effect on the North Star.
    pub bridge: bool,
    /// The scenario manager.
    pub scenarios: bool,
    /// "Why it moved".
    pub why: bool,
    /// The presentations panel.
    pub presentations: bool,
    /// The outline: the map as an indented, editable list beside the canvas.
    pub outline: bool,
    /// The compare tables of the selection's opportunities and solutions.
    pub compare_tables: bool,
    /// The assumption map (importance × evidence).
    pub assumptions: bool,
}

impl Default for Panels {
    fn default() -> Self {
        Self {
            inspector: true,
            problems: false,
            help: false,
            leverage: false,
            bridge: false,
            scenarios: false,
            why: false,
            presentations: false,
            outline: false,
            compare_tables: false,
            assumptions: false,
        }
    }
}

/// The leverage panel's state: the top, the values being tried, typed drafts.
#[derive(Default)]
pub(crate) struct LeverageView {
    /// The metric leverage is measured against ("Make top"); `None`: the first metric root.
    pub top: Option<NodeId>,
    /// Show every metric under the top, not only the levers.
    pub all_metrics: bool,
    /// Values tried for metrics (not saved until "Save as scenario" or "Apply").
    pub what_if: BTreeMap<NodeId, f64>,
    /// What is typed in a row's value field.
    pub drafts: HashMap<NodeId, String>,
    /// The last goal seek: the lever and its answer (a value, or why there is none).
    pub goal: Option<(NodeId, Result<f64, String>)>,
    /// The name typed for "Save as scenario…" while it is asked for.
    pub new_scenario: Option<String>,
    /// The row order while a slider is held, so the row under the pointer stays put.
    pub frozen: Option<Vec<NodeId>>,
}

/// Folded nodes, with a version bumped on every change so the layout knows when to rebuild.
#[derive(Debug, Default)]
pub(crate) struct Folds {
    folded: HashSet<NodeId>,
    version: u64,
}

impl Folds {
    /// Whether `id`'s subtree is folded away.
    pub fn contains(&self, id: &str) -> bool {
        self.folded.contains(id)
    }

    /// The folded nodes.
    pub fn set(&self) -> &HashSet<NodeId> {
        &self.folded
    }

    /// Bumped by every change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Folds or unfolds `id`.
    pub fn toggle(&mut self, id: &NodeId) {
        if !self.folded.remove(id) {
            self.folded.insert(id.clone());
        }
        self.version += 1;
    }

    /// Unfolds `id`; returns whether it was folded.
    pub fn unfold(&mut self, id: &str) -> bool {
        let changed = self.folded.remove(id);
        self.version += u64::from(changed);
        changed
    }

    /// Unfolds every ancestor of `id`, so its card is shown.
    pub fn reveal(&mut self, map: &Map, id: &str) {
        let mut cur = map.parent(id);
        while let Some(p) = cur {
            self.unfold(p.as_str());
            cur = map.parent(p.as_str());
        }
    }

    /// Keeps a fold across a rename of the node's id.
    pub fn rename(&mut self, old: &str, new: &NodeId) {
        if self.folded.remove(old) {
            self.folded.insert(new.clone());
            self.version += 1;
        }
    }

    /// Forgets folds of nodes that are gone or have no children left.
    pub fn retain_existing(&mut self, map: &Map) {
        let before = self.folded.len();
        self.folded.retain(|id| map.child_count(id.as_str()) > 0);
        if self.folded.len() != before {
            self.version += 1;
        }
    }
}

/// A title being typed in place on the canvas.
pub(crate) struct TitleEdit {
    /// The node.
    pub id: NodeId,
    /// The text typed so far.
    pub text: String,
    /// Shown while the text is empty.
    pub hint: String,
    /// Set when the node was added by this gesture (Tab or Enter).
    pub fresh: Option<Fresh>,
    /// Focus must be given to the editor when it is next drawn.
    pub wants_focus: bool,
}

/// A node added by Tab/Enter whose title is being typed: the typed title and its id amend
/// the undo step that added it, so the whole gesture is one step.
pub(crate) struct Fresh {
    /// The undo step that added the placeholder.
    pub step: StepId,
    /// The placeholder as added.
    pub node: Node,
    /// The node selected before, to go back to on cancel.
    pub origin: Option<NodeId>,
}

/// Choosing the other end of a new link.
pub(crate) struct LinkPicker {
    /// The node the link starts at.
    pub from: NodeId,
    /// What the link means.
    pub kind: crate::model::LinkKind,
    /// Filters the candidates by title or id.
    pub query: String,
}

/// What the keyboard is doing.
#[derive(Default)]
pub(crate) enum Mode {
    /// Moving around and giving commands.
    #[default]
    Browse,
    /// Typing a card's title on the canvas.
    EditingTitle(Box<TitleEdit>),
    /// Presenting (F5): steps along a path, editing paused.
    Presenting(Box<super::present::Presentation>),
}

/// Everything about what the person sees that is not in the map.
#[derive(Default)]
pub(crate) struct View {
    /// The selected node.
    pub selection: Option<NodeId>,
    /// Folded subtrees.
    pub folds: Folds,
    /// The scenario the map is rolled up under (`None`: the actuals).
    pub scenario: Option<String>,
    /// The period the map is rolled up for (`None`: the current values).
    pub period: Option<String>,
    /// Camera, canvas size, glides and the drag in progress.
    pub canvas: CanvasState,
    /// Which panels are open.
    pub panels: Panels,
    /// Browsing or typing a title.
    pub mode: Mode,
    /// The find bar.
    pub search: SearchState,
    /// The inspector's drafts and focus requests.
    pub inspector: InspectorState,
    /// The leverage panel.
    pub leverage: LeverageView,
    /// The "Why it moved" panel.
    pub why: super::why::WhyView,
    /// The scenario manager's drafts.
    pub scenario_manager: ScenarioManager,
    /// The presentations panel: the chosen presentation and step.
    pub presentations: super::presentations::PresentationsPanel,
    /// The link picker ("Measures…", "Relates to…"), while open.
    pub link_picker: Option<LinkPicker>,
    /// The comparison with another map (File → Compare with…), while on.
    pub compare: Option<super::compare::Comparison>,
    /// The review of combined maps (File → Combine maps…), while open.
    pub combine: Option<super::combine::CombineReview>,
    /// The outline's rows, scroll and whether it has the keyboard.
    pub outline: super::outline::OutlineState,
    /// The compare tables' subject, sort order and drafts.
    pub tables: super::ost_tables::TablesState,
    /// The assumption map's scope and drag.
    pub assumption_map: super::assumption_map::AssumptionMapState,
    /// The document generation the view was last settled against.
    settled: Option<u64>,
}

impl View {
    /// A fresh view of `map`: the first tree's root selected, the whole map fitted on the
    /// first frame; panels as the person had them (problems open when there are `warnings`).
    pub fn fresh(map: &Map, panels: Panels, has_warnings: bool) -> Self {
        Self {
            selection: map.roots().next().cloned(),
            panels: Panels {
                problems: has_warnings,
                ..panels
            },
            ..Self::default()
        }
    }

    /// The title being typed, if any.
    pub fn title_edit(&self) -> Option<&TitleEdit> {
        match &self.mode {
            Mode::EditingTitle(edit) => Some(edit),
            Mode::Browse | Mode::Presenting(_) => None,
        }
    }

    /// The title being typed, to change it.
    pub fn title_edit_mut(&mut self) -> Option<&mut TitleEdit> {
        match &mut self.mode {
            Mode::EditingTitle(edit) => Some(edit),
            Mode::Browse | Mode::Presenting(_) => None,
        }
    }

    /// Starts typing a title.
    pub fn start_title_edit(&mut self, edit: TitleEdit) {
        self.mode = Mode::EditingTitle(Box::new(edit));
    }

    /// The presentation in progress, if any.
    pub fn presentation(&self) -> Option<&super::present::Presentation> {
        match &self.mode {
            Mode::Presenting(p) => Some(p),
            _ => None,
        }
    }

    /// Ends the title edit, handing it back.
    pub fn take_title_edit(&mut self) -> Option<TitleEdit> {
        match std::mem::take(&mut self.mode) {
            Mode::EditingTitle(edit) => Some(*edit),
            other => {
                self.mode = other;
                None
            }
        }
    }

    /// Whether the outline is open and has the keyboard (rather than the canvas).
    pub fn outline_has_keyboard(&self) -> bool {
        self.panels.outline && self.outline.has_keyboard
    }

    /// Selects `id` and brings its card into view.
    pub fn select_and_reveal(&mut self, id: NodeId) {
        self.selection = Some(id);
        self.canvas.reveal_selection = true;
    }

    /// Selects `id`, unfolding its ancestors, and centres its card (search hits, links,
    /// problems).
    pub fn select_and_center(&mut self, map: &Map, id: NodeId) {
        self.folds.reveal(map, id.as_str());
        self.selection = Some(id);
        self.canvas.center_selection = true;
    }

    /// Drops what points at nodes or scenarios that no longer exist; after a change of the
    /// map (`generation`) that left nothing selected, selects the first root (unless a title
    /// is being typed). A click on empty canvas still deselects.
    pub fn settle(&mut self, map: &Map, generation: u64) {
        if self
            .selection
            .as_ref()
            .is_some_and(|s| !map.contains(s.as_str()))
        {
            self.selection = None;
        }
        if self
            .title_edit()
            .is_some_and(|e| !map.contains(e.id.as_str()))
        {
            self.mode = Mode::Browse;
        }
        if self
            .scenario
            .as_ref()
            .is_some_and(|s| map.scenario(s).is_none())
        {
            self.scenario = None;
        }
        let lev = &mut self.leverage;
        if lev.top.as_ref().is_some_and(|t| !map.contains(t.as_str())) {
            lev.top = None;
        }
        lev.what_if.retain(|id, _| map.contains(id.as_str()));
        if self.settled == Some(generation) {
            return;
        }
        self.settled = Some(generation);
        self.folds.retain_existing(map);
        if self
            .period
            .as_ref()
            .is_some_and(|p| !map.iter().any(|(_, n)| n.history.contains_key(p)))
        {
            self.period = None;
        }
        if self.selection.is_none() && self.title_edit().is_none() {
            self.selection = map.roots().next().cloned();
        }
    }
}
