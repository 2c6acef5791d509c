//! One drawing of a card: what a node's card says and shows — kind header, wrapped title,
//! value and unit, target gap and status, the change since the previous period, sparkline,
//! leverage bar, OST chips — as plain [`Shape`]s in card-local world units (points at zoom
//! 1, the card's top-left at 0,0) with colours from a [`Palette`]. Text is measured through
//! [`Measure`]: egui's fonts in the app, the font faces' own metrics in exports, so the
//! wrapping and the sizes are decided here once and the canvas, the SVG writer and
//! presentation mode only paint the result. Cards never hide figures: chips that do not fit
//! a row wrap to the next, and past [`MAX_CHIP_ROWS`] the last chip says "+N more".
//! This module knows nothing of egui or files and never edits a map.

use super::chips::{Chip, ChipIcon, chip_list};
use super::draw::{Box2, Corners, Font, Pt, Rgba, Shape, pt};
use super::figures::Figures;
use super::icons;
use super::palette::Palette;
use super::value::{Width, fixed, fixed_signed, format_delta, format_value, target_gap};
use crate::engine::{self, Rag};
use crate::model::{Direction, Display, LinkKind, Map, Node, NodeId, NodeKind};

/// Card width in world units.
pub const CARD_W: f32 = 232.0;
/// Horizontal padding inside a card.
pub const PAD: f32 = 12.0;
/// Width titles wrap at.
pub const TITLE_WRAP_WIDTH: f32 = CARD_W - 2.0 * PAD;
/// Titles longer than this many lines are elided.
pub const MAX_TITLE_ROWS: usize = 5;
/// Chips wrap onto at most this many rows; past them the last chip says "+N more".
pub const MAX_CHIP_ROWS: usize = 3;
/// Space above the header.
pub const TOP: f32 = 9.0;
/// The kind header's height.
pub const HEADER: f32 = 18.0;
/// Between the header and the title.
pub const HEADER_GAP: f32 = 5.0;
/// Between the title and the body.
pub const BODY_GAP: f32 = 6.0;
/// A metric's value row.
pub const VALUE_ROW: f32 = 32.0;
/// A metric's target/status row.
pub const DETAIL_ROW: f32 = 18.0;
/// A metric's leverage row.
pub const LEVER_ROW: f32 = 16.0;
/// One row of chips.
pub const CHIP_ROW: f32 = 24.0;
/// Space below the body.
pub const BOTTOM: f32 = 10.0;
/// Corner radius.
pub const RADIUS: f32 = 9.0;
/// Width of the sparkline at the right of the value row.
const SPARK_W: f32 = 72.0;

/// The card title's face and size.
pub const TITLE_FONT: Font = Font::strong(15.5);

/// Measures text for the card layout. Advances are in ems (at size 1) and scale with the
/// size; a line box is `line_height` ems tall.
pub trait Measure {
    /// The advance of `c` in ems in the regular or strong face (with its fallbacks).
    fn advance(&mut self, c: char, strong: bool) -> f32;
    /// The height of a line box in ems.
    fn line_height(&mut self, strong: bool) -> f32;
    /// The advance of all of `text` in ems: the sum of its characters' advances, in order
    /// (a measure may add them up faster than one call a character).
    fn advances(&mut self, text: &str, strong: bool) -> f32 {
        let mut sum = 0.0;
        for c in text.chars() {
            sum += self.advance(c, strong);
        }
        sum
    }
}

/// The width of `text` in `font`.
pub fn text_width(m: &mut dyn Measure, text: &str, font: Font) -> f32 {
    m.advances(text, font.strong) * font.size
}

/// The height of a line of `font`.
pub fn line_height(m: &mut dyn Measure, font: Font) -> f32 {
    m.line_height(font.strong) * font.size
}

/// `text` cut to fit `width`, with "…" when it was cut.
pub fn elide(m: &mut dyn Measure, text: &str, font: Font, width: f32) -> String {
    if text_width(m, text, font) <= width {
        return text.to_owned();
    }
    with_ellipsis(m, text, font, width)
}

/// `text` followed by "…", cut as much as needed for both to fit `width`.
fn with_ellipsis(m: &mut dyn Measure, text: &str, font: Font, width: f32) -> String {
    let budget = width - text_width(m, "…", font);
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        let w = m.advance(c, font.strong) * font.size;
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// `text` wrapped greedily at word boundaries to `width` (a word longer than a line is
/// broken), at most `max_rows` lines, the last elided with "…" when text is left over.
pub fn wrap(
    m: &mut dyn Measure,
    text: &str,
    font: Font,
    width: f32,
    max_rows: usize,
) -> Vec<String> {
    let max_rows = max_rows.max(1);
    let space = m.advance(' ', font.strong) * font.size;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0f32;
    for word in text.split_whitespace() {
        let w = text_width(m, word, font);
        let needed = if line.is_empty() {
            w
        } else {
            line_w + space + w
        };
        if needed <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_w = needed;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if w <= width {
            line.push_str(word);
            line_w = w;
        } else {
            // Break the long word across lines.
            for c in word.chars() {
                let cw = m.advance(c, font.strong) * font.size;
                if line_w + cw > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += cw;
            }
        }
        if lines.len() >= max_rows {
            break;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    if lines.len() > max_rows {
        lines.truncate(max_rows);
        let last = lines.pop().unwrap_or_default();
        lines.push(with_ellipsis(m, &last, font, width));
    }
    lines
}

/// What a card shows below its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Value, target/status line, leverage bar.
    Metric,
    /// Rows of chips (sizing, status, badges).
    Chips,
    /// Nothing.
    Plain,
}

/// The body of a node's card.
pub fn body_of(map: &Map, id: &NodeId, node: &Node) -> Body {
    match node.kind {
        NodeKind::Metric => Body::Metric,
        NodeKind::Opportunity | NodeKind::Solution | NodeKind::Assumption | NodeKind::Test => {
            Body::Chips
        }
        NodeKind::Outcome => {
            let measures = map
                .links_of(id.as_str())
                .iter()
                .any(|l| l.kind == LinkKind::Measures && &l.from == id);
            if measures { Body::Chips } else { Body::Plain }
        }
        NodeKind::Note => Body::Plain,
    }
}

/// A card's shape before it is drawn: its title lines and chip rows, which fix its height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardSize {
    /// What its body is.
    pub body: Body,
    /// Title lines (1 ..= [`MAX_TITLE_ROWS`]).
    pub title_rows: usize,
    /// Rows of chips (0 without chips, at most [`MAX_CHIP_ROWS`]).
    pub chip_rows: usize,
}

impl CardSize {
    /// The card's height for this many rows, with title lines `title_line` tall.
    pub fn height(&self, title_line: f32) -> f32 {
        let body_h = match self.body {
            Body::Metric => BODY_GAP + VALUE_ROW + DETAIL_ROW + LEVER_ROW,
            Body::Chips => BODY_GAP + CHIP_ROW * self.chip_rows.max(1) as f32,
            Body::Plain => 0.0,
        };
        TOP + HEADER + HEADER_GAP + self.title_rows as f32 * title_line + body_h + BOTTOM
    }

    /// Where the title sits in the card.
    pub fn title_box(&self, title_line: f32) -> Box2 {
        Box2::new(
            PAD,
            TOP + HEADER + HEADER_GAP,
            TITLE_WRAP_WIDTH,
            self.title_rows.max(1) as f32 * title_line,
        )
    }

    /// Where a metric card's sparkline sits (the right of its value row).
    pub fn spark_box(&self, title_line: f32) -> Box2 {
        let top = TOP + HEADER + HEADER_GAP + self.title_rows as f32 * title_line + BODY_GAP;
        Box2::new(CARD_W - PAD - SPARK_W, top, SPARK_W, VALUE_ROW)
    }
}

/// The rows a card needs: its title wrapped and its chips flowed. Without `figures` (the
/// canvas lays cards out before it rolls the map up) the chips are those the map alone
/// implies, counting a North Star effect wherever one could be shown.
pub(crate) fn card_size(
    m: &mut dyn Measure,
    map: &Map,
    id: &NodeId,
    node: &Node,
    figures: Option<&Figures>,
) -> CardSize {
    let title_rows = wrap(m, &node.title, TITLE_FONT, TITLE_WRAP_WIDTH, MAX_TITLE_ROWS).len();
    let body = body_of(map, id, node);
    let chip_rows = if body == Body::Chips {
        let palette = Palette::of(super::Theme::Light);
        let chips = chip_list(map, id, node, figures, &palette);
        flow_chips(m, chips, TITLE_WRAP_WIDTH, MAX_CHIP_ROWS, palette.muted)
            .len()
            .max(1)
    } else {
        0
    };
    CardSize {
        body,
        title_rows,
        chip_rows,
    }
}

/// What else a card is drawn with: the engine's figures and, while "Why it moved" is open,
/// this card's share of the top's change.
pub(crate) struct CardContext<'a> {
    /// The map.
    pub map: &'a Map,
    /// Engine results for the values shown.
    pub figures: &'a Figures,
    /// Colours.
    pub palette: &'a Palette,
    /// The card's contribution to the top's change and how the top's numbers read.
    pub why: Option<(f64, Display, Option<String>)>,
}

/// A card, drawn: its shapes in card-local world units.
#[derive(Clone, Debug, PartialEq)]
pub struct CardDrawing {
    /// Its size in world units.
    pub width: f32,
    /// Its height in world units.
    pub height: f32,
    /// What to paint, back to front.
    pub shapes: Vec<Shape>,
    /// Which of `shapes` are the title's lines (the app's title editor draws over them).
    pub title: std::ops::Range<usize>,
}

/// Draws a node's card at `size` (from [`card_size`]; the canvas's layout may have sized
/// it before the figures were known, and the drawing keeps to that height).
pub(crate) fn draw_card(
    m: &mut dyn Measure,
    cx: &CardContext<'_>,
    id: &NodeId,
    node: &Node,
    size: CardSize,
) -> CardDrawing {
    let p = cx.palette;
    let title_line = line_height(m, TITLE_FONT);
    let (w, h) = (CARD_W, size.height(title_line));
    let mut out: Vec<Shape> = Vec::with_capacity(32);
    let card = Box2::new(0.0, 0.0, w, h);
    out.push(Shape::Shadow {
        rect: card,
        radius: RADIUS,
        blur: 10.0,
        offset_y: 2.0,
        color: p.shadow,
    });
    out.push(Shape::Rect {
        rect: card,
        corners: Corners::same(RADIUS),
        fill: Some(p.card_for(node.kind)),
        stroke: Some((1.0, p.card_border)),
    });
    out.push(Shape::Rect {
        rect: Box2::new(0.5, 0.5, w - 1.0, TOP + HEADER - 0.5),
        corners: Corners {
            nw: RADIUS - 0.5,
            ne: RADIUS - 0.5,
            sw: 0.0,
            se: 0.0,
        },
        fill: Some(p.kind_tint(node.kind)),
        stroke: None,
    });
    let value = cx.figures.value(id.as_str());
    let rag = match value {
        Some(Ok(v)) => engine::status(node, v),
        _ => None,
    };
    if let Some(rag) = rag {
        out.push(Shape::Rect {
            rect: Box2::new(0.0, 0.0, 5.0, h),
            corners: Corners {
                nw: RADIUS,
                sw: RADIUS,
                ne: 0.0,
                se: 0.0,
            },
            fill: Some(p.rag(rag)),
            stroke: None,
        });
    }
    header(m, cx, node, &mut out);
    let title_top = TOP + HEADER + HEADER_GAP;
    let title_start = out.len();
    for (k, line) in wrap(
        m,
        &node.title,
        TITLE_FONT,
        TITLE_WRAP_WIDTH,
        size.title_rows.max(1),
    )
    .into_iter()
    .enumerate()
    {
        let width = text_width(m, &line, TITLE_FONT);
        out.push(text_at(
            pt(PAD, title_top + k as f32 * title_line),
            line,
            TITLE_FONT,
            p.text,
            width,
        ));
    }
    let title = title_start..out.len();
    let body_top = title_top + size.title_rows as f32 * title_line + BODY_GAP;
    let inner = Box2 {
        min: pt(PAD, body_top),
        max: pt(w - PAD, h - BOTTOM),
    };
    match size.body {
        Body::Metric => {
            let value = value.map(|v| v.map_err(str::to_owned));
            metric_body(m, cx, id, node, inner, value, rag, &mut out);
        }
        Body::Chips => {
            let chips = chip_list(cx.map, id, node, Some(cx.figures), p);
            let rows = flow_chips(m, chips, inner.width(), size.chip_rows.max(1), p.muted);
            chip_shapes(m, p, &rows, inner, &mut out);
        }
        Body::Plain => {}
    }
    CardDrawing {
        width: w,
        height: h,
        shapes: out,
        title,
    }
}

fn text_at(pos: Pt, text: String, font: Font, color: Rgba, width: f32) -> Shape {
    Shape::Text {
        pos,
        text,
        font,
        color,
        width,
        centered: false,
    }
}

/// A line of text vertically centred on `mid_y`, starting at `x`.
fn text_mid(
    m: &mut dyn Measure,
    x: f32,
    mid_y: f32,
    text: String,
    font: Font,
    color: Rgba,
) -> Shape {
    let width = text_width(m, &text, font);
    let lh = line_height(m, font);
    text_at(pt(x, mid_y - lh * 0.5), text, font, color, width)
}

fn header(m: &mut dyn Measure, cx: &CardContext<'_>, node: &Node, out: &mut Vec<Shape>) {
    let p = cx.palette;
    let color = p.kind(node.kind);
    let mid_y = TOP + HEADER * 0.5;
    let mut x = PAD;
    out.extend(icons::kind_icon(pt(x, mid_y - 6.0), 12.0, node.kind, color));
    x += 17.0;
    let label_font = Font::strong(10.5);
    let label = node.kind.name().to_uppercase();
    let label_w = text_width(m, &label, label_font);
    out.push(text_mid(m, x, mid_y, label, label_font, color));
    x += label_w + 10.0;
    let right = CARD_W - PAD;
    if let Some((contribution, display, unit)) = &cx.why {
        let color = if *contribution >= 0.0 {
            p.rag(Rag::Green)
        } else {
            p.rag(Rag::Red)
        };
        let font = Font::strong(11.5);
        let text = format_delta(*contribution, *display, unit.as_deref());
        let tw = text_width(m, &text, font);
        let lh = line_height(m, font);
        out.push(Shape::Rect {
            rect: Box2 {
                min: pt(right - tw - 8.0, mid_y - lh * 0.5 - 1.0),
                max: pt(right, mid_y + lh * 0.5 + 1.0),
            },
            corners: Corners::same(6.0),
            fill: Some(color.faded(0.12)),
            stroke: None,
        });
        out.push(text_mid(m, right - tw - 4.0, mid_y, text, font, color));
        return;
    }
    if let Some(owner) = node.owner.as_deref().filter(|o| !o.is_empty())
        && right - x > 30.0
    {
        let font = Font::regular(11.0);
        let text = elide(m, owner, font, right - x);
        let tw = text_width(m, &text, font);
        out.push(text_mid(m, right - tw, mid_y, text, font, p.muted));
    }
}

#[allow(clippy::too_many_arguments)]
fn metric_body(
    m: &mut dyn Measure,
    cx: &CardContext<'_>,
    id: &NodeId,
    node: &Node,
    inner: Box2,
    value: Option<Result<f64, String>>,
    rag: Option<Rag>,
    out: &mut Vec<Shape>,
) {
    let p = cx.palette;
    let display = node.display.unwrap_or_default();
    let unit = node.unit.as_deref();
    let row = Box2::new(inner.min.x, inner.min.y, inner.width(), VALUE_ROW);
    let mid = row.center().y;
    match &value {
        Some(Ok(v)) => {
            // A worded unit ("accounts") is set smaller after the number.
            let (number, suffix) = split_unit(*v, display, unit);
            let room = row.width() - SPARK_W - 6.0;
            let font = Font::strong(22.0);
            let number = elide(m, &number, font, room);
            let nw = text_width(m, &number, font);
            let nlh = line_height(m, font);
            let top = mid - nlh * 0.5;
            out.push(text_at(pt(row.min.x, top), number, font, p.text, nw));
            if let Some(suffix) = suffix {
                let after = row.min.x + nw + 4.0;
                let left = row.min.x + room - after;
                if left > 12.0 {
                    let sfont = Font::regular(13.0);
                    let s = elide(m, &suffix, sfont, left);
                    let sw = text_width(m, &s, sfont);
                    let slh = line_height(m, sfont);
                    out.push(text_at(
                        pt(after, top + nlh - slh - 2.0),
                        s,
                        sfont,
                        p.muted,
                        sw,
                    ));
                }
            }
        }
        Some(Err(_)) if node.formula.is_none() && node.value.is_none() => {
            let font = Font::regular(13.0);
            out.push(text_mid(
                m,
                row.min.x,
                mid,
                "no value yet".to_owned(),
                font,
                p.muted,
            ));
        }
        Some(Err(reason)) => {
            let font = Font::regular(12.5);
            let lines = wrap(m, &format!("no value: {reason}"), font, row.width(), 2);
            let lh = line_height(m, font);
            let top = mid - lh * lines.len() as f32 * 0.5;
            for (k, line) in lines.into_iter().enumerate() {
                let lw = text_width(m, &line, font);
                out.push(text_at(
                    pt(row.min.x, top + k as f32 * lh),
                    line,
                    font,
                    p.danger,
                    lw,
                ));
            }
        }
        None => {}
    }
    if matches!(value, Some(Ok(_))) {
        let spark = cx.figures.spark(cx.map, id.as_str());
        let change = cx.figures.change_since_previous(cx.map, id.as_str());
        // With a change to show, the sparkline takes the top of the row and the change
        // (▲/▼ and %) the bottom.
        let bottom = if change.is_some() { 14.0 } else { 6.0 };
        let area = Box2 {
            min: pt(row.max.x - SPARK_W, row.min.y + 4.0),
            max: pt(row.max.x, row.max.y - bottom),
        };
        sparkline(p, &spark, area, rag, out);
        if let Some((_, rel)) = change {
            period_change(m, p, node, rel, row.max, out);
        }
    }
    let detail = Box2::new(inner.min.x, row.max.y, inner.width(), DETAIL_ROW);
    let v = value.as_ref().and_then(|v| v.as_ref().ok().copied());
    detail_line(m, cx, id, node, detail, v, rag, out);
    let lever = Box2::new(inner.min.x, detail.max.y, inner.width(), LEVER_ROW);
    leverage_bar(m, cx, id, lever, out);
}

#[allow(clippy::too_many_arguments)]
fn detail_line(
    m: &mut dyn Measure,
    cx: &CardContext<'_>,
    id: &NodeId,
    node: &Node,
    row: Box2,
    value: Option<f64>,
    rag: Option<Rag>,
    out: &mut Vec<Shape>,
) {
    let p = cx.palette;
    let display = node.display.unwrap_or_default();
    let unit = node.unit.as_deref();
    let font = Font::regular(12.5);
    let mid = row.center().y;
    // Under a scenario or a what-if, metrics it moves show what they were and the
    // difference.
    let moved = cx
        .figures
        .baseline(id.as_str())
        .zip(value)
        .filter(|(base, v)| (v - base).abs() > 1e-9 * base.abs().max(1.0));
    let was = if cx.figures.has_what_if() {
        "was"
    } else {
        "actual"
    };
    let left = if let Some((base, v)) = moved {
        format!(
            "{was} {} · {}",
            format_value(base, display, unit, Width::Compact),
            format_delta(v - base, display, unit)
        )
    } else if let (Some(reported), true, Some(v)) = (node.value, node.formula.is_some(), value) {
        format!(
            "reported {} · {}",
            format_value(reported, display, unit, Width::Compact),
            format_delta(reported - v, display, unit)
        )
    } else if let Some(t) = node.target {
        // Off target, the card says how far: "2 pts below target".
        let direction = node.direction.unwrap_or_default();
        value
            .and_then(|v| target_gap(v, t, direction, display, unit))
            .unwrap_or_else(|| format!("target {}", format_value(t, display, unit, Width::Compact)))
    } else if node.formula.is_none() {
        "input".to_owned()
    } else {
        String::new()
    };
    let mut right_w = 0.0;
    if let Some(r) = rag {
        let text = status_words(r).to_owned();
        let tw = text_width(m, &text, font);
        right_w = tw + 12.0;
        let x = row.max.x - tw;
        out.push(Shape::Circle {
            center: pt(x - 7.0, mid),
            radius: 3.5,
            fill: Some(p.rag(r)),
            stroke: None,
        });
        out.push(text_mid(m, x, mid, text, font, p.rag(r)));
    }
    if !left.is_empty() {
        let text = elide(m, &left, font, row.width() - right_w - 4.0);
        out.push(text_mid(m, row.min.x, mid, text, font, p.muted));
    }
}

/// How a status reads on a card.
pub fn status_words(rag: Rag) -> &'static str {
    match rag {
        Rag::Green => "on track",
        Rag::Amber => "at risk",
        Rag::Red => "off track",
    }
}

fn leverage_bar(
    m: &mut dyn Measure,
    cx: &CardContext<'_>,
    id: &NodeId,
    row: Box2,
    out: &mut Vec<Shape>,
) {
    let Some(e) = cx.figures.elasticity(id.as_str()) else {
        return;
    };
    let p = cx.palette;
    let font = Font::regular(11.0);
    let y = row.center().y;
    let label_w = text_width(m, "leverage", font);
    out.push(text_mid(
        m,
        row.min.x,
        y,
        "leverage".to_owned(),
        font,
        p.muted,
    ));
    let value = fixed_signed(e, 2);
    let value_w = text_width(m, &value, font);
    out.push(text_mid(m, row.max.x - value_w, y, value, font, p.muted));
    let bar = Box2 {
        min: pt(row.min.x + label_w + 8.0, y - 2.5),
        max: pt(row.max.x - value_w - 8.0, y + 2.5),
    };
    if bar.width() <= 0.0 {
        return;
    }
    out.push(Shape::Rect {
        rect: bar,
        corners: Corners::same(2.5),
        fill: Some(p.muted.faded(0.18)),
        stroke: None,
    });
    let max = cx.figures.dense().map_or(0.0, |d| d.max_elasticity);
    let frac = if max > 0.0 {
        (e.abs() / max).clamp(0.0, 1.0) as f32
    } else {
        0.0
    };
    if frac > 0.0 {
        let color = if e < 0.0 {
            p.kind(NodeKind::Assumption)
        } else {
            p.accent
        };
        out.push(Shape::Rect {
            rect: Box2::new(bar.min.x, bar.min.y, bar.width() * frac, bar.height()),
            corners: Corners::same(2.5),
            fill: Some(color),
            stroke: None,
        });
    }
}

/// The change since the previous period at the bottom-right `corner`: a triangle up or down
/// (green when it is the good way for the metric, red when not) and the percent.
fn period_change(
    m: &mut dyn Measure,
    p: &Palette,
    node: &Node,
    rel: f64,
    corner: Pt,
    out: &mut Vec<Shape>,
) {
    let up = rel > 0.0;
    let flat = rel.abs() < 0.0005;
    let good = match node.direction.unwrap_or_default() {
        Direction::HigherIsBetter => up,
        Direction::LowerIsBetter => !up,
    };
    let color = if flat {
        p.muted
    } else if good {
        p.rag(Rag::Green)
    } else {
        p.rag(Rag::Red)
    };
    let font = Font::regular(10.5);
    let mut text = fixed(rel.abs() * 100.0, 1);
    text.push('%');
    let tw = text_width(m, &text, font);
    let lh = line_height(m, font);
    let pos = pt(corner.x - tw, corner.y - lh);
    let tri = 7.0;
    let cx = pos.x - tri * 0.5 - 3.0;
    let cy = pos.y + lh * 0.5;
    if !flat {
        let (tip, base) = if up {
            (cy - tri * 0.45, cy + tri * 0.35)
        } else {
            (cy + tri * 0.45, cy - tri * 0.35)
        };
        out.push(Shape::Polygon {
            points: vec![
                pt(cx, tip),
                pt(cx + tri * 0.5, base),
                pt(cx - tri * 0.5, base),
            ],
            fill: color,
        });
    }
    out.push(text_at(pos, text, font, color, tw));
}

fn sparkline(p: &Palette, values: &[f64], area: Box2, rag: Option<Rag>, out: &mut Vec<Shape>) {
    if values.len() < 2 || area.width() <= 2.0 {
        return;
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n = values.len() - 1;
    let points: Vec<Pt> = values
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let x = area.min.x + area.width() * k as f32 / n as f32;
            let t = if hi > lo {
                ((v - lo) / span) as f32
            } else {
                0.5
            };
            pt(x, area.max.y - area.height() * t)
        })
        .collect();
    let last = points.last().copied();
    out.push(Shape::Line {
        points,
        closed: false,
        width: 1.6,
        color: p.muted.faded(0.8),
    });
    if let Some(last) = last {
        out.push(Shape::Circle {
            center: last,
            radius: 2.8,
            fill: Some(rag.map_or(p.accent, |r| p.rag(r))),
            stroke: None,
        });
    }
}

/// Chips laid out in rows (x offsets from the row start, widths), the last possibly
/// "+N more".
pub(super) struct PlacedChip {
    chip: Chip,
    x: f32,
    width: f32,
}

const CHIP_FONT: Font = Font::regular(12.0);
const CHIP_GAP: f32 = 5.0;

fn chip_width(m: &mut dyn Measure, chip: &Chip) -> f32 {
    let icon_w = if chip.icon.is_some() { 14.0 } else { 0.0 };
    text_width(m, &chip.text, CHIP_FONT) + 12.0 + icon_w
}

/// Flows chips into rows of `width`, at most `max_rows`; a chip wider than a row is elided
/// to fit; chips left over replace the tail of the last row with "+N more".
fn flow_chips(
    m: &mut dyn Measure,
    chips: Vec<Chip>,
    width: f32,
    max_rows: usize,
    muted: Rgba,
) -> Vec<Vec<PlacedChip>> {
    let mut rows: Vec<Vec<PlacedChip>> = Vec::new();
    let mut row: Vec<PlacedChip> = Vec::new();
    let mut x = 0.0f32;
    let total = chips.len();
    let mut placed = 0usize;
    for mut chip in chips {
        let icon_w = if chip.icon.is_some() { 14.0 } else { 0.0 };
        let mut w = chip_width(m, &chip);
        if w > width {
            chip.text = elide(m, &chip.text, CHIP_FONT, width - 12.0 - icon_w);
            w = chip_width(m, &chip);
        }
        if x > 0.0 && x + w > width {
            rows.push(std::mem::take(&mut row));
            x = 0.0;
            if rows.len() == max_rows {
                break;
            }
        }
        row.push(PlacedChip { chip, x, width: w });
        x += w + CHIP_GAP;
        placed += 1;
    }
    if !row.is_empty() && rows.len() < max_rows {
        rows.push(row);
    }
    let hidden = total - placed;
    if hidden > 0
        && let Some(last) = rows.last_mut()
    {
        let mut hidden = hidden;
        loop {
            let more = Chip::outline(format!("+{hidden} more"), muted);
            let mw = chip_width(m, &more);
            let end = last.last().map_or(0.0, |c| c.x + c.width + CHIP_GAP);
            if end + mw <= width || last.is_empty() {
                last.push(PlacedChip {
                    chip: more,
                    x: end,
                    width: mw,
                });
                break;
            }
            last.pop();
            hidden += 1;
        }
    }
    rows
}

fn chip_shapes(
    m: &mut dyn Measure,
    p: &Palette,
    rows: &[Vec<PlacedChip>],
    inner: Box2,
    out: &mut Vec<Shape>,
) {
    for (k, row) in rows.iter().enumerate() {
        let y = inner.min.y + CHIP_ROW * (k as f32 + 0.5);
        for placed in row {
            let chip = &placed.chip;
            let fg = chip.color;
            let x = inner.min.x + placed.x;
            let r = Box2::new(x, y - 10.0, placed.width, 20.0);
            if chip.filled {
                out.push(Shape::Rect {
                    rect: r,
                    corners: Corners::same(10.0),
                    fill: Some(fg.faded(0.14)),
                    stroke: None,
                });
            } else {
                out.push(Shape::Rect {
                    rect: r,
                    corners: Corners::same(10.0),
                    fill: None,
                    stroke: Some((1.0, fg.faded(0.5))),
                });
            }
            let icon_w = if let Some(icon) = chip.icon {
                let c = pt(r.min.x + 12.0, y);
                match icon {
                    ChipIcon::Target => out.extend(icons::kind_icon(
                        pt(c.x - 5.0, c.y - 5.0),
                        10.0,
                        NodeKind::Outcome,
                        fg,
                    )),
                    ChipIcon::Warning => out.extend(icons::warning(c, 10.0, fg, p.card)),
                    ChipIcon::Arrow => out.extend(icons::arrow(c, 10.0, fg)),
                }
                14.0
            } else {
                0.0
            };
            out.push(text_mid(
                m,
                r.min.x + 6.0 + icon_w,
                y,
                chip.text.clone(),
                CHIP_FONT,
                fg,
            ));
        }
    }
}

/// A value as (number, worded unit): `25 accounts` → (`25`, `accounts`); symbols stay
/// with the number (`$100,000`, `107%`).
fn split_unit(value: f64, display: Display, unit: Option<&str>) -> (String, Option<String>) {
    let worded = unit
        .map(str::trim)
        .filter(|u| !u.is_empty() && u.chars().any(char::is_alphabetic));
    match (display, worded) {
        (Display::Number | Display::Integer, Some(u)) => (
            format_value(value, display, None, Width::Compact),
            Some(u.to_owned()),
        ),
        _ => (format_value(value, display, unit, Width::Compact), None),
    }
}

/// A measure where every character is `em` wide: for tests and sizing without fonts.
pub struct FixedMeasure {
    /// Advance of every character in ems.
    pub em: f32,
    /// Line height in ems.
    pub line: f32,
}

impl Measure for FixedMeasure {
    fn advance(&mut self, _c: char, _strong: bool) -> f32 {
        self.em
    }
    fn line_height(&mut self, _strong: bool) -> f32 {
        self.line
    }
}

/// Gaps between cards: generous, so edges and fold badges have room (the canvas and the
/// exports lay out with the same).
pub fn spacing() -> crate::layout::Spacing {
    crate::layout::Spacing {
        sibling_gap: 28.0,
        level_gap: 64.0,
        tree_gap: 160.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed() -> FixedMeasure {
        FixedMeasure { em: 0.5, line: 1.2 }
    }

    #[test]
    fn wrap_breaks_at_words_and_elides_past_the_last_row() {
        let mut m = fixed();
        let font = Font::regular(10.0); // 5 units a character
        let lines = wrap(&mut m, "one two three four", font, 40.0, 5);
        assert_eq!(lines, ["one two", "three", "four"]);
        let lines = wrap(&mut m, "one two three four", font, 40.0, 2);
        assert_eq!(lines, ["one two", "three…"]);
        // A word longer than the line is broken.
        let lines = wrap(&mut m, "abcdefghijkl", font, 40.0, 5);
        assert_eq!(lines, ["abcdefgh", "ijkl"]);
    }

    #[test]
    fn chips_that_do_not_fit_wrap_then_say_how_many_more() {
        let mut m = fixed();
        let chips: Vec<Chip> = (0..8)
            .map(|k| Chip::outline(format!("chip {k}"), Rgba::BLACK))
            .collect();
        // Each chip is 6 chars × 6 + 12 = 48 wide, 5 apart; a 110-wide row holds two.
        let rows = flow_chips(&mut m, chips.clone(), 110.0, 10, Rgba::BLACK);
        assert_eq!(rows.len(), 4);
        let rows = flow_chips(&mut m, chips, 110.0, 2, Rgba::BLACK);
        assert_eq!(rows.len(), 2);
        let texts: Vec<&str> = rows
            .iter()
            .flatten()
            .map(|c| c.chip.text.as_str())
            .collect();
        assert_eq!(texts, ["chip 0", "chip 1", "chip 2", "+5 more"]);
    }

    #[test]
    fn a_chip_wider_than_the_row_is_elided_not_dropped() {
        let mut m = fixed();
        let chips = vec![Chip::outline("a very long chip text indeed", Rgba::BLACK)];
        let rows = flow_chips(&mut m, chips, 100.0, 3, Rgba::BLACK);
        assert_eq!(rows.len(), 1);
        assert!(rows[0][0].chip.text.ends_with('…'));
        assert!(rows[0][0].width <= 100.0);
    }
}
