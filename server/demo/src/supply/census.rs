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
    format!("{}{}", cx.m.belfiore, cx.opts.request_id)
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
        cx.m.belfiore.to_owned(),
        String::new(),
        id.to_string(),
        kind.to_owned(),
        progressive.to_string(),
        record.to_string(),
    ]
}

/// FAB type-1 values (45) of one state; `next` is the state that closes it.
fn fab_type1(cx: &Ctx, u: &Unit, s: &UnitState, next: Option<&UnitState>) -> Vec<String> {
    let mut v = key(cx, u.property_id, "F", s.progressive, 1);
    let zone = cx.m.parcels.get(u.parcel).map_or(1, |p| p.census_zone);
    let original = s.cause == "IMPIANTO MECCANOGRAFICO";
    v.push(format!("{zone:03}"));
    v.push(s.category.census());
    v.push(s.class.map(|c| format!("{c:02}")).unwrap_or_default());
    v.push(
        s.consistency
            .map(|c| comma_number(c, 1))
            .unwrap_or_default(),
    );
    v.push(s.surface_m2.map(|c| c.to_string()).unwrap_or_default());
    v.push(String::new()); // rendita lire
    v.push(s.rent.map(comma_euro).unwrap_or_default());
    v.extend([String::new(), String::new()]); // lotto, edificio
    v.push(u.staircase.clone().unwrap_or_default());
    v.push(u.internal.clone().unwrap_or_default());
    v.push(String::new()); // interno 2
    v.push(u.floor.clone());
    v.extend([String::new(), String::new(), String::new()]); // piano 2-4
    v.extend(deed(u.property_id, s.progressive, s.valid_from, original));
    let closing_cause = match (s.valid_to, next) {
        (Some(to), Some(n)) => {
            v.extend(deed(u.property_id, n.progressive, to, false));
            n.cause
        }
        (Some(to), None) => {
            v.extend(deed(u.property_id, s.progressive + 1, to, false));
            "SOPPRESSIONE"
        }
        (None, _) => {
            v.extend(std::iter::repeat_n(String::new(), 6));
            ""
        }
    };
    v.push(String::new()); // partita
    v.push(String::new()); // annotazione
    v.push((mix(u.property_id, 7_000 + u64::from(s.progressive)) % 90_000_000 + 1).to_string());
    v.push(if s.valid_to.is_some() {
        (mix(u.property_id, 7_001 + u64::from(s.progressive)) % 90_000_000 + 1).to_string()
    } else {
        String::new()
    });
    v.extend([String::new(), String::new()]); // protocollo, data notifica
    v.push(cause_code(s.cause).to_owned());
    v.push(s.cause.to_owned());
    if closing_cause.is_empty() {
        v.extend([String::new(), String::new()]);
    } else {
        v.push(cause_code(closing_cause).to_owned());
        v.push(closing_cause.to_owned());
    }
    v.push(String::new()); // flag classamento
    v
}

fn fab_identifiers(cx: &Ctx, u: &Unit, progressive: u32) -> Vec<String> {
    let mut v = key(cx, u.property_id, "F", progressive, 2);
    v.push(String::new());
    v.push(format!("{:04}", u.foglio));
    v.push(padded_particella(&u.particella));
    v.push(String::new());
    v.push(if u.subalterno == 0 {
        String::new()
    } else {
        format!("{:04}", u.subalterno)
    });
    v.push(String::new());
    v
}

fn fab_address(cx: &Ctx, u: &Unit, progressive: u32) -> Option<Vec<String>> {
    let (street, hn) = cx.address(u.address_key.as_deref()?)?;
    let mut v = key(cx, u.property_id, "F", progressive, 3);
    v.push(street.toponimo.to_string());
    v.push(street.duf.clone());
    v.push(format!("{:06}", hn.number));
    v.push(hn.suffix.clone());
    v.push(String::new());
    v.push(street.cadastral_code.clone());
    Some(v)
}

/// Writes the `.FAB` file.
fn write_fab(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.FAB", base_name(cx));
    let mut f = TextFile::new(&rel, Encoding::Latin1, true);
    let m = cx.m;
    let mut states = 0u64;
    let mut by_type = [0u64; 6];
    let mut planted_bad_group = cx.malformed();
    for u in &m.units {
        let apartments = u
            .building
            .and_then(|b| m.buildings.get(b))
            .is_some_and(|b| b.kind == BuildingKind::Apartments);
        for (i, s) in u.states.iter().enumerate() {
            states += 1;
            f.line(&piped(&fab_type1(cx, u, s, u.states.get(i + 1))));
            f.line(&piped(&fab_identifiers(cx, u, s.progressive)));
            by_type[1] += 1;
            by_type[2] += 1;
            if let Some(a) = fab_address(cx, u, s.progressive) {
                if planted_bad_group {
                    // a type-3 group cut to five values: rejected, the unit keeps the next one
                    let mut bad = a.clone();
                    bad.pop();
                    let line = f.line(&piped(&bad));
                    cx.rec.defect(
                        &rel,
                        line,
                        Some("type 3"),
                        DefectKind::WrongFieldCount,
                        Outcome::Rejected,
                    );
                    planted_bad_group = false;
                }
                f.line(&piped(&a));
                by_type[3] += 1;
            }
            if apartments {
                // common parts of the building: the parcel's beni comuni (no subalterno)
                let mut v = key(cx, u.property_id, "F", s.progressive, 4);
                v.extend([
                    String::new(),
                    format!("{:04}", u.foglio),
                    padded_particella(&u.particella),
                    String::new(),
                    String::new(),
                ]);
                f.line(&piped(&v));
                by_type[4] += 1;
            }
            if mix(u.property_id, 55) % 61 == 0 {
                let mut v = key(cx, u.property_id, "F", s.progressive, 5);
                v.extend([
                    "1".to_owned(),
                    format!("{:07}", mix(u.property_id, 56) % 10_000_000),
                ]);
                f.line(&piped(&v));
                by_type[5] += 1;
            }
        }
    }
    let mut loaded = m.units.len() as u64;
    if cx.malformed() {
        plant_fab(cx, &mut f, &rel, &mut states, &mut loaded);
    }
    let properties = loaded;
    cx.rec.expect("units", m.units.len() as u64);
    cx.rec.expect(
        "unit_states",
        m.units.iter().map(|u| u.states.len() as u64).sum(),
    );
    cx.save(
        &f,
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
fn plant_fab(cx: &mut Ctx, f: &mut TextFile, rel: &str, states: &mut u64, loaded: &mut u64) {
    let Some(u) =
        cx.m.units
            .iter()
            .find(|u| u.states.len() == 1 && u.states[0].rent.is_some())
    else {
        return;
    };
    let s = &u.states[0];
    let mut planted = u.clone();
    // 1. truncated after the deed fields: 30 values
    planted.property_id = PLANTED_PROPERTY;
    let mut v = fab_type1(cx, &planted, s, None);
    v.truncate(30);
    let line = f.line(&piped(&v));
    cx.rec.defect(
        rel,
        line,
        None,
        DefectKind::TruncatedLine,
        Outcome::Rejected,
    );
    // 2. 31 April as the efficacy date
    planted.property_id = PLANTED_PROPERTY + 1;
    let mut v = fab_type1(cx, &planted, s, None);
    v[22] = "31042018".to_owned();
    let line = f.line(&piped(&v));
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
    let mut v = fab_type1(cx, &planted, s, None);
    v[7] = "A99".to_owned();
    let line = f.line(&piped(&v));
    cx.rec.defect(
        rel,
        line,
        Some("categoria"),
        DefectKind::UnknownCategory,
        Outcome::Warning,
    );
    f.line(&piped(&fab_identifiers(cx, &planted, s.progressive)));
    *states += 3;
    *loaded += 1;
    cx.rec.expect("units", 1);
    cx.rec.expect("unit_states", 1);
}

/// TER type-1 values (43) of the `i`-th parcel.
fn ter_type1(cx: &Ctx, i: usize) -> Vec<String> {
    let p = &cx.m.parcels[i];
    let id = parcel_property_id(i);
    let mut v = key(cx, id, "T", 1, 1);
    v.push(format!("{:04}", p.foglio));
    v.push(padded_particella(&p.particella));
    v.extend([String::new(), String::new(), String::new()]);
    v.push(p.quality.to_string());
    v.push(p.class.map(|c| c.to_string()).unwrap_or_default());
    let area = super::text::round_half_up(p.area_m2).max(0) as u64;
    v.push((area / 10_000).to_string());
    v.push((area / 100 % 100).to_string());
    v.push((area % 100).to_string());
    v.push(String::new()); // flag reddito
    v.push(if has_portions(cx, i) { "1" } else { "" }.to_owned());
    v.push(if has_deductions(cx, i) { "1" } else { "" }.to_owned());
    let lire = |e: Option<f64>| e.map(|e| format!("{:.0}", e * 1936.27)).unwrap_or_default();
    v.push(lire(p.reddito_dominicale));
    v.push(lire(p.reddito_agrario));
    v.push(p.reddito_dominicale.map(comma_euro).unwrap_or_default());
    v.push(p.reddito_agrario.map(comma_euro).unwrap_or_default());
    // every parcel dates from the original survey, registered at the mechanised set-up
    let mut d = deed(id, 1, crate::dates::ymd(1979, 1, 16), true);
    d[0] = "01010001".to_owned();
    v.extend(d);
    v.extend(std::iter::repeat_n(String::new(), 6));
    v.push(match p.special_account {
        Some(code) => format!("{code:0>7}"),
        None => format!("{:07}", mix(id, 3) % 9_000_000 + 1_000),
    });
    v.push(String::new());
    v.push((mix(id, 4) % 90_000_000 + 1).to_string());
    v.push(String::new());
    v.push("IMP".to_owned());
    v.push("IMPIANTO MECCANOGRAFICO".to_owned());
    v.extend([String::new(), String::new()]);
    v
}

/// Writes the `.TER` file.
fn write_ter(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.TER", base_name(cx));
    let mut f = TextFile::new(&rel, Encoding::Latin1, true);
    let mut by_type = [0u64; 5];
    for i in 0..cx.m.parcels.len() {
        let id = parcel_property_id(i);
        f.line(&piped(&ter_type1(cx, i)));
        by_type[1] += 1;
        if has_deductions(cx, i) {
            let mut v = key(cx, id, "T", 1, 2);
            v.push("A".to_owned());
            f.line(&piped(&v));
            by_type[2] += 1;
        }
        if mix(id, 22) % 97 == 0 {
            let mut v = key(cx, id, "T", 1, 3);
            v.extend(["1".to_owned(), format!("{:07}", mix(id, 23) % 10_000_000)]);
            f.line(&piped(&v));
            by_type[3] += 1;
        }
        if has_portions(cx, i) {
            let p = &cx.m.parcels[i];
            let area = super::text::round_half_up(p.area_m2).max(0) as u64;
            let first = area * 3 / 5;
            let mut v = key(cx, id, "T", 1, 4);
            for (label, quality, m2) in [("AA", p.quality, first), ("AB", 8, area - first)] {
                v.extend([
                    label.to_owned(),
                    quality.to_string(),
                    p.class.map(|c| c.to_string()).unwrap_or_default(),
                    (m2 / 10_000).to_string(),
                    (m2 / 100 % 100).to_string(),
                    (m2 % 100).to_string(),
                ]);
            }
            f.line(&piped(&v));
            by_type[4] += 1;
        }
    }
    let loaded = cx.m.parcels.len() as u64;
    let mut records = cx.m.parcels.len() as u64;
    if cx.malformed() && !cx.m.parcels.is_empty() {
        let mut v = ter_type1(cx, 0);
        v[2] = PLANTED_PROPERTY.to_string();
        let mut cut = v.clone();
        cut.truncate(25);
        let line = f.line(&piped(&cut));
        cx.rec.defect(
            &rel,
            line,
            None,
            DefectKind::TruncatedLine,
            Outcome::Rejected,
        );
        v[2] = (PLANTED_PROPERTY + 1).to_string();
        v[23] = "30022001".to_owned();
        let line = f.line(&piped(&v));
        cx.rec.defect(
            &rel,
            line,
            Some("data di efficacia"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        records += 2;
    }
    cx.rec.expect("census_parcels", cx.m.parcels.len() as u64);
    cx.save(
        &f,
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
    cx.m.parcels[i].class.is_some() && mix(parcel_property_id(i), 21) % 9 == 0
}

/// Agricultural parcels split in two portions (type-4 record, flag field 18).
fn has_portions(cx: &Ctx, i: usize) -> bool {
    cx.m.parcels[i].class.is_some() && mix(parcel_property_id(i), 24) % 11 == 0
}

/// Writes `.FAB` and `.TER`.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_fab(cx)?;
    write_ter(cx)
}

/// Distinct subjects holding at least one holding, in a stable order.
pub(crate) fn holders_in_use(cx: &Ctx) -> BTreeSet<crate::SubjectRef> {
    cx.m.holdings.iter().map(|h| h.subject).collect()
}
