//! Parcels of the land cadastre (TER): a [`Parcel`] is the history of one property id, a
//! [`ParcelState`] one progressive with quality, class, area, incomes, validity and deeds.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Deed, PropertyId, Reserve, TerSpecialAccount};
use crate::ModelError;
use crate::ids::{Foglio, ParcelKey, Particella, SheetKey, Subalterno};
use crate::validity::Validity;

/// A land-use quality code (*qualità di coltura*, censuario.md §7.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LandQuality(pub u16);

impl LandQuality {
    /// Seminativo (arable land).
    pub const SEMINATIVO: Self = Self(1);
    /// Fabbricato rurale still in the land cadastre.
    pub const FABBRICATO_RURALE: Self = Self(279);
    /// Ente urbano: urban site, building registered in the buildings cadastre.
    pub const ENTE_URBANO: Self = Self(282);

    /// The code.
    pub fn code(self) -> u16 {
        self.0
    }

    /// Codes 1–250: agricultural qualities (the parcel is agricultural only if its special
    /// account is not 1 as well, see [`ParcelState::is_agricultural`]).
    pub fn is_agricultural_code(self) -> bool {
        (1..=250).contains(&self.0)
    }

    /// Codes 270–290: building-related qualities.
    pub fn is_building_related(self) -> bool {
        (270..=290).contains(&self.0)
    }

    /// Abbreviation of the code in the census tables, for the codes listed in the reference.
    pub fn abbreviation(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "SEMINATIVO",
            2 => "SEMIN IRRIG",
            8 => "PRATO",
            17 => "ORTO",
            29 => "VIGNETO",
            36 => "ULIVETO",
            47 => "FRUTTETO",
            91 => "PASCOLO",
            97 => "BOSCO CEDUO",
            98 => "BOSCO MISTO",
            99 => "BOSCO ALTO",
            101 => "INCOLT PROD",
            271 => "AREA FAB DM",
            273 => "AREA RURALE",
            274 => "AREA URBANA",
            275 => "CORTE URBAN",
            276 => "COSTR NO AB",
            277 => "FA DIV SUB",
            278 => "FABB PROMIS",
            279 => "FABB RURALE",
            280 => "FABB DIRUTO",
            281 => "FR DIV SUB",
            282 => "ENTE URBANO",
            283 => "FU D ACCERT",
            300 => "ACQUE ESENT",
            301 => "PIAZZA PUBB",
            302 => "STRADE PUBB",
            _ => return None,
        })
    }
}

/// Area in m² from hectares, ares and centiares: `ha·10 000 + a·100 + ca`.
pub fn area_m2(hectares: u64, ares: u64, centiares: u64) -> Result<u64, ModelError> {
    hectares
        .checked_mul(10_000)
        .and_then(|h| ares.checked_mul(100).and_then(|a| h.checked_add(a)))
        .and_then(|s| s.checked_add(centiares))
        .ok_or_else(|| ModelError::OutOfRange {
            kind: "parcel area",
            value: format!("{hectares} ha {ares} a {centiares} ca"),
            range: "a 64-bit number of m²",
        })
}

/// A portion of a parcel (TER type 4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portion {
    /// Portion id (`AA`, `AB`…).
    pub id: String,
    /// Quality of the portion.
    pub quality: Option<LandQuality>,
    /// Class, as written.
    pub class: Option<Box<str>>,
    /// Area in m².
    pub area_m2: u64,
    /// Owner's income in euro (interchange variant only).
    pub dominicale_eur: Option<f64>,
    /// Farming income in euro (interchange variant only).
    pub agrario_eur: Option<f64>,
}

/// One state (progressive) of a land parcel: TER type 1 with its type 2–4 records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParcelState {
    /// Version number of the state (census field 5).
    pub progressive: u32,
    /// Sheet number.
    pub foglio: Foglio,
    /// Parcel number.
    pub particella: Particella,
    /// Portion subalterno (rare in the land cadastre).
    pub subalterno: Option<Subalterno>,
    /// Quality code; `None` when blank.
    pub quality: Option<LandQuality>,
    /// Class, as written.
    pub class: Option<Box<str>>,
    /// Area in m².
    pub area_m2: u64,
    /// Owner's income (*reddito dominicale*) in euro: IMU base of agricultural land.
    pub dominicale_eur: Option<f64>,
    /// Farming income (*reddito agrario*) in euro.
    pub agrario_eur: Option<f64>,
    /// Validity of the state (closing date excluded).
    pub validity: Validity,
    /// Deed that opened the state.
    pub generating_deed: Deed,
    /// Deed that closed it; `None` while current.
    pub closing_deed: Option<Box<Deed>>,
    /// Ledger number (*partita*) as written; special values flag special accounts.
    pub partita: Option<Box<str>>,
    /// Free notes.
    pub notes: Option<Box<str>>,
    /// Id of the change that opened this state.
    pub initial_mutation_id: Option<u64>,
    /// Id of the change that closed it.
    pub final_mutation_id: Option<u64>,
    /// Deduction symbols (type 2).
    pub deductions: Vec<String>,
    /// Reserves (type 3).
    pub reserves: Vec<Reserve>,
    /// Portions (type 4).
    pub portions: Vec<Portion>,
}

impl ParcelState {
    /// The special account of the state, if its partita is one.
    pub fn special_account(&self) -> Option<TerSpecialAccount> {
        self.partita
            .as_deref()
            .and_then(TerSpecialAccount::from_partita)
    }

    /// Project convention (censuario.md §7.4): agricultural when the quality code is in 1–250
    /// and the special account is not 1 (urban site).
    pub fn is_agricultural(&self) -> bool {
        self.quality.is_some_and(LandQuality::is_agricultural_code)
            && self.special_account() != Some(TerSpecialAccount::UrbanSite)
    }

    /// True when the state is valid on `date` (closing date excluded).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.validity.contains(date)
    }
}

/// A land parcel: every known state of one property id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parcel {
    /// The Agenzia's property id (kind `T`).
    pub property: PropertyId,
    /// States, in any order.
    pub states: Vec<ParcelState>,
}

impl Parcel {
    /// The state valid on `date`; when several are, the one with the highest progressive.
    pub fn state_at(&self, date: NaiveDate) -> Option<&ParcelState> {
        self.states
            .iter()
            .filter(|s| s.is_valid_on(date))
            .max_by_key(|s| s.progressive)
    }

    /// The open state with the highest progressive.
    pub fn current_state(&self) -> Option<&ParcelState> {
        self.states
            .iter()
            .filter(|s| s.validity.is_current())
            .max_by_key(|s| s.progressive)
    }

    /// The parcel key of `state` on the sheet variant given by `annex` and `development`
    /// (census files do not carry them; `None`, `None` for the main sheet). The property's
    /// section must be a census section letter.
    pub fn parcel_key(
        &self,
        state: &ParcelState,
        annex: Option<char>,
        development: Option<char>,
    ) -> Result<ParcelKey, ModelError> {
        let sheet = SheetKey::new(
            self.property.belfiore,
            self.property.section.clone(),
            state.foglio,
            annex,
            development,
        )?;
        Ok(sheet.parcel(state.particella.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadastre::PropertyKind;
    use crate::ids::Belfiore;

    #[test]
    fn a_state_stays_small() {
        // the closing deed is boxed (most states are open), the texts are boxed strings
        assert!(
            size_of::<ParcelState>() <= 328,
            "{}",
            size_of::<ParcelState>()
        );
    }

    fn state(quality: u16, partita: &str) -> ParcelState {
        ParcelState {
            progressive: 1,
            foglio: Foglio::new(12).unwrap(),
            particella: Particella::parse("00102").unwrap(),
            subalterno: None,
            quality: Some(LandQuality(quality)),
            class: Some("2".into()),
            area_m2: area_m2(0, 4, 0).unwrap(),
            dominicale_eur: Some(0.41),
            agrario_eur: Some(0.21),
            validity: Validity::open(Validity::original_survey()),
            generating_deed: Deed::default(),
            closing_deed: None,
            partita: Some(partita.into()),
            notes: None,
            initial_mutation_id: Some(694_034),
            final_mutation_id: None,
            deductions: Vec::new(),
            reserves: Vec::new(),
            portions: Vec::new(),
        }
    }

    #[test]
    fn area_from_parts() {
        assert_eq!(area_m2(0, 46, 0).unwrap(), 4600);
        assert_eq!(area_m2(1, 2, 3).unwrap(), 10_203);
        assert!(area_m2(u64::MAX, 0, 0).is_err());
    }

    #[test]
    fn agricultural_convention() {
        assert!(state(1, "0004567").is_agricultural());
        assert!(!state(1, "0000001").is_agricultural());
        assert!(!state(282, "0000001").is_agricultural());
        assert!(!state(300, "").is_agricultural());
        assert!(LandQuality::ENTE_URBANO.is_building_related());
        assert_eq!(LandQuality(279).abbreviation(), Some("FABB RURALE"));
        assert_eq!(LandQuality(9999).abbreviation(), None);
    }

    #[test]
    fn parcel_key_and_history() {
        let parcel = Parcel {
            property: PropertyId {
                belfiore: Belfiore::parse("F205").unwrap(),
                section: None,
                id: 2_000_003,
                kind: PropertyKind::Land,
            },
            states: vec![state(1, "0004567")],
        };
        let s = parcel.current_state().unwrap();
        assert_eq!(
            parcel.parcel_key(s, None, None).unwrap().to_string(),
            "F205_001200.102"
        );
        assert_eq!(
            parcel.state_at(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
            Some(s)
        );
    }
}
