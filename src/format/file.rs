//! The file structs of formats 1 to 3 (2 adds `presentations`, 3 `evidence_strength`): what a map file holds, exactly as written, before validation.
//!
//! These mirror the text, not the model: the tree is flat (each node names its `parent`), ids
//! are plain strings, 1–5 scales are wide integers and maps are lists of pairs, so that every
//! mistake in a file survives parsing and can be reported by `validate` with its place rather
//! than stopping serde at the first one. Every struct denies unknown fields. The `nodes` list
//! is read by whatever type the caller names for it (`parse` names `convert`'s, which converts
//! node by node as it reads, so the structs of all nodes never exist at once); this module
//! imports nothing else of `format`. Nothing here checks meaning, and nothing here is used for
//! writing (see `write`).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::{
    Category, Direction, Display, Evidence, Formula, LinkKind, Orientation, Status, Thresholds,
};

/// The whole file: `Map(format: 1, title: …, nodes: […], links: […], scenarios: […])`, and
/// in format 2 `presentations: […]`.
/// Every field is optional here so that the halves of a big file, parsed apart, can tell
/// which fields each one holds; what is required is checked after parsing. `Nodes` is the
/// type the `nodes` list is read into: one that reads a sequence of [`FileNode`]s.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Map")]
pub(crate) struct FileMap<Nodes> {
    /// The format number; found first by a light scan, present here so it is accepted.
    pub format: Option<u64>,
    /// The map's title (empty when absent).
    pub title: Option<String>,
    /// Every node, parents usually before children; the order gives the children's order.
    pub nodes: Option<Nodes>,
    /// Links between nodes.
    pub links: Option<Vec<FileLink>>,
    /// Named what-ifs.
    pub scenarios: Option<Vec<FileScenario>>,
    /// Named presentations (format 2).
    pub presentations: Option<Vec<FilePresentation>>,
}

/// One node as written. Fields in the order of [`crate::model::Node`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Node")]
pub(crate) struct FileNode {
    pub id: Option<String>,
    pub parent: Option<String>,
    pub kind: Option<Ident>,
    /// Optional like the other fields, so `title: Some("…")` reads too (empty when absent).
    pub title: Option<String>,
    pub formula: Option<Formula>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub display: Option<Display>,
    pub target: Option<f64>,
    pub direction: Option<Direction>,
    pub thresholds: Option<Thresholds>,
    pub controllable: Option<bool>,
    pub history: Option<Pairs<smol_str::SmolStr>>,
    pub source: Option<String>,
    pub owner: Option<String>,
    pub sizing: Option<FileSizing>,
    pub market: Option<i64>,
    pub company: Option<i64>,
    pub customer: Option<i64>,
    pub evidence: Option<EvidenceField>,
    pub targeted: Option<bool>,
    pub status: Option<Status>,
    pub effort: Option<i64>,
    pub expected_lift: Option<f64>,
    pub category: Option<Category>,
    pub importance: Option<i64>,
    /// An evidence score beside evidence entries (format 3).
    pub evidence_strength: Option<i64>,
    pub method: Option<String>,
    pub success_criterion: Option<String>,
    pub result: Option<String>,
    pub orientation: Option<Orientation>,
    pub notes: Option<String>,
}

/// Opportunity sizing as written; the 1–5 range is checked by `validate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sizing")]
pub(crate) struct FileSizing {
    pub reach: i64,
    pub frequency: i64,
    pub severity: i64,
}

/// A link as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Link")]
pub(crate) struct FileLink {
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
}

/// A scenario as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub(crate) struct FileScenario {
    pub name: String,
    pub overrides: Option<Pairs>,
}

/// A named presentation as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Presentation")]
pub(crate) struct FilePresentation {
    pub name: String,
    #[serde(default)]
    pub steps: Vec<FileStep>,
}

/// One step of a presentation as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Step")]
pub(crate) struct FileStep {
    pub node: String,
    pub scenario: Option<String>,
    pub period: Option<String>,
}

/// A bare identifier (`Metric`), kept as text so an unknown one is a positioned problem among
/// all the others rather than the end of parsing.
#[derive(Debug)]
pub(crate) struct Ident(pub String);

impl<'de> Deserialize<'de> for Ident {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdentVisitor;
        impl Visitor<'_> for IdentVisitor {
            type Value = Ident;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a node kind such as `Metric`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ident, E> {
                Ok(Ident(v.to_owned()))
            }
        }
        deserializer.deserialize_identifier(IdentVisitor)
    }
}

/// The `evidence` field: a list of interview snapshots on an opportunity, or a strength 1–5
/// on an assumption.
#[derive(Debug)]
pub(crate) enum EvidenceField {
    /// `evidence: [(source: …), …]`.
    List(Vec<Evidence>),
    /// `evidence: 2`.
    Strength(i64),
}

impl<'de> Deserialize<'de> for EvidenceField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EvidenceVisitor;
        impl<'de> Visitor<'de> for EvidenceVisitor {
            type Value = EvidenceField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a list of evidence entries (opportunities) or a strength 1–5 (assumptions)",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EvidenceField, E> {
                Ok(EvidenceField::Strength(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EvidenceField, E> {
                Ok(EvidenceField::Strength(
                    i64::try_from(v).unwrap_or(i64::MAX),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EvidenceField, A::Error> {
                let mut list = Vec::new();
                while let Some(entry) = seq.next_element::<Evidence>()? {
                    list.push(entry);
                }
                Ok(EvidenceField::List(list))
            }
        }
        deserializer.deserialize_any(EvidenceVisitor)
    }
}

/// A RON map (`{"2026-09": 96000.0}`) kept as pairs in file order, so a key written twice is a
/// problem `validate` can report instead of one value silently replacing the other. A
/// history's labels are read as `SmolStr`s (held inline, as `History` keeps them: no string
/// allocated per period), a scenario's ids as strings.
#[derive(Debug, Default)]
pub(crate) struct Pairs<K = String>(pub Vec<(K, f64)>);

impl<'de, K: Deserialize<'de>> Deserialize<'de> for Pairs<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<K>(std::marker::PhantomData<K>);
        impl<'de, K: Deserialize<'de>> Visitor<'de> for PairsVisitor<K> {
            type Value = Pairs<K>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of text to numbers, such as {\"2026-09\": 96000.0}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<K>, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = map.next_entry::<K, f64>()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor(std::marker::PhantomData))
    }
}
