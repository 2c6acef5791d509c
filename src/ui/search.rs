//! Find (Ctrl+F): matches over titles, ids, owners and notes, stepping through hits with
//! Enter / Shift+Enter / F3, each hit selected, unfolded into view and centred.
//!
//! Hits are recomputed only when the query or the map changes. Searching reads the map and
//! changes only view state (selection, fold, camera).

use egui::{Key, Modifiers};

use crate::model::{Map, NodeId};

use super::FulcrumApp;

/// The search bar's state.
#[derive(Default)]
pub(crate) struct SearchState {
    open: bool,
    query: String,
    hits: Vec<NodeId>,
    current: Option<usize>,
    /// (generation, query) the hits were computed for.
    computed_for: Option<(u64, String)>,
    wants_focus: bool,
}

impl SearchState {
    /// Shows the bar and focuses its field.
    pub fn open(&mut self) {
        self.open = true;
        self.wants_focus = true;
    }

    /// Hides the bar (its query stays for next time).
    pub fn close(&mut self) {
        self.open = false;
    }

    /// Closes the bar and forgets the hits (a new document).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Whether there is a hit to step to.
    pub fn has_hits(&self) -> bool {
        !self.hits.is_empty()
    }

    /// The hit currently shown, outlined on the canvas.
    pub fn current_hit(&self) -> Option<&NodeId> {
        if !self.open {
            return None;
        }
        self.current.and_then(|i| self.hits.get(i))
    }

    fn refresh(&mut self, map: &Map, generation: u64) -> bool {
        let key = (generation, self.query.clone());
        if self.computed_for.as_ref() == Some(&key) {
            return false;
        }
        let query_changed = self
            .computed_for
            .as_ref()
            .is_none_or(|(_, q)| *q != self.query);
        self.computed_for = Some(key);
        self.hits = find(map, &self.query);
        if query_changed {
            self.current = if self.hits.is_empty() { None } else { Some(0) };
        } else if let Some(c) = self.current {
            self.current = (!self.hits.is_empty()).then(|| c.min(self.hits.len() - 1));
        }
        query_changed && self.current.is_some()
    }
}

/// Every node whose title, id, owner or notes contain `query` (ignoring case), in map
/// order.
pub fn find(map: &Map, query: &str) -> Vec<NodeId> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let has = |text: &str| text.to_lowercase().contains(&q);
    map.iter()
        .filter(|(id, node)| {
            has(&node.title)
                || id.as_str().contains(&q)
                || node.owner.as_deref().is_some_and(has)
                || node.notes.as_deref().is_some_and(has)
        })
        .map(|(id, _)| id.clone())
        .collect()
}

impl FulcrumApp {
    /// F3 / Enter in the search field: the next (or previous) hit.
    pub(crate) fn search_step(&mut self, forward: bool) {
        if !self.search.open {
            self.search.open();
        }
        let n = self.search.hits.len();
        if n == 0 {
            return;
        }
        let next = match self.search.current {
            Some(c) if forward => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
            None => 0,
        };
        self.search.current = Some(next);
        self.jump_to_hit();
    }

    fn jump_to_hit(&mut self) {
        let Some(id) = self
            .search
            .current
            .and_then(|i| self.search.hits.get(i))
            .cloned()
        else {
            return;
        };
        self.commit_title_edit();
        self.unfold_to(id.as_str());
        self.selected = Some(id);
        self.canvas.center_selection = true;
    }

    /// The search bar under the menu bar, while open.
    pub(crate) fn search_bar_ui(&mut self, ui: &mut egui::Ui) {
        if !self.search.open {
            return;
        }
        let mut step: Option<bool> = None;
        let mut close = false;
        egui::Panel::top("search_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label("Find");
                let id = egui::Id::unique("fulcrum_search_field");
                let focused = ui.memory(|m| m.has_focus(id));
                if focused {
                    if ui.input_mut(|i| i.consume_key(Modifiers::SHIFT, Key::Enter)) {
                        step = Some(false);
                    } else if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter)) {
                        step = Some(true);
                    } else if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
                        close = true;
                    }
                }
                let field = egui::TextEdit::singleline(&mut self.search.query)
                    .id(id)
                    .hint_text("title, id, owner or notes")
                    .event_filter(egui::EventFilter {
                        escape: true,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        tab: false,
                    })
                    .desired_width(320.0);
                let response = ui.add(field);
                if self.search.wants_focus {
                    response.request_focus();
                    self.search.wants_focus = false;
                }
                let status = match (self.search.current, self.search.hits.len()) {
                    (_, 0) if self.search.query.trim().is_empty() => String::new(),
                    (_, 0) => "No matches".to_owned(),
                    (Some(c), n) => format!("{} of {n}", c + 1),
                    (None, n) => format!("{n} matches"),
                };
                ui.label(status);
                let any = self.search.has_hits();
                if ui
                    .add_enabled(any, egui::Button::new("Previous"))
                    .on_hover_text("Shift+Enter or Shift+F3")
                    .clicked()
                {
                    step = Some(false);
                }
                if ui
                    .add_enabled(any, egui::Button::new("Next"))
                    .on_hover_text("Enter or F3")
                    .clicked()
                {
                    step = Some(true);
                }
                if ui.button("Close").on_hover_text("Esc").clicked() {
                    close = true;
                }
            });
        });
        if self.search.refresh(self.doc.map(), self.doc.generation()) {
            self.jump_to_hit();
        }
        if let Some(forward) = step {
            self.search_step(forward);
        }
        if close {
            self.search.open = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format;

    #[test]
    fn finds_titles_ids_owners_notes() {
        let text = include_str!("../../samples/workshop.ron");
        let map = format::parse_str(text).expect("sample loads").map;
        let ids = |q: &str| -> Vec<String> {
            find(&map, q)
                .iter()
                .map(|i| i.as_str().to_owned())
                .collect()
        };
        assert_eq!(ids("churned mrr"), vec!["churned"]);
        assert!(ids("avg_churned").contains(&"avg_churned_mrr".to_owned()));
        assert!(ids("finance").contains(&"starting_mrr".to_owned()));
        assert_eq!(ids("median active seats"), vec!["grow_usage"]);
        assert!(ids("   ").is_empty());
    }
}
