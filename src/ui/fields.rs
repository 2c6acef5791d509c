//! Inspector field widgets that validate as you type and commit once per edit.
//!
//! A text field edits a draft; it reports a new value only when the person presses Enter
//! or leaves the field, and only if the value is valid — so one field edit is one undo step.
//! Esc drops the draft. An invalid draft stays on screen with its error (and a Revert
//! button) instead of silently disappearing. Pickers and menus commit on click. These
//! widgets return values; the inspector turns them into commands.

use std::collections::HashMap;

use egui::{Color32, Id, Key, KeyboardShortcut, Modifiers, RichText};

/// Drafts of the fields being edited, for one node.
#[derive(Default)]
pub(crate) struct Drafts {
    texts: HashMap<String, String>,
}

impl Drafts {
    /// Forgets every draft (another node was selected).
    pub fn clear(&mut self) {
        self.texts.clear();
    }

    /// The draft of a field, if it is being edited.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }

    /// Keeps a draft for a field.
    pub fn set(&mut self, key: &str, text: String) {
        self.texts.insert(key.to_owned(), text);
    }

    /// Drops a field's draft.
    pub fn remove(&mut self, key: &str) {
        self.texts.remove(key);
    }
}

/// How a text field looks.
#[derive(Clone, Copy)]
pub(crate) struct FieldLook<'a> {
    /// Shown while empty.
    pub hint: &'a str,
    /// Several lines (wrapped). Enter inserts a line break and the edit commits on leaving
    /// the field — unless `enter_commits`, when Enter commits and Shift+Enter breaks a line.
    pub multiline: bool,
    /// Enter commits a multi-line field.
    pub enter_commits: bool,
    /// Monospace (formulas, ids).
    pub code: bool,
}

impl FieldLook<'_> {
    /// A one-line text field.
    pub fn line(hint: &str) -> FieldLook<'_> {
        FieldLook {
            hint,
            multiline: false,
            enter_commits: true,
            code: false,
        }
    }

    /// A wrapped field where Enter commits (titles, formulas).
    pub fn wrapped(hint: &str, code: bool) -> FieldLook<'_> {
        FieldLook {
            hint,
            multiline: true,
            enter_commits: true,
            code,
        }
    }

    /// A multi-line field where Enter breaks lines (notes, quotes).
    pub fn paragraph(hint: &str) -> FieldLook<'_> {
        FieldLook {
            hint,
            multiline: true,
            enter_commits: false,
            code: false,
        }
    }
}

/// The egui id of the field for `key` (to give it focus).
pub(crate) fn field_id(key: &str) -> Id {
    Id::unique(("fulcrum_field", key))
}

/// A text field for `key` showing `current`. Returns the new text when an edit is committed
/// and `validate` accepts it. `validate` returns an error message and, optionally, the char
/// offset it points at (drawn as a caret under the text).
pub(crate) fn text_field(
    ui: &mut egui::Ui,
    drafts: &mut Drafts,
    key: &str,
    current: &str,
    look: FieldLook<'_>,
    validate: impl Fn(&str) -> Result<(), (String, Option<usize>)>,
) -> Option<String> {
    let id = field_id(key);
    let focused_before = ui.memory(|m| m.has_focus(id));
    let mut text = drafts
        .texts
        .get(key)
        .cloned()
        .unwrap_or_else(|| current.to_owned());
    let mut edit = if look.multiline {
        let rows = if look.enter_commits { 1 } else { 3 };
        let mut edit = egui::TextEdit::multiline(&mut text).desired_rows(rows);
        if look.enter_commits {
            edit = edit.return_key(KeyboardShortcut::new(Modifiers::SHIFT, Key::Enter));
        }
        edit
    } else {
        egui::TextEdit::singleline(&mut text)
    };
    edit = edit
        .id(id)
        .hint_text(look.hint)
        .desired_width(f32::INFINITY);
    if look.code {
        edit = edit.font(egui::TextStyle::Monospace);
    }
    let name = key.replace('_', " ");
    let response = ui.add(edit).accessible_name(name);
    // Enter commits a wrapped field once the field has read this frame's letters (the
    // keyboard router makes Enter the frame's last key).
    if look.multiline
        && look.enter_commits
        && response.has_focus()
        && ui.input_mut(|i| !i.modifiers.shift && i.consume_key(Modifiers::NONE, Key::Enter))
    {
        ui.memory_mut(|m| m.surrender_focus(id));
    }
    // Only a draft that differs from the value is judged (the value was judged when it
    // was committed or loaded): an untouched field costs no validation a frame, however
    // long its text.
    let verdict = if text == current {
        Ok(())
    } else {
        validate(&text)
    };
    let escaped = ui.input(|i| i.key_pressed(Key::Escape));
    let mut commit = None;
    // Left this frame: by Enter, Tab, Esc or a click elsewhere (also when the field only got
    // the keyboard this frame, as after F6).
    let left = response.lost_focus() || (focused_before && !response.has_focus());
    if response.has_focus() {
        drafts.texts.insert(key.to_owned(), text.clone());
    } else if left {
        if escaped || text == current {
            drafts.texts.remove(key);
        } else if verdict.is_ok() {
            drafts.texts.remove(key);
            commit = Some(text.clone());
        }
        // An invalid draft is kept so its error stays visible.
    }
    if let Err((message, offset)) = &verdict
        && text != current
    {
        error_ui(ui, &text, message, *offset);
        if !response.has_focus() && ui.small_button("Revert").clicked() {
            drafts.texts.remove(key);
        }
    }
    commit
}

/// An error under a field; with an offset, the text is repeated with a caret under that
/// character.
pub(crate) fn error_ui(ui: &mut egui::Ui, text: &str, message: &str, offset: Option<usize>) {
    let color = ui.visuals().error_fg_color;
    if let Some(at) = offset {
        let (shown, caret_at) = excerpt_around(text, at, EXCERPT_CHARS);
        let caret = format!("{}^", " ".repeat(caret_at));
        // Cut to the panel's width rather than widening it (the caret stays under its
        // character: both lines are cut at the same column).
        ui.add(egui::Label::new(RichText::new(shown).monospace().color(color)).truncate());
        ui.add(egui::Label::new(RichText::new(caret).monospace().color(color)).truncate());
    }
    ui.label(RichText::new(crate::model::clip(message)).color(color));
}

/// How many characters of a text an error quotes on each side of its caret.
const EXCERPT_CHARS: usize = 20;

/// The part of `text` around char offset `at` that an error shows: at most `side`
/// characters each side (`…` where it is cut), line breaks as spaces, and the caret's
/// column in it. Reads no further into `text` than the excerpt's end, so a 10 MB formula
/// costs a frame no more than a short one with its error near the start.
pub(crate) fn excerpt_around(text: &str, at: usize, side: usize) -> (String, usize) {
    let from = at.saturating_sub(side);
    let mut shown = String::new();
    if from > 0 {
        shown.push('…');
    }
    let mut chars = text.chars().skip(from);
    let mut caret = shown.chars().count();
    let mut taken = 0;
    for c in chars.by_ref().take(at - from + 1 + side) {
        if from + taken == at {
            caret = shown.chars().count();
        }
        shown.push(if c == '\n' { ' ' } else { c });
        taken += 1;
    }
    if from + taken <= at {
        // The caret is at (or past) the end.
        caret = shown.chars().count();
    }
    if chars.next().is_some() {
        shown.push('…');
    }
    (shown, caret)
}

/// A number field (empty means none). Returns the new value when committed.
pub(crate) fn number_field(
    ui: &mut egui::Ui,
    drafts: &mut Drafts,
    key: &str,
    current: Option<f64>,
    hint: &str,
) -> Option<Option<f64>> {
    let shown = current
        .map(crate::look::editable_number)
        .unwrap_or_default();
    let committed = text_field(ui, drafts, key, &shown, FieldLook::line(hint), |t| {
        if t.trim().is_empty() || crate::look::parse_number(t).is_some() {
            Ok(())
        } else {
            Err(("not a number".to_owned(), None))
        }
    })?;
    if committed.trim().is_empty() {
        Some(None)
    } else {
        crate::look::parse_number(&committed).map(Some)
    }
}

/// A 1–5 picker with a "–" for none. Returns the new value when clicked.
pub(crate) fn scale_picker(
    ui: &mut egui::Ui,
    salt: &str,
    current: Option<u8>,
    allow_none: bool,
) -> Option<Option<u8>> {
    let mut picked = None;
    ui.push_id(salt, |ui| {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 2.0;
            if allow_none && ui.selectable_label(current.is_none(), " – ").clicked() {
                picked = Some(None);
            }
            for v in 1..=5u8 {
                if ui
                    .selectable_label(current == Some(v), format!(" {v} "))
                    .clicked()
                {
                    picked = Some(Some(v));
                }
            }
        });
    });
    picked.filter(|p| *p != current)
}

/// A drop-down named `name` over `options` (with an optional "none" entry). Returns the new
/// value when picked.
pub(crate) fn choice<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    name_of_field: &str,
    current: Option<T>,
    options: &[T],
    name: impl Fn(T) -> String,
    none: Option<&str>,
) -> Option<Option<T>> {
    let mut picked = None;
    let shown = current.map_or_else(|| none.unwrap_or("—").to_owned(), &name);
    egui::ComboBox::from_id_salt(name_of_field)
        .selected_text(shown)
        .width(ui.available_width().min(220.0))
        .show_ui(ui, |ui| {
            if let Some(label) = none
                && ui.selectable_label(current.is_none(), label).clicked()
            {
                picked = Some(None);
            }
            for &o in options {
                if ui.selectable_label(current == Some(o), name(o)).clicked() {
                    picked = Some(Some(o));
                }
            }
        })
        .response
        .accessible_name(name_of_field);
    picked.filter(|p| *p != current)
}

/// A small caption above a field.
pub(crate) fn caption(ui: &mut egui::Ui, text: &str) {
    ui.add_space(2.0);
    ui.label(
        RichText::new(text)
            .small()
            .color(ui.visuals().weak_text_color()),
    );
}

/// A figure in a coloured label (the inspector's read-only readouts).
pub(crate) fn readout(ui: &mut egui::Ui, label: &str, value: String, color: Option<Color32>) {
    // Wrapped: a long reason ("formula cycle: a → b → …") wraps inside the panel instead
    // of widening it past the window.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(label).color(ui.visuals().weak_text_color()));
        let text = RichText::new(value).strong();
        ui.add(
            egui::Label::new(match color {
                Some(c) => text.color(c),
                None => text,
            })
            .wrap(),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::excerpt_around;

    #[test]
    fn an_error_quotes_only_the_text_around_its_caret() {
        assert_eq!(excerpt_around("a +", 3, 40), ("a +".to_owned(), 3));
        assert_eq!(excerpt_around("a\n+ b", 2, 40), ("a + b".to_owned(), 2));
        let long = format!("{}x{}", "a".repeat(100), "b".repeat(100));
        let (shown, caret) = excerpt_around(&long, 100, 5);
        assert_eq!(shown, "…aaaaaxbbbbb…");
        assert_eq!(shown.chars().nth(caret), Some('x'));
        assert_eq!(excerpt_around("abcd", 0, 2), ("abc…".to_owned(), 0));
        assert_eq!(excerpt_around("abc", 9, 1), ("…".to_owned(), 1));
    }
}
