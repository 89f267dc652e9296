//! Municipal tax registers derived from the generated facts: IMU positions (what each holder
//! owes for the tax year, and what was paid) and TARI premises (what occupiers declared).
//!
//! Both registers deliberately contain the irregularities the correlation engine looks for:
//! unpaid or partly paid IMU, occupied units without a TARI position, and declared TARI
//! surfaces below 80 % of the cadastral surface.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use segit_model::RightCode;

use crate::dates::{day_before, ymd};
use crate::entities::{
    Building, Category, Holding, ImuPosition, Occupancy, Resident, SubjectRef, TariPosition, Unit,
};
use crate::geom::round2;
use crate::rng::Rng;

/// Ordinary municipal IMU rate, per cent.
pub const IMU_RATE_PCT: f64 = 1.06;
/// Rate for a luxury main residence (A/1, A/8, A/9), per cent.
pub const IMU_MAIN_LUXURY_RATE_PCT: f64 = 0.6;
/// Yearly deduction of a luxury main residence, euro.
pub const IMU_MAIN_DEDUCTION: f64 = 200.0;

/// Months of year `year` counted for a period `[from, to)` (c. 761 and the project's
/// convention): a month counts when more than half of its days fall in the period, or exactly
/// half and the period starts in that month.
pub fn months_in_year(from: NaiveDate, to: Option<NaiveDate>, year: i32) -> u32 {
    let mut months = 0;
    for m in 1..=12 {
        let start = ymd(year, m, 1);
        let next = if m == 12 {
            ymd(year + 1, 1, 1)
        } else {
            ymd(year, m + 1, 1)
        };
        let days = (next - start).num_days();
        let lo = from.max(start);
        let hi = to.map_or(next, |t| t.min(next));
        let inside = (hi - lo).num_days().max(0);
        let starts_here = from >= start && from < next;
        if inside * 2 > days || (inside * 2 == days && starts_here) {
            months += 1;
        }
    }
    months
}

/// Intersection of two half-open intervals.
fn overlap(
    a: (NaiveDate, Option<NaiveDate>),
    b: (NaiveDate, Option<NaiveDate>),
) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let from = a.0.max(b.0);
    let to = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    to.is_none_or(|t| t > from).then_some((from, to))
}

/// IMU positions of `year` for every holding with a paying right; `exempt_holders` (the
/// municipality itself) owe nothing on their own territory (L. 160/2019 c. 759).
pub fn imu_positions(
    rng: &mut Rng,
    year: i32,
    units: &[Unit],
    holdings: &[Holding],
    residents: &[Resident],
    exempt_holders: &[SubjectRef],
) -> Vec<ImuPosition> {
    let jan1 = ymd(year, 1, 1);
    let year_span = (jan1, Some(ymd(year + 1, 1, 1)));
    // residence periods per person
    let mut residence: BTreeMap<usize, Vec<&Resident>> = BTreeMap::new();
    for r in residents {
        residence.entry(r.person).or_default().push(r);
    }
    let pays = |h: &Holding| RightCode::parse(h.right).is_ok_and(|r| r.pays_imu());
    // At most one appurtenance per category, holder and parcel: the one with the highest rent
    // (ties: the lowest unit index).
    let mut best: BTreeMap<(SubjectRef, usize, u8), (i64, usize)> = BTreeMap::new();
    for h in holdings.iter().filter(|h| pays(h)) {
        if overlap((h.valid_from, h.valid_to), year_span).is_none() {
            continue;
        }
        let Some(state) = units[h.unit].state_at(jan1) else {
            continue;
        };
        if !state.category.is_appurtenance() {
            continue;
        }
        let cents = (state.rent.unwrap_or(0.0) * 100.0).round() as i64;
        let key = (h.subject, units[h.unit].parcel, state.category.number);
        let entry = best.entry(key).or_insert((cents, h.unit));
        if cents > entry.0 || (cents == entry.0 && h.unit < entry.1) {
            *entry = (cents, h.unit);
        }
    }
    let mut out = Vec::new();
    for (hi, h) in holdings.iter().enumerate() {
        if !pays(h) {
            continue;
        }
        let Some(held) = overlap((h.valid_from, h.valid_to), year_span) else {
            continue;
        };
        let unit = &units[h.unit];
        let Some(state) = unit.state_at(jan1) else {
            continue;
        };
        let months = months_in_year(held.0, held.1, year);
        if months == 0 {
            continue;
        }
        let category = state.category;
        // main-residence months: the holder's residence in this unit, or for an appurtenance in
        // a dwelling of the same parcel
        let main_months = match h.subject {
            SubjectRef::Person(p) => residence.get(&p).map_or(0, |rows| {
                rows.iter()
                    .filter(|r| {
                        r.unit == h.unit
                            || (category.is_appurtenance()
                                && best
                                    .get(&(h.subject, unit.parcel, category.number))
                                    .map(|b| b.1)
                                    == Some(h.unit)
                                && units[r.unit].parcel == unit.parcel
                                && units[r.unit]
                                    .state_at(jan1)
                                    .is_some_and(|s| s.category.is_dwelling()))
                    })
                    .filter_map(|r| overlap((r.from, r.to), held))
                    .map(|(f, t)| months_in_year(f, t, year))
                    .sum::<u32>()
                    .min(months)
            }),
            SubjectRef::Entity(_) => 0,
        };
        let luxury = category.is_luxury();
        let share = f64::from(h.share_num) / f64::from(h.share_den);
        let multiplier = category.imu_multiplier();
        let base = match (state.rent, multiplier) {
            (Some(r), Some(m)) => round2(r * 1.05 * m),
            _ => 0.0,
        };
        let (exemption, rate, due) = if category.group == 'E' {
            (Some("group_e"), 0.0, 0.0)
        } else if exempt_holders.contains(&h.subject) {
            (Some("municipal_property"), 0.0, 0.0)
        } else if main_months == months
            && !luxury
            && (category.is_dwelling() || category.is_appurtenance())
        {
            let reason = if category.is_dwelling() {
                "main_residence"
            } else {
                "appurtenance"
            };
            (Some(reason), 0.0, 0.0)
        } else if luxury && main_months > 0 {
            let main = base * IMU_MAIN_LUXURY_RATE_PCT / 100.0 * share * f64::from(main_months)
                / 12.0
                - IMU_MAIN_DEDUCTION * f64::from(main_months) / 12.0 * share;
            let other =
                base * IMU_RATE_PCT / 100.0 * share * f64::from(months - main_months) / 12.0;
            (None, IMU_MAIN_LUXURY_RATE_PCT, main.max(0.0) + other)
        } else {
            let taxed = if category.is_dwelling() || category.is_appurtenance() {
                months - main_months
            } else {
                months
            };
            (
                None,
                IMU_RATE_PCT,
                base * IMU_RATE_PCT / 100.0 * share * f64::from(taxed) / 12.0,
            )
        };
        let due = round2(due);
        let paid = if due <= 0.0 {
            0.0
        } else {
            match rng.weighted(&[0.86, 0.06, 0.05, 0.03]) {
                0 => due.round(),
                1 => 0.0,
                2 => (due / 2.0).round(),
                _ => (due * 0.8).round(),
            }
        };
        out.push(ImuPosition {
            id: format!("{year}/{}", h.id),
            tax_year: year,
            holding: hi,
            category,
            rent: state.rent,
            base,
            months,
            main_residence_months: main_months,
            exemption,
            rate_pct: rate,
            due,
            paid,
        });
    }
    out
}

/// DPR 158/1999 activity class of a non-domestic TARI user by the category of its premises.
fn tariff_class(c: Category) -> &'static str {
    match (c.group, c.number) {
        ('A', 10) => "11",
        ('C', 1) => "13",
        ('C', 3) => "18",
        ('D', 2) => "7",
        ('D', 8) => "25",
        ('D', _) => "20",
        _ => "21",
    }
}

/// TARI premises declared for the occupancies; some occupancies are never declared and some
/// declarations understate the surface.
pub fn tari_positions(
    rng: &mut Rng,
    units: &[Unit],
    buildings: &[Building],
    occupancies: &[Occupancy],
) -> Vec<TariPosition> {
    let mut out = Vec::new();
    for occ in occupancies {
        let Some(&main) = occ.units.first() else {
            continue;
        };
        let evasion = match occ.household_size {
            Some(0) => 0.35,
            Some(_) => 0.04,
            None => 0.06,
        };
        if rng.chance(evasion) {
            continue;
        }
        let unit = &units[main];
        let Some(address_key) = unit.address_key.clone() else {
            continue;
        };
        let surface: f64 = occ
            .units
            .iter()
            .map(|&u| {
                let s = units[u].current().and_then(|s| s.surface_excl_m2);
                s.map_or_else(
                    || {
                        units[u].building.map_or(0.0, |b| {
                            buildings[b].footprint_m2 * f64::from(buildings[b].floors) * 0.9
                        })
                    },
                    f64::from,
                )
            })
            .sum();
        let factor = if rng.chance(0.08) {
            rng.range(0.45, 0.75)
        } else {
            rng.range(0.82, 1.0)
        };
        let category = unit.current().map(|s| s.category);
        let domestic = occ.household_size.is_some();
        let account = out.len() + 1;
        out.push(TariPosition {
            account_id: format!("T{account:06}"),
            premises_seq: 1,
            payer: occ.occupant,
            user_type: if domestic { "domestic" } else { "non_domestic" },
            tariff_class: if domestic {
                None
            } else {
                category.map(tariff_class)
            },
            occupants: occ.household_size.filter(|n| *n > 0),
            address_key,
            staircase: unit.staircase.clone(),
            floor: Some(unit.floor.clone()),
            internal: unit.internal.clone(),
            units: occ.units.clone(),
            declared_m2: (surface * factor).round().max(1.0) as u32,
            start_date: occ.from,
            end_date: occ.to.map(day_before),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_follow_the_half_month_rule() {
        // documented example: possession from 15 March 2019 gives 10 months
        assert_eq!(months_in_year(ymd(2019, 3, 15), None, 2019), 10);
        assert_eq!(months_in_year(ymd(2018, 1, 1), None, 2019), 12);
        // sale on 16 February (28 days, 14 each): the buyer gets February
        assert_eq!(months_in_year(ymd(2019, 2, 15), None, 2019), 11);
        assert_eq!(
            months_in_year(ymd(2010, 1, 1), Some(ymd(2019, 2, 15)), 2019),
            1
        );
        assert_eq!(
            months_in_year(ymd(2010, 1, 1), Some(ymd(2018, 5, 1)), 2019),
            0
        );
    }

    fn unit(category: Category, rent: f64, parcel: usize) -> Unit {
        Unit {
            key: format!("F205//12/101/{parcel}"),
            property_id: 1,
            foglio: 12,
            particella: "101".into(),
            subalterno: 7,
            parcel_key: "F205_001200.101".into(),
            parcel,
            building: None,
            address_key: None,
            staircase: None,
            floor: "3".into(),
            internal: None,
            states: vec![crate::entities::UnitState {
                progressive: 1,
                category,
                class: Some(3),
                consistency: Some(5.5),
                rent: Some(rent),
                surface_m2: Some(98),
                surface_excl_m2: Some(93),
                valid_from: ymd(2000, 1, 1),
                valid_to: None,
                cause: "COSTITUZIONE",
            }],
        }
    }

    fn holding(unit: usize, num: u32, den: u32, from: NaiveDate) -> Holding {
        Holding {
            id: 1 + unit as u64,
            unit,
            subject: SubjectRef::Person(0),
            right: "10",
            share_num: num,
            share_den: den,
            valid_from: from,
            valid_to: None,
        }
    }

    #[test]
    fn reproduces_the_documented_worked_example() {
        let units = [unit(Category::new('A', 2), 1032.91, 0)];
        let holdings = [holding(0, 1, 2, ymd(2019, 3, 15))];
        let mut rng = Rng::new(1);
        let p = imu_positions(&mut rng, 2019, &units, &holdings, &[], &[]);
        assert_eq!(p.len(), 1);
        assert!((p[0].base - 173_528.88).abs() < 0.01);
        assert_eq!(p[0].months, 10);
        assert!((p[0].due - 766.42).abs() < 0.01, "{}", p[0].due);
        let p2020 = imu_positions(&mut rng, 2020, &units, &holdings, &[], &[]);
        assert!((p2020[0].due - 919.70).abs() < 0.01, "{}", p2020[0].due);
    }

    #[test]
    fn main_residence_exempts_one_appurtenance_per_category() {
        let units = [
            unit(Category::new('A', 2), 800.0, 0),
            unit(Category::new('C', 6), 90.0, 0),
            unit(Category::new('C', 6), 120.0, 0),
        ];
        let from = ymd(2010, 1, 1);
        let holdings = [
            holding(0, 1, 1, from),
            holding(1, 1, 1, from),
            holding(2, 1, 1, from),
        ];
        let resident = Resident {
            id: "F000001/1/1".into(),
            person: 0,
            household_id: "F000001".into(),
            relationship: "head",
            address_key: "F205/2040/12/".into(),
            staircase: None,
            floor: None,
            internal: None,
            from,
            to: None,
            unit_key: None,
            unit: 0,
        };
        let p = imu_positions(&mut Rng::new(1), 2025, &units, &holdings, &[resident], &[]);
        let exemptions: Vec<Option<&str>> = p.iter().map(|x| x.exemption).collect();
        // the garage with the higher rent is the appurtenance; the other is taxed
        assert_eq!(
            exemptions,
            [Some("main_residence"), None, Some("appurtenance")]
        );
        assert!(p[1].due > 0.0);
        let exempt_owner = imu_positions(
            &mut Rng::new(1),
            2025,
            &units[..1],
            &holdings[..1],
            &[],
            &[SubjectRef::Person(0)],
        );
        assert_eq!(exempt_owner[0].exemption, Some("municipal_property"));
    }

    #[test]
    fn multipliers_come_from_the_model() {
        assert_eq!(Category::new('A', 2).imu_multiplier(), Some(160.0));
        assert_eq!(Category::new('A', 10).imu_multiplier(), Some(80.0));
        assert_eq!(Category::new('C', 1).imu_multiplier(), Some(55.0));
        assert_eq!(Category::new('D', 1).imu_multiplier(), Some(65.0));
        assert_eq!(Category::new('E', 7).imu_multiplier(), None);
        assert!(Category::new('C', 6).is_appurtenance());
        assert!(!Category::new('A', 2).is_luxury());
    }
}
