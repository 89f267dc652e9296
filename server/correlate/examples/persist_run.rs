//! Times writing a run ([`persist_run`]) into a fresh GeoPackage, on the synthetic
//! municipality of `milan_run`:
//! `cargo run --release -p segit-correlate --example persist_run -- [scale [repeats [dir]]]`
//! (defaults 0.5, 3, the system's temporary directory). Each repeat writes the same run into a
//! new file `persist_run-<i>.gpkg` in `dir`; the last one is kept for inspection, the others
//! are removed. Prints each time and the median.

#![allow(clippy::print_stdout)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use segit_correlate::persist::{Previous, persist_run};
use segit_correlate::run::sort_anomaly_refs;
use segit_correlate::{Inputs, Params, Registry, RunOptions, carry_over_status, diff, run};
use segit_model::Anomaly;
use segit_query::Crs;
use segit_store_gpkg::GpkgStore;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), common::BoxError> {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().map_or(Ok(0.5), |s| s.parse())?;
    let repeats: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let dir = args.next().map_or_else(std::env::temp_dir, PathBuf::from);
    let (data, counts) = common::milan(scale)?;
    println!("generated {counts}");
    let inputs = Inputs::new(data).with_pseudonym_key(b"bench");
    let registry = Registry::standard();
    let params = Params::default();
    let options = RunOptions {
        as_of: common::as_of(),
        only: Vec::new(),
    };
    let done = run(&registry, &inputs, &params, &options, &mut |_| {});
    println!("{} anomalies", done.anomalies.len());
    // the part of a persist made before its first write: status carry-over, diff, order
    let mut r = done.clone();
    let t = Instant::now();
    let before: [&Anomaly; 0] = [];
    carry_over_status(&before, &mut r.anomalies);
    let d = diff(&before, &r.anomalies);
    let mut all: Vec<&Anomaly> = r.anomalies.iter().collect();
    sort_anomaly_refs(&mut all);
    println!(
        "carry-over, diff ({} new) and order of the anomalies: {:.2} s",
        d.new.len(),
        t.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut times = Vec::with_capacity(repeats);
    for i in 0..repeats {
        let path = dir.join(format!("persist_run-{i}.gpkg"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let store = GpkgStore::create(&path)?;
        let mut r = done.clone();
        let t = Instant::now();
        let persisted = runtime.block_on(persist_run(
            &store,
            &registry,
            &inputs,
            &params,
            &mut r,
            &Previous::default(),
            Crs::Epsg(7791),
            Utc::now(),
        ))?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "persist {i}: {s:.2} s, {} anomalies written",
            persisted.total
        );
        times.push(s);
        if i + 1 < repeats {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
    times.sort_by(f64::total_cmp);
    if let Some(m) = times.get(times.len() / 2) {
        println!("median {m:.2} s over {repeats}");
    }
    Ok(())
}
