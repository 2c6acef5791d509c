//! Completing a font subset for use outside PDF: the `subsetter` crate keeps the outlines
//! and metrics of the glyphs asked for but drops `cmap` and `OS/2` (a PDF maps glyphs
//! itself); a browser or resvg needs both. This adds a format-12 `cmap` for the characters
//! kept and the original face's `OS/2`, and rewrites the table directory with checksums.

/// Builds the subset of `face` (bytes and collection index) holding the glyphs of `chars`,
/// usable in `@font-face`. `None` when the face cannot be subset.
pub fn subset_for_web(data: &[u8], index: u32, chars: &[char]) -> Option<Vec<u8>> {
    let face = ttf_parser::Face::parse(data, index).ok()?;
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut map: Vec<(u32, u16)> = Vec::with_capacity(chars.len());
    for &c in chars {
        if let Some(g) = face.glyph_index(c) {
            let new = remapper.remap(g.0);
            map.push((u32::from(c), new));
        }
    }
    let subset = subsetter::subset(data, index, &remapper).ok()?;
    let os2 = face
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"OS/2"))
        .map(<[u8]>::to_vec);
    let mut extra = vec![(*b"cmap", cmap12(&mut map))];
    if let Some(os2) = os2 {
        extra.push((*b"OS/2", os2));
    }
    add_tables(&subset, extra)
}

/// A `cmap` table with one format-12 subtable (referenced as Unicode full repertoire and
/// Windows UCS-4) mapping each character to its new glyph.
fn cmap12(map: &mut [(u32, u16)]) -> Vec<u8> {
    map.sort_unstable();
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for &(c, g) in map.iter() {
        match groups.last_mut() {
            Some((start, end, start_g))
                if *end + 1 == c && *start_g + (c - *start) == u32::from(g) =>
            {
                *end = c;
            }
            _ => groups.push((c, c, u32::from(g))),
        }
    }
    let sub_len = 16 + 12 * groups.len() as u32;
    let mut out = Vec::with_capacity(20 + sub_len as usize);
    out.extend_from_slice(&0u16.to_be_bytes()); // version
    out.extend_from_slice(&2u16.to_be_bytes()); // two encoding records
    for (platform, encoding) in [(0u16, 4u16), (3, 10)] {
        out.extend_from_slice(&platform.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&20u32.to_be_bytes());
    }
    out.extend_from_slice(&12u16.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&sub_len.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (start, end, g) in groups {
        out.extend_from_slice(&start.to_be_bytes());
        out.extend_from_slice(&end.to_be_bytes());
        out.extend_from_slice(&g.to_be_bytes());
    }
    out
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn checksum(table: &[u8]) -> u32 {
    table.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// The font `sfnt` with `extra` tables added (replacing any of the same tag).
fn add_tables(sfnt: &[u8], extra: Vec<([u8; 4], Vec<u8>)>) -> Option<Vec<u8>> {
    let version = be32(sfnt, 0)?;
    let n = usize::from(be16(sfnt, 4)?);
    let mut tables: Vec<([u8; 4], Vec<u8>)> = Vec::with_capacity(n + extra.len());
    for k in 0..n {
        let rec = 12 + 16 * k;
        let tag: [u8; 4] = sfnt.get(rec..rec + 4)?.try_into().ok()?;
        let offset = be32(sfnt, rec + 8)? as usize;
        let len = be32(sfnt, rec + 12)? as usize;
        if extra.iter().any(|(t, _)| *t == tag) {
            continue;
        }
        tables.push((tag, sfnt.get(offset..offset + len)?.to_vec()));
    }
    tables.extend(extra);
    tables.sort_by_key(|t| t.0);
    let count = tables.len() as u16;
    let pow = 1u16 << (15 - count.leading_zeros().min(15));
    let pow = if pow > count { pow / 2 } else { pow }.max(1);
    let search_range = pow * 16;
    let entry_selector = pow.trailing_zeros() as u16;
    let range_shift = count * 16 - search_range;
    let mut out = Vec::new();
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&entry_selector.to_be_bytes());
    out.extend_from_slice(&range_shift.to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        let mut data = data.clone();
        if tag == b"head" && data.len() >= 12 {
            data[8..12].copy_from_slice(&[0; 4]);
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(&data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (tag, data) in &tables {
        let start = out.len();
        out.extend_from_slice(data);
        if tag == b"head" && data.len() >= 12 {
            out[start + 8..start + 12].copy_from_slice(&[0; 4]);
        }
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    Some(out)
}
