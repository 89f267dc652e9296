//! Property tests of the entity vocabulary: round trips of the written forms, agreement of
//! the two interval conventions, and parsers that never panic.

use std::fmt::Write;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use crate::address_text::TextAddress;
use crate::anomaly::RuleId;
use crate::category::Category;
use crate::holding::{RightCode, Share};
use crate::validity::{ActivePeriod, Validity};

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..40_000).prop_map(|d| NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Days::new(d))
}

proptest! {
    #[test]
    fn category_round_trip(i in 0usize..52) {
        let c = Category::all().nth(i).unwrap();
        prop_assert_eq!(Category::parse(&c.to_string()).unwrap(), c);
        prop_assert_eq!(Category::parse(&c.census_code()).unwrap(), c);
    }

    #[test]
    fn share_round_trip(den in 1u64..10_000, num_frac in 0.0f64..=1.0) {
        let num = (den as f64 * num_frac).floor() as u64;
        let s = Share::new(num, den).unwrap();
        prop_assert_eq!(Share::parse(&s.to_string()).unwrap(), s);
        prop_assert!((0.0..=1.0).contains(&s.as_f64()));
    }

    #[test]
    fn active_period_and_validity_agree(first in date(), len in proptest::option::of(0u64..3000), probe in date()) {
        let last = len.map(|l| first + Days::new(l));
        let p = ActivePeriod::new(first, last).unwrap();
        prop_assert_eq!(p.contains(probe), p.to_validity().contains(probe));
        let v = Validity::new(first, last).unwrap();
        // Same bounds, different convention: only the end day differs.
        if Some(probe) == last {
            prop_assert!(p.contains(probe) && !v.contains(probe));
        } else {
            prop_assert_eq!(v.contains(probe), p.contains(probe));
        }
    }

    #[test]
    fn text_parsers_never_panic(s in "\\PC{0,40}") {
        let _ = Category::parse(&s);
        let _ = Share::parse(&s);
        let _ = RightCode::parse(&s);
        let _ = RuleId::parse(&s);
        let _ = TextAddress::parse(&s);
    }

    #[test]
    fn text_address_round_trip(
        dug in "(VIA|VIALE|CORSO|PIAZZA|LARGO)", duf in "[A-Z]{2,8}( [A-Z0-9]{1,6}){0,2}",
        number in 1u32..5000, suffix in proptest::option::of("[A-Z]{1,3}"),
        staircase in proptest::option::of("[A-Z0-9]{1,2}"), internal in proptest::option::of("[0-9]{1,3}")
    ) {
        let mut text = format!("{dug} {duf} {number}{}", suffix.as_deref().unwrap_or(""));
        if let Some(s) = &staircase { write!(text, " SC. {s}").unwrap(); }
        if let Some(i) = &internal { write!(text, " INT. {i}").unwrap(); }
        let a = TextAddress::parse(&text).unwrap();
        prop_assert_eq!(a.street_name(), format!("{dug} {duf}"));
        prop_assert_eq!((a.number, a.suffix, a.staircase, a.internal), (number, suffix, staircase, internal));
    }
}
