//! The row of chips on opportunity-solution-tree cards: sizing (R·F·S), target flag and
//! best lift on opportunities; status, untested leaps of faith, expected lift, North Star
//! effect and effort on solutions; leap-of-faith flag, category, importance and evidence
//! on assumptions; status on tests; the measured metric on outcomes. Paints; no input.

use egui::epaint::CornerRadius;
use egui::{Color32, FontId, Rect, Stroke, StrokeKind};

use super::card_geometry::CHIP_ROW;
use super::cards::CardPaint;
use super::icons;
use super::theme::Palette;
use crate::engine::Rag;
use crate::look::format_lift;
use crate::model::{LinkKind, Node, NodeId, NodeKind, Status};

impl CardPaint<'_> {
    pub(super) fn chips(&mut self, id: &NodeId, node: &Node, inner: Rect) {
        let chips = self.chip_list(id, node);
        let p = self.palette;
        let z = self.zoom;
        let font = FontId::proportional(12.0 * z);
        let mut x = inner.min.x;
        let y = inner.min.y + CHIP_ROW * 0.5 * z;
        for chip in chips {
            let fg = chip.color;
            let icon_w = if chip.icon.is_some() { 14.0 * z } else { 0.0 };
            let room = inner.max.x - x - 12.0 * z - icon_w;
            if room < 24.0 * z {
                break;
            }
            let g = self.text(chip.text, font.clone(), fg, room, 1);
            let w = g.size().x + 12.0 * z + icon_w;
            let r = Rect::from_min_size(egui::pos2(x, y - 10.0 * z), egui::vec2(w, 20.0 * z));
            let cr = CornerRadius::same((10.0 * z).round() as u8);
            if chip.filled {
                self.painter.rect_filled(r, cr, fg.gamma_multiply(0.14));
            } else {
                self.painter.rect_stroke(
                    r,
                    cr,
                    Stroke::new(1.0, fg.gamma_multiply(0.5)),
                    StrokeKind::Inside,
                );
            }
            if let Some(icon) = chip.icon {
                let at = Rect::from_center_size(
                    egui::pos2(r.min.x + 12.0 * z, y),
                    egui::vec2(10.0, 10.0) * z,
                );
                match icon {
                    ChipIcon::Target => icons::kind_icon(self.painter, at, NodeKind::Outcome, fg),
                    ChipIcon::Warning => icons::warning(self.painter, at, fg, p.card),
                    ChipIcon::Arrow => icons::arrow(self.painter, at, fg),
                }
            }
            self.painter.galley(
                egui::pos2(r.min.x + 6.0 * z + icon_w, y - g.size().y * 0.5),
                g,
                fg,
            );
            x += w + 5.0 * z;
        }
    }

    fn chip_list(&mut self, id: &NodeId, node: &Node) -> Vec<Chip> {
        let p = self.palette;
        let mut chips = Vec::new();
        match node.kind {
            NodeKind::Opportunity => {
                if node.targeted {
                    chips.push(
                        Chip::filled("target", p.kind(NodeKind::Opportunity))
                            .icon(ChipIcon::Target),
                    );
                }
                if let Some(s) = node.sizing {
                    let score = u32::from(s.reach) * u32::from(s.frequency) * u32::from(s.severity);
                    chips.push(Chip::outline(
                        format!("R·F·S {}·{}·{} = {score}", s.reach, s.frequency, s.severity),
                        p.text,
                    ));
                }
                if let Some(o) = self.figures.opportunity(self.map, id)
                    && let Some(lift) = o.best_expected_lift
                {
                    chips.push(Chip::filled(
                        format!("best {}", format_lift(lift)),
                        p.kind(NodeKind::Solution),
                    ));
                }
            }
            NodeKind::Solution => {
                if let Some(s) = node.status {
                    chips.push(Chip::filled(s.name(), status_color(p, s)));
                }
                let summary = self.figures.solution(self.map, id);
                if let Some(s) = &summary
                    && !s.untested_leaps.is_empty()
                {
                    let n = s.untested_leaps.len();
                    let text = if n == 1 {
                        "1 untested leap".to_owned()
                    } else {
                        format!("{n} untested leaps")
                    };
                    chips.push(Chip::filled(text, p.danger).icon(ChipIcon::Warning));
                }
                if let Some(lift) = node.expected_lift {
                    chips.push(Chip::outline(format!("lift {}", format_lift(lift)), p.text));
                }
                if let Some(effect) = summary.and_then(|s| s.north_star_effect) {
                    chips.push(Chip::outline(
                        format!("North Star {}", format_lift(effect)),
                        p.accent,
                    ));
                }
                if let Some(e) = node.effort {
                    chips.push(Chip::outline(format!("effort {e}"), p.muted));
                }
            }
            NodeKind::Assumption => {
                if node.is_leap_of_faith() {
                    chips.push(Chip::filled("leap of faith", p.danger).icon(ChipIcon::Warning));
                }
                if let Some(c) = node.category {
                    chips.push(Chip::filled(c.name(), p.kind(NodeKind::Assumption)));
                }
                match (node.importance, node.evidence_strength) {
                    (Some(i), Some(e)) => {
                        chips.push(Chip::outline(format!("imp {i} · ev {e}"), p.muted))
                    }
                    (Some(i), None) => chips.push(Chip::outline(format!("imp {i}"), p.muted)),
                    (None, Some(e)) => chips.push(Chip::outline(format!("ev {e}"), p.muted)),
                    (None, None) => {}
                }
            }
            NodeKind::Test => {
                if let Some(s) = node.status {
                    chips.push(Chip::filled(s.name(), status_color(p, s)));
                }
                if node.result.is_some() {
                    chips.push(Chip::outline("result in", p.muted));
                }
            }
            NodeKind::Outcome => {
                let link = self
                    .map
                    .links_of(id.as_str())
                    .into_iter()
                    .find(|l| l.kind == LinkKind::Measures && &l.from == id);
                if let Some(l) = link {
                    let title = self
                        .map
                        .node(l.to.as_str())
                        .map_or(l.to.as_str(), |n| n.title.as_str());
                    chips.push(Chip::outline(title.to_owned(), p.link).icon(ChipIcon::Arrow));
                }
            }
            NodeKind::Metric | NodeKind::Note => {}
        }
        chips
    }
}

struct Chip {
    text: String,
    color: Color32,
    filled: bool,
    icon: Option<ChipIcon>,
}

#[derive(Clone, Copy)]
enum ChipIcon {
    Target,
    Warning,
    Arrow,
}

impl Chip {
    fn filled(text: impl Into<String>, color: Color32) -> Self {
        Self {
            text: text.into(),
            color,
            filled: true,
            icon: None,
        }
    }
    fn outline(text: impl Into<String>, color: Color32) -> Self {
        Self {
            text: text.into(),
            color,
            filled: false,
            icon: None,
        }
    }
    fn icon(mut self, icon: ChipIcon) -> Self {
        self.icon = Some(icon);
        self
    }
}

fn status_color(p: &Palette, status: Status) -> Color32 {
    match status {
        Status::Idea | Status::Planned => p.muted,
        Status::Exploring | Status::Running => p.accent,
        Status::Building | Status::Inconclusive => p.rag(Rag::Amber),
        Status::Shipped | Status::Passed => p.rag(Rag::Green),
        Status::Dropped => p.muted,
        Status::Failed => p.rag(Rag::Red),
    }
}
