//! Times a full run of the engine on a synthetic municipality: `cargo run --release -p
//! segit-correlate --example synthetic_run -- <units>` (default 100 000). Every unit gets a
//! holder, a resident, a TARI premises, an electricity contract, a surface and an F24 line;
//! ten units share a parcel with a footprint; parcels are spread over 16 microzones.

#![allow(
    clippy::print_stdout,
    clippy::many_single_char_names,
    clippy::too_many_lines
)]

use std::time::Instant;

use chrono::NaiveDate;
use geo_types::{MultiPolygon, polygon};
use segit_correlate::inputs::{Footprint, InputData, MapParcel, Microzone, OmiQuotation, OmiZone};
use segit_correlate::{Inputs, Params, Registry, RunOptions, run};
use segit_model::{
    ActivePeriod, AddressKey, Belfiore, Building, BuildingUse, CadastralSurface, Category, Deed,
    F24Payment, Foglio, HolderType, Holding, Instalment, LandQuality, Parcel, ParcelKey,
    ParcelState, Particella, PropertyId, PropertyKind, Relationship, Resident, ResidentAddress,
    ResidentDetails, RightCode, Share, Subject, SubjectDetails, SubjectKind, TariPosition,
    TariUserType, TaxId, Unit, UnitIdentifiers, UnitKey, UnitState, UseType, UtilityKind,
    UtilitySupply, Validity,
};

fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s), (x: x, y: y)],
    ])
}

/// Current resident set size in MiB (Linux), for the progress lines.
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(100_000), |s| s.parse())?;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).ok_or("bad date");
    let since = d(2010, 1, 1)?;
    let f205 = Belfiore::parse("F205")?;
    let cat = Category::parse("A02")?;
    let t = Instant::now();
    let parcels = n.div_ceil(10);
    let side = (parcels as f64).sqrt().ceil() as usize;
    let mut data = InputData {
        comune: Some(f205),
        ..InputData::default()
    };
    let (
        mut units,
        mut land,
        mut maps,
        mut foot,
        mut subjects,
        mut holdings,
        mut residents,
        mut tari,
        mut utilities,
        mut surfaces,
        mut f24,
    ) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for p in 0..parcels {
        let (x, y) = ((p % side) as f64 * 50.0, (p / side) as f64 * 50.0);
        let foglio = Foglio::new(1 + (p / 1000) as u16)?;
        let num = Particella::parse(&(1 + p % 1000).to_string())?;
        let pk = ParcelKey::parse(&format!("F205_{:04}00.{}", foglio.get(), num))?;
        maps.push(MapParcel {
            parcel_key: pk,
            geometry: square(x, y, 40.0),
            sup_area_m2: Some(1600.0),
        });
        foot.push(Footprint {
            building: Building {
                building_id: format!("B{p}"),
                height_m: None,
                floors: Some(4),
                use_class: BuildingUse::Residential,
                survey_date: None,
            },
            geometry: square(x + 5.0, y + 5.0, 20.0),
        });
        land.push(Parcel {
            property: PropertyId {
                belfiore: f205,
                section: None,
                id: 9_000_000 + p as u64,
                kind: PropertyKind::Land,
            },
            states: vec![ParcelState {
                progressive: 1,
                foglio,
                particella: num.clone(),
                subalterno: None,
                quality: Some(LandQuality::ENTE_URBANO),
                class: None,
                area_m2: 1600,
                dominicale_eur: None,
                agrario_eur: None,
                validity: Validity::open(since),
                generating_deed: Deed::default(),
                closing_deed: None,
                partita: Some("1".into()),
                notes: None,
                initial_mutation_id: None,
                final_mutation_id: None,
                deductions: vec![],
                reserves: vec![],
                portions: vec![],
            }],
        });
        for s in 0..10.min(n - p * 10) {
            let i = p * 10 + s;
            let key = UnitKey::new(
                f205,
                None,
                foglio,
                num.clone(),
                Some(segit_model::Subalterno::new(1 + s as u16)?),
            );
            let property = PropertyId {
                belfiore: f205,
                section: None,
                id: 1_000_000 + i as u64,
                kind: PropertyKind::Building,
            };
            units.push(Unit {
                property: property.clone(),
                states: vec![UnitState {
                    progressive: 1,
                    identifiers: UnitIdentifiers::single(key.clone()),
                    census_zone: Some("1".into()),
                    category: Some(cat),
                    surface_m2: Some(80),
                    rent_eur: Some(700.0 + (i % 300) as f64),
                    internal: Some(s.to_string().into()),
                    validity: Validity::open(since),
                    generating_deed: None,
                    closing_deed: None,
                    partita: None,
                    addresses: vec![],
                    details: None,
                }],
            });
            let letters: String = (0..6)
                .map(|k| char::from(b'A' + ((i / 26usize.pow(k)) % 26) as u8))
                .collect();
            let first15 = format!("{letters}85T10A562");
            let cf = TaxId::from_written(&format!(
                "{first15}{}",
                segit_model::ids::check_character(&first15)?
            ))?;
            subjects.push(Subject {
                belfiore: f205,
                id: i as u64,
                kind: SubjectKind::NaturalPerson,
                tax_code: Some(cf.clone()),
                details: SubjectDetails {
                    surname: "S".into(),
                    given_name: "N".into(),
                    ..SubjectDetails::default()
                }
                .boxed(),
            });
            holdings.push(Holding {
                belfiore: f205,
                holding_id: None,
                subject: subjects[i].subject_id(),
                property,
                right: RightCode::parse("10")?,
                share: Some(Share::WHOLE),
                validity: Validity::open(since),
                generating_deed: None,
                closing_deed: None,
                details: None,
            });
            let address = AddressKey::new(f205, 1 + (p % 500) as u32, 1 + (p / 500) as u32, None)?;
            residents.push(Resident {
                person: cf.clone(),
                household_id: format!("H{i}").into(),
                address: ResidentAddress {
                    key: address.clone(),
                    internal: Some(s.to_string().into()),
                },
                residence: Validity::open(since),
                unit_key: Some(key.clone()),
                details: ResidentDetails {
                    relationship: Relationship::Head,
                    ..ResidentDetails::default()
                }
                .boxed(),
            });
            tari.push(TariPosition {
                account_id: format!("T{i}").into(),
                premises_seq: 1,
                payer: cf.clone(),
                user_type: TariUserType::Domestic,
                tariff_class: None,
                occupants: Some(1),
                address_text: None,
                address_key: Some(address),
                internal: Some(s.to_string().into()),
                unit_keys: vec![key.clone()],
                declared_m2: if i % 50 == 0 { 40 } else { 70 },
                period: ActivePeriod::new(since, None)?,
                details: None,
            });
            utilities.push(UtilitySupply {
                utility: UtilityKind::Electricity,
                supply_point: format!("E{i}").into(),
                holder: Some(cf.clone()),
                holder_type: HolderType::Person,
                use_type: UseType::HouseholdResident,
                address_text: None,
                address_key: None,
                unit_key: Some(key.clone()),
                contract: ActivePeriod::new(since, None)?,
                year: 2025,
                billed_consumption: Some(1500.0),
                billed_amount: None,
            });
            surfaces.push(CadastralSurface {
                belfiore: f205,
                age_property_id: 1_000_000 + i as u64,
                unit_key: key,
                category: cat,
                total_m2: 85,
                excluding_uncovered_m2: 80,
                polygons: vec![],
                reference_date: None,
                source: "SUP".into(),
            });
            f24.push(F24Payment {
                payment_id: format!("P{i}"),
                payer: cf,
                payment_date: d(2025, 6, 16)?,
                tax_year: 2025,
                belfiore: f205,
                tax_code: "3918".into(),
                amount_eur: if i % 40 == 0 { 100.0 } else { 1100.0 },
                instalment: Instalment::Unica,
            });
        }
    }
    let zside = side as f64 * 50.0 / 4.0;
    let microzones: Vec<Microzone> = (0..16)
        .map(|z| Microzone {
            number: z + 1,
            geometry: square(f64::from(z % 4) * zside, f64::from(z / 4) * zside, zside),
        })
        .collect();
    let omi_zones: Vec<OmiZone> = (0..16)
        .map(|z| OmiZone {
            zone: format!("C{z}"),
            link_zona: format!("MI{z:08}"),
            band: "C".into(),
            microzone: z + 1,
        })
        .collect();
    let omi_values: Vec<OmiQuotation> = (0..16)
        .map(|z| OmiQuotation {
            link_zona: format!("MI{z:08}"),
            cod_tip: 20,
            state: "NORMALE".into(),
            compr_min: 2000.0 + f64::from(z) * 300.0,
            compr_max: 3000.0 + f64::from(z) * 300.0,
            loc_min: Some(8.0),
            loc_max: Some(12.0),
        })
        .collect();
    data.units = Some(units);
    data.land_parcels = Some(land);
    data.map_parcels = Some(maps);
    data.footprints = Some(foot);
    data.building_outlines = Some(vec![]);
    data.subjects = Some(subjects);
    data.holdings = Some(holdings);
    data.residents = Some(residents);
    data.tari = Some(tari);
    data.utilities = Some(utilities.into());
    data.surfaces = Some(surfaces);
    data.f24 = Some(f24);
    data.leases = Some(vec![]);
    data.imu_declarations = Some(vec![]);
    data.streets = Some(vec![]);
    data.house_numbers = Some(vec![]);
    data.microzones = Some(microzones);
    data.omi_zones = Some(omi_zones);
    data.omi_values = Some(omi_values);
    println!(
        "generated {n} units in {:?}, RSS {} MiB",
        t.elapsed(),
        rss_mib()
    );
    let t = Instant::now();
    let inputs = Inputs::new(data);
    println!("indexed in {:?}, RSS {} MiB", t.elapsed(), rss_mib());
    let options = RunOptions {
        as_of: d(2025, 12, 31)?,
        only: vec![],
    };
    let r = run(
        &Registry::standard(),
        &inputs,
        &Params::default(),
        &options,
        &mut |rep| println!("{:>4} {:>8} ms  {}", rep.rule_id, rep.millis, rep.status),
    );
    println!(
        "run {} in {} ms: {} anomalies",
        r.run_id,
        r.millis,
        r.anomalies.len()
    );
    Ok(())
}
