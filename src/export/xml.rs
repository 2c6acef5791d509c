//! Text inside XML, for the SVG writer and the OPML writer alike: the markup characters
//! (`&`, `<`, `>`, `'`, `"`) escaped by quick-xml, and the characters each writer treats in
//! its own way (line breaks; the control characters and U+FFFE/U+FFFF that XML 1.0 cannot
//! hold, even escaped) replaced as the caller says.

/// Where escaped text goes: a `String`, or the SVG writer's own buffer.
pub(crate) trait Push {
    /// Appends `text`.
    fn push_str(&mut self, text: &str);
}

impl Push for String {
    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }
}

/// Appends `text` to `out` with the markup characters escaped; each character for which
/// `special` gives a replacement is replaced by it (and not escaped further).
pub(crate) fn push_escaped(
    out: &mut impl Push,
    text: &str,
    special: impl Fn(char) -> Option<&'static str>,
) {
    // Nearly every title and label is plain ASCII with nothing to replace: one pass over its
    // bytes, then one copy.
    if !text
        .bytes()
        .any(|b| !(0x20..0x80).contains(&b) || matches!(b, b'&' | b'<' | b'>' | b'\'' | b'"'))
    {
        out.push_str(text);
        return;
    }
    let mut run = 0;
    for (at, c) in text.char_indices() {
        if let Some(replacement) = special(c) {
            out.push_str(&quick_xml::escape::escape(&text[run..at]));
            out.push_str(replacement);
            run = at + c.len_utf8();
        }
    }
    out.push_str(&quick_xml::escape::escape(&text[run..]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_specials_replaced() {
        let mut s = String::new();
        let special = |c: char| (c == '\n').then_some("&#10;");
        push_escaped(&mut s, "a < b & \"c\" 'd'\nе", special);
        assert_eq!(s, "a &lt; b &amp; &quot;c&quot; &apos;d&apos;&#10;е");
        let mut plain = String::new();
        push_escaped(&mut plain, "Net revenue retention", special);
        assert_eq!(plain, "Net revenue retention");
    }
}
