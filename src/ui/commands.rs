//! The one command queue (rerun's `CommandSender`/`UICommand`, egui demo's `Command`
//! applied after the frame): every panel, menu, shortcut and canvas gesture sends a
//! [`UiCommand`] instead of changing anything itself. The queue is drained at one point of
//! the frame, in order, by `dispatch.rs`; the derived figures and layout are rebuilt once, at
//! the start of the next frame. A panel that only reads the map and the view can therefore
//! never leave them half-changed.

use std::cell::RefCell;
use std::path::PathBuf;

use crate::edit::Command;
use crate::model::NodeId;

use super::actions::Action;

/// Something that must wait until unsaved changes are saved or discarded.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Pending {
    /// Start a new, empty map.
    New,
    /// Start a new map from one of the bundled templates (its index in
    /// [`crate::interchange::templates::TEMPLATES`]).
    Template(usize),
    /// Open a file (`None`: ask which).
    Open(Option<PathBuf>),
    /// Close the window.
    Close,
}

/// The answer to "the file changed on disk".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutsideChoice {
    /// Three-way merge: what was loaded, the editor's map, the file.
    Merge,
    /// Open the file as it is on disk.
    Reload,
    /// Write the editor's map over the file.
    KeepMine,
}

/// What the person asked for this frame.
#[derive(Clone, Debug)]
pub(crate) enum UiCommand {
    /// An action of the table, on the current selection.
    Run(Action),
    /// An action on a given node (the context menu): selects it, then runs.
    RunOn(NodeId, Action),
    /// Select a node (ends a title edit).
    Select(NodeId),
    /// Select nothing.
    Deselect,
    /// "Export" in the export dialog: write the picture.
    RunExport,
    /// Select a node, unfolding its ancestors, and centre it (links, problems, zoom-to).
    SelectAndCenter(NodeId),
    /// Start editing a node's title (double-click).
    EditTitleOf(NodeId),
    /// Typing on a selected card: replace its title, starting with this text.
    TypeOver(String),
    /// Enter in the title editor: keep the title.
    CommitTitle,
    /// Tab in the title editor: keep the title and add a child.
    CommitTitleAndAddChild,
    /// Esc in the title editor.
    CancelTitle,
    /// Fold or unfold a node's subtree.
    ToggleFold(NodeId),
    /// Drag and drop: make a node the last child of another.
    Reparent(NodeId, NodeId),
    /// A change of the map from a panel (one undo step).
    Edit(Command),
    /// Rename a node's id (rewrites formulas and links), keeping it selected.
    RenameId(NodeId, NodeId),
    /// Roll the map up under a scenario (`None`: the actuals).
    SetScenario(Option<String>),
    /// Roll the map up for a period (`None`: the current values).
    SetPeriod(Option<String>),
    /// A paste from the system clipboard.
    PasteText(String),
    /// The find bar: jump to the next (`true`) or previous hit.
    FindStep(bool),
    /// The find bar's query changed: jump to its first hit.
    FindJump,
    /// Close the find bar.
    CloseFind,
    /// Fit the whole map to the window.
    Fit,
    /// Esc on the canvas: closes the help overlay, else the find bar.
    CloseOverlay,
    /// Measure leverage against a metric (`None`: the first metric root).
    MakeTop(Option<NodeId>),
    /// Try a value for a metric (`None`: back to its own), not saved; `true` while a
    /// slider is being dragged.
    TryValue(NodeId, Option<f64>, bool),
    /// Drop every tried value.
    ResetWhatIf,
    /// Write the tried values into a new scenario with this name.
    SaveWhatIf(String),
    /// Write the tried values into the scenario shown.
    ApplyWhatIf,
    /// The value of a lever that makes the top reach its target.
    GoalSeek(NodeId),
    /// Rename a scenario (old, new).
    RenameScenario(String, String),
    /// Presenting: a step forward (1) or back (-1).
    PresentStep(isize),
    /// Presenting: blank the screen, or show it again (B).
    PresentBlank,
    /// Presenting: a path through the selected card's subtree (Enter).
    PresentFocus,
    /// Presenting: a path from one level up (Backspace).
    PresentUp,
    /// Leave presentation mode (Esc).
    PresentLeave,
    /// Compare: the next (1) or previous (-1) change.
    CompareStep(isize),
    /// Compare: go to this change of the list.
    CompareGo(usize),
    /// Leave compare.
    CloseCompare,
    /// Combine review: merge this proposal (one undo step).
    CombineAccept(usize),
    /// Combine review: drop this proposal; its pairs are not proposed again.
    CombineReject(usize),
    /// Combine review: the node to merge by hand (`None`: none).
    CombinePick(Option<NodeId>),
    /// Combine review: merge the picked node into the selected one.
    CombineByHand,
    /// Close the combine review.
    CloseCombine,
    /// Apply the values import being previewed (one undo step).
    ApplyImport,
    /// Forget the recent files.
    ClearRecent,
    /// Something that goes through the unsaved-changes gate.
    Request(Pending),
    /// The unsaved-changes prompt answered: save first, then go on.
    SaveThen(Pending),
    /// The unsaved-changes prompt answered: drop the changes and go on.
    DiscardThen(Pending),
    /// The file changed on disk: merge, reload, or keep mine (write over it).
    ResolveOutsideChange(OutsideChoice),
    /// The conflict view: take the choices made into a map (`true`: and save it).
    FinishConflicts(bool),
    /// The conflict view: leave it, nothing changed or written.
    CancelConflicts,
    /// The file changed on disk: decide later (nothing written).
    CancelOutsideChange,
    /// The in-app path field confirmed its path.
    ConfirmPath,
    /// Save As (the file was read-only), then go on with what waited for the save.
    SaveAsThen(Option<Pending>),
    /// Restore the unsaved work found after a crash.
    RestoreRecovery,
    /// Delete the unsaved work found after a crash.
    DiscardRecovery,
}

/// The queue panels send to; shared by reference so that read-only panels can send.
#[derive(Default)]
pub(crate) struct Commands {
    queue: RefCell<Vec<UiCommand>>,
}

impl Commands {
    /// Queues a command for the end of the frame.
    pub fn send(&self, command: UiCommand) {
        self.queue.borrow_mut().push(command);
    }

    /// Everything sent so far, in order, emptying the queue.
    pub fn drain(&self) -> Vec<UiCommand> {
        std::mem::take(&mut *self.queue.borrow_mut())
    }
}
