//! Deterministic generator of a fictional demo municipality.
//!
//! `segit demo` builds a complete, internally consistent municipal database — cadastral map,
//! buildings, real-estate units with history, holders, residents, IMU and TARI registers and the
//! street register — and publishes it into a store, so that every protocol and the correlation
//! engine have realistic data without any real supply.
//!
//! The municipality is **fictional**: *Vallerana*, Belfiore code [`BELFIORE`] `M999` (a
//! syntactically valid code that no municipality carries), ISTAT code `015999`, placed in the
//! Lombard plain east of Milano. Geometries are in EPSG:7791 (RDN2008 / UTM zone 32N, metres).
//! Person names are composed from invented surname roots; every codice fiscale and entity code
//! carries a valid check character, computed by `segit-model`.
//!
//! Generation ([`generate`]) and publication ([`layers`], [`write_to`]) are separate: the
//! entities of [`Municipality`] mirror the supplies a real municipality receives, and
//! [`write_supply`] writes them as a **supply directory** in the formats of the Agenzia delle
//! Entrate and of the municipal registers (CXF + SUP, INSPIRE GML, FAB/TER/SOG/TIT, IMU
//! declarations, the normalised CSV / JSON Lines / GeoJSON files, OMI, a GeoPackage), with a
//! few planted malformed records and the ground truth (`truth.json`) an ingest of it must
//! reproduce; see [`supply`].
//!
//! Determinism: the generator uses its own PRNG ([`rng`]) with one stream per concern, never
//! iterates hash maps, and rounds coordinates to centimetres, so the same [`DemoParams`] always
//! give byte-identical features.
//!
//! Published collections (see [`collections`] for the schemas; personal properties are marked):
//!
//! | id | geometry | feature id | content at scale 1.0 (seed-dependent) |
//! | --- | --- | --- | --- |
//! | `parcels` | Polygon (holes for courtyards) | parcel key `M999_000300.45` | ≈ 5 000 land parcels |
//! | `buildings` | Polygon | `<parcel key>-<n>` | ≈ 6 400 footprints, inside their parcel |
//! | `units` | Point: centroid of the host building (of the parcel for F/1) | `<unit key>@<state>` | ≈ 16 800 units, ≈ 21 500 states (temporal) |
//! | `holdings` | none | `M999/<holding id>` | ≈ 34 000 rights with shares (temporal) |
//! | `subjects` | none | `P<id>` / `G<id>` | ≈ 22 000 holders |
//! | `imu_positions` | none | `<tax year>/<holding id>` | ≈ 21 500 positions of 2025 |
//! | `tari_positions` | none | `<account>/<premises>` | ≈ 9 300 premises (temporal) |
//! | `residents` | none | `<household>/<member>/<period>` | ≈ 20 000 residence periods (temporal) |
//! | `addresses` | Point | address key `M999/<street>/<number>/<suffix>` | ≈ 4 900 house numbers |
//! | `streets` | LineString | street code | ≈ 160 streets |
//!
//! The data deliberately contain what the correlation engine must find: outbuildings never
//! declared to the cadastre, derelict (F/2) units with residents, unpaid or partly paid IMU,
//! occupied units without TARI and TARI surfaces below 80 % of the cadastral surface.
//!
//! ```
//! use segit_demo::{DemoParams, generate, layers};
//!
//! let town = generate(&DemoParams { seed: 1, scale: 0.05 });
//! let published = layers(&town);
//! assert_eq!(published[0].0.id, "parcels");
//! assert_eq!(published.len(), 10);
//! ```

pub mod addresses;
pub mod blocks;
pub mod codes;
pub mod collections;
pub mod dates;
pub mod entities;
pub mod features;
pub mod fiscal;
pub mod geom;
pub mod grid;
pub mod holders;
pub mod lots;
pub mod names;
pub mod persons;
pub mod plant;
pub mod rng;
pub mod supply;
pub mod units;
mod write;

use chrono::NaiveDate;
use segit_query::Crs;

pub use entities::{
    Building, BuildingKind, Category, Entity, Holding, HouseNumber, ImuPosition, Occupancy, Parcel,
    ParcelUse, Person, Resident, Street, SubjectRef, TariPosition, Unit, UnitState,
};
pub use features::layers;
pub use supply::{SupplyOptions, SupplyTruth, supply_dir_for, write_supply};
pub use write::{BATCH, DemoSummary, write_to};

/// Name of the fictional municipality.
pub const NAME: &str = "Vallerana";
/// Fictional Belfiore code of the municipality (syntactically valid, assigned to no real one).
pub const BELFIORE: &str = "M999";
/// Fictional ISTAT code (province 015, Milano; progressive 999 does not exist).
pub const ISTAT: &str = "015999";
/// Storage CRS of every geometry: RDN2008 / UTM zone 32N.
pub const STORAGE_EPSG: u32 = 7791;
/// Tax year of the IMU register.
pub const TAX_YEAR: i32 = 2025;

/// Parameters of a generation run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoParams {
    /// seed of every random choice
    pub seed: u64,
    /// size factor: 1.0 gives about 5 000 parcels; counts scale linearly
    pub scale: f64,
}

impl Default for DemoParams {
    fn default() -> Self {
        Self {
            seed: 2025,
            scale: 1.0,
        }
    }
}

/// Share of the city's outermost blocks that are fields.
const EDGE_FARMLAND: f64 = 0.25;

/// How densely the municipality is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// a small town: detached houses at the edge, fields and industry around (≈ 3.4 units per
    /// parcel)
    #[default]
    Town,
    /// a city: every block built like the town's centre, multi-storey buildings twice as tall,
    /// a quarter of the outermost ring of blocks left to fields (the farmland the cadastral
    /// plantings and the zoning plan's buildable zones need) (≈ 10 units per parcel; scale 30
    /// gives a Milan-sized supply)
    City,
}

impl Profile {
    /// The profile named `name` (`town`, `city`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "town" => Some(Self::Town),
            "city" => Some(Self::City),
            _ => None,
        }
    }

    fn density(self) -> blocks::Density {
        match self {
            Self::Town => blocks::Density::TOWN,
            Self::City => blocks::Density {
                ring: 0.3,
                storeys: 2,
                edge_farmland: EDGE_FARMLAND,
            },
        }
    }
}

/// The generated municipality: every entity, in generation order.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// parameters it was generated with
    pub params: DemoParams,
    /// municipality name
    pub name: &'static str,
    /// Belfiore code
    pub belfiore: &'static str,
    /// ISTAT code
    pub istat: &'static str,
    /// storage CRS
    pub crs: Crs,
    /// date of the data extraction (every history ends before it)
    pub extraction_date: NaiveDate,
    /// tax year of the IMU register
    pub tax_year: i32,
    /// street register
    pub streets: Vec<Street>,
    /// house numbers
    pub house_numbers: Vec<HouseNumber>,
    /// land parcels
    pub parcels: Vec<Parcel>,
    /// building footprints
    pub buildings: Vec<Building>,
    /// real-estate units
    pub units: Vec<Unit>,
    /// natural persons (holders and residents)
    pub persons: Vec<Person>,
    /// legal entities
    pub entities: Vec<Entity>,
    /// holdings
    pub holdings: Vec<Holding>,
    /// civil-registry residence periods
    pub residents: Vec<Resident>,
    /// occupancies of units (the facts TARI declarations describe)
    pub occupancies: Vec<Occupancy>,
    /// IMU positions of [`Municipality::tax_year`]
    pub imu_positions: Vec<ImuPosition>,
    /// TARI premises
    pub tari_positions: Vec<TariPosition>,
    /// planted correlation cases: their truth and the extra supply records (see [`plant`])
    pub planted: plant::Planted,
}

/// Generates the municipality for `params` (a non-finite or non-positive scale counts as the
/// smallest town the generator builds).
pub fn generate(params: &DemoParams) -> Municipality {
    generate_profile(params, Profile::Town)
}

/// Generates the municipality for `params` built with the density of `profile`.
pub fn generate_profile(params: &DemoParams, profile: Profile) -> Municipality {
    let seed = params.seed;
    let scale = if params.scale.is_finite() {
        params.scale.max(0.0)
    } else {
        0.0
    };
    let mut layout_rng = rng::Rng::fork(seed, "layout");
    let rotation = layout_rng.range(-18.0, 18.0);
    let east = 545_000.0 + layout_rng.range(-3_000.0, 3_000.0);
    let north = 5_040_000.0 + layout_rng.range(-3_000.0, 3_000.0);
    let frame = geom::Frame::new(east, north, rotation);
    let target_blocks = (620.0 * scale).round() as usize;
    let (grid, streets) = grid::build(&mut layout_rng, target_blocks, &frame);
    let mut layout =
        blocks::subdivide_with(&mut layout_rng, &grid, &frame, BELFIORE, profile.density());
    let parcel_keys: Vec<String> = layout.parcels.iter().map(|p| p.key.clone()).collect();
    let (house_numbers, parcel_address) = addresses::number(
        &mut rng::Rng::fork(seed, "addresses"),
        BELFIORE,
        &streets,
        &layout.entrances,
        &parcel_keys,
        &mut layout.buildings,
    );
    let units = units::generate(
        &mut rng::Rng::fork(seed, "units"),
        BELFIORE,
        &layout.parcels,
        &layout.buildings,
        &parcel_address,
    );
    let mut people_rng = rng::Rng::fork(seed, "people");
    let mut registry = persons::Registry::new(BELFIORE);
    let comune = registry.entity(
        &mut people_rng,
        &format!("COMUNE DI {}", NAME.to_uppercase()),
        BELFIORE,
    );
    let parish = registry.entity(
        &mut people_rng,
        "PARROCCHIA DI SAN GIORGIO MARTIRE",
        BELFIORE,
    );
    let population = holders::generate(&mut people_rng, &mut registry, &units, comune, parish);
    let imu_positions = fiscal::imu_positions(
        &mut rng::Rng::fork(seed, "imu"),
        TAX_YEAR,
        &units,
        &population.holdings,
        &population.residents,
        &[SubjectRef::Entity(comune)],
    );
    let tari_positions = fiscal::tari_positions(
        &mut rng::Rng::fork(seed, "tari"),
        &units,
        &layout.buildings,
        &population.occupancies,
    );
    let mut town = Municipality {
        params: *params,
        name: NAME,
        belfiore: BELFIORE,
        istat: ISTAT,
        crs: Crs::Epsg(STORAGE_EPSG),
        extraction_date: dates::ymd(2026, 1, 1),
        tax_year: TAX_YEAR,
        streets,
        house_numbers,
        parcels: layout.parcels,
        buildings: layout.buildings,
        units,
        persons: registry.persons,
        entities: registry.entities,
        holdings: population.holdings,
        residents: population.residents,
        occupancies: population.occupancies,
        imu_positions,
        tari_positions,
        planted: plant::Planted::default(),
    };
    plant::plant_all(&mut town);
    town
}

impl Municipality {
    /// The fiscal code of a subject.
    pub fn subject_cf(&self, s: SubjectRef) -> &str {
        match s {
            SubjectRef::Person(p) => &self.persons[p].cf,
            SubjectRef::Entity(e) => &self.entities[e].cf,
        }
    }
}
