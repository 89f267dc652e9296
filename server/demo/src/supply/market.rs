//! Data the generator does not model directly, derived from its occupancies and holdings:
//! utility contracts (`utenze/utility_supply.csv`, other-supplies.md §2), registered leases
//! (`locazioni/leases.jsonl`) and transfer deeds (`atti/transfer_deeds.jsonl`, §3).
//!
//! - Every occupancy has an electricity contract, most domestic ones also gas; one row per
//!   contract and reference year (the last three years up to the tax year).
//! - Every occupancy by someone who does not hold a right on the unit is a registered lease,
//!   the holders of the unit on its first day being the landlords.
//! - Every change of holders of a unit (holdings closing on the day others open) is a deed.

use std::collections::BTreeMap;
use std::io;

use chrono::{Datelike, Days, NaiveDate};

use super::holders::corrupt_cf;
use super::text::{iso, json_str};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::SubjectRef;
use crate::dates::{add_years, day_before};
use crate::entities::{Holding, Occupancy};
use crate::plant::Expected;

/// Reference years of the utility communications: the tax year and the two before it.
pub const UTILITY_YEARS: i32 = 3;

fn unit_address(cx: &Ctx, unit: usize) -> String {
    let u = &cx.town.units[unit];
    let mut s = cx.address_text(
        u.address_key.as_deref().unwrap_or(""),
        mix(u.property_id, 61).is_multiple_of(2),
    );
    if let Some(sc) = &u.staircase {
        s.push_str(" SC. ");
        s.push_str(sc);
    }
    if let Some(int) = &u.internal {
        s.push_str(" INT. ");
        s.push_str(int);
    }
    s
}

fn utility_rows(cx: &Ctx, index: usize, occ: &Occupancy) -> Vec<String> {
    let town = cx.town;
    let unit = occ.units[0];
    let unit_ref = &town.units[unit];
    let h = mix(unit_ref.property_id, index as u64);
    let mut contracts = vec![(
        "electricity",
        format!("IT012E{:08}", index + 1),
        1800.0 + (h % 2500) as f64,
        0.27,
    )];
    if occ.household_size.is_some() && h % 10 < 7 {
        contracts.push((
            "gas",
            format!("{:014}", 31_000_000_000_000 + index as u64),
            500.0 + (h % 900) as f64,
            1.05,
        ));
    }
    let (holder_type, use_type) = match (occ.occupant, occ.household_size) {
        (SubjectRef::Entity(_), _) => ("entity", "other"),
        (_, Some(n)) if n > 0 => ("person", "household resident"),
        (_, Some(_)) => ("person", "household non-resident"),
        (_, None) => ("person", "other"),
    };
    let end = occ.to.map(day_before);
    let first_year = occ.from.year().max(town.tax_year - UTILITY_YEARS + 1);
    let last_year = end.map_or(town.tax_year, |e| e.year().min(town.tax_year));
    let mut rows = Vec::new();
    for (utility, point, base, price) in contracts {
        for year in first_year..=last_year {
            let consumption = (base * (0.9 + (mix(h, year as u64) % 20) as f64 / 100.0)).round();
            rows.push(format!(
                "{utility};{point};{};{holder_type};{use_type};{};{};{};{};{};{year};{consumption};{:.2}",
                town.subject_cf(occ.occupant),
                unit_address(cx, unit),
                if h.is_multiple_of(3) { unit_ref.address_key.as_deref().unwrap_or("") } else { "" },
                if h.is_multiple_of(2) { unit_ref.key.as_str() } else { "" },
                iso(occ.from),
                end.map(iso).unwrap_or_default(),
                consumption * price
            ));
        }
    }
    rows
}

fn write_utilities(cx: &mut Ctx) -> io::Result<()> {
    let rel = "utenze/utility_supply.csv";
    let mut out = cx.normalised(rel)?;
    out.line("utility;supply_point;holder_cf;holder_type;use_type;address;address_key;unit_key;contract_start;contract_end;year;billed_consumption;billed_amount");
    let mut rows = 0u64;
    let mut sample: Option<String> = None;
    for (k, o) in cx.town.occupancies.iter().enumerate() {
        for row in utility_rows(cx, k, o) {
            rows += 1;
            if cx.malformed() && rows == 7 {
                let mut fields: Vec<String> = row.split(';').map(str::to_owned).collect();
                fields[2] = corrupt_cf(&fields[2]);
                cx.report(
                    "Q01",
                    Expected::record(
                        &format!("utilities:{}/{}:holder_cf", fields[1], fields[10]),
                        format!("utility holder with codice fiscale {}", fields[2]),
                    ),
                );
                let line = out.line(&fields.join(";"));
                cx.rec.defect(
                    rel,
                    line,
                    Some("holder_cf"),
                    DefectKind::InvalidCodiceFiscale,
                    Outcome::Kept,
                );
            } else {
                out.line(&row);
            }
            sample.get_or_insert(row);
        }
    }
    rows += cx.append_planted(&mut out);
    let loaded = rows;
    if cx.malformed()
        && let Some(row) = sample
    {
        let mut fields: Vec<&str> = row.split(';').collect();
        fields[8] = "2021-02-29";
        let line = out.line(&fields.join(";"));
        cx.rec.defect(
            rel,
            line,
            Some("contract_start"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        fields.truncate(10);
        let line = out.line(&fields.join(";"));
        cx.rec.defect(
            rel,
            line,
            None,
            DefectKind::WrongFieldCount,
            Outcome::Rejected,
        );
        rows += 2;
    }
    cx.rec.expect("utility_rows", loaded);
    cx.save(out, "utilities", &[("rows", rows)], loaded)
}

/// Holdings of a unit, by unit index.
fn holdings_by_unit(holdings: &[Holding]) -> BTreeMap<usize, Vec<&Holding>> {
    let mut by: BTreeMap<usize, Vec<&Holding>> = BTreeMap::new();
    for h in holdings {
        by.entry(h.unit).or_default().push(h);
    }
    by
}

fn valid_on(h: &Holding, d: NaiveDate) -> bool {
    h.valid_from <= d && h.valid_to.is_none_or(|t| d < t)
}

fn lease_line(
    cx: &Ctx,
    k: usize,
    o: &Occupancy,
    landlords: &[&Holding],
    start_text: &str,
) -> String {
    let town = cx.town;
    let h = mix(k as u64, 77);
    let (lease_type, years) = match h % 10 {
        0..=2 => ("regulated", 3),
        3 => ("transitory", 1),
        _ => ("free_market", 4),
    };
    let end = day_before(add_years(o.from, years));
    let termination = o.to.map(day_before).filter(|t| *t < end);
    // market rents of at least 110 €/m² a year on the largest total surface the unit ever
    // had (above half of every OMI minimum rent of the town, at most 16.1 €/m² a month, so
    // that only planted rents are implausible, R28), unless the occupancy carries its own
    // (planted) rent
    let surface: u32 = o
        .units
        .iter()
        .map(|&u| largest_surface(&town.units[u]))
        .sum();
    let rent = o
        .lease_rent
        .unwrap_or_else(|| f64::from(surface.max(20)) * (110.0 + (h % 60) as f64));
    let landlords: Vec<String> = landlords
        .iter()
        .map(|l| {
            format!(
                "{{\"cf\":{},\"share\":\"{}/{}\"}}",
                json_str(town.subject_cf(l.subject)),
                l.share_num,
                l.share_den
            )
        })
        .collect();
    let units: Vec<String> = o
        .units
        .iter()
        .map(|&u| {
            let unit = &town.units[u];
            let state = unit.state_at(o.from);
            format!(
                "{{\"unit_key\":{},\"category\":{},\"rent\":{}}}",
                json_str(&unit.key),
                json_str(&state.map(|s| s.category.display()).unwrap_or_default()),
                state
                    .and_then(|s| s.rent)
                    .map_or("null".to_owned(), |r| format!("{r:.2}"))
            )
        })
        .collect();
    format!(
        "{{\"contract_id\":\"TNL-3T-{:06}-{}\",\"start_date\":\"{start_text}\",\"end_date\":\"{}\",\"termination_date\":{},\"lease_type\":\"{lease_type}\",\"annual_rent\":{rent:.2},\"landlords\":[{}],\"tenants\":[{{\"cf\":{}}}],\"units\":[{}],\"registration_date\":\"{}\"}}",
        k + 1,
        o.from.year(),
        iso(end),
        termination.map_or("null".to_owned(), |t| format!("\"{}\"", iso(t))),
        landlords.join(","),
        json_str(town.subject_cf(o.occupant)),
        units.join(","),
        iso(o.from + Days::new(h % 30))
    )
}

fn write_leases(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "locazioni/leases.jsonl";
    let mut out = cx.normalised(rel)?;
    let by_unit = holdings_by_unit(&town.holdings);
    let mut rows = 0u64;
    let mut sample: Option<String> = None;
    for (k, o) in town.occupancies.iter().enumerate() {
        let holders: Vec<&Holding> = by_unit
            .get(&o.units[0])
            .map(|v| v.iter().copied().filter(|h| valid_on(h, o.from)).collect())
            .unwrap_or_default();
        if holders.is_empty() || holders.iter().any(|h| h.subject == o.occupant) {
            continue;
        }
        let landlords: Vec<&Holding> = holders
            .iter()
            .copied()
            .filter(|h| h.right != "20")
            .collect();
        out.line(&lease_line(cx, k, o, &landlords, &iso(o.from)));
        rows += 1;
        if sample.is_none() {
            sample = Some(lease_line(cx, 900_000 + k, o, &landlords, "2022-09-31"));
        }
    }
    rows += cx.append_planted(&mut out);
    let loaded = rows;
    if cx.malformed()
        && let Some(bad_date) = sample
    {
        let line = out.line(&bad_date);
        cx.rec.defect(
            rel,
            line,
            Some("start_date"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        let line =
            out.line("{\"contract_id\":\"TNL-3T-999999-2020\",\"start_date\":\"2020-01-01\",");
        cx.rec
            .defect(rel, line, None, DefectKind::InvalidJson, Outcome::Rejected);
        rows += 2;
    }
    cx.rec.expect("leases", loaded);
    cx.save(out, "leases", &[("rows", rows)], loaded)
}

/// The largest total cadastral surface of a unit over its states (0 when none has one).
fn largest_surface(u: &crate::Unit) -> u32 {
    u.states
        .iter()
        .filter_map(|s| s.surface_m2)
        .max()
        .unwrap_or(0)
}

fn write_deeds(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "atti/transfer_deeds.jsonl";
    let mut out = cx.normalised(rel)?;
    let by_unit = holdings_by_unit(&town.holdings);
    let mut rows = 0u64;
    for (&unit, hs) in &by_unit {
        let mut starts: Vec<NaiveDate> = hs.iter().map(|h| h.valid_from).collect();
        starts.sort();
        starts.dedup();
        for day in starts {
            let sellers: Vec<&&Holding> = hs.iter().filter(|h| h.valid_to == Some(day)).collect();
            if sellers.is_empty() {
                continue;
            }
            let buyers: Vec<&&Holding> = hs.iter().filter(|h| h.valid_from == day).collect();
            let u = &town.units[unit];
            let h = mix(u.property_id, day.num_days_from_ce() as u64);
            let deed_type = match h % 10 {
                0 => "succession",
                1 => "donation",
                _ => "sale",
            };
            let state = u.state_at(day);
            // sales at 2 300–3 200 €/m² of the largest total surface (above 0.7 of every OMI
            // minimum value of the town, at most 3 050 €/m², R27), or 126 times the rent for
            // units without a surface; successions and donations declare no price
            let price = (deed_type == "sale").then(|| match largest_surface(u) {
                0 => state.and_then(|s| s.rent).unwrap_or(500.0) * 126.0,
                m2 => f64::from(m2) * (2300.0 + (h % 900) as f64),
            });
            let party = |x: &Holding, role: &str| {
                format!(
                    "{{\"cf\":{},\"role\":\"{role}\",\"right\":\"{}\",\"share\":\"{}/{}\"}}",
                    json_str(town.subject_cf(x.subject)),
                    x.right,
                    x.share_num,
                    x.share_den
                )
            };
            let parties: Vec<String> = sellers
                .iter()
                .map(|x| party(x, "seller"))
                .chain(buyers.iter().map(|x| party(x, "buyer")))
                .collect();
            rows += 1;
            out.line(&format!(
                "{{\"deed_id\":\"REP-{:06}/{}\",\"deed_date\":\"{}\",\"registration_date\":\"{}\",\"deed_type\":\"{deed_type}\",\"declared_price\":{},\"parties\":[{}],\"units\":[{{\"unit_key\":{},\"category\":{}}}]}}",
                rows,
                day.year(),
                iso(day),
                iso(day + Days::new(h % 20)),
                price.map_or("null".to_owned(), |p| format!("{p:.2}")),
                parties.join(","),
                json_str(&u.key),
                json_str(&state.map(|s| s.category.display()).unwrap_or_default())
            ));
        }
    }
    rows += cx.append_planted(&mut out);
    let loaded = rows;
    if cx.malformed() {
        let line = out.line(
            "{\"deed_id\":\"REP-000000/2020\",\"deed_date\":\"2020-01-15\" \"deed_type\":\"sale\"}",
        );
        cx.rec
            .defect(rel, line, None, DefectKind::InvalidJson, Outcome::Rejected);
        rows += 1;
    }
    cx.rec.expect("deeds", loaded);
    cx.save(out, "deeds", &[("rows", rows)], loaded)
}

/// Writes utilities, leases and deeds.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_utilities(cx)?;
    write_leases(cx)?;
    write_deeds(cx)
}
