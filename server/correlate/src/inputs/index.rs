//! [`Inputs`]: the snapshot with its join indexes, built once.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use chrono::NaiveDate;
use hmac::{Hmac, KeyInit, Mac};
use segit_model::{
    AddressKey, Belfiore, Confidence, FabSpecialAccount, ParcelKey, ParcelState, PropertyId,
    SubjectId, TaxId, TextAddress, UnitKey, UnitState,
};
use sha2::Sha256;

use super::spatial::ParcelIndex;
use super::{InputData, Source};

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
    /// The raw data.
    pub data: InputData,
    comune: Option<Belfiore>,
    pseudonym_key: Vec<u8>,
    unit_by_key: HashMap<UnitKey, usize>,
    units_by_parcel: HashMap<UnitKey, Vec<usize>>,
    land_by_parcel: HashMap<UnitKey, Vec<usize>>,
    map_parcel_by_key: HashMap<ParcelKey, usize>,
    map_parcels_by_ref: HashMap<UnitKey, Vec<usize>>,
    parcel_tree: ParcelIndex,
    subject_cf: HashMap<SubjectId, TaxId>,
    holdings_by_property: HashMap<PropertyId, Vec<usize>>,
    holdings_by_cf: HashMap<TaxId, Vec<usize>>,
    units_by_address: HashMap<UnitAddress, Vec<usize>>,
    streets_by_name: HashMap<String, u32>,
    streets_by_cadastral_code: HashMap<String, u32>,
    resident_links: Vec<Option<UnitLink>>,
    residents_by_unit: HashMap<usize, Vec<usize>>,
    residents_by_address: HashMap<UnitAddress, Vec<usize>>,
    tari_links: Vec<Vec<UnitLink>>,
    tari_addresses: Vec<Option<UnitAddress>>,
    tari_by_unit: HashMap<usize, Vec<usize>>,
    tari_by_address: HashMap<UnitAddress, Vec<usize>>,
    tari_by_payer: HashMap<TaxId, Vec<usize>>,
    utility_links: Vec<Option<UnitLink>>,
    lease_links: Vec<Vec<UnitLink>>,
    leases_by_unit: HashMap<usize, Vec<usize>>,
    surface_by_unit: HashMap<usize, usize>,
    f24_by_payer: HashMap<TaxId, Vec<usize>>,
    house_number_by_key: HashMap<AddressKey, usize>,
    unit_by_property: HashMap<PropertyId, usize>,
    land_by_property: HashMap<PropertyId, usize>,
    residents_by_cf: HashMap<TaxId, Vec<usize>>,
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

fn normalise_internal(s: &str) -> Option<String> {
    let t = s.trim().to_uppercase();
    (!t.is_empty()).then_some(t)
}

fn push<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<usize>>, k: K, i: usize) {
    let v = map.entry(k).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

fn strip_zeros(s: &str) -> String {
    let t = s.trim().trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.to_owned()
    }
}

impl Inputs {
    /// Builds every index of `data`.
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
            unit_by_key: HashMap::new(),
            units_by_parcel: HashMap::new(),
            land_by_parcel: HashMap::new(),
            map_parcel_by_key: HashMap::new(),
            map_parcels_by_ref: HashMap::new(),
            parcel_tree: ParcelIndex::build(data.map_parcels.iter().flatten().map(|p| &p.geometry)),
            subject_cf: HashMap::new(),
            holdings_by_property: HashMap::new(),
            holdings_by_cf: HashMap::new(),
            units_by_address: HashMap::new(),
            streets_by_name: HashMap::new(),
            streets_by_cadastral_code: HashMap::new(),
            resident_links: Vec::new(),
            residents_by_unit: HashMap::new(),
            residents_by_address: HashMap::new(),
            tari_links: Vec::new(),
            tari_addresses: Vec::new(),
            tari_by_unit: HashMap::new(),
            tari_by_address: HashMap::new(),
            tari_by_payer: HashMap::new(),
            utility_links: Vec::new(),
            lease_links: Vec::new(),
            leases_by_unit: HashMap::new(),
            surface_by_unit: HashMap::new(),
            f24_by_payer: HashMap::new(),
            house_number_by_key: HashMap::new(),
            unit_by_property: HashMap::new(),
            land_by_property: HashMap::new(),
            residents_by_cf: HashMap::new(),
            data,
        };
        me.index_cadastre();
        me.index_registers();
        me
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
            if let Some(c) = &s.cadastral_street_code {
                self.streets_by_cadastral_code
                    .insert(strip_zeros(c), s.street_code);
            }
        }
        let had_units = self.data.units.is_some();
        let units = self.data.units.take().unwrap_or_default();
        for (i, u) in units.iter().enumerate() {
            self.unit_by_property.entry(u.property.clone()).or_insert(i);
            for s in &u.states {
                for k in s.identifiers.iter() {
                    self.unit_by_key.entry(k.clone()).or_insert(i);
                    push(&mut self.units_by_parcel, k.without_subalterno(), i);
                }
                if let Some(a) = self.state_address(s) {
                    push(&mut self.units_by_address, a, i);
                }
            }
        }
        if had_units {
            self.data.units = Some(units);
        }
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
        for s in self.data.subjects.iter().flatten() {
            if let Some(cf) = s.tax_code() {
                self.subject_cf.insert(s.subject_id(), cf.clone());
            }
        }
        for (i, h) in self.data.holdings.iter().flatten().enumerate() {
            push(&mut self.holdings_by_property, h.property.clone(), i);
            if let Some(cf) = self.subject_cf.get(&h.subject) {
                push(&mut self.holdings_by_cf, cf.clone(), i);
            }
        }
        for (i, s) in self.data.surfaces.iter().flatten().enumerate() {
            if let Some(&u) = self.unit_by_key.get(&s.unit_key) {
                self.surface_by_unit.entry(u).or_insert(i);
            }
        }
        for (i, h) in self.data.house_numbers.iter().flatten().enumerate() {
            self.house_number_by_key
                .insert(h.number.address_key.clone(), i);
        }
    }

    fn index_registers(&mut self) {
        let residents = self.data.residents.take();
        for (i, r) in residents.iter().flatten().enumerate() {
            let addr = r
                .address
                .internal()
                .and_then(normalise_internal)
                .map(|int| (r.address.key.clone(), int));
            let link = self.link(r.unit_key.as_ref(), addr.as_ref());
            if let Some(l) = link {
                push(&mut self.residents_by_unit, l.unit, i);
            }
            if let Some(a) = addr {
                push(&mut self.residents_by_address, a, i);
            }
            push(&mut self.residents_by_cf, r.person.clone(), i);
            self.resident_links.push(link);
        }
        self.data.residents = residents;
        let tari = self.data.tari.take();
        for (i, t) in tari.iter().flatten().enumerate() {
            let key = t.address_key.clone().or_else(|| {
                t.address_text
                    .as_deref()
                    .and_then(|s| self.resolve_text(s))
                    .map(|(k, _)| k)
            });
            let addr = key.zip(t.internal().and_then(normalise_internal));
            let mut links: Vec<UnitLink> = Vec::new();
            for k in &t.unit_keys {
                if let Some(&u) = self.unit_by_key.get(k)
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
                push(&mut self.tari_by_unit, l.unit, i);
            }
            if let Some(a) = &addr {
                push(&mut self.tari_by_address, a.clone(), i);
            }
            push(&mut self.tari_by_payer, t.payer.clone(), i);
            self.tari_links.push(links);
            self.tari_addresses.push(addr);
        }
        self.data.tari = tari;
        let utilities = self.data.utilities.take();
        for u in utilities.iter().flatten() {
            let text = u.address_text.as_deref().and_then(|s| self.resolve_text(s));
            let key = u
                .address_key
                .clone()
                .or_else(|| text.as_ref().map(|(k, _)| k.clone()));
            let internal = text.and_then(|(_, i)| i);
            let addr = key.zip(internal);
            self.utility_links
                .push(self.link(u.unit_key.as_ref(), addr.as_ref()));
        }
        self.data.utilities = utilities;
        let leases = self.data.leases.take();
        for (i, l) in leases.iter().flatten().enumerate() {
            let mut links: Vec<UnitLink> = Vec::new();
            for lu in &l.units {
                if let Some(&u) = self.unit_by_key.get(&lu.unit_key)
                    && !links.iter().any(|x| x.unit == u)
                {
                    links.push(UnitLink {
                        unit: u,
                        confidence: Confidence::EXACT_UNIT_KEY,
                    });
                    push(&mut self.leases_by_unit, u, i);
                }
            }
            self.lease_links.push(links);
        }
        self.data.leases = leases;
        for (i, p) in self.data.f24.iter().flatten().enumerate() {
            push(&mut self.f24_by_payer, p.payer.clone(), i);
        }
    }

    /// Links a record to a unit: by unit key (canonical or alias, confidence 1.0), else by
    /// address key + non-empty internal when exactly one unit carries it (0.7).
    fn link(&self, key: Option<&UnitKey>, addr: Option<&UnitAddress>) -> Option<UnitLink> {
        if let Some(&u) = key.and_then(|k| self.unit_by_key.get(k)) {
            return Some(UnitLink {
                unit: u,
                confidence: Confidence::EXACT_UNIT_KEY,
            });
        }
        match self.units_by_address.get(addr?).map(Vec::as_slice) {
            Some([u]) => Some(UnitLink {
                unit: *u,
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
        let street = a
            .street_code
            .as_deref()
            .and_then(|c| self.streets_by_cadastral_code.get(&strip_zeros(c)).copied())
            .or_else(|| {
                let streets = self.data.streets.as_ref()?;
                let name = a.street_name.trim().to_uppercase();
                streets
                    .iter()
                    .find(|s| {
                        s.cadastral_toponimo == a.toponimo && s.duf.trim().to_uppercase() == name
                    })
                    .map(|s| s.street_code)
            })?;
        let (number, suffix) = a.house_number()?;
        let key = AddressKey::new(self.comune?, street, number, suffix.as_deref()).ok()?;
        Some((key, internal))
    }

    /// Resolves a text address through the street register: address key and internal.
    pub fn resolve_text(&self, text: &str) -> Option<(AddressKey, Option<String>)> {
        let t = TextAddress::parse(text).ok()?;
        let street = *self.streets_by_name.get(&t.street_name().to_uppercase())?;
        let key = AddressKey::new(self.comune?, street, t.number, t.suffix.as_deref()).ok()?;
        Some((key, t.internal.as_deref().and_then(normalise_internal)))
    }

    /// The sources not supplied, in [`Source::ALL`] order.
    pub fn missing_sources(&self) -> Vec<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| !self.data.has(*s))
            .collect()
    }

    /// The supplied sources.
    pub fn supplied_sources(&self) -> BTreeSet<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| self.data.has(*s))
            .collect()
    }

    /// Municipality of the snapshot.
    pub fn comune(&self) -> Option<Belfiore> {
        self.comune
    }

    /// Pseudonym of a person code: HMAC-SHA-256 of the code as written (upper case, trimmed),
    /// truncated to 16 hex characters (identifiers.md §5).
    pub fn pseudonym(&self, code: &TaxId) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.pseudonym_key) else {
            return String::new();
        };
        mac.update(code.as_written().as_bytes());
        let bytes = mac.finalize().into_bytes();
        bytes
            .iter()
            .take(8)
            .fold(String::with_capacity(16), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }

    /// The unit carrying `key` (canonical or alias of any state).
    pub fn unit_index(&self, key: &UnitKey) -> Option<usize> {
        self.unit_by_key.get(key).copied()
    }

    /// Units with an identifier group on the parcel `parcel` (unit-key form, any state).
    pub fn units_touching_parcel(&self, parcel: &UnitKey) -> &[usize] {
        self.units_by_parcel
            .get(&parcel.without_subalterno())
            .map_or(&[], Vec::as_slice)
    }

    /// "Units on a parcel" on `date` (catalogue §0): state valid on `date`, not in special
    /// account `A`, with any identifier group on the parcel.
    pub fn units_on_parcel(&self, parcel: &UnitKey, date: NaiveDate) -> Vec<usize> {
        let units = self.data.units.as_deref().unwrap_or_default();
        self.units_touching_parcel(parcel)
            .iter()
            .copied()
            .filter(|&i| {
                units[i].state_at(date).is_some_and(|s| {
                    s.special_account() != Some(FabSpecialAccount::NonTaxableCommonParts)
                        && s.identifiers.on_parcel(parcel)
                })
            })
            .collect()
    }

    /// TER parcels (indices) recorded on the parcel reference.
    pub fn land_parcels_at(&self, parcel: &UnitKey) -> &[usize] {
        self.land_by_parcel
            .get(&parcel.without_subalterno())
            .map_or(&[], Vec::as_slice)
    }

    /// The TER state valid on `date` of the parcel reference.
    pub fn land_state_at(&self, parcel: &UnitKey, date: NaiveDate) -> Option<&ParcelState> {
        let parcels = self.data.land_parcels.as_deref()?;
        self.land_parcels_at(parcel).iter().find_map(|&i| {
            parcels[i]
                .state_at(date)
                .filter(|s| s.foglio == parcel.foglio() && &s.particella == parcel.particella())
        })
    }

    /// Index of the map parcel with this key.
    pub fn map_parcel(&self, key: &ParcelKey) -> Option<usize> {
        self.map_parcel_by_key.get(key).copied()
    }

    /// Map parcels of a parcel reference (any annex/development).
    pub fn map_parcels_at(&self, parcel: &UnitKey) -> &[usize] {
        self.map_parcels_by_ref
            .get(&parcel.without_subalterno())
            .map_or(&[], Vec::as_slice)
    }

    /// The R-tree of the map parcels.
    pub fn parcel_tree(&self) -> &ParcelIndex {
        &self.parcel_tree
    }

    /// Codice fiscale of a SOG subject.
    pub fn subject_code(&self, subject: &SubjectId) -> Option<&TaxId> {
        self.subject_cf.get(subject)
    }

    /// TIT holdings of a property.
    pub fn holdings_of(&self, property: &PropertyId) -> &[usize] {
        self.holdings_by_property
            .get(property)
            .map_or(&[], Vec::as_slice)
    }

    /// TIT holdings of a person code (as written).
    pub fn holdings_of_code(&self, code: &TaxId) -> &[usize] {
        self.holdings_by_cf.get(code).map_or(&[], Vec::as_slice)
    }

    /// Every person code holding something, sorted.
    pub fn holder_codes(&self) -> Vec<&TaxId> {
        let mut v: Vec<&TaxId> = self.holdings_by_cf.keys().collect();
        v.sort();
        v
    }

    /// Units at an address key + internal.
    pub fn units_at_address(&self, addr: &UnitAddress) -> &[usize] {
        self.units_by_address.get(addr).map_or(&[], Vec::as_slice)
    }

    /// Unit link of each resident row (same order as `residents`).
    pub fn resident_link(&self, i: usize) -> Option<UnitLink> {
        self.resident_links.get(i).copied().flatten()
    }

    /// Resident rows linked to a unit.
    pub fn residents_of_unit(&self, unit: usize) -> &[usize] {
        self.residents_by_unit.get(&unit).map_or(&[], Vec::as_slice)
    }

    /// Resident rows at an address key + internal.
    pub fn residents_at_address(&self, addr: &UnitAddress) -> &[usize] {
        self.residents_by_address
            .get(addr)
            .map_or(&[], Vec::as_slice)
    }

    /// Unit links of a TARI premises (de-duplicated by unit).
    pub fn tari_links(&self, i: usize) -> &[UnitLink] {
        self.tari_links.get(i).map_or(&[], Vec::as_slice)
    }

    /// Address key (text resolved when empty) + internal of a TARI premises.
    pub fn tari_address(&self, i: usize) -> Option<&UnitAddress> {
        self.tari_addresses.get(i).and_then(Option::as_ref)
    }

    /// TARI premises linked to a unit.
    pub fn tari_of_unit(&self, unit: usize) -> &[usize] {
        self.tari_by_unit.get(&unit).map_or(&[], Vec::as_slice)
    }

    /// TARI premises at an address key + internal.
    pub fn tari_at_address(&self, addr: &UnitAddress) -> &[usize] {
        self.tari_by_address.get(addr).map_or(&[], Vec::as_slice)
    }

    /// TARI premises of a payer code.
    pub fn tari_of_payer(&self, code: &TaxId) -> &[usize] {
        self.tari_by_payer.get(code).map_or(&[], Vec::as_slice)
    }

    /// Unit link of a utility row.
    pub fn utility_link(&self, i: usize) -> Option<UnitLink> {
        self.utility_links.get(i).copied().flatten()
    }

    /// Unit links of a lease.
    pub fn lease_links(&self, i: usize) -> &[UnitLink] {
        self.lease_links.get(i).map_or(&[], Vec::as_slice)
    }

    /// Leases on a unit.
    pub fn leases_of_unit(&self, unit: usize) -> &[usize] {
        self.leases_by_unit.get(&unit).map_or(&[], Vec::as_slice)
    }

    /// Cadastral surface row of a unit.
    pub fn surface_of_unit(&self, unit: usize) -> Option<usize> {
        self.surface_by_unit.get(&unit).copied()
    }

    /// F24 lines of a payer code.
    pub fn f24_of(&self, code: &TaxId) -> &[usize] {
        self.f24_by_payer.get(code).map_or(&[], Vec::as_slice)
    }

    /// House-number point of an address key.
    pub fn house_number(&self, key: &AddressKey) -> Option<usize> {
        self.house_number_by_key.get(key).copied()
    }

    /// The unit of a property id.
    pub fn unit_of_property(&self, property: &PropertyId) -> Option<usize> {
        self.unit_by_property.get(property).copied()
    }

    /// The TER parcel of a property id.
    pub fn land_of_property(&self, property: &PropertyId) -> Option<usize> {
        self.land_by_property.get(property).copied()
    }

    /// Resident rows of a person code (as written).
    pub fn residents_of_code(&self, code: &TaxId) -> &[usize] {
        self.residents_by_cf.get(code).map_or(&[], Vec::as_slice)
    }
}
