//! The one point where the frame's [`UiCommand`]s change anything: drained in order at the
//! end of the frame, each handled here or by the handler it names (`editing.rs`,
//! `clipboard.rs`, `files/`, `search.rs`). Also which actions are enabled and checked, for
//! the menus and the context menu.

use super::actions::Action;
use super::commands::{Pending, UiCommand};
use super::editing::Dir;
use super::view::View;
use super::{FulcrumApp, Theme, Viewer};
use crate::model::NodeId;

impl FulcrumApp {
    /// Applies every command sent this frame, in order.
    pub(crate) fn run_commands(&mut self, ctx: &egui::Context) {
        let commands = self.commands.drain();
        if commands.is_empty() {
            return;
        }
        for command in commands {
            self.run_command(command, ctx);
        }
        ctx.request_repaint();
    }

    fn run_command(&mut self, command: UiCommand, ctx: &egui::Context) {
        match command {
            UiCommand::Run(action) => self.run_action(action, ctx),
            UiCommand::RunOn(id, action) => {
                self.commit_title_edit();
                self.view.selection = Some(id);
                self.run_action(action, ctx);
            }
            UiCommand::Select(id) => {
                self.commit_title_edit();
                self.view.selection = Some(id);
            }
            UiCommand::Deselect => {
                self.commit_title_edit();
                self.view.selection = None;
            }
            UiCommand::RunExport => self.run_export(),
            UiCommand::SelectAndCenter(id) => {
                self.commit_title_edit();
                if self.session.map().contains(id.as_str()) {
                    self.view.select_and_center(self.session.map(), id);
                }
            }
            UiCommand::EditTitleOf(id) => {
                self.commit_title_edit();
                self.view.selection = Some(id);
                self.start_title_edit(None);
            }
            UiCommand::TypeOver(text) => {
                if self.view.selection.is_some() && self.view.title_edit().is_none() {
                    self.start_title_edit(Some(text));
                }
            }
            UiCommand::CommitTitle => self.commit_title_edit(),
            UiCommand::CommitTitleAndAddChild => {
                self.commit_title_edit();
                self.add_child();
            }
            UiCommand::CancelTitle => self.cancel_title_edit(),
            UiCommand::ToggleFold(id) => self.toggle_fold(&id),
            UiCommand::Reparent(id, target) => self.reparent(&id, &target),
            UiCommand::Edit(command) => {
                self.apply(command);
            }
            UiCommand::RenameId(old, new) => self.rename_id(&old, new),
            UiCommand::SetScenario(scenario) => self.view.scenario = scenario,
            UiCommand::SetPeriod(period) => self.view.period = period,
            UiCommand::PasteText(text) => self.paste_text(&text),
            UiCommand::FindStep(forward) => self.search_step(forward),
            UiCommand::FindJump => self.jump_to_hit(),
            UiCommand::CloseFind => self.view.search.close(),
            UiCommand::Fit => self.view.canvas.fit_pending = true,
            UiCommand::CloseOverlay => {
                if self.view.panels.help {
                    self.view.panels.help = false;
                } else if self.view.search.is_open() || self.view.compare.is_none() {
                    self.view.search.close();
                } else {
                    self.view.compare = None;
                }
            }
            UiCommand::ClearRecent => self.shell.recent.clear(),
            UiCommand::ApplyImport => self.apply_import(),
            UiCommand::CompareStep(delta) => self.compare_step(delta),
            UiCommand::CompareGo(i) => self.compare_go(i),
            UiCommand::CloseCompare => self.view.compare = None,
            UiCommand::CombineAccept(i) => self.combine_accept(i),
            UiCommand::CombineReject(i) => self.combine_reject(i),
            UiCommand::CombinePick(id) => {
                if let Some(review) = self.view.combine.as_mut() {
                    review.picked = id;
                }
            }
            UiCommand::CombineByHand => self.combine_by_hand(),
            UiCommand::CloseCombine => self.view.combine = None,
            c @ (UiCommand::PresentStep(_)
            | UiCommand::PresentBlank
            | UiCommand::PresentFocus
            | UiCommand::PresentUp
            | UiCommand::PresentLeave) => self.present(c, ctx),
            UiCommand::MakeTop(id) => self.make_top(id),
            UiCommand::TryValue(id, value, dragging) => self.set_what_if(id, value, dragging),
            UiCommand::ResetWhatIf => self.reset_what_if(),
            UiCommand::SaveWhatIf(name) => self.save_what_if_as(name),
            UiCommand::ApplyWhatIf => self.apply_what_if(),
            UiCommand::GoalSeek(id) => self.goal_seek(id),
            UiCommand::RenameScenario(old, new) => self.rename_scenario(old, new),
            UiCommand::Request(pending) => self.request(pending),
            UiCommand::SaveThen(pending) => self.save_then(pending),
            UiCommand::DiscardThen(pending) => {
                self.session.recovered = false;
                self.perform(pending);
            }
            UiCommand::ConfirmPath => self.confirm_path(),
            UiCommand::ResolveOutsideChange(choice) => self.resolve_outside_change(choice),
            UiCommand::FinishConflicts(save) => self.finish_conflicts(save),
            UiCommand::CancelConflicts => self.shell.dialogs.conflicts = None,
            UiCommand::SaveAsThen(then) => {
                self.save_as_dialog(then);
            }
            UiCommand::CancelOutsideChange => self.shell.dialogs.changed_on_disk = None,
            UiCommand::RestoreRecovery => self.restore_found_recovery(),
            UiCommand::DiscardRecovery => self.discard_found_recovery(),
        }
    }

    /// Performs an action of the table.
    pub(crate) fn run_action(&mut self, action: Action, ctx: &egui::Context) {
        use Action::*;
        match action {
            New => self.request(Pending::New),
            Open => self.request(Pending::Open(None)),
            ImportValues => self.ask_import_values(),
            CompareWith => self.ask_compare_with(),
            CompareSaved => self.compare_with_saved(),
            CombineMaps => self.ask_combine(),
            Export => self.open_export(),
            Save => {
                self.save();
            }
            SaveAs => {
                self.save_as_dialog(None);
            }
            Quit => self.request(Pending::Close),
            Undo => self.undo(),
            Redo => self.redo(),
            Cut => self.cut_selected(ctx),
            Copy => self.copy_selected(ctx),
            Paste => self.paste_clipboard(),
            Delete => self.delete_selected(),
            AddChild => self.add_child(),
            AddSibling => self.add_sibling(),
            EditTitle => self.start_title_edit(None),
            MoveEarlier => self.move_among_siblings(false),
            MoveLater => self.move_among_siblings(true),
            SetKind(kind) => self.set_kind(kind),
            SelectUp => self.navigate(Dir::Up),
            SelectDown => self.navigate(Dir::Down),
            SelectLeft => self.navigate(Dir::Left),
            SelectRight => self.navigate(Dir::Right),
            ToggleFold => {
                if let Some(id) = self.view.selection.clone() {
                    self.toggle_fold(&id);
                }
            }
            Find => self.view.search.open(),
            FindNext => self.search_step(true),
            FindPrevious => self.search_step(false),
            ZoomIn => self.view.canvas.zoom_step(1.25),
            ZoomOut => self.view.canvas.zoom_step(0.8),
            FitView => self.view.canvas.fit_pending = true,
            FitTree => self.view.canvas.fit_tree_pending = true,
            FocusInspector => self.focus_inspector(ctx),
            ToggleInspector => self.view.panels.inspector = !self.view.panels.inspector,
            ToggleProblems => self.view.panels.problems = !self.view.panels.problems,
            ToggleTheme => {
                self.shell.theme = match self.shell.theme {
                    Theme::Light | Theme::Projector => Theme::Dark,
                    Theme::Dark => Theme::Light,
                };
            }
            Present => self.start_presenting(ctx),
            PresentNamed => self.start_presenting_named(ctx),
            TogglePresentations => {
                self.view.panels.presentations = !self.view.panels.presentations;
            }
            AddPresentationStep => self.add_view_as_step(),
            Help => self.view.panels.help = !self.view.panels.help,
            ToggleLeverage => self.view.panels.leverage = !self.view.panels.leverage,
            ToggleBridge => self.view.panels.bridge = !self.view.panels.bridge,
            ToggleScenarios => self.view.panels.scenarios = !self.view.panels.scenarios,
            ToggleWhy => self.view.panels.why = !self.view.panels.why,
            ToggleOutline => self.toggle_outline(),
            ToggleCompareTables => {
                self.view.panels.compare_tables = !self.view.panels.compare_tables;
            }
            ToggleAssumptionMap => {
                self.view.panels.assumptions = !self.view.panels.assumptions;
            }
            MakeTop => {
                if let Some(id) = self.view.selection.clone() {
                    self.make_top(id);
                }
            }
            LinkMeasures => self.open_link_picker(crate::model::LinkKind::Measures),
            LinkRelates => self.open_link_picker(crate::model::LinkKind::Relates),
        }
    }

    /// F6: into the inspector's first field, or back to the canvas when a panel has it.
    fn focus_inspector(&mut self, ctx: &egui::Context) {
        self.commit_title_edit();
        if ctx.memory(|m| m.focused().is_some()) {
            ctx.memory_mut(|m| {
                if let Some(id) = m.focused() {
                    m.surrender_focus(id);
                }
            });
        } else {
            self.view.panels.inspector = true;
            self.view.inspector.focus_first_field();
        }
    }
}

/// Whether an action can run now (menus grey it out otherwise). `target` is the node it
/// would run on when that is not the selection (the context menu's card).
pub(crate) fn is_enabled(
    cx: &Viewer<'_>,
    view: &View,
    action: Action,
    target: Option<&NodeId>,
) -> bool {
    use Action::*;
    let map = cx.session.map();
    let on = target.or(view.selection.as_ref());
    let history = cx.session.doc.history();
    match action {
        Undo => history.can_undo(),
        Redo => history.can_redo(),
        Cut | Copy | Delete | EditTitle | SetKind(_) => on.is_some(),
        MoveEarlier | MoveLater => on.is_some_and(|id| {
            let count = match map.parent(id.as_str()) {
                Some(p) => map.child_count(p.as_str()),
                None => map.roots().len(),
            };
            let pos = map.position(id.as_str()).unwrap_or(0);
            if action == MoveEarlier {
                pos > 0
            } else {
                pos + 1 < count
            }
        }),
        ToggleFold => on.is_some_and(|s| map.child_count(s.as_str()) > 0),
        FitTree => on.is_some(),
        Paste => cx.has_clip,
        AddChild | AddSibling => on.is_some() || map.is_empty(),
        FindNext | FindPrevious => view.search.has_hits(),
        MakeTop => on.is_some_and(|id| {
            map.node(id.as_str())
                .is_some_and(|n| n.kind == crate::model::NodeKind::Metric)
        }),
        LinkMeasures => on.is_some_and(|id| {
            map.node(id.as_str())
                .is_some_and(|n| n.kind == crate::model::NodeKind::Outcome)
        }),
        LinkRelates => on.is_some(),
        CompareSaved => cx.session.path.is_some(),
        AddPresentationStep => view.selection.is_some(),
        PresentNamed => map.presentations().iter().any(|p| !p.steps.is_empty()),
        _ => true,
    }
}

/// Whether a toggle action is on (its menu checkbox).
pub(crate) fn is_checked(view: &View, theme: Theme, action: Action) -> bool {
    match action {
        Action::ToggleInspector => view.panels.inspector,
        Action::ToggleProblems => view.panels.problems,
        Action::ToggleTheme => theme == Theme::Dark,
        Action::ToggleLeverage => view.panels.leverage,
        Action::ToggleBridge => view.panels.bridge,
        Action::ToggleScenarios => view.panels.scenarios,
        Action::ToggleWhy => view.panels.why,
        Action::TogglePresentations => view.panels.presentations,
        Action::ToggleOutline => view.panels.outline,
        Action::ToggleCompareTables => view.panels.compare_tables,
        Action::ToggleAssumptionMap => view.panels.assumptions,
        _ => false,
    }
}
