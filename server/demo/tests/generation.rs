//! Properties of the generated municipality: determinism, size, valid identifiers, coherent
//! holdings and sound geometry.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use geo::{Contains, Distance, Euclidean, Validation};
use segit_demo::{DemoParams, Municipality, SubjectRef, generate, layers};
use segit_model::{
    ActivePeriod, AddressKey, CodiceFiscale, CodiceFiscaleKind, ParcelKey, RightCode, Share,
    UnitKey, Validity,
};
use segit_query::Value;

fn town(seed: u64, scale: f64) -> Municipality {
    generate(&DemoParams { seed, scale })
}

fn counts(m: &Municipality) -> BTreeMap<String, usize> {
    layers(m)
        .into_iter()
        .map(|(c, f)| (c.id, f.len()))
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

#[test]
fn same_seed_gives_identical_layers_and_another_seed_differs() {
    let a = layers(&town(11, 0.1));
    let b = layers(&town(11, 0.1));
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    let c = layers(&town(12, 0.1));
    assert_ne!(a, c);
}

#[test]
fn default_scale_has_the_documented_size_and_a_tenth_scales_down() {
    let full = counts(&town(7, 1.0));
    let tenth = counts(&town(7, 0.1));
    let expected = [
        ("parcels", 4_500, 5_500),
        ("buildings", 5_400, 7_000),
        ("units", 16_000, 26_000),
        ("holdings", 20_000, 45_000),
        ("subjects", 12_000, 30_000),
        ("residents", 15_000, 25_000),
        ("addresses", 4_000, 6_000),
        ("imu_positions", 15_000, 30_000),
        ("tari_positions", 6_000, 12_000),
        ("streets", 100, 200),
    ];
    for (id, lo, hi) in expected {
        let n = full[id];
        assert!((lo..=hi).contains(&n), "{id}: {n} not in {lo}..={hi}");
        if id != "streets" {
            let ratio = tenth[id] as f64 / n as f64;
            assert!(
                (0.07..=0.14).contains(&ratio),
                "{id}: ratio {ratio} at scale 0.1"
            );
        }
    }
    let m = town(7, 1.0);
    assert!(
        (13_000..=18_000).contains(&m.units.len()),
        "{} units",
        m.units.len()
    );
}

#[test]
fn every_fiscal_code_is_valid() {
    let m = town(3, 0.3);
    for p in &m.persons {
        let cf = CodiceFiscale::parse(&p.cf).expect("person code parses");
        assert_eq!(cf.kind(), CodiceFiscaleKind::NaturalPerson);
        let birth = cf.birth_data().expect("birth data");
        assert_eq!(birth.birthplace.as_str(), p.birth_place);
        assert_eq!(u32::from(birth.day), chrono::Datelike::day(&p.birth_date));
    }
    for e in &m.entities {
        let cf = CodiceFiscale::parse(&e.cf).expect("entity code parses");
        assert_eq!(cf.kind(), CodiceFiscaleKind::Numeric);
    }
    let codes: BTreeSet<&str> = m.persons.iter().map(|p| p.cf.as_str()).collect();
    assert_eq!(codes.len(), m.persons.len(), "codes are unique");
    // every published code column holds valid codes
    for (c, features) in layers(&m) {
        for name in ["codice_fiscale", "taxpayer_cf", "payer_cf", "person_cf"] {
            if c.property(name).is_none() {
                continue;
            }
            for f in &features {
                let Some(Value::Text(code)) = f.property(name) else {
                    panic!("{} {} has no {name}", c.id, f.id);
                };
                assert!(CodiceFiscale::parse(code).is_ok(), "{code} in {}", c.id);
            }
        }
    }
}

/// Sum of shares as an exact fraction (numerator, denominator).
fn add(x: (u64, u64), y: (u64, u64)) -> (u64, u64) {
    let (num, den) = (x.0 * y.1 + y.0 * x.1, x.1 * y.1);
    let common = gcd(num, den);
    (num / common, den / common)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

#[test]
fn shares_sum_to_one_per_unit_at_every_date() {
    check_shares(&town(5, 0.3));
}

/// Shares of the holdings valid at every date a holding starts (and at the end of 2025) sum to
/// 1, separately for bare ownership — except on the units planted as Q05 cases (shares that
/// deliberately do not sum to 1).
fn check_shares(m: &Municipality) {
    let mut by_unit: BTreeMap<usize, Vec<&segit_demo::Holding>> = BTreeMap::new();
    for h in &m.holdings {
        by_unit.entry(h.unit).or_default().push(h);
    }
    assert_eq!(by_unit.len(), m.units.len(), "every unit has holders");
    let planted: Vec<&str> = m
        .planted
        .correlation
        .rules
        .get("Q05")
        .map(|r| {
            r.report
                .iter()
                .filter_map(|e| e.unit_key.as_deref())
                .collect()
        })
        .unwrap_or_default();
    for (u, hs) in &by_unit {
        let unit = &m.units[*u];
        if planted.contains(&unit.key.as_str()) {
            continue;
        }
        let first = unit.states[0].valid_from;
        let mut dates: Vec<NaiveDate> = hs.iter().map(|h| h.valid_from).collect();
        dates.push(date(2025, 12, 31));
        for d in dates.into_iter().filter(|d| *d >= first) {
            let valid: Vec<_> = hs
                .iter()
                .filter(|h| h.valid_from <= d && h.valid_to.is_none_or(|t| d < t))
                .collect();
            let full = valid
                .iter()
                .filter(|h| h.right != "20")
                .fold((0, 1), |s, h| {
                    add(s, (u64::from(h.share_num), u64::from(h.share_den)))
                });
            assert_eq!(full, (1, 1), "unit {} on {d}", unit.key);
            let bare: Vec<_> = valid.iter().filter(|h| h.right == "20").collect();
            if !bare.is_empty() {
                let sum = bare.iter().fold((0, 1), |s, h| {
                    add(s, (u64::from(h.share_num), u64::from(h.share_den)))
                });
                assert_eq!(sum, (1, 1), "bare ownership of {} on {d}", unit.key);
            }
        }
    }
}

#[test]
fn geometries_are_valid_and_buildings_lie_in_their_parcels() {
    let m = town(9, 0.3);
    check_geometry(&m);
    assert!(
        m.parcels.iter().any(|p| !p.geometry.interiors().is_empty()),
        "some parcel has a hole"
    );
    let courtyards = m
        .buildings
        .iter()
        .filter(|b| !b.footprint.interiors().is_empty())
        .count();
    assert!(courtyards > 0, "some buildings surround a courtyard");
    let mut per_parcel: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &m.buildings {
        *per_parcel.entry(b.parcel_key.as_str()).or_default() += 1;
    }
    assert!(
        per_parcel.values().any(|n| *n >= 2),
        "some parcels have two buildings"
    );
}

#[test]
fn invariants_hold_for_many_small_towns() {
    for seed in 20..30 {
        let m = town(seed, 0.03);
        check_geometry(&m);
        check_shares(&m);
        for p in &m.persons {
            assert!(CodiceFiscale::parse(&p.cf).is_ok(), "seed {seed}: {}", p.cf);
        }
    }
}

/// Valid, closed polygons; every building inside its parcel.
fn check_geometry(m: &Municipality) {
    let parcels: BTreeMap<&str, &segit_demo::Parcel> =
        m.parcels.iter().map(|p| (p.key.as_str(), p)).collect();
    for p in &m.parcels {
        let ext = &p.geometry.exterior().0;
        assert!(
            ext.len() >= 4 && ext.first() == ext.last(),
            "{} ring",
            p.key
        );
        assert!(p.geometry.is_valid(), "{} is not valid", p.key);
        assert!(p.area_m2 > 50.0, "{} area {}", p.key, p.area_m2);
    }
    let mut strictly_inside = 0;
    for b in &m.buildings {
        assert!(b.footprint.is_valid(), "{} is not valid", b.id);
        let parcel = parcels[b.parcel_key.as_str()];
        // strictly inside, or every vertex (holes included) within 2 cm of the parcel
        let strict = parcel.geometry.contains(&b.footprint);
        let inside = strict
            || std::iter::once(b.footprint.exterior())
                .chain(b.footprint.interiors())
                .flat_map(geo::LineString::points)
                .all(|pt| Euclidean.distance(&pt, &parcel.geometry) < 0.02);
        assert!(inside, "{} outside {}", b.id, parcel.key);
        strictly_inside += usize::from(strict);
    }
    assert!(strictly_inside * 100 >= m.buildings.len() * 99);
}

#[test]
fn ids_are_unique_and_properties_follow_the_schema() {
    let m = town(4, 0.2);
    for (c, features) in layers(&m) {
        assert!(c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        assert!(!c.title.is_empty() && !c.description.is_empty());
        let ids: BTreeSet<&str> = features.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), features.len(), "duplicate ids in {}", c.id);
        let names: Vec<&str> = c.properties.iter().map(|p| p.name.as_str()).collect();
        for n in &names {
            let sql_identifier = n.starts_with(|ch: char| ch.is_ascii_lowercase())
                && n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            assert!(sql_identifier, "{}.{n}", c.id);
        }
        for f in &features {
            let got: Vec<&str> = f.properties.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(got, names, "{} {}", c.id, f.id);
            for (p, (_, v)) in c.properties.iter().zip(&f.properties) {
                assert!(
                    p.nullable || !v.is_null(),
                    "{}.{} null in {}",
                    c.id,
                    p.name,
                    f.id
                );
                if !v.is_null() {
                    assert_eq!(
                        v.clone().coerce(p.ty).as_ref(),
                        Ok(v),
                        "{}.{}",
                        c.id,
                        p.name
                    );
                }
            }
            assert_eq!(
                f.geometry.is_some(),
                c.geometry_type != segit_query::GeometryType::None
            );
        }
        if let Some(t) = &c.temporal {
            assert!(c.property(&t.start).is_some());
        }
    }
}

#[test]
fn large_towns_keep_street_names_unique() {
    let m = town(2, 2.0);
    let names: BTreeSet<String> = m
        .streets
        .iter()
        .map(segit_demo::Street::full_name)
        .collect();
    assert_eq!(names.len(), m.streets.len());
    let codes: BTreeSet<u32> = m.streets.iter().map(|s| s.code).collect();
    assert_eq!(codes.len(), m.streets.len());
}

#[test]
fn keys_follow_the_canonical_grammar() {
    let m = town(6, 0.1);
    for p in &m.parcels {
        assert_eq!(
            ParcelKey::parse(&p.key).expect("parcel key").to_string(),
            p.key
        );
    }
    for u in &m.units {
        assert_eq!(UnitKey::parse(&u.key).expect("unit key").to_string(), u.key);
    }
    for h in &m.house_numbers {
        let k = AddressKey::parse(&h.address_key).expect("address key");
        assert_eq!(k.to_string(), h.address_key);
        assert_eq!(k.number(), h.number);
    }
}

#[test]
fn unit_histories_are_contiguous_and_end_open() {
    let m = town(8, 0.2);
    let mut multi = 0;
    for u in &m.units {
        assert!(
            u.states.last().is_some_and(|s| s.valid_to.is_none()),
            "{}",
            u.key
        );
        for w in u.states.windows(2) {
            assert_eq!(w[0].valid_to, Some(w[1].valid_from), "{}", u.key);
            assert!(w[0].valid_from < w[1].valid_from);
        }
        multi += usize::from(u.states.len() > 1);
    }
    assert!(
        multi * 10 > m.units.len(),
        "at least 10 % of units have a history"
    );
}

#[test]
fn validity_intervals_are_well_ordered() {
    let m = town(12, 0.2);
    for h in &m.holdings {
        assert!(
            h.valid_to.is_none_or(|t| h.valid_from < t),
            "holding {}",
            h.id
        );
        assert!(h.share_num >= 1 && h.share_num <= h.share_den);
        assert!(Validity::new(h.valid_from, h.valid_to).is_ok());
        assert!(Share::new(u64::from(h.share_num), u64::from(h.share_den)).is_ok());
        assert!(RightCode::parse(h.right).is_ok_and(|r| r.description().is_some()));
    }
    for r in &m.residents {
        assert!(r.to.is_none_or(|t| r.from < t), "resident {}", r.id);
        assert!(Validity::new(r.from, r.to).is_ok());
        let birth = m.persons[r.person].birth_date;
        assert!(birth <= r.from, "resident {} before birth", r.id);
    }
    for t in &m.tari_positions {
        assert!(
            t.end_date.is_none_or(|e| t.start_date <= e),
            "{}",
            t.account_id
        );
        assert!(ActivePeriod::new(t.start_date, t.end_date).is_ok());
    }
    let extraction = m.extraction_date;
    let all_dates = m
        .holdings
        .iter()
        .map(|h| h.valid_from)
        .chain(m.residents.iter().map(|r| r.from))
        .chain(
            m.units
                .iter()
                .flat_map(|u| u.states.iter().map(|s| s.valid_from)),
        );
    for d in all_dates {
        assert!(d < extraction, "{d} after the extraction date");
    }
}

#[test]
fn tax_registers_are_consistent_and_carry_irregularities() {
    let m = town(10, 0.3);
    let mut unpaid = 0;
    for p in &m.imu_positions {
        if p.exemption.is_some() {
            assert!(p.due.abs() < f64::EPSILON);
        }
        assert!(p.months >= 1 && p.months <= 12 && p.main_residence_months <= p.months);
        unpaid += usize::from(p.due > 12.0 && p.paid < p.due - 1.0);
    }
    assert!(unpaid > 0, "some IMU positions are unpaid");
    let under = m
        .tari_positions
        .iter()
        .filter(|t| {
            let excl: u32 = t
                .units
                .iter()
                .filter_map(|&u| m.units[u].current().and_then(|s| s.surface_excl_m2))
                .sum();
            excl > 0 && f64::from(t.declared_m2) < 0.8 * f64::from(excl) - 1.0
        })
        .count();
    let share = under as f64 / m.tari_positions.len() as f64;
    assert!((0.02..0.2).contains(&share), "under-declared share {share}");
    let occupied_without_tari = m.occupancies.len() - m.tari_positions.len();
    assert!(occupied_without_tari > 0);
    // residents of a derelict (F/2) unit exist: a misuse the engine must find
    let residents_in_f: usize = m
        .residents
        .iter()
        .filter(|r| {
            m.units[r.unit]
                .current()
                .is_some_and(|s| s.category.group == 'F')
        })
        .count();
    let tari_payers: BTreeSet<SubjectRef> = m.tari_positions.iter().map(|t| t.payer).collect();
    assert!(!tari_payers.is_empty());
    assert!(residents_in_f < m.residents.len() / 10);
}

/// The output for a given seed is part of the contract (demo screenshots, documentation and
/// tests elsewhere refer to it): a change here must be deliberate.
#[test]
fn output_for_a_seed_is_stable() {
    let m = town(1, 0.05);
    let got: Vec<(String, usize)> = layers(&m)
        .into_iter()
        .map(|(c, f)| (c.id, f.len()))
        .collect();
    let expected = [
        ("parcels", 260),
        ("buildings", 315),
        ("units", 1114),
        ("holdings", 1730),
        ("subjects", 1071),
        ("imu_positions", 1073),
        ("tari_positions", 479),
        ("residents", 1048),
        ("addresses", 248),
        ("streets", 15),
    ];
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|(c, n)| ((*c).to_owned(), *n))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(m.persons[0].cf, "SNTLNE63H59M999Q");
    assert_eq!(m.units[0].key, "M999//1/5/1");
    assert_eq!(m.streets[0].full_name(), "VIA DEI CONTADINI");
}

#[test]
fn degenerate_scales_give_the_smallest_town() {
    for scale in [0.0, -3.0, f64::NAN, f64::INFINITY, 1e-9] {
        let m = town(1, scale);
        assert!(
            !m.parcels.is_empty() && !m.streets.is_empty(),
            "scale {scale}"
        );
        assert!(
            m.parcels.len() < 100,
            "scale {scale}: {} parcels",
            m.parcels.len()
        );
        check_geometry(&m);
        check_shares(&m);
    }
}
