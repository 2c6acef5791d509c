//! Red/amber/green status of a metric from its value, target, direction and thresholds.

use serde::Serialize;

use crate::model::{Direction, Node};

/// A metric's status colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    /// On track.
    Green,
    /// Past the warning threshold, or short of the target.
    Amber,
    /// Past the alert threshold.
    Red,
}

impl Rag {
    /// The lowercase name used in CSV and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }
}

/// The status of `node` at `value`: with thresholds, red past `alert` and amber past `warn`
/// ("past" is below for HigherIsBetter, above for LowerIsBetter); with only a target, green
/// when it is met and amber when not; with neither, none.
pub fn status(node: &Node, value: f64) -> Option<Rag> {
    let higher = node.direction.unwrap_or_default() == Direction::HigherIsBetter;
    let past = |limit: f64| if higher { value < limit } else { value > limit };
    if let Some(t) = node.thresholds {
        return Some(if past(t.alert) {
            Rag::Red
        } else if past(t.warn) {
            Rag::Amber
        } else {
            Rag::Green
        });
    }
    let target = node.target?;
    Some(if past(target) { Rag::Amber } else { Rag::Green })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeKind, Thresholds};

    fn metric(direction: Direction, target: Option<f64>, th: Option<(f64, f64)>) -> Node {
        let mut n = Node::new(NodeKind::Metric, "m");
        n.direction = Some(direction);
        n.target = target;
        n.thresholds = th.map(|(warn, alert)| Thresholds { warn, alert });
        n
    }

    #[test]
    fn thresholds_higher_is_better() {
        let n = metric(Direction::HigherIsBetter, Some(1.10), Some((1.05, 1.00)));
        assert_eq!(status(&n, 1.07), Some(Rag::Green));
        assert_eq!(status(&n, 1.05), Some(Rag::Green));
        assert_eq!(status(&n, 1.02), Some(Rag::Amber));
        assert_eq!(status(&n, 0.99), Some(Rag::Red));
    }

    #[test]
    fn thresholds_lower_is_better() {
        let n = metric(Direction::LowerIsBetter, None, Some((0.03, 0.05)));
        assert_eq!(status(&n, 0.02), Some(Rag::Green));
        assert_eq!(status(&n, 0.04), Some(Rag::Amber));
        assert_eq!(status(&n, 0.06), Some(Rag::Red));
    }

    #[test]
    fn target_only_and_nothing() {
        let n = metric(Direction::HigherIsBetter, Some(10.0), None);
        assert_eq!(status(&n, 10.0), Some(Rag::Green));
        assert_eq!(status(&n, 9.0), Some(Rag::Amber));
        let n = metric(Direction::LowerIsBetter, Some(10.0), None);
        assert_eq!(status(&n, 9.0), Some(Rag::Green));
        assert_eq!(status(&n, 11.0), Some(Rag::Amber));
        let n = metric(Direction::HigherIsBetter, None, None);
        assert_eq!(status(&n, 9.0), None);
    }
}
