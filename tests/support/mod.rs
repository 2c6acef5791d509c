//! Helpers shared by the property tests of edits, diff and merge: a random value for any
//! node field, made from a seed, so a strategy of `(field, seed)` pairs covers every field of
//! the model's table with values a saved file can hold.
// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::borrow::Cow;

use fulcrum::model::{
    Category, Direction, Display, Evidence, Field, FieldValue, Formula, NodeKind, Orientation,
    Sizing, Status, Thresholds,
};

/// A small deterministic generator.
struct Seed(u64);

impl Seed {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn number(&mut self) -> f64 {
        (self.below(2_000_001) as f64 - 1_000_000.0) / 8.0
    }

    fn text(&mut self) -> String {
        let words = [
            "Dana",
            "churn",
            "é",
            "a \"quoted\" word",
            "back\\slash",
            "",
            "Ops",
        ];
        (0..self.below(3) + 1)
            .map(|_| self.pick(&words))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A value for `field` that a saved map can hold (finite numbers, scores 1–5); `Absent`
/// about one time in five for optional fields. `ids` are ids formulas may name.
pub fn field_value(field: Field, seed: u64, ids: &[&str]) -> FieldValue<'static> {
    let mut r = Seed(seed ^ 0x0005_DEEC_E66D);
    let required = matches!(field, Field::Kind | Field::Title);
    if !required && r.below(5) == 0 {
        return FieldValue::Absent;
    }
    let text = |r: &mut Seed| FieldValue::Text(Cow::Owned(r.text()));
    match field {
        Field::Kind => FieldValue::Kind(r.pick(&NodeKind::ALL)),
        Field::Title => text(&mut r),
        Field::Formula => FieldValue::Formula(Cow::Owned(match r.below(4) {
            0 => Formula::Sum,
            1 => Formula::Max,
            _ if ids.is_empty() => Formula::Mean,
            _ => Formula::Expr(format!("{} * 2 + 1", r.pick(ids))),
        })),
        Field::Value | Field::Target | Field::ExpectedLift => FieldValue::Number(r.number()),
        Field::Display => FieldValue::Display(r.pick(&[
            Display::Number,
            Display::Percent,
            Display::Currency,
            Display::Integer,
            Display::Ratio,
        ])),
        Field::Direction => {
            FieldValue::Direction(r.pick(&[Direction::HigherIsBetter, Direction::LowerIsBetter]))
        }
        Field::Thresholds => FieldValue::Thresholds(Thresholds {
            warn: r.number(),
            alert: r.number(),
        }),
        Field::Controllable | Field::Targeted => FieldValue::Bool(r.below(2) == 0),
        Field::History => {
            let mut history = fulcrum::model::History::new();
            for _ in 0..r.below(3) + 1 {
                history.insert(format!("2026-{:02}", r.below(12) + 1), r.number());
            }
            FieldValue::History(Cow::Owned(history))
        }
        Field::Sizing => FieldValue::Sizing(Sizing {
            reach: r.below(5) as u8 + 1,
            frequency: r.below(5) as u8 + 1,
            severity: r.below(5) as u8 + 1,
        }),
        Field::Market
        | Field::Company
        | Field::Customer
        | Field::Effort
        | Field::Importance
        | Field::EvidenceStrength => FieldValue::Score(r.below(5) as u8 + 1),
        Field::Evidence => FieldValue::Evidence(Cow::Owned(
            (0..r.below(2) + 1)
                .map(|_| Evidence {
                    source: r.text(),
                    date: (r.below(2) == 0).then(|| "2026-10-14".to_owned()),
                    quote: (r.below(2) == 0).then(|| r.text()),
                })
                .collect(),
        )),
        Field::Status => FieldValue::Status(r.pick(&[
            Status::Idea,
            Status::Shipped,
            Status::Planned,
            Status::Inconclusive,
        ])),
        Field::Category => {
            FieldValue::Category(r.pick(&[Category::Desirability, Category::Ethical]))
        }
        Field::Orientation => {
            FieldValue::Orientation(r.pick(&[Orientation::TopDown, Orientation::LeftRight]))
        }
        Field::Unit
        | Field::Source
        | Field::Owner
        | Field::Method
        | Field::SuccessCriterion
        | Field::Result
        | Field::Notes => text(&mut r),
    }
}

use fulcrum::edit::{Command, NewNode};
use fulcrum::model::{Link, LinkKind, Map, Node, NodeId, Scenario};

/// An abstract edit of a map; indices pick nodes of the map as it is when the edit runs.
#[derive(Debug, Clone)]
pub enum Edit {
    /// A new node under a picked one (a root when `None`).
    Add {
        parent: Option<usize>,
        kind: usize,
        title: String,
        index: usize,
    },
    /// Deletes a picked node's subtree.
    Delete(usize),
    /// Moves a picked node under another (a root when `None`).
    Move {
        node: usize,
        parent: Option<usize>,
        index: usize,
    },
    /// Sets field `Field::ALL[field]` of a picked node to a value made from `seed`.
    SetField {
        node: usize,
        field: usize,
        seed: u64,
    },
    /// Links two picked nodes.
    Link(usize, usize),
    /// Removes the k-th link.
    Unlink(usize),
    /// Overrides a picked node in a scenario (made if need be).
    Override(String, usize, f64),
}

/// The node at `i` (modulo the map's size) in depth-first order.
pub fn pick(map: &Map, i: usize) -> Option<NodeId> {
    let ids = map.dfs();
    (!ids.is_empty()).then(|| ids[i % ids.len()].clone())
}

/// The command an edit makes on `map` (`None` when it has nothing to pick).
pub fn command(map: &Map, edit: &Edit) -> Option<Command> {
    Some(match edit {
        Edit::Add {
            parent,
            kind,
            title,
            index,
        } => Command::AddNode(Box::new(NewNode {
            id: map.fresh_id(title),
            node: Node::new(NodeKind::ALL[*kind % NodeKind::ALL.len()], title.clone()),
            parent: parent.and_then(|p| pick(map, p)),
            index: *index,
        })),
        Edit::Delete(n) => Command::DeleteSubtree { id: pick(map, *n)? },
        Edit::Move {
            node,
            parent,
            index,
        } => Command::Move {
            id: pick(map, *node)?,
            parent: parent.and_then(|p| pick(map, p)),
            index: *index,
        },
        Edit::SetField { node, field, seed } => {
            let id = pick(map, *node)?;
            let ids: Vec<&str> = map.dfs().into_iter().map(NodeId::as_str).collect();
            let field = Field::ALL[*field % Field::ALL.len()];
            Command::SetField {
                id,
                field,
                value: field_value(field, *seed, &ids),
            }
        }
        Edit::Link(a, b) => Command::AddLink(Link {
            from: pick(map, *a)?,
            to: pick(map, *b)?,
            kind: LinkKind::Relates,
        }),
        Edit::Unlink(k) => {
            let links = map.links();
            Command::RemoveLink(links.get(k % links.len().max(1))?.clone())
        }
        Edit::Override(name, n, v) => {
            let id = pick(map, *n)?;
            let mut scenario = map.scenario(name).cloned().unwrap_or(Scenario {
                name: name.clone(),
                ..Scenario::default()
            });
            scenario.overrides.insert(id, *v);
            if map.scenario(name).is_some() {
                Command::SetScenario(scenario)
            } else {
                Command::AddScenario {
                    index: usize::MAX,
                    scenario,
                }
            }
        }
    })
}

/// `map` after every edit that applies (refused ones are skipped).
pub fn edited(map: &Map, edits: &[Edit]) -> Map {
    let mut map = map.clone();
    for edit in edits {
        if let Some(c) = command(&map, edit) {
            let _ = c.apply(&mut map);
        }
    }
    map
}
