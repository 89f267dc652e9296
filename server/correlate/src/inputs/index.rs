//! [`Inputs`]: the snapshot with its join indexes, built once.

use std::sync::Arc;

use segit_model::{
    AddressKey, Belfiore, Confidence, ParcelKey, PropertyId, Resident, SubjectId, TextAddress,
    UnitKey, UnitState,
};

use super::InputData;
use super::compact::{ByCode, ByUnit, Entry, KeyIndex, LinkList, Map, OptLinks, key_hash};
use super::spatial::ParcelIndex;

/// A record linked to a unit: the unit's index in `units` and the join confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitLink {
    /// Index of the unit in [`InputData::units`].
    pub unit: usize,
    /// Confidence of the join (1.0 by unit key, 0.7 by address key + internal).
    pub confidence: Confidence,
}

/// (address key, internal number) of a unit-level address.
pub type UnitAddress = (AddressKey, String);

/// The snapshot and its indexes.
#[derive(Debug)]
pub struct Inputs {
    /// The raw data (shared with the thread that fingerprints it while the indexes are built).
    pub data: Arc<InputData>,
    /// [`crate::fingerprint::input_fingerprint`] of `data`
    fingerprint: String,
    pub(super) comune: Option<Belfiore>,
    pub(super) pseudonym_key: Vec<u8>,
    pub(super) unit_by_key: KeyIndex<UnitKey>,
    pub(super) units_by_parcel: KeyIndex<UnitKey>,
    pub(super) land_by_parcel: Map<UnitKey, Vec<usize>>,
    pub(super) map_parcel_by_key: Map<ParcelKey, usize>,
    pub(super) map_parcels_by_ref: Map<UnitKey, Vec<usize>>,
    pub(super) parcel_tree: ParcelIndex,
    pub(super) subject_by_id: KeyIndex<SubjectId>,
    pub(super) holdings_by_property: KeyIndex<PropertyId>,
    pub(super) holdings_by_cf: ByCode,
    /// SOG subject (with a code) of each holding, `u32::MAX` for none.
    pub(super) holding_subject: Vec<u32>,
    /// FAB unit of each holding's property, `u32::MAX` for none.
    pub(super) holding_unit: Vec<u32>,
    /// Holdings by the unit of their property (the first unit of a repeated property id).
    pub(super) holdings_by_unit: ByUnit,
    /// For each unit, the first unit with its property id (itself but for repeated ids).
    pub(super) first_unit_of_property: Vec<u32>,
    pub(super) units_by_address: KeyIndex<UnitAddress>,
    pub(super) streets_by_name: Map<String, u32>,
    pub(super) streets_by_cadastral_code: Map<String, u32>,
    pub(super) resident_links: OptLinks,
    pub(super) residents_by_unit: ByUnit,
    pub(super) residents_by_address: KeyIndex<UnitAddress>,
    pub(super) tari_links: LinkList,
    pub(super) tari_addresses: Vec<Option<UnitAddress>>,
    pub(super) tari_by_unit: ByUnit,
    pub(super) tari_by_address: KeyIndex<UnitAddress>,
    pub(super) tari_by_payer: ByCode,
    pub(super) utility_links: OptLinks,
    pub(super) lease_links: LinkList,
    pub(super) leases_by_unit: ByUnit,
    pub(super) surface_by_unit: Vec<u32>,
    pub(super) f24_by_payer: ByCode,
    pub(super) house_number_by_key: Map<AddressKey, usize>,
    pub(super) unit_by_property: KeyIndex<PropertyId>,
    pub(super) land_by_property: Map<PropertyId, usize>,
    pub(super) residents_by_cf: ByCode,
    pub(super) streets_by_toponimo_name: Map<(Option<u16>, String), u32>,
    pub(super) utilities_by_unit: ByUnit,
    pub(super) residents_by_household: KeyIndex<Box<str>>,
    pub(super) declarations_by_code: ByCode,
    pub(super) footprint_by_id: Map<String, usize>,
    pub(super) outline_by_id: Map<String, usize>,
    pub(super) footprint_tree: ParcelIndex,
}

/// Parcel reference in unit-key form (no subalterno): Belfiore, section, foglio, particella.
pub fn parcel_ref(key: &ParcelKey) -> UnitKey {
    let sheet = key.sheet();
    UnitKey::new(
        sheet.belfiore(),
        sheet.section().cloned(),
        sheet.foglio(),
        key.particella().clone(),
        None,
    )
}

/// Address key + internal of a resident row (none without an internal number).
pub(super) fn resident_address(r: &Resident) -> Option<UnitAddress> {
    r.address
        .internal()
        .and_then(normalise_internal)
        .map(|int| (r.address.key.clone(), int))
}

/// A record index as stored in the indexes' `u32` vectors, `u32::MAX` for none (or beyond).
fn to_u32(i: Option<usize>) -> u32 {
    i.and_then(|i| u32::try_from(i).ok()).unwrap_or(u32::MAX)
}

/// A unit index read back from a `u32` vector (`u32::MAX`, or no entry, for none).
fn unit_of(i: Option<u32>) -> Option<usize> {
    i.filter(|&i| i != u32::MAX).map(|i| i as usize)
}

/// True when `normalise_internal(s)` is `Some(internal)`, compared in place.
fn internal_is(s: &str, internal: &str) -> bool {
    !internal.is_empty()
        && s.trim()
            .chars()
            .flat_map(char::to_uppercase)
            .eq(internal.chars())
}

/// True when [`resident_address`] of `r` is `addr`, compared in place.
pub(super) fn resident_at_address(r: &Resident, addr: &UnitAddress) -> bool {
    r.address
        .internal()
        .is_some_and(|s| internal_is(s, &addr.1))
        && r.address.key == addr.0
}

fn normalise_internal(s: &str) -> Option<String> {
    let t = s.trim().to_uppercase();
    (!t.is_empty()).then_some(t)
}

fn push<K: std::hash::Hash + Eq>(map: &mut Map<K, Vec<usize>>, k: K, i: usize) {
    let v = map.entry(k).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

fn strip_zeros(s: &str) -> &str {
    let t = s.trim().trim_start_matches('0');
    if t.is_empty() { "0" } else { t }
}

impl Inputs {
    /// Builds every index of `data`, and meanwhile, on another thread, its fingerprint.
    pub fn new(data: InputData) -> Self {
        let comune = data.comune.or_else(|| {
            data.units
                .iter()
                .flatten()
                .map(|u| u.property.belfiore)
                .chain(
                    data.land_parcels
                        .iter()
                        .flatten()
                        .map(|p| p.property.belfiore),
                )
                .next()
        });
        let mut me = Self {
            comune,
            pseudonym_key: Vec::new(),
            unit_by_key: KeyIndex::default(),
            units_by_parcel: KeyIndex::default(),
            land_by_parcel: Map::default(),
            map_parcel_by_key: Map::default(),
            map_parcels_by_ref: Map::default(),
            parcel_tree: ParcelIndex::build(data.map_parcels.iter().flatten().map(|p| &p.geometry)),
            subject_by_id: KeyIndex::default(),
            holdings_by_property: KeyIndex::default(),
            holdings_by_cf: ByCode::default(),
            holding_subject: Vec::new(),
            holding_unit: Vec::new(),
            holdings_by_unit: ByUnit::default(),
            first_unit_of_property: Vec::new(),
            units_by_address: KeyIndex::default(),
            streets_by_name: Map::default(),
            streets_by_cadastral_code: Map::default(),
            resident_links: OptLinks::default(),
            residents_by_unit: ByUnit::default(),
            residents_by_address: KeyIndex::default(),
            tari_links: LinkList::default(),
            tari_addresses: Vec::new(),
            tari_by_unit: ByUnit::default(),
            tari_by_address: KeyIndex::default(),
            tari_by_payer: ByCode::default(),
            utility_links: OptLinks::default(),
            lease_links: LinkList::default(),
            leases_by_unit: ByUnit::default(),
            surface_by_unit: Vec::new(),
            f24_by_payer: ByCode::default(),
            house_number_by_key: Map::default(),
            unit_by_property: KeyIndex::default(),
            land_by_property: Map::default(),
            residents_by_cf: ByCode::default(),
            streets_by_toponimo_name: Map::default(),
            utilities_by_unit: ByUnit::default(),
            residents_by_household: KeyIndex::default(),
            declarations_by_code: ByCode::default(),
            footprint_by_id: Map::default(),
            outline_by_id: Map::default(),
            footprint_tree: ParcelIndex::build(
                data.footprints.iter().flatten().map(|f| &f.geometry),
            ),
            data: Arc::new(data),
            fingerprint: String::new(),
        };
        std::thread::scope(|scope| {
            let data = Arc::clone(&me.data);
            let fingerprint =
                scope.spawn(move || crate::fingerprint::fingerprint_of(&data, comune));
            me.index_cadastre();
            me.index_registers();
            me.fingerprint = fingerprint
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        });
        me
    }

    /// The SHA-256 fingerprint of the data (hex).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Sets the secret of the pseudonyms (HMAC-SHA-256 key held by the data controller).
    #[must_use]
    pub fn with_pseudonym_key(mut self, key: &[u8]) -> Self {
        self.pseudonym_key = key.to_vec();
        self
    }

    fn index_cadastre(&mut self) {
        for s in self.data.streets.iter().flatten() {
            self.streets_by_name
                .insert(s.full_name.trim().to_uppercase(), s.street_code);
            self.streets_by_toponimo_name
                .entry((s.cadastral_toponimo, s.duf.trim().to_uppercase()))
                .or_insert(s.street_code);
            if let Some(c) = &s.cadastral_street_code {
                self.streets_by_cadastral_code
                    .insert(strip_zeros(c).to_owned(), s.street_code);
            }
        }
        let units = self.data.units.as_deref().unwrap_or_default();
        let unit_key_of = |i: usize, slot: u32| {
            units[i]
                .states
                .iter()
                .flat_map(|s| s.identifiers.iter())
                .nth(slot as usize)
        };
        let mut by_key: Vec<Entry> = Vec::new();
        let mut by_parcel: Vec<Entry> = Vec::new();
        let mut by_address: Vec<Entry> = Vec::new();
        for (i, u) in units.iter().enumerate() {
            let mut slot = 0u32;
            for (si, s) in u.states.iter().enumerate() {
                for k in s.identifiers.iter() {
                    by_key.push((key_hash(k), i, slot));
                    by_parcel.push((key_hash(&k.without_subalterno()), i, slot));
                    slot += 1;
                }
                if let Some(a) = self.state_address(s) {
                    by_address.push((key_hash(&a), i, si as u32));
                }
            }
        }
        self.unit_by_property = KeyIndex::build(
            (0..units.len())
                .map(|i| (key_hash(&units[i].property), i, 0))
                .collect(),
            |i, _| Some(units[i].property.clone()),
        );
        self.unit_by_key = KeyIndex::build(by_key, |i, slot| unit_key_of(i, slot).cloned());
        self.units_by_parcel = KeyIndex::build(by_parcel, |i, slot| {
            unit_key_of(i, slot).map(UnitKey::without_subalterno)
        });
        self.units_by_address = KeyIndex::build(by_address, |i, slot| {
            units[i]
                .states
                .get(slot as usize)
                .and_then(|s| self.state_address(s))
        });
        for (i, p) in self.data.land_parcels.iter().flatten().enumerate() {
            self.land_by_property.entry(p.property.clone()).or_insert(i);
            for s in &p.states {
                let key = UnitKey::new(
                    p.property.belfiore,
                    p.property.section.clone(),
                    s.foglio,
                    s.particella.clone(),
                    None,
                );
                push(&mut self.land_by_parcel, key, i);
            }
        }
        for (i, p) in self.data.map_parcels.iter().flatten().enumerate() {
            self.map_parcel_by_key.insert(p.parcel_key.clone(), i);
            push(&mut self.map_parcels_by_ref, parcel_ref(&p.parcel_key), i);
        }
        let subjects = self.data.subjects.as_deref().unwrap_or_default();
        self.subject_by_id = KeyIndex::build(
            subjects
                .iter()
                .enumerate()
                .filter(|(_, s)| s.tax_code().is_some())
                .map(|(i, s)| (key_hash(&s.subject_id()), i, 0))
                .collect(),
            |i, _| Some(subjects[i].subject_id()),
        );
        let holdings = self.data.holdings.as_deref().unwrap_or_default();
        self.holdings_by_property = KeyIndex::build(
            holdings
                .iter()
                .enumerate()
                .map(|(i, h)| (key_hash(&h.property), i, 0))
                .collect(),
            |i, _| Some(holdings[i].property.clone()),
        );
        self.holding_subject = self.holding_subjects();
        self.holding_unit = self.holding_units();
        self.first_unit_of_property = self.first_units_of_properties();
        let pairs: Vec<(usize, usize)> = self
            .holding_unit
            .iter()
            .enumerate()
            .filter(|&(_, &u)| u != u32::MAX)
            .map(|(h, &u)| (u as usize, h))
            .collect();
        self.holdings_by_unit = ByUnit::build(units.len(), &pairs);
        drop(pairs);
        self.holdings_by_cf = self.holdings_by_code();
        self.surface_by_unit = self.surfaces_of_units();
        for (i, h) in self.data.house_numbers.iter().flatten().enumerate() {
            self.house_number_by_key
                .insert(h.number.address_key.clone(), i);
        }
    }

    /// The SOG subject of each holding ([`Inputs::subject_index`] of its subject id), the ids
    /// looked up together.
    fn holding_subjects(&self) -> Vec<u32> {
        let holdings = self.data.holdings.as_deref().unwrap_or_default();
        let subjects = self.data.subjects.as_deref().unwrap_or_default();
        let mut out = vec![u32::MAX; holdings.len()];
        let queries = (0..holdings.len())
            .map(|i| (key_hash(&holdings[i].subject), i))
            .collect();
        let found = self.subject_by_id.get_many(
            queries,
            |h, s| subjects[s].subject_id() == holdings[h].subject,
            |h, group| out[h] = to_u32(group.last()),
        );
        if !found {
            for (o, h) in out.iter_mut().zip(holdings) {
                *o = to_u32(self.subject_index(&h.subject));
            }
        }
        out
    }

    /// The holdings grouped by the code of their subject, each code hashed once per subject
    /// (the holdings of one subject need no comparison of their codes).
    fn holdings_by_code(&self) -> ByCode {
        let subjects = self.data.subjects.as_deref().unwrap_or_default();
        let hashes: Vec<Option<u64>> = subjects
            .iter()
            .map(|s| s.tax_code().map(ByCode::code_hash))
            .collect();
        let pairs = (0..self.holding_subject.len())
            .filter_map(|i| {
                let s = *self.holding_subject.get(i)?;
                Some(((*hashes.get(s as usize)?)?, i))
            })
            .collect();
        drop(hashes);
        ByCode::build_hashed(
            pairs,
            |i| self.holding_code(i),
            |a, b| self.holding_subject[a] == self.holding_subject[b],
        )
    }

    /// The FAB unit of each holding's property ([`Inputs::unit_of_property`]): the groups of
    /// the holdings by property and of the units by property walked together, one comparison
    /// of property ids per property.
    fn holding_units(&self) -> Vec<u32> {
        let holdings = self.data.holdings.as_deref().unwrap_or_default();
        let units = self.data.units.as_deref().unwrap_or_default();
        let mut out = vec![u32::MAX; holdings.len()];
        let (Some(held), Some(unit_groups)) = (
            self.holdings_by_property.hashed_groups(),
            self.unit_by_property.hashed_groups(),
        ) else {
            for (o, h) in out.iter_mut().zip(holdings) {
                *o = to_u32(self.unit_of_property(&h.property));
            }
            return out;
        };
        let mut unit_groups = unit_groups.peekable();
        for (h, group) in held {
            while unit_groups.next_if(|&(u, _)| u < h).is_some() {}
            if let Some(&(u, of_units)) = unit_groups.peek()
                && u == h
                && let (Some(first_unit), Some(first_holding)) = (of_units.first(), group.first())
                && units[first_unit].property == holdings[first_holding].property
            {
                for i in group {
                    out[i] = to_u32(Some(first_unit));
                }
            }
        }
        out
    }

    /// For each unit, the first unit with its property id ([`Inputs::unit_of_property`] of its
    /// property): the first of its group in the index by property.
    fn first_units_of_properties(&self) -> Vec<u32> {
        let units = self.data.units.as_deref().unwrap_or_default();
        let Some(groups) = self.unit_by_property.hashed_groups() else {
            return units
                .iter()
                .map(|u| to_u32(self.unit_of_property(&u.property)))
                .collect();
        };
        let mut out = vec![u32::MAX; units.len()];
        for (_, group) in groups {
            for u in group {
                out[u] = to_u32(group.first());
            }
        }
        out
    }

    /// For each unit, its first cadastral surface row (the unit of a row: [`Inputs::unit_index`]
    /// of its unit key), the keys looked up together.
    fn surfaces_of_units(&self) -> Vec<u32> {
        let units = self.data.units.as_deref().unwrap_or_default();
        let surfaces = self.data.surfaces.as_deref().unwrap_or_default();
        let mut out = vec![u32::MAX; units.len()];
        let mut first = |u: usize, i: usize| {
            let i = to_u32(Some(i));
            if out[u] == u32::MAX || i < out[u] {
                out[u] = i;
            }
        };
        let queries = (0..surfaces.len())
            .map(|i| (key_hash(&surfaces[i].unit_key), i))
            .collect();
        let found = self.unit_by_key.get_many(
            queries,
            |i, u| units[u].has_key(&surfaces[i].unit_key),
            |i, group| {
                if let Some(u) = group.first() {
                    first(u, i);
                }
            },
        );
        if !found {
            for (i, s) in surfaces.iter().enumerate() {
                if let Some(u) = self.unit_index(&s.unit_key) {
                    first(u, i);
                }
            }
        }
        out
    }

    fn index_registers(&mut self) {
        let n_units = self.data.units.as_ref().map_or(0, Vec::len);
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let residents = self.data.residents.as_deref().unwrap_or_default();
        let mut by_address: Vec<Entry> = Vec::new();
        let mut links = OptLinks::default();
        let keys: Vec<&UnitKey> = residents.iter().flat_map(|r| &r.unit_key).collect();
        let mut by_key = self.unit_indexes(&keys).into_iter();
        drop(keys);
        for (i, r) in residents.iter().enumerate() {
            let addr = resident_address(r);
            let unit = r.unit_key.as_ref().and_then(|_| unit_of(by_key.next()));
            let link = self.link(unit, addr.as_ref());
            if let Some(l) = link {
                pairs.push((l.unit, i));
            }
            if let Some(a) = addr {
                by_address.push((key_hash(&a), i, 0));
            }
            links.push(link);
        }
        links.shrink();
        self.resident_links = links;
        self.residents_by_unit = ByUnit::build(n_units, &pairs);
        pairs.clear();
        self.residents_by_address =
            KeyIndex::build(by_address, |i, _| resident_address(&residents[i]));
        self.residents_by_household = KeyIndex::build(
            residents
                .iter()
                .enumerate()
                .map(|(i, r)| (key_hash(&r.household_id), i, 0))
                .collect(),
            |i, _| Some(residents[i].household_id.clone()),
        );
        if self.data.residents.is_some() {
            self.residents_by_cf = ByCode::build(residents.len(), |i| Some(&residents[i].person));
        }
        let tari = self.data.tari.as_deref().unwrap_or_default();
        let mut by_address: Vec<Entry> = Vec::new();
        let mut tari_links = LinkList::default();
        let mut tari_addresses = Vec::with_capacity(tari.len());
        let keys: Vec<&UnitKey> = tari.iter().flat_map(|t| &t.unit_keys).collect();
        let mut by_key = self.unit_indexes(&keys).into_iter();
        drop(keys);
        let mut links: Vec<UnitLink> = Vec::new();
        for (i, t) in tari.iter().enumerate() {
            let key = t.address_key.clone().or_else(|| {
                t.address_text
                    .as_deref()
                    .and_then(|s| self.resolve_text(s))
                    .map(|(k, _)| k)
            });
            let addr = key.zip(t.internal().and_then(normalise_internal));
            links.clear();
            for _ in &t.unit_keys {
                if let Some(u) = unit_of(by_key.next())
                    && !links.iter().any(|l| l.unit == u)
                {
                    links.push(UnitLink {
                        unit: u,
                        confidence: Confidence::EXACT_UNIT_KEY,
                    });
                }
            }
            if t.unit_keys.is_empty() {
                links.extend(self.link(None, addr.as_ref()));
            }
            for l in &links {
                pairs.push((l.unit, i));
            }
            if let Some(a) = &addr {
                by_address.push((key_hash(a), i, 0));
            }
            tari_links.push(&links);
            tari_addresses.push(addr);
        }
        tari_links.shrink();
        self.tari_links = tari_links;
        self.tari_by_unit = ByUnit::build(n_units, &pairs);
        pairs.clear();
        self.tari_by_address = KeyIndex::build(by_address, |i, _| tari_addresses[i].clone());
        self.tari_addresses = tari_addresses;
        if self.data.tari.is_some() {
            self.tari_by_payer = ByCode::build(tari.len(), |i| Some(&tari[i].payer));
        }
        let utilities = self.utilities();
        let mut utility_links = OptLinks::default();
        let keys: Vec<&UnitKey> = utilities.iter().flat_map(|u| &u.point.unit_key).collect();
        let mut by_key = self.unit_indexes(&keys).into_iter();
        drop(keys);
        for (i, u) in utilities.iter().enumerate() {
            let u = u.point;
            let text = u.address_text.as_deref().and_then(|s| self.resolve_text(s));
            let key = u
                .address_key
                .clone()
                .or_else(|| text.as_ref().map(|(k, _)| k.clone()));
            let internal = text.and_then(|(_, i)| i);
            let addr = key.zip(internal);
            let unit = u.unit_key.as_ref().and_then(|_| unit_of(by_key.next()));
            let link = self.link(unit, addr.as_ref());
            if let Some(l) = link {
                pairs.push((l.unit, i));
            }
            utility_links.push(link);
        }
        utility_links.shrink();
        self.utility_links = utility_links;
        self.utilities_by_unit = ByUnit::build(n_units, &pairs);
        pairs.clear();
        let leases = self.data.leases.as_deref().unwrap_or_default();
        let mut lease_links = LinkList::default();
        let keys: Vec<&UnitKey> = leases
            .iter()
            .flat_map(|l| l.units.iter().map(|lu| &lu.unit_key))
            .collect();
        let mut by_key = self.unit_indexes(&keys).into_iter();
        drop(keys);
        for (i, l) in leases.iter().enumerate() {
            links.clear();
            for _ in &l.units {
                if let Some(u) = unit_of(by_key.next())
                    && !links.iter().any(|x| x.unit == u)
                {
                    links.push(UnitLink {
                        unit: u,
                        confidence: Confidence::EXACT_UNIT_KEY,
                    });
                    pairs.push((u, i));
                }
            }
            lease_links.push(&links);
        }
        lease_links.shrink();
        self.lease_links = lease_links;
        self.leases_by_unit = ByUnit::build(n_units, &pairs);
        drop(pairs);
        if let Some(rows) = &self.data.imu_declarations {
            self.declarations_by_code = ByCode::build(rows.len(), |i| Some(&rows[i].declarant));
        }
        for (i, f) in self.data.footprints.iter().flatten().enumerate() {
            self.footprint_by_id
                .entry(f.building.building_id.clone())
                .or_insert(i);
        }
        for (i, o) in self.data.building_outlines.iter().flatten().enumerate() {
            self.outline_by_id.entry(o.id.clone()).or_insert(i);
        }
        if let Some(rows) = &self.data.f24 {
            self.f24_by_payer = ByCode::build(rows.len(), |i| Some(&rows[i].payer));
        }
    }

    /// The unit of each of `keys` ([`Inputs::unit_index`]), `u32::MAX` for none: the keys
    /// looked up together.
    fn unit_indexes(&self, keys: &[&UnitKey]) -> Vec<u32> {
        let units = self.data.units.as_deref().unwrap_or_default();
        let mut out = vec![u32::MAX; keys.len()];
        let queries = keys
            .iter()
            .enumerate()
            .map(|(q, k)| (key_hash(*k), q))
            .collect();
        let found = self.unit_by_key.get_many(
            queries,
            |q, u| units[u].has_key(keys[q]),
            |q, group| out[q] = to_u32(group.first()),
        );
        if !found {
            for (o, k) in out.iter_mut().zip(keys) {
                *o = to_u32(self.unit_index(k));
            }
        }
        out
    }

    /// Links a record to a unit: by unit key (canonical or alias, confidence 1.0), else by
    /// address key + non-empty internal when exactly one unit carries it (0.7). `by_key` is
    /// the unit of the record's key ([`Inputs::unit_index`]).
    fn link(&self, by_key: Option<usize>, addr: Option<&UnitAddress>) -> Option<UnitLink> {
        if let Some(u) = by_key {
            return Some(UnitLink {
                unit: u,
                confidence: Confidence::EXACT_UNIT_KEY,
            });
        }
        let units = self.units_at_address(addr?);
        match (units.len(), units.first()) {
            (1, Some(unit)) => Some(UnitLink {
                unit,
                confidence: Confidence::ADDRESS_KEY_WITH_INTERNAL,
            }),
            _ => None,
        }
    }

    /// The address key + internal of a FAB state: current type-3 address aligned to the street
    /// register by the Agenzia's street code (fallback: toponimo and name), house number and
    /// suffix by the census convention, internal number of field 17.
    pub fn state_address(&self, state: &UnitState) -> Option<UnitAddress> {
        let internal = normalise_internal(state.internal.as_deref()?)?;
        let a = state.current_address()?;
        let street = self.street_of(a)?;
        let (number, suffix) = a.house_number()?;
        let key = AddressKey::new(self.comune?, street, number, suffix.as_deref()).ok()?;
        Some((key, internal))
    }

    /// True when the address key + internal of `state` ([`Inputs::state_address`]) is `addr`;
    /// the internal number compared first, in place.
    pub(super) fn state_at_address(&self, state: &UnitState, addr: &UnitAddress) -> bool {
        state
            .internal
            .as_deref()
            .is_some_and(|s| internal_is(s, &addr.1))
            && self.state_address(state).as_ref() == Some(addr)
    }

    /// Municipal street code of a FAB type-3 address: the Agenzia's street code through the
    /// alignment table of the street register, else toponimo + street name.
    pub fn street_of(&self, a: &segit_model::CadastralAddress) -> Option<u32> {
        a.street_code
            .as_deref()
            .and_then(|c| self.streets_by_cadastral_code.get(strip_zeros(c)).copied())
            .or_else(|| {
                self.streets_by_toponimo_name
                    .get(&(a.toponimo, a.street_name.trim().to_uppercase()))
                    .copied()
            })
    }

    /// Resolves a text address through the street register: address key and internal.
    pub fn resolve_text(&self, text: &str) -> Option<(AddressKey, Option<String>)> {
        let t = TextAddress::parse(text).ok()?;
        let street = *self.streets_by_name.get(&t.street_name().to_uppercase())?;
        let key = AddressKey::new(self.comune?, street, t.number, t.suffix.as_deref()).ok()?;
        Some((key, t.internal.as_deref().and_then(normalise_internal)))
    }
}
