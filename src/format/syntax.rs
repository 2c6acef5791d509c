//! RON's parse errors in Fulcrum's words: an unknown field with a "did you mean", an unknown
//! variant, a file that is empty or ends inside a string or with brackets open (truncated),
//! text that is not a map at all.
//!
//! Only rewords; the position is always RON's own (or, for an unclosed string or comment,
//! where it opens). Never parses the map itself.

use ron::error::{Error as RonError, SpannedError};

use super::error::{Problem, Severity};
use super::scan::{self, LineIndex, Tail};
use crate::model::clip;

/// A RON parse error of `text` as a problem with its line and column.
pub(crate) fn problem(text: &str, err: &SpannedError) -> Problem {
    let at = (err.span.start.line, err.span.start.col);
    if text.trim().is_empty() {
        return Problem::at(Some((1, 1)), Severity::Error, "the file is empty");
    }
    let lines = LineIndex::new(text);
    match scan::tail(text) {
        Tail::Unclosed { what, start } if lines.position(start) <= at => Problem::at(
            Some(lines.position(start)),
            Severity::Error,
            format!("this {what} is never closed — is the file truncated?"),
        ),
        Tail::Open { depth, last } if lines.position(last) <= at => {
            let brackets = if depth == 1 { "bracket" } else { "brackets" };
            Problem::at(
                Some(at),
                Severity::Error,
                format!(
                    "the file ends with {depth} {brackets} still open — is it truncated? ({})",
                    describe(&err.code)
                ),
            )
        }
        _ => {
            let (at, message) = match radix_number(text, at) {
                Some(found) => found,
                None => (at, describe(&err.code)),
            };
            Problem::at(Some(at), Severity::Error, message)
        }
    }
}

/// When RON stopped at a number written in another base (`0x10`, `0o7`, `0b11`), which a
/// number field does not read ("expected comma"), says so — "numbers are decimal (`0x10` is
/// not; write 16)" — at the number's first character.
fn radix_number(text: &str, (line, col): (usize, usize)) -> Option<((usize, usize), String)> {
    let line_text = text.split('\n').nth(line.checked_sub(1)?)?;
    let offset = line_text
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map_or(line_text.len(), |(b, _)| b);
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = line_text.as_bytes();
    let mut start = offset.min(bytes.len());
    while start > 0 && word(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset.min(bytes.len());
    while end < bytes.len() && word(bytes[end]) {
        end += 1;
    }
    let token = &line_text[start..end];
    let (radix, digits) = match token.get(..2)? {
        "0x" | "0X" => (16, &token[2..]),
        "0o" | "0O" => (8, &token[2..]),
        "0b" | "0B" => (2, &token[2..]),
        _ => return None,
    };
    let value = i64::from_str_radix(&digits.replace('_', ""), radix).ok()?;
    let start_col = line_text[..start].chars().count() + 1;
    Some((
        (line, start_col),
        format!(
            "numbers are decimal (`{}` is not; write {value})",
            clip(token)
        ),
    ))
}

/// What a struct is called in messages.
fn struct_name(name: &str) -> String {
    match name {
        "Map" => "the map".to_owned(),
        "Node" => "a node".to_owned(),
        "Link" => "a link".to_owned(),
        "Scenario" => "a scenario".to_owned(),
        "Evidence" => "an evidence entry".to_owned(),
        "Thresholds" => "`thresholds`".to_owned(),
        "Sizing" => "`sizing`".to_owned(),
        other => format!("`{}`", clip(other)),
    }
}

fn in_what(outer: Option<&String>) -> String {
    outer.map_or_else(String::new, |o| format!(" in {}", struct_name(o)))
}

/// What an enum is called in messages.
fn enum_name(name: Option<&str>) -> &str {
    match name {
        Some("LinkKind") => "link kind",
        Some("Display") => "display",
        Some("Direction") => "direction",
        Some("Status") => "status",
        Some("Category") => "category",
        Some("Orientation") => "orientation",
        Some("Formula") => "formula",
        Some(other) => other,
        None => "value",
    }
}

fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// " — did you mean `x`?" when `found` is a likely typo of one of `names`, else the list.
fn hint(found: &str, names: &[&str]) -> String {
    let near = names
        .iter()
        .map(|n| (edit_distance(found, n), *n))
        .filter(|&(d, n)| {
            let prefix = n.len() >= 3 && (found.starts_with(n) || n.starts_with(found));
            d <= 2.max(n.len() / 4) || prefix
        })
        .min_by_key(|&(d, _)| d);
    match near {
        Some((_, near)) => format!(" — did you mean `{near}`?"),
        None => format!("; expected one of {}", one_of(names)),
    }
}

/// Levenshtein distance, in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn describe(code: &RonError) -> String {
    match code {
        RonError::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "unknown field `{}`{}{}",
            clip(found),
            in_what(outer.as_ref()),
            hint(found, expected)
        ),
        RonError::MissingStructField { field, outer } => {
            format!("missing field `{field}`{}", in_what(outer.as_ref()))
        }
        RonError::DuplicateStructField { field, outer } => {
            format!(
                "the field `{field}` is written twice{}",
                in_what(outer.as_ref())
            )
        }
        RonError::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unknown {} `{}`{}",
            enum_name(outer.as_deref()),
            clip(found),
            hint(found, expected)
        ),
        RonError::ExpectedDifferentStructName { expected, found } => {
            format!("expected `{expected}(…)` here, found `{}(…)`", clip(found))
        }
        RonError::ExpectedNamedStructLike("Map") => {
            "expected `Map(` — is this a Fulcrum map file?".to_owned()
        }
        RonError::ExpectedNamedStructLike(name) => {
            format!("expected `(` to start {}", struct_name(name))
        }
        RonError::ExceededRecursionLimit => "nested too deeply (more than 128 levels); map \
                                             files are flat, so this is not a Fulcrum map"
            .to_owned(),
        RonError::Eof => "the file ends too early — is it truncated?".to_owned(),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(edit_distance("titel", "title"), 2);
        assert_eq!(hint("titel", &["id", "title"]), " — did you mean `title`?");
        assert_eq!(
            hint("zzz", &["id", "title"]),
            "; expected one of `id`, `title`"
        );
        assert_eq!(
            hint("Percentage", &["Number", "Percent"]),
            " — did you mean `Percent`?"
        );
    }
}
