//! Keys in order, to whoever has the keyboard.
//!
//! egui hands a frame all the events that arrived since the last one; a fast typist (or a
//! busy machine) puts a title's last letters and its Enter, or three arrow presses, into one
//! frame. Each frame [`Keyboard::route`] walks those key events in order — after any held
//! back from the frame before — and gives them to the [`Owner`] of the keyboard: the canvas
//! turns each press into a [`UiCommand`] (three Ups are three moves); a text field gets the
//! letters and then its Enter, Tab or Esc. Where an event hands the keyboard to someone else
//! (Tab adds a card and opens its title editor; a letter starts typing over a title; Tab in
//! the inspector moves to the next field), the events after it are held back for the next
//! frame, when the new owner is in place. So no keystroke is dropped and none goes to the
//! wrong place. The outline owns the keys as the canvas does, through the same action
//! table; only the handlers of the arrows know which of the two has them.
//!
//! egui's own focus handling already saw the frame's raw events, so the router corrects it:
//! a Tab that is held back cancels this frame's focus move and makes it next frame; Tab and
//! arrows on the canvas never move egui's focus.

use egui::{Event, FocusDirection, Id, Key, Modifiers};

use super::actions::{Action, Scope, shortcut_order};
use super::commands::{Commands, UiCommand};

/// Who gets the keyboard this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A prompt over the window: its own fields and buttons.
    Modal,
    /// A drop-down list is open: Esc closes it, nothing reaches the canvas.
    Popup,
    /// The inline title editor on the canvas.
    TitleEditor,
    /// A text field or other widget of a panel has egui's focus.
    Widget,
    /// The canvas: shortcuts and typing over the selected card.
    Canvas,
    /// The outline: the canvas's keyboard map over its rows (the same actions; moving
    /// follows the rows instead of the cards).
    Outline,
    /// Presenting: clicker keys step, B blanks, Esc leaves; nothing else.
    Presenting,
}

/// Key events held back for the next frame, and who had focus at the end of the last.
#[derive(Default)]
pub(crate) struct Keyboard {
    held: Vec<Event>,
    last_focus: Option<Id>,
}

fn is_keyboard(event: &Event) -> bool {
    matches!(
        event,
        Event::Key { .. } | Event::Text(_) | Event::Copy | Event::Cut | Event::Paste(_)
    )
}

/// A key press, without its physical key and repeat flag.
fn press(event: &Event) -> Option<(Key, Modifiers)> {
    match event {
        Event::Key {
            key,
            pressed: true,
            modifiers,
            ..
        } => Some((*key, *modifiers)),
        _ => None,
    }
}

/// The action a key press asks for, among those allowed in `scope` (the most specific
/// modifiers win, so Alt+Up is not Up).
fn action_for(key: Key, modifiers: Modifiers, canvas: bool) -> Option<Action> {
    shortcut_order()
        .into_iter()
        .filter(|(_, a)| canvas || a.scope() == Scope::Global)
        .find(|(s, _)| s.logical_key == key && modifiers.matches_logically(s.modifiers))
        .map(|(_, a)| a)
}

/// Whether the key ends typing in a field: Enter keeps, Tab moves on, Esc cancels.
fn ends_typing(key: Key, modifiers: Modifiers) -> bool {
    let plain = !modifiers.alt && !modifiers.command && !modifiers.ctrl;
    plain && matches!(key, Key::Enter | Key::Tab | Key::Escape)
}

impl Keyboard {
    /// Takes this frame's key events (after the ones held back) and hands them to `owner`
    /// in order: canvas presses and global shortcuts become commands on `commands`; the rest
    /// stay in the frame's input for the owner's widgets. Events past the point where the
    /// keyboard changes hands are held back for the next frame.
    pub fn route(
        &mut self,
        ctx: &egui::Context,
        owner: Owner,
        typing_allowed: bool,
        commands: &Commands,
    ) {
        let raw_tab = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| press(e).is_some_and(|(k, _)| k == Key::Tab))
        });
        let replayed_tab = self
            .held
            .iter()
            .find_map(|e| press(e).filter(|(k, _)| *k == Key::Tab));
        let replayed_escape = self
            .held
            .iter()
            .any(|e| press(e).is_some_and(|(k, _)| k == Key::Escape));
        let mut events = std::mem::take(&mut self.held);
        events.extend(ctx.input_mut(|i| std::mem::take(&mut i.events)));
        let mut now = Vec::with_capacity(events.len());
        let mut held = Vec::new();
        let mut cut = false;
        for event in events {
            if cut && is_keyboard(&event) {
                held.push(event);
                continue;
            }
            match owner {
                Owner::Presenting => {
                    if let Some((key, modifiers)) = press(&event)
                        && let Some(command) = super::present::key_command(key, modifiers.shift)
                    {
                        commands.send(command);
                        cut = true;
                    }
                    // Editing is paused: no other key reaches the canvas or a widget.
                    if !is_keyboard(&event) {
                        now.push(event);
                    }
                }
                Owner::Canvas | Owner::Outline => {
                    if let Some(keep) =
                        self.canvas_event(&event, typing_allowed, commands, &mut cut)
                    {
                        now.push(keep);
                    }
                }
                Owner::Popup => match press(&event) {
                    Some((Key::Escape, _)) => {
                        egui::Popup::close_all(ctx);
                        cut = true;
                    }
                    // Tab would move egui's focus or reach the canvas behind the list.
                    Some((Key::Tab, _)) => cut = true,
                    _ => now.push(event),
                },
                Owner::TitleEditor | Owner::Widget | Owner::Modal => {
                    let Some((key, modifiers)) = press(&event) else {
                        now.push(event);
                        continue;
                    };
                    if owner != Owner::Modal
                        && let Some(action) = action_for(key, modifiers, false)
                    {
                        commands.send(UiCommand::Run(action));
                        cut = true;
                        continue;
                    }
                    if ends_typing(key, modifiers) {
                        // A Tab after letters waits a frame: egui drops a field's focus
                        // as it starts, before the field reads this frame's letters.
                        let moves_focus = key == Key::Tab && owner != Owner::TitleEditor;
                        if moves_focus && now.iter().any(is_keyboard) {
                            held.push(event);
                        } else {
                            now.push(event);
                        }
                        cut = true;
                        continue;
                    }
                    now.push(event);
                }
            }
        }
        let tab_now = now
            .iter()
            .find_map(|e| press(e).filter(|(k, _)| *k == Key::Tab));
        let replayed_escape = replayed_escape
            && now
                .iter()
                .any(|e| press(e).is_some_and(|(k, _)| k == Key::Escape));
        ctx.input_mut(|i| i.events = now);
        self.held = held;
        match owner {
            // Tab and the arrows belong to the canvas, the outline and the title editor.
            Owner::Canvas
            | Owner::Outline
            | Owner::TitleEditor
            | Owner::Popup
            | Owner::Presenting => {
                ctx.memory_mut(|m| m.move_focus(FocusDirection::None));
            }
            Owner::Widget | Owner::Modal => match tab_now {
                // egui clears focus on an Esc it sees; one held back from the last frame
                // must do the same.
                _ if replayed_escape => ctx.memory_mut(|m| {
                    if let Some(id) = m.focused() {
                        m.surrender_focus(id);
                    }
                }),
                Some((_, m)) if replayed_tab.is_some() || !raw_tab => {
                    let dir = if m.shift {
                        FocusDirection::Previous
                    } else {
                        FocusDirection::Next
                    };
                    ctx.memory_mut(|mem| mem.move_focus(dir));
                }
                None if raw_tab => {
                    ctx.memory_mut(|m| m.move_focus(FocusDirection::None));
                }
                _ => {}
            },
        }
    }

    /// One event on the canvas: a shortcut or a typed letter becomes a command (and is
    /// taken out of the frame's input); anything else is handed back for egui.
    fn canvas_event(
        &self,
        event: &Event,
        typing_allowed: bool,
        commands: &Commands,
        cut: &mut bool,
    ) -> Option<Event> {
        match event {
            Event::Copy => commands.send(UiCommand::Run(Action::Copy)),
            Event::Cut => {
                commands.send(UiCommand::Run(Action::Cut));
                *cut = true;
            }
            Event::Paste(text) => {
                commands.send(UiCommand::PasteText(text.clone()));
                *cut = true;
            }
            Event::Text(text) if typing_allowed && !text.trim().is_empty() => {
                commands.send(UiCommand::TypeOver(text.clone()));
                *cut = true;
            }
            Event::Key {
                key: Key::Escape,
                pressed: true,
                modifiers,
                ..
            } if modifiers.is_none() => commands.send(UiCommand::CloseOverlay),
            _ => {
                let Some((key, modifiers)) = press(event) else {
                    return Some(event.clone());
                };
                let Some(action) = action_for(key, modifiers, true) else {
                    return Some(event.clone());
                };
                commands.send(UiCommand::Run(action));
                *cut |= !action.keeps_canvas_keyboard();
            }
        }
        None
    }

    /// At the end of the frame: remembers who has focus, and asks for the next frame at
    /// once when events wait for it.
    pub fn end_frame(&mut self, ctx: &egui::Context) {
        self.last_focus = ctx.memory(|m| m.focused());
        if !self.held.is_empty() {
            ctx.request_repaint();
        }
    }

    /// Whether a widget had egui's focus at the end of the last frame (before this frame's
    /// Esc could clear it).
    pub fn widget_had_focus(&self) -> bool {
        self.last_focus.is_some()
    }
}
