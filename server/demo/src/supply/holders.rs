//! The census subjects and holdings: `.SOG` (natural persons `P`, legal entities `G`) and `.TIT`
//! (one record per holding version, with generating and closing deeds), written as
//! `shared/domain/censuario.md` §6 prescribes.

use std::io;

use super::census::{base_name, deed};
use super::text::{Encoding, TextFile, ddmmyyyy, piped};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::SubjectRef;
use crate::entities::Holding;

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
    let m = cx.m;
    let mut v = vec![
        m.belfiore.to_owned(),
        String::new(),
        subject_id(s).to_string(),
    ];
    match s {
        SubjectRef::Person(i) => {
            let p = &m.persons[i];
            v.extend([
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
            let e = &m.entities[i];
            v.extend([
                "G".to_owned(),
                e.name.clone(),
                e.seat.to_owned(),
                e.cf.clone(),
            ]);
        }
    }
    v
}

fn write_sog(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.SOG", base_name(cx));
    let mut f = TextFile::new(&rel, Encoding::Latin1, true);
    let holders = super::census::holders_in_use(cx);
    let mut records = 0u64;
    let mut loaded = 0u64;
    let mut corrupt = cx.malformed();
    for &s in &holders {
        let mut v = sog_record(cx, s);
        records += 1;
        loaded += 1;
        if corrupt && matches!(s, SubjectRef::Person(_)) {
            v[9] = corrupt_cf(&v[9]);
            let line = f.line(&piped(&v));
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
        f.line(&piped(&v));
    }
    if cx.malformed()
        && let Some(&first) = holders.iter().find(|s| matches!(s, SubjectRef::Person(_)))
    {
        // the same subject id again with another surname: kept once, with a warning
        let mut v = sog_record(cx, first);
        v[4] = format!("{}I", v[4]);
        let line = f.line(&piped(&v));
        cx.rec.defect(
            &rel,
            line,
            Some("identificativo soggetto"),
            DefectKind::DuplicateKey,
            Outcome::Warning,
        );
        // a person record cut after the birth date: 8 values
        let mut v = sog_record(cx, first);
        v[2] = PLANTED_ID.to_string();
        v.truncate(8);
        let line = f.line(&piped(&v));
        cx.rec.defect(
            &rel,
            line,
            None,
            DefectKind::TruncatedLine,
            Outcome::Rejected,
        );
        records += 2;
    }
    cx.rec.expect("subjects", holders.len() as u64);
    let persons = holders
        .iter()
        .filter(|s| matches!(s, SubjectRef::Person(_)))
        .count() as u64;
    cx.save(
        &f,
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
    let m = cx.m;
    let unit = &m.units[h.unit];
    let mut v = vec![
        m.belfiore.to_owned(),
        String::new(),
        subject_id(h.subject).to_string(),
        match h.subject {
            SubjectRef::Person(_) => "P",
            SubjectRef::Entity(_) => "G",
        }
        .to_owned(),
        unit.property_id.to_string(),
        "F".to_owned(),
        h.right.to_owned(),
        String::new(),
        h.share_num.to_string(),
        h.share_den.to_string(),
        String::new(),
        String::new(),
    ];
    let opening = deed(h.id, 1, h.valid_from, false);
    v.push(opening[0].clone());
    v.extend(opening[2..6].iter().cloned());
    v.push(opening[1].clone());
    v.push(String::new()); // partita
    match h.valid_to {
        Some(to) => {
            let closing = deed(h.id, 2, to, false);
            v.push(closing[0].clone());
            v.extend(closing[2..6].iter().cloned());
            v.push(closing[1].clone());
        }
        None => v.extend(std::iter::repeat_n(String::new(), 6)),
    }
    v.push((mix(h.id, 11) % 90_000_000 + 1).to_string());
    v.push(if h.valid_to.is_some() {
        (mix(h.id, 12) % 90_000_000 + 1).to_string()
    } else {
        String::new()
    });
    v.push(h.id.to_string());
    v.push("ISI".to_owned());
    v.push("ISTRUMENTO (ATTO PUBBLICO)".to_owned());
    if h.valid_to.is_some() {
        v.push("ISI".to_owned());
        v.push("ISTRUMENTO (ATTO PUBBLICO)".to_owned());
    } else {
        v.extend([String::new(), String::new()]);
    }
    v
}

fn write_tit(cx: &mut Ctx) -> io::Result<()> {
    let rel = format!("censuario/{}.TIT", base_name(cx));
    let mut f = TextFile::new(&rel, Encoding::Latin1, true);
    for h in &cx.m.holdings {
        f.line(&piped(&tit_record(cx, h)));
    }
    let mut records = cx.m.holdings.len() as u64;
    if cx.malformed()
        && let Some(h) = cx.m.holdings.first()
    {
        let mut planted = h.clone();
        planted.id = PLANTED_ID;
        let mut v = tit_record(cx, &planted);
        v.truncate(20);
        let line = f.line(&piped(&v));
        cx.rec.defect(
            &rel,
            line,
            None,
            DefectKind::TruncatedLine,
            Outcome::Rejected,
        );
        planted.id = PLANTED_ID + 1;
        let mut v = tit_record(cx, &planted);
        v[12] = "29022023".to_owned();
        let line = f.line(&piped(&v));
        cx.rec.defect(
            &rel,
            line,
            Some("data di validità"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        records += 2;
    }
    cx.rec.expect("holdings", cx.m.holdings.len() as u64);
    let loaded = cx.m.holdings.len() as u64;
    cx.save(&f, "tit", &[("holdings", records)], loaded)
}

/// Writes `.SOG` and `.TIT`.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_sog(cx)?;
    write_tit(cx)
}
