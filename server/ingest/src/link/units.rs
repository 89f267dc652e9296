//! Units found by any of their keys (graffati aliases included), by parcel + internal number
//! and by address + internal number; buildings found by their host parcel. Built from the unit
//! and building features (every state, this supply's and the store's).

use std::collections::{HashMap, HashSet};

use segit_model::{AddressKey, UnitKey};
use segit_query::Feature;

use super::address::normalise_internal;
use super::confidence::{Link, LinkMethod};
use super::features::{int, is_current, text};
use crate::key_hash::key_hash;

/// The units, indexed.
#[derive(Debug, Default)]
pub struct UnitIndex {
    canonical: Vec<UnitKey>,
    by_key: HashMap<UnitKey, (usize, bool)>,
    by_property: HashMap<String, usize>,
    by_address: HashMap<(AddressKey, String), Vec<usize>>,
    by_parcel: HashMap<(UnitKey, String), Vec<usize>>,
}

/// One state read from a feature.
struct StateKeys {
    id: String,
    property: String,
    progressive: i64,
    key: UnitKey,
    aliases: Vec<UnitKey>,
    current: bool,
    address: Option<AddressKey>,
    internal: Option<String>,
}

impl StateKeys {
    fn read(f: &Feature) -> Option<Self> {
        let key = UnitKey::parse(text(f, "unit_key")?).ok()?;
        let aliases = text(f, "aliases")
            .map(|a| {
                a.split(',')
                    .filter_map(|k| UnitKey::parse(k).ok())
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            id: f.id.clone(),
            property: text(f, "property_ref")?.to_owned(),
            progressive: int(f, "progressive").unwrap_or(0),
            key,
            aliases,
            current: is_current(f),
            address: text(f, "address_key").and_then(|a| AddressKey::parse(a).ok()),
            internal: normalise_internal(text(f, "internal")),
        })
    }
}

/// Builds a [`UnitIndex`] from the stored unit states and this supply's, the latter given
/// chunk by chunk: only the keys of each state are kept, and a stored state is replaced by the
/// supply's state with the same id — the index of [`UnitIndex::from_features`] over the
/// supply's features laid over the stored ones.
#[derive(Default)]
pub struct UnitIndexBuilder {
    stored: Vec<StateKeys>,
    new: Vec<StateKeys>,
    new_ids: HashSet<u128>,
}

impl UnitIndexBuilder {
    /// Starts from the stored unit-state features.
    pub fn new<'a>(stored: impl IntoIterator<Item = &'a Feature>) -> Self {
        Self {
            stored: stored.into_iter().filter_map(StateKeys::read).collect(),
            ..Self::default()
        }
    }

    /// Adds unit-state features of the supply.
    pub fn add<'a>(&mut self, features: impl IntoIterator<Item = &'a Feature>) {
        for f in features {
            if !self.stored.is_empty() {
                self.new_ids.insert(key_hash(&f.id));
            }
            if let Some(s) = StateKeys::read(f) {
                self.new.push(s);
            }
        }
    }

    /// The index.
    pub fn finish(self) -> UnitIndex {
        let Self {
            stored,
            mut new,
            new_ids,
        } = self;
        new.extend(
            stored
                .into_iter()
                .filter(|s| !new_ids.contains(&key_hash(&s.id))),
        );
        UnitIndex::from_states(new)
    }
}

impl UnitIndex {
    /// Indexes unit-state features (the `units` collection). A unit is a property; its
    /// canonical key is the one of its latest state; keys of every state resolve to it;
    /// address and parcel + internal number come from its current states.
    pub fn from_features<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Self {
        let mut builder = UnitIndexBuilder::default();
        builder.add(features);
        builder.finish()
    }

    /// Indexes the states (in any order; a feature id occurs once).
    fn from_states(mut states: Vec<StateKeys>) -> Self {
        // by property and progressive; equal ones (repeated ids `#n`) by id
        states.sort_by(|a, b| {
            (&a.property, a.progressive, &a.id).cmp(&(&b.property, b.progressive, &b.id))
        });
        let mut index = Self::default();
        // latest state of each property: the last one in order
        let mut latest: HashMap<&str, &StateKeys> = HashMap::new();
        for s in &states {
            latest.insert(s.property.as_str(), s);
        }
        let mut properties: Vec<&str> = latest.keys().copied().collect();
        properties.sort_unstable();
        for (i, p) in properties.iter().enumerate() {
            index.by_property.insert((*p).to_owned(), i);
            index.canonical.push(latest[p].key.clone());
        }
        for s in &states {
            let i = index.by_property[s.property.as_str()];
            let canonical = &index.canonical[i];
            for key in std::iter::once(&s.key).chain(&s.aliases) {
                let is_canonical = key == canonical;
                let entry = index.by_key.entry(key.clone()).or_insert((i, is_canonical));
                if is_canonical {
                    *entry = (i, true);
                }
            }
            let Some(internal) = s.internal.clone().filter(|_| s.current) else {
                continue;
            };
            if let Some(address) = &s.address {
                push_unique(
                    index
                        .by_address
                        .entry((address.clone(), internal.clone()))
                        .or_default(),
                    i,
                );
            }
            for key in std::iter::once(&s.key).chain(&s.aliases) {
                let list = index
                    .by_parcel
                    .entry((key.without_subalterno(), internal.clone()))
                    .or_default();
                push_unique(list, i);
            }
        }
        index
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.canonical.len()
    }

    /// Whether there is no unit.
    pub fn is_empty(&self) -> bool {
        self.canonical.is_empty()
    }

    /// The canonical key of unit `i`.
    pub fn canonical(&self, i: usize) -> Option<&UnitKey> {
        self.canonical.get(i)
    }

    /// The unit of a property (`Belfiore/section/id/F`): TIT → FAB.
    pub fn by_property(&self, property_ref: &str) -> Option<usize> {
        self.by_property.get(property_ref).copied()
    }

    /// Links a record to a unit (rules-catalogue.md "Linking to a unit"): by unit key or alias;
    /// else, for a key without subalterno, by parcel + internal number; else by address key +
    /// non-empty internal number. A match must be unique. An address without an internal
    /// number never links to a unit.
    pub fn link(
        &self,
        key: Option<&UnitKey>,
        address: Option<&AddressKey>,
        internal: Option<&str>,
    ) -> Option<Link<usize>> {
        if let Some(key) = key
            && let Some(&(i, canonical)) = self.by_key.get(key)
        {
            let method = if canonical {
                LinkMethod::UnitKey
            } else {
                LinkMethod::UnitAlias
            };
            return Some(Link::new(i, method));
        }
        let internal = normalise_internal(internal)?;
        if let Some(key) = key.filter(|k| k.subalterno().is_none())
            && let Some([i]) = self
                .by_parcel
                .get(&(key.clone(), internal.clone()))
                .map(Vec::as_slice)
        {
            return Some(Link::new(*i, LinkMethod::ParcelInternal));
        }
        match self
            .by_address
            .get(&(address?.clone(), internal))
            .map(Vec::as_slice)
        {
            Some([i]) => Some(Link::new(*i, LinkMethod::AddressInternal)),
            _ => None,
        }
    }
}

fn push_unique(list: &mut Vec<usize>, i: usize) {
    if !list.contains(&i) {
        list.push(i);
    }
}

/// The current buildings of the maps by host parcel, with how each host was found.
#[derive(Debug, Default)]
pub struct BuildingIndex {
    by_parcel: HashMap<String, Vec<(String, LinkMethod)>>,
}

impl BuildingIndex {
    /// Indexes building features (the `buildings` collection), current versions only.
    pub fn from_features<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Self {
        let mut by_parcel: HashMap<String, Vec<(String, LinkMethod)>> = HashMap::new();
        for f in features.into_iter().filter(|f| is_current(f)) {
            let (Some(parcel), Some(key)) = (text(f, "parcel_key"), text(f, "building_key")) else {
                continue;
            };
            let method = match text(f, "parcel_key_link") {
                Some("spatial") => LinkMethod::Spatial,
                _ => LinkMethod::SourceKey,
            };
            let list = by_parcel.entry(parcel.to_owned()).or_default();
            if !list.iter().any(|(k, _)| k == key) {
                list.push((key.to_owned(), method));
                list.sort();
            }
        }
        Self { by_parcel }
    }

    /// The building of a unit on `parcel_key`: linked when the parcel holds exactly one
    /// building, with the confidence of that building's own host link.
    pub fn on_parcel(&self, parcel_key: &str) -> Option<Link<String>> {
        match self.by_parcel.get(parcel_key).map(Vec::as_slice) {
            Some([(key, method)]) => Some(Link::new(key.clone(), *method)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use segit_query::Value;

    fn state(
        unit_key: &str,
        aliases: &str,
        progressive: i64,
        current: bool,
        internal: &str,
    ) -> Feature {
        let t = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::Text(s.to_owned())
            }
        };
        Feature {
            id: format!("{unit_key}@{progressive}"),
            geometry: None,
            properties: vec![
                ("unit_key".into(), t(unit_key)),
                ("aliases".into(), t(aliases)),
                ("property_ref".into(), t("F205//1000001/F")),
                ("progressive".into(), Value::Int(progressive)),
                ("internal".into(), t(internal)),
                ("address_key".into(), t("F205/2040/12/")),
                (
                    "valid_to".into(),
                    if current {
                        Value::Null
                    } else {
                        Value::Date(chrono::NaiveDate::from_ymd_opt(2023, 5, 10).unwrap())
                    },
                ),
            ],
        }
    }

    fn key(s: &str) -> UnitKey {
        UnitKey::parse(s).unwrap()
    }

    #[test]
    fn any_key_of_any_state_resolves_to_the_canonical_key_of_the_latest_state() {
        // state 1 was 101/7 stapled with 102/3; state 2 is 101/8 (a variation)
        let features = [
            state("F205//12/101/7", "F205//12/102/3", 1, false, "5"),
            state("F205//12/101/8", "", 2, true, "012"),
        ];
        let index = UnitIndex::from_features(features.iter());
        assert_eq!(index.len(), 1);
        let link = index
            .link(Some(&key("F205//12/101/8")), None, None)
            .unwrap();
        assert_eq!(link.method, LinkMethod::UnitKey);
        assert_eq!(index.canonical(link.target), Some(&key("F205//12/101/8")));
        let alias = index
            .link(Some(&key("F205//12/102/3")), None, None)
            .unwrap();
        assert_eq!(alias.method, LinkMethod::UnitAlias);
        assert_eq!(alias.target, link.target);
        assert_eq!(index.by_property("F205//1000001/F"), Some(link.target));
    }

    #[test]
    fn internal_numbers_link_only_current_states_and_never_alone() {
        let features = [
            state("F205//12/101/7", "", 1, false, "5"),
            state("F205//12/101/8", "", 2, true, "012"),
        ];
        let index = UnitIndex::from_features(features.iter());
        let address = AddressKey::parse("F205/2040/12/").unwrap();
        let by_address = index.link(None, Some(&address), Some("12")).unwrap();
        assert_eq!(by_address.method, LinkMethod::AddressInternal);
        // parcel + internal: a key without subalterno
        let by_parcel = index
            .link(Some(&key("F205//12/101/")), None, Some("12"))
            .unwrap();
        assert_eq!(by_parcel.method, LinkMethod::ParcelInternal);
        // the closed state's internal number 5 links nothing; no internal number, no link
        assert!(index.link(None, Some(&address), Some("5")).is_none());
        assert!(index.link(None, Some(&address), None).is_none());
        assert!(
            index
                .link(Some(&key("F205//12/999/1")), Some(&address), Some(" "))
                .is_none()
        );
    }

    #[test]
    fn a_building_links_only_when_it_is_alone_on_the_parcel() {
        let building = |key: &str, parcel: &str, link: &str| Feature {
            id: key.into(),
            geometry: None,
            properties: vec![
                ("building_key".into(), Value::Text(key.into())),
                ("parcel_key".into(), Value::Text(parcel.into())),
                ("parcel_key_link".into(), Value::Text(link.into())),
                ("valid_to".into(), Value::Null),
            ],
        };
        let features = [
            building("S.101+", "S.101", "source_key"),
            building("S.102+", "S.102", "spatial"),
            building("S.102+-2", "S.102", "spatial"),
            building("S.103+", "S.103", "spatial"),
        ];
        let index = BuildingIndex::from_features(features.iter());
        assert_eq!(
            index.on_parcel("S.101").unwrap().method,
            LinkMethod::SourceKey
        );
        assert_eq!(
            index.on_parcel("S.103").unwrap().method,
            LinkMethod::Spatial
        );
        assert!(
            index.on_parcel("S.102").is_none(),
            "two buildings: ambiguous"
        );
        assert!(index.on_parcel("S.104").is_none());
    }
}
