//! The chips on opportunity-solution-tree cards: sizing (R·F·S), evidence count, target flag
//! and best lift on opportunities; status, untested leaps of faith, expected lift, North Star effect and
//! effort on solutions; leap-of-faith flag, category, importance and evidence on
//! assumptions; status on tests; the measured metric on outcomes. What they say and their
//! colours; [`super::card`] flows them into rows.

use super::draw::Rgba;
use super::figures::Figures;
use super::palette::Palette;
use super::value::format_lift;
use crate::engine::Rag;
use crate::engine::ost;
use crate::model::{LinkKind, Map, Node, NodeId, NodeKind, Status};

/// One chip.
#[derive(Clone, Debug, PartialEq)]
pub struct Chip {
    /// What it says.
    pub text: String,
    /// Its colour (text, outline or a faint fill of it).
    pub color: Rgba,
    /// Filled rather than outlined.
    pub filled: bool,
    /// A small icon before the text.
    pub icon: Option<ChipIcon>,
}

/// The icon of a chip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChipIcon {
    /// The target opportunity.
    Target,
    /// A leap of faith.
    Warning,
    /// A link to a metric.
    Arrow,
}

impl Chip {
    pub(super) fn filled(text: impl Into<String>, color: Rgba) -> Self {
        Self {
            text: text.into(),
            color,
            filled: true,
            icon: None,
        }
    }
    pub(super) fn outline(text: impl Into<String>, color: Rgba) -> Self {
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

/// Every chip of a node's card, in order. Without `figures`, a solution's North Star effect
/// is counted wherever its outcome measures a metric (the canvas sizes cards before the
/// figures are known).
pub(crate) fn chip_list(
    map: &Map,
    id: &NodeId,
    node: &Node,
    figures: Option<&Figures>,
    p: &Palette,
) -> Vec<Chip> {
    let mut chips = Vec::new();
    match node.kind {
        NodeKind::Opportunity => {
            if node.targeted {
                chips.push(
                    Chip::filled("target", p.kind(NodeKind::Opportunity)).icon(ChipIcon::Target),
                );
            }
            if let Some(s) = node.sizing {
                let score = u32::from(s.reach) * u32::from(s.frequency) * u32::from(s.severity);
                chips.push(Chip::outline(
                    format!("R·F·S {}·{}·{} = {score}", s.reach, s.frequency, s.severity),
                    p.text,
                ));
            }
            if let Some(text) = evidence_count(node.evidence.len()) {
                chips.push(Chip::outline(text, p.muted));
            }
            let summary = match figures {
                Some(f) => f.opportunity(map, id),
                None => ost::opportunity_summary(map, id.as_str()),
            };
            if let Some(lift) = summary.and_then(|o| o.best_expected_lift) {
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
            let summary = match figures {
                Some(f) => f.solution(map, id),
                None => ost::solution_summary_with(map, id.as_str(), |_| Some(1.0)),
            };
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
            let link = map
                .links_of(id.as_str())
                .into_iter()
                .find(|l| l.kind == LinkKind::Measures && &l.from == id);
            if let Some(l) = link {
                let title = map
                    .node(l.to.as_str())
                    .map_or(l.to.as_str(), |n| n.title.as_str());
                chips.push(Chip::outline(title.to_owned(), p.link).icon(ChipIcon::Arrow));
            }
        }
        NodeKind::Metric | NodeKind::Note => {}
    }
    chips
}

/// How many interview snapshots back an opportunity, as its card says it (`1 snapshot`,
/// `3 snapshots`); nothing for none.
pub(crate) fn evidence_count(n: usize) -> Option<String> {
    match n {
        0 => None,
        1 => Some("1 snapshot".to_owned()),
        n => Some(format!("{n} snapshots")),
    }
}

fn status_color(p: &Palette, status: Status) -> Rgba {
    match status {
        Status::Idea | Status::Planned => p.muted,
        Status::Exploring | Status::Running => p.accent,
        Status::Building | Status::Inconclusive => p.rag(Rag::Amber),
        Status::Shipped | Status::Passed => p.rag(Rag::Green),
        Status::Dropped => p.muted,
        Status::Failed => p.rag(Rag::Red),
    }
}
