//! Find (Ctrl+F): matches over titles, ids, owners and notes, stepping through hits with
//! Enter / Shift+Enter / F3, each hit selected, unfolded into view and centred.
//!
//! Hits are recomputed only when the query or the map changes. Searching reads the map and
//! changes only view state (selection, fold, camera).

use egui::{Key, Modifiers};

use crate::model::{Map, NodeId};

use super::commands::UiCommand;
use super::{FulcrumApp, Viewer};

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

    /// Whether the find bar is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Whether the find field takes the keyboard when next drawn.
    pub fn wants_focus(&self) -> bool {
        self.open && self.wants_focus
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
    /// F3 / Shift+F3 / Enter in the find bar: the next or previous hit.
    pub(crate) fn search_step(&mut self, forward: bool) {
        let search = &mut self.view.search;
        if !search.open {
            search.open();
        }
        let n = search.hits.len();
        if n == 0 {
            return;
        }
        let next = match search.current {
            Some(c) if forward => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
            None => 0,
        };
        search.current = Some(next);
        self.jump_to_hit();
    }

    /// Selects and centres the current hit, unfolding what hides it.
    pub(crate) fn jump_to_hit(&mut self) {
        let search = &self.view.search;
        let Some(id) = search.current.and_then(|i| search.hits.get(i)).cloned() else {
            return;
        };
        self.commit_title_edit();
        if self.session.map().contains(id.as_str()) {
            self.view.select_and_center(self.session.map(), id);
        }
    }
}

/// The find bar, while open: the query field, "n of m", previous/next and close.
pub(crate) fn search_bar_ui(ui: &mut egui::Ui, cx: &Viewer<'_>, search: &mut SearchState) {
    if !search.open {
        return;
    }
    egui::Panel::top("search_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label("Find");
            let id = egui::Id::unique("fulcrum_search_field");
            let field = egui::TextEdit::singleline(&mut search.query)
                .id(id)
                .hint_text("title, id, owner or notes")
                .return_key(None)
                .event_filter(egui::EventFilter {
                    escape: true,
                    horizontal_arrows: true,
                    vertical_arrows: true,
                    tab: false,
                })
                .desired_width(320.0);
            let response = ui.add(field);
            if search.wants_focus {
                response.request_focus();
                search.wants_focus = false;
            }
            // After the field has read this frame's letters: Enter steps, Esc closes.
            if response.has_focus() {
                if ui.input_mut(|i| i.consume_key(Modifiers::SHIFT, Key::Enter)) {
                    cx.commands.send(UiCommand::FindStep(false));
                } else if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter)) {
                    cx.commands.send(UiCommand::FindStep(true));
                } else if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
                    cx.commands.send(UiCommand::CloseFind);
                }
            }
            let status = match (search.current, search.hits.len()) {
                (_, 0) if search.query.trim().is_empty() => String::new(),
                (_, 0) => "No matches".to_owned(),
                (Some(c), n) => format!("{} of {n}", c + 1),
                (None, n) => format!("{n} matches"),
            };
            ui.label(status);
            let any = search.has_hits();
            if ui
                .add_enabled(any, egui::Button::new("Previous"))
                .on_hover_text("Shift+Enter or Shift+F3")
                .clicked()
            {
                cx.commands.send(UiCommand::FindStep(false));
            }
            if ui
                .add_enabled(any, egui::Button::new("Next"))
                .on_hover_text("Enter or F3")
                .clicked()
            {
                cx.commands.send(UiCommand::FindStep(true));
            }
            if ui.button("Close").on_hover_text("Esc").clicked() {
                cx.commands.send(UiCommand::CloseFind);
            }
        });
    });
    if search.refresh(cx.session.map(), cx.session.doc.generation()) {
        cx.commands.send(UiCommand::FindJump);
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
