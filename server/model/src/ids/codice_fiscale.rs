//! Codice fiscale: the 16-character code of natural persons (surname, name, birth date, sex,
//! birthplace, check character; homocode letters allowed) and the 11-digit numeric code of
//! legal entities (identifiers.md §3–§4).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::cadastral::{inline_ascii, inline_str};
use super::partita_iva::parse_numeric;
use super::serde_str::serde_via_str;
use super::{Belfiore, PartitaIva};
use crate::ModelError;

/// Odd-position values of the check-character table, indexed by letter (`A` = 0); a digit
/// uses the value of the letter in the same place (`0` ≡ `A`).
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// Month letters, January to December.
pub(crate) const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";

/// Homocode substitution letters for the digits 0–9.
const HOMOCODE_LETTERS: &[u8; 10] = b"LMNPQRSTUV";

/// 0-based positions of the characters that are digits in a base code (7, 8, 10, 11, 13, 14,
/// 15 in 1-based numbering), left to right.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];

/// Sex of a natural person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Male (`M`, SOG `1`).
    #[serde(rename = "M")]
    Male,
    /// Female (`F`, SOG `2`).
    #[serde(rename = "F")]
    Female,
}

impl Sex {
    /// Parses `M`/`F` or the SOG codes `1` (male) / `2` (female).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "M" | "m" | "1" => Ok(Self::Male),
            "F" | "f" | "2" => Ok(Self::Female),
            _ => Err(ModelError::syntax("sex", input, "expected M, F, 1 or 2")),
        }
    }

    /// `M` or `F`.
    pub fn letter(self) -> char {
        match self {
            Self::Male => 'M',
            Self::Female => 'F',
        }
    }
}

/// The kind of a codice fiscale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodiceFiscaleKind {
    /// 16 characters: a natural person.
    NaturalPerson,
    /// 11 digits: a legal entity, a sole proprietor's VAT number or a provisional code.
    Numeric,
}

/// Birth data encoded in a natural person's code (after de-homocoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthData {
    /// Last two digits of the birth year.
    pub year_two_digits: u8,
    /// Birth month, 1–12.
    pub month: u8,
    /// Birth day, 1–31 (the +40 of women removed).
    pub day: u8,
    /// Sex (female when the written day is 41–71).
    pub sex: Sex,
    /// Belfiore code of the birth municipality, or `Z` code of the foreign country.
    pub birthplace: Belfiore,
}

impl BirthData {
    /// The birth date in the latest year ending in `year_two_digits` that is not after
    /// `reference_year` (the century is not written in the code). `None` when the day does not
    /// exist in that month and year.
    pub fn birth_date_not_after(&self, reference_year: i32) -> Option<chrono::NaiveDate> {
        let yy = i32::from(self.year_two_digits);
        let mut year = reference_year - reference_year.rem_euclid(100) + yy;
        if year > reference_year {
            year -= 100;
        }
        chrono::NaiveDate::from_ymd_opt(year, u32::from(self.month), u32::from(self.day))
    }
}

/// A validated codice fiscale: a 16-character person code with a correct check character
/// (homocode letters allowed), or an 11-digit numeric code with a correct check digit.
///
/// Validation (identifiers.md §3): structure (the documented regular expression), month
/// letter, day range 1–31 or 41–71, check character. Whether the birthplace code is assigned is
/// not checked (that needs the municipality table). Joins compare [`CodiceFiscale::as_str`]:
/// homocode letters included, never de-homocoded.
///
/// Stored inline (the ASCII bytes, an 11-digit code zero-padded to 16): no allocation per
/// code; hashed, compared and shown as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CodiceFiscale([u8; 16]);

impl CodiceFiscale {
    /// Parses and validates a code; blanks are trimmed and letters upper-cased.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim().to_ascii_uppercase();
        match s.len() {
            16 if s.is_ascii() => validate_person(&s, input).map(|()| Self::inline(&s)),
            11 if s.bytes().all(|b| b.is_ascii_digit()) => {
                parse_numeric("codice fiscale", &s).map(|_| Self::inline(&s))
            }
            _ => Err(ModelError::syntax(
                "codice fiscale",
                input,
                format!(
                    "expected 16 characters (natural person) or 11 digits, found {} characters",
                    input.trim().chars().count()
                ),
            )),
        }
    }

    /// The code as written (upper case).
    pub fn as_str(&self) -> &str {
        inline_str(&self.0)
    }

    /// A checked ASCII code of 11 or 16 characters, inline.
    fn inline(code: &str) -> Self {
        Self(inline_ascii(code))
    }

    /// Person code or numeric code.
    pub fn kind(&self) -> CodiceFiscaleKind {
        if self.as_str().len() == 16 {
            CodiceFiscaleKind::NaturalPerson
        } else {
            CodiceFiscaleKind::Numeric
        }
    }

    /// The numeric code as a partita IVA (same grammar); `None` for person codes.
    pub fn as_partita_iva(&self) -> Option<PartitaIva> {
        match self.kind() {
            CodiceFiscaleKind::Numeric => PartitaIva::parse(self.as_str()).ok(),
            CodiceFiscaleKind::NaturalPerson => None,
        }
    }

    /// Number of digit positions replaced by homocode letters (0 for a base code and for
    /// numeric codes).
    pub fn homocode_level(&self) -> usize {
        if self.kind() == CodiceFiscaleKind::Numeric {
            return 0;
        }
        let b = self.as_str().as_bytes();
        DIGIT_POSITIONS
            .iter()
            .filter(|&&i| b[i].is_ascii_alphabetic())
            .count()
    }

    /// True when at least one digit position holds a homocode letter.
    pub fn is_homocode(&self) -> bool {
        self.homocode_level() > 0
    }

    /// The base code: homocode letters mapped back to digits, check character recomputed.
    /// A pseudonymisation step (identifiers.md §5), never a join rule. Numeric codes and base
    /// codes are returned unchanged.
    #[must_use]
    pub fn dehomocode(&self) -> Self {
        if !self.is_homocode() {
            return self.clone();
        }
        let mut b = self.as_str().as_bytes().to_vec();
        for &i in &DIGIT_POSITIONS {
            b[i] = digit_of(b[i]);
        }
        Self::inline(&with_check(b))
    }

    /// The homocode variant of level `level` (1–7): the `level` rightmost digit positions of
    /// the base code replaced by their letters, check character recomputed
    /// (`RSSMRA70E52F205N` level 1 → `RSSMRA70E52F20RI`). Level 0 gives the base code.
    pub fn with_homocode(&self, level: usize) -> Result<Self, ModelError> {
        if self.kind() == CodiceFiscaleKind::Numeric || level > DIGIT_POSITIONS.len() {
            return Err(ModelError::OutOfRange {
                kind: "homocode level",
                value: format!("{level} for {}", self.as_str()),
                range: "0..=7 on a 16-character code",
            });
        }
        let mut b = self.dehomocode().as_str().as_bytes().to_vec();
        for &i in DIGIT_POSITIONS.iter().rev().take(level) {
            b[i] = HOMOCODE_LETTERS[usize::from(b[i] - b'0')];
        }
        Ok(Self::inline(&with_check(b)))
    }

    /// Birth data of a person code; `None` for numeric codes.
    pub fn birth_data(&self) -> Option<BirthData> {
        if self.kind() == CodiceFiscaleKind::Numeric {
            return None;
        }
        let b = self.dehomocode().as_str().as_bytes().to_vec();
        let num = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
        let month = MONTH_LETTERS.iter().position(|&m| m == b[8])? as u8 + 1;
        let written_day = num(9);
        let (day, sex) = if written_day > 40 {
            (written_day - 40, Sex::Female)
        } else {
            (written_day, Sex::Male)
        };
        let birthplace = Belfiore::parse(std::str::from_utf8(&b[11..15]).ok()?).ok()?;
        Some(BirthData {
            year_two_digits: num(6),
            month,
            day,
            sex,
            birthplace,
        })
    }

    /// Wraps a code already known to be valid (internal use by the composer).
    pub(crate) fn from_valid(code: &str) -> Self {
        Self::inline(code)
    }
}

/// Computes the check character of a person code from its first 15 characters (letters and
/// digits, upper or lower case): odd-position and even-position values summed, `A + sum mod
/// 26`. The demo generator uses it to compose valid codes.
pub fn check_character(first15: &str) -> Result<char, ModelError> {
    let s = first15.trim().to_ascii_uppercase();
    if s.len() != 15 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ModelError::syntax(
            "codice fiscale",
            first15,
            "check character needs exactly 15 letters or digits",
        ));
    }
    Ok(check_of(s.as_bytes()))
}

fn check_of(first15: &[u8]) -> char {
    let sum: u32 = first15
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let index = if c.is_ascii_digit() {
                c - b'0'
            } else {
                c - b'A'
            };
            if i % 2 == 0 {
                ODD_VALUES[usize::from(index)]
            } else {
                u32::from(index)
            }
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

/// Replaces position 16 of a 16-byte ASCII code by its check character.
fn with_check(mut b: Vec<u8>) -> String {
    b[15] = check_of(&b[..15]) as u8;
    String::from_utf8(b).unwrap_or_default()
}

/// Maps a homocode letter back to its digit; digits are returned unchanged.
fn digit_of(c: u8) -> u8 {
    HOMOCODE_LETTERS
        .iter()
        .position(|&l| l == c)
        .map_or(c, |d| b'0' + d as u8)
}

fn validate_person(s: &str, input: &str) -> Result<(), ModelError> {
    let b = s.as_bytes();
    let err = |pos: usize, what: &str, expected: &str| {
        ModelError::syntax(
            "codice fiscale",
            input,
            format!(
                "character {} ({what}) must be {expected}, found {}",
                pos + 1,
                char::from(b[pos])
            ),
        )
    };
    for (pos, what) in [
        (0, "surname"),
        (1, "surname"),
        (2, "surname"),
        (3, "name"),
        (4, "name"),
        (5, "name"),
    ] {
        if !b[pos].is_ascii_uppercase() {
            return Err(err(pos, what, "a letter"));
        }
    }
    for &pos in &DIGIT_POSITIONS {
        if !(b[pos].is_ascii_digit() || HOMOCODE_LETTERS.contains(&b[pos])) {
            return Err(err(
                pos,
                "digit or homocode letter",
                "0-9 or one of LMNPQRSTUV",
            ));
        }
    }
    if !MONTH_LETTERS.contains(&b[8]) {
        return Err(err(8, "birth month", "one of ABCDEHLMPRST"));
    }
    if !b[11].is_ascii_uppercase() {
        return Err(err(11, "birthplace", "a letter"));
    }
    if !b[15].is_ascii_uppercase() {
        return Err(err(15, "check character", "a letter"));
    }
    let day = (digit_of(b[9]) - b'0') * 10 + (digit_of(b[10]) - b'0');
    if !((1..=31).contains(&day) || (41..=71).contains(&day)) {
        return Err(ModelError::syntax(
            "codice fiscale",
            input,
            format!("birth day {day:02} is outside 01-31 (men) and 41-71 (women)"),
        ));
    }
    let expected = check_of(&b[..15]);
    let found = char::from(b[15]);
    if found != expected {
        return Err(ModelError::CfCheckCharacter {
            code: s.to_owned(),
            found,
            expected,
        });
    }
    Ok(())
}

impl FromStr for CodiceFiscale {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CodiceFiscale")
            .field(&self.as_str())
            .finish()
    }
}

impl Hash for CodiceFiscale {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

serde_via_str!(
    CodiceFiscale,
    "a codice fiscale (16 characters or 11 digits)"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_inline_and_hashed_ordered_and_shown_as_its_text() {
        use std::hash::BuildHasher;
        assert!(size_of::<CodiceFiscale>() <= 16);
        let person = CodiceFiscale::parse("rssmra70e52f205n").unwrap();
        let numeric = CodiceFiscale::parse("12345678903").unwrap();
        assert_eq!(person.as_str(), "RSSMRA70E52F205N");
        assert_eq!(numeric.as_str(), "12345678903");
        assert_eq!(numeric.kind(), CodiceFiscaleKind::Numeric);
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(state.hash_one(&person), state.hash_one("RSSMRA70E52F205N"));
        assert_eq!(format!("{numeric:?}"), r#"CodiceFiscale("12345678903")"#);
        let texts = [
            "12345678903",
            "12345678911",
            "RSSMRA70E52F205N",
            "RSSMRA70E52F20RI",
        ];
        let mut codes: Vec<CodiceFiscale> =
            texts.iter().rev().map(|t| t.parse().unwrap()).collect();
        codes.sort();
        let back: Vec<&str> = codes.iter().map(CodiceFiscale::as_str).collect();
        assert_eq!(back, texts);
    }

    #[test]
    fn documented_valid_codes() {
        for code in [
            "RSSMRA85T10A562S",
            "MRTMTT25D09F205Z",
            "RSSMRA70E52F205N",
            "BNCLCU85C15C351H",
            "RSSMRA70E52F20RI",
            "01234567897",
        ] {
            let cf = CodiceFiscale::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(cf.to_string(), code);
        }
        assert_eq!(check_character("RSSMRA85T10A562").unwrap(), 'S');
        assert_eq!(check_character("rssmra70e52f205").unwrap(), 'N');
    }

    #[test]
    fn check_character_mismatch_message() {
        let e = CodiceFiscale::parse("RSSMRA85T10A562X").unwrap_err();
        assert_eq!(
            e.to_string(),
            "codice fiscale RSSMRA85T10A562X: check character is X, expected S"
        );
        assert_eq!(
            e,
            ModelError::CfCheckCharacter {
                code: "RSSMRA85T10A562X".into(),
                found: 'X',
                expected: 'S'
            }
        );
    }

    #[test]
    fn structural_errors() {
        let cases = [
            ("RSSMRA85T10A562", "expected 16 characters"),
            ("RSSMRA85X10A562S", "character 9 (birth month)"),
            ("RSSMRA85T32A562S", "birth day 32"),
            ("RSSMRA85T00A562S", "birth day 00"),
            ("RSSMRA85T72A562S", "birth day 72"),
            ("R5SMRA85T10A562S", "character 2 (surname)"),
            ("RSSMRAA5T10A562S", "character 7 (digit or homocode letter)"),
            ("RSSMRA85T101562S", "character 12 (birthplace)"),
            ("RSSMRA85T10A5625", "character 16 (check character)"),
            ("0123456789", "expected 16 characters"),
        ];
        for (code, needle) in cases {
            let msg = CodiceFiscale::parse(code).unwrap_err().to_string();
            assert!(msg.contains(needle), "{code}: {msg}");
        }
        assert!(matches!(
            CodiceFiscale::parse("01234567890"),
            Err(ModelError::CheckDigit {
                kind: "codice fiscale",
                ..
            })
        ));
    }

    #[test]
    fn normalises_case_and_blanks() {
        assert_eq!(
            CodiceFiscale::parse(" rssmra70e52f205n ").unwrap().as_str(),
            "RSSMRA70E52F205N"
        );
    }

    #[test]
    fn birth_data() {
        let cf = CodiceFiscale::parse("RSSMRA70E52F205N").unwrap();
        let d = cf.birth_data().unwrap();
        assert_eq!(
            (d.year_two_digits, d.month, d.day, d.sex),
            (70, 5, 12, Sex::Female)
        );
        assert_eq!(d.birthplace.as_str(), "F205");
        assert_eq!(
            d.birth_date_not_after(2025),
            chrono::NaiveDate::from_ymd_opt(1970, 5, 12)
        );
        let m = CodiceFiscale::parse("BNCLCU85C15C351H")
            .unwrap()
            .birth_data()
            .unwrap();
        assert_eq!((m.month, m.day, m.sex), (3, 15, Sex::Male));
        let homo = CodiceFiscale::parse("RSSMRA70E52F20RI")
            .unwrap()
            .birth_data()
            .unwrap();
        assert_eq!(homo, d);
        assert!(
            CodiceFiscale::parse("01234567897")
                .unwrap()
                .birth_data()
                .is_none()
        );
    }

    #[test]
    fn homocodes() {
        let base = CodiceFiscale::parse("RSSMRA70E52F205N").unwrap();
        let homo = CodiceFiscale::parse("RSSMRA70E52F20RI").unwrap();
        assert!(!base.is_homocode());
        assert_eq!(homo.homocode_level(), 1);
        assert_eq!(homo.dehomocode(), base);
        assert_eq!(base.with_homocode(1).unwrap(), homo);
        assert_eq!(base.with_homocode(0).unwrap(), base);
        let full = base.with_homocode(7).unwrap();
        assert_eq!(full.homocode_level(), 7);
        assert_eq!(&full.as_str()[6..15], "TLERNFNLR");
        assert_eq!(
            CodiceFiscale::parse(full.as_str()).unwrap().dehomocode(),
            base
        );
        assert!(base.with_homocode(8).is_err());
        assert!(
            CodiceFiscale::parse("01234567897")
                .unwrap()
                .with_homocode(1)
                .is_err()
        );
    }

    #[test]
    fn numeric_code_as_partita_iva() {
        let cf = CodiceFiscale::parse("01234567897").unwrap();
        assert_eq!(cf.kind(), CodiceFiscaleKind::Numeric);
        assert_eq!(cf.as_partita_iva().unwrap().as_str(), "01234567897");
        assert_eq!(cf.homocode_level(), 0);
    }

    #[test]
    fn sex_parse() {
        assert_eq!(Sex::parse("1").unwrap(), Sex::Male);
        assert_eq!(Sex::parse("F").unwrap(), Sex::Female);
        assert!(Sex::parse("X").is_err());
    }
}
