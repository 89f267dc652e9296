//! Properties of the census readers: no panic on arbitrary bytes or on arbitrary pipe-separated
//! records, and FAB assembly independent of record order.

use std::path::Path;

use proptest::prelude::*;
use segit_ingest::censuario::{FabReader, SogReader, TerReader, TitReader};
use segit_ingest::diag::Item;

/// Runs all four readers to the end; every item is either a record or a diagnostic with the
/// reader's file name.
fn read_all(bytes: &[u8]) -> usize {
    let file = Path::new("P.X");
    let mut n = 0;
    let check = |d: &segit_ingest::diag::Diagnostic| assert_eq!(d.file, file);
    for item in FabReader::new(bytes, file) {
        if let Item::Diagnostic(d) = &item {
            check(d);
        }
        n += 1;
    }
    for item in TerReader::new(bytes, file) {
        if let Item::Diagnostic(d) = &item {
            check(d);
        }
        n += 1;
    }
    for item in SogReader::new(bytes, file) {
        if let Item::Diagnostic(d) = &item {
            check(d);
        }
        n += 1;
    }
    for item in TitReader::new(bytes, file) {
        if let Item::Diagnostic(d) = &item {
            check(d);
        }
        n += 1;
    }
    n
}

/// One value as census files write them, or something odd.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("F205".to_owned()),
        Just("F".to_owned()),
        Just("T".to_owned()),
        Just("P".to_owned()),
        Just("G".to_owned()),
        Just("01010001".to_owned()),
        Just("31042018".to_owned()),
        Just("A02".to_owned()),
        "[0-9]{1,5}",
        "[0-9]{1,3},[0-9]{1,2}",
        "[A-Z0-9 ]{0,16}",
        any::<String>().prop_map(|s| s.replace(['|', '\n', '\r'], "")),
    ]
}

fn record() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["1", "2", "3", "4", "5", "9", "x"]),
        prop::sample::select(vec!["F", "T"]),
        1u64..4,
        1u32..3,
        prop::collection::vec(value(), 0..50),
    )
        .prop_map(|(rt, kind, id, prog, rest)| {
            format!("F205||{id}|{kind}|{prog}|{rt}|{}|", rest.join("|"))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_all(&bytes);
    }

    #[test]
    fn arbitrary_records_never_panic(
        records in prop::collection::vec(record(), 0..40),
        crlf in any::<bool>(),
    ) {
        let input = records.join(if crlf { "\r\n" } else { "\n" });
        read_all(input.as_bytes());
        let subjects: Vec<String> = records
            .iter()
            .map(|r| r.replacen("|F|", "|P|", 1).replacen("|T|", "|G|", 1))
            .collect();
        read_all(subjects.join("\n").as_bytes());
    }

    #[test]
    fn fab_units_do_not_depend_on_record_order(seed in any::<u64>(), units in 1u64..6) {
        let mut lines = Vec::new();
        for id in 1..=units {
            for prog in 1..=2u32 {
                let (from, to) = if prog == 1 { ("01012000", "01012010") } else { ("01012010", "") };
                let mut v = vec![String::new(); 45];
                v[0] = "F205".into();
                v[2] = id.to_string();
                v[3] = "F".into();
                v[4] = prog.to_string();
                v[5] = "1".into();
                v[7] = "A03".into();
                v[22] = from.into();
                v[28] = to.into();
                lines.push(format!("{}|", v.join("|")));
                lines.push(format!("F205||{id}|F|{prog}|2||12|{}||{prog}||", 100 + id));
                lines.push(format!("F205||{id}|F|{prog}|3|236|ROMA|{id}|||1|"));
            }
        }
        let sorted = read_units(&lines);
        // a deterministic shuffle from the seed
        let mut state = seed | 1;
        for i in (1..lines.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = (state % (i as u64 + 1)) as usize;
            lines.swap(i, j);
        }
        let mut shuffled = read_units(&lines);
        shuffled.sort_by_key(|u| u.property.id);
        prop_assert_eq!(sorted, shuffled);
    }
}

fn read_units(lines: &[String]) -> Vec<segit_model::Unit> {
    let input = lines.join("\n");
    FabReader::new(input.as_bytes(), Path::new("S.FAB"))
        .map(|i| match i {
            Item::Record(u) => u.unit,
            Item::Diagnostic(d) => panic!("unexpected diagnostic {d}"),
        })
        .collect()
}
