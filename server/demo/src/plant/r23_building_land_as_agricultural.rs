//! R23 — building land taxed as agricultural land, or not taxed (L. 160/2019 c. 741 lett. d,
//! c. 746, c. 777).
//!
//! Catalogue: an agricultural TER parcel inside a buildable zone of the zoning plan (PGT), with
//! no building on it, whose holders paid nothing under the building-land code 3916 for Y — they
//! paid as agricultural land (3914) or nothing. One anomaly per parcel.
//!
//! The generator models neither land holdings nor the zoning plan: the planting gives a few
//! unbuilt agricultural parcels holders of their own (persons holding nothing else, in equal
//! shares, written in `.SOG` and as land holdings, kind `T`, in `.TIT`) and writes
//! `pgt/buildable_zones.geojson` (a project convention: one zone per zoned parcel, its bounding
//! box plus [`MARGIN_M`], longitude/latitude). Each parcel has as many co-holders as keep each
//! one's agricultural IMU (reddito dominicale × 1.25 × 135 × 0.76 % × share) under €11, below
//! the €12 under which R18 flags no holder:
//! - two **cases**: nothing paid, in a zone with a reference value; paid as agricultural land
//!   (3914), in a zone without a reference value (the gap is then unknown, the case is not);
//! - **near misses**: a holder who paid as building land (3916); a parcel outside every zone;
//!   a parcel in a zone with a building on it (when the municipality has an agricultural parcel
//!   with a building on it).
//!
//! [`record`] classifies every planted land holding from the final municipality: the zones as
//! planted, the units and buildings on the parcel, the planted F24 lines of the holder.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use geo_types::{Coord, Polygon, Rect};

use super::facts::Facts;
use super::{Expected, Planter, Planting, Recording};
use crate::Municipality;
use crate::entities::{ParcelUse, SubjectRef};

/// Planting of R23.
pub(crate) const PLANTING: Planting = Planting { rule: "R23", plant };

/// Recording of every R23 case of the final municipality.
pub(crate) const RECORD: Recording = Recording {
    rule: "R23",
    record,
};

/// The buildable zones file (project convention).
pub(crate) const ZONES: &str = "pgt/buildable_zones.geojson";

/// The F24 payments file the planted payments are appended to.
const F24: &str = "imu/f24_imu.csv";

/// Metres added around a parcel's bounding box to make its zone.
pub const MARGIN_M: f64 = 2.0;

/// Agricultural IMU per euro of reddito dominicale: × 1.25 × 135 × 0.76 % (fiscal-rules.md).
const LAND_TAX_PER_RD_EUR: f64 = 1.25 * 135.0 * 0.0076;

/// Largest agricultural IMU of one holder: below the €12 under which R18 flags nobody.
const MAX_HOLDER_DUE_EUR: f64 = 11.0;

/// Most co-holders of a chosen parcel.
const MAX_HOLDERS: u32 = 6;

/// Distance kept between a chosen parcel and the others' zones.
const SPACING_M: f64 = 50.0;

/// First holding id of the planted land holdings (no generated holding has it).
const FIRST_HOLDING_ID: u64 = 99_400_001;

/// A land holding planted for R23: a person owning a share of a TER parcel (right `10`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandHolding {
    /// holding id (identificativo titolarità)
    pub id: u64,
    /// index of the holder in [`Municipality::persons`]
    pub person: usize,
    /// index of the parcel in [`Municipality::parcels`]
    pub parcel: usize,
    /// share numerator
    pub share_num: u32,
    /// share denominator
    pub share_den: u32,
    /// first day of the holding
    pub valid_from: NaiveDate,
}

/// A buildable zone planted for R23: the bounding box of a parcel plus [`MARGIN_M`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildableZone {
    /// zone id of the plan
    pub zone_id: String,
    /// index of the parcel the zone is drawn around
    pub parcel: usize,
    /// the c. 777 reference value in €/m², when deliberated
    pub reference_value_eur_per_m2: Option<u32>,
}

/// The zone's outline in the municipality's CRS.
pub fn zone_rect(town: &Municipality, z: &BuildableZone) -> Option<Rect<f64>> {
    let r = bounds(&town.parcels.get(z.parcel)?.geometry)?;
    Some(grow(r, MARGIN_M))
}

/// Bounding box of a polygon's exterior.
fn bounds(p: &Polygon<f64>) -> Option<Rect<f64>> {
    let mut pts = p.exterior().0.iter();
    let first = *pts.next()?;
    let (lo, hi) = pts.fold((first, first), |(lo, hi), c| {
        (
            Coord {
                x: lo.x.min(c.x),
                y: lo.y.min(c.y),
            },
            Coord {
                x: hi.x.max(c.x),
                y: hi.y.max(c.y),
            },
        )
    });
    Some(Rect::new(lo, hi))
}

/// Whether two boxes share a point.
fn overlaps(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// Whether box `outer` contains box `inner`.
fn encloses(outer: Rect<f64>, inner: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x
        && outer.min().y <= inner.min().y
        && inner.max().x <= outer.max().x
        && inner.max().y <= outer.max().y
}

fn grow(r: Rect<f64>, m: f64) -> Rect<f64> {
    Rect::new(
        Coord {
            x: r.min().x - m,
            y: r.min().y - m,
        },
        Coord {
            x: r.max().x + m,
            y: r.max().y + m,
        },
    )
}

/// What the choice of parcels reads of the whole municipality, indexed once: parcel keys by
/// number of parcels, the parcels with a unit or a building, the footprints' boxes.
struct Sites {
    /// parcels per parcel key
    key_count: HashMap<String, usize>,
    /// parcel indexes of the units
    unit_parcels: HashSet<usize>,
    /// parcel keys of the units and of the buildings
    built_keys: HashSet<String>,
    /// parcel keys of the buildings
    building_keys: HashSet<String>,
    /// bounding boxes of the building footprints
    footprints: Vec<Rect<f64>>,
    /// footprints by the [`CELL_M`] grid cells their boxes touch
    cells: HashMap<(i64, i64), Vec<usize>>,
}

/// Side of the grid cells the footprints are indexed by.
const CELL_M: f64 = 100.0;

/// The grid cells a box touches.
fn cells_of(r: Rect<f64>) -> impl Iterator<Item = (i64, i64)> {
    let cell = |v: f64| (v / CELL_M).floor() as i64;
    let (x0, x1, y0, y1) = (
        cell(r.min().x),
        cell(r.max().x),
        cell(r.min().y),
        cell(r.max().y),
    );
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

impl Sites {
    fn new(town: &Municipality) -> Self {
        let mut key_count: HashMap<String, usize> = HashMap::new();
        for q in &town.parcels {
            *key_count.entry(q.key.clone()).or_default() += 1;
        }
        let unit_parcels = town.units.iter().map(|u| u.parcel).collect();
        let building_keys: HashSet<String> = town
            .buildings
            .iter()
            .map(|b| b.parcel_key.clone())
            .collect();
        let built_keys = town
            .units
            .iter()
            .map(|u| u.parcel_key.clone())
            .chain(building_keys.iter().cloned())
            .collect();
        let footprints: Vec<Rect<f64>> = town
            .buildings
            .iter()
            .filter_map(|b| bounds(&b.footprint))
            .collect();
        let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, f) in footprints.iter().enumerate() {
            for c in cells_of(*f) {
                cells.entry(c).or_default().push(i);
            }
        }
        Self {
            key_count,
            unit_parcels,
            built_keys,
            building_keys,
            footprints,
            cells,
        }
    }

    /// Whether parcel `i` has a unit or a building on it.
    fn built(&self, town: &Municipality, i: usize) -> bool {
        self.unit_parcels.contains(&i) || self.built_keys.contains(&town.parcels[i].key)
    }

    /// Whether some building's footprint touches `r`.
    fn footprint_near(&self, r: Rect<f64>) -> bool {
        cells_of(r).any(|c| {
            self.cells
                .get(&c)
                .is_some_and(|v| v.iter().any(|&i| overlaps(self.footprints[i], r)))
        })
    }
}

/// Co-holders (equal shares) that keep each one's agricultural IMU on parcel `i` under
/// [`MAX_HOLDER_DUE_EUR`], when at most [`MAX_HOLDERS`].
fn holders_needed(town: &Municipality, i: usize) -> Option<u32> {
    let rd = town.parcels[i].reddito_dominicale.filter(|r| *r > 0.0)?;
    let n = (rd * LAND_TAX_PER_RD_EUR / MAX_HOLDER_DUE_EUR)
        .ceil()
        .max(1.0);
    (n <= f64::from(MAX_HOLDERS)).then_some(n as u32)
}

/// Agricultural parcels (of the land cadastre's qualities, no special account, the only parcel
/// of their key) whose holders can stay under R18's threshold.
fn agricultural(town: &Municipality, sites: &Sites, i: usize) -> bool {
    let p = &town.parcels[i];
    p.usage == ParcelUse::Agricultural
        && p.class.is_some()
        && p.special_account.is_none()
        && (1..=250).contains(&p.quality)
        && holders_needed(town, i).is_some()
        && sites.key_count.get(&p.key) == Some(&1)
}

/// Persons holding nothing, with a code of their own and a plain-ASCII name, after the first
/// person holder (whose code the subject file corrupts), from the last.
pub(crate) fn free_persons(town: &Municipality) -> Vec<usize> {
    let mut cf_count: HashMap<&str, usize> = HashMap::new();
    for q in &town.persons {
        *cf_count.entry(q.cf.as_str()).or_default() += 1;
    }
    let holders: std::collections::BTreeSet<usize> = town
        .holdings
        .iter()
        .filter_map(|h| match h.subject {
            SubjectRef::Person(p) => Some(p),
            SubjectRef::Entity(_) => None,
        })
        .collect();
    let first = holders.iter().next().copied().unwrap_or(usize::MAX);
    (0..town.persons.len())
        .rev()
        .filter(|&i| i > first && !holders.contains(&i))
        .filter(|&i| {
            let p = &town.persons[i];
            p.surname.is_ascii() && p.name.is_ascii() && cf_count.get(p.cf.as_str()) == Some(&1)
        })
        .collect()
}

fn plant(town: &mut Municipality, p: &mut Planter) {
    let year = town.tax_year;
    let mut persons = free_persons(town).into_iter();
    let sites = Sites::new(town);
    // unbuilt parcels with no footprint in their zone, far from each other
    let mut chosen: Vec<(usize, Rect<f64>)> = Vec::new();
    // a parcel left out of TER (Q03) has no land record to be taxed on
    let mut order: Vec<usize> = (0..town.parcels.len())
        .filter(|&i| agricultural(town, &sites, i) && !p.planted.ter_omitted.contains(&i))
        .collect();
    // a seeded rotation: which parcels are chosen depends on the seed, not on the scale alone
    if !order.is_empty() {
        let start = (p.rng.next_u64() % order.len() as u64) as usize;
        order.rotate_left(start);
    }
    for i in order.iter().copied() {
        if chosen.len() == 4 {
            break;
        }
        let Some(r) = bounds(&town.parcels[i].geometry) else {
            continue;
        };
        let near = grow(r, SPACING_M);
        if sites.built(town, i)
            || sites.footprint_near(grow(r, MARGIN_M))
            || chosen.iter().any(|(_, c)| overlaps(*c, near))
        {
            continue;
        }
        chosen.push((i, r));
    }
    // an agricultural parcel with a building on it, far from the others
    let with_building = (0..town.parcels.len()).find(|&i| {
        let q = &town.parcels[i];
        agricultural(town, &sites, i)
            && !p.planted.ter_omitted.contains(&i)
            && sites.building_keys.contains(&q.key)
            && bounds(&q.geometry).is_some_and(|r| {
                let near = grow(r, SPACING_M);
                chosen.iter().all(|(_, c)| !overlaps(*c, near))
            })
    });
    let zoned: [(bool, Option<u32>, Option<&str>); 4] = [
        (true, Some(85), None),
        (true, None, Some("3914")),
        (true, Some(85), Some("3916")),
        (false, None, None),
    ];
    let mut k = 0u64;
    let mut holding = 0u64;
    let mut payments = p.extra_lines(F24) as u64;
    let mut plant_one = |town: &Municipality,
                         p: &mut Planter,
                         parcel: usize,
                         zone: Option<Option<u32>>,
                         code: Option<&str>|
     -> bool {
        let Some(n) = holders_needed(town, parcel) else {
            return true;
        };
        let holders: Vec<usize> = persons.by_ref().take(n as usize).collect();
        if holders.len() < n as usize {
            return false;
        }
        for &person in &holders {
            p.planted.land_holdings.push(LandHolding {
                id: FIRST_HOLDING_ID + holding,
                person,
                parcel,
                share_num: 1,
                share_den: n,
                valid_from: crate::dates::ymd(2012, 3, 1),
            });
            holding += 1;
        }
        let person = holders[0];
        if let Some(reference) = zone {
            p.planted.buildable_zones.push(BuildableZone {
                zone_id: format!("ATR-{:02}", k + 1),
                parcel,
                reference_value_eur_per_m2: reference,
            });
        }
        if let Some(code) = code {
            payments += 1;
            let cents: u64 = if code == "3916" { 41_250 } else { 600 };
            p.extra_line(
                F24,
                format!(
                    "F24-{year}-8{payments:06};{};{year}-06-16;{year};{};{code};{}.{:02};unica",
                    town.persons[person].cf,
                    town.belfiore,
                    cents / 100,
                    cents % 100
                ),
            );
        }
        k += 1;
        true
    };
    for ((parcel, _), (in_zone, reference, code)) in chosen.iter().zip(zoned) {
        if !plant_one(town, p, *parcel, in_zone.then_some(reference), code) {
            return;
        }
    }
    if let Some(parcel) = with_building {
        plant_one(town, p, parcel, Some(Some(85)), None);
    }
}

fn record(town: &Municipality, _: &Facts, p: &mut Planter) {
    let zones: Vec<Rect<f64>> = p
        .planted
        .buildable_zones
        .iter()
        .filter_map(|z| zone_rect(town, z))
        .collect();
    let paid_as_building_land: Vec<String> = p
        .planted_lines(F24)
        .iter()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            let paid = f.get(5) == Some(&"3916") && f.get(6).is_some_and(|a| *a != "0.00");
            paid.then(|| f.get(1).map(|s| (*s).to_owned())).flatten()
        })
        .collect();
    let sites = Sites::new(town);
    let mut parcels: Vec<usize> = p.planted.land_holdings.iter().map(|h| h.parcel).collect();
    parcels.dedup();
    let mut out = Vec::new();
    for i in parcels {
        let parcel = &town.parcels[i];
        let cfs: Vec<&str> = p
            .planted
            .land_holdings
            .iter()
            .filter(|h| h.parcel == i)
            .map(|h| town.persons[h.person].cf.as_str())
            .collect();
        // a zone encloses its parcel whole (so its point on surface), and every other planted
        // parcel lies [`SPACING_M`] away from it
        let Some(outline) = bounds(&parcel.geometry) else {
            continue;
        };
        let in_zone = zones.iter().any(|z| encloses(*z, outline));
        let with_building = sites.built(town, i);
        let paid = paid_as_building_land
            .iter()
            .any(|c| cfs.contains(&c.as_str()));
        let note = format!(
            "agricultural parcel held by {}: {}, {}, {}",
            cfs.join(", "),
            if in_zone {
                "in a buildable zone"
            } else {
                "outside every buildable zone"
            },
            if with_building {
                "with a building"
            } else {
                "no building"
            },
            if paid {
                "paid as building land (3916)"
            } else {
                "not paid as building land"
            }
        );
        out.push((
            in_zone && !with_building && !paid,
            Expected::parcel(&parcel.key, note),
        ));
    }
    for (case, e) in out {
        if case {
            p.report(e);
        } else {
            p.near_miss(e);
        }
    }
}

/// Writes the planted buildable zones as `pgt/buildable_zones.geojson` (RFC 7946: one
/// `Polygon` feature per zone, longitude/latitude; properties `zone_id`, `name` and, when
/// deliberated, `reference_value_eur_per_m2`). Nothing is written without zones.
pub(crate) fn write_zones(cx: &mut crate::supply::Ctx) -> std::io::Result<()> {
    use segit_query::{Crs, Transformer};
    let town = cx.town;
    let zones = &town.planted.buildable_zones;
    if zones.is_empty() {
        return Ok(());
    }
    let t =
        Transformer::new(town.crs, Crs::Crs84).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut out = cx.normalised(ZONES)?;
    out.line(r#"{"type":"FeatureCollection","features":["#);
    for (n, z) in zones.iter().enumerate() {
        let Some(r) = zone_rect(town, z) else {
            return Err(std::io::Error::other(format!(
                "buildable zone {} drawn around a parcel without outline",
                z.zone_id
            )));
        };
        let (lo, hi) = (r.min(), r.max());
        let mut ring = Vec::new();
        // exterior ring counter-clockwise, closed
        for (x, y) in [
            (lo.x, lo.y),
            (hi.x, lo.y),
            (hi.x, hi.y),
            (lo.x, hi.y),
            (lo.x, lo.y),
        ] {
            let (lon, lat) = t
                .transform_coord(x, y)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            ring.push(format!("[{lon:.7},{lat:.7}]"));
        }
        let reference = z
            .reference_value_eur_per_m2
            .map(|v| format!(r#","reference_value_eur_per_m2":{v}"#))
            .unwrap_or_default();
        out.line(&format!(
            r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[{}]]}},"properties":{{"zone_id":"{}","name":"Ambito di trasformazione {}"{reference}}}}}{}"#,
            ring.join(","),
            z.zone_id,
            n + 1,
            if n + 1 < zones.len() { "," } else { "" }
        ));
    }
    out.line("]}");
    let n = zones.len() as u64;
    cx.rec.expect("buildable_zones", n);
    cx.save(out, "buildable-zones", &[("features", n)], n)
}
