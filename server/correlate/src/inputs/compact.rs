//! Compact join indexes for Milan-sized snapshots: records grouped by unit in two flat
//! vectors ([`ByUnit`]), records grouped by a person code without cloning the codes
//! ([`ByCode`]: 64-bit hashes of the written code, verified against the records on lookup,
//! with an exact map for the groups whose hashes collide), the same for any key derived from
//! the records ([`KeyIndex`]: unit keys, parcels, property ids, addresses, households), and the
//! unit links of the registers in flat vectors ([`LinkList`], [`OptLinks`]). Record numbers
//! are kept as `u32` and handed out as [`Rows`]; a record beyond `u32::MAX - 1` (four billion
//! records of one source) is left out of the indexes.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

use segit_model::{Confidence, TaxId};

use super::index::UnitLink;

/// Hasher of the engine's hash maps (fast, seeded per process).
pub type Hasher = foldhash::fast::RandomState;

/// A hash map with the engine's hasher.
pub type Map<K, V> = HashMap<K, V, Hasher>;

/// A record number as the indexes keep it; `None` beyond the `u32` range.
fn row(i: usize) -> Option<u32> {
    u32::try_from(i).ok().filter(|&r| r != u32::MAX)
}

/// Records of an index group, ascending: record numbers (`usize`) read from the index's
/// `u32` vector.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rows<'a>(&'a [u32]);

impl<'a> Rows<'a> {
    /// No record.
    pub const NONE: Rows<'static> = Rows(&[]);

    /// Number of records.
    pub fn len(self) -> usize {
        self.0.len()
    }

    /// True without records.
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// The first record.
    pub fn first(self) -> Option<usize> {
        self.0.first().map(|&r| r as usize)
    }

    /// The last record.
    pub fn last(self) -> Option<usize> {
        self.0.last().map(|&r| r as usize)
    }

    /// The `k`-th record.
    pub fn get(self, k: usize) -> Option<usize> {
        self.0.get(k).map(|&r| r as usize)
    }

    /// True when `record` is one of them.
    pub fn contains(self, record: usize) -> bool {
        row(record).is_some_and(|r| self.0.contains(&r))
    }

    /// The records in order.
    pub fn iter(self) -> RowIter<'a> {
        self.0.iter().copied().map(widen)
    }

    /// The records as a vector.
    pub fn to_vec(self) -> Vec<usize> {
        self.iter().collect()
    }
}

impl PartialEq<&[usize]> for Rows<'_> {
    fn eq(&self, other: &&[usize]) -> bool {
        self.0.len() == other.len() && self.iter().zip(other.iter()).all(|(a, &b)| a == b)
    }
}

impl<const N: usize> PartialEq<&[usize; N]> for Rows<'_> {
    fn eq(&self, other: &&[usize; N]) -> bool {
        *self == other.as_slice()
    }
}

/// `u32` → `usize` (record numbers).
fn widen(r: u32) -> usize {
    r as usize
}

/// The iterator of [`Rows`].
pub type RowIter<'a> =
    std::iter::Map<std::iter::Copied<std::slice::Iter<'a, u32>>, fn(u32) -> usize>;

impl<'a> IntoIterator for Rows<'a> {
    type Item = usize;
    type IntoIter = RowIter<'a>;
    fn into_iter(self) -> RowIter<'a> {
        self.iter()
    }
}

/// Records grouped by unit index: `items[start[u]..start[u + 1]]`, in insertion order,
/// without consecutive repeats (the behaviour of the maps it replaces).
#[derive(Debug, Default)]
pub struct ByUnit {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl ByUnit {
    /// Groups `(unit, record)` pairs; `units` is the number of units.
    pub fn build(units: usize, pairs: &[(usize, usize)]) -> Self {
        let mut count = vec![0u32; units + 1];
        let mut last: Vec<usize> = vec![usize::MAX; units];
        let mut kept: Vec<bool> = Vec::with_capacity(pairs.len());
        for &(u, r) in pairs {
            let keep = u < units && last[u] != r && row(r).is_some();
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
        let mut items = vec![0u32; count[units] as usize];
        for (&(u, r), keep) in pairs.iter().zip(kept) {
            if let (true, Some(r)) = (keep, row(r)) {
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
    pub fn get(&self, unit: usize) -> Rows<'_> {
        match (self.start.get(unit), self.start.get(unit + 1)) {
            (Some(&a), Some(&b)) => Rows(&self.items[a as usize..b as usize]),
            _ => Rows::NONE,
        }
    }
}

/// Bits of the bucket table of `n` sorted hashes: 2 to 4 entries per bucket (one cache line
/// of hashes to search), the table costing at most 2 bytes per entry.
/// The positions of the sorted `hashes` equal to `h`, looked up through the bucket table
/// (bucket `b`, the top `bits` bits of a hash, spans `buckets[b]..buckets[b + 1]`); empty when
/// the table has no such bucket.
fn hash_range(hashes: &[u64], buckets: &[u32], bits: u32, h: u64) -> std::ops::Range<usize> {
    let b = (h >> (64 - bits)) as usize;
    let (Some(&from), Some(&to)) = (buckets.get(b), buckets.get(b + 1)) else {
        return 0..0;
    };
    let Some(span) = hashes.get(from as usize..to as usize) else {
        return 0..0;
    };
    let lo = from as usize + span.partition_point(|&x| x < h);
    let hi = lo + hashes[lo..to as usize].partition_point(|&x| x == h);
    lo..hi
}

fn bucket_bits(n: usize) -> u32 {
    (n / 4).max(2).next_power_of_two().trailing_zeros().min(24)
}

/// Records grouped by a person code (as written), the codes staying in the records.
#[derive(Debug, Default)]
pub struct ByCode {
    state: foldhash::fast::FixedState,
    hashes: Vec<u64>,
    items: Vec<u32>,
    /// `buckets[b]..buckets[b + 1]`: the entries whose hash has `b` as its top `bits` bits
    /// (a lookup touches one bucket instead of binary-searching every hash).
    buckets: Vec<u32>,
    bits: u32,
    /// Groups whose hash is shared by different codes.
    exact: Map<String, Vec<u32>>,
}

impl ByCode {
    fn hash(state: &foldhash::fast::FixedState, code: &str) -> u64 {
        state.hash_one(code)
    }

    /// The hash a [`ByCode`] keeps of a code.
    pub fn code_hash(code: &TaxId) -> u64 {
        Self::hash(&foldhash::fast::FixedState::default(), code.as_written())
    }

    /// Groups the records `0..n` by `code_of(record)` (records without a code are left out),
    /// each group in ascending record order.
    pub fn build<'a>(n: usize, code_of: impl Fn(usize) -> Option<&'a TaxId>) -> Self {
        Self::build_hashed(
            (0..n)
                .filter_map(|i| code_of(i).map(|c| (Self::code_hash(c), i)))
                .collect(),
            code_of,
            |_, _| false,
        )
    }

    /// Groups the records of `pairs` (the [`ByCode::code_hash`] of each record's code, and the
    /// record) by `code_of(record)`, each group in ascending record order; `same(a, b)` tells
    /// that two records have the same code without reading it (records of one subject), else
    /// the codes of a group sharing a hash are compared.
    pub fn build_hashed<'a>(
        mut pairs: Vec<(u64, usize)>,
        code_of: impl Fn(usize) -> Option<&'a TaxId>,
        same: impl Fn(usize, usize) -> bool,
    ) -> Self {
        let state = foldhash::fast::FixedState::default();
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
            let uniform = group.iter().all(|p| same(group[0].1, p.1)) || {
                let first = code_of(group[0].1).map(TaxId::as_written);
                group
                    .iter()
                    .all(|p| code_of(p.1).map(TaxId::as_written) == first)
            };
            if uniform {
                for &(h, i) in group {
                    if let Some(r) = row(i) {
                        me.hashes.push(h);
                        me.items.push(r);
                    }
                }
            } else {
                for &(_, i) in group {
                    if let (Some(c), Some(r)) = (code_of(i), row(i)) {
                        me.exact
                            .entry(c.as_written().to_owned())
                            .or_default()
                            .push(r);
                    }
                }
            }
            start = end;
        }
        me.hashes.shrink_to_fit();
        me.items.shrink_to_fit();
        me.bits = bucket_bits(me.hashes.len());
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
    pub fn get<'a>(&self, code: &TaxId, code_of: impl Fn(usize) -> Option<&'a TaxId>) -> Rows<'_> {
        let written = code.as_written();
        if !self.exact.is_empty()
            && let Some(v) = self.exact.get(written)
        {
            return Rows(v);
        }
        if self.hashes.is_empty() {
            return Rows::NONE;
        }
        let h = Self::hash(&self.state, written);
        let group = Rows(&self.items[hash_range(&self.hashes, &self.buckets, self.bits, h)]);
        match group.first() {
            Some(first) if code_of(first).map(TaxId::as_written) == Some(written) => group,
            _ => Rows::NONE,
        }
    }

    /// The first record of every group (one per distinct code).
    pub fn firsts(&self) -> impl Iterator<Item = usize> + '_ {
        self.hashes
            .iter()
            .enumerate()
            .filter(|&(i, h)| i == 0 || self.hashes[i - 1] != *h)
            .map(|(i, _)| widen(self.items[i]))
            .chain(
                self.exact
                    .values()
                    .filter_map(|v| v.first().copied().map(widen)),
            )
    }
}

/// Hash of a key of a [`KeyIndex`] (fixed seed: the same in every process).
pub fn key_hash<Q: Hash + ?Sized>(key: &Q) -> u64 {
    foldhash::fast::FixedState::default().hash_one(key)
}

/// An entry of a [`KeyIndex`] being built: the hash of a key ([`key_hash`]), the record it was
/// derived from, and the slot of the key in the record (which state or identifier group, for
/// records with several keys), so that the key can be derived again.
pub type Entry = (u64, usize, u32);

/// Records grouped by a key derived from them, the keys staying in the records: the sorted
/// 64-bit hashes of the keys with their records, each group in ascending record order without
/// repeats. A lookup checks the group's first record against the key; the groups whose hash
/// is shared by different keys of different records (found when the index is built) are kept
/// in an exact map (different keys of one record sharing a hash stay one group: that record).
/// About 20 bytes per entry, against a hash map's key clone and vector per key.
#[derive(Debug)]
pub struct KeyIndex<K> {
    hashes: Vec<u64>,
    items: Vec<u32>,
    /// `buckets[b]..buckets[b + 1]`: the entries whose hash has `b` as its top `bits` bits.
    buckets: Vec<u32>,
    bits: u32,
    exact: Map<K, Vec<u32>>,
}

impl<K> Default for KeyIndex<K> {
    fn default() -> Self {
        Self {
            hashes: Vec::new(),
            items: Vec::new(),
            buckets: Vec::new(),
            bits: 0,
            exact: Map::default(),
        }
    }
}

impl<K: Hash + Eq> KeyIndex<K> {
    /// Builds the index of `entries`; `key_of(record, slot)` derives an entry's key again
    /// (to tell apart different keys sharing a hash). An entry whose key cannot be derived
    /// again (`None`) is treated as a key of its own.
    pub fn build(mut entries: Vec<Entry>, key_of: impl Fn(usize, u32) -> Option<K>) -> Self {
        entries.sort_unstable();
        let mut me = Self {
            hashes: Vec::with_capacity(entries.len()),
            items: Vec::with_capacity(entries.len()),
            ..Self::default()
        };
        let mut start = 0;
        while start < entries.len() {
            let h = entries[start].0;
            let end = start + entries[start..].iter().take_while(|e| e.0 == h).count();
            let group = &entries[start..end];
            // one record (several of its keys, or one key in several slots): kept whole
            // without deriving its keys, a lookup checking the record anyway
            let single = group[0].1 == group[group.len() - 1].1 || {
                let first = key_of(group[0].1, group[0].2);
                first.is_some() && group[1..].iter().all(|e| key_of(e.1, e.2) == first)
            };
            if single {
                for &(h, i, _) in group {
                    let Some(r) = row(i) else { continue };
                    if me.items.last() != Some(&r) || me.hashes.last() != Some(&h) {
                        me.hashes.push(h);
                        me.items.push(r);
                    }
                }
            } else {
                for &(_, i, slot) in group {
                    if let (Some(k), Some(r)) = (key_of(i, slot), row(i)) {
                        let v = me.exact.entry(k).or_default();
                        if v.last() != Some(&r) {
                            v.push(r);
                        }
                    }
                }
            }
            start = end;
        }
        drop(entries);
        me.hashes.shrink_to_fit();
        me.items.shrink_to_fit();
        me.bits = bucket_bits(me.hashes.len());
        let n_buckets = 1usize << me.bits;
        me.buckets = Vec::with_capacity(n_buckets + 1);
        let mut at = 0usize;
        for b in 0..=n_buckets {
            while at < me.hashes.len() && (me.hashes[at] >> (64 - me.bits)) < b as u64 {
                at += 1;
            }
            me.buckets.push(at as u32);
        }
        me
    }

    /// Records of `key`, ascending; `has(record)` tells whether a record carries `key`
    /// among the keys the index derived from it.
    pub fn get<Q>(&self, key: &Q, has: impl Fn(usize) -> bool) -> Rows<'_>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if !self.exact.is_empty()
            && let Some(v) = self.exact.get(key)
        {
            return Rows(v);
        }
        if self.hashes.is_empty() {
            return Rows::NONE;
        }
        let h = key_hash(key);
        let group = Rows(&self.items[hash_range(&self.hashes, &self.buckets, self.bits, h)]);
        match group.first() {
            Some(first) if has(first) => group,
            _ => Rows::NONE,
        }
    }
}

impl<K> KeyIndex<K> {
    /// The groups of the index in ascending hash order, each with the hash of its key (a group
    /// of one record: of its keys with that hash); `None` when keys of different records
    /// share a hash (their groups are kept apart, without their hashes).
    pub fn hashed_groups(&self) -> Option<impl Iterator<Item = (u64, Rows<'_>)> + '_> {
        if !self.exact.is_empty() {
            return None;
        }
        let mut start = 0;
        Some(std::iter::from_fn(move || {
            let h = *self.hashes.get(start)?;
            let end = start + self.hashes[start..].iter().take_while(|&&x| x == h).count();
            let group = Rows(&self.items[start..end]);
            start = end;
            Some((h, group))
        }))
    }

    /// Looks up the keys of many queries at once, walking the sorted hashes of the index once
    /// instead of searching them per query: `queries` are the hash of each query's key
    /// ([`key_hash`]) with the query's number; `found(query, records)` is called, in no
    /// particular order, for each query whose key the index holds, with what
    /// [`KeyIndex::get`] gives; `has(query, record)` tells whether a record carries the
    /// query's key. False (nothing looked up) when some keys of the index share a hash: those
    /// are looked up by key.
    pub fn get_many(
        &self,
        mut queries: Vec<(u64, usize)>,
        has: impl Fn(usize, usize) -> bool,
        mut found: impl FnMut(usize, Rows<'_>),
    ) -> bool {
        let Some(groups) = self.hashed_groups() else {
            return false;
        };
        queries.sort_unstable();
        let mut groups = groups.peekable();
        for (h, q) in queries {
            while groups.next_if(|&(g, _)| g < h).is_some() {}
            if let Some(&(g, records)) = groups.peek()
                && g == h
                && records.first().is_some_and(|first| has(q, first))
            {
                found(q, records);
            }
        }
        true
    }
}

/// The unit links of each record of a register (a TARI premises, a lease): `links[start[r]..
/// start[r + 1]]`.
#[derive(Debug, Default)]
pub struct LinkList {
    start: Vec<u32>,
    links: Vec<UnitLink>,
}

impl LinkList {
    /// Appends the links of the next record.
    pub fn push(&mut self, links: &[UnitLink]) {
        if self.start.is_empty() {
            self.start.push(0);
        }
        self.links.extend_from_slice(links);
        self.start.push(self.links.len() as u32);
    }

    /// Links of record `r`.
    pub fn get(&self, r: usize) -> &[UnitLink] {
        match (self.start.get(r), self.start.get(r + 1)) {
            (Some(&a), Some(&b)) => &self.links[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Frees the spare capacity.
    pub fn shrink(&mut self) {
        self.start.shrink_to_fit();
        self.links.shrink_to_fit();
    }
}

/// The unit link (or none) of each record of a register, four bytes per record: the unit's
/// index times two, plus one for a link by address key + internal; `u32::MAX` for none. Links
/// of other confidences, or to units beyond the range of the packing, are kept aside.
#[derive(Debug, Default)]
pub struct OptLinks {
    packed: Vec<u32>,
    other: Map<usize, UnitLink>,
}

/// Marker of a link kept aside in [`OptLinks`].
const ASIDE: u32 = u32::MAX - 1;

impl OptLinks {
    /// Appends the link of the next record.
    pub fn push(&mut self, link: Option<UnitLink>) {
        let code = match link {
            None => u32::MAX,
            Some(l) => match u32::try_from(l.unit) {
                Ok(u) if u < ASIDE / 2 && l.confidence == Confidence::EXACT_UNIT_KEY => u * 2,
                Ok(u) if u < ASIDE / 2 && l.confidence == Confidence::ADDRESS_KEY_WITH_INTERNAL => {
                    u * 2 + 1
                }
                _ => {
                    self.other.insert(self.packed.len(), l);
                    ASIDE
                }
            },
        };
        self.packed.push(code);
    }

    /// Link of record `r`.
    pub fn get(&self, r: usize) -> Option<UnitLink> {
        match *self.packed.get(r)? {
            u32::MAX => None,
            ASIDE => self.other.get(&r).copied(),
            c => Some(UnitLink {
                unit: (c / 2) as usize,
                confidence: if c % 2 == 0 {
                    Confidence::EXACT_UNIT_KEY
                } else {
                    Confidence::ADDRESS_KEY_WITH_INTERNAL
                },
            }),
        }
    }

    /// Frees the spare capacity.
    pub fn shrink(&mut self) {
        self.packed.shrink_to_fit();
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

    fn words_index(records: &[Vec<&'static str>]) -> KeyIndex<String> {
        let mut entries = Vec::new();
        for (i, r) in records.iter().enumerate() {
            for (j, w) in r.iter().enumerate() {
                entries.push((key_hash(*w), i, j as u32));
            }
        }
        KeyIndex::build(entries, |i, j| Some(records[i][j as usize].to_owned()))
    }

    #[test]
    fn key_index_groups_records_ascending_without_repeats() {
        let records = vec![vec!["b", "a", "b"], vec!["c"], vec!["a"], vec![], vec!["b"]];
        let idx = words_index(&records);
        let r = &records;
        assert_eq!(idx.get("a", |i| r[i].contains(&"a")), &[0, 2]);
        assert_eq!(idx.get("b", |i| r[i].contains(&"b")), &[0, 4]);
        assert_eq!(idx.get("c", |i| r[i].contains(&"c")), &[1]);
        assert!(idx.get("d", |i| r[i].contains(&"d")).is_empty());
        assert!(KeyIndex::<String>::default().get("a", |_| true).is_empty());
    }

    #[test]
    fn key_index_keeps_colliding_keys_apart() {
        // Two keys forced onto one hash: the group goes to the exact map.
        let records = [vec!["x"], vec!["y"], vec!["x"]];
        let entries = vec![(7, 0, 0), (7, 1, 0), (7, 2, 0)];
        let idx = KeyIndex::build(entries, |i, j| Some(records[i][j as usize].to_owned()));
        assert_eq!(idx.get("x", |_| false), &[0, 2]);
        assert_eq!(idx.get("y", |_| false), &[1]);
        // Two keys of one record on one hash: one group, that record, for either key.
        let records = [vec!["x", "y"], vec!["z"]];
        let entries = vec![(7, 0, 0), (7, 0, 1), (9, 1, 0)];
        let idx = KeyIndex::build(entries, |i, j| Some(records[i][j as usize].to_owned()));
        let queries = ["x", "y", "z", "w"];
        let mut found = vec![None; queries.len()];
        assert!(idx.get_many(
            vec![(7, 0), (7, 1), (9, 2), (7, 3)],
            |q, i| records[i].contains(&queries[q]),
            |q, group| found[q] = Some(group.to_vec()),
        ));
        assert_eq!(found, [Some(vec![0]), Some(vec![0]), Some(vec![1]), None]);
        assert_eq!(idx.hashed_groups().unwrap().count(), 2);
    }

    /// A key index of every word of every record.
    fn index_of_words(records: &[Vec<String>]) -> KeyIndex<String> {
        let mut entries = Vec::new();
        for (i, r) in records.iter().enumerate() {
            for (j, w) in r.iter().enumerate() {
                entries.push((key_hash(w.as_str()), i, j as u32));
            }
        }
        KeyIndex::build(entries, |i, j| Some(records[i][j as usize].clone()))
    }

    #[test]
    fn key_index_finds_every_key_of_a_large_index() {
        let records: Vec<Vec<String>> = (0..6000)
            .map(|i| vec![format!("K{}", i / 3), format!("L{}", i % 7)])
            .collect();
        let idx = index_of_words(&records);
        let r = &records;
        for k in 0..2000 {
            let key = format!("K{k}");
            let has = |i: usize| r[i].contains(&key);
            assert_eq!(idx.get(key.as_str(), has), &[3 * k, 3 * k + 1, 3 * k + 2]);
        }
        let l3: Vec<usize> = (0..6000).filter(|i| i % 7 == 3).collect();
        let has_l3 = |i: usize| r[i].iter().any(|x| x == "L3");
        assert_eq!(idx.get("L3", has_l3), l3.as_slice());
        let has_absent = |i: usize| r[i].iter().any(|x| x == "K9999");
        assert!(idx.get("K9999", has_absent).is_empty());
    }

    #[test]
    fn key_index_looks_up_many_keys_as_one_by_one() {
        let records: Vec<Vec<String>> = (0..3000)
            .map(|i| vec![format!("K{}", i / 3), format!("L{}", i % 7)])
            .collect();
        let idx = index_of_words(&records);
        let queries: Vec<String> = (0..1200)
            .map(|q| match q % 3 {
                0 => format!("K{}", q / 2),
                1 => format!("L{}", q % 9),
                _ => format!("absent{q}"),
            })
            .collect();
        let carries = |q: usize, i: usize| records[i].contains(&queries[q]);
        let mut many: Vec<Option<Vec<usize>>> = vec![None; queries.len()];
        let looked_up = idx.get_many(
            queries
                .iter()
                .enumerate()
                .map(|(q, k)| (key_hash(k.as_str()), q))
                .collect(),
            carries,
            |q, group| many[q] = Some(group.to_vec()),
        );
        assert!(looked_up);
        for (q, key) in queries.iter().enumerate() {
            let one = idx.get(key.as_str(), |i| carries(q, i));
            assert_eq!(one, many[q].as_deref().unwrap_or_default(), "{key}");
        }
        // 400 K keys, and the L1 and L4 of the 400 L queries (L7 is absent)
        assert_eq!(many.iter().filter(|m| m.is_some()).count(), 400 + 134 + 133);
        let groups: usize = idx.hashed_groups().unwrap().map(|(_, g)| g.len()).sum();
        assert_eq!(groups, 2 * records.len());
        // colliding keys: nothing looked up, no groups by hash
        let colliding = KeyIndex::build(vec![(7, 0, 0), (7, 1, 0)], |i, _| Some(i));
        assert!(!colliding.get_many(vec![(7, 0)], |_, _| true, |_, _| {}));
        assert!(colliding.hashed_groups().is_none());
    }

    #[test]
    fn links_are_stored_and_read_back() {
        let exact = |unit| UnitLink {
            unit,
            confidence: Confidence::EXACT_UNIT_KEY,
        };
        let by_address = |unit| UnitLink {
            unit,
            confidence: Confidence::ADDRESS_KEY_WITH_INTERNAL,
        };
        let other = UnitLink {
            unit: 3,
            confidence: Confidence::SPATIAL_FOOTPRINT,
        };
        let mut o = OptLinks::default();
        for l in [Some(exact(5)), None, Some(by_address(0)), Some(other)] {
            o.push(l);
        }
        assert_eq!(o.get(0), Some(exact(5)));
        assert_eq!(o.get(1), None);
        assert_eq!(o.get(2), Some(by_address(0)));
        assert_eq!(o.get(3), Some(other));
        assert_eq!(o.get(4), None);
        let mut l = LinkList::default();
        l.push(&[exact(1), by_address(2)]);
        l.push(&[]);
        l.push(&[exact(9)]);
        assert_eq!(l.get(0), &[exact(1), by_address(2)]);
        assert!(l.get(1).is_empty());
        assert_eq!(l.get(2), &[exact(9)]);
        assert!(l.get(3).is_empty());
    }
}
