//! Composition of a natural person's codice fiscale from surname, given name, birth date, sex
//! and birthplace (DM 23 dicembre 1976, as summarised in identifiers.md §3). Used to build
//! composed test data with valid check characters.

use chrono::{Datelike, NaiveDate};

use super::codice_fiscale::{MONTH_LETTERS, check_character};
use super::{Belfiore, CodiceFiscale, Sex};
use crate::ModelError;

/// Composes the base (non-homocode) code of a natural person.
///
/// Surname: consonants in order, then vowels, padded with `X`. Given name: with four or more
/// consonants the 1st, 3rd and 4th; otherwise as the surname. Accented letters count as their
/// base letter; other characters (blanks, apostrophes) are ignored. Both names must contain at
/// least one letter.
pub fn compose(
    surname: &str,
    given_name: &str,
    birth_date: NaiveDate,
    sex: Sex,
    birthplace: Belfiore,
) -> Result<CodiceFiscale, ModelError> {
    let surname_part = name_part("surname", surname, false)?;
    let name_part = name_part("given name", given_name, true)?;
    let month = MONTH_LETTERS[birth_date.month0() as usize] as char;
    let day = birth_date.day() + if sex == Sex::Female { 40 } else { 0 };
    let year = birth_date.year().rem_euclid(100);
    let first15 = format!("{surname_part}{name_part}{year:02}{month}{day:02}{birthplace}");
    let check = check_character(&first15)?;
    Ok(CodiceFiscale::from_valid(&format!("{first15}{check}")))
}

fn name_part(kind: &'static str, name: &str, given: bool) -> Result<String, ModelError> {
    let letters: Vec<char> = name.chars().filter_map(base_letter).collect();
    if letters.is_empty() {
        return Err(ModelError::syntax(kind, name, "contains no letter"));
    }
    let is_vowel = |c: &char| matches!(c, 'A' | 'E' | 'I' | 'O' | 'U');
    let consonants: Vec<char> = letters.iter().copied().filter(|c| !is_vowel(c)).collect();
    let vowels = letters.iter().copied().filter(is_vowel);
    let mut out: Vec<char> = if given && consonants.len() >= 4 {
        vec![consonants[0], consonants[2], consonants[3]]
    } else {
        consonants.iter().copied().chain(vowels).take(3).collect()
    };
    out.resize(3, 'X');
    Ok(out.into_iter().collect())
}

/// Upper-case ASCII letter of a character, accents removed; `None` for non-letters.
fn base_letter(c: char) -> Option<char> {
    let up = c.to_uppercase().next().unwrap_or(c);
    let mapped = match up {
        'À' | 'Á' | 'Â' | 'Ä' => 'A',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'Ò' | 'Ó' | 'Ô' | 'Ö' => 'O',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'Ç' => 'C',
        'Ñ' => 'N',
        other => other,
    };
    mapped.is_ascii_uppercase().then_some(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn composes_documented_codes() {
        let f205 = Belfiore::parse("F205").unwrap();
        let c351 = Belfiore::parse("C351").unwrap();
        let cf = compose("Rossi", "Maria", date(1970, 5, 12), Sex::Female, f205).unwrap();
        assert_eq!(cf.as_str(), "RSSMRA70E52F205N");
        let cf = compose("BIANCHI", "LUCA", date(1985, 3, 15), Sex::Male, c351).unwrap();
        assert_eq!(cf.as_str(), "BNCLCU85C15C351H");
        let cf = compose("Martini", "Matteo", date(1925, 4, 9), Sex::Male, f205).unwrap();
        assert_eq!(cf.as_str(), "MRTMTT25D09F205Z");
    }

    #[test]
    fn name_rules() {
        assert_eq!(name_part("surname", "Fo", false).unwrap(), "FOX");
        assert_eq!(name_part("surname", "D'Amico", false).unwrap(), "DMC");
        assert_eq!(name_part("given name", "Gianfranco", true).unwrap(), "GFR");
        assert_eq!(name_part("given name", "Niccolò", true).unwrap(), "NCL");
        assert_eq!(name_part("surname", "Oè", false).unwrap(), "OEX");
        assert!(name_part("surname", " '", false).is_err());
    }

    #[test]
    fn composed_codes_validate() {
        let z = Belfiore::parse("Z404").unwrap();
        let cf = compose("Smith", "John", date(2001, 12, 31), Sex::Male, z).unwrap();
        assert_eq!(CodiceFiscale::parse(cf.as_str()).unwrap(), cf);
        assert!(cf.birth_data().unwrap().birthplace.is_foreign_country());
    }
}
