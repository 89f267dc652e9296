//! A deterministic synthetic municipality at Milan's cardinalities, for the benches and the
//! `milan_run` example. `scale` 1.0 gives ≈150 000 parcels and buildings, 1 500 000 units,
//! 1 400 000 residents, 700 000 TARI premises, 1 400 000 utility rows, ≈1 900 000 holdings,
//! 1 400 000 cadastral surfaces; smaller scales shrink every source in proportion.
//!
//! Parcels lie on a grid of 60 m cells (50 m squares), each with a footprint, a CXF outline
//! and a house number; units (1–19 per parcel, 10 on average) carry a type-3 address aligned
//! to the street register and an internal number. Registers join to units by unit key, by
//! address key + internal, or by a text address, in realistic shares; about 1–5 % of the
//! records of each source are planted anomalies (TARI below 80 % of the surface, occupied
//! dwellings without TARI, ghost buildings, footprints wider than the outline, underpaid IMU,
//! deceased holders, invalid codes, unknown addresses…).

#![allow(dead_code)]

use std::error::Error;

use chrono::{Days, NaiveDate};
use geo_types::{MultiPolygon, Point, polygon};
use segit_correlate::inputs::{
    BuildableZone, BuildingOutline, Death, Footprint, HouseNumberPoint, InputData, MapParcel,
    Microzone, OmiQuotation, OmiZone, Utilities,
};
use segit_model::{
    ActivePeriod, AddressKey, Belfiore, Building, BuildingUse, CadastralAddress, CadastralSurface,
    Category, Deed, DeedParty, DeedProperty, F24Payment, Foglio, HolderType, Holding, HouseNumber,
    ImuAssimilation, ImuCadastre, ImuCharacteristic, ImuDeclaration, ImuExemption, ImuPosition,
    ImuReduction, Instalment, LandQuality, Landlord, Lease, LeaseType, LeasedUnit, Parcel,
    ParcelKey, ParcelState, Particella, PartyRole, PropertyId, PropertyKind, Relationship,
    Resident, ResidentAddress, ResidentDetails, RightCode, Share, Street, Subalterno, Subject,
    SubjectDetails, SubjectId, SubjectKind, TariPosition, TariUserType, TaxId, TransferDeed, Unit,
    UnitIdentifiers, UnitKey, UnitState, UnitStateDetails, UseType, UtilityKind, UtilitySupply,
    Validity,
};

/// Boxed error of the builder.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// Cell of the parcel grid, metres.
pub const CELL: f64 = 60.0;
/// Side of a parcel square, metres.
pub const PARCEL_SIDE: f64 = 50.0;
/// Streets of the register.
const STREETS: usize = 4_500;
/// Microzones (Milan has 55).
const MICROZONES: usize = 55;

/// SplitMix64: a deterministic hash of `(i, salt)`.
pub fn mix(i: u64, salt: u64) -> u64 {
    let mut z = i
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// True for `per_mille` ‰ of the values of `i` (salted).
fn chance(i: u64, salt: u64, per_mille: u64) -> bool {
    mix(i, salt) % 1000 < per_mille
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, BoxError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "bad date".into())
}

fn square(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + h), (x: x, y: y + h), (x: x, y: y)],
    ])
}

/// A valid codice fiscale for person number `i` (distinct for distinct `i`).
fn person_code(i: u64) -> Result<TaxId, BoxError> {
    let letters: String = (0..6)
        .map(|k| char::from(b'A' + ((i / 26u64.pow(k)) % 26) as u8))
        .collect();
    let year = 40 + (i / 26u64.pow(6)) % 60;
    let month = ['A', 'B', 'C', 'D', 'E', 'H', 'L', 'M', 'P', 'R', 'S', 'T'][(i % 12) as usize];
    let day = 1 + (i % 28);
    let first15 = format!("{letters}{year:02}{month}{day:02}F205");
    let check = segit_model::ids::check_character(&first15)?;
    Ok(TaxId::from_written(&format!("{first15}{check}"))?)
}

/// An 11-digit code of a company (check digit deliberately not computed for 1 ‰: Q01).
fn company_code(i: u64) -> Result<TaxId, BoxError> {
    Ok(TaxId::from_written(&format!("{:011}", 10_000_000_000 + i))?)
}

/// Street name (DUF) of street `s`: three letters and a word.
fn street_duf(s: usize) -> String {
    let a = char::from(b'A' + (s % 26) as u8);
    let b = char::from(b'A' + ((s / 26) % 26) as u8);
    let c = char::from(b'A' + ((s / 676) % 26) as u8);
    format!("{a}{b}{c} NUOVA")
}

/// Cardinalities of a built municipality.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Map parcels (= TER parcels).
    pub parcels: usize,
    /// FAB units.
    pub units: usize,
    /// Residents.
    pub residents: usize,
    /// TARI premises.
    pub tari: usize,
    /// Utility rows.
    pub utilities: usize,
    /// Holdings.
    pub holdings: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} parcels, {} units, {} residents, {} TARI, {} utilities, {} holdings",
            self.parcels, self.units, self.residents, self.tari, self.utilities, self.holdings
        )
    }
}

/// Units on parcel `p`: 1–19, 10 on average.
fn units_on(p: usize) -> usize {
    1 + (mix(p as u64, 1) % 19) as usize
}

/// Kind of use of a unit, by category.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dwelling,
    Garage,
    Shop,
    Office,
    Productive,
}

fn kind_of(u: u64) -> Kind {
    match mix(u, 2) % 100 {
        0..=54 => Kind::Dwelling,
        55..=89 => Kind::Garage,
        90..=94 => Kind::Shop,
        95..=97 => Kind::Office,
        _ => Kind::Productive,
    }
}

fn category_of(u: u64, kind: Kind) -> &'static str {
    match kind {
        Kind::Dwelling => match mix(u, 3) % 100 {
            0 => "A01",
            1 => "A08",
            2..=49 => "A02",
            50..=94 => "A03",
            95..=97 => "A04",
            _ => "F04",
        },
        Kind::Garage => {
            if mix(u, 3).is_multiple_of(3) {
                "C02"
            } else {
                "C06"
            }
        }
        Kind::Shop => "C01",
        Kind::Office => "A10",
        Kind::Productive => {
            if mix(u, 3).is_multiple_of(2) {
                "D08"
            } else {
                "C03"
            }
        }
    }
}

/// The as-of date the data is made for (tax year 2024).
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default()
}

/// Builds the municipality at `scale` (1.0 = Milan).
#[allow(clippy::too_many_lines)]
pub fn milan(scale: f64) -> Result<(InputData, Counts), BoxError> {
    let f205 = Belfiore::parse("F205")?;
    let parcels = ((150_000.0 * scale).round() as usize).max(10);
    let side = (parcels as f64).sqrt().ceil() as usize;
    let since = date(2000, 1, 1)?;
    let as_of_year = 2024;
    let streets_n = STREETS.min(parcels.div_ceil(10)).max(1);

    // Street register.
    let streets: Vec<Street> = (0..streets_n)
        .map(|s| Street {
            street_code: s as u32 + 1,
            dug: "VIA".into(),
            duf: street_duf(s),
            full_name: format!("VIA {}", street_duf(s)),
            cadastral_toponimo: Some(236),
            cadastral_street_code: Some(format!("{:05}", 10_000 + s)),
        })
        .collect();
    let address_of = |p: usize| -> Result<AddressKey, BoxError> {
        Ok(AddressKey::new(
            f205,
            (p % streets_n) as u32 + 1,
            (p / streets_n) as u32 + 1,
            None,
        )?)
    };

    // Persons: about 0.62 per unit; companies 2 % of the subjects.
    let units_total: usize = (0..parcels).map(units_on).sum();
    let persons = (units_total as f64 * 0.62) as usize + 10;
    let companies = persons / 50 + 1;
    let mut codes: Vec<TaxId> = Vec::with_capacity(persons + companies);
    for i in 0..persons {
        codes.push(person_code(i as u64)?);
    }
    for i in 0..companies {
        codes.push(company_code(i as u64)?);
    }
    let mut subjects: Vec<Subject> = Vec::with_capacity(codes.len());
    for (i, code) in codes.iter().enumerate() {
        let (kind, tax_code, details) = if i < persons {
            (
                SubjectKind::NaturalPerson,
                (!chance(i as u64, 4, 3)).then(|| code.clone()),
                SubjectDetails {
                    surname: "ROSSI".into(),
                    given_name: "MARIA".into(),
                    birthplace: Some(f205),
                    ..SubjectDetails::default()
                },
            )
        } else {
            (
                SubjectKind::LegalEntity,
                Some(code.clone()),
                SubjectDetails {
                    name: format!("IMMOBILIARE {i} SRL").into(),
                    seat: Some(f205),
                    ..SubjectDetails::default()
                },
            )
        };
        subjects.push(Subject {
            belfiore: f205,
            id: i as u64 + 1,
            kind,
            tax_code,
            details: details.boxed(),
        });
    }
    let subject_ids: Vec<SubjectId> = subjects.iter().map(Subject::subject_id).collect();

    let mut data = InputData {
        comune: Some(f205),
        ..InputData::default()
    };
    let mut land = Vec::with_capacity(parcels);
    let mut maps = Vec::with_capacity(parcels);
    let mut footprints = Vec::with_capacity(parcels);
    let mut outlines = Vec::with_capacity(parcels);
    let mut house_numbers = Vec::with_capacity(parcels);
    let mut units = Vec::with_capacity(units_total);
    // capacities above the counts (no doubling of a big vector while it is filled)
    let mut holdings = Vec::with_capacity(units_total * 14 / 10);
    let mut residents = Vec::with_capacity(units_total);
    let mut tari = Vec::with_capacity(units_total / 2);
    let mut utilities = Utilities::new();
    let mut surfaces = Vec::with_capacity(units_total);
    let mut leases = Vec::new();
    let mut f24 = Vec::with_capacity(units_total * 14 / 10);
    let mut declarations = Vec::new();
    let mut deeds = Vec::new();
    let mut deaths = Vec::new();
    let mut buildable = Vec::new();

    let mut u: u64 = 0;
    let mut resident_no: u64 = 0;
    for p in 0..parcels {
        let pu = p as u64;
        let (x, y) = ((p % side) as f64 * CELL, (p / side) as f64 * CELL);
        let foglio = Foglio::new(1 + (p / 600) as u16)?;
        let particella = Particella::parse(&(1 + p % 600).to_string())?;
        let parcel_key = ParcelKey::parse(&format!("F205_{:04}00.{}", foglio.get(), particella))?;
        let agricultural = chance(pu, 10, 20);
        let n_units = if agricultural { 0 } else { units_on(p) };
        let geometry = square(x, y, PARCEL_SIDE, PARCEL_SIDE);
        let sup = if chance(pu, 11, 5) { 1800.0 } else { 2500.0 };
        maps.push(MapParcel {
            parcel_key: parcel_key.clone(),
            geometry,
            sup_area_m2: Some(sup),
        });
        let quality = if agricultural {
            LandQuality::SEMINATIVO
        } else {
            LandQuality::ENTE_URBANO
        };
        land.push(Parcel {
            property: PropertyId {
                belfiore: f205,
                section: None,
                id: 50_000_000 + pu,
                kind: PropertyKind::Land,
            },
            states: vec![ParcelState {
                progressive: 1,
                foglio,
                particella: particella.clone(),
                subalterno: None,
                quality: Some(quality),
                class: agricultural.then(|| "2".into()),
                area_m2: 2500,
                dominicale_eur: agricultural.then_some(12.5),
                agrario_eur: agricultural.then_some(8.0),
                validity: Validity::open(since),
                generating_deed: Deed::default(),
                closing_deed: None,
                partita: Some(if agricultural {
                    "77".into()
                } else {
                    "1".into()
                }),
                notes: None,
                initial_mutation_id: None,
                final_mutation_id: None,
                deductions: Vec::new(),
                reserves: Vec::new(),
                portions: Vec::new(),
            }],
        });
        // Footprint: inside the parcel; 2 % straddle the neighbour, 1 % missing; ghost
        // buildings (footprint, no units) on a share of the agricultural parcels.
        if !chance(pu, 12, 10) && (n_units > 0 || chance(pu, 13, 300)) {
            // Two floors over ≈55 m² of ground per unit (the declared surfaces cover it);
            // 2 % are six floors high (undeclared extensions, R05).
            let straddle = chance(pu, 14, 20);
            let (fx, fw) = if straddle {
                (x + 30.0, 25.0)
            } else {
                (x + 10.0, 25.0)
            };
            let fh = (n_units as f64 * 1.1).clamp(5.0, 30.0);
            let floors = if chance(pu, 44, 20) { 6 } else { 2 };
            let bid = format!("E{p:07}");
            footprints.push(Footprint {
                building: Building {
                    building_id: bid.clone(),
                    height_m: Some(3.0 * f64::from(floors)),
                    floors: Some(floors),
                    use_class: if agricultural {
                        BuildingUse::Agricultural
                    } else {
                        BuildingUse::Residential
                    },
                    survey_date: Some(date(2019, 5, 1)?),
                },
                geometry: square(fx, y + 10.0, fw, fh),
            });
            // The CXF outline: 3 % narrower than the building (undeclared extension).
            let ow = if chance(pu, 15, 30) { fw - 10.0 } else { fw };
            if !agricultural {
                outlines.push(BuildingOutline {
                    id: format!("{parcel_key}+1"),
                    parcel_key: parcel_key.clone(),
                    geometry: square(fx, y + 10.0, ow, fh),
                });
            }
        }
        let address = address_of(p)?;
        house_numbers.push(HouseNumberPoint {
            number: HouseNumber {
                address_key: address.clone(),
                parcel_key: Some(parcel_key.clone()),
            },
            point: Point::new(x + 25.0, y),
        });
        if agricultural && chance(pu, 16, 200) {
            buildable.push(BuildableZone {
                zone_id: format!("ZB{p}"),
                geometry: square(x - 5.0, y - 5.0, 60.0, 60.0),
                reference_value_eur_per_m2: Some(180.0),
            });
        }
        for s in 0..n_units {
            let kind = kind_of(u);
            let cat = Category::parse(category_of(u, kind))?;
            let sub = Subalterno::new(1 + s as u16)?;
            let key = UnitKey::new(f205, None, foglio, particella.clone(), Some(sub));
            let property = PropertyId {
                belfiore: f205,
                section: None,
                id: 1_000_000 + u,
                kind: PropertyKind::Building,
            };
            let m2: u32 = match kind {
                Kind::Dwelling => 45 + (mix(u, 5) % 90) as u32,
                Kind::Garage => 12 + (mix(u, 5) % 10) as u32,
                Kind::Shop | Kind::Office => 40 + (mix(u, 5) % 120) as u32,
                Kind::Productive => 200 + (mix(u, 5) % 800) as u32,
            };
            let internal = (s + 1).to_string();
            let cadastral_address = CadastralAddress {
                toponimo: Some(236),
                street_name: street_duf(p % streets_n).into(),
                civico1: Some(address.number().to_string().into()),
                civico2: None,
                civico3: None,
                street_code: Some(format!("{:05}", 10_000 + p % streets_n).into()),
            };
            let history = chance(u, 6, 100);
            let current_from = if history { date(2015, 3, 1)? } else { since };
            let make_state =
                |progressive: u32, cat: Category, from: NaiveDate, to: Option<NaiveDate>| {
                    Ok::<_, BoxError>(UnitState {
                        progressive,
                        identifiers: UnitIdentifiers::single(key.clone()),
                        census_zone: Some("1".into()),
                        category: Some(cat),
                        surface_m2: Some(m2),
                        rent_eur: Some(f64::from(m2) * 9.5),
                        internal: Some(internal.as_str().into()),
                        validity: Validity::new(from, to)?,
                        generating_deed: Deed {
                            efficacy_date: Some(from),
                            ..Deed::default()
                        }
                        .boxed(),
                        closing_deed: None,
                        partita: None,
                        addresses: vec![cadastral_address.clone()],
                        details: UnitStateDetails {
                            class: Some("3".into()),
                            consistency: Some(f64::from(m2) / 15.0),
                            floors: vec![(s / 4).to_string()],
                            ..UnitStateDetails::default()
                        }
                        .boxed(),
                    })
                };
            // exactly the states of the unit, as the store loader builds them
            let mut states = Vec::with_capacity(1 + usize::from(history));
            if history {
                states.push(make_state(
                    1,
                    Category::parse("C02")?,
                    since,
                    Some(current_from - Days::new(1)),
                )?);
            }
            states.push(make_state(
                states.len() as u32 + 1,
                cat,
                current_from,
                None,
            )?);
            units.push(Unit {
                property: property.clone(),
                states,
            });
            // Holders: 70 % one owner, 30 % two at one half; 5 ‰ shares not whole.
            let owner = (mix(u, 7) % codes.len() as u64) as usize;
            let second = (mix(u, 8) % persons as u64) as usize;
            let pair = chance(u, 9, 300) && second != owner;
            let holders: Vec<(usize, (u64, u64))> = if pair {
                let den = if chance(u, 17, 5) { 3 } else { 2 };
                vec![(owner, (1, den)), (second, (1, den))]
            } else {
                vec![(owner, (1, 1))]
            };
            for (h, share) in &holders {
                holdings.push(Holding {
                    belfiore: f205,
                    holding_id: None,
                    subject: subject_ids[*h],
                    property: property.clone(),
                    right: RightCode::parse("10")?,
                    share: Share::from_census(share.0, share.1)?,
                    validity: Validity::open(current_from),
                    generating_deed: None,
                    closing_deed: None,
                    details: None,
                });
            }
            // Surface (95 % of A/B/C units; 1 % missing where they should be).
            if !matches!(kind, Kind::Productive) && !chance(u, 18, 10) {
                surfaces.push(CadastralSurface {
                    belfiore: f205,
                    age_property_id: 1_000_000 + u,
                    unit_key: key.clone(),
                    category: cat,
                    total_m2: m2 + 5,
                    excluding_uncovered_m2: m2,
                    polygons: Vec::new(),
                    reference_date: Some(date(2013, 11, 9)?),
                    source: "SUP".into(),
                });
            }
            let owner_code = &codes[owner];
            if kind == Kind::Dwelling {
                let occupied = !chance(u, 19, 150);
                let n_res = if occupied { 1 + mix(u, 20) % 3 } else { 0 };
                let mut head_code = None;
                for r in 0..n_res {
                    // Residents are persons of their own (not all are holders); the head of
                    // a household in an owned dwelling is its owner in 60 % of the cases.
                    let code = if r == 0 && chance(u, 21, 600) && owner < persons {
                        owner_code.clone()
                    } else {
                        resident_no += 1;
                        person_code(persons as u64 + resident_no)?
                    };
                    if r == 0 {
                        head_code = Some(code.clone());
                    }
                    // 80 % by unit key, 20 % by address + internal only.
                    let by_key = !chance(u, 22, 200);
                    residents.push(Resident {
                        person: code,
                        household_id: format!("F{u}").into(),
                        address: ResidentAddress {
                            key: address.clone(),
                            internal: Some(internal.as_str().into()),
                        },
                        residence: Validity::open(date(2010 + (u % 10) as i32, 1, 1)?),
                        unit_key: by_key.then(|| key.clone()),
                        details: ResidentDetails {
                            relationship: if r == 0 {
                                Relationship::Head
                            } else {
                                Relationship::Spouse
                            },
                            ..ResidentDetails::default()
                        }
                        .boxed(),
                    });
                }
                // TARI: 95 % of the occupied dwellings; 2 % declare below 80 % of the
                // surface; 10 % by address key + internal, 5 % by text address.
                if let Some(payer) = head_code.as_ref()
                    && !chance(u, 23, 50)
                {
                    let declared = if chance(u, 24, 20) { m2 / 2 } else { m2 };
                    let how = mix(u, 25) % 100;
                    let (unit_keys, address_key, address_text) = match how {
                        0..=84 => (vec![key.clone()], Some(address.clone()), None),
                        85..=94 => (Vec::new(), Some(address.clone()), None),
                        _ => (
                            Vec::new(),
                            None,
                            Some(format!(
                                "V. {} {} INT. {}",
                                street_duf(p % streets_n),
                                address.number(),
                                internal
                            )),
                        ),
                    };
                    tari.push(TariPosition {
                        account_id: format!("T{u:08}").into(),
                        premises_seq: 1,
                        payer: payer.clone(),
                        user_type: TariUserType::Domestic,
                        tariff_class: None,
                        occupants: Some(n_res as u32 - u32::from(chance(u, 26, 30))),
                        address_text: address_text.map(Into::into),
                        address_key,
                        internal: Some(internal.as_str().into()),
                        unit_keys,
                        declared_m2: declared,
                        period: ActivePeriod::new(date(2012, 1, 1)?, None)?,
                        details: None,
                    });
                }
                // Utilities: electricity always, gas for 70 %; vacant dwellings with use.
                let holder = head_code.clone().unwrap_or_else(|| owner_code.clone());
                for (k, kind_u) in [UtilityKind::Electricity, UtilityKind::Gas]
                    .into_iter()
                    .enumerate()
                {
                    if k == 1 && !chance(u, 27, 700) {
                        continue;
                    }
                    let how = mix(u, 28 + k as u64) % 100;
                    let (unit_key, address_key, address_text) = match how {
                        0..=89 => (Some(key.clone()), None, None),
                        90..=96 => (None, Some(address.clone()), None),
                        _ => (
                            None,
                            None,
                            Some(format!(
                                "VIA {} {} INT. {}",
                                street_duf(p % streets_n),
                                address.number(),
                                internal
                            )),
                        ),
                    };
                    let consumption = if occupied || chance(u, 30, 300) {
                        1200.0 + (mix(u, 31) % 2000) as f64
                    } else {
                        15.0
                    };
                    utilities.push(UtilitySupply {
                        utility: kind_u,
                        supply_point: format!("IT001E{u:09}{k}").into(),
                        holder: Some(holder.clone()),
                        holder_type: HolderType::Person,
                        use_type: if occupied {
                            UseType::HouseholdResident
                        } else {
                            UseType::HouseholdNonResident
                        },
                        address_text: address_text.map(Into::into),
                        address_key,
                        unit_key,
                        contract: ActivePeriod::new(date(2015, 1, 1)?, None)?,
                        year: as_of_year,
                        billed_consumption: Some(consumption),
                        billed_amount: None,
                    })?;
                }
                // Leases: 15 % of the dwellings, the tenant being the head.
                if chance(u, 32, 150) {
                    let tenant = head_code.clone().unwrap_or_else(|| owner_code.clone());
                    leases.push(Lease {
                        contract_id: format!("L{u:08}"),
                        start_date: date(2021, 1 + (u % 12) as u32, 1)?,
                        end_date: date(2029, 1 + (u % 12) as u32, 1)?,
                        termination_date: None,
                        lease_type: if chance(u, 33, 300) {
                            LeaseType::Regulated
                        } else {
                            LeaseType::FreeMarket
                        },
                        annual_rent: f64::from(m2) * if chance(u, 34, 30) { 20.0 } else { 130.0 },
                        landlords: vec![Landlord {
                            cf: owner_code.clone(),
                            share: Share::WHOLE,
                        }],
                        tenants: vec![segit_model::Tenant { cf: tenant }],
                        units: vec![LeasedUnit {
                            unit_key: key.clone(),
                            category: Some(cat),
                            rent: None,
                        }],
                        registration_date: date(2021, 1 + (u % 12) as u32, 20)?,
                    });
                }
            } else if matches!(kind, Kind::Shop | Kind::Office) && chance(u, 35, 300) {
                tari.push(TariPosition {
                    account_id: format!("N{u:08}").into(),
                    premises_seq: 1,
                    payer: owner_code.clone(),
                    user_type: TariUserType::NonDomestic,
                    tariff_class: Some("11".into()),
                    occupants: None,
                    address_text: None,
                    address_key: Some(address.clone()),
                    internal: Some(internal.as_str().into()),
                    unit_keys: vec![key.clone()],
                    declared_m2: m2,
                    period: ActivePeriod::new(date(2016, 1, 1)?, None)?,
                    details: None,
                });
            }
            // IMU: one F24 line per holding (main residences pay nothing but the line does
            // no harm), at twice a generous estimate of the due; 2 % underpaid.
            for (h, share) in &holders {
                let full = f64::from(m2) * 9.5 * 1.05 * 160.0 * 0.0114 * 2.0 * share.0 as f64
                    / share.1 as f64;
                f24.push(F24Payment {
                    payment_id: format!("P{u:08}{h}"),
                    payer: codes[*h].clone(),
                    payment_date: date(as_of_year, 6, 16)?,
                    tax_year: as_of_year,
                    belfiore: f205,
                    tax_code: "3918".into(),
                    amount_eur: if chance(u, 37, 20) { 1.0 } else { full },
                    instalment: Instalment::Unica,
                });
            }
            // IMU declarations: 2 % of the units.
            if chance(u, 38, 20) {
                declarations.push(ImuDeclaration {
                    declarant: owner_code.clone(),
                    ordinal: 1,
                    declaration_year: as_of_year,
                    tax_period: as_of_year - 1,
                    belfiore: f205,
                    surname_or_name: "ROSSI".into(),
                    given_name: None,
                    birth_date: None,
                    sex: None,
                    positions: vec![ImuPosition {
                        order: 1,
                        property_progressive: 1,
                        characteristic: ImuCharacteristic::from_code(3)?,
                        address_text: None,
                        cadastre: ImuCadastre::Urban,
                        property: Some(key.clone()),
                        category: Some(cat),
                        land_quality: None,
                        class: None,
                        registration_protocol: None,
                        registration_year: None,
                        taxable_base_eur: 0,
                        possession_percent: 100.0,
                        deduction_eur: 0.0,
                        assimilation: ImuAssimilation::None,
                        reduction: ImuReduction::from_code(if chance(u, 39, 100) { 2 } else { 0 })?,
                        exemption: ImuExemption::None,
                        acquisition: false,
                        transfer: false,
                        other_change: false,
                        change_date: None,
                        relief: None,
                    }],
                });
            }
            // Sales: 1.7 % of the units a year, 5 % of them at a low declared price.
            if chance(u, 40, 17) {
                let buyer = (mix(u, 41) % persons as u64) as usize;
                deeds.push(TransferDeed {
                    deed_id: format!("D{u:08}").into(),
                    deed_date: date(as_of_year, 1 + (u % 12) as u32, 10)?,
                    registration_date: date(as_of_year, 1 + (u % 12) as u32, 20)?,
                    deed_type: "compravendita".into(),
                    declared_price: Some(
                        f64::from(m2) * if chance(u, 42, 50) { 300.0 } else { 4500.0 },
                    ),
                    parties: vec![
                        DeedParty {
                            cf: owner_code.clone(),
                            role: PartyRole::Seller,
                            right: RightCode::parse("10")?,
                            share: Share::WHOLE,
                        },
                        DeedParty {
                            cf: codes[buyer].clone(),
                            role: PartyRole::Buyer,
                            right: RightCode::parse("10")?,
                            share: Share::WHOLE,
                        },
                    ],
                    units: vec![DeedProperty::Unit {
                        unit_key: key.clone(),
                        category: Some(cat),
                    }],
                });
            }
            u += 1;
        }
    }
    // Deaths: 1 % of the persons, some of them still holders.
    for i in (0..persons).filter(|&i| chance(i as u64, 43, 10)) {
        deaths.push(Death {
            person: codes[i].clone(),
            date: date(2020 + (i % 4) as i32, 3, 1)?,
        });
    }
    // Microzones: vertical strips over the grid; OMI zones one per microzone.
    let width = side as f64 * CELL;
    let strip = width / MICROZONES as f64;
    let microzones: Vec<Microzone> = (0..MICROZONES)
        .map(|z| Microzone {
            number: z as u32 + 1,
            geometry: square(z as f64 * strip, -10.0, strip, width + 20.0),
        })
        .collect();
    let omi_zones: Vec<OmiZone> = (0..MICROZONES)
        .map(|z| OmiZone {
            zone: format!("C{z}"),
            link_zona: format!("MI{z:08}"),
            band: "C".into(),
            microzone: z as u32 + 1,
        })
        .collect();
    let mut omi_values = Vec::new();
    for z in 0..MICROZONES {
        for (cod_tip, base) in [(20, 3000.0), (21, 2500.0), (5, 2000.0)] {
            omi_values.push(OmiQuotation {
                link_zona: format!("MI{z:08}"),
                cod_tip,
                state: "NORMALE".into(),
                compr_min: base + z as f64 * 150.0,
                compr_max: base + 1000.0 + z as f64 * 150.0,
                loc_min: Some(9.0),
                loc_max: Some(14.0),
            });
        }
    }
    let counts = Counts {
        parcels,
        units: units.len(),
        residents: residents.len(),
        tari: tari.len(),
        utilities: utilities.len(),
        holdings: holdings.len(),
    };
    data.land_parcels = Some(land);
    data.units = Some(units);
    data.subjects = Some(subjects);
    data.holdings = Some(holdings);
    data.map_parcels = Some(maps);
    data.footprints = Some(footprints);
    data.building_outlines = Some(outlines);
    data.surfaces = Some(surfaces);
    data.residents = Some(residents);
    data.tari = Some(tari);
    utilities.shrink_to_fit();
    data.utilities = Some(utilities);
    data.leases = Some(leases);
    data.imu_declarations = Some(declarations);
    data.f24 = Some(f24);
    data.streets = Some(streets);
    data.house_numbers = Some(house_numbers);
    data.microzones = Some(microzones);
    data.omi_zones = Some(omi_zones);
    data.omi_values = Some(omi_values);
    data.buildable_zones = Some(buildable);
    data.deaths = Some(deaths);
    data.deeds = Some(deeds);
    Ok((data, counts))
}
