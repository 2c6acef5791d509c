//! The SVG writer: a [`Picture`] as one self-contained SVG file. Text stays text (`<text>`,
//! selectable and read by screen readers; each card is a titled group), drawn with the faces
//! it uses, embedded as subset fonts in `@font-face` data URLs so the file looks the same in
//! a browser, Inkscape or a slide tool. PNG and PDF render the same SVG without the embedded
//! fonts (their renderer is handed the faces directly).

use std::fmt::Write as _;

use super::fonts::{FontMeasure, FontSet};
use super::picture::{Picture, fonts, picture};
use super::{ExportError, ExportOptions};
use crate::look::draw::{Corners, Pt, Rgba, Shape};
use crate::model::Map;

/// The map as a self-contained SVG document.
pub fn svg(map: &Map, options: &ExportOptions) -> Result<String, ExportError> {
    let set = fonts()?;
    let mut m = FontMeasure::new(set);
    let pic = picture(map, options, &mut m)?;
    Ok(write_svg(&pic, &mut m, map.title(), true))
}

/// Writes `pic`; with `embed`, the faces its text uses go in as subset fonts.
pub(super) fn write_svg(
    pic: &Picture,
    m: &mut FontMeasure<'_>,
    title: &str,
    embed: bool,
) -> String {
    let set = m.set();
    let mut body = String::with_capacity(512 + pic.cards.len() * 1600);
    let (ec, ew) = pic.edge_style;
    body.push_str("<g fill=\"none\" stroke=\"");
    body.push_str(&ec.hex());
    body.push_str("\" stroke-width=\"");
    num(&mut body, ew);
    body.push_str("\">\n");
    for c in &pic.edges {
        path(&mut body, c);
    }
    body.push_str("</g>\n");
    for (c, color, label) in &pic.links {
        let _ = write!(
            body,
            "<g fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"9 6\"><title>{label}</title>",
            color.hex()
        );
        path(&mut body, c);
        body.push_str("</g>\n");
    }
    for (id, title, at, shapes) in &pic.cards {
        body.push_str("<g id=\"n-");
        body.push_str(id.as_str());
        body.push_str("\" transform=\"translate(");
        num(&mut body, at.x);
        body.push(',');
        num(&mut body, at.y);
        body.push_str(")\"><title>");
        escape(&mut body, title);
        body.push_str("</title>\n");
        for s in shapes {
            shape(&mut body, s, m);
        }
        body.push_str("</g>\n");
    }
    for s in &pic.overlay {
        shape(&mut body, s, m);
    }
    let mut out = String::with_capacity(body.len() + 4096);
    let (w, h) = (pic.width.ceil(), pic.height.ceil());
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">\n<title>"
    );
    escape(&mut out, title);
    out.push_str("</title>\n<style>\n");
    if embed {
        font_faces(&mut out, m);
    }
    let families = |strong: bool| {
        let main = if strong { &set.strong } else { &set.regular };
        let mut list = vec![format!("'{}'", main.family)];
        list.extend(set.fallbacks.iter().map(|f| format!("'{}'", f.family)));
        list.push("sans-serif".to_owned());
        list.join(", ")
    };
    let _ = writeln!(
        out,
        "text {{ font-family: {}; white-space: pre; }}\n.s {{ font-family: {}; font-weight: {}; }}",
        families(false),
        families(true),
        weight(&set.strong)
    );
    out.push_str("</style>\n");
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>",
        pic.background.hex()
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
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
        let chars: Vec<char> = m.used[k].iter().copied().collect();
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
    let r = (v * 100.0).round() as i64;
    if r < 0 {
        out.push('-');
    }
    let r = r.unsigned_abs();
    let _ = write!(out, "{}", r / 100);
    let frac = r % 100;
    if frac != 0 {
        if frac.is_multiple_of(10) {
            let _ = write!(out, ".{}", frac / 10);
        } else {
            let _ = write!(out, ".{frac:02}");
        }
    }
}

fn paint(out: &mut String, attr: &str, c: Rgba) {
    out.push(' ');
    out.push_str(attr);
    out.push_str("=\"");
    out.push_str(&c.hex());
    out.push('"');
    if c.0[3] != 255 {
        let _ = write!(out, " {attr}-opacity=\"{:.3}\"", c.opacity());
    }
}

fn fill_stroke(out: &mut String, fill: Option<Rgba>, stroke: Option<(f32, Rgba)>) {
    match fill {
        Some(f) => paint(out, "fill", f),
        None => out.push_str(" fill=\"none\""),
    }
    if let Some((w, c)) = stroke {
        paint(out, "stroke", c);
        out.push_str(" stroke-width=\"");
        num(out, w);
        out.push('"');
    }
}

fn shape(out: &mut String, s: &Shape, m: &mut FontMeasure<'_>) {
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
                paint(out, "fill", color.faded(alpha));
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
            fill_stroke(out, *fill, *stroke);
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
            fill_stroke(out, *fill, *stroke);
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
            for (k, p) in points.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                pair(out, *p);
            }
            out.push_str("\" fill=\"none\"");
            paint(out, "stroke", *color);
            out.push_str(" stroke-width=\"");
            num(out, *width);
            out.push_str("\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n");
        }
        Shape::Polygon { points, fill } => {
            out.push_str("<polygon points=\"");
            for (k, p) in points.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                pair(out, *p);
            }
            out.push('"');
            paint(out, "fill", *fill);
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
            for c in text.chars() {
                m.use_char(c, font.strong);
            }
            let baseline = pos.y + m.ascent(font.strong) * font.size;
            out.push_str("<text");
            if font.strong {
                out.push_str(" class=\"s\"");
            }
            out.push_str(" x=\"");
            num(out, pos.x);
            out.push_str("\" y=\"");
            num(out, baseline);
            out.push_str("\" font-size=\"");
            num(out, font.size);
            out.push('"');
            if *centered {
                out.push_str(" text-anchor=\"middle\"");
            }
            paint(out, "fill", *color);
            out.push('>');
            escape(out, text);
            out.push_str("</text>\n");
        }
    }
}

/// A rounded box with its own radius at each corner, as path data.
fn rounded(out: &mut String, x: f32, y: f32, w: f32, h: f32, c: Corners) {
    let cap = (w.min(h)) * 0.5;
    let (nw, ne, se, sw) = (c.nw.min(cap), c.ne.min(cap), c.se.min(cap), c.sw.min(cap));
    let mut d = String::new();
    let _ = write!(
        d,
        "M{} {}H{}A{ne} {ne} 0 0 1 {} {}V{}A{se} {se} 0 0 1 {} {}H{}A{sw} {sw} 0 0 1 {} {}V{}A{nw} {nw} 0 0 1 {} {}Z",
        x + nw,
        y,
        x + w - ne,
        x + w,
        y + ne,
        y + h - se,
        x + w - se,
        y + h,
        x + sw,
        x,
        y + h - sw,
        y + nw,
        x + nw,
        y
    );
    out.push_str(&d);
}

/// XML text with `&`, `<`, `>` and quotes escaped and characters XML cannot hold dropped.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
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
        escape(&mut s, "a < b & \"c\" \u{1}");
        assert_eq!(s, "a &lt; b &amp; &quot;c&quot; ");
    }
}
