//! Units found by any of their keys (graffati aliases included), by parcel + internal number
//! and by address + internal number; buildings found by their host parcel. Built from the unit
//! and building features (every state, this supply's and the store's).

use std::collections::HashMap;

use segit_model::{AddressKey, UnitKey};
use segit_query::Feature;

use super::address::normalise_internal;
use super::confidence::{Link, LinkMethod};
use super::features::{int, is_current, text};
use crate::key_hash::{KeyMap, KeySet, key_hash, value_hash};

/// The units, indexed: the canonical key of each unit, and 128-bit hashes ([`value_hash`]) of
/// the keys that find one — about 300 bytes per unit.
#[derive(Debug, Default)]
pub struct UnitIndex {
    canonical: Vec<UnitKey>,
    /// unit key or alias → the unit, and whether it is the unit's canonical key
    by_key: KeyMap<(u32, bool)>,
    by_property: KeyMap<u32>,
    /// (address key, internal number) of current states
    by_address: KeyMap<UnitMatch>,
    /// (unit key without subalterno, internal number) of current states
    by_parcel: KeyMap<UnitMatch>,
}

/// The units found by one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitMatch {
    /// exactly one unit
    One(u32),
    /// several units
    Many,
}

impl UnitMatch {
    fn with(this: Option<Self>, i: u32) -> Self {
        match this {
            None => Self::One(i),
            Some(Self::One(j)) if j == i => Self::One(i),
            Some(_) => Self::Many,
        }
    }
}

/// Builds a [`UnitIndex`] from unit-state features given chunk by chunk (this supply's), then
/// the stored ones the supply does not replace (same feature id). A unit is a property; its
/// canonical key is the one of its latest state (highest progressive; for equal progressives
/// the state added last); keys of every state find it, a key that is some unit's canonical key
/// finds that unit, another key the first unit it was read for; address and parcel + internal
/// number come from current states.
#[derive(Debug, Default)]
pub struct UnitIndexBuilder {
    index: UnitIndex,
    /// (progressive, order of addition) of the state each canonical key comes from
    latest: Vec<(i64, u64)>,
    added: u64,
    new_ids: KeySet,
    track_ids: bool,
}

impl UnitIndexBuilder {
    /// A builder; `stored` says whether stored features will be added at the end (the ids
    /// of the supply's features are then remembered, to leave out the stored ones replaced).
    pub fn new(stored: bool) -> Self {
        Self {
            track_ids: stored,
            ..Self::default()
        }
    }

    /// Adds unit-state features of the supply.
    pub fn add<'a>(&mut self, features: impl IntoIterator<Item = &'a Feature>) {
        for f in features {
            if self.track_ids {
                self.new_ids.insert(key_hash(&f.id));
            }
            self.add_state(f);
        }
    }

    /// The index, with the stored unit-state features the supply does not replace.
    pub fn finish<'a>(mut self, stored: impl IntoIterator<Item = &'a Feature>) -> UnitIndex {
        for f in stored {
            if !self.new_ids.contains(&key_hash(&f.id)) {
                self.add_state(f);
            }
        }
        let mut index = self.index;
        for (i, key) in index.canonical.iter().enumerate() {
            if let Ok(i) = u32::try_from(i) {
                index.by_key.insert(value_hash(key), (i, true));
            }
        }
        index
    }

    fn add_state(&mut self, f: &Feature) {
        let (Some(key), Some(property)) = (
            text(f, "unit_key").and_then(|k| UnitKey::parse(k).ok()),
            text(f, "property_ref"),
        ) else {
            return;
        };
        let progressive = int(f, "progressive").unwrap_or(0);
        let aliases: Vec<UnitKey> = text(f, "aliases")
            .map(|a| {
                a.split(',')
                    .filter_map(|k| UnitKey::parse(k).ok())
                    .collect()
            })
            .unwrap_or_default();
        let order = self.added;
        self.added += 1;
        let index = &mut self.index;
        let i = if let Some(&i) = index.by_property.get(&key_hash(property)) {
            if let (Some(latest), Some(canonical)) = (
                self.latest.get_mut(i as usize),
                index.canonical.get_mut(i as usize),
            ) && (progressive, order) >= *latest
            {
                *latest = (progressive, order);
                canonical.clone_from(&key);
            }
            i
        } else {
            let Ok(i) = u32::try_from(index.canonical.len()) else {
                return;
            };
            index.by_property.insert(key_hash(property), i);
            index.canonical.push(key.clone());
            self.latest.push((progressive, order));
            i
        };
        for k in std::iter::once(&key).chain(&aliases) {
            index.by_key.entry(value_hash(k)).or_insert((i, false));
        }
        let internal = normalise_internal(text(f, "internal"));
        let Some(internal) = internal.filter(|_| is_current(f)) else {
            return;
        };
        if let Some(address) = text(f, "address_key").and_then(|a| AddressKey::parse(a).ok()) {
            let h = value_hash(&(&address, &internal));
            let m = UnitMatch::with(index.by_address.get(&h).copied(), i);
            index.by_address.insert(h, m);
        }
        for k in std::iter::once(&key).chain(&aliases) {
            let h = value_hash(&(&k.without_subalterno(), &internal));
            let m = UnitMatch::with(index.by_parcel.get(&h).copied(), i);
            index.by_parcel.insert(h, m);
        }
    }
}

impl UnitIndex {
    /// Indexes unit-state features (the `units` collection): see [`UnitIndexBuilder`].
    pub fn from_features<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Self {
        let mut builder = UnitIndexBuilder::default();
        for f in features {
            builder.add_state(f);
        }
        builder.finish(std::iter::empty())
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
        self.by_property
            .get(&key_hash(property_ref))
            .map(|&i| i as usize)
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
            && let Some(&(i, canonical)) = self.by_key.get(&value_hash(key))
        {
            let method = if canonical {
                LinkMethod::UnitKey
            } else {
                LinkMethod::UnitAlias
            };
            return Some(Link::new(i as usize, method));
        }
        let internal = normalise_internal(internal)?;
        if let Some(key) = key.filter(|k| k.subalterno().is_none())
            && let Some(UnitMatch::One(i)) = self.by_parcel.get(&value_hash(&(key, &internal)))
        {
            return Some(Link::new(*i as usize, LinkMethod::ParcelInternal));
        }
        match self.by_address.get(&value_hash(&(address?, &internal))) {
            Some(UnitMatch::One(i)) => Some(Link::new(*i as usize, LinkMethod::AddressInternal)),
            _ => None,
        }
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
