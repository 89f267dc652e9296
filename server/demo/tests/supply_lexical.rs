//! Each file of the demo supply follows the lexical rules of its reference document
//! (`shared/domain/censuario.md`, `cxf.md`, `inspire-gml.md`, `other-supplies.md`); planted
//! records are exempt where they break the rule on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use segit_demo::supply::registers::polygons_match;
use segit_demo::supply::{SupplyTruth, imu::RECORD_CHARS};
use segit_demo::{DemoParams, SupplyOptions, generate, write_supply};

struct Written {
    dir: tempfile::TempDir,
    truth: SupplyTruth,
}

impl Written {
    fn new(crlf: bool) -> Self {
        let m = generate(&DemoParams {
            seed: 5,
            scale: 0.04,
        });
        let dir = tempfile::tempdir().expect("test supply");
        let opts = SupplyOptions {
            crlf,
            ..SupplyOptions::default()
        };
        let truth = write_supply(&m, dir.path(), &opts).expect("test supply");
        Self { dir, truth }
    }

    fn bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(rel)).expect("test supply")
    }

    /// Lines (Latin-1 decoded) with the line end checked.
    fn lines(&self, rel: &str, crlf: bool) -> Vec<String> {
        let text: String = self.bytes(rel).iter().map(|&b| char::from(b)).collect();
        let mut parts: Vec<&str> = text.split('\n').collect();
        assert_eq!(parts.pop(), Some(""), "{rel}: last line without a line end");
        parts
            .into_iter()
            .map(|l| {
                if crlf {
                    l.strip_suffix('\r')
                        .unwrap_or_else(|| panic!("{rel}: LF without CR"))
                        .to_owned()
                } else {
                    assert!(!l.ends_with('\r'), "{rel}: CR in an LF file");
                    l.to_owned()
                }
            })
            .collect()
    }

    fn utf8_lines(&self, rel: &str) -> Vec<String> {
        let text = String::from_utf8(self.bytes(rel)).expect("test supply");
        text.lines().map(str::to_owned).collect()
    }

    fn planted(&self, rel: &str) -> BTreeSet<u64> {
        self.truth.defects_in(rel).map(|d| d.line).collect()
    }

    fn paths(&self, kind: &str) -> Vec<String> {
        self.truth
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.path.clone())
            .collect()
    }
}

fn ddmmyyyy(s: &str) -> bool {
    s.is_empty() || s == "01010001" || NaiveDate::parse_from_str(s, "%d%m%Y").is_ok()
}

/// The number of values a census record must have (`None`: a repeating-group record).
type ValueCount = fn(&[&str]) -> Option<usize>;

#[test]
fn census_files_have_pipes_final_pipe_crlf_and_value_counts() {
    let w = Written::new(false);
    // minimum values per record type (censuario.md §2), as written by this generator
    let expected: BTreeMap<&str, ValueCount> = BTreeMap::from([
        (
            "FAB",
            (|v: &[&str]| if v[5] == "1" { Some(45) } else { None }) as ValueCount,
        ),
        (
            "TER",
            |v: &[&str]| if v[5] == "1" { Some(43) } else { None },
        ),
        ("SOG", |v: &[&str]| Some(if v[3] == "P" { 11 } else { 7 })),
        ("TIT", |_: &[&str]| Some(32)),
    ]);
    let groups: BTreeMap<(&str, &str), usize> = BTreeMap::from([
        (("FAB", "2"), 6),
        (("FAB", "3"), 6),
        (("FAB", "4"), 5),
        (("FAB", "5"), 2),
        (("TER", "2"), 1),
        (("TER", "3"), 2),
        (("TER", "4"), 6),
    ]);
    for (ext, count) in &expected {
        let rel = format!("censuario/M9990001.{ext}");
        let planted = w.planted(&rel);
        let lines = w.lines(&rel, true);
        assert!(!lines.is_empty());
        for (i, l) in lines.iter().enumerate() {
            let n = i as u64 + 1;
            assert!(l.ends_with('|'), "{rel}:{n} without the final pipe");
            let values: Vec<&str> = l[..l.len() - 1].split('|').collect();
            assert_eq!(values[0], "M999", "{rel}:{n}");
            if planted.contains(&n) {
                continue;
            }
            if let Some(c) = count(&values) {
                assert_eq!(values.len(), c, "{rel}:{n}");
            } else {
                let g = groups[&(*ext, values[5])];
                assert!(
                    values.len() > 6 && (values.len() - 6).is_multiple_of(g),
                    "{rel}:{n}"
                );
            }
            if *ext == "FAB" && values[5] == "1" {
                for k in [22, 23, 28, 29] {
                    assert!(ddmmyyyy(values[k]), "{rel}:{n} date {}", values[k]);
                }
                assert!(values[7].len() == 3, "{rel}:{n} category {}", values[7]);
                assert!(!values[12].contains('.'), "decimal comma");
            }
            if *ext == "FAB" && values[5] == "2" {
                assert_eq!(values[7].len(), 4, "foglio padded");
            }
            if *ext == "TIT" {
                assert!(ddmmyyyy(values[12]) && ddmmyyyy(values[19]), "{rel}:{n}");
            }
        }
    }
}

#[test]
fn cxf_sheets_follow_the_record_grammar_and_sup_balances() {
    let w = Written::new(false);
    let sheets = w.paths("cxf");
    assert!(!sheets.is_empty());
    for rel in sheets {
        let lines = w.lines(&rel, true);
        let planted = w.planted(&rel);
        let name = Path::new(&rel)
            .file_stem()
            .expect("test supply")
            .to_str()
            .expect("test supply")
            .to_owned();
        assert_eq!(lines[0], "MAPPA");
        assert_eq!(lines[1], name);
        assert_eq!(lines[2], "    2000.000");
        assert_eq!(lines.last().map(String::as_str), Some("EOF"));
        let int = |s: &str| -> i64 {
            assert_eq!(s.len(), 4, "INTERO width: {s:?}");
            s.trim().parse().expect("test supply")
        };
        let real = |s: &str| -> f64 {
            assert_eq!(s.len(), 12, "REALE width: {s:?}");
            assert_eq!(s.trim().split('.').nth(1).map(str::len), Some(3));
            s.trim().parse().expect("test supply")
        };
        let mut i = 3;
        let mut parcels = 0;
        let mut buildings = 0;
        let mut roads = 0;
        while lines[i] != "EOF" {
            let keyword = lines[i].trim_end_matches('\\').to_owned();
            let at = i as u64 + 1;
            match keyword.as_str() {
                "BORDO" => {
                    let code = lines[i + 1].clone();
                    int(&lines[i + 2]);
                    for k in 3..=7 {
                        real(&lines[i + k]);
                    }
                    let islands = int(&lines[i + 8]) as usize;
                    let total = int(&lines[i + 9]) as usize;
                    let sizes: Vec<usize> = (0..islands)
                        .map(|k| int(&lines[i + 10 + k]) as usize)
                        .collect();
                    let start = i + 10 + islands;
                    let coords: Vec<(f64, f64)> = (0..total)
                        .map(|k| (real(&lines[start + 2 * k]), real(&lines[start + 2 * k + 1])))
                        .collect();
                    let outer = total - sizes.iter().sum::<usize>();
                    let mut rings = vec![&coords[..outer]];
                    let mut from = outer;
                    for s in &sizes {
                        rings.push(&coords[from..from + s]);
                        from += s;
                    }
                    if !planted.contains(&at) {
                        for (r, ring) in rings.iter().enumerate() {
                            assert_eq!(ring.first(), ring.last(), "{rel}:{at} ring closed");
                            let area: f64 = ring
                                .windows(2)
                                .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                                .sum();
                            assert_eq!(area < 0.0, r == 0, "{rel}:{at} ring {r} orientation");
                        }
                    }
                    if code.ends_with('+') {
                        buildings += 1;
                    } else if code == "STRADA" {
                        roads += 1;
                    } else if code != name {
                        parcels += 1;
                    }
                    i = start + 2 * total;
                }
                "TESTO" => {
                    int(&lines[i + 2]);
                    for k in 3..=5 {
                        real(&lines[i + k]);
                    }
                    i += 6;
                }
                "SIMBOLO" => {
                    int(&lines[i + 1]);
                    for k in 2..=4 {
                        real(&lines[i + k]);
                    }
                    i += 5;
                }
                "FIDUCIALE" => {
                    int(&lines[i + 2]);
                    for k in 3..=6 {
                        real(&lines[i + k]);
                    }
                    i += 7;
                }
                "LINEA" => {
                    int(&lines[i + 1]);
                    let n = int(&lines[i + 2]) as usize;
                    for k in 0..2 * n {
                        real(&lines[i + 3 + k]);
                    }
                    i += 3 + 2 * n;
                }
                other => panic!("{rel}:{at} unknown keyword {other}"),
            }
        }
        // the SUP companion (but on the sheet planted without it: a defect on line 0)
        if planted.contains(&0) {
            assert!(!w.dir.path().join(rel.replace(".cxf", ".sup")).exists());
            continue;
        }
        let sup_rel = rel.replace(".cxf", ".sup");
        let sup = w.lines(&sup_rel, true);
        let mut values: Vec<(String, i64)> = Vec::new();
        for l in &sup {
            assert_eq!(l.chars().count(), 21, "{sup_rel}: {l:?}");
            values.push((
                l[..11].trim_end().to_owned(),
                l[11..].trim().parse().expect("test supply"),
            ));
        }
        assert_eq!(values[0].0, name);
        let get = |k: &str| {
            values
                .iter()
                .find(|(n, _)| n == k)
                .map(|v| v.1)
                .expect("test supply")
        };
        assert_eq!(get("N.PARTIC"), parcels);
        assert_eq!(get("N.FABBRIC"), buildings);
        assert_eq!(get("N.STRADE"), roads);
        assert_eq!(roads, 1, "{rel}: the blocks resolve to a road area");
        let areas: Vec<&(String, i64)> = values[7..values.len() - 7].iter().collect();
        assert_eq!(areas.len() as i64, parcels);
        let codes: Vec<&String> = areas.iter().map(|a| &a.0).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted, "{sup_rel}: parcel records sorted as strings");
        assert_eq!(get("PARTIC"), areas.iter().map(|a| a.1).sum::<i64>());
        assert_eq!(
            get("TOTALE"),
            get("PARTIC") + get("STRADE") + get("ACQUE") + get("SVIL-ALL")
        );
        assert_eq!(get("SBILANCIO"), get("TOTALE") - get("CONFINE"));
    }
    assert_eq!(
        w.lines("cartografia/crs.txt", false),
        vec!["EPSG:7791".to_owned()]
    );
}

#[test]
fn csv_files_have_their_header_and_field_counts() {
    for crlf in [false, true] {
        let w = Written::new(crlf);
        let headers = [
            (
                "superfici/cadastral_surface.csv",
                "comune;age_property_id;unit_key;categoria;sup_totale_m2;sup_escl_aree_scoperte_m2;polygons;data_riferimento;source",
            ),
            (
                "utenze/utility_supply.csv",
                "utility;supply_point;holder_cf;holder_type;use_type;address;address_key;unit_key;contract_start;contract_end;year;billed_consumption;billed_amount",
            ),
            (
                "anagrafe/residents.csv",
                "person_cf;household_id;relationship;address_key;staircase;floor;internal;from_date;to_date;birth_date;sex;citizenship;unit_key",
            ),
            (
                "imu/f24_imu.csv",
                "payment_id;payer_cf;payment_date;tax_year;comune;tax_code;amount;instalment",
            ),
            (
                "stradario/streets.csv",
                "street_code;dug;duf;full_name;cadastral_toponimo;cadastral_street_code",
            ),
            (
                "tari/tari.csv",
                "account_id;premises_seq;payer_cf;user_type;tariff_class;occupants;address;address_key;staircase;floor;internal;unit_keys;declared_m2;start_date;end_date;reduction",
            ),
        ];
        for (rel, header) in headers {
            let lines = w.lines(rel, crlf);
            assert_eq!(lines[0], header, "{rel}");
            let columns: Vec<&str> = header.split(';').collect();
            let planted = w.planted(rel);
            let mut ids = BTreeSet::new();
            for (i, l) in lines.iter().enumerate().skip(1) {
                let n = i as u64 + 1;
                if planted.contains(&n)
                    && !rel.contains("residents")
                    && !rel.contains("utility")
                    && !rel.contains("f24")
                {
                    continue;
                }
                let values: Vec<&str> = l.split(';').collect();
                if planted.contains(&n) && values.len() != columns.len() {
                    continue;
                }
                assert_eq!(values.len(), columns.len(), "{rel}:{n}");
                for (c, v) in columns.iter().zip(&values) {
                    if (c.ends_with("date") || c.starts_with("data_") || c.starts_with("contract_"))
                        && !v.is_empty()
                        && !planted.contains(&n)
                    {
                        assert!(
                            NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
                            "{rel}:{n} {c}={v}"
                        );
                    }
                }
                if rel.contains("cadastral_surface")
                    && !planted.contains(&n)
                    && values[3].starts_with('A')
                {
                    let total: i64 = values[4].parse().expect("test supply");
                    let excl: i64 = values[5].parse().expect("test supply");
                    assert!(
                        polygons_match(values[6], total, excl),
                        "{rel}:{n} {}",
                        values[6]
                    );
                }
                if rel.contains("f24") && !planted.contains(&n) {
                    assert!(
                        ids.insert(values[0].to_owned()),
                        "{rel}:{n} payment id repeated"
                    );
                    assert!(["acconto", "saldo", "unica"].contains(&values[7]));
                }
            }
        }
    }
}

#[test]
fn json_lines_geojson_gml_kml_and_omi_parse() {
    let w = Written::new(false);
    for (rel, first_key) in [
        ("locazioni/leases.jsonl", "contract_id"),
        ("atti/transfer_deeds.jsonl", "deed_id"),
    ] {
        let planted = w.planted(rel);
        for (i, l) in w.utf8_lines(rel).iter().enumerate() {
            let n = i as u64 + 1;
            let parsed = serde_json::from_str::<serde_json::Value>(l);
            if planted.contains(&n) {
                continue;
            }
            let v = parsed.unwrap_or_else(|e| panic!("{rel}:{n}: {e}"));
            assert!(
                l.starts_with(&format!("{{\"{first_key}\":")),
                "{rel}:{n} key order"
            );
            assert!(v.as_object().is_some());
        }
    }
    for rel in ["stradario/house_numbers.geojson", "omi/microzones.geojson"] {
        let v: serde_json::Value = serde_json::from_slice(&w.bytes(rel)).expect("test supply");
        let features = v["features"].as_array().expect("test supply");
        assert!(!features.is_empty());
        for f in features {
            let c = &f["geometry"]["coordinates"];
            let first = if c[0].is_number() { c } else { &c[0][0] };
            let (lon, lat) = (
                first[0].as_f64().expect("test supply"),
                first[1].as_f64().expect("test supply"),
            );
            assert!(
                (6.0..19.0).contains(&lon) && (36.0..48.0).contains(&lat),
                "{rel}: lon/lat order"
            );
        }
    }
    let gml = String::from_utf8(w.bytes("cartografia/inspire/M999_ple.gml")).expect("test supply");
    let members = gml.matches("<wfs:member>").count();
    assert_eq!(members, gml.matches("</wfs:member>").count());
    assert_eq!(
        members as u64,
        w.truth
            .file("cartografia/inspire/M999_ple.gml")
            .expect("test supply")
            .records["parcels"]
    );
    // latitude first
    let pos = gml
        .split("<gml:posList srsDimension=\"2\">")
        .nth(1)
        .expect("test supply");
    let lat: f64 = pos
        .split(' ')
        .next()
        .expect("test supply")
        .parse()
        .expect("test supply");
    assert!((44.0..47.0).contains(&lat), "latitude first, got {lat}");
    let kml = String::from_utf8(w.bytes("omi/M999.kml")).expect("test supply");
    assert_eq!(kml.matches("<Placemark>").count(), 3);
    assert!(kml.contains("Anno/Semestre 2025/1"));
    for rel in ["omi/QI_M999_20251_VALORI.csv", "omi/QI_M999_20251_ZONE.csv"] {
        let lines = w.utf8_lines(rel);
        // Comune_ISTAT: region 03 + 015999, leading zero dropped
        assert_eq!(lines[2].split(';').nth(3), Some("3015999"), "{rel}");
        let columns = lines[1].split(';').count();
        for l in &lines[1..] {
            assert!(l.ends_with(';'), "{rel}: trailing separator");
            assert_eq!(l.split(';').count(), columns, "{rel}: {l}");
        }
    }
}

#[test]
fn imu_records_are_1900_bytes() {
    let w = Written::new(false);
    let rel = "imu/IMU_M999_2025.txt";
    let planted = w.planted(rel);
    let lines = w.lines(rel, true);
    assert!(lines[0].starts_with('0') && lines.last().expect("test supply").starts_with('9'));
    let total: u64 = lines.last().expect("test supply")[1..10]
        .parse()
        .expect("test supply");
    assert_eq!(total, lines.len() as u64);
    let mut declarations = 0;
    for (i, l) in lines.iter().enumerate() {
        let n = i as u64 + 1;
        let c: Vec<char> = l.chars().collect();
        let field =
            |from: usize, len: usize| -> String { c[from - 1..from - 1 + len].iter().collect() };
        if planted.contains(&n) {
            assert!(c.len() != RECORD_CHARS + 1 || c.last() != Some(&'A'));
            continue;
        }
        assert_eq!(c.len(), RECORD_CHARS + 1, "{rel}:{n}");
        assert_eq!(c.last(), Some(&'A'));
        match c[0] {
            'B' => declarations += 1,
            'D' => {
                let module: u64 = field(18, 8).parse().expect("test supply");
                assert_eq!(
                    module, declarations,
                    "{rel}:{n} module progressive = ordinal of its B"
                );
                for offset in [0, 499] {
                    if field(90 + offset, 4).trim().is_empty() {
                        assert_eq!(offset, 499, "{rel}:{n} first block present");
                        continue;
                    }
                    assert_eq!(field(202 + offset, 1), "U");
                    assert_eq!(field(203 + offset, 5), "M999 ");
                    let p: u64 = field(303 + offset, 3).parse().expect("test supply");
                    assert!(p <= 100);
                    assert!(NaiveDate::parse_from_str(&field(423 + offset, 8), "%d%m%Y").is_ok());
                }
            }
            _ => {}
        }
    }
    assert_eq!(declarations, w.truth.expected["imu_declarations"]);
}

#[test]
fn geopackage_holds_the_footprints() {
    let w = Written::new(false);
    let conn =
        rusqlite::Connection::open(w.dir.path().join("dbt/edifici.gpkg")).expect("test supply");
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("test supply");
    assert_eq!(app, 0x4750_4B47);
    let n: i64 = conn
        .query_row("SELECT count(*) FROM edifici", [], |r| r.get(0))
        .expect("test supply");
    let f = w.truth.file("dbt/edifici.gpkg").expect("test supply");
    assert_eq!(n as u64, f.records["features"]);
    let (table, kind, srs): (String, String, i64) = conn
        .query_row(
            "SELECT table_name, geometry_type_name, srs_id FROM gpkg_geometry_columns",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("test supply");
    assert_eq!(
        (table.as_str(), kind.as_str(), srs),
        ("edifici", "POLYGON", 7791)
    );
    let blob: Vec<u8> = conn
        .query_row("SELECT geom FROM edifici WHERE fid = 1", [], |r| r.get(0))
        .expect("test supply");
    assert_eq!(&blob[..2], b"GP");
}
