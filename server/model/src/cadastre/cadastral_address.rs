//! The address of a buildings-cadastre unit as the census file writes it (FAB type 3):
//! street-type code, street name, up to three house-number fields and the Agenzia's street
//! code, with the project's reading of house number and suffix (censuario.md §4).

use serde::{Deserialize, Serialize};

/// One FAB type-3 address group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadastralAddress {
    /// Street-type code (*toponimo*, e.g. 236 = VIA).
    pub toponimo: Option<u16>,
    /// Street name without its type (`DEI MILLE`).
    pub street_name: Box<str>,
    /// `civico 1`: numeric house number, often zero-padded (`000012`).
    pub civico1: Option<Box<str>>,
    /// `civico 2`: suffix, or a further house number.
    pub civico2: Option<Box<str>>,
    /// `civico 3`: usually empty.
    pub civico3: Option<Box<str>>,
    /// The Agenzia's street code (`codice strada`), as written (`05432`).
    pub street_code: Option<Box<str>>,
}

impl CadastralAddress {
    /// House number and suffix by the project convention: `int(civico 1)`; the suffix is a
    /// purely alphabetic `civico 2`, or letters attached to `civico 1` (`12A`, `12/A`). A numeric
    /// `civico 2` is a further number of the same access and is ignored. `None` when `civico 1`
    /// has no leading number or it is zero.
    pub fn house_number(&self) -> Option<(u32, Option<String>)> {
        let c1 = self.civico1.as_deref()?.trim();
        let digits = c1.bytes().take_while(u8::is_ascii_digit).count();
        let significant = c1[..digits].trim_start_matches('0');
        if significant.is_empty() || significant.len() > 9 {
            return None;
        }
        let number: u32 = significant.parse().ok()?;
        let attached = c1[digits..].trim_start_matches(['/', ' ', '-']).trim();
        let suffix = if attached.bytes().all(|b| b.is_ascii_alphabetic()) && !attached.is_empty() {
            Some(attached.to_ascii_uppercase())
        } else {
            self.civico2
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()))
                .map(str::to_ascii_uppercase)
        };
        Some((number, suffix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(c1: &str, c2: &str) -> CadastralAddress {
        let opt = |s: &str| (!s.is_empty()).then(|| s.into());
        CadastralAddress {
            toponimo: Some(236),
            street_name: "DEI MILLE".into(),
            civico1: opt(c1),
            civico2: opt(c2),
            civico3: None,
            street_code: Some("05432".into()),
        }
    }

    #[test]
    fn house_numbers() {
        assert_eq!(addr("000012", "").house_number(), Some((12, None)));
        assert_eq!(
            addr("000012", "B").house_number(),
            Some((12, Some("B".into())))
        );
        assert_eq!(addr("12A", "").house_number(), Some((12, Some("A".into()))));
        assert_eq!(
            addr("12/a", "").house_number(),
            Some((12, Some("A".into())))
        );
        assert_eq!(addr("12", "14").house_number(), Some((12, None)));
        assert_eq!(addr("000000", "").house_number(), None);
        assert_eq!(addr("", "B").house_number(), None);
        assert_eq!(addr("SNC", "").house_number(), None);
    }
}
