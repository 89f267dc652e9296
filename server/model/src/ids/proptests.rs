//! Property tests: for every identifier, `parse(display(x)) == x`, and parsing arbitrary text
//! never panics.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn belfiore() -> impl Strategy<Value = Belfiore> {
    "[A-Z][0-9]{3}".prop_map(|s| Belfiore::parse(&s).unwrap())
}

fn census_section() -> impl Strategy<Value = Option<Sezione>> {
    proptest::option::of("[A-Z]".prop_map(|s| Sezione::parse(&s).unwrap()))
}

fn urban_section() -> impl Strategy<Value = Option<Sezione>> {
    proptest::option::of("[A-Z0-9]{1,3}".prop_map(|s| Sezione::parse(&s).unwrap()))
}

fn foglio() -> impl Strategy<Value = Foglio> {
    (1u16..=9999).prop_map(|n| Foglio::new(n).unwrap())
}

fn particella() -> impl Strategy<Value = Particella> {
    prop_oneof![
        (1u32..100_000).prop_map(|n| n.to_string()),
        "[1-9][0-9]{0,4}[A-Z]{1,2}",
        "[A-Z]{1,6}[0-9]{0,3}",
    ]
    .prop_map(|s| Particella::parse(&s).unwrap())
}

fn subalterno() -> impl Strategy<Value = Option<Subalterno>> {
    proptest::option::of((1u16..=9999).prop_map(|n| Subalterno::new(n).unwrap()))
}

fn letter_or_none() -> impl Strategy<Value = Option<char>> {
    proptest::option::of(proptest::char::range('A', 'Z'))
}

fn sheet_key() -> impl Strategy<Value = SheetKey> {
    (
        belfiore(),
        census_section(),
        foglio(),
        letter_or_none(),
        letter_or_none(),
    )
        .prop_map(|(b, s, f, a, d)| SheetKey::new(b, s, f, a, d).unwrap())
}

fn person_code() -> impl Strategy<Value = CodiceFiscale> {
    (
        "[A-Z]{2,10}",
        "[A-Z]{2,10}",
        0i64..40_000,
        any::<bool>(),
        belfiore(),
        0usize..=7,
    )
        .prop_map(|(surname, name, days, female, place, level)| {
            let date =
                NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let sex = if female { Sex::Female } else { Sex::Male };
            compose_codice_fiscale(&surname, &name, date, sex, place)
                .unwrap()
                .with_homocode(level)
                .unwrap()
        })
}

fn numeric_code() -> impl Strategy<Value = PartitaIva> {
    "[0-9]{10}".prop_map(|s| {
        let check = partita_iva_check_digit(&s).unwrap();
        PartitaIva::parse(&format!("{s}{check}")).unwrap()
    })
}

proptest! {
    #[test]
    fn belfiore_round_trip(x in belfiore()) {
        prop_assert_eq!(Belfiore::parse(&x.to_string()).unwrap(), x);
    }

    #[test]
    fn foglio_round_trip(x in foglio()) {
        prop_assert_eq!(Foglio::parse(&x.to_string()).unwrap(), x);
        prop_assert_eq!(Foglio::parse(&x.padded()).unwrap(), x);
    }

    #[test]
    fn particella_round_trip(x in particella()) {
        prop_assert_eq!(Particella::parse(&x.to_string()).unwrap(), x.clone());
        prop_assert_eq!(Particella::parse(&x.census_padded()).unwrap(), x);
    }

    #[test]
    fn subalterno_round_trip(x in subalterno()) {
        let written = x.map(|s| s.to_string()).unwrap_or_default();
        prop_assert_eq!(Subalterno::parse_optional(&written).unwrap(), x);
    }

    #[test]
    fn sheet_key_round_trip(x in sheet_key()) {
        prop_assert_eq!(SheetKey::parse(&x.to_string()).unwrap(), x);
    }

    #[test]
    fn parcel_key_round_trip(s in sheet_key(), p in particella()) {
        let x = ParcelKey::new(s, p);
        prop_assert_eq!(ParcelKey::parse(&x.to_string()).unwrap(), x);
    }

    #[test]
    fn unit_key_round_trip(
        b in belfiore(), s in urban_section(), f in foglio(), p in particella(), sub in subalterno()
    ) {
        let x = UnitKey::new(b, s, f, p, sub);
        prop_assert_eq!(UnitKey::parse(&x.to_string()).unwrap(), x);
    }

    #[test]
    fn address_key_round_trip(
        b in belfiore(), street in 0u32..1_000_000, number in 1u32..10_000,
        suffix in proptest::option::of("[A-Z]{1,3}")
    ) {
        let x = AddressKey::new(b, street, number, suffix.as_deref()).unwrap();
        prop_assert_eq!(AddressKey::parse(&x.to_string()).unwrap(), x);
    }

    #[test]
    fn person_code_round_trip(x in person_code()) {
        prop_assert_eq!(CodiceFiscale::parse(&x.to_string()).unwrap(), x.clone());
        let base = x.dehomocode();
        prop_assert_eq!(base.with_homocode(x.homocode_level()).unwrap(), x.clone());
        prop_assert_eq!(base.birth_data(), x.birth_data());
    }

    #[test]
    fn numeric_code_round_trip(x in numeric_code()) {
        prop_assert_eq!(PartitaIva::parse(&x.to_string()).unwrap(), x);
        prop_assert!(CodiceFiscale::parse(x.as_str()).is_ok());
    }

    #[test]
    fn one_changed_character_is_detected(
        x in person_code(), pos in 0usize..16, c in "[A-Z0-9]"
    ) {
        // Each position's value table is a permutation of 0..=25 over the characters a valid
        // code may hold there, so any single substitution breaks structure or check character.
        let mut chars: Vec<char> = x.as_str().chars().collect();
        let c = c.chars().next().unwrap();
        prop_assume!(chars[pos] != c);
        chars[pos] = c;
        let altered: String = chars.into_iter().collect();
        prop_assert!(CodiceFiscale::parse(&altered).is_err(), "{} accepted", altered);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,24}") {
        let _ = Belfiore::parse(&s);
        let _ = Sezione::parse_optional(&s);
        let _ = Foglio::parse(&s);
        let _ = Particella::parse(&s);
        let _ = Subalterno::parse_optional(&s);
        let _ = SheetKey::parse(&s);
        let _ = ParcelKey::parse(&s);
        let _ = UnitKey::parse(&s);
        let _ = AddressKey::parse(&s);
        let _ = CodiceFiscale::parse(&s);
        let _ = PartitaIva::parse(&s);
        let _ = TaxId::from_written(&s);
    }

    #[test]
    fn structured_garbage_never_panics(s in "[A-Z0-9_./ ]{0,20}") {
        let _ = SheetKey::parse(&s);
        let _ = ParcelKey::parse(&s);
        let _ = UnitKey::parse(&s);
        let _ = AddressKey::parse(&s);
        let _ = CodiceFiscale::parse(&s);
    }
}
