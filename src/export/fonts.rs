//! Font faces found through `fontdb` (what resvg uses): a main sans-serif face, regular and
//! strong, plus fallbacks for the scripts it lacks — CJK, Hangul, Cyrillic, Greek, Arabic,
//! Hebrew, Devanagari, Thai, symbols and emoji in monochrome — so a title in any script is
//! drawn with glyphs, not boxes. The app hands these faces to egui; the exports measure text
//! with their metrics ([`FontMeasure`]) and embed the glyphs they use. Knows nothing of egui.

use std::sync::{Arc, OnceLock};

use crate::look::card::Measure;

/// Families tried for the main face, in order of preference (heavier, screen-friendly
/// sans-serifs first: thin type washes out on a projector).
const MAIN_FAMILIES: &[&str] = &[
    "Inter",
    "Noto Sans",
    "DejaVu Sans",
    "Liberation Sans",
    "Arial",
    "Helvetica",
];

/// One character of each script a fallback is looked for.
const PROBES: &[char] = &[
    '日', 'あ', '한', 'Ж', 'Ω', 'ع', 'ש', 'क', 'ก', '✓', '★', '→', '😀', '🚀',
];

/// Families preferred as fallbacks (then any installed face that covers a probe).
const FALLBACK_FAMILIES: &[&str] = &[
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Droid Sans Fallback",
    "WenQuanYi Micro Hei",
    "IPAGothic",
    "IPAexGothic",
    "DejaVu Sans",
    "Noto Emoji",
    "Symbola",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
];

/// One font face: its bytes, its index in a collection and its family name.
#[derive(Clone)]
pub struct Face {
    /// Family name, as the face reports it.
    pub family: String,
    /// The font file's bytes.
    pub data: Arc<Vec<u8>>,
    /// Index of the face in a collection (0 for a single font).
    pub index: u32,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Face({} #{}, {} bytes)",
            self.family,
            self.index,
            self.data.len()
        )
    }
}

impl Face {
    /// Parses the face (`None` if the bytes are not a font).
    pub fn parse(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, self.index).ok()
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.parse().and_then(|f| f.glyph_index(c)).is_some()
    }
}

/// The faces Fulcrum draws text with.
#[derive(Clone, Debug)]
pub struct FontSet {
    /// The main face, regular weight.
    pub regular: Face,
    /// The main face, strong (semibold or bold).
    pub strong: Face,
    /// Faces for characters the main face lacks, in the order they are tried: looked for
    /// in `db` only when first asked ([`FontSet::fallbacks`]), so a picture whose text the
    /// main face draws whole never opens them (several megabytes of CJK and symbol faces).
    fallbacks: OnceLock<Vec<Face>>,
    db: Option<Arc<fontdb::Database>>,
}

impl FontSet {
    /// The faces installed on this machine (looked up once, then kept; the fallbacks when
    /// first needed). `None` when no sans-serif face is installed at all.
    pub fn system() -> Option<&'static FontSet> {
        static SET: OnceLock<Option<FontSet>> = OnceLock::new();
        SET.get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let mut set = Self::main_of(&db)?;
            set.db = Some(Arc::new(db));
            Some(set)
        })
        .as_ref()
    }

    /// The faces of a font database: the first of [`MAIN_FAMILIES`] it has (else its
    /// generic sans-serif), and fallbacks for what that face lacks.
    pub fn from_db(db: &fontdb::Database) -> Option<FontSet> {
        let set = Self::main_of(db)?;
        let _ = set.fallbacks.set(fallbacks(db, &set.regular));
        Some(set)
    }

    /// The fallbacks, found now if they were not yet.
    pub fn fallbacks(&self) -> &[Face] {
        self.fallbacks.get_or_init(|| {
            self.db
                .as_ref()
                .map_or_else(Vec::new, |db| fallbacks(db, &self.regular))
        })
    }

    /// The fallbacks if they were found already.
    fn fallbacks_found(&self) -> &[Face] {
        self.fallbacks.get().map_or(&[], Vec::as_slice)
    }

    /// The main faces of a font database, the fallbacks not looked for.
    fn main_of(db: &fontdb::Database) -> Option<FontSet> {
        let face_of = |families: &[fontdb::Family<'_>], weight: fontdb::Weight| {
            let id = db.query(&fontdb::Query {
                families,
                weight,
                stretch: fontdb::Stretch::Normal,
                style: fontdb::Style::Normal,
            })?;
            load(db, id)
        };
        let main = MAIN_FAMILIES
            .iter()
            .find_map(|name| {
                face_of(&[fontdb::Family::Name(name)], fontdb::Weight::NORMAL)
                    .filter(|f| f.family.eq_ignore_ascii_case(name))
            })
            .or_else(|| face_of(&[fontdb::Family::SansSerif], fontdb::Weight::NORMAL))?;
        let family = main.family.clone();
        let strong = face_of(&[fontdb::Family::Name(&family)], fontdb::Weight::SEMIBOLD)
            .unwrap_or_else(|| main.clone());
        Some(FontSet {
            regular: main,
            strong,
            fallbacks: OnceLock::new(),
            db: None,
        })
    }

    /// Every face: main regular, main strong, then the fallbacks (found now if they were
    /// not yet).
    pub fn faces(&self) -> impl Iterator<Item = &Face> {
        [&self.regular, &self.strong]
            .into_iter()
            .chain(self.fallbacks().iter())
    }

    /// [`FontSet::faces`] as far as they were found: a fallback not looked for yet drew
    /// nothing.
    pub fn faces_found(&self) -> impl Iterator<Item = &Face> {
        [&self.regular, &self.strong]
            .into_iter()
            .chain(self.fallbacks_found().iter())
    }

    /// Which face draws `c` in the regular or strong weight: 0 regular, 1 strong, 2.. the
    /// fallbacks; `None` when no face has it.
    pub fn face_for(&self, c: char, strong: bool) -> Option<usize> {
        let main = if strong { &self.strong } else { &self.regular };
        if main.covers(c) {
            return Some(usize::from(strong));
        }
        self.fallbacks()
            .iter()
            .position(|f| f.covers(c))
            .map(|k| k + 2)
    }
}

fn load(db: &fontdb::Database, id: fontdb::ID) -> Option<Face> {
    let family = db
        .face(id)?
        .families
        .first()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    db.with_face_data(id, |data, index| Face {
        family,
        data: Arc::new(data.to_vec()),
        index,
    })
}

/// For each probe the faces so far lack, a face that covers it: a preferred family first,
/// then any installed face (colour-only emoji fonts skipped: they have no outlines).
fn fallbacks(db: &fontdb::Database, regular: &Face) -> Vec<Face> {
    let mut ids: Vec<fontdb::ID> = Vec::new();
    for name in FALLBACK_FAMILIES {
        ids.extend(
            db.faces()
                .filter(|f| f.families.iter().any(|(n, _)| n == name))
                .filter(|f| f.weight == fontdb::Weight::NORMAL && f.style == fontdb::Style::Normal)
                .map(|f| f.id),
        );
    }
    ids.extend(
        db.faces()
            .filter(|f| f.style == fontdb::Style::Normal)
            .filter(|f| !f.families.iter().any(|(n, _)| n.contains("Color")))
            .map(|f| f.id),
    );
    // Which probes each face has outlines for, read once per face when first asked: a probe
    // no face has (Devanagari, Thai on many machines) is looked for in every installed face,
    // and each is opened and parsed once, not once per such probe.
    let mut probed: hashbrown::HashMap<fontdb::ID, u32> = hashbrown::HashMap::new();
    let mut probes_of = |id: fontdb::ID| {
        *probed.entry(id).or_insert_with(|| {
            db.with_face_data(id, |data, index| {
                ttf_parser::Face::parse(data, index)
                    .ok()
                    .filter(|f| f.tables().glyf.is_some() || f.tables().cff.is_some())
                    .map_or(0, |f| probe_mask(|c| f.glyph_index(c).is_some()))
            })
            .unwrap_or(0)
        })
    };
    let mut chosen: Vec<Face> = Vec::new();
    let mut covered = regular
        .parse()
        .map_or(0, |f| probe_mask(|c| f.glyph_index(c).is_some()));
    for (k, &c) in PROBES.iter().enumerate() {
        if covered & (1 << k) != 0 {
            continue;
        }
        let hit = ids
            .iter()
            .copied()
            .find(|&id| probes_of(id) & (1 << k) != 0);
        if let Some(face) = hit.and_then(|id| load(db, id)) {
            covered |= face
                .parse()
                .map_or(0, |f| probe_mask(|p| f.glyph_index(p).is_some()));
            debug_assert!(face.covers(c));
            chosen.push(face);
        }
    }
    chosen
}

/// The probes `has` says yes to, a bit each in the order of [`PROBES`].
fn probe_mask(has: impl Fn(char) -> bool) -> u32 {
    PROBES
        .iter()
        .enumerate()
        .filter(|&(_, &c)| has(c))
        .fold(0, |mask, (k, _)| mask | (1 << k))
}

/// Which face draws a character: (face index, glyph id, advance in ems).
type Glyph = (usize, u16, f32);

/// Characters below this are looked up in a table filled when the measure is made: nearly
/// every character of a card (labels, numbers, most titles) is one, and a table read is
/// several times cheaper than hashing the character.
const TABLE_CHARS: usize = 256;

/// Measures text with a [`FontSet`]'s metrics (each character from the face that draws it)
/// and records which characters of which face were drawn, for embedding.
pub struct FontMeasure<'a> {
    set: &'a FontSet,
    /// The main faces parsed, then the fallbacks once a character needs them.
    faces: Vec<Option<ttf_parser::Face<'a>>>,
    /// `(c, strong)` → the face that draws `c`, for `c` below [`TABLE_CHARS`]; index
    /// `c * 2 + strong`; `None` until looked up (a character the main face lacks and no
    /// text asked for yet).
    table: Vec<Option<Option<Glyph>>>,
    /// The same for every other character, filled as they are met.
    cache: hashbrown::HashMap<(char, bool), Option<Glyph>>,
    /// The characters drawn with each face: a bit per code point (a 100k-card export marks
    /// millions of characters, and a bit is set in a couple of instructions).
    used: Vec<Vec<u64>>,
    /// ASCII characters drawn in the regular and the strong weight, a bit each, resolved to
    /// their faces only when [`FontMeasure::used`] is asked: nearly every character drawn.
    ascii: [u128; 2],
    line: [f32; 2],
    ascent: [f32; 2],
}

impl<'a> FontMeasure<'a> {
    /// A measure over `set`.
    pub fn new(set: &'a FontSet) -> Self {
        let faces: Vec<Option<ttf_parser::Face<'a>>> = [&set.regular, &set.strong]
            .into_iter()
            .map(Face::parse)
            .collect();
        let metrics = |f: &Option<ttf_parser::Face<'_>>| {
            f.as_ref().map_or((1.2, 0.95), |f| {
                let upem = f32::from(f.units_per_em());
                let (a, d, g) = (
                    f32::from(f.ascender()),
                    f32::from(f.descender()),
                    f32::from(f.line_gap()),
                );
                ((a - d + g) / upem, a / upem)
            })
        };
        let (l0, a0) = metrics(&faces[0]);
        let (l1, a1) = metrics(&faces[1]);
        let mut m = Self {
            set,
            faces,
            table: Vec::new(),
            cache: hashbrown::HashMap::new(),
            used: vec![Vec::new(); 2],
            ascii: [0; 2],
            line: [l0, l1],
            ascent: [a0, a1],
        };
        // What the main faces draw, and every printable ASCII character (text is drawn
        // from the table without a lookup), fallbacks found for them if need be.
        m.table = (0..TABLE_CHARS * 2)
            .map(|k| {
                let c = char::from_u32((k / 2) as u32).unwrap_or('\0');
                let strong = k % 2 == 1;
                let main = find(&m.faces[..2], c, strong);
                match main {
                    Some(_) => Some(main),
                    None if (' '..='~').contains(&c) => Some(m.find(c, strong)),
                    None => None,
                }
            })
            .collect();
        m
    }

    /// The face that draws `c`: the main one of the weight, else the fallbacks (parsed now
    /// if they were not yet).
    fn find(&mut self, c: char, strong: bool) -> Option<Glyph> {
        if let Some(hit) = find(&self.faces[..2], c, strong) {
            return Some(hit);
        }
        if self.faces.len() == 2 && !self.set.fallbacks().is_empty() {
            let set: &'a FontSet = self.set;
            self.faces.extend(set.fallbacks().iter().map(Face::parse));
            self.used.resize(self.faces.len(), Vec::new());
        }
        find(&self.faces, c, strong)
    }

    /// A measure over the same set with nothing recorded yet, for another thread: the faces
    /// are not parsed and the table not filled again.
    pub fn fresh(&self) -> Self {
        Self {
            set: self.set,
            faces: self.faces.clone(),
            table: self.table.clone(),
            cache: hashbrown::HashMap::new(),
            used: vec![Vec::new(); self.used.len()],
            ascii: [0; 2],
            line: self.line,
            ascent: self.ascent,
        }
    }

    /// The distance from the top of a line box to its baseline, in ems.
    pub fn ascent(&self, strong: bool) -> f32 {
        self.ascent[usize::from(strong)]
    }

    /// The face index ([`FontSet::face_for`]) that draws `c`, recording its use.
    pub fn use_char(&mut self, c: char, strong: bool) -> Option<usize> {
        let hit = self.lookup(c, strong)?;
        let bits = &mut self.used[hit.0];
        let (word, bit) = (c as usize / 64, c as usize % 64);
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        bits[word] |= 1 << bit;
        Some(hit.0)
    }

    /// Records that `text` was drawn in the regular or strong weight.
    pub fn use_text(&mut self, text: &str, strong: bool) {
        if text.is_ascii() {
            let bits = &mut self.ascii[usize::from(strong)];
            for b in text.bytes() {
                *bits |= 1 << b;
            }
            // A drawn control character's face is looked up now, as `used` reads the table.
            if text.bytes().any(|b| b.is_ascii_control()) {
                for c in text.chars().filter(char::is_ascii_control) {
                    self.lookup(c, strong);
                }
            }
        } else {
            for c in text.chars() {
                self.use_char(c, strong);
            }
        }
    }

    /// The characters drawn with face `k` (of [`FontSet::faces`]), in code point order.
    pub fn used(&self, k: usize) -> Vec<char> {
        let mut bits = self.used.get(k).cloned().unwrap_or_default();
        for (strong, &ascii) in self.ascii.iter().enumerate() {
            for c in 0..128usize {
                let drawn = ascii & (1 << c) != 0;
                if drawn
                    && self.table[c * 2 + strong]
                        .flatten()
                        .is_some_and(|g| g.0 == k)
                {
                    if bits.len() <= c / 64 {
                        bits.resize(c / 64 + 1, 0);
                    }
                    bits[c / 64] |= 1 << (c % 64);
                }
            }
        }
        let mut out = Vec::new();
        for (w, &word) in bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                out.extend(char::from_u32((w * 64 + bit) as u32));
            }
        }
        out
    }

    /// Records the characters `other` drew as drawn here too (a measure used on another
    /// thread, over the same set).
    pub fn absorb(&mut self, other: &FontMeasure<'_>) {
        self.ascii[0] |= other.ascii[0];
        self.ascii[1] |= other.ascii[1];
        if self.used.len() < other.used.len() {
            self.used.resize(other.used.len(), Vec::new());
        }
        for (mine, theirs) in self.used.iter_mut().zip(&other.used) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a |= b;
            }
        }
    }

    /// The font set measured with.
    pub fn set(&self) -> &'a FontSet {
        self.set
    }

    fn lookup(&mut self, c: char, strong: bool) -> Option<Glyph> {
        let k = c as usize * 2 + usize::from(strong);
        if let Some(&entry) = self.table.get(k) {
            return match entry {
                Some(hit) => hit,
                None => {
                    let hit = self.find(c, strong);
                    self.table[k] = Some(hit);
                    hit
                }
            };
        }
        if let Some(hit) = self.cache.get(&(c, strong)) {
            return *hit;
        }
        let hit = self.find(c, strong);
        self.cache.insert((c, strong), hit);
        hit
    }
}

/// The first face that draws `c`: the main one of the weight, then the fallbacks.
fn find(faces: &[Option<ttf_parser::Face<'_>>], c: char, strong: bool) -> Option<Glyph> {
    let main = usize::from(strong);
    let order = std::iter::once(main).chain(2..faces.len());
    for k in order {
        if let Some(face) = &faces[k]
            && let Some(g) = face.glyph_index(c)
        {
            let upem = f32::from(face.units_per_em());
            let adv = face.glyph_hor_advance(g).map_or(0.0, f32::from) / upem;
            return Some((k, g.0, adv));
        }
    }
    None
}

impl Measure for FontMeasure<'_> {
    fn advance(&mut self, c: char, strong: bool) -> f32 {
        if c.is_control() {
            return 0.0;
        }
        // A character no face has is drawn as a box about half an em wide.
        self.lookup(c, strong).map_or(0.5, |(_, _, a)| a)
    }
    fn advances(&mut self, text: &str, strong: bool) -> f32 {
        if !text.is_ascii() {
            let mut sum = 0.0;
            for c in text.chars() {
                sum += self.advance(c, strong);
            }
            return sum;
        }
        // ASCII straight from the table (the same sum, in the same order, as one advance
        // at a time).
        let mut sum = 0.0;
        for b in text.bytes() {
            sum += if b.is_ascii_control() {
                0.0
            } else {
                // Printable ASCII is always in the table.
                self.table[usize::from(b) * 2 + usize::from(strong)]
                    .flatten()
                    .map_or(0.5, |(_, _, a)| a)
            };
        }
        sum
    }
    fn line_height(&mut self, strong: bool) -> f32 {
        self.line[usize::from(strong)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set over this machine's faces of its own (not the process-wide one, which other
    /// tests have asked for fallbacks already).
    fn own_system_set() -> FontSet {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let mut set = FontSet::main_of(&db).expect("a font is installed (see .ci/run)");
        set.db = Some(Arc::new(db));
        set
    }

    #[test]
    fn fallbacks_are_looked_for_only_when_a_character_needs_them() {
        let set = own_system_set();
        let mut m = FontMeasure::new(&set);
        m.use_text("Net revenue retention", true);
        assert!(m.advances("NRR 107% ▲", false) > 0.0);
        assert!(set.fallbacks.get().is_none(), "no fallback was needed yet");
        m.use_text("売上", false);
        let japanese = m
            .lookup('売', false)
            .expect("a CJK fallback is installed (see .ci/run)");
        assert!(japanese.0 >= 2, "drawn with a fallback, not the main face");
        assert!(set.fallbacks.get().is_some());
        assert_eq!(m.used(japanese.0), vec!['上', '売']);
        // The same faces, in the same order, as a set found all at once.
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let whole = FontSet::from_db(&db).expect("a font is installed");
        let families = |s: &FontSet| s.faces().map(|f| f.family.clone()).collect::<Vec<_>>();
        assert_eq!(families(&set), families(&whole));
    }
}
