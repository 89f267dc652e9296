//! Compact join indexes for Milan-sized snapshots: records grouped by unit in two flat
//! vectors ([`ByUnit`]), and records grouped by a person code without cloning the codes
//! ([`ByCode`]: 64-bit hashes of the written code, verified against the records on lookup,
//! with an exact map for the groups whose hashes collide).

use std::collections::HashMap;
use std::hash::BuildHasher;

use segit_model::TaxId;

/// Hasher of the engine's hash maps (fast, seeded per process).
pub type Hasher = foldhash::fast::RandomState;

/// A hash map with the engine's hasher.
pub type Map<K, V> = HashMap<K, V, Hasher>;

/// Records grouped by unit index: `items[start[u]..start[u + 1]]`, in insertion order,
/// without consecutive repeats (the behaviour of the maps it replaces).
#[derive(Debug, Default)]
pub struct ByUnit {
    start: Vec<u32>,
    items: Vec<usize>,
}

impl ByUnit {
    /// Groups `(unit, record)` pairs; `units` is the number of units.
    pub fn build(units: usize, pairs: &[(usize, usize)]) -> Self {
        let mut count = vec![0u32; units + 1];
        let mut last: Vec<usize> = vec![usize::MAX; units];
        let mut kept: Vec<bool> = Vec::with_capacity(pairs.len());
        for &(u, r) in pairs {
            let keep = u < units && last[u] != r;
            if keep {
                last[u] = r;
                count[u + 1] += 1;
            }
            kept.push(keep);
        }
        drop(last);
        for i in 1..count.len() {
            count[i] += count[i - 1];
        }
        let mut fill = count.clone();
        let mut items = vec![0usize; count[units] as usize];
        for (&(u, r), keep) in pairs.iter().zip(kept) {
            if keep {
                items[fill[u] as usize] = r;
                fill[u] += 1;
            }
        }
        Self {
            start: count,
            items,
        }
    }

    /// Records of `unit`.
    pub fn get(&self, unit: usize) -> &[usize] {
        match (self.start.get(unit), self.start.get(unit + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// Records grouped by a person code (as written), the codes staying in the records.
#[derive(Debug, Default)]
pub struct ByCode {
    state: foldhash::fast::FixedState,
    hashes: Vec<u64>,
    items: Vec<usize>,
    /// `buckets[b]..buckets[b + 1]`: the entries whose hash has `b` as its top `bits` bits
    /// (a lookup touches one bucket instead of binary-searching every hash).
    buckets: Vec<u32>,
    bits: u32,
    /// Groups whose hash is shared by different codes.
    exact: Map<String, Vec<usize>>,
}

impl ByCode {
    fn hash(state: &foldhash::fast::FixedState, code: &str) -> u64 {
        state.hash_one(code)
    }

    /// Groups the records `0..n` by `code_of(record)` (records without a code are left out),
    /// each group in ascending record order.
    pub fn build<'a>(n: usize, code_of: impl Fn(usize) -> Option<&'a TaxId>) -> Self {
        let state = foldhash::fast::FixedState::default();
        let mut pairs: Vec<(u64, usize)> = (0..n)
            .filter_map(|i| code_of(i).map(|c| (Self::hash(&state, c.as_written()), i)))
            .collect();
        pairs.sort_unstable();
        let mut me = Self {
            state,
            hashes: Vec::with_capacity(pairs.len()),
            items: Vec::with_capacity(pairs.len()),
            buckets: Vec::new(),
            bits: 0,
            exact: Map::default(),
        };
        let mut start = 0;
        while start < pairs.len() {
            let h = pairs[start].0;
            let end = start + pairs[start..].iter().take_while(|p| p.0 == h).count();
            let group = &pairs[start..end];
            let first = code_of(group[0].1).map(TaxId::as_written);
            if group
                .iter()
                .all(|p| code_of(p.1).map(TaxId::as_written) == first)
            {
                for &(h, i) in group {
                    me.hashes.push(h);
                    me.items.push(i);
                }
            } else {
                for &(_, i) in group {
                    if let Some(c) = code_of(i) {
                        me.exact
                            .entry(c.as_written().to_owned())
                            .or_default()
                            .push(i);
                    }
                }
            }
            start = end;
        }
        me.hashes.shrink_to_fit();
        me.items.shrink_to_fit();
        me.bits = me
            .hashes
            .len()
            .max(2)
            .next_power_of_two()
            .trailing_zeros()
            .min(24);
        let n_buckets = 1usize << me.bits;
        me.buckets = Vec::with_capacity(n_buckets + 1);
        let mut at = 0usize;
        for b in 0..=n_buckets {
            while at < me.hashes.len() && me.bucket(me.hashes[at]) < b {
                at += 1;
            }
            me.buckets.push(at as u32);
        }
        me
    }

    fn bucket(&self, h: u64) -> usize {
        (h >> (64 - self.bits)) as usize
    }

    /// Records of `code`; `code_of` is the function the index was built with.
    pub fn get<'a>(&self, code: &TaxId, code_of: impl Fn(usize) -> Option<&'a TaxId>) -> &[usize] {
        if let Some(v) = self.exact.get(code.as_written()) {
            return v;
        }
        if self.hashes.is_empty() {
            return &[];
        }
        let h = Self::hash(&self.state, code.as_written());
        let b = self.bucket(h);
        let (Some(&from), Some(&to)) = (self.buckets.get(b), self.buckets.get(b + 1)) else {
            return &[];
        };
        let (from, to) = (from as usize, to as usize);
        let lo = from + self.hashes[from..to].partition_point(|&x| x < h);
        let hi = lo + self.hashes[lo..to].partition_point(|&x| x == h);
        let group = &self.items[lo..hi];
        match group.first() {
            Some(&first) if code_of(first) == Some(code) => group,
            _ => &[],
        }
    }

    /// The first record of every group (one per distinct code).
    pub fn firsts(&self) -> impl Iterator<Item = usize> + '_ {
        self.hashes
            .iter()
            .enumerate()
            .filter(|&(i, h)| i == 0 || self.hashes[i - 1] != *h)
            .map(|(i, _)| self.items[i])
            .chain(self.exact.values().filter_map(|v| v.first().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_unit_keeps_order_and_drops_consecutive_repeats() {
        let g = ByUnit::build(3, &[(2, 0), (0, 1), (2, 1), (2, 1), (0, 3), (7, 4)]);
        assert_eq!(g.get(0), &[1, 3]);
        assert_eq!(g.get(1), &[] as &[usize]);
        assert_eq!(g.get(2), &[0, 1]);
        assert_eq!(g.get(3), &[] as &[usize]);
    }

    #[test]
    fn by_code_groups_and_rejects_unknown_codes() {
        let codes: Vec<TaxId> = ["RSSMRA85T10A562S", "X1", "RSSMRA85T10A562S", "X2"]
            .iter()
            .map(|c| TaxId::from_written(c).unwrap())
            .collect();
        let of = |i: usize| (i != 3).then(|| &codes[i]);
        let idx = ByCode::build(codes.len(), of);
        assert_eq!(idx.get(&codes[0], of), &[0, 2]);
        assert_eq!(idx.get(&codes[1], of), &[1]);
        assert_eq!(idx.get(&codes[3], of), &[] as &[usize]);
        let mut firsts: Vec<usize> = idx.firsts().collect();
        firsts.sort_unstable();
        assert_eq!(firsts, vec![0, 1]);
    }

    #[test]
    fn by_code_finds_every_code_of_a_large_index() {
        let codes: Vec<TaxId> = (0..5000)
            .map(|i| TaxId::from_written(&format!("C{}", i / 2)).unwrap())
            .collect();
        let of = |i: usize| Some(&codes[i]);
        let idx = ByCode::build(codes.len(), of);
        for i in (0..5000).step_by(2) {
            assert_eq!(idx.get(&codes[i], of), &[i, i + 1]);
        }
        let absent = TaxId::from_written("C99999").unwrap();
        assert!(idx.get(&absent, of).is_empty());
        assert_eq!(idx.firsts().count(), 2500);
        assert!(ByCode::default().get(&absent, of).is_empty());
    }
}
