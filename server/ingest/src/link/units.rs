//! Units found by any of their keys (graffati aliases included), by parcel + internal number
//! and by address + internal number; buildings found by their host parcel. Built from the unit
//! and building features (every state, this supply's and the store's).

use std::collections::HashMap;

use segit_model::{AddressKey, UnitKey};
use segit_query::Feature;

use super::address::normalise_internal;
use super::confidence::{Link, LinkMethod};
use super::features::{int, is_current, text};

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

impl UnitIndex {
    /// Indexes unit-state features (the `units` collection). A unit is a property; its
    /// canonical key is the one of its latest state; keys of every state resolve to it;
    /// address and parcel + internal number come from its current states.
    pub fn from_features<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Self {
        let mut states: Vec<StateKeys> = features.into_iter().filter_map(StateKeys::read).collect();
        states.sort_by(|a, b| (&a.property, a.progressive).cmp(&(&b.property, b.progressive)));
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
