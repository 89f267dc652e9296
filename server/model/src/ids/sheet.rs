//! Map keys shared by CXF, INSPIRE GML and the census link: the 11-character sheet key
//! (`F205_001200`) and the parcel key / national cadastral reference (`F205_001200.101`).
//!
//! Grammar (inspire-gml.md §4): Belfiore (4) + census section letter or `_` (1) + zero-padded
//! foglio (4) + annex (`0` or a letter) + development (`0` or a letter); a parcel key appends
//! `.` and the parcel number without padding.

use std::fmt;
use std::str::FromStr;

use super::serde_str::serde_via_str;
use super::{Belfiore, Foglio, Particella, Sezione};
use crate::ModelError;

/// INSPIRE namespace of sheets ("MAP").
pub const MAP_NAMESPACE: &str = "IT.AGE.MAP.";

/// INSPIRE namespace of parcels ("PLA" = particella).
pub const PARCEL_NAMESPACE: &str = "IT.AGE.PLA.";

/// The key of one map sheet, e.g. `F205_001200` (Milano, no section, sheet 12).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SheetKey {
    belfiore: Belfiore,
    section: Option<Sezione>,
    foglio: Foglio,
    annex: Option<char>,
    development: Option<char>,
}

impl SheetKey {
    /// Builds a sheet key from its parts. The section, when present, must be a census section
    /// (one letter); annex and development, when present, must be letters `A`–`Z`.
    pub fn new(
        belfiore: Belfiore,
        section: Option<Sezione>,
        foglio: Foglio,
        annex: Option<char>,
        development: Option<char>,
    ) -> Result<Self, ModelError> {
        if let Some(s) = section.as_ref().filter(|s| !s.is_census_section()) {
            return Err(ModelError::syntax(
                "sheet key",
                s.as_str(),
                "section of a sheet key must be one letter",
            ));
        }
        for (what, c) in [("annex", annex), ("development", development)] {
            if let Some(c) = c.filter(|c| !c.is_ascii_uppercase()) {
                return Err(ModelError::syntax(
                    "sheet key",
                    &c.to_string(),
                    format!("{what} code must be an upper-case letter (none is written 0)"),
                ));
            }
        }
        Ok(Self {
            belfiore,
            section,
            foglio,
            annex,
            development,
        })
    }

    /// Parses an 11-character sheet key; blanks trimmed, letters upper-cased (CXF file names
    /// may be lower case).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        const KIND: &str = "sheet key";
        let s = input.trim().to_ascii_uppercase();
        if s.len() != 11 || !s.is_ascii() {
            return Err(ModelError::syntax(
                KIND,
                input,
                format!(
                    "expected 11 characters, found {}",
                    input.trim().chars().count()
                ),
            ));
        }
        let belfiore = Belfiore::parse(&s[0..4]).map_err(|_| {
            ModelError::syntax(KIND, input, "characters 1-4 must be a Belfiore code")
        })?;
        let section = match &s[4..5] {
            "_" => None,
            c if c.as_bytes()[0].is_ascii_uppercase() => Some(Sezione::parse(c)?),
            _ => {
                return Err(ModelError::syntax(
                    KIND,
                    input,
                    "character 5 must be a section letter or _",
                ));
            }
        };
        let sheet = &s[5..9];
        if !sheet.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ModelError::syntax(
                KIND,
                input,
                "characters 6-9 must be the 4-digit foglio",
            ));
        }
        let foglio = Foglio::parse(sheet)
            .map_err(|_| ModelError::syntax(KIND, input, "foglio must be between 1 and 9999"))?;
        let letter_or_zero = |i: usize, what: &str| -> Result<Option<char>, ModelError> {
            match char::from(s.as_bytes()[i]) {
                '0' => Ok(None),
                c if c.is_ascii_uppercase() => Ok(Some(c)),
                _ => Err(ModelError::syntax(
                    KIND,
                    input,
                    format!("character {} ({what}) must be 0 or a letter", i + 1),
                )),
            }
        };
        let annex = letter_or_zero(9, "annex")?;
        let development = letter_or_zero(10, "development")?;
        Ok(Self {
            belfiore,
            section,
            foglio,
            annex,
            development,
        })
    }

    /// Municipality of the sheet.
    pub fn belfiore(&self) -> Belfiore {
        self.belfiore
    }

    /// Census section, `None` when written `_`.
    pub fn section(&self) -> Option<&Sezione> {
        self.section.as_ref()
    }

    /// Sheet number.
    pub fn foglio(&self) -> Foglio {
        self.foglio
    }

    /// Annex (*allegato*) letter, `None` when written `0`.
    pub fn annex(&self) -> Option<char> {
        self.annex
    }

    /// Development (*sviluppo*) letter, `None` when written `0`.
    pub fn development(&self) -> Option<char> {
        self.development
    }

    /// The INSPIRE local id of the sheet (`IT.AGE.MAP.` + key).
    pub fn inspire_local_id(&self) -> String {
        format!("{MAP_NAMESPACE}{self}")
    }

    /// Parses a sheet key from an INSPIRE identifier: the key itself, the local id
    /// (`IT.AGE.MAP.H833_000100`) or the `gml:id` (`CadastralZoning.IT.AGE.MAP.H833_000100`).
    pub fn parse_inspire_id(input: &str) -> Result<Self, ModelError> {
        let s = input.trim();
        let s = s.strip_prefix("CadastralZoning.").unwrap_or(s);
        Self::parse(s.strip_prefix(MAP_NAMESPACE).unwrap_or(s))
    }

    /// The parcel key of parcel `particella` on this sheet.
    pub fn parcel(&self, particella: Particella) -> ParcelKey {
        ParcelKey {
            sheet: self.clone(),
            particella,
        }
    }
}

impl FromStr for SheetKey {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for SheetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}{}{}",
            self.belfiore,
            self.section.as_ref().map_or("_", Sezione::as_str),
            self.foglio.padded(),
            self.annex.unwrap_or('0'),
            self.development.unwrap_or('0'),
        )
    }
}

serde_via_str!(SheetKey, "a sheet key such as F205_001200");

/// A parcel key, i.e. the national cadastral reference of the open data: sheet key + `.` +
/// parcel number without padding, e.g. `F205_001200.101`.
///
/// Parsing removes zero padding of the parcel number (`.0101` → `.101`), see [`Particella`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParcelKey {
    sheet: SheetKey,
    particella: Particella,
}

impl ParcelKey {
    /// Builds a parcel key from a sheet key and a parcel number.
    pub fn new(sheet: SheetKey, particella: Particella) -> Self {
        Self { sheet, particella }
    }

    /// Parses `sheetkey.parcel`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim();
        let Some((sheet, parcel)) = s.split_once('.') else {
            return Err(ModelError::syntax(
                "parcel key",
                input,
                "expected <sheet key>.<parcel number>",
            ));
        };
        let sheet = SheetKey::parse(sheet).map_err(|e| match e {
            ModelError::Syntax { reason, .. } => ModelError::syntax("parcel key", input, reason),
            other => other,
        })?;
        let particella = Particella::parse(parcel).map_err(|e| match e {
            ModelError::Syntax { reason, .. } => {
                ModelError::syntax("parcel key", input, format!("parcel number: {reason}"))
            }
            other => other,
        })?;
        Ok(Self { sheet, particella })
    }

    /// The sheet of the parcel.
    pub fn sheet(&self) -> &SheetKey {
        &self.sheet
    }

    /// The parcel number.
    pub fn particella(&self) -> &Particella {
        &self.particella
    }

    /// The INSPIRE local id of the parcel (`IT.AGE.PLA.` + reference).
    pub fn inspire_local_id(&self) -> String {
        format!("{PARCEL_NAMESPACE}{self}")
    }

    /// Parses a parcel key from an INSPIRE identifier: the reference itself, the local id
    /// (`IT.AGE.PLA.A176_003100.329`) or the `gml:id`
    /// (`CadastralParcel.IT.AGE.PLA.A176_003100.329`).
    pub fn parse_inspire_id(input: &str) -> Result<Self, ModelError> {
        let s = input.trim();
        let s = s.strip_prefix("CadastralParcel.").unwrap_or(s);
        Self::parse(s.strip_prefix(PARCEL_NAMESPACE).unwrap_or(s))
    }
}

impl FromStr for ParcelKey {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ParcelKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.sheet, self.particella)
    }
}

serde_via_str!(ParcelKey, "a parcel key such as F205_001200.101");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_sheet_keys() {
        let k = SheetKey::parse("F205_001200").unwrap();
        assert_eq!(k.belfiore().as_str(), "F205");
        assert_eq!(k.section(), None);
        assert_eq!(k.foglio().get(), 12);
        assert_eq!((k.annex(), k.development()), (None, None));
        assert_eq!(k.to_string(), "F205_001200");

        let rieti = SheetKey::parse("H282B0001A0").unwrap();
        assert_eq!(rieti.section().unwrap().as_str(), "B");
        assert_eq!(rieti.foglio().get(), 1);
        assert_eq!(rieti.annex(), Some('A'));

        assert_eq!(
            SheetKey::parse("h833_000100").unwrap().to_string(),
            "H833_000100"
        );
        let index = SheetKey::parse("H282B0128QU").unwrap();
        assert_eq!((index.annex(), index.development()), (Some('Q'), Some('U')));
        let g = SheetKey::parse("G273_0033A0").unwrap();
        assert_eq!((g.foglio().get(), g.annex()), (33, Some('A')));
    }

    #[test]
    fn documented_parcel_keys() {
        let cases = [
            ("A176_003100.329", "A176", 31, None, "329"),
            ("G273_0033A0.673", "G273", 33, Some('A'), "673"),
            ("H833_001300.594", "H833", 13, None, "594"),
            ("M011_000200.2", "M011", 2, None, "2"),
            ("F205_001200.101", "F205", 12, None, "101"),
        ];
        for (text, comune, foglio, annex, parcel) in cases {
            let k = ParcelKey::parse(text).unwrap();
            assert_eq!(k.sheet().belfiore().as_str(), comune);
            assert_eq!(k.sheet().foglio().get(), foglio);
            assert_eq!(k.sheet().annex(), annex);
            assert_eq!(k.particella().as_str(), parcel);
            assert_eq!(k.to_string(), text);
        }
        let road = ParcelKey::parse("F205_001200.STRADA001").unwrap();
        assert_eq!(road.particella().as_str(), "STRADA001");
        assert_eq!(
            ParcelKey::parse("A176_003100.329")
                .unwrap()
                .inspire_local_id(),
            "IT.AGE.PLA.A176_003100.329"
        );
    }

    #[test]
    fn inspire_identifiers() {
        for id in [
            "CadastralParcel.IT.AGE.PLA.A176_003100.329",
            "IT.AGE.PLA.A176_003100.329",
            "A176_003100.329",
        ] {
            assert_eq!(
                ParcelKey::parse_inspire_id(id).unwrap().to_string(),
                "A176_003100.329"
            );
        }
        for id in [
            "CadastralZoning.IT.AGE.MAP.H833_000100",
            "IT.AGE.MAP.H833_000100",
        ] {
            let k = SheetKey::parse_inspire_id(id).unwrap();
            assert_eq!(k.to_string(), "H833_000100");
            assert_eq!(k.inspire_local_id(), "IT.AGE.MAP.H833_000100");
        }
        assert!(ParcelKey::parse_inspire_id("IT.AGE.MAP.H833_000100").is_err());
        let road = ParcelKey::parse_inspire_id("IT.AGE.PLA.A000_001200.ACQUA001").unwrap();
        assert_eq!(road.particella().as_str(), "ACQUA001");
    }

    #[test]
    fn parcel_padding_is_removed() {
        assert_eq!(
            ParcelKey::parse("F205_001200.00101").unwrap().to_string(),
            "F205_001200.101"
        );
    }

    #[test]
    fn invalid_keys() {
        for bad in [
            "F205_00120",
            "F205_0012000",
            "F205-001200",
            "F205_000000",
            "F205_0012A",
            "F205_00X200",
            "F205_0012#0",
            "2205_001200",
            "F205_00120é",
        ] {
            assert!(SheetKey::parse(bad).is_err(), "{bad} accepted");
        }
        for bad in [
            "F205_001200",
            "F205_001200.",
            "F205_001200.1-2",
            "F205_00120.101",
        ] {
            assert!(ParcelKey::parse(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            SheetKey::parse("F205-001200").unwrap_err().to_string(),
            "sheet key F205-001200: character 5 must be a section letter or _"
        );
    }

    #[test]
    fn new_checks_parts() {
        let b = Belfiore::parse("F205").unwrap();
        let f = Foglio::new(12).unwrap();
        let urban = Sezione::parse("A12").ok();
        assert!(SheetKey::new(b, urban, f, None, None).is_err());
        assert!(SheetKey::new(b, None, f, Some('1'), None).is_err());
        let k = SheetKey::new(b, Sezione::parse("C").ok(), f, None, Some('B')).unwrap();
        assert_eq!(k.to_string(), "F205C00120B");
        let p = k.parcel(Particella::parse("7").unwrap());
        assert_eq!(p.to_string(), "F205C00120B.7");
    }
}
