//! `.TER` reader (censuario.md §5): land parcels, every state kept.
//!
//! Type 1 gives a state of the parcel, type 2 its deduction symbols (groups of 1), type 3 its
//! reserves (groups of 2), type 4 its portions (groups of 6, or 8 in the interchange variant:
//! see [`PortionLayout`]). Readings:
//!
//! - foglio and numero are required (a state without them cannot be placed on a map);
//!   hectares, ares and centiares are read as 0 when empty and reject the record when not
//!   numbers (the area is not optional in the model);
//! - a portion group whose area does not parse is dropped with a rejection naming the group.

use std::io::BufRead;
use std::path::Path;

use segit_model::{
    Foglio, LandQuality, Parcel, ParcelState, Particella, Portion, PropertyId, PropertyKind,
    Subalterno, cadastre::area_m2,
};

use super::assemble::{Layout, StateError, StateReader, StateSource, groups, push_capped};
use super::fab::reserves;
use super::fields::{DeedPositions, Values, non_empty, parse_decimal, parse_u64};
use super::{CensusOptions, CommonKey, PortionLayout, open_file, validity};
use crate::diag::{Diagnostic, Item};

/// One property of the land cadastre with every state read, and where each was read
/// (`sources[i]` describes `parcel.states[i]`; states sorted by progressive).
#[derive(Debug, Clone, PartialEq)]
pub struct CensusParcel {
    /// The parcel and its states.
    pub parcel: Parcel,
    /// Source records of each state.
    pub sources: Vec<StateSource>,
}

/// Reader of a `.TER` file: yields one [`CensusParcel`] per property at the end of the file,
/// after the diagnostics of single records.
pub struct TerReader<R>(StateReader<R, Ter>);

impl<R: BufRead> TerReader<R> {
    /// Reads `input` (named `file` in diagnostics) with the default options.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, CensusOptions::default())
    }

    /// Reads `input` with `options`.
    pub fn with_options(input: R, file: &Path, options: CensusOptions) -> Self {
        Self(StateReader::new(input, file, options))
    }
}

impl TerReader<std::io::BufReader<std::fs::File>> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Self::open_with(path, CensusOptions::default())
    }

    /// Opens a file with `options`.
    pub fn open_with(path: &Path, options: CensusOptions) -> Result<Self, Diagnostic> {
        Ok(Self::with_options(open_file(path)?, path, options))
    }
}

impl<R: BufRead> Iterator for TerReader<R> {
    type Item = Item<CensusParcel>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

/// The TER layout.
pub(crate) struct Ter;

/// A type 2–4 record.
pub(crate) enum TerDetail {
    Deductions(Vec<String>),
    Reserves(Vec<segit_model::Reserve>),
    Portions(Vec<Portion>),
}

/// Type 2–4 groups of one state, in file order.
#[derive(Default)]
pub(crate) struct TerAcc {
    deductions: Vec<String>,
    reserves: Vec<segit_model::Reserve>,
    portions: Vec<Portion>,
}

const GENERATING: DeedPositions = DeedPositions {
    efficacy_name: "data di efficacia",
    registration_name: "data di registrazione",
    efficacy: 24,
    registration: 25,
    note_type: 26,
    note_number: 27,
    note_progressive: 28,
    note_year: 29,
    cause_code: Some(40),
    cause_description: Some(41),
};

const CLOSING: DeedPositions = DeedPositions {
    efficacy_name: "data di efficacia",
    registration_name: "data di registrazione",
    efficacy: 30,
    registration: 31,
    note_type: 32,
    note_number: 33,
    note_progressive: 34,
    note_year: 35,
    cause_code: Some(42),
    cause_description: Some(43),
};

/// Hectares, ares or centiares: empty is 0.
fn area_part(v: &Values<'_>, pos: usize, field: &str) -> Result<u64, Diagnostic> {
    if v.raw(pos).is_empty() {
        Ok(0)
    } else {
        v.required_u64(pos, field)
    }
}

impl Layout for Ter {
    const KIND: PropertyKind = PropertyKind::Land;
    const TYPE1_MIN: usize = 39;
    const TYPE1_DOCUMENTED: usize = 43;
    const LAST_TYPE: u8 = 4;
    type Head = ParcelState;
    type Detail = TerDetail;
    type Acc = TerAcc;
    type State = ParcelState;
    type Output = CensusParcel;

    fn parse_head(
        v: &mut Values<'_>,
        key: &CommonKey,
        _opts: &CensusOptions,
    ) -> Result<ParcelState, Diagnostic> {
        let foglio = Foglio::parse(v.raw(7)).map_err(|e| v.reject("foglio", e.to_string()))?;
        let particella =
            Particella::parse(v.raw(8)).map_err(|e| v.reject("numero", e.to_string()))?;
        let subalterno = match Subalterno::parse_optional(v.raw(10)) {
            Ok(s) => s,
            Err(e) => {
                v.repair("subalterno", format!("{e}; value left empty"));
                None
            }
        };
        let area = area_m2(
            area_part(v, 14, "ettari")?,
            area_part(v, 15, "are")?,
            area_part(v, 16, "centiare")?,
        )
        .map_err(|e| v.reject("ettari", e.to_string()))?;
        let generating = v.deed(&GENERATING, "atto generante")?;
        let closing = v.deed(&CLOSING, "atto conclusivo")?;
        let validity = validity(
            v,
            generating.as_ref(),
            closing.as_ref(),
            "data di efficacia (atto generante)",
            "data di efficacia (atto conclusivo)",
        )?;
        Ok(ParcelState {
            progressive: key.progressive,
            foglio,
            particella,
            subalterno,
            quality: v.opt_small::<u16>(12, "qualità").map(LandQuality),
            class: v.text(13).map(Into::into),
            area_m2: area,
            dominicale_eur: v.opt_decimal(22, "reddito dominicale euro"),
            agrario_eur: v.opt_decimal(23, "reddito agrario euro"),
            validity,
            generating_deed: generating.unwrap_or_default(),
            closing_deed: closing.map(Box::new),
            partita: v.text(36).map(Into::into),
            notes: v.text(37).map(Into::into),
            initial_mutation_id: v.opt_u64(38, "identificativo mutazione iniziale"),
            final_mutation_id: v.opt_u64(39, "identificativo mutazione finale"),
            deductions: Vec::new(),
            reserves: Vec::new(),
            portions: Vec::new(),
        })
    }

    fn parse_detail(
        v: &mut Values<'_>,
        key: &CommonKey,
        opts: &CensusOptions,
    ) -> Result<TerDetail, Diagnostic> {
        match key.record_type {
            2 => Ok(TerDetail::Deductions(
                groups(v, 1, "type-2")?
                    .filter_map(|g| non_empty(g.first().copied().unwrap_or("")))
                    .collect(),
            )),
            3 => {
                let raw: Vec<Vec<&str>> = groups(v, 2, "type-3")?.map(<[&str]>::to_vec).collect();
                Ok(TerDetail::Reserves(reserves(v, &raw)))
            }
            _ => {
                let size = portion_group_size(v, opts.portion_layout);
                let raw: Vec<Vec<&str>> =
                    groups(v, size, "type-4")?.map(<[&str]>::to_vec).collect();
                let portions = raw
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| portion(v, g, i + 1))
                    .collect();
                Ok(TerDetail::Portions(portions))
            }
        }
    }

    fn add_detail(acc: &mut TerAcc, detail: TerDetail, max: usize) -> usize {
        match detail {
            TerDetail::Deductions(d) => push_capped(&mut acc.deductions, d, max),
            TerDetail::Reserves(r) => push_capped(&mut acc.reserves, r, max),
            TerDetail::Portions(p) => push_capped(&mut acc.portions, p, max),
        }
    }

    fn finish(
        mut head: ParcelState,
        acc: TerAcc,
        _property: &PropertyId,
        _progressive: u32,
    ) -> Result<ParcelState, StateError> {
        head.deductions = acc.deductions;
        head.reserves = acc.reserves;
        head.portions = acc.portions;
        Ok(head)
    }

    fn is_open(state: &ParcelState) -> bool {
        state.validity.is_current()
    }

    fn close_superseded(prev: &mut ParcelState, next: &ParcelState) -> bool {
        let Some(end) = next.generating_deed.efficacy_date else {
            return false;
        };
        if !prev.validity.is_current() {
            return false;
        }
        let Ok(closed) = prev.validity.closed_at(end) else {
            return false;
        };
        prev.validity = closed;
        prev.closing_deed = Some(Box::new(next.generating_deed.clone()));
        if prev.final_mutation_id.is_none() {
            prev.final_mutation_id = next.initial_mutation_id;
        }
        true
    }

    fn output(
        property: PropertyId,
        states: Vec<ParcelState>,
        sources: Vec<StateSource>,
    ) -> CensusParcel {
        CensusParcel {
            parcel: Parcel { property, states },
            sources,
        }
    }
}

/// Group size of a type-4 record under `layout`. With [`PortionLayout::Detect`]: 6 when the
/// count fits only 6, 8 when it fits only 8; when it fits both, 8 only if every position where
/// a group of 8 starts holds a portion id (letters) and some position where a group of 6 would
/// start does not.
fn portion_group_size(v: &Values<'_>, layout: PortionLayout) -> usize {
    match layout {
        PortionLayout::Standard => 6,
        PortionLayout::Interchange => 8,
        PortionLayout::Detect => {
            let tail = v.tail(7);
            let n = tail.len();
            let fits6 = n.is_multiple_of(6);
            let fits8 = n.is_multiple_of(8);
            match (fits6, fits8) {
                (false, true) => 8,
                (true, true) => {
                    let ids_at =
                        |size: usize| tail.iter().step_by(size).all(|s| is_portion_id(s.trim()));
                    if ids_at(8) && !ids_at(6) { 8 } else { 6 }
                }
                _ => 6,
            }
        }
    }
}

/// A portion id: one to three letters (`AA`, `AB`…).
fn is_portion_id(s: &str) -> bool {
    (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// One portion group: id, qualità, classe, ettari, are, centiare [, RD euro, RA euro].
fn portion(v: &mut Values<'_>, g: &[&str], n: usize) -> Option<Portion> {
    let field = |i: usize| g.get(i).map_or("", |s| s.trim());
    let part = |i: usize| {
        if field(i).is_empty() {
            Some(0)
        } else {
            parse_u64(field(i))
        }
    };
    let area = match (part(3), part(4), part(5)) {
        (Some(ha), Some(ares), Some(ca)) => area_m2(ha, ares, ca).ok(),
        _ => None,
    };
    let Some(area) = area else {
        v.findings.push(Diagnostic::rejected(
            v.file(),
            v.line(),
            Some(&format!("ettari (gruppo {n})")),
            format!(
                "portion area {:?} ha {:?} a {:?} ca is not a number of m²; portion not loaded",
                field(3),
                field(4),
                field(5)
            ),
        ));
        return None;
    };
    let quality = match field(1) {
        "" => None,
        q => {
            let code = q.parse::<u16>().ok();
            if code.is_none() {
                v.repair(
                    &format!("qualità (gruppo {n})"),
                    format!("{q} is not a quality code; value left empty"),
                );
            }
            code.map(LandQuality)
        }
    };
    let money = |v: &mut Values<'_>, i: usize, name: &str| match field(i) {
        "" => None,
        raw => {
            let parsed = parse_decimal(raw);
            if parsed.is_none() {
                v.repair(
                    &format!("{name} (gruppo {n})"),
                    format!("{raw} is not a decimal number; value left empty"),
                );
            }
            parsed
        }
    };
    Some(Portion {
        id: field(0).to_owned(),
        quality,
        class: non_empty(field(2)).map(Into::into),
        area_m2: area,
        dominicale_eur: money(v, 6, "reddito dominicale euro"),
        agrario_eur: money(v, 7, "reddito agrario euro"),
    })
}
