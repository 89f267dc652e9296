//! Real-estate units of the buildings cadastre: which units each building holds, their
//! classification (category, class, consistency, rent, surfaces) and their history of states.
//!
//! Rents follow the ordinary-unit rule (tariff of category, class and census zone × consistency)
//! with invented but plausible tariffs for a Lombard town; special units (group D) get a rent
//! proportional to their floor area, as a direct valuation would.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::dates::{add_years, between, in_year, ymd};
use crate::entities::{Building, BuildingKind, Category, Parcel, ParcelUse, Unit, UnitState};
use crate::geom::round2;
use crate::rng::Rng;

/// Tariff table: category, highest class, tariff of class 1 per consistency unit (euro).
const TARIFFS: [(Category, u8, f64); 11] = [
    (Category::new('A', 2), 6, 72.0),
    (Category::new('A', 3), 5, 54.0),
    (Category::new('A', 4), 4, 40.0),
    (Category::new('A', 7), 4, 92.0),
    (Category::new('A', 10), 4, 160.0),
    (Category::new('C', 1), 10, 7.5),
    (Category::new('C', 2), 6, 1.4),
    (Category::new('C', 3), 5, 2.8),
    (Category::new('C', 6), 8, 2.3),
    (Category::new('B', 4), 3, 0.45),
    (Category::new('B', 5), 3, 0.55),
];

/// Euro of rent per m² of floor area for special categories (direct valuation).
fn special_rent_per_m2(c: Category) -> Option<f64> {
    match (c.group, c.number) {
        ('D', 1) => Some(7.0),
        ('D', 7) => Some(8.5),
        ('D', 8) => Some(14.0),
        ('D', 2) => Some(16.0),
        ('E', _) => Some(2.5),
        _ => None,
    }
}

/// A unit to create in a building, before classification.
struct Spec {
    category: Category,
    floor: String,
    surface: f64,
    staircase: Option<String>,
    internal: Option<String>,
}

fn spec(category: Category, floor: &str, surface: f64) -> Spec {
    Spec {
        category,
        floor: floor.to_owned(),
        surface,
        staircase: None,
        internal: None,
    }
}

const A2: Category = Category::new('A', 2);
const A3: Category = Category::new('A', 3);
const A4: Category = Category::new('A', 4);
const A7: Category = Category::new('A', 7);
const A10: Category = Category::new('A', 10);
const C1: Category = Category::new('C', 1);
const C2: Category = Category::new('C', 2);
const C3: Category = Category::new('C', 3);
const C6: Category = Category::new('C', 6);
const F3: Category = Category::new('F', 3);

/// Floor label: `T` for the ground floor, else the number.
fn floor_label(f: u32) -> String {
    if f == 0 {
        "T".to_owned()
    } else {
        f.to_string()
    }
}

/// Flats of a multi-storey building: `per_floor` flats on floors `first..floors`.
fn flats(
    rng: &mut Rng,
    cat: &[Category],
    first: u32,
    floors: u32,
    per_floor: u32,
    gross: f64,
) -> Vec<Spec> {
    let mut out = Vec::new();
    for f in first..floors {
        for _ in 0..per_floor {
            let s = gross / f64::from(per_floor) * rng.range(0.85, 1.1);
            out.push(spec(*rng.pick(cat), &floor_label(f), s.clamp(35.0, 220.0)));
        }
    }
    out
}

/// The units of one building.
fn specs(rng: &mut Rng, b: &Building, zone: u8) -> Vec<Spec> {
    let fp = b.footprint_m2;
    let floors = b.floors.max(1);
    let net = fp * 0.82;
    let mut out = match b.kind {
        BuildingKind::House => {
            let cat = [A7, A7, A7, A2, A2, A3][rng.below(6) as usize];
            let mut v = vec![spec(cat, "T", (net * f64::from(floors)).clamp(60.0, 260.0))];
            if rng.chance(0.35) {
                v.push(spec(C6, "S1", rng.range(14.0, 28.0)));
            }
            v
        }
        BuildingKind::TwoFamily => {
            let mut v = Vec::new();
            for _ in 0..2 {
                let s = (net * f64::from(floors) / 2.0).clamp(50.0, 180.0);
                v.push(spec(*rng.pick(&[A2, A3, A3]), "T", s));
                if rng.chance(0.5) {
                    v.push(spec(C6, "T", rng.range(14.0, 24.0)));
                }
            }
            v
        }
        BuildingKind::Apartments => {
            let per_floor = ((fp / 160.0).round() as u32).clamp(2, 3);
            let shops = zone == 1 || rng.chance(0.25);
            let first = u32::from(shops);
            let mut v = flats(rng, &[A2, A2, A3], first, floors, per_floor, net);
            if shops {
                for _ in 0..rng.int(1, 2) {
                    v.push(spec(C1, "T", rng.range(35.0, 120.0)));
                }
            }
            let garages = (v.len() as f64 * rng.range(0.2, 0.5)).round() as usize;
            for _ in 0..garages {
                v.push(spec(C6, "S1", rng.range(13.0, 22.0)));
            }
            v
        }
        BuildingKind::UnderConstruction => {
            let per_floor = ((fp / 160.0).round() as u32).clamp(1, 3);
            let mut v = flats(rng, &[F3], 0, floors, per_floor, net);
            for s in &mut v {
                s.surface = 0.0;
            }
            v
        }
        BuildingKind::ShopHouse => {
            let shop = if rng.chance(0.15) { C3 } else { C1 };
            let mut v = vec![spec(
                shop,
                "T",
                (net * rng.range(0.7, 0.95)).clamp(25.0, 200.0),
            )];
            let per_floor = if fp > 130.0 { 2 } else { 1 };
            v.extend(flats(rng, &[A3, A4, A2], 1, floors, per_floor, net));
            v
        }
        BuildingKind::CourtyardHouse => {
            let per_floor = ((fp / 75.0).round() as u32).clamp(2, 8);
            let mut v = flats(rng, &[A4, A3, A4], 0, floors, per_floor, net);
            for _ in 0..rng.int(0, 3) {
                v.push(spec(C2, "T", rng.range(6.0, 20.0)));
            }
            for _ in 0..rng.int(1, 4) {
                v.push(spec(C6, "T", rng.range(14.0, 22.0)));
            }
            v
        }
        BuildingKind::Offices => {
            let per_floor = ((fp / 220.0).round() as u32).clamp(1, 3);
            let mut v = flats(rng, &[A10], 0, floors, per_floor, net);
            for _ in 0..rng.int(1, 3) {
                v.push(spec(C6, "S1", rng.range(13.0, 20.0)));
            }
            v
        }
        BuildingKind::Factory => {
            let mut v = vec![spec(
                *rng.pick(&[Category::new('D', 1), Category::new('D', 7)]),
                "T",
                fp * f64::from(floors),
            )];
            if rng.chance(0.25) {
                v.push(spec(A3, "1", rng.range(60.0, 100.0)));
            }
            v
        }
        BuildingKind::Store => vec![spec(Category::new('D', 8), "T", fp * f64::from(floors))],
        BuildingKind::Hotel => vec![spec(Category::new('D', 2), "T", fp * f64::from(floors))],
        BuildingKind::Church => vec![spec(Category::new('E', 7), "T", fp)],
        BuildingKind::TownHall => vec![spec(Category::new('B', 4), "T", fp * f64::from(floors))],
        BuildingKind::School => vec![spec(Category::new('B', 5), "T", fp * f64::from(floors))],
        BuildingKind::Derelict => vec![spec(Category::new('F', 2), "T", 0.0)],
        BuildingKind::Accessory => match rng.weighted(&[0.6, 0.3, 0.1]) {
            0 => vec![spec(C6, "T", (fp * 0.9).clamp(10.0, 40.0))],
            1 => vec![spec(C2, "T", (fp * 0.9).clamp(5.0, 40.0))],
            // an outbuilding never declared to the cadastre
            _ => Vec::new(),
        },
        BuildingKind::Rural => Vec::new(),
    };
    let flats_total = out.iter().filter(|s| s.category.group == 'A').count();
    let mut internal = 0;
    for s in &mut out {
        if s.category.group == 'A' && flats_total > 1 {
            internal += 1;
            s.internal = Some(internal.to_string());
            if flats_total > 10 {
                s.staircase = Some(
                    if internal * 2 <= flats_total {
                        "A"
                    } else {
                        "B"
                    }
                    .to_owned(),
                );
            }
        }
    }
    out
}

/// Class, consistency, rent and surfaces of a unit of `category` with gross `surface`.
type Classified = (
    Option<u8>,
    Option<f64>,
    Option<f64>,
    Option<u32>,
    Option<u32>,
);

fn classify(rng: &mut Rng, category: Category, surface: f64, zone: u8, year: i32) -> Classified {
    let zone_factor = if zone == 1 { 1.15 } else { 1.0 };
    if let Some(&(_, max_class, base)) = TARIFFS.iter().find(|t| t.0 == category) {
        let age_class = 1 + (year - 1900).max(0) / 25 + rng.int(-1, 1) as i32;
        let class = age_class.clamp(1, i32::from(max_class)) as u8;
        let consistency = match category.group {
            'A' => {
                let per_room = if category.number == 10 { 20.0 } else { 17.0 };
                ((surface / per_room) * 2.0).round().max(3.0) / 2.0
            }
            'B' => (surface * 3.4).round(),
            _ => surface.round().max(1.0),
        };
        let tariff = base * 1.18_f64.powi(i32::from(class) - 1) * zone_factor;
        let rent = round2(tariff * consistency);
        let total = surface.round().max(1.0) as u32;
        let excl = if category.group == 'A' {
            ((surface * rng.range(0.9, 1.0)).round() as u32).max(1)
        } else {
            total
        };
        (
            Some(class),
            Some(consistency),
            Some(rent),
            Some(total),
            Some(excl),
        )
    } else if let Some(per_m2) = special_rent_per_m2(category) {
        let rent = round2(surface * per_m2 * rng.range(0.85, 1.15) * zone_factor);
        (None, None, Some(rent), None, None)
    } else {
        (None, None, None, None, None)
    }
}

/// A state from a classification.
fn state(
    progressive: u32,
    category: Category,
    c: Classified,
    from: chrono::NaiveDate,
    cause: &'static str,
) -> UnitState {
    UnitState {
        progressive,
        category,
        class: c.0,
        consistency: c.1,
        rent: c.2,
        surface_m2: c.3,
        surface_excl_m2: c.4,
        valid_from: from,
        valid_to: None,
        cause,
    }
}

/// The history of states of one unit.
fn history(rng: &mut Rng, s: &Spec, zone: u8, year: i32) -> Vec<UnitState> {
    let mechanised = ymd(1987, 6, 30);
    let built = in_year(rng, year);
    let (first_from, first_cause) = if built < mechanised {
        (mechanised, "IMPIANTO MECCANOGRAFICO")
    } else {
        (built, "COSTITUZIONE")
    };
    let mut states = Vec::new();
    // A recent block first registered as under construction, then completed.
    if s.category.group == 'A' && year >= 2012 && rng.chance(0.6) {
        let start = add_years(built, -2);
        states.push(state(
            1,
            F3,
            (None, None, None, None, None),
            start,
            "COSTITUZIONE",
        ));
        if let Some(under_construction) = states.last_mut() {
            under_construction.valid_to = Some(built);
        }
        let c = classify(rng, s.category, s.surface, zone, year);
        states.push(state(
            2,
            s.category,
            c,
            built,
            "ULTIMAZIONE DI FABBRICATO URBANO",
        ));
    } else {
        let c = classify(rng, s.category, s.surface, zone, year);
        states.push(state(1, s.category, c, first_from, first_cause));
    }
    let ordinary = matches!(s.category.group, 'A' | 'C');
    let last_change = ymd(2025, 6, 30);
    let mut changes = if !ordinary {
        0
    } else if rng.chance(0.22) {
        if rng.chance(0.3) { 2 } else { 1 }
    } else {
        0
    };
    while changes > 0 {
        changes -= 1;
        let Some(prev) = states.last().cloned() else {
            break;
        };
        let earliest = add_years(prev.valid_from, 3);
        if earliest >= last_change {
            break;
        }
        let from = between(rng, earliest, last_change);
        let mut category = prev.category;
        let cause = if category == A4 && rng.chance(0.4) {
            category = A3;
            "VARIAZIONE NEL CLASSAMENTO"
        } else if rng.chance(0.5) {
            "DIVERSA DISTRIBUZIONE DEGLI SPAZI INTERNI"
        } else {
            "RISTRUTTURAZIONE"
        };
        let surface = f64::from(prev.surface_m2.unwrap_or(0)) * rng.range(0.95, 1.12);
        let c = classify(rng, category, surface, zone, from.year());
        if let Some(last) = states.last_mut() {
            last.valid_to = Some(from);
        }
        let next = prev.progressive + 1;
        states.push(state(next, category, c, from, cause));
    }
    states
}

/// Creates the units of every building and of bare urban lots.
pub fn generate(
    rng: &mut Rng,
    belfiore: &str,
    parcels: &[Parcel],
    buildings: &[Building],
    parcel_address: &[Option<String>],
) -> Vec<Unit> {
    let index: BTreeMap<&str, usize> = parcels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.as_str(), i))
        .collect();
    let mut next_sub: Vec<u32> = vec![0; parcels.len()];
    let mut units = Vec::new();
    let mut property_id = 1_000_000u64;
    let mut push = |units: &mut Vec<Unit>,
                    p: usize,
                    building: Option<usize>,
                    s: &Spec,
                    states: Vec<UnitState>,
                    address: Option<String>| {
        next_sub[p] += 1;
        property_id += 1;
        let parcel = &parcels[p];
        units.push(Unit {
            key: format!(
                "{belfiore}//{}/{}/{}",
                parcel.foglio, parcel.particella, next_sub[p]
            ),
            property_id,
            foglio: parcel.foglio,
            particella: parcel.particella.clone(),
            subalterno: next_sub[p],
            parcel_key: parcel.key.clone(),
            parcel: p,
            building,
            address_key: address,
            staircase: s.staircase.clone(),
            floor: s.floor.clone(),
            internal: s.internal.clone(),
            states,
        });
    };
    for (bi, b) in buildings.iter().enumerate() {
        let Some(&p) = index.get(b.parcel_key.as_str()) else {
            continue;
        };
        let zone = parcels[p].census_zone;
        let address = b.address_key.clone().or_else(|| parcel_address[p].clone());
        for s in specs(rng, b, zone) {
            let states = match s.category.group {
                'F' => {
                    let from = if s.category == F3 {
                        in_year(rng, b.year_built)
                    } else {
                        ymd(1987, 6, 30)
                    };
                    let from = if s.category.number == 2 {
                        between(rng, ymd(1995, 1, 1), ymd(2022, 12, 31))
                    } else {
                        from
                    };
                    vec![state(
                        1,
                        s.category,
                        (None, None, None, None, None),
                        from,
                        if s.category.number == 2 {
                            "VARIAZIONE PER COLLABENZA"
                        } else {
                            "COSTITUZIONE"
                        },
                    )]
                }
                _ => history(rng, &s, zone, b.year_built),
            };
            push(&mut units, p, Some(bi), &s, states, address.clone());
        }
    }
    for (p, parcel) in parcels.iter().enumerate() {
        if parcel.usage == ParcelUse::Vacant && rng.chance(0.6) {
            let s = spec(Category::new('F', 1), "T", 0.0);
            let from = between(rng, ymd(1998, 1, 1), ymd(2023, 12, 31));
            let states = vec![state(
                1,
                s.category,
                (None, None, None, None, None),
                from,
                "DEMOLIZIONE TOTALE",
            )];
            push(&mut units, p, None, &s, states, parcel_address[p].clone());
        }
    }
    units
}
