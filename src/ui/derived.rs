//! Derived data: what each frame computes from the session and the view — the engine's
//! figures, the laid-out scene and the text measurer — built once at the start of the frame
//! and handed to every panel read-only. Nothing here is saved or edited; each part is
//! rebuilt only when its key (document generation, scenario, fold version) changed.

use std::cell::OnceCell;

use crate::engine::{self, Rag};
use crate::model::NodeKind;

use super::figures::Figures;
use super::scene::{Scene, TextMeasure};
use super::session::Session;
use super::view::View;

/// The kind and status colour of every laid-out card, for far-zoom blocks.
pub(crate) type BlockLook = (NodeKind, Option<Rag>);

/// Figures, layout and measurements for the frame being drawn.
pub(crate) struct Derived {
    /// Engine results.
    pub figures: Figures,
    /// The laid-out visible nodes.
    pub scene: Scene,
    /// Card title measurement (glyph widths of the title font).
    pub measure: TextMeasure,
    /// Far-zoom looks by scene index, computed on first use for this scene and figures.
    looks: OnceCell<Vec<BlockLook>>,
    /// How many times the figures were computed from scratch (for tests and benches).
    pub rebuilds: u64,
}

impl Derived {
    /// Everything computed from scratch (the first frame, or after new fonts).
    pub fn new(session: &Session, view: &mut View, ctx: &egui::Context) -> Self {
        let map = session.map();
        let generation = session.doc.generation();
        view.settle(map, generation);
        let measure = TextMeasure::new(ctx);
        let figures = Figures::compute(
            map,
            generation,
            (view.scenario.as_deref(), view.period.as_deref()),
            view.leverage.top.as_ref(),
            &view.leverage.what_if,
        );
        let scene = Scene::build(
            map,
            generation,
            view.folds.set(),
            view.folds.version(),
            &measure,
            ctx,
        );
        Self {
            figures,
            scene,
            measure,
            looks: OnceCell::new(),
            rebuilds: 1,
        }
    }

    /// Brings figures and scene up to date with the session and view, rebuilding only what
    /// changed; a new layout starts the cards' glide from where they were.
    pub fn refresh(&mut self, session: &Session, view: &mut View, ctx: &egui::Context) {
        let map = session.map();
        let generation = session.doc.generation();
        view.settle(map, generation);
        let basis = (view.scenario.as_deref(), view.period.as_deref());
        let top = view.leverage.top.as_ref();
        if !self.figures.is_for(generation, basis, top) {
            self.figures = Figures::compute(map, generation, basis, top, &view.leverage.what_if);
            self.rebuilds += 1;
            self.looks = OnceCell::new();
        }
        if !self.scene.is_for(generation, view.folds.version()) {
            let scene = Scene::build(
                map,
                generation,
                view.folds.set(),
                view.folds.version(),
                &self.measure,
                ctx,
            );
            let now = ctx.input(|i| i.time);
            view.canvas.start_animation(Some(&self.scene), &scene, now);
            self.scene = scene;
            self.looks = OnceCell::new();
        }
    }

    /// After values changed in place (a what-if): far-zoom looks follow the new statuses.
    pub fn values_changed(&mut self) {
        self.looks = OnceCell::new();
    }

    /// Updates the figures in place after a new value of an input (see
    /// [`Figures::update_input`]); returns whether that was possible.
    pub fn update_input(
        &mut self,
        generations: (u64, u64),
        id: &str,
        value: Option<f64>,
        held: (bool, bool),
    ) -> bool {
        let done = self.figures.update_input(generations, id, value, held);
        if done {
            self.values_changed();
        }
        done
    }

    /// Keeps the figures across a change the engine does not read (a title, an owner).
    pub fn carry_over(&mut self, from: u64, to: u64) {
        self.figures.carry_over(from, to);
    }

    /// The far-zoom look of every card of the scene.
    pub fn block_looks(&self, session: &Session) -> &[BlockLook] {
        self.looks.get_or_init(|| {
            let map = session.map();
            self.scene
                .ids
                .iter()
                .map(|id| {
                    let Some(node) = map.node(id.as_str()) else {
                        return (NodeKind::Note, None);
                    };
                    let rag = match self.figures.value(id.as_str()) {
                        Some(Ok(v)) => engine::status(node, v),
                        _ => None,
                    };
                    (node.kind, rag)
                })
                .collect()
        })
    }
}
