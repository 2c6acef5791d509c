//! Sibling order: which items of a reordered list really moved, and the merge of two
//! reorderings of one list — shared by the diff and the three-way merge.
//!
//! "Really moved" means the fewest moves: the items of a longest increasing subsequence of
//! old positions stayed, every other item moved. Everything here is iterative and
//! O(n log n); it knows nothing of maps.

/// For each element of `seq` (old positions, all distinct), whether it belongs to a longest
/// increasing subsequence — the items that kept their place when the others moved. Among
/// several longest ones the choice is always the same for the same input.
pub(crate) fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    // tails[k]: index into `seq` of the smallest possible last element of an increasing
    // subsequence of length k + 1; prev[i]: the element before i in the subsequence ending
    // at i.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev = vec![usize::MAX; seq.len()];
    for (i, &x) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq[t] < x);
        if k > 0 {
            prev[i] = tails[k - 1];
        }
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut keep = vec![false; seq.len()];
    let mut cur = tails.last().copied().unwrap_or(usize::MAX);
    while cur != usize::MAX {
        keep[cur] = true;
        cur = prev[cur];
    }
    keep
}

/// Who puts an item in its place in a merged list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placer {
    /// The item keeps its base order relative to the other base-placed items.
    Base,
    /// The item follows the item before it in the preferred side's list.
    Preferred,
    /// The item follows the item before it in the other side's list.
    Other,
}

/// Merges the order of one list: `items` are the merged list's members in any order, each
/// with who places it; `base`, `preferred` and `other` are the three versions of the list
/// (each may hold items that are not members, which are skipped). Base-placed items keep
/// their order in `base`; an item placed by a side goes right after the nearest item before
/// it in that side's list that is a member (first when there is none); after one anchor, the
/// preferred side's items come before the other side's. Iterative; ties are broken the same
/// way every time, so the result is a function of its inputs. Also says whether there was
/// such a tie (both sides placing items right after one anchor), the one case where the
/// order depends on which side is preferred.
pub(crate) fn merge_order<K: Copy + Eq + std::hash::Hash>(
    items: &[(K, Placer)],
    base: &[K],
    preferred: &[K],
    other: &[K],
) -> (Vec<K>, bool) {
    use std::collections::HashMap;
    let placer: HashMap<K, Placer> = items.iter().copied().collect();
    // Attachments: after each anchor (None = the front), the items placed right after it.
    let mut after: HashMap<Option<K>, Vec<K>> = HashMap::new();
    let mut preferred_anchors: std::collections::HashSet<Option<K>> = Default::default();
    let mut tie = false;
    for (list, side) in [(preferred, Placer::Preferred), (other, Placer::Other)] {
        let mut anchor: Option<K> = None;
        for &k in list {
            match placer.get(&k) {
                Some(&p) if p == side => {
                    if side == Placer::Preferred {
                        preferred_anchors.insert(anchor);
                    } else {
                        tie |= preferred_anchors.contains(&anchor);
                    }
                    after.entry(anchor).or_default().push(k);
                }
                Some(_) => {}
                None => continue,
            }
            anchor = Some(k);
        }
    }
    let spine: Vec<K> = base
        .iter()
        .copied()
        .filter(|k| placer.get(k) == Some(&Placer::Base))
        .collect();
    let mut out = Vec::with_capacity(items.len());
    // Depth-first over the attachments: an item, then what is attached after it.
    let mut stack: Vec<K> = Vec::new();
    let mut emit = |start: Option<K>, out: &mut Vec<K>, stack: &mut Vec<K>| {
        if let Some(kids) = after.remove(&start) {
            stack.extend(kids.into_iter().rev());
        }
        while let Some(k) = stack.pop() {
            out.push(k);
            if let Some(kids) = after.remove(&Some(k)) {
                stack.extend(kids.into_iter().rev());
            }
        }
    };
    emit(None, &mut out, &mut stack);
    for k in spine {
        out.push(k);
        emit(Some(k), &mut out, &mut stack);
    }
    // Items whose anchor never made it into the list (cannot happen with consistent inputs)
    // still appear, in the order given.
    if out.len() < items.len() {
        let placed: std::collections::HashSet<K> = out.iter().copied().collect();
        out.extend(
            items
                .iter()
                .map(|&(k, _)| k)
                .filter(|k| !placed.contains(k)),
        );
    }
    (out, tie)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(seq: &[usize]) -> Vec<usize> {
        let keep = longest_increasing(seq);
        seq.iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(&x, _)| x)
            .collect()
    }

    #[test]
    fn the_fewest_moves_are_found() {
        assert_eq!(kept(&[]), Vec::<usize>::new());
        assert_eq!(kept(&[0, 1, 2, 3]), [0, 1, 2, 3]);
        // One item moved to the front: only it is reported.
        assert_eq!(kept(&[3, 0, 1, 2]), [0, 1, 2]);
        // One item moved to the end.
        assert_eq!(kept(&[1, 2, 3, 0]), [1, 2, 3]);
        assert_eq!(kept(&[2, 0, 3, 1]).len(), 2);
        assert_eq!(kept(&[4, 3, 2, 1, 0]).len(), 1);
    }

    #[test]
    fn one_sides_reordering_merges_into_itself() {
        use Placer::*;
        let base = [1, 2, 3, 4];
        let ours = [4, 1, 2, 3];
        let items = [(1, Base), (2, Base), (3, Base), (4, Preferred)];
        assert_eq!(
            merge_order(&items, &base, &ours, &base),
            (ours.to_vec(), false)
        );
        // Both sides move different items: both moves are kept.
        let theirs = [1, 3, 2, 4];
        let items = [(1, Base), (2, Other), (3, Base), (4, Preferred)];
        assert_eq!(
            merge_order(&items, &base, &ours, &theirs),
            (vec![4, 1, 3, 2], false)
        );
        // Both sides insert right after 1: ours first, and a tie.
        let (ours, theirs) = ([1, 5, 2], [1, 6, 2]);
        let items = [(1, Base), (2, Base), (5, Preferred), (6, Other)];
        assert_eq!(
            merge_order(&items, &[1, 2], &ours, &theirs),
            (vec![1, 5, 6, 2], true)
        );
    }
}
