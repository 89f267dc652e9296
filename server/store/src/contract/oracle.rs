//! Expected answers: the reference semantics of `segit_query::eval` applied to the fixtures in
//! memory (selection, then sort keys with nulls last ascending / first descending, then id by
//! byte order, then offset and limit).

use std::cmp::Ordering;

use segit_query::eval::{datetime_matches, evaluate, prepare};
use segit_query::{Feature, FeatureQuery, Filter, SortKey};

use super::fixtures;

/// The expected answer to a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// ids of the returned features, in order
    pub ids: Vec<String>,
    /// features matched before paging
    pub matched: u64,
    /// the returned features as stored (storage CRS, every property)
    pub features: Vec<Feature>,
}

/// Orders two features by `keys`, then by id bytes.
pub fn compare(a: &Feature, b: &Feature, keys: &[SortKey]) -> Ordering {
    for key in keys {
        let va = a.property(&key.property).filter(|v| !v.is_null());
        let vb = b.property(&key.property).filter(|v| !v.is_null());
        let ord = match (va, vb) {
            (None, None) => Ordering::Equal,
            // nulls last ascending, first descending: in both cases "null is greatest"
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
        };
        let ord = if key.ascending { ord } else { ord.reverse() };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.id.as_bytes().cmp(b.id.as_bytes())
}

/// The fixture features `query` selects, sorted, before paging.
pub fn select(query: &FeatureQuery) -> Vec<Feature> {
    let (collection, features) = fixtures::fixture(&query.collection);
    let storage = collection.storage_crs;
    let mut conditions: Vec<Filter> = Vec::new();
    if let Some(b) = query.bbox {
        conditions.push(
            prepare(Filter::BBox(b), storage).expect("the oracle could not prepare the bbox"),
        );
    }
    if let Some(f) = &query.filter {
        conditions
            .push(prepare(f.clone(), storage).expect("the oracle could not prepare the filter"));
    }
    let mut selected: Vec<Feature> = features
        .into_iter()
        .filter(|f| conditions.iter().all(|c| evaluate(c, f) == Some(true)))
        .filter(|f| match (&query.datetime, &collection.temporal) {
            (Some(i), Some(tp)) => datetime_matches(i, tp, f),
            _ => true,
        })
        .collect();
    selected.sort_by(|a, b| compare(a, b, &query.sort));
    selected
}

/// The expected answer to `query` (ids, number matched, features as stored).
pub fn answer(query: &FeatureQuery) -> Expected {
    let selected = select(query);
    let matched = selected.len() as u64;
    let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
    let limit = query
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    let features: Vec<Feature> = selected.into_iter().skip(offset).take(limit).collect();
    Expected {
        ids: features.iter().map(|f| f.id.clone()).collect(),
        matched,
        features,
    }
}
