//! The spatial joins of the engine on the synthetic municipality at a quarter of Milan
//! (37 500 map parcels, ≈37 000 footprints, 37 500 house numbers; throughput per element, so
//! Milan's figure is four times the time): bulk load of the R-trees, footprints × map parcels
//! (R-tree candidates refined by exact intersection areas, as R01/R05 do), house-number points
//! → the map parcel containing them.

mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo::Contains;
use geo_types::{MultiPolygon, Point, polygon};
use segit_correlate::inputs::{
    Footprint, HouseNumberPoint, MapParcel, ParcelIndex, intersection_area,
};

const SCALE: f64 = 0.25;

fn around(p: Point<f64>) -> MultiPolygon<f64> {
    let (x, y, e) = (p.x(), p.y(), 0.01);
    MultiPolygon::new(vec![
        polygon![(x: x - e, y: y - e), (x: x + e, y: y - e), (x: x + e, y: y + e), (x: x - e, y: y + e), (x: x - e, y: y - e)],
    ])
}

fn geometries() -> (Vec<MapParcel>, Vec<Footprint>, Vec<HouseNumberPoint>) {
    let (data, _) = common::milan(SCALE).unwrap_or_default();
    (
        data.map_parcels.unwrap_or_default(),
        data.footprints.unwrap_or_default(),
        data.house_numbers.unwrap_or_default(),
    )
}

fn bench(c: &mut Criterion) {
    let (parcels, footprints, houses) = geometries();
    let tree = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
    let mut g = c.benchmark_group("spatial_join");
    g.sample_size(10);
    g.throughput(Throughput::Elements(parcels.len() as u64));
    g.bench_function("rtree_bulk_load_map_parcels", |b| {
        b.iter(|| ParcelIndex::build(black_box(&parcels).iter().map(|p| &p.geometry)));
    });
    g.throughput(Throughput::Elements(footprints.len() as u64));
    g.bench_function("footprints_x_map_parcels", |b| {
        b.iter(|| {
            let mut covered = 0.0;
            for f in black_box(&footprints) {
                for i in tree.candidates(&f.geometry) {
                    covered += intersection_area(&f.geometry, &parcels[i].geometry);
                }
            }
            covered
        });
    });
    g.throughput(Throughput::Elements(houses.len() as u64));
    g.bench_function("house_numbers_to_map_parcels", |b| {
        b.iter(|| {
            let mut found = 0usize;
            for h in black_box(&houses) {
                let probe = around(h.point);
                found += tree
                    .candidates(&probe)
                    .into_iter()
                    .filter(|&i| {
                        parcels[i].geometry.contains(&h.point)
                            || intersection_area(&probe, &parcels[i].geometry) > 0.0
                    })
                    .count();
            }
            found
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
