//! Copy, cut and paste of subtrees.
//!
//! A copied subtree is kept as a small [`Map`] and also put on the system clipboard as map
//! text, so it can be pasted into another Fulcrum window. Pasting inserts it under the
//! selection with the one `InsertNodes` command (one undo step) that [`graft`] works out:
//! every node under an id free in the map, the formulas and links inside the subtree
//! rewritten to the new ids. Plain text (a list, one title per line, nested by indentation)
//! pastes as new nodes. The work is `edit::graft`'s; this module only picks the place.

use crate::edit::{Command, graft};
use crate::format;
use crate::model::Map;

use super::FulcrumApp;

/// A copied subtree.
pub(crate) struct Clip {
    map: Map,
}

impl FulcrumApp {
    /// Ctrl+C: copies the selected subtree.
    pub(crate) fn copy_selected(&mut self, ctx: &egui::Context) {
        let Some(id) = self.view.selection.clone() else {
            return;
        };
        let map = graft::extract_subtree(self.session.map(), id.as_str());
        ctx.copy_text(format::to_string(&map));
        self.shell.clipboard = Some(Clip { map });
    }

    /// Ctrl+X: copies, then deletes, the selected subtree.
    pub(crate) fn cut_selected(&mut self, ctx: &egui::Context) {
        if self.view.selection.is_some() {
            self.copy_selected(ctx);
            self.delete_selected();
        }
    }

    /// Ctrl+V with Fulcrum's own clipboard.
    pub(crate) fn paste_clipboard(&mut self) {
        let Some(clip) = &self.shell.clipboard else {
            return;
        };
        let source = clip.map.clone();
        self.paste_map(&source);
    }

    /// A paste from the system clipboard: map text, or a list of titles.
    pub(crate) fn paste_text(&mut self, text: &str) {
        match format::parse_str(text) {
            Ok(loaded) => self.paste_map(&loaded.map),
            Err(_) => self.paste_outline(text),
        }
    }

    fn paste_map(&mut self, source: &Map) {
        self.commit_title_edit();
        let parent = self.view.selection.clone();
        let map = self.session.map();
        let index = parent
            .as_ref()
            .map_or(map.roots().len(), |p| map.child_count(p.as_str()));
        let pasted = graft::graft(map, source, parent.as_ref(), index);
        let Some(first) = pasted.roots.first().cloned() else {
            return;
        };
        if self.apply(pasted.command) {
            if let Some(p) = &parent {
                self.view.folds.unfold(p.as_str());
            }
            self.view.selection = Some(first);
            self.view.canvas.reveal_selection = true;
        }
    }

    /// Pastes lines of text as nodes under the selection, nested by indentation.
    fn paste_outline(&mut self, text: &str) {
        self.commit_title_edit();
        let map = self.session.map();
        let parent = self.view.selection.clone();
        let index = parent
            .as_ref()
            .map_or(map.roots().len(), |p| map.child_count(p.as_str()));
        let nodes = graft::outline_nodes(map, text, parent.as_ref(), index);
        let Some(first) = nodes.first().map(|n| n.id.clone()) else {
            return;
        };
        if self.apply(Command::InsertNodes {
            nodes,
            links: Vec::new(),
        }) {
            self.view.selection = Some(first);
            self.view.canvas.reveal_selection = true;
        }
    }
}
