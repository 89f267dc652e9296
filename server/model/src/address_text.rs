//! Addresses written as text by utilities, TARI and IMU declarations:
//! `<DUG> <DUF> <number><suffix>[ SC. <staircase>][ INT. <internal>]` (other-supplies.md §2),
//! with the abbreviated street types expanded before matching the street register.

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Abbreviations of street types and their full form.
const DUG_ABBREVIATIONS: [(&str, &str); 5] = [
    ("V.", "VIA"),
    ("V.LE", "VIALE"),
    ("C.SO", "CORSO"),
    ("P.ZZA", "PIAZZA"),
    ("L.GO", "LARGO"),
];

/// Full form of a street type: abbreviations (`V.LE`) expanded, other values upper-cased.
pub fn expand_street_type(dug: &str) -> String {
    let up = dug.trim().to_uppercase();
    DUG_ABBREVIATIONS
        .iter()
        .find(|(abbr, _)| *abbr == up)
        .map_or(up, |(_, full)| (*full).to_owned())
}

/// A text address split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextAddress {
    /// Street type, expanded (`VIALE`).
    pub dug: String,
    /// Street name (`CAMILLO GOLGI`); may itself contain numbers.
    pub duf: String,
    /// House number: the last token of the street part.
    pub number: u32,
    /// Upper-case suffix attached to the number (`7A` → `A`).
    pub suffix: Option<String>,
    /// Staircase, after `SC.`.
    pub staircase: Option<String>,
    /// Internal number, after `INT.`.
    pub internal: Option<String>,
}

impl TextAddress {
    /// Parses a text address (case-insensitive; blanks collapsed).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        const KIND: &str = "text address";
        let upper = input.to_uppercase();
        let tokens: Vec<&str> = upper.split_whitespace().collect();
        let tail_start = tokens
            .iter()
            .position(|t| *t == "SC." || *t == "INT.")
            .unwrap_or(tokens.len());
        let (street, tail) = tokens.split_at(tail_start);
        let (mut staircase, mut internal) = (None, None);
        let mut rest = tail.iter();
        while let Some(marker) = rest.next() {
            let Some(value) = rest.next() else {
                return Err(ModelError::syntax(
                    KIND,
                    input,
                    format!("{marker} without a value"),
                ));
            };
            let slot = if *marker == "SC." {
                &mut staircase
            } else {
                &mut internal
            };
            match *value {
                "SC." | "INT." => {
                    return Err(ModelError::syntax(
                        KIND,
                        input,
                        format!("{marker} without a value"),
                    ));
                }
                v if slot.is_none() => *slot = Some(v.to_owned()),
                _ => {
                    return Err(ModelError::syntax(
                        KIND,
                        input,
                        format!("{marker} given twice"),
                    ));
                }
            }
        }
        let [dug, duf @ .., number] = street else {
            return Err(ModelError::syntax(
                KIND,
                input,
                "expected <street type> <street name> <house number>",
            ));
        };
        if duf.is_empty() {
            return Err(ModelError::syntax(KIND, input, "street name missing"));
        }
        let digits = number.bytes().take_while(u8::is_ascii_digit).count();
        let (num, suffix) = number.split_at(digits);
        let significant = num.trim_start_matches('0');
        if digits == 0 || significant.is_empty() || significant.len() > 9 {
            return Err(ModelError::syntax(
                KIND,
                input,
                format!("house number {number} must start with a positive number"),
            ));
        }
        if !suffix.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ModelError::syntax(
                KIND,
                input,
                format!("suffix of house number {number} must be letters"),
            ));
        }
        Ok(Self {
            dug: expand_street_type(dug),
            duf: duf.join(" "),
            number: significant.parse().unwrap_or(0),
            suffix: (!suffix.is_empty()).then(|| suffix.to_owned()),
            staircase,
            internal,
        })
    }

    /// `<dug> <duf>`, the `full_name` of the street register.
    pub fn street_name(&self) -> String {
        format!("{} {}", self.dug, self.duf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        let a = TextAddress::parse("VIA DEI MILLE 12 SC. B INT. 12").unwrap();
        assert_eq!(a.street_name(), "VIA DEI MILLE");
        assert_eq!((a.number, a.suffix.as_deref()), (12, None));
        assert_eq!(
            (a.staircase.as_deref(), a.internal.as_deref()),
            (Some("B"), Some("12"))
        );

        let b = TextAddress::parse("V.LE CAMILLO GOLGI 7A INT. 3").unwrap();
        assert_eq!(b.dug, "VIALE");
        assert_eq!(b.duf, "CAMILLO GOLGI");
        assert_eq!((b.number, b.suffix.as_deref()), (7, Some("A")));
        assert_eq!((b.staircase, b.internal.as_deref()), (None, Some("3")));
    }

    #[test]
    fn street_names_with_numbers_and_abbreviations() {
        let a = TextAddress::parse("p.zza IV NOVEMBRE 2").unwrap();
        assert_eq!(a.street_name(), "PIAZZA IV NOVEMBRE");
        let b = TextAddress::parse("VIA 25 APRILE 10").unwrap();
        assert_eq!((b.duf.as_str(), b.number), ("25 APRILE", 10));
        assert_eq!(expand_street_type("c.so"), "CORSO");
        assert_eq!(expand_street_type("Largo"), "LARGO");
        assert_eq!(expand_street_type("L.GO"), "LARGO");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "VIA 12",
            "VIA DEI MILLE",
            "VIA DEI MILLE 0",
            "VIA DEI MILLE 12/B",
            "VIA DEI MILLE 12 INT.",
            "VIA DEI MILLE 12 SC. INT. 3",
            "VIA DEI MILLE 12 INT. 3 INT. 4",
        ] {
            assert!(TextAddress::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
