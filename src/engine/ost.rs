//! Opportunity-solution-tree roll-ups (SPEC §4.3): untested leaps of faith per solution, the
//! solutions and best expected lift per opportunity, and a solution's estimated effect on the
//! North Star through an outcome that `Measures` a driver-tree metric.

use super::leverage::Leverage;
use crate::model::{LinkKind, Map, NodeId, NodeKind, Status};

/// What a solution's subtree says.
#[derive(Debug, Clone, PartialEq)]
pub struct SolutionSummary {
    /// The solution.
    pub id: NodeId,
    /// Its assumptions that are leaps of faith (importance ≥ 4, evidence ≤ 2) and have no
    /// finished test (Passed, Failed or Inconclusive).
    pub untested_leaps: Vec<NodeId>,
    /// Its expected lift, if set.
    pub expected_lift: Option<f64>,
    /// Expected lift × the elasticity of the metric its outcome measures: the estimated
    /// relative change of the top metric.
    pub north_star_effect: Option<f64>,
}

/// What an opportunity's subtree says.
#[derive(Debug, Clone, PartialEq)]
pub struct OpportunitySummary {
    /// The opportunity.
    pub id: NodeId,
    /// Solutions in its subtree (including under sub-opportunities).
    pub solutions: Vec<NodeId>,
    /// The largest expected lift among them, ignoring dropped ones.
    pub best_expected_lift: Option<f64>,
}

/// The untested leaps of faith under a solution.
pub fn untested_leaps(map: &Map, solution: &str) -> Vec<NodeId> {
    map.subtree(solution)
        .into_iter()
        .filter(|id| {
            map.node(id.as_str()).is_some_and(|n| n.is_leap_of_faith())
                && !map.children(id.as_str()).any(|t| {
                    map.node(t.as_str()).is_some_and(|n| {
                        n.kind == NodeKind::Test
                            && matches!(
                                n.status,
                                Some(Status::Passed | Status::Failed | Status::Inconclusive)
                            )
                    })
                })
        })
        .cloned()
        .collect()
}

/// The metric measured by the outcome above `id` (the nearest `Outcome` ancestor with a
/// `Measures` link).
pub fn measured_metric(map: &Map, id: &str) -> Option<NodeId> {
    let mut cur = map.id(id)?.clone();
    loop {
        if map.node(cur.as_str())?.kind == NodeKind::Outcome {
            let link = map
                .links_of(cur.as_str())
                .into_iter()
                .find(|l| l.kind == LinkKind::Measures && l.from == cur)?;
            return Some(link.to);
        }
        cur = map.parent(cur.as_str())?.clone();
    }
}

/// The summary of one solution; `leverage` (of the North Star) gives the elasticity.
pub fn solution_summary(
    map: &Map,
    solution: &str,
    leverage: Option<&Leverage>,
) -> Option<SolutionSummary> {
    let elasticity = |metric: &NodeId| -> Option<f64> {
        let lev = leverage?;
        if *metric == lev.top {
            return Some(1.0);
        }
        lev.levers.iter().find(|l| &l.id == metric)?.elasticity
    };
    solution_summary_with(map, solution, elasticity)
}

/// The summary of one solution, with the elasticity of a metric (of the North Star: 1 for
/// the North Star itself) from `elasticity`.
pub fn solution_summary_with(
    map: &Map,
    solution: &str,
    elasticity: impl Fn(&NodeId) -> Option<f64>,
) -> Option<SolutionSummary> {
    let node = map.node(solution)?;
    let id = map.id(solution)?.clone();
    let north_star_effect = (|| {
        let lift = node.expected_lift?;
        let metric = measured_metric(map, solution)?;
        Some(lift * elasticity(&metric)?)
    })();
    Some(SolutionSummary {
        untested_leaps: untested_leaps(map, solution),
        expected_lift: node.expected_lift,
        north_star_effect,
        id,
    })
}

/// The summary of one opportunity.
pub fn opportunity_summary(map: &Map, opportunity: &str) -> Option<OpportunitySummary> {
    let id = map.id(opportunity)?.clone();
    let solutions: Vec<NodeId> = map
        .subtree(opportunity)
        .into_iter()
        .filter(|s| {
            map.node(s.as_str())
                .is_some_and(|n| n.kind == NodeKind::Solution)
        })
        .cloned()
        .collect();
    let best_expected_lift = solutions
        .iter()
        .filter_map(|s| map.node(s.as_str()))
        .filter(|n| n.status != Some(Status::Dropped))
        .filter_map(|n| n.expected_lift)
        .reduce(f64::max);
    Some(OpportunitySummary {
        id,
        solutions,
        best_expected_lift,
    })
}
