//! The address match of the registers on the synthetic municipality at a tenth of Milan
//! (≈147 000 units, 137 000 residents, 69 000 TARI premises, 138 000 utility rows; throughput
//! per record, so Milan's figure is ten times the time): text addresses resolved through the
//! street register, then every (address key, internal) of residents, TARI and utilities
//! matched to the units carrying it and to the house-number points; and the whole
//! `Inputs::new` (every join index of the snapshot, the address links included).

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use segit_correlate::Inputs;
use segit_correlate::inputs::Utilities;

const SCALE: f64 = 0.1;

fn bench(c: &mut Criterion) {
    let (data, _) = common::milan(SCALE).unwrap_or_default();
    let mut g = c.benchmark_group("address_match");
    g.sample_size(10);
    let texts: Vec<String> = data
        .tari
        .iter()
        .flatten()
        .filter_map(|t| t.address_text.as_deref().map(str::to_owned))
        .chain(
            data.utilities
                .iter()
                .flat_map(Utilities::iter)
                .filter_map(|u| u.point.address_text.as_deref().map(str::to_owned)),
        )
        .collect();
    let records = data.residents.as_ref().map_or(0, Vec::len)
        + data.tari.as_ref().map_or(0, Vec::len)
        + data.utilities.as_ref().map_or(0, Utilities::len);
    g.throughput(Throughput::Elements(records as u64));
    g.bench_function("inputs_new_all_indexes", |b| {
        b.iter_batched(
            || data.clone(),
            |d| Inputs::new(black_box(d)),
            BatchSize::PerIteration,
        );
    });
    let inputs = Inputs::new(data);
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("text_addresses_to_units", |b| {
        b.iter(|| {
            let mut matched = 0usize;
            for t in black_box(&texts) {
                if let Some((key, Some(internal))) = inputs.resolve_text(t) {
                    matched += inputs.units_at_address(&(key, internal)).len();
                }
            }
            matched
        });
    });
    let residents = inputs.data.residents.as_deref().unwrap_or_default();
    g.throughput(Throughput::Elements(residents.len() as u64));
    g.bench_function("resident_addresses_to_units_and_house_numbers", |b| {
        b.iter(|| {
            let mut matched = 0usize;
            for r in black_box(residents) {
                if let Some(internal) = r.address.internal.as_deref() {
                    matched += inputs
                        .units_at_address(&(r.address.key.clone(), internal.trim().to_uppercase()))
                        .len();
                }
                matched += usize::from(inputs.house_number(&r.address.key).is_some());
            }
            matched
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
