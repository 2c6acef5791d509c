//! Presentation mode (F5): full screen, every panel and bar hidden, the canvas in the
//! projector theme, stepping along a path — the top, then its levers level by level (for an
//! OST, the outcome down) — each step gliding the camera to its cards with the rest dimmed.
//! Clicker keys: Right, Space, PageDown next; Left, PageUp back; Enter focuses the selected
//! card's subtree, Backspace goes up a level; B blanks the screen; Esc leaves, putting the
//! camera, panels and theme back as they were. Editing is paused while presenting.
//!
//! Shift+F5 presents a named presentation saved in the map instead: each step frames its
//! card and the cards under it, under the step's scenario and period (the editor's when the
//! step names none); steps whose card was deleted are skipped. Esc puts the editor's
//! scenario and period back too.
//!
//! The path is built from the map (pure, tested below); the frame and keys follow
//! [`super::view::Mode::Presenting`].

use egui::{Align2, Color32, FontId, Id, Key};

use crate::model::{Map, NodeId, NodeKind, Presentation as Named};

use super::camera::Camera;
use super::commands::UiCommand;
use super::theme::Theme;
use super::view::Panels;
use super::{FulcrumApp, Viewer};

/// The most cards one step shows side by side: few enough that titles are at least ~28 px
/// on a 1080p projector.
pub(crate) const MAX_CARDS_PER_STEP: usize = 3;
/// The largest zoom a step glides to.
const MAX_STEP_ZOOM: f32 = 2.4;

/// One step: the cards it shows, and for a step of a named presentation its scenario and
/// period.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Step {
    /// The cards in focus (the rest is dimmed); the first is the step's own.
    pub nodes: Vec<NodeId>,
    /// The scenario to roll up under (`None`: the editor's).
    pub scenario: Option<String>,
    /// The period to roll up for (`None`: the editor's).
    pub period: Option<String>,
}

impl Step {
    /// A step of the default path: these cards, in the editor's scenario and period.
    fn cards(nodes: Vec<NodeId>) -> Self {
        Self {
            nodes,
            scenario: None,
            period: None,
        }
    }
}

/// A presentation in progress.
pub(crate) struct Presentation {
    /// The named presentation being shown (`None`: the default path).
    pub name: Option<String>,
    /// The root of the path (the top, or the subtree Enter focused); for a named
    /// presentation, the card of the step shown.
    pub root: NodeId,
    /// The steps of the path.
    pub steps: Vec<Step>,
    /// The step shown.
    pub at: usize,
    /// The screen is blanked (B).
    pub blank: bool,
    /// What to put back on leaving.
    saved: Saved,
    /// The step the camera last glided to.
    framed: Option<usize>,
}

struct Saved {
    camera: Camera,
    panels: Panels,
    theme: Theme,
    selection: Option<NodeId>,
    scenario: Option<String>,
    period: Option<String>,
}

/// The path under `root`: the root alone, then each level below it, at most
/// [`MAX_CARDS_PER_STEP`] cards a step (a wider level takes several steps, left to right).
pub(crate) fn path(map: &Map, root: &NodeId) -> Vec<Step> {
    let mut steps = vec![Step::cards(vec![root.clone()])];
    let mut level: Vec<NodeId> = vec![root.clone()];
    loop {
        let next: Vec<NodeId> = level
            .iter()
            .flat_map(|id| map.children(id.as_str()).cloned().collect::<Vec<_>>())
            .filter(|id| {
                map.node(id.as_str())
                    .is_some_and(|n| n.kind != NodeKind::Note)
            })
            .collect();
        if next.is_empty() {
            break;
        }
        for chunk in next.chunks(MAX_CARDS_PER_STEP) {
            steps.push(Step::cards(chunk.to_vec()));
        }
        level = next;
    }
    steps
}

/// The path of a named presentation: each step whose card is in the map, framing that card
/// and the cards under it (notes aside), under the step's scenario and period.
pub(crate) fn named_path(map: &Map, named: &Named) -> Vec<Step> {
    named
        .steps
        .iter()
        .filter(|s| map.contains(s.node.as_str()))
        .map(|s| {
            let mut nodes = vec![s.node.clone()];
            nodes.extend(
                map.children(s.node.as_str())
                    .filter(|c| {
                        map.node(c.as_str())
                            .is_some_and(|n| n.kind != NodeKind::Note)
                    })
                    .cloned(),
            );
            Step {
                nodes,
                scenario: s.scenario.clone(),
                period: s.period.clone(),
            }
        })
        .collect()
}

/// Where the path starts by default: the first metric root (the North Star), else the
/// first root.
pub(crate) fn default_root(map: &Map) -> Option<NodeId> {
    crate::engine::default_top(map)
        .filter(|t| map.parent(t.as_str()).is_none())
        .or_else(|| map.roots().next().cloned())
}

impl Presentation {
    /// The cards of the step shown.
    pub fn focus(&self) -> &[NodeId] {
        self.steps.get(self.at).map_or(&[], |s| s.nodes.as_slice())
    }

    /// Whether `id` is in focus (not dimmed).
    pub fn in_focus(&self, id: &NodeId) -> bool {
        self.focus().contains(id)
    }

    /// The camera has not yet glided to the step shown.
    pub fn needs_framing(&self) -> bool {
        self.framed != Some(self.at)
    }

    /// The camera glides to the step shown now.
    pub fn framed(&mut self) {
        self.framed = Some(self.at);
    }

    /// The scenario and period the step shown is rolled up under: its own, else the
    /// editor's.
    pub fn rolled_up_for(&self) -> (Option<&str>, Option<&str>) {
        let step = self.steps.get(self.at);
        let scenario = step.and_then(|s| s.scenario.as_deref());
        let period = step.and_then(|s| s.period.as_deref());
        (
            scenario.or(self.saved.scenario.as_deref()),
            period.or(self.saved.period.as_deref()),
        )
    }
}

/// What a key does while presenting.
pub(crate) fn key_command(key: Key, shift: bool) -> Option<UiCommand> {
    Some(match key {
        Key::ArrowRight | Key::PageDown | Key::ArrowDown => UiCommand::PresentStep(1),
        Key::Space if !shift => UiCommand::PresentStep(1),
        Key::ArrowLeft | Key::PageUp | Key::ArrowUp => UiCommand::PresentStep(-1),
        Key::Space => UiCommand::PresentStep(-1),
        Key::Enter => UiCommand::PresentFocus,
        Key::Backspace => UiCommand::PresentUp,
        Key::B => UiCommand::PresentBlank,
        Key::Escape | Key::F5 => UiCommand::PresentLeave,
        _ => return None,
    })
}

/// The breadcrumb, the step counter and the blank screen, over the canvas.
pub(crate) fn overlay_ui(ctx: &egui::Context, cx: &Viewer<'_>, p: &Presentation) {
    let screen = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        Id::unique("fulcrum_present_overlay"),
    ));
    if p.blank {
        painter.rect_filled(screen, 0.0, Color32::BLACK);
        return;
    }
    let map = cx.session.map();
    let mut trail: Vec<String> = Vec::new();
    let mut cur = Some(p.root.clone());
    while let Some(id) = cur {
        trail.push(
            map.node(id.as_str())
                .map_or(id.to_string(), |n| n.title.clone()),
        );
        cur = map.parent(id.as_str()).cloned();
    }
    trail.reverse();
    let muted = cx.palette.muted;
    painter.text(
        screen.left_top() + egui::vec2(28.0, 22.0),
        Align2::LEFT_TOP,
        trail.join("  ›  "),
        FontId::proportional(22.0),
        muted,
    );
    painter.text(
        screen.right_bottom() - egui::vec2(28.0, 22.0),
        Align2::RIGHT_BOTTOM,
        format!("{} / {}", p.at + 1, p.steps.len()),
        FontId::proportional(20.0),
        muted,
    );
    // What the figures are rolled up for, so the room knows it is looking at a scenario or
    // another month.
    let (scenario, period) = p.rolled_up_for();
    let shown: Vec<&str> = p
        .name
        .as_deref()
        .into_iter()
        .chain(scenario)
        .chain(period)
        .collect();
    if !shown.is_empty() {
        painter.text(
            screen.left_bottom() + egui::vec2(28.0, -22.0),
            Align2::LEFT_BOTTOM,
            shown.join("  ·  "),
            FontId::proportional(22.0),
            muted,
        );
    }
}

impl FulcrumApp {
    /// F5: starts presenting from the top (or the selected tree's root).
    pub(crate) fn start_presenting(&mut self, ctx: &egui::Context) {
        self.commit_title_edit();
        let map = self.session.map();
        let root = self
            .view
            .selection
            .as_ref()
            .map(|s| {
                let mut r = s.clone();
                while let Some(p) = map.parent(r.as_str()) {
                    r = p.clone();
                }
                r
            })
            .filter(|r| Some(r) != default_root(map).as_ref())
            .or_else(|| default_root(map));
        let Some(root) = root else {
            self.shell
                .dialogs
                .toast("Nothing to present yet".to_owned());
            return;
        };
        let steps = path(map, &root);
        self.begin(ctx, None, root, steps);
    }

    /// Shift+F5: presents the presentation chosen in the Presentations panel (the first one
    /// when none is chosen).
    pub(crate) fn start_presenting_named(&mut self, ctx: &egui::Context) {
        self.commit_title_edit();
        let map = self.session.map();
        self.view.presentations.settle(map);
        let Some(named) = self
            .view
            .presentations
            .chosen
            .as_deref()
            .and_then(|n| map.presentation(n))
        else {
            self.shell.dialogs.toast(
                "No presentation yet: add steps with \"Add this view as a step\" (Ctrl+Shift+A)"
                    .to_owned(),
            );
            return;
        };
        let steps = named_path(map, named);
        let Some(root) = steps.first().and_then(|s| s.nodes.first()).cloned() else {
            self.shell.dialogs.toast(format!(
                "\"{}\" has no steps to show (a step whose card was deleted is skipped)",
                named.name
            ));
            return;
        };
        let name = named.name.clone();
        self.begin(ctx, Some(name), root, steps);
    }

    /// Enters presentation mode on `steps`, remembering what Esc puts back.
    fn begin(&mut self, ctx: &egui::Context, name: Option<String>, root: NodeId, steps: Vec<Step>) {
        let saved = Saved {
            camera: self.view.canvas.camera.clone(),
            panels: self.view.panels,
            theme: self.shell.theme,
            selection: self.view.selection.clone(),
            scenario: self.view.scenario.clone(),
            period: self.view.period.clone(),
        };
        self.view.selection = Some(root.clone());
        self.view.mode = super::view::Mode::Presenting(Box::new(Presentation {
            name,
            root,
            steps,
            at: 0,
            blank: false,
            saved,
            framed: None,
        }));
        self.shell.theme = Theme::Projector;
        self.show_step();
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
    }

    /// Rolls the map up for the step shown (its scenario and period, else the editor's) and
    /// selects its card; a named step's card becomes the root of the breadcrumb.
    fn show_step(&mut self) {
        let super::view::Mode::Presenting(p) = &mut self.view.mode else {
            return;
        };
        let (scenario, period) = p.rolled_up_for();
        let (scenario, period) = (scenario.map(str::to_owned), period.map(str::to_owned));
        let first = p.focus().first().cloned();
        if p.name.is_some()
            && let Some(card) = &first
        {
            p.root = card.clone();
        }
        self.view.scenario = scenario;
        self.view.period = period;
        if first.is_some() {
            self.view.selection = first;
        }
    }

    /// Handles a presentation command.
    pub(crate) fn present(&mut self, command: UiCommand, ctx: &egui::Context) {
        let map = self.session.map();
        let super::view::Mode::Presenting(p) = &mut self.view.mode else {
            return;
        };
        match command {
            UiCommand::PresentStep(by) => {
                p.blank = false;
                let last = p.steps.len().saturating_sub(1) as isize;
                p.at = (p.at as isize + by).clamp(0, last) as usize;
                self.show_step();
            }
            UiCommand::PresentBlank => p.blank = !p.blank,
            UiCommand::PresentFocus => {
                if let Some(sel) = self.view.selection.clone()
                    && map.child_count(sel.as_str()) > 0
                {
                    p.steps = path(map, &sel);
                    p.root = sel;
                    p.name = None;
                    p.at = 0;
                    p.framed = None;
                    self.show_step();
                }
            }
            UiCommand::PresentUp => {
                if let Some(parent) = map.parent(p.root.as_str()).cloned() {
                    p.steps = path(map, &parent);
                    p.root = parent;
                    p.name = None;
                    p.at = 0;
                    p.framed = None;
                    self.show_step();
                }
            }
            UiCommand::PresentLeave => self.stop_presenting(ctx),
            _ => {}
        }
    }

    /// Esc: back to the editor exactly as it was.
    pub(crate) fn stop_presenting(&mut self, ctx: &egui::Context) {
        let mode = std::mem::take(&mut self.view.mode);
        let super::view::Mode::Presenting(p) = mode else {
            self.view.mode = mode;
            return;
        };
        self.view.canvas.camera = p.saved.camera;
        self.view.panels = p.saved.panels;
        self.shell.theme = p.saved.theme;
        self.view.selection = p.saved.selection;
        self.view.scenario = p.saved.scenario;
        self.view.period = p.saved.period;
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
    }

    /// Whether the app is presenting.
    pub fn is_presenting(&self) -> bool {
        matches!(self.view.mode, super::view::Mode::Presenting(_))
    }

    /// The named presentation being shown, while presenting one.
    pub fn presentation_name(&self) -> Option<&str> {
        match &self.view.mode {
            super::view::Mode::Presenting(p) => p.name.as_deref(),
            _ => None,
        }
    }

    /// The period the map is rolled up for (`None`: the current values).
    pub fn period(&self) -> Option<&str> {
        self.view.period.as_deref()
    }

    /// The step shown and the number of steps, while presenting.
    pub fn presentation_step(&self) -> Option<(usize, usize)> {
        match &self.view.mode {
            super::view::Mode::Presenting(p) => Some((p.at, p.steps.len())),
            _ => None,
        }
    }
}

/// Glides the camera to the step's cards (once per step).
pub(crate) fn frame_step(
    p: &mut Presentation,
    scene: &super::scene::Scene,
    canvas: &mut super::canvas::CanvasState,
) {
    if !p.needs_framing() {
        return;
    }
    let mut world: Option<egui::Rect> = None;
    for id in p.focus() {
        if let Some(&i) = scene.index.get(id) {
            let r = scene.rect(i);
            world = Some(world.map_or(r, |w| w.union(r)));
        }
    }
    if let Some(w) = world {
        canvas
            .camera
            .fit_smoothly_max(canvas.rect, w, MAX_STEP_ZOOM);
        p.framed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;

    fn id(s: &str) -> NodeId {
        NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_path_is_the_top_then_each_level_a_few_cards_a_step() {
        let mut map = Map::new("t");
        map.insert(id("top"), Node::new(NodeKind::Metric, "Top"), None, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        for k in 0..6 {
            let name = format!("l{k}");
            map.insert(
                id(&name),
                Node::new(NodeKind::Metric, &name),
                Some("top"),
                usize::MAX,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        map.insert(
            id("deep"),
            Node::new(NodeKind::Metric, "Deep"),
            Some("l0"),
            0,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        map.insert(
            id("note"),
            Node::new(NodeKind::Note, "Aside"),
            Some("l1"),
            0,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let steps = path(&map, &id("top"));
        let ids: Vec<Vec<&str>> = steps
            .iter()
            .map(|s| s.nodes.iter().map(NodeId::as_str).collect())
            .collect();
        assert_eq!(
            ids,
            vec![
                vec!["top"],
                vec!["l0", "l1", "l2"],
                vec!["l3", "l4", "l5"],
                vec!["deep"],
            ]
        );
        assert_eq!(default_root(&map), Some(id("top")));
    }
}
