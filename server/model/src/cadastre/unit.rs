//! Units of the buildings cadastre (FAB): a [`Unit`] is the history of one property id, a
//! [`UnitState`] one progressive with its category, class, consistency, rent, surface,
//! validity, deeds, identifiers (graffati), addresses and common parts.

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitState {
    /// Version number of the state (census field 5).
    pub progressive: u32,
    /// Identifier groups (type 2).
    pub identifiers: UnitIdentifiers,
    /// Census (tariff) zone, as written (`001`).
    pub census_zone: Option<Box<str>>,
    /// Category; `None` for units without one (some common parts).
    pub category: Option<Category>,
    /// Class, as written (`03`); empty for groups D, E, F.
    pub class: Option<Box<str>>,
    /// Consistency, in the unit of the category (rooms, m³, m²); none for D/E/F.
    pub consistency: Option<f64>,
    /// Total cadastral surface in m² (project convention for FAB field 11).
    pub surface_m2: Option<u32>,
    /// Cadastral rent in euro.
    pub rent_eur: Option<f64>,
    /// Staircase.
    pub staircase: Option<Box<str>>,
    /// Internal number (FAB field 17): with the address key, identifies the unit.
    pub internal: Option<Box<str>>,
    /// Floors (`T` ground floor, `S1` basement, `3`…), non-empty values only.
    pub floors: Vec<String>,
    /// Validity of the state: generating efficacy date to closing efficacy date (excluded).
    pub validity: Validity,
    /// Deed that opened the state.
    pub generating_deed: Deed,
    /// Deed that closed it; `None` while current.
    pub closing_deed: Option<Box<Deed>>,
    /// Ledger number (*partita*) as written; special values flag special accounts.
    pub partita: Option<Box<str>>,
    /// Addresses (type 3) in file order; the last one is current.
    pub addresses: Vec<CadastralAddress>,
    /// The rest of the register entry (lot, building, mutation ids, notices, common parts,
    /// reserves…); `None` when all of it is empty. Boxed: a city holds millions of states and
    /// most of them carry none of it.
    pub details: Option<Box<UnitStateDetails>>,
}

/// The parts of a FAB register entry that few readers need, kept apart from [`UnitState`]
/// (see [`UnitState::details`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitStateDetails {
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
        assert_eq!(s.generating_deed.note().note_year, None);
    }

    #[test]
    fn a_state_stays_small() {
        // a city holds millions of states: the closing deed, the deed's note and the rarely
        // filled parts of the entry are boxed (most states have none), the texts are boxed
        // strings
        assert!(size_of::<UnitState>() <= 280, "{}", size_of::<UnitState>());
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
            class: Some("03".into()),
            consistency: Some(5.5),
            surface_m2: Some(98),
            rent_eur: Some(1032.91),
            staircase: Some("B".into()),
            internal: Some("12".into()),
            floors: vec!["3".into()],
            validity: Validity::new(from, to).unwrap(),
            generating_deed: Deed::default(),
            closing_deed: None,
            partita: None,
            addresses: Vec::new(),
            details: UnitStateDetails {
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
}
