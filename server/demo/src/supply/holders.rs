//! The census subjects and holdings: `.SOG` (natural persons `P`, legal entities `G`) and `.TIT`
//! (one record per holding version, with generating and closing deeds), written as
//! `shared/domain/censuario.md` §6 prescribes.

use std::io;

use super::census::{base_name, deed, parcel_property_id};
use super::text::{Encoding, ddmmyyyy, piped};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::SubjectRef;
use crate::entities::Holding;
use crate::plant::Expected;
use crate::plant::r23_building_land_as_agricultural::LandHolding;

/// The Agenzia's subject id of a holder.
pub fn subject_id(s: SubjectRef) -> u64 {
    match s {
        SubjectRef::Person(p) => 10_000_001 + p as u64,
        SubjectRef::Entity(e) => 90_000_001 + e as u64,
    }
}

/// First subject / holding id of the planted records.
const PLANTED_ID: u64 = 99_500_001;

/// A codice fiscale with its check character replaced by the next letter: structurally valid,
/// check character wrong.
pub fn corrupt_cf(cf: &str) -> String {
    let mut chars: Vec<char> = cf.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = match *last {
            'Z' => 'A',
            '9' => '0',
            c if c.is_ascii_alphanumeric() => char::from(c as u8 + 1),
            c => c,
        };
    }
    chars.into_iter().collect()
}

fn sog_record(cx: &Ctx, s: SubjectRef) -> Vec<String> {
    let town = cx.town;
    let mut vals = vec![
        town.belfiore.to_owned(),
        String::new(),
        subject_id(s).to_string(),
    ];
    match s {
        SubjectRef::Person(i) => {
            let p = &town.persons[i];
            vals.extend([
                "P".to_owned(),
                p.surname.clone(),
                p.name.clone(),
                if p.female { "2" } else { "1" }.to_owned(),
                ddmmyyyy(p.birth_date),
                p.birth_place.to_owned(),
                p.cf.clone(),
                String::new(),
            ]);
        }
        SubjectRef::Entity(i) => {
            let e = &town.entities[i];
            vals.extend([
                "G".to_owned(),
                e.name.clone(),
                e.seat.to_owned(),
                e.cf.clone(),
            ]);
        }
    }
    vals
}

fn write_sog(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.SOG", base_name(cx));
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    let mut holders = super::census::holders_in_use(cx);
    // the holders of the planted land holdings (R23, R06); a holder of units is written once
    holders.extend(
        cx.town
            .planted
            .land_holdings
            .iter()
            .map(|h| SubjectRef::Person(h.person)),
    );
    let mut records = 0u64;
    let mut loaded = 0u64;
    let mut corrupt = cx.malformed();
    let mut utf8 = cx.malformed();
    for &s in &holders {
        let mut vals = sog_record(cx, s);
        records += 1;
        loaded += 1;
        if utf8 && !corrupt && matches!(s, SubjectRef::Person(_)) {
            let record = piped(&vals);
            if !record.is_ascii() {
                // the one record written by a tool that ignored the file's Latin-1: read as
                // UTF-8, with a repair reported
                let line = out.line_in(&record, Encoding::Utf8);
                cx.rec.defect(
                    &rel,
                    line,
                    None,
                    DefectKind::WrongEncoding,
                    Outcome::Repaired,
                );
                utf8 = false;
                continue;
            }
        }
        if corrupt && matches!(s, SubjectRef::Person(_)) {
            vals[9] = corrupt_cf(&vals[9]);
            cx.report(
                "Q01",
                Expected::record(
                    &format!("sog:{}:tax_code", vals[2]),
                    format!("SOG subject with codice fiscale {}", vals[9]),
                ),
            );
            let line = out.line(&piped(&vals));
            cx.rec.defect(
                &rel,
                line,
                Some("codice fiscale"),
                DefectKind::InvalidCodiceFiscale,
                Outcome::Kept,
            );
            corrupt = false;
            continue;
        }
        out.line(&piped(&vals));
    }
    if cx.malformed()
        && let Some(&first) = holders.iter().find(|s| matches!(s, SubjectRef::Person(_)))
    {
        // the same subject id again with another surname: kept once, with a warning
        let mut vals = sog_record(cx, first);
        vals[4] = format!("{}I", vals[4]);
        let line = out.line(&piped(&vals));
        cx.rec.defect(
            &rel,
            line,
            Some("identificativo soggetto"),
            DefectKind::DuplicateKey,
            Outcome::Warning,
        );
        // a person record cut after the birth date: 8 values
        let mut vals = sog_record(cx, first);
        vals[2] = PLANTED_ID.to_string();
        vals.truncate(8);
        let line = out.line(&piped(&vals));
        cx.rec.defect(
            &rel,
            line,
            None,
            DefectKind::TruncatedLine,
            Outcome::Rejected,
        );
        records += 2;
        // the repeated subject is read (and reported); it names no new subject
        loaded += 1;
    }
    cx.rec.expect("subjects", holders.len() as u64);
    let persons = holders
        .iter()
        .filter(|s| matches!(s, SubjectRef::Person(_)))
        .count() as u64;
    cx.save(
        out,
        "sog",
        &[
            ("subjects", records),
            ("persons", persons),
            ("entities", holders.len() as u64 - persons),
        ],
        loaded,
    )
}

fn tit_record(cx: &Ctx, h: &Holding) -> Vec<String> {
    tit_values(cx, h, cx.town.units[h.unit].property_id, "F")
}

/// TIT values of a planted land holding (R23): the TER parcel's property, kind `T`.
fn tit_land_record(cx: &Ctx, l: &LandHolding) -> Vec<String> {
    let h = Holding {
        id: l.id,
        unit: 0,
        subject: SubjectRef::Person(l.person),
        right: "10",
        share_num: l.share_num,
        share_den: l.share_den,
        valid_from: l.valid_from,
        valid_to: None,
    };
    tit_values(cx, &h, parcel_property_id(l.parcel), "T")
}

/// TIT values of holding `h` on property `property` of kind `kind` (`F` unit, `T` parcel).
fn tit_values(cx: &Ctx, h: &Holding, property: u64, kind: &str) -> Vec<String> {
    let town = cx.town;
    let mut vals = vec![
        town.belfiore.to_owned(),
        String::new(),
        subject_id(h.subject).to_string(),
        match h.subject {
            SubjectRef::Person(_) => "P",
            SubjectRef::Entity(_) => "G",
        }
        .to_owned(),
        property.to_string(),
        kind.to_owned(),
        h.right.to_owned(),
        String::new(),
        h.share_num.to_string(),
        h.share_den.to_string(),
        String::new(),
        String::new(),
    ];
    let opening = deed(h.id, 1, h.valid_from, false);
    vals.push(opening[0].clone());
    vals.extend(opening[2..6].iter().cloned());
    vals.push(opening[1].clone());
    vals.push(String::new()); // partita
    match h.valid_to {
        Some(to) => {
            let closing = deed(h.id, 2, to, false);
            vals.push(closing[0].clone());
            vals.extend(closing[2..6].iter().cloned());
            vals.push(closing[1].clone());
        }
        None => vals.extend(std::iter::repeat_n(String::new(), 6)),
    }
    vals.push((mix(h.id, 11) % 90_000_000 + 1).to_string());
    vals.push(if h.valid_to.is_some() {
        (mix(h.id, 12) % 90_000_000 + 1).to_string()
    } else {
        String::new()
    });
    vals.push(h.id.to_string());
    vals.push("ISI".to_owned());
    vals.push("ISTRUMENTO (ATTO PUBBLICO)".to_owned());
    if h.valid_to.is_some() {
        vals.push("ISI".to_owned());
        vals.push("ISTRUMENTO (ATTO PUBBLICO)".to_owned());
    } else {
        vals.extend([String::new(), String::new()]);
    }
    vals
}

fn write_tit(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.TIT", base_name(cx));
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    for h in &cx.town.holdings {
        out.line(&piped(&tit_record(cx, h)));
    }
    let land = &cx.town.planted.land_holdings;
    for l in land {
        out.line(&piped(&tit_land_record(cx, l)));
    }
    let held = (cx.town.holdings.len() + land.len()) as u64;
    let mut records = held;
    if cx.malformed()
        && let Some(h) = cx.town.holdings.first()
    {
        let mut planted = h.clone();
        planted.id = PLANTED_ID;
        let mut vals = tit_record(cx, &planted);
        vals.truncate(20);
        let line = out.line(&piped(&vals));
        cx.rec.defect(
            &rel,
            line,
            None,
            DefectKind::TruncatedLine,
            Outcome::Rejected,
        );
        planted.id = PLANTED_ID + 1;
        let mut vals = tit_record(cx, &planted);
        "29022023".clone_into(&mut vals[12]);
        let line = out.line(&piped(&vals));
        cx.rec.defect(
            &rel,
            line,
            Some("data di validità"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        records += 2;
    }
    cx.rec.expect("holdings", held);
    cx.save(out, "tit", &[("holdings", records)], held)
}

/// Writes `.SOG` and `.TIT`.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_sog(cx)?;
    write_tit(cx)
}
