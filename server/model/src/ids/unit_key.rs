//! The unit key: the project's written form of a buildings-cadastre unit identifier,
//! `<Belfiore>/<urban section>/<foglio>/<particella>/<subalterno>` (identifiers.md §2), e.g.
//! `F205//12/101/7`, or `F205//12/101/` without subalterno.

use std::fmt;
use std::str::FromStr;

use super::serde_str::serde_via_str;
use super::{Belfiore, Foglio, Particella, Sezione, Subalterno};
use crate::ModelError;

/// A unit key: always four `/`; empty section when none; foglio and subalterno as integers
/// without leading zeros; particella as on the map; no subalterno → the key ends with `/`.
///
/// Parsing is lenient on padding (`F205//0012/00101/0007` gives `F205//12/101/7`) and treats a
/// subalterno `0` as none, as the normalisation rules prescribe. Land parcels declared in IMU
/// declarations use the same form without subalterno.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitKey {
    belfiore: Belfiore,
    section: Option<Sezione>,
    foglio: Foglio,
    particella: Particella,
    subalterno: Option<Subalterno>,
}

impl UnitKey {
    /// Builds a unit key from its parts.
    pub fn new(
        belfiore: Belfiore,
        section: Option<Sezione>,
        foglio: Foglio,
        particella: Particella,
        subalterno: Option<Subalterno>,
    ) -> Self {
        Self {
            belfiore,
            section,
            foglio,
            particella,
            subalterno,
        }
    }

    /// Parses the written form.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        const KIND: &str = "unit key";
        let s = input.trim();
        let parts: Vec<&str> = s.split('/').collect();
        if parts.len() != 5 {
            return Err(ModelError::syntax(
                KIND,
                input,
                format!("expected 5 parts separated by /, found {}", parts.len()),
            ));
        }
        let part = |e: ModelError, what: &str| match e {
            ModelError::Syntax { reason, .. } => {
                ModelError::syntax(KIND, input, format!("{what}: {reason}"))
            }
            other => other,
        };
        let belfiore = Belfiore::parse(parts[0]).map_err(|e| part(e, "Belfiore code"))?;
        let section = Sezione::parse_optional(parts[1]).map_err(|e| part(e, "section"))?;
        let foglio = Foglio::parse(parts[2]).map_err(|e| part(e, "foglio"))?;
        let particella = Particella::parse(parts[3]).map_err(|e| part(e, "particella"))?;
        let subalterno = Subalterno::parse_optional(parts[4]).map_err(|e| part(e, "subalterno"))?;
        Ok(Self {
            belfiore,
            section,
            foglio,
            particella,
            subalterno,
        })
    }

    /// Municipality.
    pub fn belfiore(&self) -> Belfiore {
        self.belfiore
    }

    /// Urban section, `None` when empty.
    pub fn section(&self) -> Option<&Sezione> {
        self.section.as_ref()
    }

    /// Sheet number.
    pub fn foglio(&self) -> Foglio {
        self.foglio
    }

    /// Parcel number.
    pub fn particella(&self) -> &Particella {
        &self.particella
    }

    /// Subalterno, `None` when the unit is the whole parcel.
    pub fn subalterno(&self) -> Option<Subalterno> {
        self.subalterno
    }

    /// The same key without subalterno: identifies the parcel the unit stands on (in the
    /// unit-key form, without annex/development, which census data do not carry).
    #[must_use]
    pub fn without_subalterno(&self) -> Self {
        Self {
            subalterno: None,
            ..self.clone()
        }
    }

    /// True when both keys designate the same parcel (Belfiore, section, foglio, particella).
    pub fn same_parcel(&self, other: &Self) -> bool {
        self.belfiore == other.belfiore
            && self.section == other.section
            && self.foglio == other.foglio
            && self.particella == other.particella
    }
}

impl FromStr for UnitKey {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}/",
            self.belfiore,
            self.section.as_ref().map_or("", Sezione::as_str),
            self.foglio,
            self.particella
        )?;
        if let Some(sub) = self.subalterno {
            write!(f, "{sub}")?;
        }
        Ok(())
    }
}

serde_via_str!(UnitKey, "a unit key such as F205//12/101/7");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_key_is_inline() {
        // section and parcel number are inline: no allocation per key
        assert!(size_of::<UnitKey>() <= 24, "{}", size_of::<UnitKey>());
    }

    #[test]
    fn documented_examples() {
        let k = UnitKey::parse("F205//12/101/7").unwrap();
        assert_eq!(k.belfiore().as_str(), "F205");
        assert_eq!(k.section(), None);
        assert_eq!(k.foglio().get(), 12);
        assert_eq!(k.particella().as_str(), "101");
        assert_eq!(k.subalterno().map(Subalterno::get), Some(7));
        assert_eq!(k.to_string(), "F205//12/101/7");

        let whole = UnitKey::parse("F205//12/101/").unwrap();
        assert_eq!(whole.subalterno(), None);
        assert_eq!(whole.to_string(), "F205//12/101/");
        assert_eq!(k.without_subalterno(), whole);
        assert!(k.same_parcel(&whole));
    }

    #[test]
    fn normalises_padding_and_zero_sub() {
        assert_eq!(
            UnitKey::parse("f205//0012/00101/0007").unwrap().to_string(),
            "F205//12/101/7"
        );
        assert_eq!(
            UnitKey::parse("F205//12/101/0").unwrap().to_string(),
            "F205//12/101/"
        );
        assert_eq!(
            UnitKey::parse("F205/A/12/101A/3").unwrap().to_string(),
            "F205/A/12/101A/3"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "F205/12/101/7",
            "F205//12/101",
            "F205//12/101/7/",
            "F205//0/101/7",
            "F205//12//7",
            "F205//12/101/X",
            "F20//12/101/7",
            "F205/ABCD/12/101/7",
        ] {
            assert!(UnitKey::parse(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            UnitKey::parse("F205//12/101/X").unwrap_err().to_string(),
            "unit key F205//12/101/X: subalterno: only digits are allowed"
        );
    }
}
