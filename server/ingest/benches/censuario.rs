//! Census readers throughput (records per second) on generated supplies of a mid-sized
//! municipality: 20 000 units with two states each (FAB), 10 000 parcels (TER), 20 000
//! subjects (SOG), 40 000 holdings (TIT).

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use segit_ingest::censuario::{FabReader, SogReader, TerReader, TitReader};
use segit_ingest::diag::Item;

/// The generated inputs are valid: every item is a record.
fn all_records<T>(items: impl Iterator<Item = Item<T>>) -> bool {
    items.into_iter().all(|i| matches!(i, Item::Record(_)))
}

const UNITS: u64 = 20_000;
const PARCELS: u64 = 10_000;
const SUBJECTS: u64 = 20_000;
const HOLDINGS: u64 = 40_000;

/// FAB: per unit two states, each a type-1, type-2, type-3 and type-4 record (8 lines).
fn fab() -> (String, u64) {
    let mut s = String::new();
    for id in 1..=UNITS {
        for prog in 1..=2 {
            let (from, to) = if prog == 1 {
                ("15031990", "15032019")
            } else {
                ("15032019", "")
            };
            let _ = write!(
                s,
                "F205||{id}|F|{prog}|1|001|A02|03|5,5|98|2000000|1032,91|||B|{}||3||||{from}|{from}|V|045123|001|2019|{to}|{to}|||||||{}||||VAR|VARIAZIONE|||4|\r\n",
                id % 40,
                id + 1_000_000,
            );
            let _ = write!(
                s,
                "F205||{id}|F|{prog}|2||{:04}|{:05}||{:04}||\r\n",
                1 + id % 80,
                1 + id % 500,
                1 + id % 30
            );
            let _ = write!(
                s,
                "F205||{id}|F|{prog}|3|236|DEI MILLE|{:06}|||05432|\r\n",
                1 + id % 200
            );
            let _ = write!(
                s,
                "F205||{id}|F|{prog}|4||{:04}|{:05}||0001|\r\n",
                1 + id % 80,
                1 + id % 500
            );
        }
    }
    (s, UNITS * 8)
}

fn ter() -> (String, u64) {
    let mut s = String::new();
    for id in 1..=PARCELS {
        let _ = write!(
            s,
            "F205||{id}|T|1|1|{:04}|{:05}||||1|2|0|4|{}|0|0|0|800|400|0,41|0,21|01010001|16011979|I||000||||||||0004567||694034||||||\r\n",
            1 + id % 80,
            id,
            id % 100
        );
    }
    (s, PARCELS)
}

fn sog() -> (String, u64) {
    let mut s = String::new();
    for id in 1..=SUBJECTS {
        if id % 5 == 0 {
            let _ = write!(s, "F205||{id}|G|IMMOBILIARE {id} SRL|F205|01234567897|\r\n");
        } else {
            let _ = write!(
                s,
                "F205||{id}|P|ROSSI|MARIA|2|12051970|F205|RSSMRA70E52F205N||\r\n"
            );
        }
    }
    (s, SUBJECTS)
}

fn tit() -> (String, u64) {
    let mut s = String::new();
    for n in 1..=HOLDINGS {
        let _ = write!(
            s,
            "F205||{}|P|{}|F|10||1|2|||15032019|V|045123|001|2019|20032019||||||||||{n}|VAR|VARIAZIONE|||\r\n",
            1 + n % SUBJECTS,
            1 + n % UNITS
        );
    }
    (s, HOLDINGS)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("censuario");
    group.sample_size(10);
    let (input, n) = fab();
    assert!(all_records(FabReader::new(
        input.as_bytes(),
        Path::new("B.FAB")
    )));
    group.throughput(Throughput::Elements(n));
    group.bench_function("fab_records", |b| {
        b.iter(|| FabReader::new(black_box(input.as_bytes()), Path::new("B.FAB")).count());
    });
    let (input, n) = ter();
    assert!(all_records(TerReader::new(
        input.as_bytes(),
        Path::new("B.TER")
    )));
    group.throughput(Throughput::Elements(n));
    group.bench_function("ter_records", |b| {
        b.iter(|| TerReader::new(black_box(input.as_bytes()), Path::new("B.TER")).count());
    });
    let (input, n) = sog();
    assert!(all_records(SogReader::new(
        input.as_bytes(),
        Path::new("B.SOG")
    )));
    group.throughput(Throughput::Elements(n));
    group.bench_function("sog_records", |b| {
        b.iter(|| SogReader::new(black_box(input.as_bytes()), Path::new("B.SOG")).count());
    });
    let (input, n) = tit();
    assert!(all_records(TitReader::new(
        input.as_bytes(),
        Path::new("B.TIT")
    )));
    group.throughput(Throughput::Elements(n));
    group.bench_function("tit_records", |b| {
        b.iter(|| TitReader::new(black_box(input.as_bytes()), Path::new("B.TIT")).count());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
