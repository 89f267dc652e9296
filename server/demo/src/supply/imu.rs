//! IMU declarations (MEF fixed-length records, `IMU_<Belfiore>_<year>.txt`) and F24 IMU
//! payments (`f24_imu.csv`), as `shared/domain/other-supplies.md` §5 and §5.1 prescribe.
//!
//! Declarations: a deterministic sample of the acquisitions since 2012 of holders with an IMU
//! position is declared in the year of the acquisition (characteristic 5 when the unit is the
//! holder's main residence, 6 for an appurtenance of it, 3 otherwise), with the taxable base
//! of the unit's rent on the day of the acquisition. Payments: the amount paid of every position, per
//! payer and tax code, as one single payment or an advance and a balance.

use std::collections::BTreeMap;
use std::io;

use chrono::Datelike;

use super::holders::corrupt_cf;
use super::text::{Encoding, ddmmyyyy, iso};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::SubjectRef;
use crate::dates::ymd;
use crate::plant::imu_declarations::BlockProperty;

/// Characters of a record before the final `A`.
pub const RECORD_CHARS: usize = 1897;

/// A fixed-length record being filled (1-based positions).
struct Record(Vec<char>);

impl Record {
    fn new(kind: char) -> Self {
        let mut r = Record(vec![' '; RECORD_CHARS]);
        r.0[0] = kind;
        r
    }

    /// AN field: left-aligned, space-padded, cut to `len`.
    fn an(&mut self, pos: usize, len: usize, value: &str) {
        for (k, c) in value.chars().take(len).enumerate() {
            self.0[pos - 1 + k] = c;
        }
    }

    /// NU field: right-aligned, zero-padded.
    fn nu(&mut self, pos: usize, len: usize, value: u64) {
        let s = format!("{value:0>len$}");
        let s = &s[s.len() - len..];
        self.an(pos, len, s);
    }

    fn finish(self) -> String {
        let mut s: String = self.0.into_iter().collect();
        s.push('A');
        s
    }
}

/// One declared property.
struct Block {
    characteristic: u64,
    property: BlockProperty,
    base: u64,
    share: (u32, u32),
    acquired: chrono::NaiveDate,
    /// reduction code (field 26): 0 none, 2 unfit and not used
    reduction: u8,
}

fn fill_block(cx: &Ctx, r: &mut Record, offset: usize, order: u64, b: &Block) {
    r.nu(90 + offset, 4, order);
    r.nu(94 + offset, 4, order);
    r.nu(99 + offset, 3, b.characteristic);
    r.an(202 + offset, 1, "U");
    r.an(203 + offset, 5, cx.town.belfiore);
    match &b.property {
        BlockProperty::Unit(unit) => {
            let u = &cx.town.units[*unit];
            let state = u.state_at(b.acquired).or_else(|| u.current());
            r.an(
                102 + offset,
                100,
                &cx.address_text(u.address_key.as_deref().unwrap_or(""), false),
            );
            r.nu(211 + offset, 4, u64::from(u.foglio));
            r.an(215 + offset, 10, &u.particella);
            if u.subalterno > 0 {
                r.nu(225 + offset, 4, u64::from(u.subalterno));
            }
            if let Some(s) = state {
                r.an(229 + offset, 25, &s.category.display());
                if let Some(c) = s.class {
                    r.an(254 + offset, 10, &format!("{c:02}"));
                }
            }
        }
        BlockProperty::Identifiers {
            foglio,
            particella,
            subalterno,
        } => {
            r.nu(211 + offset, 4, u64::from(*foglio));
            r.an(215 + offset, 10, particella);
            r.nu(225 + offset, 4, u64::from(*subalterno));
            r.an(229 + offset, 25, "A/2");
        }
        BlockProperty::Protocol { protocol, year } => {
            r.an(264 + offset, 20, protocol);
            r.nu(284 + offset, 4, u64::from(*year));
            r.an(229 + offset, 25, "A/2");
        }
    }
    r.nu(288 + offset, 15, b.base);
    let pct = f64::from(b.share.0) * 100.0 / f64::from(b.share.1.max(1));
    let hundredths = (pct * 100.0).round() as u64;
    r.nu(303 + offset, 3, hundredths / 100);
    r.nu(306 + offset, 2, hundredths % 100);
    r.nu(308 + offset, 9, 0);
    r.an(317 + offset, 1, "0");
    r.nu(318 + offset, 1, u64::from(b.reduction));
    r.an(319 + offset, 1, "0");
    r.an(320 + offset, 3, "100");
    r.an(423 + offset, 8, &ddmmyyyy(b.acquired));
}

/// The declarations: (declarant, tax period) → blocks.
fn declarations(cx: &Ctx) -> BTreeMap<(SubjectRef, i32), Vec<Block>> {
    let town = cx.town;
    let mut out: BTreeMap<(SubjectRef, i32), Vec<Block>> = BTreeMap::new();
    for p in &town.imu_positions {
        let h = &town.holdings[p.holding];
        let year = h.valid_from.year();
        if !(2012..=town.tax_year).contains(&year) || !mix(h.id, 41).is_multiple_of(3) {
            continue;
        }
        // the state and rent of the unit on the day of the acquisition
        let state = town.units[h.unit].state_at(h.valid_from);
        let base = state
            .and_then(|s| Some(s.rent? * 1.05 * s.category.imu_multiplier()?))
            .unwrap_or(0.0);
        let characteristic = match (p.main_residence_months > 0, p.category.is_appurtenance()) {
            (true, true) => 6,
            (true, false) => 5,
            (false, _) => 3,
        };
        out.entry((h.subject, year)).or_default().push(Block {
            characteristic,
            property: BlockProperty::Unit(h.unit),
            base: base.round().max(0.0) as u64,
            share: (h.share_num, h.share_den),
            acquired: h.valid_from,
            reduction: 0,
        });
    }
    // the blocks planted for the correlation rules (`crate::plant`), in the declaration of
    // their declarant and tax period
    for b in &town.planted.imu_blocks {
        out.entry((b.declarant, b.tax_period))
            .or_default()
            .push(Block {
                characteristic: b.characteristic,
                property: b.property.clone(),
                base: b.base,
                share: b.share,
                acquired: b.acquired,
                reduction: b.reduction,
            });
    }
    out
}

fn write_declarations(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = format!("imu/IMU_{}_{}.txt", town.belfiore, town.tax_year);
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    let mut head = Record::new('0');
    head.an(
        2,
        30,
        &format!("DICHIARAZIONI IMU {}", town.name.to_uppercase()),
    );
    head.an(32, 4, town.belfiore);
    head.an(36, 8, &ddmmyyyy(town.extraction_date));
    out.line(&head.finish());
    let (mut b_count, mut d_count, mut blocks) = (0u64, 0u64, 0u64);
    let mut planted = false;
    for ((subject, year), items) in declarations(cx) {
        b_count += 1;
        let cf = town.subject_cf(subject).to_owned();
        let mut b = Record::new('B');
        b.an(2, 16, &cf);
        b.nu(90, 4, (year + 1) as u64);
        b.nu(94, 4, year as u64);
        b.an(98, 4, town.belfiore);
        b.an(102, 50, &town.name.to_uppercase());
        match subject {
            SubjectRef::Person(i) => {
                let p = &town.persons[i];
                b.an(230, 24, &p.surname);
                b.an(254, 20, &p.name);
                b.an(274, 8, &ddmmyyyy(p.birth_date));
                b.an(282, 1, if p.female { "F" } else { "M" });
            }
            SubjectRef::Entity(i) => b.an(230, 24, &town.entities[i].name),
        }
        out.line(&b.finish());
        for (k, pair) in items.chunks(2).enumerate() {
            let mut d = Record::new('D');
            d.an(2, 16, &cf);
            d.nu(18, 8, b_count);
            for (j, block) in pair.iter().enumerate() {
                fill_block(cx, &mut d, j * 499, (k * 2 + j + 1) as u64, block);
                blocks += 1;
            }
            let text = d.finish();
            out.line(&text);
            d_count += 1;
            if cx.malformed() && !planted {
                let short: String = text.chars().take(RECORD_CHARS - 10).chain(['A']).collect();
                let line = out.line(&short);
                cx.rec.defect(
                    &rel,
                    line,
                    None,
                    DefectKind::WrongRecordLength,
                    Outcome::Rejected,
                );
                let mut no_a: String = text.chars().take(RECORD_CHARS).collect();
                no_a.push('X');
                let line = out.line(&no_a);
                cx.rec.defect(
                    &rel,
                    line,
                    None,
                    DefectKind::WrongRecordLength,
                    Outcome::Rejected,
                );
                planted = true;
            }
        }
    }
    let total = out.lines() + 1;
    let mut tail = Record::new('9');
    tail.nu(2, 9, total);
    out.line(&tail.finish());
    cx.rec.expect("imu_declarations", b_count);
    cx.rec.expect("imu_declared_properties", blocks);
    cx.save(
        out,
        "imu",
        &[("b", b_count), ("d", d_count), ("blocks", blocks)],
        b_count,
    )
}

fn write_f24(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let rel = "imu/f24_imu.csv";
    let mut out = cx.normalised(rel)?;
    out.line("payment_id;payer_cf;payment_date;tax_year;comune;tax_code;amount;instalment");
    let mut due: BTreeMap<(SubjectRef, &str), f64> = BTreeMap::new();
    for p in &town.imu_positions {
        if p.paid <= 0.0 {
            continue;
        }
        let code = if p.main_residence_months > 0 {
            "3912"
        } else if p.category.group == 'D' {
            "3925"
        } else {
            "3918"
        };
        *due.entry((town.holdings[p.holding].subject, code))
            .or_default() += p.paid;
    }
    let year = town.tax_year;
    let mut rows = 0u64;
    let mut first: Option<(String, String)> = None;
    let mut cf_planted = false;
    for ((subject, code), amount) in due {
        let cents = (amount * 100.0).round() as i64;
        let h = mix(cents as u64, rows);
        let mut cf = town.subject_cf(subject).to_owned();
        let corrupt = cx.malformed() && !cf_planted && rows >= 5;
        if corrupt {
            cf = corrupt_cf(&cf);
            cf_planted = true;
        }
        let lines: Vec<(chrono::NaiveDate, i64, &str)> = if h.is_multiple_of(4) {
            vec![(ymd(year, 6, 16), cents, "unica")]
        } else {
            let advance = cents / 2;
            let balance_day = if h % 10 == 1 {
                ymd(year + 1, 1, 20)
            } else {
                ymd(year, 12, 16)
            };
            vec![
                (ymd(year, 6, 16), advance, "acconto"),
                (balance_day, cents - advance, "saldo"),
            ]
        };
        for (day, c, kind) in lines {
            rows += 1;
            let row = format!(
                "F24-{year}-{rows:07};{cf};{};{year};{};{code};{}.{:02};{kind}",
                iso(day),
                town.belfiore,
                c / 100,
                c % 100
            );
            let line = out.line(&row);
            if corrupt {
                cx.rec.defect(
                    rel,
                    line,
                    Some("payer_cf"),
                    DefectKind::InvalidCodiceFiscale,
                    Outcome::Kept,
                );
            }
            first.get_or_insert((row, iso(day)));
        }
    }
    // payments planted for the correlation rules (R23: land paid as 3914 / 3916)
    rows += cx.append_planted(&mut out);
    let loaded = rows;
    if cx.malformed()
        && let Some((row, day)) = first
    {
        let bad =
            row.replacen(&day, &format!("{year}-06-31"), 1)
                .replacen("-0000001;", "-9000001;", 1);
        let line = out.line(&bad);
        cx.rec.defect(
            rel,
            line,
            Some("payment_date"),
            DefectKind::InvalidDate,
            Outcome::Rejected,
        );
        let mut fields: Vec<String> = row.split(';').map(str::to_owned).collect();
        fields[0] = format!("F24-{year}-9000002");
        "12,50".clone_into(&mut fields[6]);
        let line = out.line(&fields.join(";"));
        cx.rec.defect(
            rel,
            line,
            Some("amount"),
            DefectKind::NonNumeric,
            Outcome::Rejected,
        );
        rows += 2;
    }
    cx.rec.expect("f24_payments", loaded);
    cx.save(out, "f24", &[("rows", rows)], loaded)
}

/// Writes the IMU declarations and the F24 payments.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    write_declarations(cx)?;
    write_f24(cx)
}
