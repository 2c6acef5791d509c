//! Cutting what a file or a person wrote down to a size a message can echo: an id, a title, a
//! formula or a token quoted in an error is shown whole up to [`CLIP_AFTER_CHARS`] characters;
//! past that, its first [`CLIP_KEEP_CHARS`] characters, `…` and its length. One helper, so every
//! message cuts the same way and none echoes a 100 000-character id whole.
//!
//! Knows nothing of where the text came from; never allocates for text that fits.

use std::borrow::Cow;

/// Text up to this many characters is echoed whole.
pub const CLIP_AFTER_CHARS: usize = 80;

/// How many characters of a longer text are kept.
pub const CLIP_KEEP_CHARS: usize = 60;

/// `text` as a message may echo it: itself when it has at most [`CLIP_AFTER_CHARS`]
/// characters, otherwise its first [`CLIP_KEEP_CHARS`] characters, `…` and how many characters
/// it has (`aaaa…aaaa… (100000 characters)`).
pub fn clip(text: &str) -> Cow<'_, str> {
    // Counting stops early for the usual short text.
    if text.len() <= CLIP_AFTER_CHARS || text.chars().nth(CLIP_AFTER_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    let keep = text
        .char_indices()
        .nth(CLIP_KEEP_CHARS)
        .map_or(text.len(), |(b, _)| b);
    let total = text.chars().count();
    Cow::Owned(format!("{}… ({total} characters)", &text[..keep]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_cut() {
        assert_eq!(clip("churn"), "churn");
        let exact = "é".repeat(CLIP_AFTER_CHARS);
        assert_eq!(clip(&exact), exact.as_str());
        let long = format!("{}{}", "é".repeat(70), "x".repeat(100_000 - 70));
        let cut = clip(&long);
        assert_eq!(cut, format!("{}… (100000 characters)", "é".repeat(60)));
    }
}
