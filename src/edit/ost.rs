//! Edits of an opportunity solution tree that touch more than one field or node, built as
//! one [`Command`] so each is one undo step: marking the target opportunity (at most one
//! among siblings, SPEC §4.3) and placing an assumption on the assumption map (importance
//! and evidence together). Pure functions of the map; the app and tests send what they
//! return.

use crate::model::{Field, FieldValue, Map, NodeKind};

use super::Command;

/// Marks `id` as the target opportunity (`on`) or unmarks it. Marking also unmarks every
/// sibling that is marked, in the same command. `None` when nothing would change or `id` is
/// not an opportunity of the map.
pub fn set_target(map: &Map, id: &str, on: bool) -> Option<Command> {
    let node = map.node(id)?;
    if node.kind != NodeKind::Opportunity {
        return None;
    }
    let id = map.id(id)?.clone();
    let set = |id, on| Command::SetField {
        id,
        field: Field::Targeted,
        value: FieldValue::Bool(on),
    };
    if !on {
        return node.targeted.then(|| set(id, false));
    }
    let siblings: Vec<_> = match map.parent(id.as_str()) {
        Some(p) => map.children(p.as_str()).cloned().collect(),
        None => map.roots().cloned().collect(),
    };
    let mut changes: Vec<Command> = siblings
        .into_iter()
        .filter(|s| *s != id && map.node(s.as_str()).is_some_and(|n| n.targeted))
        .map(|s| set(s, false))
        .collect();
    if !node.targeted {
        changes.push(set(id, true));
    }
    match changes.len() {
        0 => None,
        1 => changes.pop(),
        _ => Some(Command::Batch(changes)),
    }
}

/// Sets an assumption's importance and evidence (1–5, clamped) in one command. `None` when
/// both are already so or `id` is not an assumption of the map.
pub fn set_assumption_scores(map: &Map, id: &str, importance: u8, evidence: u8) -> Option<Command> {
    let node = map.node(id)?;
    if node.kind != NodeKind::Assumption {
        return None;
    }
    let (importance, evidence) = (importance.clamp(1, 5), evidence.clamp(1, 5));
    if node.importance == Some(importance) && node.evidence_strength == Some(evidence) {
        return None;
    }
    let id = map.id(id)?.clone();
    Some(Command::Batch(vec![
        Command::SetField {
            id: id.clone(),
            field: Field::Importance,
            value: FieldValue::Score(importance),
        },
        Command::SetField {
            id,
            field: Field::EvidenceStrength,
            value: FieldValue::Score(evidence),
        },
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, NodeId};

    fn id(s: &str) -> NodeId {
        NodeId::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn tree() -> Map {
        let mut map = Map::new("OST");
        let mut add = |name: &str, kind, parent: Option<&str>, targeted| {
            let mut node = Node::new(kind, name);
            node.targeted = targeted;
            let n = parent.map_or(0, |p| map.child_count(p));
            map.insert(id(name), node, parent, n)
                .unwrap_or_else(|e| panic!("{e}"));
        };
        add("goal", NodeKind::Outcome, None, false);
        add("a", NodeKind::Opportunity, Some("goal"), true);
        add("b", NodeKind::Opportunity, Some("goal"), false);
        add("c", NodeKind::Opportunity, Some("a"), true);
        add("s", NodeKind::Solution, Some("b"), false);
        add("risk", NodeKind::Assumption, Some("s"), false);
        map
    }

    fn targeted(map: &Map) -> Vec<&str> {
        let mut ids: Vec<&str> = map
            .iter()
            .filter(|(_, n)| n.targeted)
            .map(|(i, _)| i.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn marking_a_target_unmarks_its_siblings_only_and_undoes_in_one_step() {
        let mut map = tree();
        let command = set_target(&map, "b", true).unwrap_or_else(|| panic!("a change"));
        let inverse = command.apply(&mut map).unwrap_or_else(|e| panic!("{e}"));
        // `c` is a child of `a`, not a sibling of `b`: it keeps its mark.
        assert_eq!(targeted(&map), vec!["b", "c"]);
        inverse.apply(&mut map).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(targeted(&map), vec!["a", "c"]);
    }

    #[test]
    fn unmarking_and_marking_again_change_only_what_differs() {
        let map = tree();
        assert_eq!(set_target(&map, "a", true), None);
        assert_eq!(set_target(&map, "b", false), None);
        assert!(matches!(
            set_target(&map, "a", false),
            Some(Command::SetField { .. })
        ));
        assert_eq!(set_target(&map, "s", true), None, "only opportunities");
        assert_eq!(set_target(&map, "nope", true), None);
    }

    #[test]
    fn scores_are_set_together_and_clamped() {
        let mut map = tree();
        let command =
            set_assumption_scores(&map, "risk", 9, 0).unwrap_or_else(|| panic!("a change"));
        command.apply(&mut map).unwrap_or_else(|e| panic!("{e}"));
        let node = map.node("risk").unwrap_or_else(|| panic!("risk"));
        assert_eq!(
            (node.importance, node.evidence_strength),
            (Some(5), Some(1))
        );
        assert!(node.is_leap_of_faith());
        assert_eq!(set_assumption_scores(&map, "risk", 5, 1), None);
        assert_eq!(set_assumption_scores(&map, "s", 5, 1), None);
    }
}
