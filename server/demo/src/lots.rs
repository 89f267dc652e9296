//! Composition of parcel rows: which building typologies line a street (depending on the
//! distance from the town centre), how wide their street frontage is, and where the boundaries
//! between neighbouring parcels fall.

use crate::entities::BuildingKind;
use crate::rng::Rng;

/// Kind of a parcel in a row: a building typology, or `None` for a bare lot.
pub type Lot = Option<BuildingKind>;

/// Division points of a row: street side and back side, both from 0 to `len`, with the back
/// points shifted so that neighbours' boundaries are slanted.
pub fn divisions(rng: &mut Rng, len: f64, lots: &[Lot]) -> (Vec<f64>, Vec<f64>) {
    let widths: Vec<f64> = lots.iter().map(|l| frontage(rng, *l)).collect();
    let total: f64 = widths.iter().sum();
    let mut f = vec![0.0];
    for w in &widths {
        f.push(f.last().copied().unwrap_or(0.0) + w * len / total);
    }
    let k = lots.len();
    f[k] = len;
    let mut bk = f.clone();
    for i in 1..k {
        let lo = bk[i - 1] + 6.0;
        let hi = f[i + 1] - 6.0;
        bk[i] = (f[i] + rng.range(-3.0, 3.0)).clamp(lo.min(hi), hi.max(lo));
    }
    (f, bk)
}

/// Typical street frontage of a lot.
fn frontage(rng: &mut Rng, lot: Lot) -> f64 {
    match lot {
        None => rng.range(12.0, 20.0),
        Some(BuildingKind::House | BuildingKind::Derelict) => rng.range(16.0, 24.0),
        Some(BuildingKind::TwoFamily) => rng.range(15.0, 20.0),
        Some(BuildingKind::Apartments | BuildingKind::UnderConstruction) => rng.range(26.0, 38.0),
        Some(BuildingKind::ShopHouse) => rng.range(9.0, 14.0),
        Some(BuildingKind::Store) => rng.range(40.0, 60.0),
        Some(_) => rng.range(26.0, 36.0),
    }
}

/// Fills a row of length `len` with lots whose typologies depend on the distance from the centre.
pub fn lots(rng: &mut Rng, len: f64, r: f64) -> Vec<Lot> {
    use BuildingKind as K;
    const KINDS: [Lot; 10] = [
        Some(K::House),
        Some(K::TwoFamily),
        Some(K::Apartments),
        Some(K::ShopHouse),
        Some(K::Offices),
        Some(K::Store),
        Some(K::Hotel),
        Some(K::Derelict),
        Some(K::UnderConstruction),
        None,
    ];
    let w: [f64; 10] = if r < 0.35 {
        [0.17, 0.16, 0.18, 0.36, 0.04, 0.0, 0.01, 0.04, 0.01, 0.03]
    } else if r < 0.7 {
        [0.50, 0.22, 0.11, 0.04, 0.02, 0.02, 0.0, 0.02, 0.02, 0.05]
    } else {
        [0.57, 0.20, 0.06, 0.0, 0.01, 0.04, 0.0, 0.02, 0.03, 0.07]
    };
    let mut out = Vec::new();
    let mut used = 0.0;
    loop {
        let lot = KINDS[rng.weighted(&w)];
        // Expected frontage, so that the row is filled with whole lots.
        let typical = match lot {
            None => 16.0,
            Some(K::ShopHouse) => 11.5,
            Some(K::TwoFamily) => 17.5,
            Some(K::House | K::Derelict) => 20.0,
            Some(K::Store) => 50.0,
            Some(_) => 31.0,
        };
        if used + typical > len + typical * 0.4 && !out.is_empty() {
            break;
        }
        used += typical;
        out.push(lot);
    }
    out
}

/// The civic row of the central block: church, town hall and school.
pub const CIVIC_LOTS: [Lot; 3] = [
    Some(BuildingKind::Church),
    Some(BuildingKind::TownHall),
    Some(BuildingKind::School),
];

/// Deep lots of an industrial or agricultural block.
pub fn wide_lots(rng: &mut Rng, len: f64, min: f64, max: f64, kind: Lot) -> Vec<Lot> {
    let n = (len / rng.range(min, max)).round().max(1.0) as usize;
    (0..n)
        .map(|_| {
            if kind == Some(BuildingKind::Factory) && rng.chance(0.2) {
                Some(BuildingKind::Store)
            } else {
                kind
            }
        })
        .collect()
}
