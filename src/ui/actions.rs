//! The one table of UI actions: label, tooltip, shortcuts and scope of each, from which the
//! menu bar, the keyboard handling and the F1 help overlay are all generated (rerun's
//! `UICommand` is the model). Adding a command means adding a variant here and its arm in
//! [`super::FulcrumApp::run_action`]; nothing else lists commands.
//!
//! Features that are not built are not in the table, so they are never shown.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::model::NodeKind;

/// Declares [`Action`] and the list of its plain variants together, so that no action can
/// be added without being in [`Action::variants`] (which the tests check against the menus
/// and the help).
macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Every command a person can give the app.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Action {
            $($(#[$doc])* $name,)*
            /// Ctrl+1…7: change the selection's kind.
            SetKind(NodeKind),
        }

        impl Action {
            const PLAIN: &[Action] = &[$(Action::$name),*];
        }
    };
}

actions! {
    /// Start a new, empty map.
    New,
    /// Open a map file.
    Open,
    /// Save to the map's file.
    Save,
    /// Save to a new file.
    SaveAs,
    /// Merge a CSV of values into the metrics' history.
    ImportValues,
    /// Mark what differs from another map file.
    CompareWith,
    /// Mark what differs from the map's file as last saved.
    CompareSaved,
    /// Bring other maps' trees in and review the proposed merges of similar nodes.
    CombineMaps,
    /// Export a picture of the map (SVG, PNG, PDF).
    Export,
    /// Close the window.
    Quit,
    /// Undo the last step.
    Undo,
    /// Redo the last undone step.
    Redo,
    /// Copy the selected subtree, then delete it.
    Cut,
    /// Copy the selected subtree.
    Copy,
    /// Paste the copied subtree under the selection.
    Paste,
    /// Delete the selected subtree.
    Delete,
    /// Add a child and type its title.
    AddChild,
    /// Add a sibling and type its title.
    AddSibling,
    /// Edit the selection's title.
    EditTitle,
    /// Move the selection one place earlier among its siblings.
    MoveEarlier,
    /// Move the selection one place later among its siblings.
    MoveLater,
    /// Arrow up.
    SelectUp,
    /// Arrow down.
    SelectDown,
    /// Arrow left.
    SelectLeft,
    /// Arrow right.
    SelectRight,
    /// Fold or unfold the selection's subtree.
    ToggleFold,
    /// Open the find bar.
    Find,
    /// Jump to the next hit.
    FindNext,
    /// Jump to the previous hit.
    FindPrevious,
    /// Zoom in.
    ZoomIn,
    /// Zoom out.
    ZoomOut,
    /// Fit the whole map to the window.
    FitView,
    /// Fit the selection's tree to the window.
    FitTree,
    /// Show or hide the leverage panel.
    ToggleLeverage,
    /// Show or hide the bridge (solutions by North Star effect).
    ToggleBridge,
    /// Show or hide the scenario manager.
    ToggleScenarios,
    /// Show or hide "Why it moved".
    ToggleWhy,
    /// Measure leverage against the selected metric.
    MakeTop,
    /// Link the selected outcome to the metric it measures.
    LinkMeasures,
    /// Link the selection to any node it relates to.
    LinkRelates,
    /// Move the keyboard into the inspector, or back to the canvas.
    FocusInspector,
    /// Show or hide the inspector.
    ToggleInspector,
    /// Show or hide the problems panel.
    ToggleProblems,
    /// Light or dark theme.
    ToggleTheme,
    /// The shortcut overlay.
    Help,
    /// Presentation mode.
    Present,
    /// Present the chosen named presentation.
    PresentNamed,
    /// Show or hide the presentations panel.
    TogglePresentations,
    /// Add the selected card, with the scenario and period on screen, as a step.
    AddPresentationStep,
    /// Show or hide the outline (the map as an indented list).
    ToggleOutline,
    /// Show or hide the compare tables of opportunities and solutions.
    ToggleCompareTables,
    /// Show or hide the assumption map.
    ToggleAssumptionMap,
}

/// Where a shortcut works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere, even while typing in a field.
    Global,
    /// Only while no text field has the keyboard (the canvas has it).
    Canvas,
}

/// The menus: the menu bar's, in order, and a card's context menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    /// New, open, save.
    File,
    /// Undo, clipboard, structure, kind, find.
    Edit,
    /// Zoom, fold, panels, theme, selection.
    View,
    /// Shortcuts.
    Help,
    /// Right-click on a card.
    Card,
}

impl Menu {
    /// The menu bar, in order.
    pub const BAR: [Menu; 4] = [Menu::File, Menu::Edit, Menu::View, Menu::Help];

    /// The menu's title.
    pub fn label(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Help => "Help",
            Menu::Card => "Card",
        }
    }
}

const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};
const NONE: Modifiers = Modifiers::NONE;

fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

impl Action {
    /// Every menu entry, grouped by menu, in menu order (`None` entries are separators). A
    /// card's context menu is here too ([`Menu::Card`]); its "Change kind" entries open a
    /// submenu of every kind but the card's own.
    pub fn table() -> Vec<(Menu, Option<Action>)> {
        use Action::*;
        let mut rows: Vec<(Menu, Option<Action>)> = Vec::new();
        let add =
            |rows: &mut Vec<(Menu, Option<Action>)>, menu: Menu, actions: &[Option<Action>]| {
                rows.extend(actions.iter().map(|a| (menu, *a)));
            };
        add(
            &mut rows,
            Menu::File,
            &[
                Some(New),
                Some(Open),
                None,
                Some(Save),
                Some(SaveAs),
                None,
                Some(ImportValues),
                Some(Export),
                None,
                Some(CompareWith),
                Some(CompareSaved),
                Some(CombineMaps),
                None,
                Some(Quit),
            ],
        );
        add(
            &mut rows,
            Menu::Edit,
            &[
                Some(Undo),
                Some(Redo),
                None,
                Some(Cut),
                Some(Copy),
                Some(Paste),
                Some(Delete),
                None,
                Some(AddChild),
                Some(AddSibling),
                Some(EditTitle),
                Some(MoveEarlier),
                Some(MoveLater),
                Some(LinkMeasures),
                Some(LinkRelates),
                None,
            ],
        );
        rows.extend(
            NodeKind::ALL
                .iter()
                .map(|k| (Menu::Edit, Some(SetKind(*k)))),
        );
        add(
            &mut rows,
            Menu::Edit,
            &[None, Some(Find), Some(FindNext), Some(FindPrevious)],
        );
        add(
            &mut rows,
            Menu::View,
            &[
                Some(ZoomIn),
                Some(ZoomOut),
                Some(FitView),
                Some(FitTree),
                Some(ToggleFold),
                None,
                Some(SelectUp),
                Some(SelectDown),
                Some(SelectLeft),
                Some(SelectRight),
                None,
                Some(ToggleInspector),
                Some(FocusInspector),
                Some(ToggleProblems),
                Some(ToggleTheme),
                None,
                Some(ToggleLeverage),
                Some(MakeTop),
                Some(ToggleBridge),
                Some(ToggleWhy),
                Some(ToggleScenarios),
                None,
                Some(Present),
                Some(PresentNamed),
                Some(TogglePresentations),
                Some(AddPresentationStep),
                None,
                Some(ToggleOutline),
                Some(ToggleCompareTables),
                Some(ToggleAssumptionMap),
            ],
        );
        add(&mut rows, Menu::Help, &[Some(Help)]);
        add(
            &mut rows,
            Menu::Card,
            &[
                Some(AddChild),
                Some(AddSibling),
                Some(EditTitle),
                Some(ToggleFold),
                Some(MakeTop),
                Some(LinkMeasures),
                Some(LinkRelates),
            ],
        );
        rows.extend(
            NodeKind::ALL
                .iter()
                .map(|k| (Menu::Card, Some(SetKind(*k)))),
        );
        add(
            &mut rows,
            Menu::Card,
            &[None, Some(Copy), Some(Cut), Some(Paste), None, Some(Delete)],
        );
        rows
    }

    /// Every action reachable from a menu, once each, in menu order.
    pub fn all() -> Vec<Action> {
        let mut out: Vec<Action> = Vec::new();
        for (_, action) in Self::table() {
            if let Some(a) = action
                && !out.contains(&a)
            {
                out.push(a);
            }
        }
        out
    }

    /// Every action there is (menus or not): the plain ones and each kind.
    pub fn variants() -> Vec<Action> {
        let mut out = Self::PLAIN.to_vec();
        out.extend(NodeKind::ALL.iter().map(|k| Action::SetKind(*k)));
        out
    }

    /// Whether the canvas keeps the keyboard after this action, so that the next key of
    /// the same frame is the canvas's too (moving around, zooming); any other action may
    /// open an editor or change the layout, so the keys after it wait a frame.
    pub fn keeps_canvas_keyboard(self) -> bool {
        use Action::*;
        matches!(
            self,
            SelectUp
                | SelectDown
                | SelectLeft
                | SelectRight
                | ZoomIn
                | ZoomOut
                | FitView
                | FitTree
                | Copy
                | FindNext
                | FindPrevious
                | ToggleProblems
                | ToggleTheme
                | Help
        )
    }

    /// The menu label.
    pub fn label(self) -> String {
        use Action::*;
        let text = match self {
            New => "New map",
            Open => "Open…",
            Save => "Save",
            SaveAs => "Save as…",
            ImportValues => "Import values…",
            CompareWith => "Compare with…",
            CompareSaved => "Compare with last saved version",
            CombineMaps => "Combine maps…",
            Export => "Export…",
            Quit => "Quit",
            Undo => "Undo",
            Redo => "Redo",
            Cut => "Cut subtree",
            Copy => "Copy subtree",
            Paste => "Paste as child",
            Delete => "Delete subtree",
            AddChild => "Add child",
            AddSibling => "Add sibling",
            EditTitle => "Edit title",
            MoveEarlier => "Move before previous sibling",
            MoveLater => "Move after next sibling",
            SetKind(kind) => return format!("Make it {}", article(kind)),
            SelectUp => "Select above",
            SelectDown => "Select below",
            SelectLeft => "Select left",
            SelectRight => "Select right",
            ToggleFold => "Fold / unfold",
            Find => "Find…",
            FindNext => "Find next",
            FindPrevious => "Find previous",
            ZoomIn => "Zoom in",
            ZoomOut => "Zoom out",
            FitView => "Fit map to window",
            FitTree => "Fit this tree",
            FocusInspector => "Focus inspector / canvas",
            ToggleLeverage => "Leverage panel",
            ToggleBridge => "Bridge panel",
            ToggleScenarios => "Scenarios…",
            ToggleWhy => "Why it moved",
            MakeTop => "Make top",
            LinkMeasures => "Measures…",
            LinkRelates => "Relates to…",
            ToggleInspector => "Inspector panel",
            ToggleProblems => "Problems panel",
            ToggleTheme => "Dark theme",
            Help => "Keyboard shortcuts",
            Present => "Present",
            PresentNamed => "Present chosen presentation",
            TogglePresentations => "Presentations…",
            AddPresentationStep => "Add this view as a step",
            ToggleOutline => "Outline",
            ToggleCompareTables => "Compare tables",
            ToggleAssumptionMap => "Assumption map",
        };
        text.to_owned()
    }

    /// A one-line explanation for tooltips and the help overlay.
    pub fn tooltip(self) -> &'static str {
        use Action::*;
        match self {
            New => "Start a new, empty map",
            Open => "Open a map file (.ron)",
            Save => "Save the map to its file",
            SaveAs => "Save the map to a new file",
            ImportValues => "Merge a CSV of id,period,value rows into history, with a preview",
            CompareWith => {
                "Mark what was added, removed, changed or moved since another map file, and list it"
            }
            CompareSaved => {
                "Mark what was added, removed, changed or moved since the file was last saved"
            }
            CombineMaps => {
                "Bring other maps' trees in beside this one and review the proposed merges of similar nodes"
            }
            Export => "Save a picture of the map as SVG, PNG or PDF",
            Quit => "Close Fulcrum (asks first if there are unsaved changes)",
            Undo => "Undo the last change",
            Redo => "Redo the last undone change",
            Cut => "Copy the selected subtree, then delete it",
            Copy => "Copy the selected subtree",
            Paste => "Paste the copied subtree under the selection, with fresh ids",
            Delete => "Delete the selected node and everything under it",
            AddChild => "Add a child under the selection and type its title",
            AddSibling => "Add a sibling after the selection and type its title",
            EditTitle => "Edit the selected node's title (also: double-click)",
            MoveEarlier => "Move the selection one place earlier among its siblings",
            MoveLater => "Move the selection one place later among its siblings",
            SetKind(_) => "Change the selected node's kind",
            SelectUp => {
                "The parent in a top-down tree, the previous sibling in a left-to-right tree"
            }
            SelectDown => {
                "The first child in a top-down tree, the next sibling in a left-to-right tree"
            }
            SelectLeft => {
                "The previous sibling in a top-down tree, the parent in a left-to-right tree"
            }
            SelectRight => {
                "The next sibling in a top-down tree, the first child in a left-to-right tree"
            }
            ToggleFold => "Hide or show the selection's subtree",
            Find => "Search titles, ids, owners and notes",
            FindNext => "Jump to the next search hit",
            FindPrevious => "Jump to the previous search hit",
            ZoomIn => "Zoom in around the pointer (also: Ctrl+wheel, pinch)",
            ZoomOut => "Zoom out around the pointer",
            FitView => "Show the whole map",
            FitTree => "Show the whole tree of the selection",
            FocusInspector => {
                "Move the keyboard into the inspector's first field, or back to the canvas"
            }
            ToggleLeverage => {
                "Levers of the top ranked by elasticity, with what-if sliders and goal seek"
            }
            ToggleBridge => "Solutions ranked by their estimated effect on the North Star",
            ToggleScenarios => "Add, rename, duplicate and delete scenarios; edit overrides",
            ToggleWhy => {
                "The top's change between periods, or a scenario against the actuals, split across its levers"
            }
            MakeTop => "Measure leverage against the selected metric",
            LinkMeasures => "Link the selected outcome to the driver-tree metric it measures",
            LinkRelates => "Link the selection to another node it relates to",
            ToggleInspector => "Show or hide the inspector",
            ToggleProblems => "Show or hide load warnings and formula problems",
            ToggleTheme => "Switch between the light and dark theme",
            Help => "Show every command and its shortcut",
            Present => {
                "Full screen for a projector: step through the top and its levers (Esc leaves)"
            }
            PresentNamed => {
                "Full screen: step through the presentation chosen in the Presentations panel, each step under its scenario and period"
            }
            TogglePresentations => {
                "Named presentations saved in the map: their steps, reorder, rename, delete"
            }
            AddPresentationStep => {
                "Add the selected card, with the scenario and period on screen, to the chosen presentation"
            }
            ToggleOutline => {
                "The map as an indented list beside the canvas, edited with the same keys"
            }
            ToggleCompareTables => {
                "The selection's opportunities side by side on sizing and factors, its solutions on status, effort, lift, leaps and North Star effect"
            }
            ToggleAssumptionMap => {
                "Assumptions by importance and evidence, leaps of faith marked; drag a dot to rescore it"
            }
        }
    }

    /// The shortcuts, the first one shown in menus.
    pub fn shortcuts(self) -> Vec<KeyboardShortcut> {
        use Action::*;
        match self {
            New => vec![key(CMD, Key::N)],
            Open => vec![key(CMD, Key::O)],
            Save => vec![key(CMD, Key::S)],
            SaveAs => vec![key(CMD_SHIFT, Key::S)],
            ImportValues => vec![],
            CompareWith | CompareSaved | CombineMaps => vec![],
            Export => vec![key(CMD, Key::E)],
            Quit => vec![key(CMD, Key::Q)],
            Undo => vec![key(CMD, Key::Z)],
            Redo => vec![key(CMD_SHIFT, Key::Z), key(CMD, Key::Y)],
            Cut => vec![key(CMD, Key::X)],
            Copy => vec![key(CMD, Key::C)],
            Paste => vec![key(CMD, Key::V)],
            Delete => vec![key(NONE, Key::Delete), key(NONE, Key::Backspace)],
            AddChild => vec![key(NONE, Key::Tab), key(NONE, Key::Insert)],
            AddSibling => vec![key(NONE, Key::Enter)],
            EditTitle => vec![key(NONE, Key::F2)],
            MoveEarlier => vec![
                key(Modifiers::ALT, Key::ArrowUp),
                key(Modifiers::ALT, Key::ArrowLeft),
            ],
            MoveLater => vec![
                key(Modifiers::ALT, Key::ArrowDown),
                key(Modifiers::ALT, Key::ArrowRight),
            ],
            SetKind(kind) => {
                let digits = [
                    Key::Num1,
                    Key::Num2,
                    Key::Num3,
                    Key::Num4,
                    Key::Num5,
                    Key::Num6,
                    Key::Num7,
                ];
                let i = NodeKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                vec![key(CMD, digits[i])]
            }
            // Arrows are screen directions; `navigate` turns them into parent, child or
            // sibling according to the tree's orientation.
            SelectUp => vec![key(NONE, Key::ArrowUp)],
            SelectDown => vec![key(NONE, Key::ArrowDown)],
            SelectLeft => vec![key(NONE, Key::ArrowLeft)],
            SelectRight => vec![key(NONE, Key::ArrowRight)],
            ToggleFold => vec![key(NONE, Key::Space)],
            Find => vec![key(CMD, Key::F)],
            FindNext => vec![key(NONE, Key::F3)],
            FindPrevious => vec![key(Modifiers::SHIFT, Key::F3)],
            ZoomIn => vec![key(CMD, Key::Equals), key(CMD, Key::Plus)],
            ZoomOut => vec![key(CMD, Key::Minus)],
            FitView => vec![key(CMD, Key::Num0)],
            FitTree => vec![key(CMD_SHIFT, Key::Num0)],
            FocusInspector => vec![key(NONE, Key::F6)],
            ToggleLeverage => vec![key(CMD, Key::L)],
            ToggleBridge => vec![key(CMD_SHIFT, Key::B)],
            ToggleScenarios => vec![],
            ToggleWhy => vec![key(CMD_SHIFT, Key::W)],
            MakeTop => vec![key(CMD, Key::T)],
            LinkMeasures => vec![],
            LinkRelates => vec![],
            ToggleInspector => vec![key(CMD, Key::I)],
            ToggleProblems => vec![],
            ToggleTheme => vec![],
            Help => vec![key(NONE, Key::F1)],
            Present => vec![key(NONE, Key::F5)],
            PresentNamed => vec![key(Modifiers::SHIFT, Key::F5)],
            TogglePresentations => vec![key(CMD_SHIFT, Key::P)],
            AddPresentationStep => vec![key(CMD_SHIFT, Key::A)],
            ToggleOutline => vec![key(CMD_SHIFT, Key::O)],
            ToggleCompareTables => vec![key(CMD_SHIFT, Key::T)],
            ToggleAssumptionMap => vec![key(CMD_SHIFT, Key::M)],
        }
    }

    /// Where the shortcuts work.
    pub fn scope(self) -> Scope {
        use Action::*;
        match self {
            New | Open | Save | SaveAs | ImportValues | Export | CompareWith | CompareSaved
            | CombineMaps | Quit | Find | FindNext | FindPrevious | ZoomIn | ZoomOut | FitView
            | FitTree | FocusInspector | ToggleInspector | ToggleProblems | ToggleTheme
            | ToggleLeverage | ToggleBridge | ToggleScenarios | Help | Present | PresentNamed
            | TogglePresentations | AddPresentationStep | ToggleOutline | ToggleCompareTables
            | ToggleAssumptionMap => Scope::Global,
            _ => Scope::Canvas,
        }
    }

    /// Whether a menu shows it as a checkbox, and its state.
    pub fn is_toggle(self) -> bool {
        matches!(
            self,
            Action::ToggleInspector
                | Action::ToggleProblems
                | Action::ToggleTheme
                | Action::ToggleLeverage
                | Action::ToggleBridge
                | Action::ToggleScenarios
                | Action::ToggleWhy
                | Action::TogglePresentations
                | Action::ToggleOutline
                | Action::ToggleCompareTables
                | Action::ToggleAssumptionMap
        )
    }
}

fn article(kind: NodeKind) -> String {
    let name = kind.name().to_lowercase();
    let vowel = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

/// A shortcut as people read it (`Ctrl+Shift+Z`, `Alt+Up`), in plain letters that every
/// font has.
pub fn shortcut_text(shortcut: &KeyboardShortcut) -> String {
    let m = shortcut.modifiers;
    let mut out = String::new();
    let mac = cfg!(target_os = "macos");
    if m.command || m.ctrl || m.mac_cmd {
        out.push_str(if mac { "Cmd+" } else { "Ctrl+" });
    }
    if m.alt {
        out.push_str(if mac { "Option+" } else { "Alt+" });
    }
    if m.shift {
        out.push_str("Shift+");
    }
    let key = match shortcut.logical_key {
        Key::ArrowUp => "Up",
        Key::ArrowDown => "Down",
        Key::ArrowLeft => "Left",
        Key::ArrowRight => "Right",
        Key::Equals => "=",
        Key::Plus => "+",
        Key::Minus => "-",
        Key::Num0 => "0",
        Key::Num1 => "1",
        Key::Num2 => "2",
        Key::Num3 => "3",
        Key::Num4 => "4",
        Key::Num5 => "5",
        Key::Num6 => "6",
        Key::Num7 => "7",
        other => other.name(),
    };
    out.push_str(key);
    out
}

/// Every (shortcut, action) pair, most specific modifiers first, so that `Alt+Up` is
/// matched before `Up` and `Ctrl+Shift+Z` before `Ctrl+Z` (egui matches modifiers loosely).
pub fn shortcut_order() -> Vec<(KeyboardShortcut, Action)> {
    let mut pairs: Vec<(KeyboardShortcut, Action)> = Action::all()
        .into_iter()
        .flat_map(|a| a.shortcuts().into_iter().map(move |s| (s, a)))
        .collect();
    let weight = |m: Modifiers| u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl);
    pairs.sort_by_key(|(s, _)| std::cmp::Reverse(weight(s.modifiers)));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let pairs = shortcut_order();
        for (i, (a, x)) in pairs.iter().enumerate() {
            for (b, y) in &pairs[i + 1..] {
                assert!(a != b, "{x:?} and {y:?} share a shortcut");
            }
        }
    }

    /// An action reachable from no menu bar menu is in no menu and not in the F1 overlay
    /// (both are generated from the bar's rows); one whose shortcut the README's keyboard
    /// map does not name is undocumented.
    #[test]
    fn every_action_is_in_a_menu_and_documented() {
        let bar: Vec<Action> = Action::table()
            .into_iter()
            .filter(|(m, _)| Menu::BAR.contains(m))
            .filter_map(|(_, a)| a)
            .collect();
        let readme = include_str!("../../README.md");
        for action in Action::variants() {
            assert!(bar.contains(&action), "{action:?} is in no menu");
            assert!(!action.tooltip().is_empty(), "{action:?} has no tooltip");
            if matches!(action, Action::SetKind(_)) {
                continue;
            }
            if let Some(first) = action.shortcuts().first() {
                let text = shortcut_text(first);
                assert!(
                    readme.contains(&text),
                    "README's keyboard map does not name {text} ({action:?})"
                );
            }
        }
        for action in Action::all() {
            assert!(Action::variants().contains(&action));
        }
    }

    #[test]
    fn the_card_menu_is_in_the_table() {
        let card: Vec<Action> = Action::table()
            .into_iter()
            .filter(|(m, _)| *m == Menu::Card)
            .filter_map(|(_, a)| a)
            .collect();
        assert!(card.contains(&Action::AddChild) && card.contains(&Action::Delete));
    }

    #[test]
    fn every_kind_has_ctrl_digit() {
        for (i, k) in NodeKind::ALL.iter().enumerate() {
            let s = Action::SetKind(*k).shortcuts();
            assert_eq!(s.len(), 1, "{i}");
        }
    }
}
