//! Proposed merges: nodes of the same kind from different maps whose titles mean the same.
//!
//! A pair's score (0–1) is 0.7 × the overlap of their stemmed words plus 0.3 × the
//! similarity of their titles as strings (strsim's Sørensen–Dice over character pairs, which
//! forgives typos and word order; each title's pairs are worked out once, not per pair), plus
//! a bonus of 0.1 when their parents are a matched pair too (capped at 1). The overlap is Dice's
//! (twice what is shared over what both have), each stem weighed by how rare it is among the
//! combined nodes (ln(1 + nodes / nodes with it)), so two titles that share only a word
//! every card uses (`report` in a map about reports) stay apart. Only pairs that share a stem,
//! or the first four letters of one, are scored at all — an inverted index over stems, so
//! the work grows with the pairs that could match, not with every pair of titles; a stem
//! found in more than a quarter of a big map's nodes of a kind says nothing and is not
//! indexed (it still counts in the score).
//!
//! Pairs at or over the threshold are clustered greedily, best first: two groups join when
//! no map would then have two nodes in the group (a map's own two nodes were kept apart by
//! the person who drew them). The node of the earliest map (then the earliest in the map)
//! is the one kept.

use std::collections::{HashMap, HashSet};

use super::Origins;
use super::words::{self, Word};
use crate::model::{Map, NodeId, NodeKind};

/// The threshold [`propose`] uses unless told otherwise.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// The bonus a pair gets when its parents are matched too.
const PARENT_BONUS: f64 = 0.1;

/// One node proposed to be merged into a group's kept node.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The node to merge.
    pub id: NodeId,
    /// The node of the group it was found similar to (the kept one or another member).
    pub like: NodeId,
    /// The score of that pair, 0–1.
    pub score: f64,
    /// Why, in words a person can check (`shared words: find, export`).
    pub reason: String,
}

/// A group of similar nodes, one per map at most: one kept, the others merged into it.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// The node that stays.
    pub keep: NodeId,
    /// The nodes to merge into it, in map order.
    pub merge: Vec<Member>,
}

impl Proposal {
    /// The lowest score among the group's pairs.
    pub fn score(&self) -> f64 {
        self.merge.iter().map(|m| m.score).fold(1.0, f64::min)
    }
}

/// A candidate node: what the scoring needs of it.
struct Cand<'m> {
    id: &'m NodeId,
    kind: NodeKind,
    origin: usize,
    words: Vec<Word>,
    /// Each word's weight, by how rare its stem is.
    weights: Vec<f64>,
    plain: String,
    /// The character pairs of `plain` without white space, sorted: strsim's Sørensen–Dice
    /// worked out once per node instead of once per pair.
    bigrams: Vec<(char, char)>,
    parent: Option<usize>,
    depth: usize,
}

/// The proposed merges among the nodes of `map` that `origins` places in a map, best groups
/// first; `rejected` pairs (either way round) are never proposed. Deterministic.
pub fn propose(
    map: &Map,
    origins: &Origins,
    threshold: f64,
    rejected: &HashSet<(NodeId, NodeId)>,
) -> Vec<Proposal> {
    let order = map.dfs();
    let mut pos: HashMap<&str, usize> = HashMap::with_capacity(order.len());
    let mut cands: Vec<Cand<'_>> = Vec::new();
    for &id in &order {
        let (Some(origin), Some(node)) = (origins.of(id.as_str()), map.node(id.as_str())) else {
            continue;
        };
        pos.insert(id.as_str(), cands.len());
        cands.push(Cand {
            id,
            kind: node.kind,
            origin,
            words: words::words(&node.title),
            weights: Vec::new(),
            plain: words::plain(&node.title),
            bigrams: Vec::new(),
            parent: None,
            depth: 0,
        });
    }
    let mut df: HashMap<String, usize> = HashMap::new();
    for c in &cands {
        for w in &c.words {
            *df.entry(w.stem.clone()).or_default() += 1;
        }
    }
    let total = cands.len() as f64;
    for c in &mut cands {
        c.bigrams = bigrams(&c.plain);
        c.weights = c
            .words
            .iter()
            .map(|w| (1.0 + total / df.get(&w.stem).copied().unwrap_or(1) as f64).ln())
            .collect();
    }
    for i in 0..cands.len() {
        let parent = map.parent(cands[i].id.as_str());
        cands[i].parent = parent.and_then(|p| pos.get(p.as_str()).copied());
        cands[i].depth = cands[i].parent.map_or(0, |p| cands[p].depth + 1);
    }

    let pairs = candidate_pairs(&cands);
    // Parents before children, so a parent pair's final score is known when its children's
    // bonus is decided.
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable_by_key(|&(a, b)| (cands[a].depth.max(cands[b].depth), a, b));
    let mut scored: HashMap<(usize, usize), (f64, bool)> = HashMap::with_capacity(pairs.len());
    for &(a, b) in &pairs {
        let base = base_score(&cands[a], &cands[b]);
        let bonus = match (cands[a].parent, cands[b].parent) {
            (Some(pa), Some(pb)) if pa != pb => {
                let key = (pa.min(pb), pa.max(pb));
                scored.get(&key).is_some_and(|(s, _)| *s >= threshold)
            }
            _ => false,
        };
        let score = if bonus {
            (base + PARENT_BONUS).min(1.0)
        } else {
            base
        };
        scored.insert((a, b), (score, bonus));
    }

    let mut good: Vec<((usize, usize), f64)> = scored
        .iter()
        .filter(|(_, (s, _))| *s >= threshold)
        .map(|(&k, &(s, _))| (k, s))
        .filter(|((a, b), _)| {
            let (x, y) = (cands[*a].id.clone(), cands[*b].id.clone());
            !rejected.contains(&(x.clone(), y.clone())) && !rejected.contains(&(y, x))
        })
        .collect();
    good.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));

    // Greedy clustering with one node per map in a group.
    let mut group: Vec<usize> = (0..cands.len()).collect();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut link: HashMap<usize, (usize, f64)> = HashMap::new();
    for &((a, b), score) in &good {
        let (ga, gb) = (group[a], group[b]);
        if ga == gb {
            continue;
        }
        let of = |g: usize, members: &HashMap<usize, Vec<usize>>| {
            members.get(&g).cloned().unwrap_or_else(|| vec![g])
        };
        let (ma, mb) = (of(ga, &members), of(gb, &members));
        let maps_a: HashSet<usize> = ma.iter().map(|&i| cands[i].origin).collect();
        if mb.iter().any(|&i| maps_a.contains(&cands[i].origin)) {
            continue;
        }
        // The newcomer is the side whose first node comes later; it joins through (a, b).
        let (stay, join, via) = if ma.iter().min() <= mb.iter().min() {
            (ga, mb.clone(), b)
        } else {
            (gb, ma.clone(), a)
        };
        let other = if via == a { b } else { a };
        link.insert(via, (other, score));
        let mut all = of(stay, &members);
        for &j in &join {
            group[j] = stay;
        }
        all.extend(join);
        members.remove(&ga);
        members.remove(&gb);
        members.insert(stay, all);
    }

    let mut out: Vec<Proposal> = Vec::new();
    let mut groups: Vec<Vec<usize>> = members.into_values().collect();
    for g in &mut groups {
        // Earliest map first, then map order: that node is kept.
        g.sort_unstable_by_key(|&i| (cands[i].origin, i));
    }
    groups.sort_unstable_by_key(|g| g[0]);
    for g in groups {
        let keep = g[0];
        let mut merge = Vec::new();
        for &m in &g[1..] {
            // The pair that brought it in, or failing that (it was the first of its side) its
            // best scored pair with another node of the group.
            let (like, score) = match link.get(&m) {
                Some(&(other, s)) if g.contains(&other) => (other, s),
                _ => g
                    .iter()
                    .filter(|&&o| o != m)
                    .filter_map(|&o| scored.get(&(o.min(m), o.max(m))).map(|p| (o, p.0)))
                    .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
                    .unwrap_or((keep, threshold)),
            };
            let key = (like.min(m), like.max(m));
            let bonus = scored.get(&key).is_some_and(|p| p.1);
            merge.push(Member {
                id: cands[m].id.clone(),
                like: cands[like].id.clone(),
                score,
                reason: reason(&cands[like], &cands[m], bonus),
            });
        }
        merge.sort_by_key(|m| pos.get(m.id.as_str()).copied());
        out.push(Proposal {
            keep: cands[keep].id.clone(),
            merge,
        });
    }
    out.sort_by(|x, y| {
        y.score()
            .total_cmp(&x.score())
            .then_with(|| pos.get(x.keep.as_str()).cmp(&pos.get(y.keep.as_str())))
    });
    out
}

/// The pairs of candidates that share an indexed key: same kind, different maps.
fn candidate_pairs(cands: &[Cand<'_>]) -> HashSet<(usize, usize)> {
    let mut index: HashMap<(NodeKind, String), Vec<usize>> = HashMap::new();
    let mut per_kind: HashMap<NodeKind, usize> = HashMap::new();
    for (i, c) in cands.iter().enumerate() {
        *per_kind.entry(c.kind).or_default() += 1;
        for key in keys(&c.words) {
            let list = index.entry((c.kind, key)).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let mut pairs = HashSet::new();
    for ((kind, _), list) in &index {
        let limit = (per_kind.get(kind).copied().unwrap_or(0) / 4).max(64);
        if list.len() > limit {
            continue;
        }
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                if cands[a].origin != cands[b].origin {
                    pairs.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    pairs
}

/// What a node is indexed by: its stems, and the first four letters of long ones (so a
/// typo late in a word still finds its pair).
fn keys(words: &[Word]) -> impl Iterator<Item = String> + '_ {
    words.iter().flat_map(|w| {
        let prefix: String = w.stem.chars().take(4).collect();
        let long = w.stem.chars().count() > 4;
        std::iter::once(w.stem.clone()).chain(long.then(|| format!("{prefix}…")))
    })
}

/// The score of a pair before any parent bonus.
fn base_score(a: &Cand<'_>, b: &Cand<'_>) -> f64 {
    let mut shared = 0.0;
    for (w, weight) in a.words.iter().zip(&a.weights) {
        if let Some(k) = b.words.iter().position(|v| v.stem == w.stem) {
            shared += weight + b.weights[k];
        }
    }
    let total: f64 = a.weights.iter().sum::<f64>() + b.weights.iter().sum::<f64>();
    let overlap = if total > 0.0 { shared / total } else { 0.0 };
    0.7 * overlap + 0.3 * dice(a, b)
}

/// The sorted character pairs of `s` without its white space.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    pairs.sort_unstable();
    pairs
}

/// `strsim::sorensen_dice(&a.plain, &b.plain)`, from the precomputed pairs (a test checks
/// they agree). For text beyond ASCII this divides by the number of character pairs where
/// strsim divides by bytes, which is the measure strsim means.
fn dice(a: &Cand<'_>, b: &Cand<'_>) -> f64 {
    let (x, y) = (&a.bigrams, &b.bigrams);
    let solid = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<Vec<char>>()
    };
    if x == y && solid(&a.plain) == solid(&b.plain) {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * both) as f64 / (x.len() + y.len()) as f64
}

/// The words of `a` whose stems `b` has too, as `a` writes them.
fn shared<'c>(a: &'c Cand<'_>, b: &Cand<'_>) -> Vec<&'c str> {
    a.words
        .iter()
        .filter(|w| b.words.iter().any(|v| v.stem == w.stem))
        .map(|w| w.surface.as_str())
        .collect()
}

/// Why a pair is proposed, in words.
fn reason(a: &Cand<'_>, b: &Cand<'_>, parents_matched: bool) -> String {
    let shared = shared(a, b);
    let mut text = if shared.is_empty() {
        let alike = (dice(a, b) * 100.0).round();
        format!("similar spelling ({alike}% alike)")
    } else {
        format!("shared words: {}", shared.join(", "))
    };
    if parents_matched {
        text.push_str("; parents matched");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand<'m>(id: &'m NodeId, title: &str) -> Cand<'m> {
        let plain = words::plain(title);
        Cand {
            id,
            kind: NodeKind::Opportunity,
            origin: 0,
            words: words::words(title),
            weights: Vec::new(),
            bigrams: bigrams(&plain),
            plain,
            parent: None,
            depth: 0,
        }
    }

    /// The precomputed pairs give strsim's Sørensen–Dice to the last bit (ASCII titles).
    #[test]
    fn dice_is_strsims() {
        let id = NodeId::from_title("x", |_| false);
        let titles = [
            "I can't find where to export a report",
            "People can't find the Export button",
            "Finding the export takes too long",
            "Onbording is slow",
            "Onboarding is slow",
            "x",
            "",
            "aaaa aa",
            "aa aaaa",
        ];
        for a in titles {
            for b in titles {
                let (ca, cb) = (cand(&id, a), cand(&id, b));
                let want = strsim::sorensen_dice(&ca.plain, &cb.plain);
                assert_eq!(dice(&ca, &cb).to_bits(), want.to_bits(), "{a:?} {b:?}");
            }
        }
    }
}
