//! Throughput of the cartography readers on generated inputs of realistic size: a CXF sheet of
//! 600 parcels (24 vertices each, every tenth with a building) plus texts, and a GML file of
//! 2 000 parcels in the Agenzia's flavour. Reported as records per second.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use segit_ingest::cartography::cxf::CxfReader;
use segit_ingest::cartography::inspire::InspireReader;

const PARCELS: usize = 600;
const GML_PARCELS: usize = 2_000;

/// A ring of `n` vertices (clockwise, closed) around (cx, cy).
fn ring(cx: f64, cy: f64, r: f64, n: usize) -> Vec<(f64, f64)> {
    let mut v: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = -(i as f64) * std::f64::consts::TAU / n as f64;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect();
    v.push(v[0]);
    v
}

fn bordo(out: &mut String, code: &str, coords: &[(f64, f64)]) {
    let (x, y) = coords[0];
    let _ = write!(
        out,
        "BORDO\r\n{code}\r\n  10\r\n       0.000\r\n{x:12.3}\r\n{y:12.3}\r\n{x:12.3}\r\n{y:12.3}\r\n   0\r\n{:4}\r\n",
        coords.len()
    );
    for (x, y) in coords {
        let _ = write!(out, "{x:12.3}\r\n{y:12.3}\r\n");
    }
}

fn cxf_sheet() -> (Vec<u8>, u64) {
    let mut s = String::from("MAPPA\r\nF205_001200\r\n    2000.000\r\n");
    let side = 30.0;
    let mut records = 1;
    for i in 0..PARCELS {
        let cx = 514_000.0 + (i % 30) as f64 * side;
        let cy = 5_034_000.0 + (i / 30) as f64 * side;
        bordo(&mut s, &(i + 1).to_string(), &ring(cx, cy, side / 2.2, 24));
        records += 1;
        if i % 10 == 0 {
            bordo(&mut s, &format!("{}+", i + 1), &ring(cx, cy, side / 6.0, 8));
            let _ = write!(
                s,
                "TESTO\r\n{}\r\n  18\r\n       0.000\r\n{cx:12.3}\r\n{cy:12.3}\r\n",
                i + 1
            );
            records += 2;
        }
    }
    s.push_str("EOF\r\n");
    (s.into_bytes(), records)
}

fn gml_file() -> Vec<u8> {
    let mut s = String::from(
        r#"<wfs:FeatureCollection xmlns:CP="http://mapserver.gis.umn.edu/mapserver" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:wfs="http://www.opengis.net/wfs/2.0">"#,
    );
    for i in 0..GML_PARCELS {
        let lat = 45.46 + (i / 50) as f64 * 0.0003;
        let lon = 9.19 + (i % 50) as f64 * 0.0004;
        let pos: Vec<String> = ring(lon, lat, 0.0001, 24)
            .iter()
            .map(|(x, y)| format!("{y:.8} {x:.8}"))
            .collect();
        let _ = write!(
            s,
            r#"<wfs:member><CP:CadastralParcel gml:id="CadastralParcel.IT.AGE.PLA.F205_001200.{n}"><CP:msGeometry><gml:Polygon srsName="urn:ogc:def:crs:EPSG::6706"><gml:exterior><gml:LinearRing><gml:posList srsDimension="2">{pos}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></CP:msGeometry><CP:INSPIREID_LOCALID>IT.AGE.PLA.F205_001200.{n}</CP:INSPIREID_LOCALID><CP:LABEL>{n}</CP:LABEL><CP:NATIONALCADASTRALREFERENCE>F205_001200.{n}</CP:NATIONALCADASTRALREFERENCE><CP:ADMINISTRATIVEUNIT>F205</CP:ADMINISTRATIVEUNIT></CP:CadastralParcel></wfs:member>"#,
            n = i + 1,
            pos = pos.join(" ")
        );
    }
    s.push_str("</wfs:FeatureCollection>");
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let (cxf, records) = cxf_sheet();
    let mut group = c.benchmark_group("cartography");
    group.throughput(Throughput::Elements(records));
    group.bench_function("cxf_sheet", |b| {
        b.iter(|| {
            let n = CxfReader::new(black_box(cxf.as_slice()), Path::new("F205_001200.cxf")).count();
            assert_eq!(n as u64, records);
        });
    });
    let gml = gml_file();
    group.throughput(Throughput::Elements(GML_PARCELS as u64));
    group.bench_function("inspire_gml", |b| {
        b.iter(|| {
            let n =
                InspireReader::new(black_box(gml.as_slice()), Path::new("F205_ple.gml")).count();
            assert_eq!(n, GML_PARCELS);
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
