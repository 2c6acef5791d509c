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
//! What repeats from card to card — the frame, icons, marks — is written once and drawn
//! again with `<use>` ([`Refs`]); the file refers to nothing outside itself.

use std::fmt::Write as _;

use super::fonts::{FontMeasure, FontSet};
use super::picture::{Picture, PlacedCard, fonts, picture_compiled};
use super::text::{Out, base64, hex, num, uint};
use super::{ExportError, ExportOptions};
use crate::engine::Program;
use crate::look::draw::{Corners, Font, Pt, Rgba, Shape};
use crate::model::Map;

/// Below this many cards one thread draws and writes them all (a second would not pay).
const MIN_CARDS_TO_SPLIT: usize = 256;
/// The first letter of the paint classes of each half of the cards.
const CLASS_LETTERS: [char; 2] = ['c', 'd'];

/// The map as a self-contained SVG document.
pub fn svg(map: &Map, options: &ExportOptions) -> Result<String, ExportError> {
    svg_compiled(map, None, options).map(Out::into_string)
}

/// [`svg`]'s text, over the map's `program` when it was compiled already.
pub(super) fn svg_compiled(
    map: &Map,
    program: Option<Program>,
    options: &ExportOptions,
) -> Result<Out, ExportError> {
    let set = fonts()?;
    let mut m = FontMeasure::new(set);
    let pic = picture_compiled(map, program, options, &mut m)?;
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
) -> Out {
    let set = m.set();
    let cards: Vec<&PlacedCard<'_>> = pic.cards.iter().filter(|c| keep(c)).collect();
    // The edges and links (a 100k-node map has 100k curves) are written beside the cards.
    let (lines, parts) = crate::threads::in_parallel(
        || edges_and_links(pic),
        || write_cards(pic, &cards, m, embed),
    );
    for w in &parts {
        m.absorb(&w.m);
    }
    // The head (the style sheet, with the fonts) is written first, so the file is copied
    // once into a buffer of exactly its size.
    let mut head = Out::with_capacity(16384);
    let (width, height) = (pic.width.ceil(), pic.height.ceil());
    let _ = write!(
        head,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">\n<title>"
    );
    escape(&mut head, title);
    head.push_str("</title>\n<style>\n");
    if embed {
        font_faces(&mut head, m);
    }
    let _ = writeln!(
        head,
        "text {{ font-family: {}; white-space: pre; }}\n.s {{ font-family: {}; font-weight: {}; }}",
        families(m, false),
        families(m, true),
        weight(&set.strong)
    );
    for w in &parts {
        w.styles.sheet(&mut head);
    }
    head.push_str("</style>\n<rect width=\"100%\" height=\"100%\" fill=\"");
    hex(&mut head, pic.background);
    head.push_str("\"/>\n");
    // The first part's cards become the file: the head and the lines are moved in before
    // them and the other parts copied after (rather than all copied into a new buffer: the
    // fresh memory costs more than the copy).
    let end = "</svg>\n";
    let mut parts = parts.into_iter().map(|w| w.out);
    let mut out = parts.next().unwrap_or_default();
    let rest: Vec<Out> = parts.collect();
    out.reserve(head.len() + lines.len() + rest.iter().map(Out::len).sum::<usize>() + end.len());
    out.prepend(&[&head, &lines]);
    for part in &rest {
        out.append(part);
    }
    out.push_str(end);
    out
}

/// The tree edges and the links between cards.
fn edges_and_links(pic: &Picture<'_>) -> Out {
    let mut lines = Out::with_capacity(128 * (pic.edges.len() + pic.links.len() + 1));
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
    m: &FontMeasure<'f>,
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
                let m = m.fresh();
                scope.spawn(move || {
                    let mut w = Writer {
                        // About what a metric card takes, so the text is rarely copied to
                        // grow.
                        out: Out::with_capacity(4096 + chunk.len() * 1536),
                        m,
                        styles: Styles {
                            classes: embed,
                            letter: CLASS_LETTERS[k],
                            ..Styles::default()
                        },
                        refs: Refs::default(),
                        frame: Vec::new(),
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

/// The font families of the regular or strong text: the main face, then the fallbacks that
/// drew some character of the picture.
fn families(m: &FontMeasure<'_>, strong: bool) -> String {
    let set = m.set();
    let main = if strong { &set.strong } else { &set.regular };
    let mut list = vec![format!("'{}'", main.family)];
    let drew = |&(k, _): &(usize, &super::fonts::Face)| !m.used(k).is_empty();
    let fallbacks = set.faces_found().enumerate().skip(2).filter(drew);
    list.extend(fallbacks.map(|(_, f)| format!("'{}'", f.family)));
    list.push("sans-serif".to_owned());
    list.join(", ")
}

/// The weight class of a face (400 regular, 600 semibold, 700 bold).
fn weight(face: &super::fonts::Face) -> u16 {
    face.parse().map_or(400, |f| f.weight().to_number())
}

/// `@font-face` rules for every face that drew a character, each a subset of just those
/// characters, base64 in a data URL.
fn font_faces(out: &mut Out, m: &FontMeasure<'_>) {
    let set: &FontSet = m.set();
    let mut seen: Vec<(String, u16)> = Vec::new();
    for (k, face) in set.faces_found().enumerate() {
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
    fn apply(&mut self, out: &mut Out, paint: Paint) {
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
    fn sheet(&self, out: &mut Out) {
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
fn inline(out: &mut Out, paint: Paint) {
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

fn attr_paint(out: &mut Out, attr: &str, c: Rgba) {
    out.push(' ');
    out.push_str(attr);
    out.push_str("=\"");
    hex(out, c);
    out.push('"');
    if c.0[3] != 255 {
        let _ = write!(out, " {attr}-opacity=\"{:.3}\"", c.opacity());
    }
}

fn declare_paint(out: &mut Out, property: &str, c: Rgba) {
    out.push(' ');
    out.push_str(property);
    out.push_str(": ");
    hex(out, c);
    out.push(';');
    if c.0[3] != 255 {
        let _ = write!(out, " {property}-opacity: {:.3};", c.opacity());
    }
}

fn declare_px(out: &mut Out, property: &str, v: f32) {
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
    out: Out,
    m: FontMeasure<'f>,
    styles: Styles,
    refs: Refs,
    /// The keys of the frame of the card being written (kept to reuse its room).
    frame: Vec<Key>,
}

/// The most shapes and frames [`Refs`] keeps.
const MAX_REFS: usize = 4096;

/// What a shape draws, as a key of [`Refs`]: its kind, numbers (as bits) and colours.
type Key = [u32; 16];

/// Shapes and card frames already written, by what they draw, so that each is written once
/// and drawn again with a `<use>` of it: a card's frame (shadow, box, header, status stripe
/// and kind icon) is the same in every card of a kind, height and status, and so are many of
/// its marks (a sparkline's dot, an arrow, the leverage bar's track), in card-local
/// coordinates. Writing them out each time was about half of a card's text. Texts are never
/// referenced: each is its own `<text>`, so it stays selectable and read.
#[derive(Default)]
struct Refs {
    /// Element numbers of single shapes.
    shapes: hashbrown::HashMap<Key, usize>,
    /// Element numbers of frames, by their shapes' keys.
    frames: hashbrown::HashMap<Box<[Key]>, usize>,
}

impl Refs {
    fn is_full(&self) -> bool {
        self.shapes.len() + self.frames.len() >= MAX_REFS
    }

    /// The number of the next element defined.
    fn next(&self) -> usize {
        self.shapes.len() + self.frames.len()
    }
}

/// What a shape draws, as a [`Key`]. `None` for texts and lines (they seldom repeat) and
/// polygons of many points.
fn memo_key(s: &Shape) -> Option<Key> {
    let mut key = [0u32; 16];
    let mut n = 0;
    let mut put = |k: &mut Key, v: u32| {
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
    /// One card: a group named by its id and titled with its title, its frame drawn first.
    fn card(&mut self, card: &PlacedCard<'_>, shapes: &[Shape]) {
        let out = &mut self.out;
        out.push_str("<g id=\"n-");
        escape(out, card.id.as_str());
        out.push_str("\" transform=\"translate(");
        pair(out, card.at);
        out.push_str(")\"><title>");
        escape(out, &card.node.title);
        out.push_str("</title>\n");
        // The frame: the shapes before the first that is never referenced (the kind label).
        let mut frame = std::mem::take(&mut self.frame);
        frame.clear();
        frame.extend(shapes.iter().map_while(memo_key));
        let (head, rest) = shapes.split_at(frame.len());
        if head.len() > 1 {
            self.frame(&frame, head);
        } else {
            for s in head {
                self.shape(s);
            }
        }
        self.frame = frame;
        for s in rest {
            self.shape(s);
        }
        self.out.push_str("</g>\n");
    }

    /// A card's frame: a `<use>` of the same frame written before, or the frame's shapes in
    /// a group of their own.
    fn frame(&mut self, keys: &[Key], shapes: &[Shape]) {
        if let Some(&k) = self.refs.frames.get(keys) {
            self.use_of(k);
            return;
        }
        if self.refs.is_full() {
            for s in shapes {
                self.write_shape(s);
            }
            return;
        }
        let k = self.refs.next();
        self.refs.frames.insert(keys.into(), k);
        self.defined(k, |w| {
            for s in shapes {
                w.write_shape(s);
            }
        });
    }

    /// One shape: a `<use>` of the same shape written before, or the shape itself.
    fn shape(&mut self, s: &Shape) {
        let Some(key) = memo_key(s) else {
            self.write_shape(s);
            return;
        };
        if let Some(&k) = self.refs.shapes.get(&key) {
            self.use_of(k);
            return;
        }
        if self.refs.is_full() {
            self.write_shape(s);
            return;
        }
        let k = self.refs.next();
        self.refs.shapes.insert(key, k);
        self.defined(k, |w| w.write_shape(s));
    }

    /// What `write` writes, in a group with the id of element `k`, to be used again. Its
    /// paints are written inline, not as classes: a renderer that copies the element without
    /// matching the style sheet against the copy (ImageMagick's) still paints it right.
    fn defined(&mut self, k: usize, write: impl FnOnce(&mut Self)) {
        self.out.push_str("<g id=\"");
        self.element_id(k);
        self.out.push_str("\">\n");
        let classes = std::mem::replace(&mut self.styles.classes, false);
        write(self);
        self.styles.classes = classes;
        self.out.push_str("</g>\n");
    }

    /// Draws element `k` again.
    fn use_of(&mut self, k: usize) {
        self.out.push_str("<use xlink:href=\"#");
        self.element_id(k);
        self.out.push_str("\"/>\n");
    }

    /// Element `k`'s id: the class letter of this writer's cards (each half of the cards
    /// refers only to its own elements), a dash and its number.
    fn element_id(&mut self, k: usize) {
        self.out.push(self.styles.letter);
        self.out.push('-');
        uint(&mut self.out, k as u64);
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

fn points_list(out: &mut Out, points: &[Pt]) {
    for (k, p) in points.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        pair(out, *p);
    }
}

fn path(out: &mut Out, c: &[Pt; 4]) {
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

fn pair(out: &mut Out, p: Pt) {
    num(out, p.x);
    out.push(',');
    num(out, p.y);
}

/// A rounded box with its own radius at each corner, as path data.
fn rounded(out: &mut Out, x: f32, y: f32, w: f32, h: f32, c: Corners) {
    let cap = (w.min(h)) * 0.5;
    let (nw, ne, se, sw) = (c.nw.min(cap), c.ne.min(cap), c.se.min(cap), c.sw.min(cap));
    // Numbers to two decimals, as everywhere else in the file.
    let n = |out: &mut Out, v: f32, after: char| {
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
fn arc(out: &mut Out, r: f32) {
    num(out, r);
    out.push(' ');
    num(out, r);
    out.push_str(" 0 0 1 ");
}

/// XML text with the markup characters escaped, line breaks and tabs as spaces (a `<text>`
/// is one line) and the characters XML cannot hold dropped.
fn escape(out: &mut Out, text: &str) {
    super::xml::push_escaped(out, text, |c| match c {
        '\t' | '\n' | '\r' => Some(" "),
        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => Some(""),
        _ => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        let mut s = Out::default();
        escape(&mut s, "a < b & \"c\" \u{1}\tit's");
        assert_eq!(s.into_string(), "a &lt; b &amp; &quot;c&quot;  it&apos;s");
    }
}
