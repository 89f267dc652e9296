//! The generated entities of the demo municipality, independent of how they are published.
//!
//! These records mirror the supplies a real municipality receives (cadastral map and census
//! files, street register, civil registry, IMU and TARI registers) so that the same entities can
//! later be written as supply files instead of collections.

use chrono::NaiveDate;
use geo_types::{LineString, Point, Polygon};

/// A street of the municipal street register with its centreline.
#[derive(Debug, Clone, PartialEq)]
pub struct Street {
    /// municipal street code (the one inside `address_key`)
    pub code: u32,
    /// generic street type in full (`VIA`, `VIALE`, `CORSO`)
    pub dug: &'static str,
    /// official name (DUF), upper case
    pub duf: String,
    /// the Agenzia's street-type code (FAB type 3 `toponimo`)
    pub toponimo: u16,
    /// the Agenzia's street code (5 digits, zero-padded)
    pub cadastral_code: String,
    /// centreline in the storage CRS
    pub centreline: LineString<f64>,
}

impl Street {
    /// `<dug> <duf>`.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.dug, self.duf)
    }
}

/// A house number (entrance) of the street register.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseNumber {
    /// `<Belfiore>/<street code>/<number>/<suffix>`
    pub address_key: String,
    /// street code
    pub street_code: u32,
    /// house number
    pub number: u32,
    /// suffix (*esponente*), empty when none
    pub suffix: String,
    /// parcel the entrance serves
    pub parcel_key: String,
    /// entrance point
    pub point: Point<f64>,
}

/// What a parcel is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelUse {
    /// urban site hosting buildings of the buildings cadastre
    Urban,
    /// urban courtyard (inner parcel of a courtyard block)
    Courtyard,
    /// bare urban area (no building)
    Vacant,
    /// agricultural land
    Agricultural,
}

/// A land-cadastre parcel with its map geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct Parcel {
    /// national cadastral reference (`M999_001200.45`)
    pub key: String,
    /// sheet key (`M999_001200`)
    pub sheet_key: String,
    /// sheet number
    pub foglio: u32,
    /// parcel number within the sheet
    pub particella: String,
    /// use of the parcel
    pub usage: ParcelUse,
    /// land quality code (censuario.md §7.4)
    pub quality: u16,
    /// land quality abbreviation
    pub quality_name: &'static str,
    /// land class (agricultural parcels)
    pub class: Option<u8>,
    /// special account (`1` urban site, `5` public roads) or none
    pub special_account: Option<&'static str>,
    /// owner's notional income in euro (agricultural parcels)
    pub reddito_dominicale: Option<f64>,
    /// farming notional income in euro (agricultural parcels)
    pub reddito_agrario: Option<f64>,
    /// outline (exterior counter-clockwise, holes clockwise)
    pub geometry: Polygon<f64>,
    /// planimetric area in m²
    pub area_m2: f64,
    /// census (tariff) zone: 1 historic centre, 2 elsewhere
    pub census_zone: u8,
}

/// Building typologies of the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildingKind {
    /// detached house (*villino*)
    House,
    /// two-family or terraced house
    TwoFamily,
    /// apartment block (*condominio*)
    Apartments,
    /// old town house with a shop on the ground floor
    ShopHouse,
    /// courtyard building (*casa a corte*)
    CourtyardHouse,
    /// office building
    Offices,
    /// factory
    Factory,
    /// supermarket or large store
    Store,
    /// hotel
    Hotel,
    /// church
    Church,
    /// town hall
    TownHall,
    /// school
    School,
    /// garage or shed behind a main building
    Accessory,
    /// derelict building
    Derelict,
    /// building under construction
    UnderConstruction,
    /// rural building still recorded in the land cadastre
    Rural,
}

impl BuildingKind {
    /// Short English code of the typology.
    pub fn code(self) -> &'static str {
        match self {
            Self::House => "house",
            Self::TwoFamily => "two_family_house",
            Self::Apartments => "apartment_block",
            Self::ShopHouse => "shop_house",
            Self::CourtyardHouse => "courtyard_house",
            Self::Offices => "office_building",
            Self::Factory => "factory",
            Self::Store => "store",
            Self::Hotel => "hotel",
            Self::Church => "church",
            Self::TownHall => "town_hall",
            Self::School => "school",
            Self::Accessory => "accessory",
            Self::Derelict => "derelict",
            Self::UnderConstruction => "under_construction",
            Self::Rural => "rural",
        }
    }

    /// Use class of the topographic database (`residenziale`, `produttivo`, …).
    pub fn use_class(self) -> &'static str {
        match self {
            Self::House
            | Self::TwoFamily
            | Self::Apartments
            | Self::ShopHouse
            | Self::CourtyardHouse
            | Self::Derelict
            | Self::UnderConstruction => "residenziale",
            Self::Factory | Self::Store | Self::Offices | Self::Hotel => "produttivo",
            Self::Rural => "agricolo",
            Self::Church => "religioso",
            Self::TownHall | Self::School | Self::Accessory => "altro",
        }
    }
}

/// A building footprint of the topographic database.
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    /// `<parcel_key>-<n>`
    pub id: String,
    /// host parcel
    pub parcel_key: String,
    /// typology
    pub kind: BuildingKind,
    /// footprint (exterior counter-clockwise)
    pub footprint: Polygon<f64>,
    /// footprint area in m²
    pub footprint_m2: f64,
    /// floors above ground
    pub floors: u32,
    /// height in metres
    pub height_m: f64,
    /// year of construction
    pub year_built: i32,
    /// date of the topographic survey
    pub survey_date: NaiveDate,
    /// entrance address key, when the building has its own house number
    pub address_key: Option<String>,
}

/// A cadastral category (`A/2`) as the generator handles it: group letter and number, usable
/// in constants. [`Category::model`] gives the domain model's category, which supplies the
/// multipliers and flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Category {
    /// group letter `A`…`F`
    pub group: char,
    /// number within the group
    pub number: u8,
}

impl Category {
    /// A category.
    pub const fn new(group: char, number: u8) -> Self {
        Self { group, number }
    }

    /// Display form `A/2`.
    pub fn display(self) -> String {
        format!("{}/{}", self.group, self.number)
    }

    /// Census-file form `A02`.
    pub fn census(self) -> String {
        format!("{}{:02}", self.group, self.number)
    }

    /// The category of the domain model (`None` only for a category the cadastre does not
    /// have, which the generator never produces).
    pub fn model(self) -> Option<segit_model::Category> {
        segit_model::Category::parse(&self.census()).ok()
    }

    /// Housing (group A except A/10).
    pub fn is_dwelling(self) -> bool {
        self.group == 'A' && self.number != 10
    }

    /// Possible appurtenance of a main residence (C/2, C/6, C/7).
    pub fn is_appurtenance(self) -> bool {
        self.model()
            .is_some_and(segit_model::Category::can_be_appurtenance)
    }

    /// Luxury dwelling (A/1, A/8, A/9).
    pub fn is_luxury(self) -> bool {
        self.model().is_some_and(segit_model::Category::is_luxury)
    }

    /// IMU multiplier (L. 160/2019 c. 745); `None` for groups E and F.
    pub fn imu_multiplier(self) -> Option<f64> {
        self.model()
            .and_then(segit_model::Category::imu_multiplier)
            .map(f64::from)
    }
}

/// One state (version) of a real-estate unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitState {
    /// version number (1, 2, …)
    pub progressive: u32,
    /// category
    pub category: Category,
    /// class (ordinary categories)
    pub class: Option<u8>,
    /// consistency: rooms (A), m³ (B), m² (C)
    pub consistency: Option<f64>,
    /// cadastral rent in euro (none for group F)
    pub rent: Option<f64>,
    /// total cadastral surface in m² (groups A, B, C)
    pub surface_m2: Option<u32>,
    /// cadastral surface excluding uncovered areas in m² (groups A, B, C)
    pub surface_excl_m2: Option<u32>,
    /// first day of validity
    pub valid_from: NaiveDate,
    /// first day no longer valid (exclusive), `None` while current
    pub valid_to: Option<NaiveDate>,
    /// cause of the generating deed
    pub cause: &'static str,
}

/// A real-estate unit of the buildings cadastre with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// canonical unit key `<Belfiore>//<foglio>/<particella>/<sub>`
    pub key: String,
    /// the Agenzia's property id (FAB field 3)
    pub property_id: u64,
    /// sheet
    pub foglio: u32,
    /// parcel number
    pub particella: String,
    /// subalterno
    pub subalterno: u32,
    /// host parcel
    pub parcel_key: String,
    /// index of the host parcel in [`crate::Municipality::parcels`]
    pub parcel: usize,
    /// index of the host building in [`crate::Municipality::buildings`] (none for a bare
    /// urban area, category F/1)
    pub building: Option<usize>,
    /// address of the entrance
    pub address_key: Option<String>,
    /// staircase
    pub staircase: Option<String>,
    /// floor (`T`, `1`, `S1`)
    pub floor: String,
    /// internal number
    pub internal: Option<String>,
    /// states, oldest first; consecutive states touch (`valid_to` = next `valid_from`)
    pub states: Vec<UnitState>,
}

impl Unit {
    /// The state valid on `date`.
    pub fn state_at(&self, date: NaiveDate) -> Option<&UnitState> {
        self.states
            .iter()
            .find(|s| s.valid_from <= date && s.valid_to.is_none_or(|to| date < to))
    }

    /// The current state (open validity).
    pub fn current(&self) -> Option<&UnitState> {
        self.states.iter().find(|s| s.valid_to.is_none())
    }
}

/// A natural person.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// codice fiscale (valid, possibly a homocode)
    pub cf: String,
    /// surname
    pub surname: String,
    /// given name
    pub name: String,
    /// female
    pub female: bool,
    /// birth date
    pub birth_date: NaiveDate,
    /// Belfiore code of the birthplace (Z-code abroad)
    pub birth_place: &'static str,
    /// ISO 3166-1 alpha-2 citizenship
    pub citizenship: &'static str,
}

/// A legal entity (company, the municipality, a parish).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// 11-digit numeric codice fiscale
    pub cf: String,
    /// name
    pub name: String,
    /// Belfiore code of the registered office
    pub seat: &'static str,
}

/// A holder of rights: a person or an entity (indexes into the municipality's lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SubjectRef {
    /// index into [`crate::Municipality::persons`]
    Person(usize),
    /// index into [`crate::Municipality::entities`]
    Entity(usize),
}

/// A holding: a right of a subject on a unit, with its share and validity.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    /// identificativo titolarità (unique)
    pub id: u64,
    /// index of the unit in [`crate::Municipality::units`]
    pub unit: usize,
    /// holder
    pub subject: SubjectRef,
    /// right code (`10` ownership, `20` bare ownership, `80` usufruct)
    pub right: &'static str,
    /// share numerator
    pub share_num: u32,
    /// share denominator
    pub share_den: u32,
    /// first day of the holding
    pub valid_from: NaiveDate,
    /// first day no longer held (exclusive), `None` while current
    pub valid_to: Option<NaiveDate>,
}

/// One residence period of a person in the civil registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Resident {
    /// registry row id
    pub id: String,
    /// index into [`crate::Municipality::persons`]
    pub person: usize,
    /// family-sheet id
    pub household_id: String,
    /// `head`, `spouse`, `child`, `other`
    pub relationship: &'static str,
    /// residence address
    pub address_key: String,
    /// staircase
    pub staircase: Option<String>,
    /// floor
    pub floor: Option<String>,
    /// internal number
    pub internal: Option<String>,
    /// first day of residence
    pub from: NaiveDate,
    /// day the residence ended (exclusive), `None` while resident
    pub to: Option<NaiveDate>,
    /// linked cadastral unit key, when the municipality linked it
    pub unit_key: Option<String>,
    /// the unit actually lived in (index into [`crate::Municipality::units`]); the registry
    /// itself knows it only through `unit_key` or the address and internal number
    pub unit: usize,
}

/// Who occupies a unit and since when: the fact TARI positions declare (or fail to declare).
#[derive(Debug, Clone, PartialEq)]
pub struct Occupancy {
    /// occupied units (indexes into [`crate::Municipality::units`]): the main unit first, then
    /// the appurtenances used with it
    pub units: Vec<usize>,
    /// occupier: the household head or a business
    pub occupant: SubjectRef,
    /// domestic occupancy: number of registered residents (0 for a non-resident's home);
    /// `None` for a business
    pub household_size: Option<u32>,
    /// first day of occupation
    pub from: NaiveDate,
    /// first day no longer occupied (exclusive), `None` while occupied
    pub to: Option<NaiveDate>,
    /// yearly rent of the registered lease when the occupancy is a lease with a known rent
    /// (planted cases); `None`: the lease writer derives a market rent from the surfaces
    pub lease_rent: Option<f64>,
}

/// The municipal IMU position of one holder for one unit in one tax year.
#[derive(Debug, Clone, PartialEq)]
pub struct ImuPosition {
    /// `<tax year>/<holding id>`
    pub id: String,
    /// tax year
    pub tax_year: i32,
    /// holding the position derives from
    pub holding: usize,
    /// category on 1 January
    pub category: Category,
    /// cadastral rent on 1 January
    pub rent: Option<f64>,
    /// taxable base (rent × 1.05 × multiplier)
    pub base: f64,
    /// months of possession in the year
    pub months: u32,
    /// months in which the unit was the holder's main residence
    pub main_residence_months: u32,
    /// exemption reason, when exempt
    pub exemption: Option<&'static str>,
    /// rate in per cent
    pub rate_pct: f64,
    /// computed due in euro
    pub due: f64,
    /// amount paid for the year in euro
    pub paid: f64,
}

/// A TARI premises of a waste-tax account.
#[derive(Debug, Clone, PartialEq)]
pub struct TariPosition {
    /// account id
    pub account_id: String,
    /// premises number within the account
    pub premises_seq: u32,
    /// payer: a person or an entity
    pub payer: SubjectRef,
    /// `domestic` or `non_domestic`
    pub user_type: &'static str,
    /// DPR 158/1999 activity class (non-domestic users)
    pub tariff_class: Option<&'static str>,
    /// occupants (domestic users)
    pub occupants: Option<u32>,
    /// premises address
    pub address_key: String,
    /// staircase
    pub staircase: Option<String>,
    /// floor
    pub floor: Option<String>,
    /// internal number
    pub internal: Option<String>,
    /// covered units (indexes into [`crate::Municipality::units`])
    pub units: Vec<usize>,
    /// declared taxable surface in m²
    pub declared_m2: u32,
    /// first day of occupation
    pub start_date: NaiveDate,
    /// last day of occupation (inclusive), `None` while active
    pub end_date: Option<NaiveDate>,
}
