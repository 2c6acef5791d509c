//! The words of a title as combine compares them: lowercased, split at anything that is not
//! a letter or digit (an apostrophe inside a word stays: `can't`), stop words dropped, each
//! word cut down to a stem by a small English suffix stripper.
//!
//! The stripper is deliberately plain — plurals, `-ing`, `-ed`, `-ation`, `-er`, `-ly`, a
//! doubled final consonant and a silent final `e` — so that `exports`, `exporting` and
//! `exported` meet at `export`, and `invite`, `invites`, `invitation` at `invit`. It makes
//! no claim to be Porter's; it only has to put the forms one team uses for one idea
//! together, and it never makes a stem shorter than three letters.

/// Words that carry no meaning of their own in a title. Short on purpose: what is left
/// should be the words a person would underline.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "can't", "cannot", "cant", "could", "did", "do",
    "does", "doesn't", "don't", "dont", "for", "from", "get", "gets", "getting", "got", "had",
    "has", "have", "he", "her", "here", "his", "how", "i", "i'm", "if", "in", "into", "is",
    "isn't", "it", "it's", "its", "just", "me", "more", "most", "my", "no", "not", "of", "on",
    "or", "our", "out", "she", "should", "so", "some", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "to", "too", "up", "very", "was", "we",
    "we're", "were", "what", "when", "where", "which", "who", "why", "will", "with", "won't",
    "would", "you", "your",
];

/// One meaningful word of a title: its stem and the word as written (lowercased).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// What words are compared by (`export`).
    pub stem: String,
    /// The word as the title has it, lowercased (`exporting`), for reasons people read.
    pub surface: String,
}

/// The meaningful words of `title`, in order, each once (by stem).
pub(crate) fn words(title: &str) -> Vec<Word> {
    let lower = title.to_lowercase().replace(['’', '‘'], "'");
    let mut out: Vec<Word> = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let word = raw.trim_matches('\'');
        if word.is_empty() || STOP_WORDS.contains(&word) {
            continue;
        }
        let stem = stem(word);
        if stem.is_empty() || out.iter().any(|w| w.stem == stem) {
            continue;
        }
        out.push(Word {
            stem,
            surface: word.to_owned(),
        });
    }
    out
}

/// The title as one normalised string for a character-level comparison: its words, without
/// stop words, lowercased, joined by single spaces.
pub(crate) fn plain(title: &str) -> String {
    let words = words(title);
    let parts: Vec<&str> = words.iter().map(|w| w.surface.as_str()).collect();
    parts.join(" ")
}

/// The stem of one lowercased word (see the module's description).
pub(crate) fn stem(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    if let Some(stripped) = strip(&w, "'s") {
        w = stripped;
    }
    w.retain(|&c| c != '\'');
    // Numbers and very short words stay as they are.
    if w.len() <= 3 || w.iter().all(|c| c.is_ascii_digit()) {
        return w.into_iter().collect();
    }
    // Plurals.
    if let Some(s) = strip(&w, "ies") {
        w = s;
        w.push('y');
    } else if w.ends_with(&['s', 's']) || w.ends_with(&['u', 's']) || w.ends_with(&['i', 's']) {
        // `access`, `status`, `analysis` are not plurals.
    } else if let Some(s) = strip(&w, "s") {
        w = s;
    }
    // Endings of verbs and derived nouns, the longest first.
    for suffix in ["ations", "ation", "ings", "ing", "ers", "er", "ed", "ly"] {
        if let Some(s) = strip(&w, suffix) {
            w = s;
            // `running` → `runn` → `run`, but `fill` stays `fill`.
            let n = w.len();
            if n >= 4
                && w[n - 1] == w[n - 2]
                && !matches!(w[n - 1], 'l' | 's' | 'z')
                && !is_vowel(w[n - 1])
            {
                w.pop();
            }
            break;
        }
    }
    if w.len() > 3 && w.last() == Some(&'e') {
        w.pop();
    }
    // `company` and `companies` both end in `y` here; `copy` and `copies` too.
    w.into_iter().collect()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// `w` without `suffix`, when what is left keeps at least three letters.
fn strip(w: &[char], suffix: &str) -> Option<Vec<char>> {
    let s: Vec<char> = suffix.chars().collect();
    (w.len() >= s.len() + 3 && w.ends_with(&s)).then(|| w[..w.len() - s.len()].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(title: &str) -> Vec<String> {
        words(title).into_iter().map(|w| w.stem).collect()
    }

    #[test]
    fn forms_of_one_word_meet_at_one_stem() {
        for group in [
            &["export", "exports", "exporting", "exported", "exporter"][..],
            &[
                "invite",
                "invites",
                "inviting",
                "invited",
                "invitation",
                "invitations",
            ],
            &["company", "companies"],
            &["run", "running", "runs"],
            &["share", "shared", "sharing"],
        ] {
            let first = stem(group[0]);
            for w in group {
                assert_eq!(stem(w), first, "{w}");
            }
        }
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("fill"), "fill");
        assert_eq!(stem("2026"), "2026");
    }

    #[test]
    fn stop_words_and_punctuation_are_dropped() {
        assert_eq!(
            stems("I can't find the Export button!"),
            ["find", "export", "button"]
        );
        assert_eq!(
            stems("Teammates’ invites get lost"),
            ["teammat", "invit", "lost"]
        );
        assert_eq!(plain("The CSV export is hidden"), "csv export hidden");
        assert!(words("").is_empty() && words("  -- ").is_empty());
    }

    #[test]
    fn a_word_written_twice_counts_once() {
        assert_eq!(stems("export, exports and exporting"), ["export"]);
    }
}
