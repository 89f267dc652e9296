//! Addresses: normalisation of street names (case, accents, apostrophes, abbreviations,
//! padding, suffixes) and matching against the street register (other-supplies.md §7,
//! identifiers.md §2).
//!
//! A FAB type-3 address resolves through the c. 647 alignment columns of `streets.csv`
//! (the Agenzia's `codice strada` → municipal street code), falling back on the street type of
//! its `toponimo` code (censuario.md §7.5) + the street name. Text addresses (TARI, utilities,
//! IMU declarations) resolve by street type + name once the abbreviations (`V.LE` …) are
//! expanded. Names are compared after [`normalise_name`].

use std::collections::HashMap;

use segit_model::{
    AddressKey, Belfiore, CadastralAddress, Street, TextAddress, expand_street_type,
};

use super::confidence::LinkMethod;

/// Street types of the Agenzia's `toponimo` codes (censuario.md §7.5, the selected codes).
const TOPONIMI: [(u16, &str); 20] = [
    (24, "BORGO"),
    (50, "CIRCONVALLAZIONE"),
    (54, "CONTRADA"),
    (58, "CORSO"),
    (77, "FRAZIONE"),
    (86, "LARGO"),
    (90, "LOCALITA"),
    (130, "PIAZZA"),
    (132, "PIAZZALE"),
    (162, "RIONE"),
    (172, "SALITA"),
    (210, "STRADA"),
    (224, "TRAVERSA"),
    (236, "VIA"),
    (240, "VIALE"),
    (244, "VICO"),
    (248, "VICOLO"),
    (250, "VILLAGGIO"),
    (546, "STRADA COMUNALE"),
    (566, "STRADA PROVINCIALE"),
];

/// The street type of a `toponimo` code, when the code is in the table.
pub fn toponimo_type(code: u16) -> Option<&'static str> {
    TOPONIMI.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// A name in comparable form: upper case, accents folded (`À` → `A`), apostrophes and other
/// punctuation turned into blanks, blanks collapsed.
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut blank = true;
    for c in name.chars().flat_map(char::to_uppercase) {
        let folded = fold_accent(c);
        if folded.is_ascii_alphanumeric() {
            out.push(folded);
            blank = false;
        } else if !blank {
            out.push(' ');
            blank = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'À' | 'Á' | 'Â' | 'Ä' => 'A',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'Ò' | 'Ó' | 'Ô' | 'Ö' => 'O',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        other => other,
    }
}

/// The Agenzia's street code in comparable form: blanks trimmed, leading zeros removed.
fn normalise_code(code: &str) -> String {
    let t = code.trim().trim_start_matches('0');
    if t.is_empty() && !code.trim().is_empty() {
        "0".to_owned()
    } else {
        t.to_owned()
    }
}

/// An address resolved to the street register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAddress {
    /// the address key
    pub key: AddressKey,
    /// how the street was found
    pub method: LinkMethod,
}

/// The street register of one municipality, indexed for matching.
#[derive(Debug, Default)]
pub struct StreetRegister {
    belfiore: Option<Belfiore>,
    by_cadastral_code: HashMap<String, u32>,
    by_name: HashMap<(String, String), u32>,
    by_full_name: HashMap<String, u32>,
    streets: usize,
}

impl StreetRegister {
    /// Indexes `streets` of municipality `belfiore`.
    pub fn new<'a>(
        belfiore: Option<Belfiore>,
        streets: impl IntoIterator<Item = &'a Street>,
    ) -> Self {
        let mut register = Self {
            belfiore,
            ..Self::default()
        };
        for s in streets {
            register.streets += 1;
            if let Some(code) = s
                .cadastral_street_code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
            {
                register
                    .by_cadastral_code
                    .entry(normalise_code(code))
                    .or_insert(s.street_code);
            }
            let dug = normalise_name(&expand_street_type(&s.dug));
            let duf = normalise_name(&s.duf);
            register
                .by_full_name
                .entry(format!("{dug} {duf}"))
                .or_insert(s.street_code);
            register.by_name.entry((dug, duf)).or_insert(s.street_code);
        }
        register
    }

    /// Whether the register has no street.
    pub fn is_empty(&self) -> bool {
        self.streets == 0
    }

    /// The municipal street code of street type `dug` (abbreviations accepted) and name `duf`.
    pub fn street_by_name(&self, dug: &str, duf: &str) -> Option<u32> {
        let dug = normalise_name(&expand_street_type(dug));
        let duf = normalise_name(duf);
        self.by_name
            .get(&(dug.clone(), duf.clone()))
            .or_else(|| self.by_full_name.get(&format!("{dug} {duf}")))
            .copied()
    }

    /// Resolves a FAB type-3 address: by the Agenzia's street code, else by `toponimo` + name.
    pub fn resolve_cadastral(&self, address: &CadastralAddress) -> Option<ResolvedAddress> {
        let belfiore = self.belfiore?;
        let (number, suffix) = address.house_number()?;
        let by_code = address
            .street_code
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .and_then(|c| self.by_cadastral_code.get(&normalise_code(c)))
            .map(|&code| (code, LinkMethod::StreetCode));
        let (street, method) = by_code.or_else(|| {
            let dug = address.toponimo.and_then(toponimo_type)?;
            self.street_by_name(dug, &address.street_name)
                .map(|code| (code, LinkMethod::StreetName))
        })?;
        let key = AddressKey::new(belfiore, street, number, suffix.as_deref()).ok()?;
        Some(ResolvedAddress { key, method })
    }

    /// Resolves a text address (`V.LE CAMILLO GOLGI 7A INT. 3`); the parsed parts are returned
    /// with the key so that staircase and internal number can be used.
    pub fn resolve_text(&self, text: &str) -> Option<(ResolvedAddress, TextAddress)> {
        let belfiore = self.belfiore?;
        let parsed = TextAddress::parse(text).ok()?;
        let street = self.street_by_name(&parsed.dug, &parsed.duf)?;
        let key =
            AddressKey::new(belfiore, street, parsed.number, parsed.suffix.as_deref()).ok()?;
        Some((
            ResolvedAddress {
                key,
                method: LinkMethod::StreetName,
            },
            parsed,
        ))
    }
}

/// An internal number in comparable form: upper case, blanks removed, leading zeros dropped
/// from a numeric value (`012` = `12`); `None` when empty.
pub fn normalise_internal(internal: Option<&str>) -> Option<String> {
    let t: String = internal?.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.to_uppercase();
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        let stripped = t.trim_start_matches('0');
        return Some(if stripped.is_empty() {
            "0".to_owned()
        } else {
            stripped.to_owned()
        });
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn street(code: u32, dug: &str, duf: &str, cad: Option<&str>) -> Street {
        Street {
            street_code: code,
            dug: dug.into(),
            duf: duf.into(),
            full_name: format!("{dug} {duf}"),
            cadastral_toponimo: Some(236),
            cadastral_street_code: cad.map(str::to_owned),
        }
    }

    fn register() -> StreetRegister {
        let streets = [
            street(2040, "VIA", "DEI MILLE", Some("05432")),
            street(2050, "VIALE", "CAMILLO GOLGI", None),
            street(2060, "PIAZZA", "SANT'AMBROGIO", None),
            street(2070, "VIA", "NICOLÒ TOMMASEO", None),
        ];
        StreetRegister::new(Some(Belfiore::parse("F205").unwrap()), streets.iter())
    }

    #[test]
    fn names_fold_case_accents_and_punctuation() {
        assert_eq!(normalise_name("  Nicolò  Tommaseo "), "NICOLO TOMMASEO");
        assert_eq!(normalise_name("SANT'AMBROGIO"), "SANT AMBROGIO");
        assert_eq!(normalise_name("LOCALITA'"), "LOCALITA");
    }

    #[test]
    fn cadastral_addresses_resolve_by_code_then_by_name() {
        let r = register();
        let mut a = CadastralAddress {
            toponimo: Some(236),
            street_name: "DEI MILLE".into(),
            civico1: Some("000012".into()),
            civico2: None,
            civico3: None,
            street_code: Some("5432".into()),
        };
        let found = r.resolve_cadastral(&a).unwrap();
        assert_eq!(found.key.to_string(), "F205/2040/12/");
        assert_eq!(found.method, LinkMethod::StreetCode);
        a.street_code = None;
        a.street_name = "NICOLO' TOMMASEO".into();
        a.civico1 = Some("7/B".into());
        let found = r.resolve_cadastral(&a).unwrap();
        assert_eq!(found.key.to_string(), "F205/2070/7/B");
        assert_eq!(found.method, LinkMethod::StreetName);
        a.street_name = "VIA CHE NON C'E".into();
        assert_eq!(r.resolve_cadastral(&a), None);
    }

    #[test]
    fn text_addresses_expand_abbreviations() {
        let r = register();
        let (found, parsed) = r.resolve_text("V.LE CAMILLO GOLGI 7A INT. 3").unwrap();
        assert_eq!(found.key.to_string(), "F205/2050/7/A");
        assert_eq!(parsed.internal.as_deref(), Some("3"));
        let (found, _) = r.resolve_text("p.zza Sant'Ambrogio 1").unwrap();
        assert_eq!(found.key.to_string(), "F205/2060/1/");
        assert!(r.resolve_text("VIA INESISTENTE 4").is_none());
    }

    #[test]
    fn internal_numbers_compare_without_padding() {
        assert_eq!(normalise_internal(Some(" 012 ")), Some("12".into()));
        assert_eq!(normalise_internal(Some("b")), Some("B".into()));
        assert_eq!(normalise_internal(Some("  ")), None);
        assert_eq!(normalise_internal(None), None);
    }
}
