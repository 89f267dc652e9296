//! Merging a new supply into the stored versions of one collection.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use segit_query::{Feature, Value};

use super::temporal::{VALID_FROM, VALID_TO, VALID_UNTIL, close, set_property};

/// How the versions of a collection arise.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryMode {
    /// The source dates its records and the feature id names the version (`<key>@<progressive>`):
    /// a new feature replaces the stored one with the same id (e.g. a state now closed);
    /// stored features the supply does not mention are kept (updates supplies carry only
    /// changes).
    Dated {
        /// closing of superseded versions across supplies, when the source numbers them
        series: Option<SeriesRule>,
    },
    /// The source is a snapshot: versions are told apart by content. New features carry their
    /// key as id; a feature equal to the stored current version of its key (temporal
    /// properties aside) keeps the stored version; a changed one closes the stored version on
    /// the supply date and starts a new one with id `<key>@<supply date>`; a stored current
    /// version whose key is in the scope but absent from the supply is closed.
    Snapshot {
        /// the property holding the key
        key: &'static str,
    },
}

/// Versions numbered within a series (census states of one property): a stored open version
/// is closed on the start of a newer version of the same series in the supply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesRule {
    /// property naming the series (e.g. `property_id`)
    pub series: &'static str,
    /// property ordering the versions (e.g. `progressive`, or `valid_from`)
    pub order: &'static str,
}

/// Which stored current versions a snapshot supply speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// the whole collection
    All,
    /// features whose `property` is one of `values` (e.g. the sheets read)
    Values {
        /// the property
        property: &'static str,
        /// its values in scope
        values: HashSet<String>,
    },
}

impl Scope {
    fn covers(&self, feature: &Feature) -> bool {
        match self {
            Scope::All => true,
            Scope::Values { property, values } => match feature.property(property) {
                Some(Value::Text(t)) => values.contains(t),
                _ => false,
            },
        }
    }
}

/// The outcome of a merge.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// every version, sorted by id
    pub features: Vec<Feature>,
    /// whether they differ from the stored ones
    pub changed: bool,
}

/// Merges `new` features into `stored` ones; the result is sorted by id. Merging the result
/// with the same `new` features again gives the same result, unchanged.
pub fn merge(
    mode: &HistoryMode,
    scope: &Scope,
    stored: Vec<Feature>,
    new: Vec<Feature>,
    supply_date: NaiveDate,
) -> Merged {
    let (merged, changed) = match mode {
        HistoryMode::Dated { series } => merge_dated(series.as_ref(), stored, new),
        HistoryMode::Snapshot { key } => merge_snapshot(key, scope, stored, new, supply_date),
    };
    // a BTreeMap yields its values sorted by id
    Merged {
        features: merged.into_values().collect(),
        changed,
    }
}

fn is_current(f: &Feature) -> bool {
    f.property(VALID_TO).is_none_or(Value::is_null)
}

fn date(f: &Feature, name: &str) -> Option<NaiveDate> {
    match f.property(name) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

fn text(f: &Feature, name: &str) -> Option<String> {
    match f.property(name) {
        Some(Value::Text(t)) => Some(t.clone()),
        Some(Value::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

fn order(f: &Feature, name: &str) -> Option<Value> {
    f.property(name).filter(|v| !v.is_null()).cloned()
}

fn newer(a: &Value, b: &Value) -> bool {
    a.compare(b) == Some(std::cmp::Ordering::Greater)
}

fn merge_dated(
    series: Option<&SeriesRule>,
    stored: Vec<Feature>,
    new: Vec<Feature>,
) -> (BTreeMap<String, Feature>, bool) {
    let mut changed = false;
    let mut out: BTreeMap<String, Feature> =
        stored.into_iter().map(|f| (f.id.clone(), f)).collect();
    // newest start of each series in the supply, with its order
    let mut newest: HashMap<String, (Value, NaiveDate)> = HashMap::new();
    if let Some(rule) = series {
        for f in &new {
            if let (Some(s), Some(o), Some(from)) = (
                text(f, rule.series),
                order(f, rule.order),
                date(f, VALID_FROM),
            ) {
                match newest.get_mut(&s) {
                    Some(e) if newer(&o, &e.0) => *e = (o, from),
                    Some(_) => {}
                    None => {
                        newest.insert(s, (o, from));
                    }
                }
            }
        }
    }
    let mut new_ids: HashSet<String> = HashSet::with_capacity(new.len());
    for f in new {
        // the first feature of an id in the supply is the one kept
        if !new_ids.insert(f.id.clone()) {
            continue;
        }
        if out.get(&f.id) != Some(&f) {
            changed = true;
            out.insert(f.id.clone(), f);
        }
    }
    if let Some(rule) = series {
        for f in out.values_mut() {
            if new_ids.contains(&f.id) || !is_current(f) {
                continue;
            }
            let (Some(s), Some(o), Some(from)) = (
                text(f, rule.series),
                order(f, rule.order),
                date(f, VALID_FROM),
            ) else {
                continue;
            };
            if let Some((latest, start)) = newest.get(&s)
                && newer(latest, &o)
                && *start > from
            {
                close(f, *start);
                changed = true;
            }
        }
    }
    (out, changed)
}

/// The feature without its id and temporal properties, for comparing content.
fn content(f: &Feature) -> (Option<&geo_types::Geometry<f64>>, Vec<&(String, Value)>) {
    (
        f.geometry.as_ref(),
        f.properties
            .iter()
            .filter(|(n, _)| n != VALID_FROM && n != VALID_TO && n != VALID_UNTIL)
            .collect(),
    )
}

fn merge_snapshot(
    key: &str,
    scope: &Scope,
    stored: Vec<Feature>,
    new: Vec<Feature>,
    supply_date: NaiveDate,
) -> (BTreeMap<String, Feature>, bool) {
    let mut changed = false;
    let mut out: BTreeMap<String, Feature> = BTreeMap::new();
    // stored current version of each key
    let mut current: HashMap<String, String> = HashMap::new();
    for f in stored {
        if is_current(&f)
            && let Some(k) = text(&f, key)
        {
            current.insert(k, f.id.clone());
        }
        out.insert(f.id.clone(), f);
    }
    let mut seen: HashSet<String> = HashSet::new();
    for mut f in new {
        let Some(k) = text(&f, key) else { continue };
        if !seen.insert(k.clone()) {
            continue;
        }
        if let Some(id) = current.get(&k)
            && let Some(old) = out.get_mut(id)
        {
            if content(old) == content(&f) {
                continue;
            }
            changed = true;
            let old_from = date(old, VALID_FROM);
            if old_from.is_some_and(|d| d >= supply_date) {
                // a second supply of the same day: it replaces the version of that day
                f.id.clone_from(id);
                out.insert(id.clone(), f);
                continue;
            }
            close(old, supply_date);
        }
        changed = true;
        set_property(&mut f, VALID_FROM, Value::Date(supply_date));
        set_property(&mut f, VALID_TO, Value::Null);
        set_property(&mut f, VALID_UNTIL, Value::Null);
        f.id = if out.contains_key(&k) {
            format!("{k}@{supply_date}")
        } else {
            k.clone()
        };
        out.insert(f.id.clone(), f);
    }
    for (k, id) in &current {
        if seen.contains(k) {
            continue;
        }
        if let Some(f) = out.get_mut(id)
            && scope.covers(f)
            && date(f, VALID_FROM).is_some_and(|d| d < supply_date)
        {
            close(f, supply_date);
            changed = true;
        }
    }
    (out, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::validity_values;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn feature(id: &str, key: &str, value: i64, from: &str, to: Option<&str>) -> Feature {
        let mut properties = vec![
            ("k".to_owned(), Value::Text(key.to_owned())),
            ("v".to_owned(), Value::Int(value)),
        ];
        properties.extend(validity_values(d(from), to.map(d)));
        Feature {
            id: id.into(),
            geometry: None,
            properties,
        }
    }

    fn ids(features: &[Feature]) -> Vec<(&str, Option<NaiveDate>)> {
        features
            .iter()
            .map(|f| (f.id.as_str(), date(f, VALID_TO)))
            .collect()
    }

    #[test]
    fn snapshots_version_changes_and_disappearances() {
        let mode = HistoryMode::Snapshot { key: "k" };
        let first = vec![
            feature("a", "a", 1, "2020-01-01", None),
            feature("b", "b", 1, "2020-01-01", None),
        ];
        let s1 = merge(
            &mode,
            &Scope::All,
            Vec::new(),
            first.clone(),
            d("2024-01-01"),
        );
        assert!(s1.changed);
        let s1 = s1.features;
        assert_eq!(ids(&s1), vec![("a", None), ("b", None)]);
        assert_eq!(date(&s1[0], VALID_FROM), Some(d("2024-01-01")));
        // the same supply again, later: nothing changes
        let again = merge(&mode, &Scope::All, s1.clone(), first, d("2024-02-01"));
        assert!(!again.changed);
        assert_eq!(again.features, s1);
        // a changes, b disappears, c appears
        let second = vec![
            feature("a", "a", 2, "2020-01-01", None),
            feature("c", "c", 1, "2020-01-01", None),
        ];
        let s2 = merge(&mode, &Scope::All, s1, second.clone(), d("2024-06-01")).features;
        assert_eq!(
            ids(&s2),
            vec![
                ("a", Some(d("2024-06-01"))),
                ("a@2024-06-01", None),
                ("b", Some(d("2024-06-01"))),
                ("c", None),
            ]
        );
        let again = merge(&mode, &Scope::All, s2.clone(), second, d("2024-07-01"));
        assert_eq!((again.features, again.changed), (s2, false));
    }

    #[test]
    fn snapshots_close_only_in_scope() {
        let mode = HistoryMode::Snapshot { key: "k" };
        let stored = merge(
            &mode,
            &Scope::All,
            Vec::new(),
            vec![feature("a", "a", 1, "2020-01-01", None)],
            d("2024-01-01"),
        )
        .features;
        let scope = Scope::Values {
            property: "k",
            values: HashSet::from(["z".to_owned()]),
        };
        let out = merge(&mode, &scope, stored.clone(), Vec::new(), d("2024-06-01"));
        assert_eq!((out.features, out.changed), (stored, false));
    }

    #[test]
    fn dated_versions_replace_by_id_and_close_superseded_states() {
        let mode = HistoryMode::Dated {
            series: Some(SeriesRule {
                series: "k",
                order: "v",
            }),
        };
        let stored = vec![feature("u@1", "p1", 1, "2019-03-15", None)];
        let update = vec![feature("u@2", "p1", 2, "2023-05-10", None)];
        let out = merge(&mode, &Scope::All, stored, update.clone(), d("2024-01-01"));
        assert!(out.changed);
        let out = out.features;
        assert_eq!(
            ids(&out),
            vec![("u@1", Some(d("2023-05-10"))), ("u@2", None)]
        );
        let again = merge(&mode, &Scope::All, out.clone(), update, d("2024-01-01"));
        assert_eq!((again.features, again.changed), (out, false));
    }
}
