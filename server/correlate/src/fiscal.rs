//! The fiscal formulas of fiscal-rules.md, free of any join: the month rule of c. 761, IMU
//! bases (c. 745: rent × 1.05 × multiplier; land: reddito dominicale × 1.25 × 135), the tax of
//! one holding, the luxury main-residence deduction (c. 749), the TARI surfaces and parts
//! (c. 646, DPR 158/1999) and the c. 335 microzone ratios (§4.2).

use chrono::{Datelike, NaiveDate};
use segit_model::Category;

use crate::params::{ImuParams, TariParams};

/// Days of month `month` (1–12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 30,
    }
}

/// The months of `year` that count for a period `[start, end)` (end excluded, `None` open),
/// as a 12-bit mask (bit 0 = January). A month counts when the period covers more than half
/// of its days; exactly half counts only when the period starts in that month (the buyer's
/// month, c. 761 and the project convention of fiscal-rules.md §1.6).
pub fn month_mask(start: NaiveDate, end: Option<NaiveDate>, year: i32) -> u16 {
    let mut mask = 0u16;
    for m in 1..=12u32 {
        let Some(first) = NaiveDate::from_ymd_opt(year, m, 1) else {
            continue;
        };
        let len = days_in_month(year, m);
        let Some(last_excl) = first.checked_add_days(chrono::Days::new(u64::from(len))) else {
            continue;
        };
        let lo = start.max(first);
        let hi = end.map_or(last_excl, |e| e.min(last_excl));
        if hi <= lo {
            continue;
        }
        let days = (hi - lo).num_days() as u32;
        let counts = 2 * days > len
            || (2 * days == len && start.year() == year && start.month() == m && start >= first);
        if counts {
            mask |= 1 << (m - 1);
        }
    }
    mask
}

/// Number of months of `year` that count for `[start, end)` (see [`month_mask`]).
pub fn months_of_possession(start: NaiveDate, end: Option<NaiveDate>, year: i32) -> u32 {
    month_mask(start, end, year).count_ones()
}

/// IMU base of a building: rent on 1 January × revaluation (1.05) × multiplier (c. 745).
/// `None` for categories without a multiplier (groups E, F).
pub fn imu_building_base(rent_eur: f64, category: Category, imu: &ImuParams) -> Option<f64> {
    imu.multiplier(category)
        .map(|m| rent_eur * imu.revaluation_buildings * m)
}

/// IMU base of agricultural land: reddito dominicale × 1.25 × 135 (c. 746).
pub fn imu_land_base(dominicale_eur: f64, imu: &ImuParams) -> f64 {
    dominicale_eur * imu.revaluation_land * imu.multiplier_land
}

/// Tax of one holding: base × rate × share × months / 12.
pub fn holding_tax(base: f64, rate: f64, share: f64, months: u32) -> f64 {
    base * rate * share * f64::from(months) / 12.0
}

/// The part of the luxury main-residence deduction (c. 749) of one holder: deduction ×
/// months/12, split among the holders for whom the unit is the main residence in proportion
/// to their shares (`holder_share / Σ shares`).
pub fn luxury_deduction(
    deduction_eur: f64,
    months: u32,
    holder_share: f64,
    sum_shares: f64,
) -> f64 {
    if sum_shares <= 0.0 {
        return 0.0;
    }
    deduction_eur * f64::from(months) / 12.0 * (holder_share / sum_shares)
}

/// Rounds an amount to the euro as F24 does: down below 50 cents, up otherwise.
pub fn round_euro(amount: f64) -> f64 {
    (amount + 0.5).floor()
}

/// Minimum TARI surface for assessment (c. 646): share × surface excluding uncovered areas.
pub fn tari_min_surface(excluding_uncovered_m2: f64, tari: &TariParams) -> f64 {
    tari.surface_share_c646 * excluding_uncovered_m2
}

/// TARI fixed part of a surface: m² × tariff per m².
pub fn tari_fixed_part(surface_m2: f64, tariff_eur_per_m2: f64) -> f64 {
    surface_m2 * tariff_eur_per_m2
}

/// Cadastral surface of group R from DOCFA polygon areas (DPR 138/1998 Allegato C, the weights
/// of fiscal-rules.md §2.4): `(total, excluding uncovered areas)`, both rounded to the m².
/// Polygon kinds: A main rooms 100 %, B connected accessory 50 %, C not connected 25 %,
/// D connected balconies 30 % to 25 m² then 10 %, E not connected 15 % / 5 %, F gardens 10 %
/// up to the main-room surface then 2 %; G (not part of the surface) ignored.
pub fn cadastral_surface(polygons: &[(char, f64)]) -> (f64, f64) {
    let sum = |k: char| -> f64 {
        polygons
            .iter()
            .filter(|(c, _)| *c == k)
            .map(|(_, a)| a)
            .sum()
    };
    let a = sum('A');
    let covered = a + 0.5 * sum('B') + 0.25 * sum('C');
    let tiered = |area: f64, cap: f64, low: f64, high: f64| {
        area.min(cap) * low + (area - cap).max(0.0) * high
    };
    let uncovered = tiered(sum('D'), 25.0, 0.30, 0.10)
        + tiered(sum('E'), 25.0, 0.15, 0.05)
        + tiered(sum('F'), a, 0.10, 0.02);
    ((covered + uncovered).round(), covered.round())
}

/// Inputs of one microzone of the c. 335 computation: market and cadastral values (any
/// consistent unit: totals, or averages with weights) and its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MicrozoneValues {
    /// Microzone number.
    pub microzone: u32,
    /// Average market value `Vm(z)`.
    pub market: f64,
    /// Average cadastral value `Vc(z)`.
    pub cadastral: f64,
    /// Weight `w(z)`.
    pub weight: f64,
}

/// Result of the c. 335 computation for one microzone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MicrozoneRatio {
    /// Microzone number.
    pub microzone: u32,
    /// `R(z) = Vm / Vc`.
    pub ratio: f64,
    /// Deviation from the weighted `R_tot`.
    pub deviation: f64,
    /// Deviation from the simple mean of the ratios.
    pub deviation_simple: f64,
    /// Eligible under the weighted `R_tot`.
    pub eligible: bool,
    /// Eligible under the simple mean.
    pub eligible_simple: bool,
    /// Rent multiplier `R(z) / ((1 + threshold) × R_tot)`.
    pub uplift: f64,
}

/// The municipal ratios of c. 335 and each microzone's deviation (fiscal-rules.md §4.2):
/// `R_tot = Σ w·Vm / Σ w·Vc` (weighted) and the mean of `R(z)` (simple); a microzone is eligible
/// when its deviation exceeds `threshold` and at least `min_microzones` take part. Microzones
/// with a zero cadastral value are skipped.
pub fn microzone_ratios(
    zones: &[MicrozoneValues],
    threshold: f64,
    min_microzones: usize,
) -> (f64, f64, Vec<MicrozoneRatio>) {
    let zones: Vec<&MicrozoneValues> = zones.iter().filter(|z| z.cadastral > 0.0).collect();
    let num: f64 = zones.iter().map(|z| z.weight * z.market).sum();
    let den: f64 = zones.iter().map(|z| z.weight * z.cadastral).sum();
    let r_tot = if den > 0.0 { num / den } else { 0.0 };
    let r_simple = if zones.is_empty() {
        0.0
    } else {
        zones.iter().map(|z| z.market / z.cadastral).sum::<f64>() / zones.len() as f64
    };
    let enough = zones.len() >= min_microzones;
    let out = zones
        .iter()
        .map(|z| {
            let ratio = z.market / z.cadastral;
            let deviation = if r_tot > 0.0 {
                ratio / r_tot - 1.0
            } else {
                0.0
            };
            let deviation_simple = if r_simple > 0.0 {
                ratio / r_simple - 1.0
            } else {
                0.0
            };
            MicrozoneRatio {
                microzone: z.microzone,
                ratio,
                deviation,
                deviation_simple,
                eligible: enough && deviation > threshold,
                eligible_simple: enough && deviation_simple > threshold,
                uplift: if r_tot > 0.0 {
                    ratio / ((1.0 + threshold) * r_tot)
                } else {
                    0.0
                },
            }
        })
        .collect();
    (r_tot, r_simple, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    /// fiscal-rules.md §1.7 worked example: A/2, rent 1 032,91, 1/2 from 15/03/2019, 1.06 %.
    #[test]
    fn worked_example_imu_rossi() {
        let imu = ImuParams::default();
        let base = imu_building_base(1032.91, Category::parse("A02").unwrap(), &imu).unwrap();
        assert!(close(base, 173_528.88, 0.005), "{base}");
        assert_eq!(months_of_possession(d(2019, 3, 15), None, 2019), 10);
        assert_eq!(month_mask(d(2019, 3, 15), None, 2019) & 0b11, 0);
        let t2019 = holding_tax(base, 0.0106, 0.5, 10);
        assert!(close(t2019, 766.42, 0.005), "{t2019}");
        let t2020 = holding_tax(
            base,
            0.0106,
            0.5,
            months_of_possession(d(2019, 3, 15), None, 2020),
        );
        assert!(close(t2020, 919.70, 0.005), "{t2020}");
    }

    #[test]
    fn month_rule_half_days_go_to_the_buyer() {
        // April has 30 days: a transfer on 16 April gives the seller 15 days, the buyer 15.
        let seller = months_of_possession(d(2020, 1, 1), Some(d(2020, 4, 16)), 2020);
        let buyer = months_of_possession(d(2020, 4, 16), None, 2020);
        assert_eq!((seller, buyer), (3, 9));
        // 31-day month: 16 days count, 15 do not.
        assert_eq!(months_of_possession(d(2020, 1, 16), None, 2020), 12);
        assert_eq!(months_of_possession(d(2020, 1, 17), None, 2020), 11);
        assert_eq!(months_of_possession(d(2010, 1, 1), None, 2020), 12);
        assert_eq!(months_of_possession(d(2021, 1, 1), None, 2020), 0);
        assert_eq!(
            months_of_possession(d(2020, 5, 5), Some(d(2020, 5, 5)), 2020),
            0
        );
    }

    #[test]
    fn land_base_and_multiplier_overrides() {
        let mut imu = ImuParams::default();
        assert!(close(imu_land_base(100.0, &imu), 16_875.0, 1e-9));
        assert_eq!(
            imu_building_base(100.0, Category::parse("E07").unwrap(), &imu),
            None
        );
        assert!(close(
            imu_building_base(100.0, Category::parse("C01").unwrap(), &imu).unwrap(),
            5775.0,
            1e-9
        ));
        imu.multipliers.insert("A".into(), 150.0);
        imu.multipliers.insert("A10".into(), 70.0);
        assert!(close(
            imu.multiplier(Category::parse("A03").unwrap()).unwrap(),
            150.0,
            1e-9
        ));
        assert!(close(
            imu.multiplier(Category::parse("A10").unwrap()).unwrap(),
            70.0,
            1e-9
        ));
        assert!(close(
            imu.multiplier(Category::parse("D05").unwrap()).unwrap(),
            80.0,
            1e-9
        ));
    }

    #[test]
    fn luxury_deduction_is_shared() {
        assert!(close(luxury_deduction(200.0, 12, 0.5, 1.0), 100.0, 1e-9));
        assert!(close(luxury_deduction(200.0, 6, 1.0, 1.0), 100.0, 1e-9));
        assert!(close(luxury_deduction(200.0, 12, 0.5, 0.5), 200.0, 1e-9));
        assert!(close(luxury_deduction(200.0, 12, 0.5, 0.0), 0.0, 1e-12));
        assert!(close(round_euro(766.42), 766.0, 1e-12));
        assert!(close(round_euro(919.5), 920.0, 1e-12));
    }

    /// fiscal-rules.md §2.4 worked example: A = 80, B = 10, D = 12 → 89 m², 85 m², TARI 68 m².
    #[test]
    fn worked_example_cadastral_surface_and_tari_minimum() {
        let (total, excl) = cadastral_surface(&[('A', 80.0), ('B', 10.0), ('D', 12.0)]);
        assert_eq!((total, excl), (89.0, 85.0));
        let tari = TariParams {
            surface_share_c646: 0.8,
            ..TariParams::default()
        };
        let min = tari_min_surface(excl, &tari);
        assert!(close(min, 68.0, 1e-9));
        assert!(close(55.0 - min, -13.0, 1e-9));
        assert!(close(tari_fixed_part(13.0, 1.5), 19.5, 1e-9));
    }

    /// fiscal-rules.md §4.2 worked example: four microzones, weighted R_tot = 1000/360.
    #[test]
    fn worked_example_c335() {
        let zones: Vec<MicrozoneValues> = [
            (1, 400.0, 80.0),
            (2, 300.0, 100.0),
            (3, 200.0, 100.0),
            (4, 100.0, 80.0),
        ]
        .into_iter()
        .map(|(z, m, c)| MicrozoneValues {
            microzone: z,
            market: m,
            cadastral: c,
            weight: 1.0,
        })
        .collect();
        let (r_tot, r_simple, out) = microzone_ratios(&zones, 0.35, 3);
        assert!(close(r_tot, 1000.0 / 360.0, 1e-12));
        assert!(close(r_simple, 2.8125, 1e-12));
        assert!(close(out[0].deviation, 0.80, 1e-9));
        assert!(close(out[1].deviation, 0.08, 1e-9));
        assert!(close(out[2].deviation, -0.28, 1e-9));
        assert!(close(out[3].deviation, -0.55, 1e-9));
        assert!(out[0].eligible && !out[1].eligible && !out[2].eligible && !out[3].eligible);
        assert!(close(out[0].uplift, 5.0 / 3.75, 1e-9));
        assert!(close(out[0].deviation_simple, 5.0 / 2.8125 - 1.0, 1e-12));
        // The secondary source's simple-mean variant: ratios 4, 3, 2, 1 → mean 2.5, +60 %.
        let simple: Vec<MicrozoneValues> = [4.0, 3.0, 2.0, 1.0]
            .into_iter()
            .enumerate()
            .map(|(i, r)| MicrozoneValues {
                microzone: i as u32 + 1,
                market: r,
                cadastral: 1.0,
                weight: 1.0,
            })
            .collect();
        let (_, mean, out) = microzone_ratios(&simple, 0.35, 3);
        assert!(close(mean, 2.5, 1e-12) && close(out[0].deviation_simple, 0.6, 1e-12));
        // Fewer than three microzones: nothing eligible.
        let (_, _, out) = microzone_ratios(&zones[..2], 0.35, 3);
        assert!(out.iter().all(|z| !z.eligible));
    }
}
