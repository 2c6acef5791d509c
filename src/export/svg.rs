//! The SVG writer: a [`Picture`] as one self-contained SVG file. Text stays text (`<text>`,
//! selectable and read by screen readers; each card is a titled group), drawn with the faces
//! it uses, embedded as subset fonts in `@font-face` data URLs so the file looks the same in
//! a browser, Inkscape or a slide tool. Each distinct paint (fill, stroke, text size and
//! colour) is one CSS class in the file's `<style>`, so an element carries only its geometry
//! and a 100k-card map is written as fast as it is laid out. PNG and PDF render the same SVG
//! without the embedded fonts (their renderer is handed the faces directly) and with the
//! paints inline (no style sheet to match against every element).
//!
//! A big map's cards are drawn ([`Picture::draw_card`]) and written in two halves on two
//! threads, each card written as soon as it is drawn, so their shapes are never all held.

use std::fmt::Write as _;

use super::fonts::{FontMeasure, FontSet};
use super::picture::{Picture, PlacedCard, fonts, picture};
use super::{ExportError, ExportOptions};
use crate::look::draw::{Corners, Font, Pt, Rgba, Shape};
use crate::model::Map;

/// Below this many cards one thread draws and writes them all (a second would not pay).
const MIN_CARDS_TO_SPLIT: usize = 256;
/// The first letter of the paint classes of each half of the cards.
const CLASS_LETTERS: [char; 2] = ['c', 'd'];

/// The map as a self-contained SVG document.
pub fn svg(map: &Map, options: &ExportOptions) -> Result<String, ExportError> {
    let set = fonts()?;
    let mut m = FontMeasure::new(set);
    let pic = picture(map, options, &mut m)?;
    Ok(write_svg(&pic, &mut m, map.title(), true, |_| true))
}

/// Writes `pic` with the cards `keep` keeps; with `embed`, the faces its text uses go in as
/// subset fonts and the paints as CSS classes (without, every paint is written inline, for
/// resvg).
pub(super) fn write_svg(
    pic: &Picture<'_>,
    m: &mut FontMeasure<'_>,
    title: &str,
    embed: bool,
    keep: impl Fn(&PlacedCard<'_>) -> bool,
) -> String {
    let set = m.set();
    let cards: Vec<&PlacedCard<'_>> = pic.cards.iter().filter(|c| keep(c)).collect();
    // The edges and links (a 100k-node map has 100k curves) are written beside the cards.
    let (lines, parts) = std::thread::scope(|scope| {
        let lines = scope.spawn(|| edges_and_links(pic));
        let parts = write_cards(pic, &cards, set, embed);
        let lines = lines
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (lines, parts)
    });
    for w in &parts {
        m.absorb(&w.m);
    }
    let size = parts.iter().map(|w| w.out.len()).sum::<usize>() + lines.len();
    let mut out = String::with_capacity(size + 16384);
    let (width, height) = (pic.width.ceil(), pic.height.ceil());
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">\n<title>"
    );
    escape(&mut out, title);
    out.push_str("</title>\n<style>\n");
    if embed {
        font_faces(&mut out, m);
    }
    let _ = writeln!(
        out,
        "text {{ font-family: {}; white-space: pre; }}\n.s {{ font-family: {}; font-weight: {}; }}",
        families(set, false),
        families(set, true),
        weight(&set.strong)
    );
    for w in &parts {
        w.styles.sheet(&mut out);
    }
    out.push_str("</style>\n<rect width=\"100%\" height=\"100%\" fill=\"");
    hex(&mut out, pic.background);
    out.push_str("\"/>\n");
    out.push_str(&lines);
    for w in &parts {
        out.push_str(&w.out);
    }
    out.push_str("</svg>\n");
    out
}

/// The tree edges and the links between cards.
fn edges_and_links(pic: &Picture<'_>) -> String {
    let mut lines = String::with_capacity(128 * (pic.edges.len() + pic.links.len() + 1));
    let (ec, ew) = pic.edge_style;
    lines.push_str("<g fill=\"none\" stroke=\"");
    hex(&mut lines, ec);
    lines.push_str("\" stroke-width=\"");
    num(&mut lines, ew);
    lines.push_str("\">\n");
    for c in &pic.edges {
        path(&mut lines, c);
    }
    lines.push_str("</g>\n");
    for (c, color, label) in &pic.links {
        lines.push_str("<g fill=\"none\" stroke=\"");
        hex(&mut lines, *color);
        lines.push_str("\" stroke-width=\"2\" stroke-dasharray=\"9 6\"><title>");
        escape(&mut lines, label);
        lines.push_str("</title>");
        path(&mut lines, c);
        lines.push_str("</g>\n");
    }
    lines
}

/// Draws and writes the cards, then the overlay: in two halves on two threads when there
/// are many (each half's paints are classes of its own letter, so the file does not depend
/// on which thread got there first). The writers, in order.
fn write_cards<'f>(
    pic: &Picture<'_>,
    cards: &[&PlacedCard<'_>],
    set: &'f FontSet,
    embed: bool,
) -> Vec<Writer<'f>> {
    let parts = if cards.len() >= MIN_CARDS_TO_SPLIT {
        CLASS_LETTERS.len()
    } else {
        1
    };
    let mut chunks: Vec<&[&PlacedCard<'_>]> =
        cards.chunks(cards.len().div_ceil(parts).max(1)).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let last = chunks.len() - 1;
    std::thread::scope(|scope| {
        let jobs: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(k, chunk)| {
                scope.spawn(move || {
                    let mut w = Writer {
                        // About what a metric card takes, so the text is rarely copied to
                        // grow.
                        out: String::with_capacity(4096 + chunk.len() * 1536),
                        m: FontMeasure::new(set),
                        styles: Styles {
                            classes: embed,
                            letter: CLASS_LETTERS[k],
                            ..Styles::default()
                        },
                        memo: Memo::default(),
                    };
                    for card in chunk {
                        let shapes = pic.draw_card(&mut w.m, card);
                        w.card(card, &shapes);
                    }
                    if k == last {
                        for s in &pic.overlay {
                            w.shape(s);
                        }
                    }
                    w
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The font families of the regular or strong text, the fallbacks after the main face.
fn families(set: &FontSet, strong: bool) -> String {
    let main = if strong { &set.strong } else { &set.regular };
    let mut list = vec![format!("'{}'", main.family)];
    list.extend(set.fallbacks.iter().map(|f| format!("'{}'", f.family)));
    list.push("sans-serif".to_owned());
    list.join(", ")
}

/// The weight class of a face (400 regular, 600 semibold, 700 bold).
fn weight(face: &super::fonts::Face) -> u16 {
    face.parse().map_or(400, |f| f.weight().to_number())
}

/// `@font-face` rules for every face that drew a character, each a subset of just those
/// characters, base64 in a data URL.
fn font_faces(out: &mut String, m: &FontMeasure<'_>) {
    let set: &FontSet = m.set();
    let mut seen: Vec<(String, u16)> = Vec::new();
    for (k, face) in set.faces().enumerate() {
        let chars = m.used(k);
        if chars.is_empty() {
            continue;
        }
        let w = weight(face);
        // A face used as both the regular and the strong face is embedded once.
        let key = (face.family.clone(), if k == 1 { w } else { 400 });
        if seen.contains(&key) && k != 1 {
            continue;
        }
        let Some(font) = super::sfnt::subset_for_web(&face.data, face.index, &chars) else {
            continue;
        };
        seen.push(key.clone());
        let _ = write!(
            out,
            "@font-face {{ font-family: '{}'; font-weight: {}; src: url(data:font/ttf;base64,",
            face.family, key.1
        );
        base64(out, &font);
        out.push_str(") format('truetype'); }\n");
    }
}

/// How an element is painted: each distinct one is a class of the style sheet (or written
/// inline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Paint {
    /// A filled and/or outlined area (the width's bits, for hashing).
    Area {
        fill: Option<Rgba>,
        stroke: Option<(u32, Rgba)>,
    },
    /// A round-capped line.
    Line { color: Rgba, width: u32 },
    /// Text of a size (its bits), weight and colour, centred or not.
    Text {
        size: u32,
        strong: bool,
        color: Rgba,
        centered: bool,
    },
}

impl Paint {
    /// The paint as one number, for hashing (every element of a file asks for its class,
    /// and a number hashes in a few instructions).
    fn key(self) -> u128 {
        let color = |c: Rgba| u128::from(u32::from_be_bytes(c.0));
        let some = |c: Option<Rgba>| c.map_or(0, |c| (1 << 32) | color(c));
        match self {
            Paint::Area { fill, stroke } => {
                let (w, s) = stroke.map_or((0, 0), |(w, c)| (u128::from(w), (1 << 32) | color(c)));
                some(fill) | (s << 33) | (w << 66)
            }
            Paint::Line { color: c, width } => (1 << 126) | color(c) | (u128::from(width) << 32),
            Paint::Text {
                size,
                strong,
                color: c,
                centered,
            } => {
                (2 << 126)
                    | color(c)
                    | (u128::from(size) << 32)
                    | (u128::from(strong) << 64)
                    | (u128::from(centered) << 65)
            }
        }
    }
}

/// The paints met so far, numbered in the order met (so the file is the same every time).
#[derive(Default)]
struct Styles {
    /// Classes in a style sheet, or inline attributes.
    classes: bool,
    /// The first letter of the class names.
    letter: char,
    /// Class numbers by [`Paint::key`].
    seen: hashbrown::HashMap<u128, usize>,
    order: Vec<Paint>,
}

impl Styles {
    /// Writes what paints an element: its class, or the attributes themselves.
    fn apply(&mut self, out: &mut String, paint: Paint) {
        if !self.classes {
            inline(out, paint);
            return;
        }
        let next = self.order.len();
        let k = *self.seen.entry(paint.key()).or_insert(next);
        if k == next {
            self.order.push(paint);
        }
        // Strong text is also of class `s`, which picks the strong face.
        out.push_str(if matches!(paint, Paint::Text { strong: true, .. }) {
            " class=\"s "
        } else {
            " class=\""
        });
        out.push(self.letter);
        uint(out, k as u64);
        out.push('"');
    }

    /// The style sheet of the classes used.
    fn sheet(&self, out: &mut String) {
        if !self.classes {
            return;
        }
        for (k, paint) in self.order.iter().enumerate() {
            out.push('.');
            out.push(self.letter);
            uint(out, k as u64);
            out.push_str(" {");
            match *paint {
                Paint::Area { fill, stroke } => {
                    match fill {
                        Some(f) => declare_paint(out, "fill", f),
                        None => out.push_str(" fill: none;"),
                    }
                    if let Some((w, c)) = stroke {
                        declare_paint(out, "stroke", c);
                        declare_px(out, "stroke-width", f32::from_bits(w));
                    }
                }
                Paint::Line { color, width } => {
                    out.push_str(" fill: none;");
                    declare_paint(out, "stroke", color);
                    declare_px(out, "stroke-width", f32::from_bits(width));
                    out.push_str(" stroke-linecap: round; stroke-linejoin: round;");
                }
                Paint::Text {
                    size,
                    color,
                    centered,
                    ..
                } => {
                    declare_px(out, "font-size", f32::from_bits(size));
                    if centered {
                        out.push_str(" text-anchor: middle;");
                    }
                    declare_paint(out, "fill", color);
                }
            }
            out.push_str(" }\n");
        }
    }
}

/// A paint as presentation attributes.
fn inline(out: &mut String, paint: Paint) {
    match paint {
        Paint::Area { fill, stroke } => {
            match fill {
                Some(f) => attr_paint(out, "fill", f),
                None => out.push_str(" fill=\"none\""),
            }
            if let Some((w, c)) = stroke {
                attr_paint(out, "stroke", c);
                out.push_str(" stroke-width=\"");
                num(out, f32::from_bits(w));
                out.push('"');
            }
        }
        Paint::Line { color, width } => {
            out.push_str(" fill=\"none\"");
            attr_paint(out, "stroke", color);
            out.push_str(" stroke-width=\"");
            num(out, f32::from_bits(width));
            out.push_str("\" stroke-linecap=\"round\" stroke-linejoin=\"round\"");
        }
        Paint::Text {
            size,
            strong,
            color,
            centered,
        } => {
            if strong {
                out.push_str(" class=\"s\"");
            }
            out.push_str(" font-size=\"");
            num(out, f32::from_bits(size));
            out.push('"');
            if centered {
                out.push_str(" text-anchor=\"middle\"");
            }
            attr_paint(out, "fill", color);
        }
    }
}

fn attr_paint(out: &mut String, attr: &str, c: Rgba) {
    out.push(' ');
    out.push_str(attr);
    out.push_str("=\"");
    hex(out, c);
    out.push('"');
    if c.0[3] != 255 {
        let _ = write!(out, " {attr}-opacity=\"{:.3}\"", c.opacity());
    }
}

fn declare_paint(out: &mut String, property: &str, c: Rgba) {
    out.push(' ');
    out.push_str(property);
    out.push_str(": ");
    hex(out, c);
    out.push(';');
    if c.0[3] != 255 {
        let _ = write!(out, " {property}-opacity: {:.3};", c.opacity());
    }
}

fn declare_px(out: &mut String, property: &str, v: f32) {
    out.push(' ');
    out.push_str(property);
    out.push_str(": ");
    num(out, v);
    out.push_str("px;");
}

fn area(fill: Option<Rgba>, stroke: Option<(f32, Rgba)>) -> Paint {
    Paint::Area {
        fill,
        stroke: stroke.map(|(w, c)| (w.to_bits(), c)),
    }
}

fn text_paint(font: Font, color: Rgba, centered: bool) -> Paint {
    Paint::Text {
        size: font.size.to_bits(),
        strong: font.strong,
        color,
        centered,
    }
}

/// Writes elements, recording the characters drawn and the paints used.
struct Writer<'f> {
    out: String,
    m: FontMeasure<'f>,
    styles: Styles,
    memo: Memo,
}

/// The most elements [`Memo`] keeps.
const MEMO_ENTRIES: usize = 4096;

/// Elements already written, by what they draw, to copy rather than format again: a card's
/// shadow, frame, header, icons and status stripe are the same in every card of a kind and
/// height (card-local coordinates), and formatting their ~80 numbers was most of the
/// writing.
#[derive(Default)]
struct Memo {
    /// Where each element's text is in `text`.
    index: hashbrown::HashMap<[u32; 16], (usize, usize)>,
    text: String,
}

/// What a shape draws, as a key of [`Memo`]: its kind, numbers (as bits) and colours.
/// `None` for texts and lines (they seldom repeat) and polygons of many points.
fn memo_key(s: &Shape) -> Option<[u32; 16]> {
    let mut key = [0u32; 16];
    let mut n = 0;
    let mut put = |k: &mut [u32; 16], v: u32| {
        k[n] = v;
        n += 1;
    };
    let color = |c: Rgba| u32::from_be_bytes(c.0);
    match s {
        Shape::Shadow {
            rect,
            radius,
            blur,
            offset_y,
            color: c,
        } => {
            put(&mut key, 1);
            for v in [
                rect.min.x, rect.min.y, rect.max.x, rect.max.y, *radius, *blur, *offset_y,
            ] {
                put(&mut key, v.to_bits());
            }
            put(&mut key, color(*c));
        }
        Shape::Rect {
            rect,
            corners,
            fill,
            stroke,
        } => {
            put(
                &mut key,
                2 | u32::from(fill.is_some()) << 8 | u32::from(stroke.is_some()) << 9,
            );
            for v in [rect.min.x, rect.min.y, rect.max.x, rect.max.y] {
                put(&mut key, v.to_bits());
            }
            for v in [corners.nw, corners.ne, corners.sw, corners.se] {
                put(&mut key, v.to_bits());
            }
            put(&mut key, fill.map_or(0, color));
            let (w, c) = stroke.map_or((0, 0), |(w, c)| (w.to_bits(), color(c)));
            put(&mut key, w);
            put(&mut key, c);
        }
        Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        } => {
            put(
                &mut key,
                3 | u32::from(fill.is_some()) << 8 | u32::from(stroke.is_some()) << 9,
            );
            for v in [center.x, center.y, *radius] {
                put(&mut key, v.to_bits());
            }
            put(&mut key, fill.map_or(0, color));
            let (w, c) = stroke.map_or((0, 0), |(w, c)| (w.to_bits(), color(c)));
            put(&mut key, w);
            put(&mut key, c);
        }
        Shape::Polygon { points, fill } if points.len() <= 7 => {
            put(&mut key, 4 | (points.len() as u32) << 8);
            put(&mut key, color(*fill));
            for p in points {
                put(&mut key, p.x.to_bits());
                put(&mut key, p.y.to_bits());
            }
        }
        _ => return None,
    }
    Some(key)
}

impl Writer<'_> {
    /// One card: a group named by its id and titled with its title.
    fn card(&mut self, card: &PlacedCard<'_>, shapes: &[Shape]) {
        let out = &mut self.out;
        out.push_str("<g id=\"n-");
        escape(out, card.id.as_str());
        out.push_str("\" transform=\"translate(");
        pair(out, card.at);
        out.push_str(")\"><title>");
        escape(out, &card.node.title);
        out.push_str("</title>\n");
        for s in shapes {
            self.shape(s);
        }
        self.out.push_str("</g>\n");
    }

    fn shape(&mut self, s: &Shape) {
        let key = memo_key(s);
        if let Some(&(from, to)) = key.as_ref().and_then(|k| self.memo.index.get(k)) {
            self.out.push_str(&self.memo.text[from..to]);
            return;
        }
        let start = self.out.len();
        self.write_shape(s);
        if let Some(key) = key
            && self.memo.index.len() < MEMO_ENTRIES
        {
            let from = self.memo.text.len();
            self.memo.text.push_str(&self.out[start..]);
            self.memo.index.insert(key, (from, self.memo.text.len()));
        }
    }

    fn write_shape(&mut self, s: &Shape) {
        let out = &mut self.out;
        match s {
            Shape::Shadow {
                rect,
                radius,
                offset_y,
                color,
                ..
            } => {
                if color.0[3] == 0 {
                    return;
                }
                // A soft edge without a blur filter (cheap to render at any size): two offset
                // layers.
                for (grow, alpha) in [(1.5f32, 0.35f32), (0.5, 0.6)] {
                    out.push_str("<rect x=\"");
                    num(out, rect.min.x - grow);
                    out.push_str("\" y=\"");
                    num(out, rect.min.y + offset_y - grow + 1.0);
                    out.push_str("\" width=\"");
                    num(out, rect.width() + 2.0 * grow);
                    out.push_str("\" height=\"");
                    num(out, rect.height() + 2.0 * grow);
                    out.push_str("\" rx=\"");
                    num(out, radius + grow);
                    out.push('"');
                    self.styles.apply(out, area(Some(color.faded(alpha)), None));
                    out.push_str("/>\n");
                }
            }
            Shape::Rect {
                rect,
                corners,
                fill,
                stroke,
            } => {
                // Outlines are inside the box, as on the canvas.
                let inset = stroke.map_or(0.0, |(w, _)| w * 0.5);
                let (x, y) = (rect.min.x + inset, rect.min.y + inset);
                let (w, h) = (rect.width() - 2.0 * inset, rect.height() - 2.0 * inset);
                if w <= 0.0 || h <= 0.0 {
                    return;
                }
                if corners.is_uniform() {
                    out.push_str("<rect x=\"");
                    num(out, x);
                    out.push_str("\" y=\"");
                    num(out, y);
                    out.push_str("\" width=\"");
                    num(out, w);
                    out.push_str("\" height=\"");
                    num(out, h);
                    if corners.nw > 0.0 {
                        out.push_str("\" rx=\"");
                        num(out, (corners.nw - inset).max(0.0));
                    }
                    out.push('"');
                } else {
                    out.push_str("<path d=\"");
                    rounded(out, x, y, w, h, *corners);
                    out.push('"');
                }
                self.styles.apply(out, area(*fill, *stroke));
                out.push_str("/>\n");
            }
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => {
                out.push_str("<circle cx=\"");
                num(out, center.x);
                out.push_str("\" cy=\"");
                num(out, center.y);
                out.push_str("\" r=\"");
                num(out, *radius);
                out.push('"');
                self.styles.apply(out, area(*fill, *stroke));
                out.push_str("/>\n");
            }
            Shape::Line {
                points,
                closed,
                width,
                color,
            } => {
                out.push_str(if *closed { "<polygon" } else { "<polyline" });
                out.push_str(" points=\"");
                points_list(out, points);
                out.push('"');
                let paint = Paint::Line {
                    color: *color,
                    width: width.to_bits(),
                };
                self.styles.apply(out, paint);
                out.push_str("/>\n");
            }
            Shape::Polygon { points, fill } => {
                out.push_str("<polygon points=\"");
                points_list(out, points);
                out.push('"');
                self.styles.apply(out, area(Some(*fill), None));
                out.push_str("/>\n");
            }
            Shape::Text {
                pos,
                text,
                font,
                color,
                centered,
                ..
            } => {
                self.m.use_text(text, font.strong);
                let baseline = pos.y + self.m.ascent(font.strong) * font.size;
                out.push_str("<text x=\"");
                num(out, pos.x);
                out.push_str("\" y=\"");
                num(out, baseline);
                out.push('"');
                self.styles.apply(out, text_paint(*font, *color, *centered));
                out.push('>');
                escape(out, text);
                out.push_str("</text>\n");
            }
        }
    }
}

fn points_list(out: &mut String, points: &[Pt]) {
    for (k, p) in points.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        pair(out, *p);
    }
}

fn path(out: &mut String, c: &[Pt; 4]) {
    out.push_str("<path d=\"M");
    pair(out, c[0]);
    out.push('C');
    pair(out, c[1]);
    out.push(' ');
    pair(out, c[2]);
    out.push(' ');
    pair(out, c[3]);
    out.push_str("\"/>\n");
}

fn pair(out: &mut String, p: Pt) {
    num(out, p.x);
    out.push(',');
    num(out, p.y);
}

/// A number with at most two decimals, no trailing zeros.
fn num(out: &mut String, v: f32) {
    let v = if v.is_finite() { v } else { 0.0 };
    // Hundredths rounded half away from zero, as `f32::round` does: the sum is exact in f64,
    // and truncating it costs no call into libm (the writer formats ~60 numbers a card).
    let hundredths = v.abs() * 100.0;
    let r = (f64::from(hundredths) + 0.5) as u64;
    if v < 0.0 && r != 0 {
        out.push('-');
    }
    uint(out, r / 100);
    let frac = (r % 100) as u8;
    if frac != 0 {
        out.push('.');
        out.push(char::from(b'0' + frac / 10));
        if !frac.is_multiple_of(10) {
            out.push(char::from(b'0' + frac % 10));
        }
    }
}

/// An integer in decimal. Digits are pushed one by one: for the few digits of a coordinate
/// that is cheaper than copying a formatted string (each copy is a call).
fn uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(b'0' + d));
    }
}

/// `#rrggbb` (alpha dropped), without a `String` per colour.
fn hex(out: &mut String, c: Rgba) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push('#');
    for b in &c.0[..3] {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

/// A rounded box with its own radius at each corner, as path data.
fn rounded(out: &mut String, x: f32, y: f32, w: f32, h: f32, c: Corners) {
    let cap = (w.min(h)) * 0.5;
    let (nw, ne, se, sw) = (c.nw.min(cap), c.ne.min(cap), c.se.min(cap), c.sw.min(cap));
    // Numbers to two decimals, as everywhere else in the file.
    let n = |out: &mut String, v: f32, after: char| {
        num(out, v);
        out.push(after);
    };
    out.push('M');
    n(out, x + nw, ' ');
    n(out, y, 'H');
    n(out, x + w - ne, 'A');
    arc(out, ne);
    n(out, x + w, ' ');
    n(out, y + ne, 'V');
    n(out, y + h - se, 'A');
    arc(out, se);
    n(out, x + w - se, ' ');
    n(out, y + h, 'H');
    n(out, x + sw, 'A');
    arc(out, sw);
    n(out, x, ' ');
    n(out, y + h - sw, 'V');
    n(out, y + nw, 'A');
    arc(out, nw);
    n(out, x + nw, ' ');
    n(out, y, 'Z');
}

/// An elliptical arc's radii and flags for a quarter circle of radius `r`, clockwise.
fn arc(out: &mut String, r: f32) {
    num(out, r);
    out.push(' ');
    num(out, r);
    out.push_str(" 0 0 1 ");
}

/// XML text with the markup characters escaped, line breaks and tabs as spaces (a `<text>`
/// is one line) and the characters XML cannot hold dropped.
fn escape(out: &mut String, text: &str) {
    super::xml::push_escaped(out, text, |c| match c {
        '\t' | '\n' | '\r' => Some(" "),
        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => Some(""),
        _ => None,
    });
}

fn base64(out: &mut String, data: &[u8]) {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact_to_two_decimals() {
        let mut s = String::new();
        for v in [0.0, 1.5, -2.25, 10.0, 3.999, -0.004] {
            num(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "0 1.5 -2.25 10 4 0 ");
    }

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut s = String::new();
            base64(&mut s, input.as_bytes());
            assert_eq!(s, want);
        }
    }

    #[test]
    fn text_is_escaped_for_xml() {
        let mut s = String::new();
        escape(&mut s, "a < b & \"c\" \u{1}\tit's");
        assert_eq!(s, "a &lt; b &amp; &quot;c&quot;  it&apos;s");
    }
}
