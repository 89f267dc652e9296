//! `.FAB` reader (censuario.md §4): buildings-cadastre units, every state kept.
//!
//! Type 1 gives the characteristics of a state, type 2 its identifiers (groups of 6), type 3
//! its addresses (groups of 6), type 4 the common parts it uses (groups of 5), type 5 its
//! reserves (groups of 2). Readings:
//!
//! - a state needs at least one valid type-2 identifier group (the model keys units on it);
//!   a state without one is rejected at its type-1 line (field `tipo record 2`);
//! - an identifier or common-part group that does not form a unit key is dropped with a
//!   rejection naming the group; the record's other groups are kept;
//! - subalterno and edificialità swapped (§4 type 2): when the edificialità holds 2–4 digits
//!   and the subalterno is empty or not numeric, they are swapped back and a repair reported;
//! - the denominatore (land-book municipalities) is not part of the unit key and is not kept.

use std::io::BufRead;
use std::path::Path;

use segit_model::{
    Belfiore, CadastralAddress, Category, Deed, Foglio, Particella, PropertyId, PropertyKind,
    Reserve, Sezione, Subalterno, Unit, UnitIdentifiers, UnitKey, UnitState, UnitStateDetails,
    Validity,
};

use super::assemble::{Layout, StateError, StateReader, StateSource, groups, push_capped};
use super::fields::{DeedPositions, Values, non_empty};
use super::{CensusOptions, CommonKey, UnknownCategory, open_file, validity};
use crate::diag::{Diagnostic, Item};

/// One property of the buildings cadastre with every state read, and where each was read
/// (`sources[i]` describes `unit.states[i]`; states sorted by progressive).
#[derive(Debug, Clone, PartialEq)]
pub struct CensusUnit {
    /// The unit and its states.
    pub unit: Unit,
    /// Source records of each state.
    pub sources: Vec<StateSource>,
}

/// Reader of a `.FAB` file: yields one [`CensusUnit`] per property at the end of the file,
/// after the diagnostics of single records (see the module docs of `censuario`).
pub struct FabReader<R>(StateReader<R, Fab>);

impl<R: BufRead> FabReader<R> {
    /// Reads `input` (named `file` in diagnostics) with the default options.
    pub fn new(input: R, file: &Path) -> Self {
        Self::with_options(input, file, CensusOptions::default())
    }

    /// Reads `input` with `options`.
    pub fn with_options(input: R, file: &Path, options: CensusOptions) -> Self {
        Self(StateReader::new(input, file, options))
    }
}

impl FabReader<std::io::BufReader<std::fs::File>> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Self::open_with(path, CensusOptions::default())
    }

    /// Opens a file with `options`.
    pub fn open_with(path: &Path, options: CensusOptions) -> Result<Self, Diagnostic> {
        Ok(Self::with_options(open_file(path)?, path, options))
    }
}

impl<R: BufRead> Iterator for FabReader<R> {
    type Item = Item<CensusUnit>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

/// The FAB layout.
pub(crate) struct Fab;

/// A type-1 record: a state without its type 2–5 records.
pub(crate) struct FabHead {
    census_zone: Option<String>,
    category: Option<Category>,
    class: Option<String>,
    consistency: Option<f64>,
    surface_m2: Option<u32>,
    rent_eur: Option<f64>,
    lot: Option<String>,
    building: Option<String>,
    staircase: Option<String>,
    internal: Option<String>,
    internal2: Option<String>,
    floors: Vec<String>,
    validity: Validity,
    generating_deed: Deed,
    closing_deed: Option<Deed>,
    partita: Option<String>,
    notes: Option<String>,
    initial_mutation_id: Option<u64>,
    final_mutation_id: Option<u64>,
    notification_protocol: Option<String>,
    notification_date: Option<chrono::NaiveDate>,
    classing_flag: Option<String>,
}

/// A type 2–5 record.
pub(crate) enum FabDetail {
    Identifiers(Vec<UnitKey>),
    Addresses(Vec<CadastralAddress>),
    CommonParts(Vec<UnitKey>),
    Reserves(Vec<Reserve>),
}

/// Type 2–5 groups of one state, in file order.
#[derive(Default)]
pub(crate) struct FabAcc {
    identifiers: Vec<UnitKey>,
    addresses: Vec<CadastralAddress>,
    common_parts: Vec<UnitKey>,
    reserves: Vec<Reserve>,
}

const GENERATING: DeedPositions = DeedPositions {
    efficacy_name: "data di efficacia",
    registration_name: "data di registrazione",
    efficacy: 23,
    registration: 24,
    note_type: 25,
    note_number: 26,
    note_progressive: 27,
    note_year: 28,
    cause_code: Some(41),
    cause_description: Some(42),
};

const CLOSING: DeedPositions = DeedPositions {
    efficacy_name: "data di efficacia",
    registration_name: "data di registrazione",
    efficacy: 29,
    registration: 30,
    note_type: 31,
    note_number: 32,
    note_progressive: 33,
    note_year: 34,
    cause_code: Some(43),
    cause_description: Some(44),
};

impl Layout for Fab {
    const KIND: PropertyKind = PropertyKind::Building;
    const TYPE1_MIN: usize = 40;
    const TYPE1_DOCUMENTED: usize = 45;
    const LAST_TYPE: u8 = 5;
    type Head = FabHead;
    type Detail = FabDetail;
    type Acc = FabAcc;
    type State = UnitState;
    type Output = CensusUnit;

    fn parse_head(
        v: &mut Values<'_>,
        _key: &CommonKey,
        opts: &CensusOptions,
    ) -> Result<FabHead, Diagnostic> {
        let category = match v.text(8) {
            None => None,
            Some(code) => match Category::parse(&code) {
                Ok(c) => Some(c),
                Err(e) => match opts.unknown_category {
                    UnknownCategory::Reject => return Err(v.reject("categoria", e.to_string())),
                    UnknownCategory::Keep => {
                        v.warn(
                            "categoria",
                            format!(
                                "{e}; unknown category code {code}, unit kept without category"
                            ),
                        );
                        None
                    }
                },
            },
        };
        let generating = v.deed(&GENERATING, "atto generante")?;
        let closing = v.deed(&CLOSING, "atto conclusivo")?;
        let notification_date = v.date(40, "data notifica")?;
        let validity = validity(
            v,
            generating.as_ref(),
            closing.as_ref(),
            "data di efficacia (atto generante)",
            "data di efficacia (atto conclusivo)",
        )?;
        Ok(FabHead {
            census_zone: v.text(7),
            category,
            class: v.text(9),
            consistency: v.opt_decimal(10, "consistenza"),
            surface_m2: v.opt_small(11, "superficie"),
            rent_eur: v.opt_decimal(13, "rendita euro"),
            lot: v.text(14),
            building: v.text(15),
            staircase: v.text(16),
            internal: v.text(17),
            internal2: v.text(18),
            floors: (19..=22).filter_map(|p| v.text(p)).collect(),
            validity,
            generating_deed: generating.unwrap_or_default(),
            closing_deed: closing,
            partita: v.text(35),
            notes: v.text(36),
            initial_mutation_id: v.opt_u64(37, "identificativo mutazione iniziale"),
            final_mutation_id: v.opt_u64(38, "identificativo mutazione finale"),
            notification_protocol: v.text(39),
            notification_date,
            classing_flag: v.text(45),
        })
    }

    fn parse_detail(
        v: &mut Values<'_>,
        key: &CommonKey,
        _opts: &CensusOptions,
    ) -> Result<FabDetail, Diagnostic> {
        let belfiore = key.property.belfiore;
        match key.record_type {
            2 => {
                let raw: Vec<Vec<&str>> = groups(v, 6, "type-2")?.map(<[&str]>::to_vec).collect();
                let keys = raw
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| identifier_group(v, belfiore, g, i + 1))
                    .collect();
                Ok(FabDetail::Identifiers(keys))
            }
            3 => {
                let raw: Vec<Vec<&str>> = groups(v, 6, "type-3")?.map(<[&str]>::to_vec).collect();
                let addresses = raw
                    .iter()
                    .enumerate()
                    .map(|(i, g)| address_group(v, g, i + 1))
                    .collect();
                Ok(FabDetail::Addresses(addresses))
            }
            4 => {
                let raw: Vec<Vec<&str>> = groups(v, 5, "type-4")?.map(<[&str]>::to_vec).collect();
                let keys = raw
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| common_part_group(v, belfiore, g, i + 1))
                    .collect();
                Ok(FabDetail::CommonParts(keys))
            }
            _ => {
                let raw: Vec<Vec<&str>> = groups(v, 2, "type-5")?.map(<[&str]>::to_vec).collect();
                Ok(FabDetail::Reserves(reserves(v, &raw)))
            }
        }
    }

    fn add_detail(acc: &mut FabAcc, detail: FabDetail, max: usize) -> usize {
        match detail {
            FabDetail::Identifiers(k) => push_capped(&mut acc.identifiers, k, max),
            FabDetail::Addresses(a) => push_capped(&mut acc.addresses, a, max),
            FabDetail::CommonParts(k) => push_capped(&mut acc.common_parts, k, max),
            FabDetail::Reserves(r) => push_capped(&mut acc.reserves, r, max),
        }
    }

    fn finish(
        head: FabHead,
        acc: FabAcc,
        _property: &PropertyId,
        progressive: u32,
    ) -> Result<UnitState, StateError> {
        let Some(identifiers) = UnitIdentifiers::from_groups(acc.identifiers) else {
            return Err((
                Some("tipo record 2"),
                format!(
                    "state (progressive {progressive}) without any valid type-2 identifier \
                     record; the unit cannot be keyed"
                ),
            ));
        };
        Ok(UnitState {
            progressive,
            identifiers,
            census_zone: head.census_zone.map(Into::into),
            category: head.category,
            surface_m2: head.surface_m2,
            rent_eur: head.rent_eur,
            internal: head.internal.map(Into::into),
            validity: head.validity,
            generating_deed: head.generating_deed.boxed(),
            closing_deed: head.closing_deed.map(Box::new),
            partita: head.partita.map(Into::into),
            addresses: acc.addresses,
            details: UnitStateDetails {
                class: head.class.map(Into::into),
                consistency: head.consistency,
                staircase: head.staircase.map(Into::into),
                floors: head.floors,
                lot: head.lot.map(Into::into),
                building: head.building.map(Into::into),
                internal2: head.internal2.map(Into::into),
                notes: head.notes.map(Into::into),
                initial_mutation_id: head.initial_mutation_id,
                final_mutation_id: head.final_mutation_id,
                notification_protocol: head.notification_protocol.map(Into::into),
                notification_date: head.notification_date,
                classing_flag: head.classing_flag.map(Into::into),
                common_parts: acc.common_parts,
                reserves: acc.reserves,
            }
            .boxed(),
        })
    }

    fn is_open(state: &UnitState) -> bool {
        state.validity.is_current()
    }

    fn close_superseded(prev: &mut UnitState, next: &UnitState) -> bool {
        let Some(end) = next.generating_deed().efficacy_date else {
            return false;
        };
        if !prev.validity.is_current() {
            return false;
        }
        let Ok(closed) = prev.validity.closed_at(end) else {
            return false;
        };
        prev.validity = closed;
        prev.closing_deed = Some(Box::new(next.generating_deed().clone()));
        if prev.details().final_mutation_id.is_none()
            && let Some(id) = next.details().initial_mutation_id
        {
            prev.details_mut().final_mutation_id = Some(id);
        }
        true
    }

    fn output(
        property: PropertyId,
        states: Vec<UnitState>,
        sources: Vec<StateSource>,
    ) -> CensusUnit {
        CensusUnit {
            unit: Unit { property, states },
            sources,
        }
    }
}

/// One type-2 group: sezione urbana, foglio, numero, denominatore, subalterno, edificialità.
fn identifier_group(
    v: &mut Values<'_>,
    belfiore: Belfiore,
    g: &[&str],
    n: usize,
) -> Option<UnitKey> {
    let field = |i: usize| g.get(i).map_or("", |s| s.trim());
    let (mut sub, mut edif) = (field(4), field(5));
    let edif_is_number = (2..=4).contains(&edif.len()) && edif.bytes().all(|b| b.is_ascii_digit());
    if edif_is_number && (sub.is_empty() || !sub.bytes().all(|b| b.is_ascii_digit())) {
        v.repair(
            &format!("subalterno (gruppo {n})"),
            format!("subalterno {sub:?} and edificialità {edif:?} swapped back"),
        );
        std::mem::swap(&mut sub, &mut edif);
    }
    unit_key(v, belfiore, [field(0), field(1), field(2), sub], n)
}

/// One type-4 group: sezione urbana, foglio, numero, denominatore, subalterno.
fn common_part_group(
    v: &mut Values<'_>,
    belfiore: Belfiore,
    g: &[&str],
    n: usize,
) -> Option<UnitKey> {
    let field = |i: usize| g.get(i).map_or("", |s| s.trim());
    unit_key(v, belfiore, [field(0), field(1), field(2), field(4)], n)
}

/// A unit key from section, foglio, particella and subalterno; a group that does not form one
/// is reported (rejected) and dropped.
fn unit_key(
    v: &mut Values<'_>,
    belfiore: Belfiore,
    [section, foglio, particella, sub]: [&str; 4],
    n: usize,
) -> Option<UnitKey> {
    let built = Sezione::parse_optional(section)
        .map_err(|e| ("sezione urbana", e))
        .and_then(|s| Ok((s, Foglio::parse(foglio).map_err(|e| ("foglio", e))?)))
        .and_then(|(s, f)| {
            Ok((
                s,
                f,
                Particella::parse(particella).map_err(|e| ("numero", e))?,
            ))
        })
        .and_then(|(s, f, p)| {
            let sub = Subalterno::parse_optional(sub).map_err(|e| ("subalterno", e))?;
            Ok(UnitKey::new(belfiore, s, f, p, sub))
        });
    match built {
        Ok(k) => Some(k),
        Err((name, e)) => {
            v.findings.push(Diagnostic::rejected(
                v.file(),
                v.line(),
                Some(&format!("{name} (gruppo {n})")),
                format!("{e}; identifier group not loaded"),
            ));
            None
        }
    }
}

/// One type-3 group: toponimo, indirizzo, civico 1–3, codice strada.
fn address_group(v: &mut Values<'_>, g: &[&str], n: usize) -> CadastralAddress {
    let field = |i: usize| g.get(i).map_or("", |s| s.trim());
    let toponimo = match field(0) {
        "" => None,
        t => {
            let code = t.parse::<u16>().ok();
            if code.is_none() {
                v.repair(
                    &format!("toponimo (gruppo {n})"),
                    format!("{t} is not a street-type code; value left empty"),
                );
            }
            code
        }
    };
    CadastralAddress {
        toponimo,
        street_name: field(1).into(),
        civico1: non_empty(field(2)).map(Into::into),
        civico2: non_empty(field(3)).map(Into::into),
        civico3: non_empty(field(4)).map(Into::into),
        street_code: non_empty(field(5)).map(Into::into),
    }
}

/// Reserve groups (FAB type 5, TER type 3): codice riserva, partita; empty groups skipped, a
/// partita without a code reported and dropped.
pub(crate) fn reserves(v: &mut Values<'_>, raw: &[Vec<&str>]) -> Vec<Reserve> {
    let mut out = Vec::new();
    for (i, g) in raw.iter().enumerate() {
        let code = g.first().map_or("", |s| s.trim());
        let partita = non_empty(g.get(1).copied().unwrap_or(""));
        if code.is_empty() {
            if partita.is_some() {
                v.repair(
                    &format!("codice riserva (gruppo {})", i + 1),
                    "reserve without a code; group not loaded",
                );
            }
            continue;
        }
        out.push(Reserve {
            code: code.to_owned(),
            partita,
        });
    }
    out
}
