//! Units of the buildings cadastre (FAB): a [`Unit`] is the history of one property id, a
//! [`UnitState`] one progressive with its category, class, consistency, rent, surface,
//! validity, deeds, identifiers (graffati), addresses and common parts.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CadastralAddress, Deed, FabSpecialAccount, PropertyId, Reserve};
use crate::category::{Category, ConsistencyUnit};
use crate::ids::UnitKey;
use crate::validity::Validity;

/// The identifiers of a unit in one state (FAB type 2). A stapled (*graffato*) unit has
/// several groups; its canonical key is built from the **first** one, the others are aliases
/// that resolve to the same unit (identifiers.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitIdentifiers {
    canonical: UnitKey,
    aliases: Vec<UnitKey>,
}

impl UnitIdentifiers {
    /// A unit with one identifier group.
    pub fn single(canonical: UnitKey) -> Self {
        Self {
            canonical,
            aliases: Vec::new(),
        }
    }

    /// Builds the identifiers from the type-2 groups in file order; `None` when there is no
    /// group. Repeated groups are kept once.
    pub fn from_groups(groups: impl IntoIterator<Item = UnitKey>) -> Option<Self> {
        let mut it = groups.into_iter();
        let canonical = it.next()?;
        let mut aliases: Vec<UnitKey> = Vec::new();
        for k in it {
            if k != canonical && !aliases.contains(&k) {
                aliases.push(k);
            }
        }
        Some(Self { canonical, aliases })
    }

    /// The canonical key (first group).
    pub fn canonical(&self) -> &UnitKey {
        &self.canonical
    }

    /// The other groups of a stapled unit.
    pub fn aliases(&self) -> &[UnitKey] {
        &self.aliases
    }

    /// All keys, canonical first.
    pub fn iter(&self) -> impl Iterator<Item = &UnitKey> {
        std::iter::once(&self.canonical).chain(&self.aliases)
    }

    /// True when `key` is the canonical key or one of the aliases.
    pub fn contains(&self, key: &UnitKey) -> bool {
        self.iter().any(|k| k == key)
    }

    /// True when the unit is stapled (more than one group).
    pub fn is_stapled(&self) -> bool {
        !self.aliases.is_empty()
    }

    /// True when any group lies on the parcel of `parcel` (same Belfiore, section, foglio,
    /// particella; subalterno ignored).
    pub fn on_parcel(&self, parcel: &UnitKey) -> bool {
        self.iter().any(|k| k.same_parcel(parcel))
    }
}

/// One state (progressive) of a unit: FAB type 1 with its type 2–5 records.
///
/// Serialised as the flat record of the register entry (`UnitStateForm`): the class,
/// consistency, staircase and floors (kept in the details) and the generating deed (kept boxed)
/// are written at the state's level, in the entry's order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "UnitStateForm")]
pub struct UnitState {
    /// Version number of the state (census field 5).
    pub progressive: u32,
    /// Identifier groups (type 2).
    pub identifiers: UnitIdentifiers,
    /// Census (tariff) zone, as written (`001`).
    pub census_zone: Option<Box<str>>,
    /// Category; `None` for units without one (some common parts).
    pub category: Option<Category>,
    /// Total cadastral surface in m² (project convention for FAB field 11).
    pub surface_m2: Option<u32>,
    /// Cadastral rent in euro.
    pub rent_eur: Option<f64>,
    /// Internal number (FAB field 17): with the address key, identifies the unit.
    pub internal: Option<Box<str>>,
    /// Validity of the state: generating efficacy date to closing efficacy date (excluded).
    pub validity: Validity,
    /// Deed that opened the state (see [`UnitState::generating_deed`]); `None` when empty.
    /// Boxed: the correlation engine holds millions of states without one.
    pub generating_deed: Option<Box<Deed>>,
    /// Deed that closed it; `None` while current.
    pub closing_deed: Option<Box<Deed>>,
    /// Ledger number (*partita*) as written; special values flag special accounts.
    pub partita: Option<Box<str>>,
    /// Addresses (type 3) in file order; the last one is current.
    pub addresses: Vec<CadastralAddress>,
    /// The rest of the register entry (class, consistency, staircase, floors, lot, building,
    /// mutation ids, notices, common parts, reserves…); `None` when all of it is empty. Boxed:
    /// a city holds millions of states and most of them carry none of it.
    pub details: Option<Box<UnitStateDetails>>,
}

/// The parts of a FAB register entry that few readers need, kept apart from [`UnitState`]
/// (see [`UnitState::details`]).
///
/// Its serialised form (the `details` of a state's) holds the parts from `lot` on: the class,
/// consistency, staircase and floors are serialised with the state's own fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitStateDetails {
    /// Class, as written (`03`); empty for groups D, E, F.
    #[serde(skip)]
    pub class: Option<Box<str>>,
    /// Consistency, in the unit of the category (rooms, m³, m²); none for D/E/F.
    #[serde(skip)]
    pub consistency: Option<f64>,
    /// Staircase.
    #[serde(skip)]
    pub staircase: Option<Box<str>>,
    /// Floors (`T` ground floor, `S1` basement, `3`…), non-empty values only.
    #[serde(skip)]
    pub floors: Vec<String>,
    /// Lot (location inside the building).
    pub lot: Option<Box<str>>,
    /// Building.
    pub building: Option<Box<str>>,
    /// Second internal number.
    pub internal2: Option<Box<str>>,
    /// Free notes (*annotazione*).
    pub notes: Option<Box<str>>,
    /// Id of the change that opened this state.
    pub initial_mutation_id: Option<u64>,
    /// Id of the change that closed it.
    pub final_mutation_id: Option<u64>,
    /// Protocol of the notice of a new rent, when notified.
    pub notification_protocol: Option<Box<str>>,
    /// Date of that notice.
    pub notification_date: Option<NaiveDate>,
    /// Classing status flag (2007+), as written.
    pub classing_flag: Option<Box<str>>,
    /// Common parts the unit uses (type 4).
    pub common_parts: Vec<UnitKey>,
    /// Reserves on the entry (type 5).
    pub reserves: Vec<Reserve>,
}

/// The details of a state without any (what [`UnitState::details`] reads as when `None`).
static NO_UNIT_DETAILS: UnitStateDetails = UnitStateDetails {
    class: None,
    consistency: None,
    staircase: None,
    floors: Vec::new(),
    lot: None,
    building: None,
    internal2: None,
    notes: None,
    initial_mutation_id: None,
    final_mutation_id: None,
    notification_protocol: None,
    notification_date: None,
    classing_flag: None,
    common_parts: Vec::new(),
    reserves: Vec::new(),
};

impl UnitStateDetails {
    /// True when every part is empty.
    pub fn is_empty(&self) -> bool {
        self == &NO_UNIT_DETAILS
    }

    /// The details boxed, or `None` when they are empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (!self.is_empty()).then(|| Box::new(self))
    }

    /// True when the parts serialised as the state's `details` (from `lot` on) are all empty.
    fn entry_parts_empty(&self) -> bool {
        self.lot.is_none()
            && self.building.is_none()
            && self.internal2.is_none()
            && self.notes.is_none()
            && self.initial_mutation_id.is_none()
            && self.final_mutation_id.is_none()
            && self.notification_protocol.is_none()
            && self.notification_date.is_none()
            && self.classing_flag.is_none()
            && self.common_parts.is_empty()
            && self.reserves.is_empty()
    }
}

impl UnitState {
    /// The rest of the register entry (all empty when the state has none).
    pub fn details(&self) -> &UnitStateDetails {
        self.details.as_deref().unwrap_or(&NO_UNIT_DETAILS)
    }

    /// The details, to be filled (boxed on first use).
    pub fn details_mut(&mut self) -> &mut UnitStateDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// The deed that opened the state (all empty when none was written).
    pub fn generating_deed(&self) -> &Deed {
        self.generating_deed.as_deref().unwrap_or(Deed::empty())
    }

    /// The generating deed, to be filled (boxed on first use).
    pub fn generating_deed_mut(&mut self) -> &mut Deed {
        self.generating_deed.get_or_insert_with(Box::default)
    }

    /// Sets the generating deed (boxed unless empty).
    pub fn set_generating_deed(&mut self, deed: Deed) {
        self.generating_deed = deed.boxed();
    }

    /// Class, as written (`03`); empty for groups D, E, F.
    pub fn class(&self) -> Option<&str> {
        self.details().class.as_deref()
    }

    /// Consistency, in the unit of the category (rooms, m³, m²); none for D/E/F.
    pub fn consistency(&self) -> Option<f64> {
        self.details().consistency
    }

    /// Staircase.
    pub fn staircase(&self) -> Option<&str> {
        self.details().staircase.as_deref()
    }

    /// Floors (`T` ground floor, `S1` basement, `3`…), non-empty values only.
    pub fn floors(&self) -> &[String] {
        &self.details().floors
    }

    /// The special account of the state, if its partita is one.
    pub fn special_account(&self) -> Option<FabSpecialAccount> {
        self.partita
            .as_deref()
            .and_then(FabSpecialAccount::from_partita)
    }

    /// The current address: the last type-3 group.
    pub fn current_address(&self) -> Option<&CadastralAddress> {
        self.addresses.last()
    }

    /// Unit of [`UnitState::consistency`], from the category.
    pub fn consistency_unit(&self) -> Option<ConsistencyUnit> {
        self.category.and_then(Category::consistency_unit)
    }

    /// True when the state is valid on `date` (closing date excluded).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.validity.contains(date)
    }
}

impl Serialize for UnitState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let details = self.details();
        UnitStateForm {
            progressive: self.progressive,
            identifiers: Cow::Borrowed(&self.identifiers),
            census_zone: Cow::Borrowed(&self.census_zone),
            category: self.category,
            class: Cow::Borrowed(&details.class),
            consistency: details.consistency,
            surface_m2: self.surface_m2,
            rent_eur: self.rent_eur,
            staircase: Cow::Borrowed(&details.staircase),
            internal: Cow::Borrowed(&self.internal),
            floors: Cow::Borrowed(&details.floors),
            validity: self.validity,
            generating_deed: Cow::Borrowed(self.generating_deed()),
            closing_deed: Cow::Borrowed(&self.closing_deed),
            partita: Cow::Borrowed(&self.partita),
            addresses: Cow::Borrowed(&self.addresses),
            details: self
                .details
                .as_deref()
                .filter(|d| !d.entry_parts_empty())
                .map(Cow::Borrowed),
        }
        .serialize(serializer)
    }
}

/// The serialised form of a [`UnitState`]: the register entry's fields in their order, the
/// rarely filled rest (from `lot` on) as `details`, `null` when empty.
#[derive(Serialize, Deserialize)]
#[serde(rename = "UnitState")]
struct UnitStateForm<'a> {
    progressive: u32,
    identifiers: Cow<'a, UnitIdentifiers>,
    census_zone: Cow<'a, Option<Box<str>>>,
    category: Option<Category>,
    class: Cow<'a, Option<Box<str>>>,
    consistency: Option<f64>,
    surface_m2: Option<u32>,
    rent_eur: Option<f64>,
    staircase: Cow<'a, Option<Box<str>>>,
    internal: Cow<'a, Option<Box<str>>>,
    floors: Cow<'a, [String]>,
    validity: Validity,
    generating_deed: Cow<'a, Deed>,
    closing_deed: Cow<'a, Option<Box<Deed>>>,
    partita: Cow<'a, Option<Box<str>>>,
    addresses: Cow<'a, [CadastralAddress]>,
    details: Option<Cow<'a, UnitStateDetails>>,
}

impl From<UnitStateForm<'_>> for UnitState {
    fn from(f: UnitStateForm<'_>) -> Self {
        let mut details = f.details.map(Cow::into_owned).unwrap_or_default();
        details.class = f.class.into_owned();
        details.consistency = f.consistency;
        details.staircase = f.staircase.into_owned();
        details.floors = f.floors.into_owned();
        Self {
            progressive: f.progressive,
            identifiers: f.identifiers.into_owned(),
            census_zone: f.census_zone.into_owned(),
            category: f.category,
            surface_m2: f.surface_m2,
            rent_eur: f.rent_eur,
            internal: f.internal.into_owned(),
            validity: f.validity,
            generating_deed: f.generating_deed.into_owned().boxed(),
            closing_deed: f.closing_deed.into_owned(),
            partita: f.partita.into_owned(),
            addresses: f.addresses.into_owned(),
            details: details.boxed(),
        }
    }
}

/// A real-estate unit of the buildings cadastre: every known state of one property id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// The Agenzia's property id (kind `F`).
    pub property: PropertyId,
    /// States, in any order.
    pub states: Vec<UnitState>,
}

impl Unit {
    /// The state valid on `date`; when several are (inconsistent supplies), the one with the
    /// highest progressive.
    pub fn state_at(&self, date: NaiveDate) -> Option<&UnitState> {
        self.states
            .iter()
            .filter(|s| s.is_valid_on(date))
            .max_by_key(|s| s.progressive)
    }

    /// The open state with the highest progressive.
    pub fn current_state(&self) -> Option<&UnitState> {
        self.states
            .iter()
            .filter(|s| s.validity.is_current())
            .max_by_key(|s| s.progressive)
    }

    /// The latest state (highest progressive), open or not.
    pub fn latest_state(&self) -> Option<&UnitState> {
        self.states.iter().max_by_key(|s| s.progressive)
    }

    /// The canonical key of the latest state.
    pub fn canonical_key(&self) -> Option<&UnitKey> {
        self.latest_state().map(|s| s.identifiers.canonical())
    }

    /// True when any state of the unit carries `key` (canonical or alias).
    pub fn has_key(&self, key: &UnitKey) -> bool {
        self.states.iter().any(|s| s.identifiers.contains(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadastre::PropertyKind;
    use crate::ids::Belfiore;

    fn key(s: &str) -> UnitKey {
        UnitKey::parse(s).unwrap()
    }

    #[test]
    fn details_and_notes_are_boxed_only_when_some_part_is_written() {
        assert_eq!(UnitStateDetails::default().boxed(), None);
        assert!(UnitStateDetails::default().is_empty());
        let mut s = state(1, d(2020, 1, 1), None, "A/2");
        assert_eq!(s.details().common_parts.len(), 1);
        s.details = None;
        assert!(s.details().common_parts.is_empty() && s.details().lot.is_none());
        s.details_mut().lot = Some("2".into());
        assert_eq!(s.details().lot.as_deref(), Some("2"));
        assert_eq!(super::super::DeedNote::default().boxed(), None);
        assert_eq!(s.generating_deed().note().note_year, None);
        // the class, consistency, staircase and floors live in the details too
        s.details = None;
        assert_eq!(
            (s.class(), s.consistency(), s.staircase()),
            (None, None, None)
        );
        assert!(s.floors().is_empty());
        s.details_mut().class = Some("03".into());
        assert_eq!(s.class(), Some("03"));
        assert!(!s.details().is_empty());
    }

    #[test]
    fn the_generating_deed_is_boxed_only_when_some_part_is_written() {
        assert_eq!(Deed::default().boxed(), None);
        assert!(Deed::empty().is_empty());
        let mut s = state(1, d(2020, 1, 1), None, "A/2");
        assert_eq!(s.generating_deed, None);
        assert_eq!(s.generating_deed(), &Deed::default());
        s.set_generating_deed(Deed::default());
        assert_eq!(s.generating_deed, None);
        s.generating_deed_mut().efficacy_date = Some(d(2020, 1, 1));
        assert_eq!(s.generating_deed().efficacy_date, Some(d(2020, 1, 1)));
        assert!(s.generating_deed.is_some());
    }

    #[test]
    fn a_state_stays_small() {
        // a city holds millions of states: the deeds, the deed's note and the rarely filled
        // parts of the entry (class, consistency, staircase, floors among them) are boxed
        // (most states have none), the texts are boxed strings
        assert!(size_of::<UnitState>() <= 192, "{}", size_of::<UnitState>());
        assert!(size_of::<Deed>() <= 32, "{}", size_of::<Deed>());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn state(progressive: u32, from: NaiveDate, to: Option<NaiveDate>, cat: &str) -> UnitState {
        UnitState {
            progressive,
            identifiers: UnitIdentifiers::single(key("F205//12/101/7")),
            census_zone: Some("001".into()),
            category: Some(Category::parse(cat).unwrap()),
            surface_m2: Some(98),
            rent_eur: Some(1032.91),
            internal: Some("12".into()),
            validity: Validity::new(from, to).unwrap(),
            generating_deed: None,
            closing_deed: None,
            partita: None,
            addresses: Vec::new(),
            details: UnitStateDetails {
                class: Some("03".into()),
                consistency: Some(5.5),
                staircase: Some("B".into()),
                floors: vec!["3".into()],
                common_parts: vec![key("F205//12/101/1")],
                ..UnitStateDetails::default()
            }
            .boxed(),
        }
    }

    #[test]
    fn graffati() {
        let ids = UnitIdentifiers::from_groups([
            key("F205//12/101/7"),
            key("F205//12/102/3"),
            key("F205//12/101/7"),
        ])
        .unwrap();
        assert_eq!(ids.canonical().to_string(), "F205//12/101/7");
        assert_eq!(ids.aliases(), &[key("F205//12/102/3")]);
        assert!(ids.is_stapled());
        assert!(ids.contains(&key("F205//12/102/3")));
        assert!(ids.on_parcel(&key("F205//12/102/")));
        assert!(!ids.on_parcel(&key("F205//12/103/")));
        assert!(UnitIdentifiers::from_groups([]).is_none());
    }

    #[test]
    fn history() {
        let unit = Unit {
            property: PropertyId {
                belfiore: Belfiore::parse("F205").unwrap(),
                section: None,
                id: 1_000_001,
                kind: PropertyKind::Building,
            },
            states: vec![
                state(1, d(2010, 1, 1), Some(d(2019, 3, 15)), "A03"),
                state(2, d(2019, 3, 15), None, "A02"),
            ],
        };
        assert_eq!(unit.state_at(d(2019, 3, 14)).unwrap().progressive, 1);
        assert_eq!(unit.state_at(d(2019, 3, 15)).unwrap().progressive, 2);
        assert!(unit.state_at(d(2009, 12, 31)).is_none());
        assert_eq!(
            unit.current_state().unwrap().category.unwrap().to_string(),
            "A/2"
        );
        assert_eq!(unit.canonical_key().unwrap().to_string(), "F205//12/101/7");
        assert!(unit.has_key(&key("F205//12/101/7")));
        let s = unit.current_state().unwrap();
        assert_eq!(s.consistency_unit(), Some(ConsistencyUnit::Rooms));
        assert_eq!(s.special_account(), None);
    }

    #[test]
    fn serde_round_trip() {
        let s = state(2, d(2019, 3, 15), None, "A02");
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""category":"A/2""#));
        assert!(json.contains(r#""canonical":"F205//12/101/7""#));
        let back: UnitState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    /// The serialised form of a state before its class, consistency, staircase, floors and
    /// generating deed moved out of line: the form must not change.
    #[derive(Serialize)]
    #[serde(rename = "UnitState")]
    struct FlatState {
        progressive: u32,
        identifiers: UnitIdentifiers,
        census_zone: Option<Box<str>>,
        category: Option<Category>,
        class: Option<Box<str>>,
        consistency: Option<f64>,
        surface_m2: Option<u32>,
        rent_eur: Option<f64>,
        staircase: Option<Box<str>>,
        internal: Option<Box<str>>,
        floors: Vec<String>,
        validity: Validity,
        generating_deed: Deed,
        closing_deed: Option<Box<Deed>>,
        partita: Option<Box<str>>,
        addresses: Vec<CadastralAddress>,
        details: Option<Box<FlatDetails>>,
    }

    #[derive(Serialize)]
    #[serde(rename = "UnitStateDetails")]
    struct FlatDetails {
        lot: Option<Box<str>>,
        building: Option<Box<str>>,
        internal2: Option<Box<str>>,
        notes: Option<Box<str>>,
        initial_mutation_id: Option<u64>,
        final_mutation_id: Option<u64>,
        notification_protocol: Option<Box<str>>,
        notification_date: Option<NaiveDate>,
        classing_flag: Option<Box<str>>,
        common_parts: Vec<UnitKey>,
        reserves: Vec<Reserve>,
    }

    #[test]
    fn the_serialised_form_is_the_flat_entry() {
        let deed = Deed {
            efficacy_date: Some(d(2019, 3, 15)),
            cause_description: Some("VARIAZIONE".into()),
            ..Deed::default()
        };
        let with_parts = state(2, d(2019, 3, 15), None, "A02");
        let mut with_deed = with_parts.clone();
        with_deed.set_generating_deed(deed.clone());
        with_deed.details_mut().common_parts.clear();
        let mut bare = with_deed.clone();
        bare.details = None;
        bare.generating_deed = None;
        for s in [with_parts, with_deed, bare] {
            let json = serde_json::to_string(&s).unwrap();
            let d = s.details();
            let flat = FlatState {
                progressive: s.progressive,
                identifiers: s.identifiers.clone(),
                census_zone: s.census_zone.clone(),
                category: s.category,
                class: d.class.clone(),
                consistency: d.consistency,
                surface_m2: s.surface_m2,
                rent_eur: s.rent_eur,
                staircase: d.staircase.clone(),
                internal: s.internal.clone(),
                floors: d.floors.clone(),
                validity: s.validity,
                generating_deed: s.generating_deed().clone(),
                closing_deed: s.closing_deed.clone(),
                partita: s.partita.clone(),
                addresses: s.addresses.clone(),
                details: (!d.common_parts.is_empty()).then(|| {
                    Box::new(FlatDetails {
                        lot: None,
                        building: None,
                        internal2: None,
                        notes: None,
                        initial_mutation_id: None,
                        final_mutation_id: None,
                        notification_protocol: None,
                        notification_date: None,
                        classing_flag: None,
                        common_parts: d.common_parts.clone(),
                        reserves: Vec::new(),
                    })
                }),
            };
            assert_eq!(json, serde_json::to_string(&flat).unwrap());
            let back: UnitState = serde_json::from_str(&json).unwrap();
            assert_eq!(back, s);
        }
    }
}
