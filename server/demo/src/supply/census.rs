//! The census supply of the buildings and land cadastre: `.FAB` (record types 1-5, every
//! historical state with its generating and closing deed) and `.TER` (types 1-4), written as
//! `shared/domain/censuario.md` prescribes: Latin-1, CR LF, pipes with a final pipe, decimal
//! comma, `DDMMYYYY`, foglio / particella / subalterno / civico zero-padded.

use std::collections::BTreeSet;
use std::io;

use chrono::{Datelike, Days, NaiveDate};

use super::text::{
    Encoding, TextFile, comma_euro, comma_number, ddmmyyyy, padded_particella, piped,
};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::entities::{BuildingKind, Unit, UnitState};

/// Property id of the `i`-th parcel in the `.TER` file (units keep their own ids).
pub fn parcel_property_id(i: usize) -> u64 {
    60_000_001 + i as u64
}

/// First property id of the records planted in `.FAB` / `.TER` (no generated property has it).
pub const PLANTED_PROPERTY: u64 = 99_000_001;

/// The census base name `<Belfiore><request id>`.
pub(crate) fn base_name(cx: &Ctx) -> String {
    format!("{}{}", cx.town.belfiore, cx.opts.request_id)
}

/// The six fields of a deed: efficacy, registration, note type, number, progressive, year.
pub fn deed(id: u64, progressive: u32, efficacy: NaiveDate, original: bool) -> [String; 6] {
    let h = mix(id, u64::from(progressive));
    let registered = efficacy + Days::new(h % 25);
    [
        ddmmyyyy(efficacy),
        ddmmyyyy(registered),
        if original { "I" } else { "V" }.to_owned(),
        format!("{:06}", (h >> 8) % 1_000_000),
        "001".to_owned(),
        efficacy.year().to_string(),
    ]
}

/// Causal code of a deed description (2007+ fields 41 / 43).
pub fn cause_code(description: &str) -> &'static str {
    match description {
        "IMPIANTO MECCANOGRAFICO" => "IMP",
        "COSTITUZIONE" => "COS",
        "ULTIMAZIONE DI FABBRICATO URBANO" => "UFU",
        "VARIAZIONE NEL CLASSAMENTO" => "VCL",
        "DIVERSA DISTRIBUZIONE DEGLI SPAZI INTERNI" => "DIV",
        "RISTRUTTURAZIONE" => "RST",
        "VARIAZIONE PER COLLABENZA" => "VCO",
        "DEMOLIZIONE TOTALE" => "DEM",
        "SOPPRESSIONE" => "SOP",
        _ => "VAR",
    }
}

fn key(cx: &Ctx, id: u64, kind: &str, progressive: u32, record: u8) -> Vec<String> {
    vec![
        cx.town.belfiore.to_owned(),
        String::new(),
        id.to_string(),
        kind.to_owned(),
        progressive.to_string(),
        record.to_string(),
    ]
}

/// FAB type-1 values (45) of one state; `next` is the state that closes it.
fn fab_type1(cx: &Ctx, u: &Unit, s: &UnitState, next: Option<&UnitState>) -> Vec<String> {
    let mut vals = key(cx, u.property_id, "F", s.progressive, 1);
    let zone = cx.town.parcels.get(u.parcel).map_or(1, |p| p.census_zone);
    let original = s.cause == "IMPIANTO MECCANOGRAFICO";
    vals.push(format!("{zone:03}"));
    vals.push(s.category.census());
    vals.push(s.class.map(|c| format!("{c:02}")).unwrap_or_default());
    vals.push(
        s.consistency
            .map(|c| comma_number(c, 1))
            .unwrap_or_default(),
    );
    vals.push(s.surface_m2.map(|c| c.to_string()).unwrap_or_default());
    vals.push(String::new()); // rendita lire
    vals.push(s.rent.map(comma_euro).unwrap_or_default());
    vals.extend([String::new(), String::new()]); // lotto, edificio
    vals.push(u.staircase.clone().unwrap_or_default());
    vals.push(u.internal.clone().unwrap_or_default());
    vals.push(String::new()); // interno 2
    vals.push(u.floor.clone());
    vals.extend([String::new(), String::new(), String::new()]); // piano 2-4
    vals.extend(deed(u.property_id, s.progressive, s.valid_from, original));
    let closing_cause = match (s.valid_to, next) {
        (Some(to), Some(n)) => {
            vals.extend(deed(u.property_id, n.progressive, to, false));
            n.cause
        }
        (Some(to), None) => {
            vals.extend(deed(u.property_id, s.progressive + 1, to, false));
            "SOPPRESSIONE"
        }
        (None, _) => {
            vals.extend(std::iter::repeat_n(String::new(), 6));
            ""
        }
    };
    vals.push(String::new()); // partita
    vals.push(String::new()); // annotazione
    vals.push((mix(u.property_id, 7_000 + u64::from(s.progressive)) % 90_000_000 + 1).to_string());
    vals.push(if s.valid_to.is_some() {
        (mix(u.property_id, 7_001 + u64::from(s.progressive)) % 90_000_000 + 1).to_string()
    } else {
        String::new()
    });
    vals.extend([String::new(), String::new()]); // protocollo, data notifica
    vals.push(cause_code(s.cause).to_owned());
    vals.push(s.cause.to_owned());
    if closing_cause.is_empty() {
        vals.extend([String::new(), String::new()]);
    } else {
        vals.push(cause_code(closing_cause).to_owned());
        vals.push(closing_cause.to_owned());
    }
    vals.push(String::new()); // flag classamento
    vals
}

fn fab_identifiers(cx: &Ctx, u: &Unit, progressive: u32) -> Vec<String> {
    let mut vals = key(cx, u.property_id, "F", progressive, 2);
    vals.push(String::new());
    vals.push(format!("{:04}", u.foglio));
    vals.push(padded_particella(&u.particella));
    vals.push(String::new());
    vals.push(if u.subalterno == 0 {
        String::new()
    } else {
        format!("{:04}", u.subalterno)
    });
    vals.push(String::new());
    vals
}

fn fab_address(cx: &Ctx, u: &Unit, progressive: u32) -> Option<Vec<String>> {
    let planted = cx.town.planted.fab_addresses.get(&u.key);
    let address = planted.map_or(u.address_key.as_deref(), |a| Some(a.address_key.as_str()));
    let (street, hn) = cx.address(address?)?;
    let mut vals = key(cx, u.property_id, "F", progressive, 3);
    vals.push(street.toponimo.to_string());
    vals.push(street.duf.clone());
    vals.push(format!("{:06}", hn.number));
    vals.push(hn.suffix.clone());
    vals.push(String::new());
    vals.push(if planted.is_some_and(|a| !a.street_code) {
        String::new()
    } else {
        street.cadastral_code.clone()
    });
    Some(vals)
}

/// Writes the `.FAB` file.
fn write_fab(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.FAB", base_name(cx));
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    let town = cx.town;
    let mut states = 0u64;
    let mut by_type = [0u64; 6];
    let mut planted_bad_group = cx.malformed();
    for u in &town.units {
        let apartments = u
            .building
            .and_then(|b| town.buildings.get(b))
            .is_some_and(|b| b.kind == BuildingKind::Apartments);
        for (i, s) in u.states.iter().enumerate() {
            states += 1;
            out.line(&piped(&fab_type1(cx, u, s, u.states.get(i + 1))));
            out.line(&piped(&fab_identifiers(cx, u, s.progressive)));
            by_type[1] += 1;
            by_type[2] += 1;
            if let Some(a) = fab_address(cx, u, s.progressive) {
                if planted_bad_group {
                    // a type-3 group cut to five values: rejected, the unit keeps the next one
                    let mut bad = a.clone();
                    bad.pop();
                    let line = out.line(&piped(&bad));
                    cx.rec.defect(
                        &rel,
                        line,
                        Some("type 3"),
                        DefectKind::WrongFieldCount,
                        Outcome::Rejected,
                    );
                    planted_bad_group = false;
                }
                out.line(&piped(&a));
                by_type[3] += 1;
            }
            if apartments {
                // common parts of the building: the parcel's beni comuni (no subalterno)
                let mut vals = key(cx, u.property_id, "F", s.progressive, 4);
                vals.extend([
                    String::new(),
                    format!("{:04}", u.foglio),
                    padded_particella(&u.particella),
                    String::new(),
                    String::new(),
                ]);
                out.line(&piped(&vals));
                by_type[4] += 1;
            }
            if mix(u.property_id, 55).is_multiple_of(61) {
                let mut vals = key(cx, u.property_id, "F", s.progressive, 5);
                vals.extend([
                    "1".to_owned(),
                    format!("{:07}", mix(u.property_id, 56) % 10_000_000),
                ]);
                out.line(&piped(&vals));
                by_type[5] += 1;
            }
        }
    }
    let mut loaded = town.units.len() as u64;
    if cx.malformed() {
        plant_fab(cx, &mut out, &rel, &mut states, &mut loaded);
    }
    let properties = loaded;
    cx.rec.expect("units", town.units.len() as u64);
    cx.rec.expect(
        "unit_states",
        town.units.iter().map(|u| u.states.len() as u64).sum(),
    );
    cx.save(
        out,
        "fab",
        &[
            ("properties", properties),
            ("states", states),
            ("type2", by_type[2]),
            ("type3", by_type[3]),
            ("type4", by_type[4]),
            ("type5", by_type[5]),
        ],
        loaded,
    )
}

/// Planted FAB records: a truncated state, an impossible date, an unknown category.
fn plant_fab(cx: &mut Ctx, out: &mut TextFile, rel: &str, states: &mut u64, loaded: &mut u64) {
    let Some(u) = cx
        .town
        .units
        .iter()
        .find(|u| u.states.len() == 1 && u.states[0].rent.is_some())
    else {
        return;
    };
    let s = &u.states[0];
    let mut planted = u.clone();
    // 1. truncated after the deed fields: 30 values
    planted.property_id = PLANTED_PROPERTY;
    let mut vals = fab_type1(cx, &planted, s, None);
    vals.truncate(30);
    let line = out.line(&piped(&vals));
    cx.rec.defect(
        rel,
        line,
        None,
        DefectKind::TruncatedLine,
        Outcome::Rejected,
    );
    // 2. 31 April as the efficacy date
    planted.property_id = PLANTED_PROPERTY + 1;
    let mut vals = fab_type1(cx, &planted, s, None);
    "31042018".clone_into(&mut vals[22]);
    let line = out.line(&piped(&vals));
    cx.rec.defect(
        rel,
        line,
        Some("data di efficacia"),
        DefectKind::InvalidDate,
        Outcome::Rejected,
    );
    // 3. a category the cadastre does not have: kept as written, with a warning
    planted.property_id = PLANTED_PROPERTY + 2;
    planted.subalterno = 900 + u.subalterno;
    let mut vals = fab_type1(cx, &planted, s, None);
    "A99".clone_into(&mut vals[7]);
    let line = out.line(&piped(&vals));
    cx.rec.defect(
        rel,
        line,
        Some("categoria"),
        DefectKind::UnknownCategory,
        Outcome::Warning,
    );
    out.line(&piped(&fab_identifiers(cx, &planted, s.progressive)));
    *states += 3;
    *loaded += 1;
    cx.rec.expect("units", 1);
    cx.rec.expect("unit_states", 1);
}

/// TER type-1 values (43) of the `i`-th parcel.
fn ter_type1(cx: &Ctx, i: usize) -> Vec<String> {
    let p = &cx.town.parcels[i];
    let id = parcel_property_id(i);
    let mut vals = key(cx, id, "T", 1, 1);
    vals.push(format!("{:04}", p.foglio));
    vals.push(padded_particella(&p.particella));
    vals.extend([String::new(), String::new(), String::new()]);
    vals.push(p.quality.to_string());
    vals.push(p.class.map(|c| c.to_string()).unwrap_or_default());
    let area = super::text::round_half_up(p.area_m2).max(0) as u64;
    vals.push((area / 10_000).to_string());
    vals.push((area / 100 % 100).to_string());
    vals.push((area % 100).to_string());
    vals.push(String::new()); // flag reddito
    vals.push(if has_portions(cx, i) { "1" } else { "" }.to_owned());
    vals.push(if has_deductions(cx, i) { "1" } else { "" }.to_owned());
    let lire = |e: Option<f64>| e.map(|e| format!("{:.0}", e * 1936.27)).unwrap_or_default();
    vals.push(lire(p.reddito_dominicale));
    vals.push(lire(p.reddito_agrario));
    vals.push(p.reddito_dominicale.map(comma_euro).unwrap_or_default());
    vals.push(p.reddito_agrario.map(comma_euro).unwrap_or_default());
    // every parcel dates from the original survey, registered at the mechanised set-up
    let mut d = deed(id, 1, crate::dates::ymd(1979, 1, 16), true);
    "01010001".clone_into(&mut d[0]);
    vals.extend(d);
    vals.extend(std::iter::repeat_n(String::new(), 6));
    vals.push(match p.special_account {
        Some(code) => format!("{code:0>7}"),
        None => format!("{:07}", mix(id, 3) % 9_000_000 + 1_000),
    });
    vals.push(String::new());
    vals.push((mix(id, 4) % 90_000_000 + 1).to_string());
    vals.push(String::new());
    vals.push("IMP".to_owned());
    vals.push("IMPIANTO MECCANOGRAFICO".to_owned());
    vals.extend([String::new(), String::new()]);
    vals
}

/// Writes the `.TER` file.
fn write_ter(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.TER", base_name(cx));
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    let mut by_type = [0u64; 5];
    let omitted = &cx.town.planted.ter_omitted;
    for i in 0..cx.town.parcels.len() {
        if omitted.contains(&i) {
            continue;
        }
        let id = parcel_property_id(i);
        out.line(&piped(&ter_type1(cx, i)));
        by_type[1] += 1;
        if has_deductions(cx, i) {
            let mut vals = key(cx, id, "T", 1, 2);
            vals.push("A".to_owned());
            out.line(&piped(&vals));
            by_type[2] += 1;
        }
        if mix(id, 22).is_multiple_of(97) {
            let mut vals = key(cx, id, "T", 1, 3);
            vals.extend(["1".to_owned(), format!("{:07}", mix(id, 23) % 10_000_000)]);
            out.line(&piped(&vals));
            by_type[3] += 1;
        }
        if has_portions(cx, i) {
            let p = &cx.town.parcels[i];
            let area = super::text::round_half_up(p.area_m2).max(0) as u64;
            let first = area * 3 / 5;
            let mut vals = key(cx, id, "T", 1, 4);
            for (label, quality, m2) in [("AA", p.quality, first), ("AB", 8, area - first)] {
                vals.extend([
                    label.to_owned(),
                    quality.to_string(),
                    p.class.map(|c| c.to_string()).unwrap_or_default(),
                    (m2 / 10_000).to_string(),
                    (m2 / 100 % 100).to_string(),
                    (m2 % 100).to_string(),
                ]);
            }
            out.line(&piped(&vals));
            by_type[4] += 1;
        }
    }
    let loaded = by_type[1];
    let mut records = by_type[1];
    if cx.malformed() && !cx.town.parcels.is_empty() {
        let mut vals = ter_type1(cx, 0);
        vals[2] = PLANTED_PROPERTY.to_string();
        let mut cut = vals.clone();
        cut.truncate(25);
        let line = out.line(&piped(&cut));
        cx.rec.defect(
            &rel,
            line,
            None,
            DefectKind::TruncatedLine,
            Outcome::Rejected,
        );
        vals[2] = (PLANTED_PROPERTY + 1).to_string();
        "30022001".clone_into(&mut vals[23]);
        let line = out.line(&piped(&vals));
        cx.rec.defect(
            &rel,
            line,
            Some("data di efficacia"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        records += 2;
    }
    cx.rec.expect("census_parcels", loaded);
    cx.save(
        out,
        "ter",
        &[
            ("properties", records),
            ("states", records),
            ("type2", by_type[2]),
            ("type3", by_type[3]),
            ("type4", by_type[4]),
        ],
        loaded,
    )
}

/// Agricultural parcels with a deduction (type-2 records follow, flag field 19).
fn has_deductions(cx: &Ctx, i: usize) -> bool {
    cx.town.parcels[i].class.is_some() && mix(parcel_property_id(i), 21).is_multiple_of(9)
}

/// Agricultural parcels split in two portions (type-4 record, flag field 18).
fn has_portions(cx: &Ctx, i: usize) -> bool {
    cx.town.parcels[i].class.is_some() && mix(parcel_property_id(i), 24).is_multiple_of(11)
}

/// Writes `.FAB` and `.TER`.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_fab(cx)?;
    write_ter(cx)?;
    if cx.malformed() {
        // a land-cadastre request that came back without a single byte
        let request = if cx.opts.request_id == "9999" {
            "9998"
        } else {
            "9999"
        };
        let rel = format!("censuario/{}{request}.TER", cx.town.belfiore);
        let out = cx.create(&rel, Encoding::Latin1, true)?;
        cx.rec
            .defect(&rel, 0, None, DefectKind::EmptyFile, Outcome::Rejected);
        cx.save(out, "ter", &[("properties", 0)], 0)?;
    }
    Ok(())
}

/// Distinct subjects holding at least one holding, in a stable order.
pub(crate) fn holders_in_use(cx: &Ctx) -> BTreeSet<crate::SubjectRef> {
    cx.town.holdings.iter().map(|h| h.subject).collect()
}
