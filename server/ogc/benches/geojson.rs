//! GeoJSON encoding throughput: 10,000 parcel-like polygons (10–20 vertices, 12 properties)
//! through the streaming sink, in 32 KiB chunks.

use std::hint::black_box;

use bytes::Bytes;
use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use geo_types::{Coord, Geometry, LineString, Polygon};
use segit_ogc::encode::GeoJsonSink;
use segit_query::{Collection, Crs, Feature, FeatureSink, GeometryType, QueryStats, Value};

const FEATURES: usize = 10_000;

fn parcel(i: usize) -> Feature {
    let vertices = 10 + i % 11;
    let (cx, cy) = (
        7.0 + (i % 100) as f64 * 0.001,
        45.0 + (i / 100) as f64 * 0.001,
    );
    let mut ring: Vec<Coord<f64>> = (0..vertices)
        .map(|k| {
            let a = k as f64 / vertices as f64 * std::f64::consts::TAU;
            let r = 0.0004 * (1.0 + 0.1 * ((k * 7 + i) % 5) as f64);
            Coord {
                x: cx + r * a.cos(),
                y: cy + r * a.sin(),
            }
        })
        .collect();
    ring.push(ring[0]);
    let date = NaiveDate::from_ymd_opt(
        2000 + (i % 25) as i32,
        1 + (i % 12) as u32,
        1 + (i % 28) as u32,
    );
    Feature {
        id: format!("A123_{:04}_{:05}", i / 500, i),
        geometry: Some(Geometry::Polygon(Polygon::new(LineString(ring), vec![]))),
        properties: vec![
            ("comune".into(), Value::Text("A123".into())),
            ("sezione".into(), Value::Null),
            ("foglio".into(), Value::Int((i / 500) as i64 + 1)),
            ("particella".into(), Value::Text(format!("{}", 100 + i))),
            ("subalterno".into(), Value::Null),
            ("qualita".into(), Value::Text("SEMINATIVO".into())),
            ("classe".into(), Value::Int((i % 5) as i64 + 1)),
            ("superficie".into(), Value::Float(350.25 + i as f64 * 1.5)),
            (
                "reddito_dominicale".into(),
                Value::Float(12.34 + (i % 97) as f64),
            ),
            (
                "reddito_agrario".into(),
                Value::Float(8.91 + (i % 53) as f64),
            ),
            ("valid_from".into(), date.map_or(Value::Null, Value::Date)),
            (
                "note".into(),
                Value::Text("partita \"speciale\" – ex 1939".into()),
            ),
        ],
    }
}

fn collection() -> Collection {
    Collection {
        id: "parcels".into(),
        title: "Parcels".into(),
        description: String::new(),
        keywords: vec![],
        geometry_type: GeometryType::Polygon,
        storage_crs: Crs::Crs84,
        properties: vec![],
        temporal: None,
        extent: None,
    }
}

async fn encode(features: Vec<Feature>, collection: &Collection) -> usize {
    let mut sink = GeoJsonSink::new(Vec::<Bytes>::new(), false, Box::new(|_| Vec::new()));
    sink.begin(collection).await.expect("begin");
    let n = features.len() as u64;
    for f in features {
        sink.feature(f).await.expect("feature");
    }
    sink.end(QueryStats {
        number_matched: n,
        number_returned: n,
    })
    .await
    .expect("end");
    sink.into_output().iter().map(Bytes::len).sum()
}

fn bench(c: &mut Criterion) {
    let features: Vec<Feature> = (0..FEATURES).map(parcel).collect();
    let collection = collection();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let bytes = rt.block_on(encode(features.clone(), &collection));
    eprintln!("{FEATURES} features → {bytes} bytes of GeoJSON");
    let mut group = c.benchmark_group("geojson");
    group.throughput(Throughput::Elements(FEATURES as u64));
    group.bench_function("encode_10k_parcels", |b| {
        b.iter_batched(
            || features.clone(),
            |fs| black_box(rt.block_on(encode(fs, &collection))),
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
