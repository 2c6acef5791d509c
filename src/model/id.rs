//! Stable node ids: `[a-z_][a-z0-9_]*`, unique in a map, made once from a node's first title.
//!
//! Ids are what files, formulas and links refer to, so they never change behind the user's
//! back; renaming one is an explicit command. This module knows nothing of the graph.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::clip;

/// Function names of the formula language, which cannot be ids.
pub const RESERVED: &[&str] = &["min", "max", "abs", "sqrt", "ln", "exp", "if"];

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// A node's stable id. Always well-formed: construct it with [`NodeId::new`] or
/// [`NodeId::from_title`]. Shared, not copied: cloning an id (programs, reports, undo
/// records hold many) is a reference count, never an allocation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub(super) Arc<str>);

impl std::borrow::Borrow<str> for NodeId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl NodeId {
    /// Checks `s` against the id grammar and returns it as an id, or says what is wrong.
    pub fn new(s: &str) -> Result<Self, String> {
        match id_problem(s) {
            None => Ok(Self(s.into())),
            Some(problem) => Err(problem),
        }
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Makes an id from a title (`Starting MRR` → `starting_mrr`), adding `_2`, `_3`, … until
    /// `taken` says the id is free.
    pub fn from_title(title: &str, taken: impl Fn(&str) -> bool) -> Self {
        let base = slug(title);
        if !taken(&base) {
            return Self(base.into());
        }
        let mut n = 2usize;
        loop {
            let candidate = format!("{base}_{n}");
            if !taken(&candidate) {
                return Self(candidate.into());
            }
            n += 1;
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for NodeId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why `s` is not a well-formed id, or `None` when it is.
pub fn id_problem(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return Some("an id cannot be empty".to_owned());
    };
    if s.len() > MAX_ID_LEN {
        return Some(format!(
            "id `{}` is longer than {MAX_ID_LEN} characters",
            clip(s)
        ));
    }
    if !(first.is_ascii_lowercase() || first == '_') {
        return Some(format!(
            "id `{}` must start with a lowercase letter or `_`",
            clip(s)
        ));
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Some(format!(
            "id `{}` contains `{}`: ids use lowercase letters, digits and `_`",
            clip(s),
            bad.escape_debug()
        ));
    }
    if RESERVED.contains(&s) {
        return Some(format!("id `{s}` is a formula function name"));
    }
    None
}

/// The slug of a title: lowercase ASCII words joined by `_`, never empty, never reserved.
fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut pending_sep = false;
    for c in title.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_sep = true;
        }
        if out.len() >= MAX_ID_LEN - 8 {
            break;
        }
    }
    if out.is_empty() {
        out.push_str("node");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || RESERVED.contains(&out.as_str()) {
        out.insert(0, '_');
    }
    out
}

/// Folds common Latin accented letters to their ASCII base so `Café` → `cafe`.
fn fold_accent(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' | 'ø' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_ids() {
        let none = |_: &str| false;
        assert_eq!(
            NodeId::from_title("Starting MRR", none).as_str(),
            "starting_mrr"
        );
        assert_eq!(
            NodeId::from_title("  Net revenue — retention! ", none).as_str(),
            "net_revenue_retention"
        );
        assert_eq!(NodeId::from_title("2026 plan", none).as_str(), "_2026_plan");
        assert_eq!(NodeId::from_title("", none).as_str(), "node");
        assert_eq!(NodeId::from_title("Max", none).as_str(), "_max");
        assert_eq!(NodeId::from_title("Café", none).as_str(), "cafe");
    }

    #[test]
    fn clashes_get_a_suffix() {
        let taken = |s: &str| s == "starting_mrr" || s == "starting_mrr_2";
        assert_eq!(
            NodeId::from_title("Starting MRR", taken).as_str(),
            "starting_mrr_3"
        );
    }

    #[test]
    fn grammar_is_enforced() {
        assert!(NodeId::new("churn_rate2").is_ok());
        assert!(NodeId::new("_x").is_ok());
        assert!(NodeId::new("").is_err());
        assert!(NodeId::new("Churn").is_err());
        assert!(NodeId::new("2x").is_err());
        assert!(NodeId::new("a-b").is_err());
        assert!(NodeId::new("sqrt").is_err());
        assert!(NodeId::new(&"a".repeat(65)).is_err());
    }
}
