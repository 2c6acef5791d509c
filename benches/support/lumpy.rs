//! The lumpy period of the "why it moved" measurements, shared by `benches/explain.rs` and
//! `examples/engine_profile.rs` (each includes this file with `#[path]`), so the bench and
//! the profile measure the same attribution.

use fulcrum::edit::{Command, EditError};
use fulcrum::model::{Map, NodeId};

/// The map with a period 2026-11 in which every input moved by its own −10 % … +10 %
/// (a fixed xorshift sequence), added as one batch of commands.
pub fn with_a_lumpy_period(mut map: Map) -> Result<Map, EditError> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let inputs: Vec<(NodeId, f64)> = map
        .iter()
        .filter_map(|(id, n)| {
            n.value
                .filter(|_| n.formula.is_none())
                .map(|v| (id.clone(), v))
        })
        .collect();
    let mut steps = Vec::with_capacity(inputs.len());
    for (id, v) in inputs {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let factor = 0.9 + 0.2 * (state >> 11) as f64 / (1u64 << 53) as f64;
        let Some(node) = map.node(id.as_str()) else {
            continue;
        };
        let mut node = node.clone();
        node.history.insert("2026-11", v * factor);
        steps.push(Command::SetNode {
            id,
            node: Box::new(node),
        });
    }
    Command::Batch(steps).apply(&mut map)?;
    Ok(map)
}
