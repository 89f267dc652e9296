//! The municipal registers in the normalised schemas of `shared/domain/other-supplies.md`:
//! street register (`streets.csv`, `house_numbers.geojson`, §7), civil registry
//! (`residents.csv`, §4), TARI (`tari.csv`, §9) and cadastral surfaces
//! (`cadastral_surface.csv`, §1). CSV as in §0.2: UTF-8, `;`, one header line, no quoting.

use std::io;

use segit_query::{Crs, Transformer};

use super::holders::corrupt_cf;
use super::text::{iso, iso_opt, round_half_up};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::entities::Unit;
use crate::plant::Expected;

/// Streets and house numbers.
fn write_streets(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "stradario/streets.csv";
    let mut out = cx.normalised(rel)?;
    out.line("street_code;dug;duf;full_name;cadastral_toponimo;cadastral_street_code");
    for s in &town.streets {
        out.line(&format!(
            "{};{};{};{};{};{}",
            s.code,
            s.dug,
            s.duf,
            s.full_name(),
            s.toponimo,
            s.cadastral_code
        ));
    }
    let mut rows = town.streets.len() as u64;
    if cx.malformed() {
        let line = out.line("9999;VIA;DEI PLATANI;VIA DEI PLATANI;236");
        cx.rec.defect(
            rel,
            line,
            None,
            DefectKind::WrongFieldCount,
            Outcome::Rejected,
        );
        rows += 1;
        // a row written in Latin-1 (`À` is one byte, not valid UTF-8): rejected
        let line = out.line_in(
            "9998;PIAZZA;DELLA LIBERTÀ;PIAZZA DELLA LIBERTÀ;236;99998",
            super::text::Encoding::Latin1,
        );
        cx.rec.defect(
            rel,
            line,
            None,
            DefectKind::WrongEncoding,
            Outcome::Rejected,
        );
        rows += 1;
    }
    cx.rec.expect("streets", town.streets.len() as u64);
    cx.save(out, "streets", &[("rows", rows)], town.streets.len() as u64)?;

    let rel = "stradario/house_numbers.geojson";
    let t = Transformer::new(town.crs, Crs::Crs84).map_err(|e| io::Error::other(e.to_string()))?;
    let mut out = cx.normalised(rel)?;
    out.line(r#"{"type":"FeatureCollection","features":["#);
    let n = town.house_numbers.len();
    for (i, h) in town.house_numbers.iter().enumerate() {
        let (lon, lat) = t
            .transform_coord(h.point.x(), h.point.y())
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.line(&format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon:.7},{lat:.7}]}},"properties":{{"address_key":{},"street_code":{},"number":{},"suffix":{},"parcel_key":{}}}}}{}"#,
            super::text::json_str(&h.address_key),
            h.street_code,
            h.number,
            super::text::json_str(&h.suffix),
            super::text::json_str(&h.parcel_key),
            if i + 1 < n { "," } else { "" }
        ));
    }
    out.line("]}");
    cx.rec.expect("house_numbers", n as u64);
    cx.save(out, "house-numbers", &[("features", n as u64)], n as u64)
}

/// Civil registry.
fn write_residents(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "anagrafe/residents.csv";
    let mut out = cx.normalised(rel)?;
    out.line("person_cf;household_id;relationship;address_key;staircase;floor;internal;from_date;to_date;birth_date;sex;citizenship;unit_key");
    let row = |r: &crate::Resident, cf: &str, from: &str| {
        let p = &town.persons[r.person];
        format!(
            "{cf};{};{};{};{};{};{};{from};{};{};{};{};{}",
            r.household_id,
            r.relationship,
            r.address_key,
            r.staircase.as_deref().unwrap_or(""),
            r.floor.as_deref().unwrap_or(""),
            r.internal.as_deref().unwrap_or(""),
            iso_opt(r.to),
            iso(p.birth_date),
            if p.female { "F" } else { "M" },
            p.citizenship,
            r.unit_key.as_deref().unwrap_or("")
        )
    };
    for (i, r) in town.residents.iter().enumerate() {
        let cf = &town.persons[r.person].cf;
        if cx.malformed() && i == 3 {
            let bad = corrupt_cf(cf);
            cx.report(
                "Q01",
                Expected::record(
                    &format!(
                        "residents:{}/{bad}/{}:person_cf",
                        r.household_id,
                        iso(r.from)
                    ),
                    format!("resident with codice fiscale {bad}"),
                ),
            );
            let line = out.line(&row(r, &bad, &iso(r.from)));
            cx.rec.defect(
                rel,
                line,
                Some("person_cf"),
                DefectKind::InvalidCodiceFiscale,
                Outcome::Kept,
            );
        } else {
            out.line(&row(r, cf, &iso(r.from)));
        }
    }
    let mut rows = town.residents.len() as u64;
    if cx.malformed()
        && let Some(r) = town.residents.first()
    {
        let cf = &town.persons[r.person].cf;
        let line = out.line(&row(r, cf, "2021-04-31"));
        cx.rec.defect(
            rel,
            line,
            Some("from_date"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        let full = row(r, cf, &iso(r.from));
        let cut = full.rsplitn(3, ';').last().unwrap_or_default().to_owned();
        let line = out.line(&cut);
        cx.rec.defect(
            rel,
            line,
            None,
            DefectKind::WrongFieldCount,
            Outcome::Rejected,
        );
        rows += 2;
    }
    cx.rec.expect("residents", town.residents.len() as u64);
    cx.save(
        out,
        "residents",
        &[("rows", rows)],
        town.residents.len() as u64,
    )
}

/// Civil-registry deaths (project convention `anagrafe/deaths.csv`, `person_cf;death_date;
/// record_id`): the generator models no deaths, the file holds the deaths planted for R24.
fn write_deaths(cx: &mut Ctx) -> io::Result<()> {
    let rel = crate::plant::DEATHS;
    let mut out = cx.normalised(rel)?;
    out.line("person_cf;death_date;record_id");
    let rows = cx.append_planted(&mut out);
    cx.rec.expect("deaths", rows);
    cx.save(out, "deaths", &[("rows", rows)], rows)
}

/// TARI premises.
fn write_tari(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "tari/tari.csv";
    let mut out = cx.normalised(rel)?;
    out.line("account_id;premises_seq;payer_cf;user_type;tariff_class;occupants;address;address_key;staircase;floor;internal;unit_keys;declared_m2;start_date;end_date;reduction");
    let row = |t: &crate::TariPosition, m2: &str| {
        let h = mix(
            u64::from(t.premises_seq),
            t.account_id.bytes().map(u64::from).sum(),
        );
        let keys: Vec<&str> = t
            .units
            .iter()
            .map(|&u| town.units[u].key.as_str())
            .collect();
        format!(
            "{};{};{};{};{};{};{};{};{};{};{};{};{m2};{};{};",
            t.account_id,
            t.premises_seq,
            town.subject_cf(t.payer),
            t.user_type,
            t.tariff_class.unwrap_or(""),
            t.occupants.map(|o| o.to_string()).unwrap_or_default(),
            cx.address_text(&t.address_key, h.is_multiple_of(3)),
            if h.is_multiple_of(7) {
                ""
            } else {
                t.address_key.as_str()
            },
            t.staircase.as_deref().unwrap_or(""),
            t.floor.as_deref().unwrap_or(""),
            t.internal.as_deref().unwrap_or(""),
            keys.join(","),
            iso(t.start_date),
            iso_opt(t.end_date),
        )
    };
    for t in &town.tari_positions {
        out.line(&row(t, &t.declared_m2.to_string()));
    }
    let mut rows = town.tari_positions.len() as u64;
    if cx.malformed()
        && let Some(t) = town.tari_positions.first()
    {
        let (non_numeric, extra) = (row(t, "ottanta"), format!("{};extra", row(t, "80")));
        let line = out.line(&non_numeric);
        cx.rec.defect(
            rel,
            line,
            Some("declared_m2"),
            DefectKind::NonNumeric,
            Outcome::Rejected,
        );
        let line = out.line(&extra);
        cx.rec.defect(
            rel,
            line,
            None,
            DefectKind::WrongFieldCount,
            Outcome::Rejected,
        );
        rows += 2;
    }
    cx.rec
        .expect("tari_premises", town.tari_positions.len() as u64);
    cx.save(
        out,
        "tari",
        &[("rows", rows)],
        town.tari_positions.len() as u64,
    )
}

/// DOCFA polygons of a dwelling consistent with its two surfaces (censuario.md §10 weights):
/// A (+ B) give the surface excluding uncovered areas, a balcony D the rest.
pub fn dwelling_polygons(u: &Unit, total: u32, excl: u32) -> String {
    let mut parts = Vec::new();
    let excl = f64::from(excl);
    if excl >= 40.0 && mix(u.property_id, 31).is_multiple_of(3) {
        parts.push(format!("[\"A\",{},2.7]", excl - 4.0));
        parts.push("[\"B\",8,2.4]".to_owned());
    } else {
        parts.push(format!("[\"A\",{excl},2.7]"));
    }
    let diff = f64::from(total) - excl;
    if diff > 0.0 {
        let d = if diff <= 7.5 {
            diff / 0.3
        } else {
            25.0 + (diff - 7.5) / 0.1
        };
        parts.push(format!("[\"D\",{},0.0]", crate::geom::round2(d)));
    }
    format!("[{}]", parts.join(","))
}

/// Cadastral surfaces.
fn write_surfaces(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "superfici/cadastral_surface.csv";
    let mut out = cx.normalised(rel)?;
    out.line("comune;age_property_id;unit_key;categoria;sup_totale_m2;sup_escl_aree_scoperte_m2;polygons;data_riferimento;source");
    let mut rows = 0u64;
    let mut first: Option<String> = None;
    for u in &town.units {
        let Some(s) = u.current() else { continue };
        let (Some(total), Some(excl)) = (s.surface_m2, s.surface_excl_m2) else {
            continue;
        };
        if !matches!(s.category.group, 'A' | 'B' | 'C') {
            continue;
        }
        let polygons = if s.category.group == 'A' {
            dwelling_polygons(u, total, excl)
        } else {
            "[]".to_owned()
        };
        let line = format!(
            "{};{};{};{};{total};{excl};{polygons};{};{}",
            town.belfiore,
            u.property_id,
            u.key,
            s.category.census(),
            iso(s.valid_from),
            cx.opts.supply_id
        );
        out.line(&line);
        first.get_or_insert(line);
        rows += 1;
    }
    let loaded = rows;
    if cx.malformed()
        && let Some(good) = first
    {
        let fields: Vec<&str> = good.split(';').collect();
        let mut bad = fields.clone();
        bad[7] = "2019-02-30";
        let line = out.line(&bad.join(";"));
        cx.rec.defect(
            rel,
            line,
            Some("data_riferimento"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        let mut bad = fields;
        bad[4] = "98,5";
        let line = out.line(&bad.join(";"));
        cx.rec.defect(
            rel,
            line,
            Some("sup_totale_m2"),
            DefectKind::NonNumeric,
            Outcome::Rejected,
        );
        rows += 2;
    }
    cx.rec.expect("surfaces", loaded);
    cx.save(out, "surfaces", &[("rows", rows)], loaded)
}

/// Writes the registers.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_streets(cx)?;
    write_residents(cx)?;
    write_deaths(cx)?;
    write_tari(cx)?;
    write_surfaces(cx)
}

/// Whether `polygons` (a `polygons` cell) gives `excl` and `total` with the weights of
/// censuario.md §10 (A 100 %, B 50 %, C 25 %; D 30 % up to 25 m² then 10 %).
pub fn polygons_match(polygons: &str, total: i64, excl: i64) -> bool {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(polygons)
    else {
        return false;
    };
    let (mut covered, mut open) = (0.0, 0.0);
    for item in &items {
        let (Some(kind), Some(m2)) = (
            item.get(0)
                .and_then(|v| v.as_str())
                .and_then(|s| s.chars().next()),
            item.get(1).and_then(serde_json::Value::as_f64),
        ) else {
            return false;
        };
        match kind {
            'A' => covered += m2,
            'B' => covered += m2 * 0.5,
            'C' => covered += m2 * 0.25,
            'D' => open += m2.min(25.0) * 0.3 + (m2 - 25.0).max(0.0) * 0.1,
            _ => {}
        }
    }
    round_half_up(covered) == excl && round_half_up(covered + open) == total
}
