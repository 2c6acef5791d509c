//! Pictures of a map: `fulcrum export` to SVG, PNG and PDF — a golden SVG, text kept as
//! text with its faces embedded, glyph pixels of a Japanese title in the PNG, searchable
//! PDF text, figures that crowded cards never drop, and the CLI's errors.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fulcrum::export::fonts::FontSet;
use fulcrum::export::{ExportOptions, Scope, png, svg};

fn fulcrum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fulcrum"))
        .args(args)
        .output()
        .unwrap()
}

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn load(rel: &str) -> fulcrum::model::Map {
    fulcrum::format::load(&path(rel)).unwrap().map
}

fn map_from(text: &str) -> fulcrum::model::Map {
    fulcrum::format::parse_str(text).unwrap().map
}

/// The SVG with each embedded font's data replaced by its length, so the golden file pins
/// the drawing and which faces are embedded without holding the font bytes.
fn without_font_data(svg: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    while let Some(at) = rest.find("base64,") {
        out.push_str(&rest[..at + 7]);
        let tail = &rest[at + 7..];
        let end = tail.find(')').unwrap();
        out.push('…');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn svg_of_a_small_map_matches_its_golden_file() {
    let map = load("tests/golden/export_small.ron");
    let got = without_font_data(&svg(&map, &ExportOptions::default()).unwrap());
    let golden = path("tests/golden/export_small.svg");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    assert!(
        got == want,
        "the SVG changed; look at it (fulcrum export tests/golden/export_small.ron -o x.png) and \
         run with UPDATE_GOLDEN=1 if the change is right"
    );
}

#[test]
fn svg_keeps_text_as_text_with_its_faces_embedded() {
    let map = load("samples/nrr.ron");
    let out = svg(&map, &ExportOptions::default()).unwrap();
    assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(out.contains(">Net revenue retention</text>"));
    assert!(out.contains(">107%</text>"));
    assert!(out.contains("at risk</text>"));
    assert!(out.contains("@font-face { font-family: '"));
    assert!(out.contains("src: url(data:font/ttf;base64,"));
    // Each card is a group named by its id and titled, for screen readers.
    assert!(out.contains("<g id=\"n-starting_mrr\""));
    // Nothing outside the file is referenced: each `<use>` draws an element of the file
    // again, and the only URLs are the fonts' data.
    assert_only_references_within(&out);
    assert!(out.contains("<use xlink:href=\"#"));
    // Each embedded subset is a font a parser reads, mapping the characters drawn: the
    // owner's in the regular face, the title's in the strong one.
    let fonts: Vec<Vec<u8>> = out
        .split("base64,")
        .skip(1)
        .map(|d| decode_base64(&d[..d.find(')').unwrap()]))
        .collect();
    assert_eq!(fonts.len(), 2, "a regular and a strong face");
    for (bytes, text) in fonts
        .iter()
        .zip(["VP Customer Success", "Net revenue retention"])
    {
        let face = ttf_parser::Face::parse(bytes, 0).unwrap();
        for c in text.chars().filter(|c| *c != ' ') {
            assert!(
                face.glyph_index(c).is_some(),
                "{c:?} missing from the subset"
            );
        }
    }
}

/// Every `href` of `svg` names an element of it, and every `url(` is a `data:` URL.
fn assert_only_references_within(svg: &str) {
    for (at, _) in svg.match_indices("href=\"") {
        let target = &svg[at + 6..];
        let target = &target[..target.find('"').unwrap()];
        let id = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("a reference outside the file: {target}"));
        assert!(svg.contains(&format!("id=\"{id}\"")), "no element {id}");
    }
    for (at, _) in svg.match_indices("url(") {
        assert!(svg[at + 4..].starts_with("data:"), "{}", &svg[at..at + 40]);
    }
}

/// `svg` with each `<use>` replaced by a copy of the group it draws (the writer defines
/// each as `<g id="…">` around plain shapes).
fn with_references_copied(svg: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    while let Some(at) = rest.find("<use xlink:href=\"#") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 18..];
        let id = &tail[..tail.find('"').unwrap()];
        let start = svg.find(&format!("<g id=\"{id}\">")).unwrap();
        let group = &svg[start..];
        let group = &group[..group.find("</g>").unwrap() + 4];
        out.push_str(&group.replacen(&format!(" id=\"{id}\""), "", 1));
        rest = &tail[tail.find("/>").unwrap() + 2..];
    }
    out.push_str(rest);
    out
}

/// `svg` drawn by resvg at one pixel per unit, with the faces Fulcrum draws with.
fn rendered(svg: &str) -> resvg::tiny_skia::Pixmap {
    use resvg::usvg;
    let set = FontSet::system().expect("a font is installed");
    let mut db = usvg::fontdb::Database::new();
    for face in set.faces() {
        db.load_font_data(face.data.to_vec());
    }
    db.set_sans_serif_family(set.regular.family.clone());
    let options = usvg::Options {
        fontdb: std::sync::Arc::new(db),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).unwrap();
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
    pixmap
}

#[test]
fn shapes_drawn_again_by_reference_look_the_same_as_copies() {
    // Frames, chips, icons, sparkline dots and arrows, in both themes' colours.
    for (rel, theme) in [
        ("samples/workshop.ron", fulcrum::look::Theme::Light),
        ("tests/golden/export_small.ron", fulcrum::look::Theme::Dark),
    ] {
        let options = ExportOptions {
            theme,
            ..ExportOptions::default()
        };
        let out = svg(&load(rel), &options).unwrap();
        let copied = with_references_copied(&out);
        assert!(!copied.contains("<use"));
        assert!(out.contains("<use"), "{rel}: nothing drawn by reference");
        assert!(
            rendered(&out) == rendered(&copied),
            "{rel}: the pixels differ"
        );
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for b in s.bytes().filter(|&b| b != b'=') {
        let v = ABC.iter().position(|&a| a == b).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

const JAPANESE: &str = r#"#![enable(implicit_some)]
Map(format: 1, title: "日本語", nodes: [(id: "n", kind: Note, title: "日本語のタイトル")])
"#;

#[test]
fn a_japanese_title_has_a_face_with_its_glyphs() {
    let set = FontSet::system().expect("a font is installed");
    for c in "日本語のタイトル".chars() {
        assert!(set.face_for(c, false).is_some(), "no face has {c:?}");
        assert!(set.face_for(c, true).is_some(), "no strong face has {c:?}");
    }
}

/// Pixels clearly darker than the note card's surface inside `area` (x0, y0, x1, y1).
fn ink(png_bytes: &[u8], area: (u32, u32, u32, u32)) -> usize {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(png_bytes).unwrap();
    let mut n = 0;
    for y in area.1..area.3.min(pixmap.height()) {
        for x in area.0..area.2.min(pixmap.width()) {
            let p = pixmap.pixel(x, y).unwrap();
            if u32::from(p.red()) + u32::from(p.green()) + u32::from(p.blue()) < 300 {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn a_japanese_title_is_drawn_with_glyph_pixels_in_the_png() {
    let options = ExportOptions {
        scale: 1.0,
        ..ExportOptions::default()
    };
    let with_title = png(&map_from(JAPANESE), &options).unwrap();
    // The title line: the card starts at the 32-unit margin; its title 32 units below its
    // top, 12 in from its left.
    let title_area = (44, 64, 260, 84);
    let glyphs = ink(&with_title, title_area);
    assert!(glyphs > 150, "only {glyphs} dark pixels where the title is");
    // The same card without a title has no ink there: the pixels are the glyphs.
    let blank = JAPANESE.replace("日本語のタイトル", " ");
    let without = png(&map_from(&blank), &options).unwrap();
    assert_eq!(ink(&without, title_area), 0);
}

#[test]
fn png_scale_multiplies_the_pixels() {
    let map = load("tests/golden/export_small.ron");
    let one = ExportOptions {
        scale: 1.0,
        ..ExportOptions::default()
    };
    let two = ExportOptions {
        scale: 2.0,
        ..ExportOptions::default()
    };
    let a = resvg::tiny_skia::Pixmap::decode_png(&png(&map, &one).unwrap()).unwrap();
    let b = resvg::tiny_skia::Pixmap::decode_png(&png(&map, &two).unwrap()).unwrap();
    assert!((i64::from(b.width()) - 2 * i64::from(a.width())).abs() <= 1);
    assert!((i64::from(b.height()) - 2 * i64::from(a.height())).abs() <= 1);
}

#[test]
fn crowded_cards_show_every_figure() {
    // A solution with a status, an untested leap, lift, North Star effect and effort; its
    // opportunity is the target with the best lift: nothing may be dropped silently.
    let map = load("tests/golden/export_small.ron");
    let out = svg(&map, &ExportOptions::default()).unwrap();
    for chip in [
        ">Exploring</text>",
        ">1 untested leap</text>",
        ">lift +10%</text>",
        ">effort 2</text>",
        ">target</text>",
        ">best +10%</text>",
        ">R·F·S 4·3·4 = 48</text>",
    ] {
        assert!(out.contains(chip), "{chip} missing");
    }
}

#[test]
fn more_chips_than_rows_say_how_many_more() {
    // Long chip texts fill the rows; what does not fit is counted, never dropped silently.
    let text = r#"#![enable(implicit_some)]
Map(format: 1, title: "t", nodes: [
  (id: "o", kind: Outcome, title: "Outcome"),
  (id: "s", parent: "o", kind: Solution, title: "S", status: Exploring, effort: 2, expected_lift: 0.1),
  (id: "a1", parent: "s", kind: Assumption, title: "A1", importance: 5, evidence: 1),
  (id: "a2", parent: "s", kind: Assumption, title: "A2", importance: 5, evidence: 1),
  (id: "m", kind: Metric, title: "A metric with a very long title that fills a whole chip row", value: 1.0),
], links: [(from: "o", to: "m", kind: Measures)])"#;
    let map = map_from(text);
    let out = svg(&map, &ExportOptions::default()).unwrap();
    assert!(out.contains(">2 untested leaps</text>"));
    assert!(out.contains(">lift +10%</text>"));
    assert!(out.contains(">effort 2</text>"));
}

#[test]
fn pdf_is_vector_with_searchable_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nrr.pdf");
    let run = fulcrum(&[
        "export",
        path("samples/nrr.ron").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{run:?}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    // Text is real text: fonts with a ToUnicode map, not outlines.
    assert!(text.contains("/ToUnicode"));
    assert!(text.contains("/FontFile2") || text.contains("/FontFile3"));
}

#[test]
fn cli_writes_each_picture_format_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (ext, magic) in [
        ("svg", &b"<svg"[..]),
        ("png", &b"\x89PNG"[..]),
        ("pdf", &b"%PDF"[..]),
    ] {
        let out = dir.path().join(format!("map.{ext}"));
        let run = fulcrum(&[
            "export",
            path("samples/workshop.ron").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--theme",
            "dark",
            "--root",
            "grow_usage",
        ]);
        assert!(run.status.success(), "{ext}: {run:?}");
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{ext}");
    }
}

#[test]
fn cli_names_what_is_wrong_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.svg");
    let map = path("samples/nrr.ron");
    let cases: [(&[&str], &str); 4] = [
        (&["--root", "nope"], "no node with id `nope`"),
        (&["--scenario", "Nope"], "Nope"),
        (&["--period", "1999-01"], "no period `1999-01`"),
        (&["--scale", "0"], "--scale"),
    ];
    for (extra, words) in cases {
        let mut args = vec!["export", map.to_str().unwrap(), "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let run = fulcrum(&args);
        assert_eq!(run.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(words), "{extra:?}: {err}");
        assert!(!out.exists());
    }
    let run = fulcrum(&["export", map.to_str().unwrap(), "-o", "x.docx"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains(".svg, .png, .pdf"));
}

#[test]
fn a_subtree_exports_only_its_nodes() {
    let map = load("samples/workshop.ron");
    let options = ExportOptions {
        scope: Scope::Subtree("cant_invite".into()),
        ..ExportOptions::default()
    };
    let out = svg(&map, &options).unwrap();
    assert!(out.contains("id=\"n-cant_invite\""));
    assert!(out.contains("id=\"n-slack_invite\""));
    assert!(!out.contains("id=\"n-nrr\""));
    assert!(!out.contains("id=\"n-grow_usage\""));
}

#[test]
fn a_png_wider_than_viewers_accept_is_scaled_to_fit() {
    // A node with 200 children is about 52,000 units wide: at scale 2 that would be 104,000
    // pixels, past what viewers open.
    let mut text = String::from(
        "#![enable(implicit_some)]\nMap(format: 1, title: \"wide\", nodes: [(id: \"r\", kind: Note, title: \"Root\"),\n",
    );
    for k in 0..200 {
        text.push_str(&format!(
            "(id: \"c{k}\", parent: \"r\", kind: Note, title: \"Child {k}\"),\n"
        ));
    }
    text.push_str("])");
    let bytes = png(&map_from(&text), &ExportOptions::default()).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
    assert!(pixmap.width() <= 16_384, "{}", pixmap.width());
    assert!(pixmap.width() >= 16_000);
}
