//! A metric's past values by period label.
//!
//! A list sorted by label, not a tree: most metrics hold a handful of periods, and a
//! `BTreeMap` leaf keeps room for eleven (about 400 bytes a metric at three periods, against
//! about 100 here). Labels up to 23 bytes (`2026-09`, `2026-W48`, `FY2026 Q3`) live inside
//! the entry, so reading a period touches one block of memory, not a string per label.

use smol_str::SmolStr;

/// Past values by period label, sorted by label, each label once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History(Vec<(SmolStr, f64)>);

impl History {
    /// An empty history.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// The number of periods.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no period has a value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, period: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(p, _)| p.as_str().cmp(period))
    }

    /// The value in `period`.
    pub fn get(&self, period: &str) -> Option<&f64> {
        self.find(period).ok().map(|k| &self.0[k].1)
    }

    /// Whether `period` has a value.
    pub fn contains_key(&self, period: &str) -> bool {
        self.find(period).is_ok()
    }

    /// Sets the value in `period`, returning the one it replaced.
    pub fn insert(&mut self, period: impl AsRef<str>, value: f64) -> Option<f64> {
        let period = period.as_ref();
        match self.find(period) {
            Ok(k) => Some(std::mem::replace(&mut self.0[k].1, value)),
            Err(k) => {
                self.0.insert(k, (SmolStr::new(period), value));
                None
            }
        }
    }

    /// Removes `period`, returning its value.
    pub fn remove(&mut self, period: &str) -> Option<f64> {
        self.find(period).ok().map(|k| self.0.remove(k).1)
    }

    /// Removes every period.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The periods and their values, oldest label first.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    /// The period labels in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator + '_ {
        self.0.iter().map(|(p, _)| p.as_str())
    }

    /// The values in the order of their periods.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &f64> + ExactSizeIterator + '_ {
        self.0.iter().map(|(_, v)| v)
    }

    /// The last period by label and its value.
    pub fn last(&self) -> Option<(&str, f64)> {
        self.0.last().map(|(p, v)| (p.as_str(), *v))
    }

    /// The history of `pairs` in the order given, which must be sorted by label without a
    /// label twice (checked; the pairs are given back when not): the file reader's way in,
    /// with no search.
    pub(crate) fn from_sorted(pairs: Vec<(SmolStr, f64)>) -> Result<Self, Vec<(SmolStr, f64)>> {
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(pairs);
        }
        Ok(Self(pairs))
    }

    /// The history of `pairs` in any order, in one sort (not an insert each: a long history
    /// written newest first would take time quadratic in its length). A label given more than
    /// once keeps its last value; every later occurrence comes back with its place in `pairs`,
    /// in order.
    pub(crate) fn from_unsorted(pairs: Vec<(SmolStr, f64)>) -> (Self, Vec<(usize, SmolStr)>) {
        let mut placed: Vec<(usize, (SmolStr, f64))> = pairs.into_iter().enumerate().collect();
        // Stable: equal labels stay in the order given.
        placed.sort_by(|a, b| a.1.0.cmp(&b.1.0));
        let mut entries: Vec<(SmolStr, f64)> = Vec::with_capacity(placed.len());
        let mut repeats = Vec::new();
        for (n, (label, value)) in placed {
            match entries.last_mut() {
                Some(last) if last.0 == label => {
                    last.1 = value;
                    repeats.push((n, label));
                }
                _ => entries.push((label, value)),
            }
        }
        repeats.sort_by_key(|&(n, _)| n);
        (Self(entries), repeats)
    }
}

/// The entries of a [`History`], oldest label first.
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, (SmolStr, f64)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a f64);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(p, v)| (p.as_str(), v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(p, v)| (p.as_str(), v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a History {
    type Item = (&'a str, &'a f64);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Collects pairs in any order; a label given twice keeps its last value (as a map does).
impl<P: AsRef<str>> FromIterator<(P, f64)> for History {
    fn from_iter<I: IntoIterator<Item = (P, f64)>>(pairs: I) -> Self {
        let pairs = pairs
            .into_iter()
            .map(|(p, v)| (SmolStr::new(p), v))
            .collect();
        Self::from_unsorted(pairs).0
    }
}

impl<P: AsRef<str>> Extend<(P, f64)> for History {
    fn extend<I: IntoIterator<Item = (P, f64)>>(&mut self, pairs: I) {
        for (p, v) in pairs {
            self.insert(p.as_ref(), v);
        }
    }
}

impl<P: AsRef<str>, const N: usize> From<[(P, f64); N]> for History {
    fn from(pairs: [(P, f64); N]) -> Self {
        pairs.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_sorted_by_label_with_each_label_once() {
        let mut h = History::new();
        assert_eq!(h.insert("2026-10", 2.0), None);
        assert_eq!(h.insert("2026-08", 1.0), None);
        assert_eq!(h.insert("2026-09", 1.5), None);
        assert_eq!(h.insert("2026-09", 1.6), Some(1.5));
        assert_eq!(
            h.keys().collect::<Vec<_>>(),
            ["2026-08", "2026-09", "2026-10"]
        );
        assert_eq!(h.get("2026-09"), Some(&1.6));
        assert_eq!(h.get("2026-11"), None);
        assert_eq!(h.last(), Some(("2026-10", 2.0)));
        assert_eq!(h.remove("2026-08"), Some(1.0));
        assert_eq!(h.remove("2026-08"), None);
        assert_eq!(h.len(), 2);
        let long = "a period label longer than twenty-three bytes";
        h.insert(long, 3.0);
        assert_eq!(h.get(long), Some(&3.0));
        assert_eq!(h.iter().next_back(), Some((long, &3.0)));
    }

    #[test]
    fn collected_in_any_order_the_last_value_of_a_label_wins() {
        let h: History = [("b", 1.0), ("a", 2.0), ("b", 3.0)].into();
        assert_eq!(h.iter().collect::<Vec<_>>(), [("a", &2.0), ("b", &3.0)]);
    }

    #[test]
    fn sorted_in_one_go_with_each_repeat_named_by_its_place() {
        let pairs = [
            ("c", 1.0),
            ("a", 2.0),
            ("c", 3.0),
            ("b", 4.0),
            ("a", 5.0),
            ("c", 6.0),
        ];
        let pairs = pairs.map(|(p, v)| (SmolStr::new(p), v)).to_vec();
        let (h, repeats) = History::from_unsorted(pairs);
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            [("a", &5.0), ("b", &4.0), ("c", &6.0)]
        );
        let at: Vec<(usize, &str)> = repeats.iter().map(|(n, p)| (*n, p.as_str())).collect();
        assert_eq!(at, [(2, "c"), (4, "a"), (5, "c")]);
        // A long history written newest first: one sort, not an insert per period.
        let newest_first: History = (0..200_000)
            .rev()
            .map(|k| (format!("p{k:06}"), k as f64))
            .collect();
        assert_eq!(newest_first.len(), 200_000);
        assert_eq!(newest_first.iter().next(), Some(("p000000", &0.0)));
        assert!(
            newest_first
                .keys()
                .zip(newest_first.keys().skip(1))
                .all(|(a, b)| a < b)
        );
    }

    #[test]
    fn taken_as_given_only_when_sorted_without_repeats() {
        let pairs = |ps: &[&str]| {
            ps.iter()
                .map(|p| (SmolStr::new(p), 1.0))
                .collect::<Vec<_>>()
        };
        assert!(History::from_sorted(pairs(&["a", "b", "c"])).is_ok());
        assert!(History::from_sorted(pairs(&["a", "c", "b"])).is_err());
        assert!(History::from_sorted(pairs(&["a", "a"])).is_err());
        assert_eq!(History::from_sorted(Vec::new()), Ok(History::new()));
    }
}
