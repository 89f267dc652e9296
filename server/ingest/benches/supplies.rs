//! Supplies readers throughput (records per second) on generated inputs of a mid-sized
//! municipality: 50 000 TARI premises, 80 000 residents, 60 000 utility rows, 20 000 leases,
//! 10 000 IMU declarations (one record B + one record D each), 50 000 house-number points.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use segit_ingest::diag::Item;
use segit_ingest::supplies::{
    HouseNumbersReader, ImuReader, LeasesReader, Located, ResidentsReader, TariReader,
    UtilitySupplyReader,
};

/// The generated inputs are valid: every item is a record; returns their number.
fn count<T>(items: impl Iterator<Item = Item<Located<T>>>) -> u64 {
    items.map(|i| u64::from(matches!(i, Item::Record(_)))).sum()
}

const TARI: u64 = 50_000;
const RESIDENTS: u64 = 80_000;
const UTILITIES: u64 = 60_000;
const LEASES: u64 = 20_000;
const DECLARATIONS: u64 = 10_000;
const HOUSE_NUMBERS: u64 = 50_000;

const CF: [&str; 4] = [
    "RSSMRA70E52F205N",
    "BNCLCU85C15C351H",
    "MRTMTT25D09F205Z",
    "01234567897",
];

fn tari() -> String {
    let mut s = String::from(
        "account_id;premises_seq;payer_cf;user_type;tariff_class;occupants;address;address_key;staircase;floor;internal;unit_keys;declared_m2;start_date;end_date;reduction\n",
    );
    for i in 0..TARI {
        let _ = writeln!(
            s,
            "T-{i};1;{};domestic;;{};VIA DEI MILLE {};F205/2040/{}/;B;{};{};F205//12/{}/{},F205//12/{}/{};{};2019-04-01;{};",
            CF[(i % 4) as usize],
            1 + i % 5,
            1 + i % 300,
            1 + i % 300,
            i % 6,
            1 + i % 20,
            100 + i % 900,
            1 + i % 40,
            100 + i % 900,
            41 + i % 40,
            40 + i % 100,
            if i % 3 == 0 { "2023-12-31" } else { "" },
        );
    }
    s
}

fn residents() -> String {
    let mut s = String::from(
        "person_cf;household_id;relationship;address_key;staircase;floor;internal;from_date;to_date;birth_date;sex;citizenship;unit_key\n",
    );
    for i in 0..RESIDENTS {
        let _ = writeln!(
            s,
            "{};H{};{};F205/{}/{}/;;{};{};2010-01-01;{};1970-05-12;F;IT;F205//12/{}/{}",
            CF[(i % 3) as usize],
            i / 3,
            if i % 3 == 0 { "head" } else { "child" },
            2000 + i % 400,
            1 + i % 150,
            i % 6,
            1 + i % 20,
            if i % 7 == 0 { "2020-06-01" } else { "" },
            100 + i % 900,
            1 + i % 40,
        );
    }
    s
}

fn utilities() -> String {
    let mut s = String::from(
        "utility;supply_point;holder_cf;holder_type;use_type;address;address_key;unit_key;contract_start;contract_end;year;billed_consumption;billed_amount\n",
    );
    for i in 0..UTILITIES {
        let _ = writeln!(
            s,
            "electricity;IT001E{:08};{};person;household resident;VIA DEI MILLE {} INT. {};;F205//12/{}/{};2018-01-01;;{};{}.5;{}.25",
            i,
            CF[(i % 4) as usize],
            1 + i % 300,
            1 + i % 20,
            100 + i % 900,
            1 + i % 40,
            2020 + i % 5,
            1000 + i % 3000,
            200 + i % 800,
        );
    }
    s
}

fn leases() -> String {
    let mut s = String::new();
    for i in 0..LEASES {
        let _ = writeln!(
            s,
            r#"{{"contract_id":"TNL-3T-{i:06}-2019","start_date":"2019-04-01","end_date":"2023-03-31","termination_date":null,"lease_type":"free_market","annual_rent":7200.0,"landlords":[{{"cf":"{}","share":"1/2"}},{{"cf":"01234567897","share":"1/2"}}],"tenants":[{{"cf":"BNCLCU85C15C351H"}}],"units":[{{"unit_key":"F205//12/{}/7","category":"A/2","rent":1032.91}}],"registration_date":"2019-04-10"}}"#,
            CF[(i % 3) as usize],
            100 + i % 900,
        );
    }
    s
}

fn record(fields: &[(usize, String)]) -> String {
    let mut r = vec![b' '; 1897];
    for (pos, text) in fields {
        for (i, b) in text.bytes().enumerate() {
            r[pos - 1 + i] = b;
        }
    }
    r.push(b'A');
    let mut s = String::from_utf8(r).unwrap_or_default();
    s.push_str("\r\n");
    s
}

fn imu() -> String {
    let mut s = String::new();
    for i in 1..=DECLARATIONS {
        let cf = CF[(i % 3) as usize].to_owned();
        s.push_str(&record(&[
            (1, "B".into()),
            (2, cf.clone()),
            (90, "2020".into()),
            (94, "2019".into()),
            (98, "F205".into()),
            (230, "ROSSI".into()),
            (254, "MARIA".into()),
            (274, "12051970".into()),
            (282, "F".into()),
        ]));
        let mut d = vec![(1, "D".to_owned()), (2, cf), (18, format!("{i:08}"))];
        for off in [0, 499] {
            d.extend([
                (90 + off, "0001".to_owned()),
                (94 + off, "0001".into()),
                (99 + off, "005".into()),
                (102 + off, "VIA DEI MILLE 12".into()),
                (202 + off, "U".into()),
                (203 + off, "F205".into()),
                (211 + off, "0012".into()),
                (215 + off, format!("{}", 100 + i % 900)),
                (225 + off, "0007".into()),
                (229 + off, "A/2".into()),
                (254 + off, "03".into()),
                (288 + off, "000000000173529".into()),
                (303 + off, "050".into()),
                (306 + off, "00".into()),
                (423 + off, "15032019".into()),
            ]);
        }
        s.push_str(&record(&d));
    }
    s
}

fn house_numbers() -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..HOUSE_NUMBERS {
        let sep = if i + 1 == HOUSE_NUMBERS { "" } else { "," };
        let _ = writeln!(
            s,
            r#"{{"type":"Feature","properties":{{"address_key":"F205/{}/{}/","street_code":{},"number":{},"suffix":"","parcel_key":"F205_001200.{}"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}{sep}"#,
            2000 + i % 400,
            1 + i % 150,
            2000 + i % 400,
            1 + i % 150,
            100 + i % 900,
            9.1 + (i % 1000) as f64 * 1e-4,
            45.4 + (i / 1000) as f64 * 1e-4,
        );
    }
    s.push_str("]}\n");
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("supplies");
    group.sample_size(10);
    let file = Path::new("bench");

    let input = tari();
    assert_eq!(count(TariReader::new(input.as_bytes(), file)), TARI);
    group.throughput(Throughput::Elements(TARI));
    group.bench_function("tari_rows", |b| {
        b.iter(|| count(TariReader::new(black_box(input.as_bytes()), file)));
    });

    let input = residents();
    assert_eq!(
        count(ResidentsReader::new(input.as_bytes(), file)),
        RESIDENTS
    );
    group.throughput(Throughput::Elements(RESIDENTS));
    group.bench_function("resident_rows", |b| {
        b.iter(|| count(ResidentsReader::new(black_box(input.as_bytes()), file)));
    });

    let input = utilities();
    assert_eq!(
        count(UtilitySupplyReader::new(input.as_bytes(), file)),
        UTILITIES
    );
    group.throughput(Throughput::Elements(UTILITIES));
    group.bench_function("utility_rows", |b| {
        b.iter(|| count(UtilitySupplyReader::new(black_box(input.as_bytes()), file)));
    });

    let input = leases();
    assert_eq!(count(LeasesReader::new(input.as_bytes(), file)), LEASES);
    group.throughput(Throughput::Elements(LEASES));
    group.bench_function("lease_lines", |b| {
        b.iter(|| count(LeasesReader::new(black_box(input.as_bytes()), file)));
    });

    let input = imu();
    assert_eq!(count(ImuReader::new(input.as_bytes(), file)), DECLARATIONS);
    group.throughput(Throughput::Elements(DECLARATIONS));
    group.bench_function("imu_declarations", |b| {
        b.iter(|| count(ImuReader::new(black_box(input.as_bytes()), file)));
    });

    let input = house_numbers();
    assert_eq!(
        count(HouseNumbersReader::new(input.as_bytes(), file)),
        HOUSE_NUMBERS
    );
    group.throughput(Throughput::Elements(HOUSE_NUMBERS));
    group.bench_function("house_number_points", |b| {
        b.iter(|| count(HouseNumbersReader::new(black_box(input.as_bytes()), file)));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
