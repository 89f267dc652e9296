//! Planted correlation cases: true cases and near-miss traps for the rules of the correlation
//! engine (`shared/domain/rules-catalogue.md`), with the truth an engine run on the demo must
//! reproduce (precision and recall 1.0 per rule, no near miss reported).
//!
//! # How a planting works
//!
//! 1. [`crate::generate`] builds the municipality, then calls [`plant_all`], which runs every
//!    entry of [`PLANTINGS`] in order on the finished [`Municipality`], then every entry of
//!    [`RECORDINGS`] on the final one. Each entry is one rule, in its own file
//!    `plant/<rule>.rs` named for the rule, and gets a [`Planter`]: the rule id, a seeded
//!    stream of its own ([`Rng::fork`] on `plant-<rule>`, so adding draws to one rule never
//!    shifts another) and the truth section of the rule.
//! 2. The planting adds **its own small objects** to the municipality (a dedicated parcel, unit,
//!    household, TARI premises…), so that cases do not interfere with each other or with the
//!    baseline, and records each with [`Planter::report`] (a true case the engine must report)
//!    or [`Planter::near_miss`] (a trap just on the safe side of a threshold of the catalogue,
//!    which the engine must not report). It also records the generator's deliberate baseline
//!    hits of the rule, from the generator's own decisions (never by running the engine).
//! 3. Data the generator does not model (utility contracts, leases, deeds…) are planted as
//!    extra records in the file's own format with [`Planter::extra_line`]; the supply writer
//!    of the file appends them (`Ctx::append_planted`) and counts them in the ingest truth.
//! 4. [`crate::write_supply`] writes [`Municipality::planted`]'s [`CorrelationTruth`] as the
//!    `correlation` section of `truth.json`.
//!
//! The objects go through the real path: supply files in the reference formats, the ingest and
//! its linking, the engine. Plantings must exist at any scale ≥ 0.05: plant a fixed small number
//! of cases per rule, not a number proportional to the scale.
//!
//! # Adding a rule
//!
//! Create `plant/<rule>.rs` with `pub(crate) const PLANTING: Planting = Planting { rule:
//! "R14", plant };` and `fn plant(town: &mut Municipality, p: &mut Planter)`, declare the module
//! below and add one line to [`PLANTINGS`]. A rule whose baseline hits are read from the final
//! municipality also has `pub(crate) const RECORD: Recording = Recording { rule: "R14", record
//! };` with `fn record(town: &Municipality, facts: &Facts, p: &mut Planter)`, listed in
//! [`RECORDINGS`]; it reads the shared indexes, leases and IMU dues from `facts` (built once for
//! every recording) and never scans a whole collection once per element.
//!
//! # Truth format
//!
//! An [`Expected`] object matches an anomaly when every field it gives equals the anomaly's:
//! `parcel_key` / `unit_key` / `address_key` the anomaly's object keys as text, `microzone` its
//! microzone, `record` the text of the evidence's `record`. A rule listed in
//! [`CorrelationTruth::rules`] is asserted with precision = recall = 1.0, and every near miss
//! must match no reported anomaly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod cadastre;
mod facts;
pub mod imu_declarations;
mod q01_invalid_tax_code;
mod q02_unit_without_map_parcel;
mod q03_map_parcel_without_records;
mod q04_area_mismatch;
mod q05_shares_not_whole;
mod q06_unit_without_surface;
mod q07_utility_without_unit_key;
mod q08_address_not_in_register;
mod r01_ghost_building;
mod r02_urban_site_without_units;
mod r03_rural_building_in_land_cadastre;
mod r04_outline_without_units;
mod r05_undeclared_extension;
mod r06_enclosed_agricultural_parcel;
mod r07_derelict_unit_in_use;
mod r08_f3_f4_too_long;
mod r09_category_inconsistent_with_use;
mod r10_low_rent_per_m2;
mod r11_address_inconsistent;
mod r12_residents_without_tari;
mod r13_occupants_below_residents;
mod r14_tari_surface;
mod r15_utilities_without_tari;
mod r16_declared_unused_with_use;
mod r17_lease_without_tenant_tari;
mod r18_imu_paid_below_due;
mod r19_main_residence_without_residence;
mod r20_let_unit_claimed_main_residence;
mod r21_several_main_residences;
mod r22_luxury_main_residence_not_paying;
pub mod r23_building_land_as_agricultural;
mod r24_deceased_holders;
mod r25_payments_on_unknown_units;
mod r26_microzone_equalisation;
mod r27_low_declared_sale_price;
mod r28_implausible_lease_rent;

use crate::Municipality;
use crate::rng::Rng;
use facts::Facts;

/// The civil-registry deaths file the R24 planting writes (project convention).
pub(crate) use r24_deceased_holders::DEATHS;

/// The as-of date the planted cases are true for: the last day of the tax year.
pub fn as_of(town: &Municipality) -> chrono::NaiveDate {
    crate::dates::ymd(town.tax_year, 12, 31)
}

/// One expected (or must-not-be-reported) anomaly: every field given must equal the anomaly's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// parcel key of the anomaly's object
    pub parcel_key: Option<String>,
    /// unit key of the anomaly's object
    pub unit_key: Option<String>,
    /// address key of the anomaly's object
    pub address_key: Option<String>,
    /// microzone of the anomaly's object
    pub microzone: Option<u32>,
    /// the record id of the anomaly's evidence (`evidence.record`)
    pub record: Option<String>,
    /// what was planted and why it is (or is not) a case
    pub note: String,
}

impl Expected {
    /// An expectation on a parcel.
    pub fn parcel(key: &str, note: impl Into<String>) -> Self {
        Self {
            parcel_key: Some(key.to_owned()),
            note: note.into(),
            ..Self::default()
        }
    }

    /// An expectation on a unit.
    pub fn unit(key: &str, note: impl Into<String>) -> Self {
        Self {
            unit_key: Some(key.to_owned()),
            note: note.into(),
            ..Self::default()
        }
    }

    /// An expectation on a house number.
    pub fn address(key: &str, note: impl Into<String>) -> Self {
        Self {
            address_key: Some(key.to_owned()),
            note: note.into(),
            ..Self::default()
        }
    }

    /// An expectation on a microzone.
    pub fn microzone(zone: u32, note: impl Into<String>) -> Self {
        Self {
            microzone: Some(zone),
            note: note.into(),
            ..Self::default()
        }
    }

    /// An expectation on a source record (`evidence.record`).
    pub fn record(id: &str, note: impl Into<String>) -> Self {
        Self {
            record: Some(id.to_owned()),
            note: note.into(),
            ..Self::default()
        }
    }

    /// The same expectation also requiring the evidence's record id.
    #[must_use]
    pub fn with_record(mut self, id: &str) -> Self {
        self.record = Some(id.to_owned());
        self
    }

    /// The same expectation also requiring the parcel key.
    #[must_use]
    pub fn with_parcel(mut self, key: &str) -> Self {
        self.parcel_key = Some(key.to_owned());
        self
    }
}

/// The planted truth of one rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTruth {
    /// every anomaly the engine must report for the rule (planted and baseline)
    pub report: Vec<Expected>,
    /// traps the engine must not report
    pub near_miss: Vec<Expected>,
}

/// The `correlation` section of `truth.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrelationTruth {
    /// the as-of date (ISO) the cases are true for
    pub as_of: String,
    /// truth per rule id; a rule listed is asserted with precision = recall = 1.0
    pub rules: BTreeMap<String, RuleTruth>,
}

/// What the plantings add to a municipality beside its entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    /// the truth of the planted cases
    pub correlation: CorrelationTruth,
    /// extra records for supply files of data the generator does not model, by file path
    /// relative to the supply directory, each a line in the file's format, in planting order
    pub extra_lines: BTreeMap<String, Vec<String>>,
    /// IMU declaration blocks planted beside the generator's (written by `supply/imu.rs`)
    pub imu_blocks: Vec<imu_declarations::DeclaredBlock>,
    /// land holdings planted beside the generator's unit holdings (written in `.SOG` / `.TIT`)
    pub land_holdings: Vec<r23_building_land_as_agricultural::LandHolding>,
    /// buildable zones of the zoning plan (`pgt/buildable_zones.geojson`)
    pub buildable_zones: Vec<r23_building_land_as_agricultural::BuildableZone>,
    /// FAB type-3 addresses written instead of the unit's own, by unit key (the cadastre
    /// misaligned with the registers; written by `supply/census.rs`)
    pub fab_addresses: BTreeMap<String, FabAddress>,
    /// parcels of the map the `.TER` writer leaves out (`supply/census.rs`), by index in
    /// [`Municipality::parcels`]
    pub ter_omitted: std::collections::BTreeSet<usize>,
}

/// A unit's address as the FAB writes it when a planting overrides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FabAddress {
    /// the house number written (an address key of the generator's register)
    pub address_key: String,
    /// whether the Agenzia's street code is written (else only `toponimo` + name)
    pub street_code: bool,
}

/// What a planting function gets besides the municipality.
pub struct Planter<'a> {
    /// the rule planted
    pub rule: &'static str,
    /// the rule's own seeded stream
    pub rng: Rng,
    planted: &'a mut Planted,
}

impl Planter<'_> {
    fn entry(&mut self) -> &mut RuleTruth {
        self.planted
            .correlation
            .rules
            .entry(self.rule.to_owned())
            .or_default()
    }

    /// Records a case the engine must report.
    pub fn report(&mut self, e: Expected) {
        self.entry().report.push(e);
    }

    /// Records a trap the engine must not report.
    pub fn near_miss(&mut self, e: Expected) {
        self.entry().near_miss.push(e);
    }

    /// Writes unit `unit_key`'s FAB address as `address` instead of its own.
    pub fn fab_address(&mut self, unit_key: &str, address: FabAddress) {
        self.planted
            .fab_addresses
            .insert(unit_key.to_owned(), address);
    }

    /// Adds a record (one line in the file's format) to the supply file `rel`.
    pub fn extra_line(&mut self, rel: &str, line: String) {
        self.planted
            .extra_lines
            .entry(rel.to_owned())
            .or_default()
            .push(line);
    }

    /// The extra lines planted so far for `rel` (by every rule).
    pub fn extra_lines(&self, rel: &str) -> usize {
        self.planted.extra_lines.get(rel).map_or(0, Vec::len)
    }

    /// The extra records planted so far for `rel` (by every rule), in planting order.
    pub fn planted_lines(&self, rel: &str) -> &[String] {
        self.planted.extra_lines.get(rel).map_or(&[], Vec::as_slice)
    }
}

/// One rule's planting.
#[derive(Clone, Copy)]
pub struct Planting {
    /// rule id (`Q01`, `R14`…)
    pub rule: &'static str,
    /// the planting function
    pub plant: fn(&mut Municipality, &mut Planter),
}

/// Every planting, in the order they run.
pub const PLANTINGS: &[Planting] = &[
    r12_residents_without_tari::PLANTING,
    r13_occupants_below_residents::PLANTING,
    r14_tari_surface::PLANTING,
    r15_utilities_without_tari::PLANTING,
    r16_declared_unused_with_use::PLANTING,
    r17_lease_without_tenant_tari::PLANTING,
    r18_imu_paid_below_due::PLANTING,
    r19_main_residence_without_residence::PLANTING,
    r20_let_unit_claimed_main_residence::PLANTING,
    r21_several_main_residences::PLANTING,
    r22_luxury_main_residence_not_paying::PLANTING,
    r25_payments_on_unknown_units::PLANTING,
    r27_low_declared_sale_price::PLANTING,
    r28_implausible_lease_rent::PLANTING,
    q01_invalid_tax_code::PLANTING,
    q03_map_parcel_without_records::PLANTING,
    q02_unit_without_map_parcel::PLANTING,
    q04_area_mismatch::PLANTING,
    q05_shares_not_whole::PLANTING,
    q06_unit_without_surface::PLANTING,
    q08_address_not_in_register::PLANTING,
    r01_ghost_building::PLANTING,
    r03_rural_building_in_land_cadastre::PLANTING,
    r04_outline_without_units::PLANTING,
    r07_derelict_unit_in_use::PLANTING,
    r08_f3_f4_too_long::PLANTING,
    r09_category_inconsistent_with_use::PLANTING,
    r24_deceased_holders::PLANTING,
    r23_building_land_as_agricultural::PLANTING,
    r11_address_inconsistent::PLANTING,
    r06_enclosed_agricultural_parcel::PLANTING,
];

/// Every recording of the rules whose truth is read from the final municipality, in the order
/// they run, after every planting: the municipality no longer changes, so they share one
/// [`Facts`] of it.
pub(crate) const RECORDINGS: &[Recording] = &[
    q02_unit_without_map_parcel::RECORD,
    q04_area_mismatch::RECORD,
    q05_shares_not_whole::RECORD,
    q06_unit_without_surface::RECORD,
    q07_utility_without_unit_key::RECORD,
    r01_ghost_building::RECORD,
    r02_urban_site_without_units::RECORD,
    r03_rural_building_in_land_cadastre::RECORD,
    r04_outline_without_units::RECORD,
    r07_derelict_unit_in_use::RECORD,
    r08_f3_f4_too_long::RECORD,
    r09_category_inconsistent_with_use::RECORD,
    r10_low_rent_per_m2::RECORD,
    r05_undeclared_extension::RECORD,
    r12_residents_without_tari::RECORD,
    r13_occupants_below_residents::RECORD,
    r14_tari_surface::RECORD,
    r15_utilities_without_tari::RECORD,
    r16_declared_unused_with_use::RECORD,
    r17_lease_without_tenant_tari::RECORD,
    r18_imu_paid_below_due::RECORD,
    r19_main_residence_without_residence::RECORD,
    r20_let_unit_claimed_main_residence::RECORD,
    r21_several_main_residences::RECORD,
    r22_luxury_main_residence_not_paying::RECORD,
    r23_building_land_as_agricultural::RECORD,
    r24_deceased_holders::RECORD,
    r25_payments_on_unknown_units::RECORD,
    r26_microzone_equalisation::RECORD,
    r28_implausible_lease_rent::RECORD,
];

/// One rule's recording of its cases in the final municipality (after every planting).
#[derive(Clone, Copy)]
pub(crate) struct Recording {
    /// rule id (`Q01`, `R14`…)
    pub rule: &'static str,
    /// the recording function
    pub record: fn(&Municipality, &Facts, &mut Planter),
}

/// Runs every planting then every recording on `town` and sets the as-of date of the truth.
pub fn plant_all(town: &mut Municipality) {
    let mut planted = std::mem::take(&mut town.planted);
    planted.correlation.as_of = crate::supply::text::iso(as_of(town));
    for p in PLANTINGS {
        let mut planter = Planter {
            rule: p.rule,
            rng: Rng::fork(town.params.seed, &format!("plant-{}", p.rule)),
            planted: &mut planted,
        };
        // the rule is listed (and so asserted) even when it plants nothing at this scale
        planter.entry();
        (p.plant)(town, &mut planter);
    }
    // the recordings read the final municipality, declaration blocks planted on it included
    let facts = Facts::new(town);
    for r in RECORDINGS {
        let mut planter = Planter {
            rule: r.rule,
            rng: Rng::fork(town.params.seed, &format!("plant-{}", r.rule)),
            planted: &mut planted,
        };
        planter.entry();
        (r.record)(town, &facts, &mut planter);
    }
    drop(facts);
    // declaration blocks are planted on the municipality itself
    planted.imu_blocks = std::mem::take(&mut town.planted.imu_blocks);
    town.planted = planted;
}
