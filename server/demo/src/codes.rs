//! Fiscal codes of generated subjects: the 16-character codice fiscale of natural persons
//! (composed by `segit-model`, see `shared/domain/identifiers.md` §3) and the 11-digit numeric
//! code of legal entities (§4). Using the model's composer and check functions means the
//! generator and the validator cannot disagree.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use segit_model::ids::{compose_codice_fiscale, partita_iva_check_digit};
use segit_model::{Belfiore, Sex};

/// Issues codici fiscali, resolving collisions as the Agenzia does (homocodes).
#[derive(Debug, Default)]
pub struct CfRegistry {
    issued: BTreeSet<String>,
}

impl CfRegistry {
    /// The codice fiscale of a new natural person: the regular code, or the first free homocode
    /// variant when another person already holds it. `None` when the inputs cannot form a code
    /// (a name without letters, a malformed birthplace) or every homocode level is taken.
    pub fn person(
        &mut self,
        surname: &str,
        name: &str,
        female: bool,
        birth: NaiveDate,
        place: &str,
    ) -> Option<String> {
        let place = Belfiore::parse(place).ok()?;
        let sex = if female { Sex::Female } else { Sex::Male };
        let base = compose_codice_fiscale(surname, name, birth, sex, place).ok()?;
        (0..=7).find_map(|level| {
            let code = base.with_homocode(level).ok()?.as_str().to_owned();
            self.issued.insert(code.clone()).then_some(code)
        })
    }

    /// Whether `code` was issued.
    pub fn contains(&self, code: &str) -> bool {
        self.issued.contains(code)
    }
}

/// The 11-digit numeric code of a legal entity: a 7-digit progressive, a 3-digit office code and
/// the check digit.
pub fn entity_code(progressive: u32, office: u16) -> String {
    let body = format!("{:07}{:03}", progressive % 10_000_000, office % 1000);
    // Ten ASCII digits always have a check digit; the fallback is unreachable.
    let check = partita_iva_check_digit(&body).unwrap_or('0');
    format!("{body}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_example_and_homocodes() {
        let mut reg = CfRegistry::default();
        let d = NaiveDate::from_ymd_opt(1970, 5, 12).unwrap();
        let first = reg.person("ROSSI", "MARIA", true, d, "F205").unwrap();
        assert_eq!(first, "RSSMRA70E52F205N");
        let second = reg.person("ROSSI", "MARIA", true, d, "F205").unwrap();
        assert_eq!(second, "RSSMRA70E52F20RI");
        assert!(reg.contains(&second));
        assert!(reg.person("'", "MARIA", true, d, "F205").is_none());
    }

    #[test]
    fn entity_codes_have_the_documented_check_digit() {
        assert_eq!(entity_code(123_456, 789), "01234567897");
    }
}
