//! Times writing a run ([`persist_run`]) into a fresh GeoPackage, on the synthetic
//! municipality of `milan_run`:
//! `cargo run --release -p segit-correlate --example persist_run -- [scale [repeats [dir
//! [rerun]]]]` (defaults 0.5, 3, the system's temporary directory). Each repeat writes the same
//! run into a new file `persist_run-<i>.gpkg` in `dir`; the last one is kept for inspection, the
//! others are removed. With `rerun`, the run is then written once more into the last file, as
//! a second run on the same inputs: its previous anomalies read back from the file (timed
//! apart), its collections replacing theirs. Prints each time (wall, and CPU of the whole process: the caller and the
//! store's writer thread) and the medians; the CPU time depends less on the machine's load.
//! Also prints the memory one anomaly takes: the growth of the resident set when the run's
//! anomalies are copied, divided by their number (mimalloc returns freed memory to the system
//! after a short delay, so the copy lands on new pages).

#![allow(clippy::print_stdout)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;
use segit_correlate::persist::{Previous, WriteInputs, persist_run, previous_anomalies};
use segit_correlate::run::sort_anomaly_refs;
use segit_correlate::{Inputs, Params, Registry, RunOptions, carry_over_status, diff, run};
use segit_model::Anomaly;
use segit_query::Crs;
use segit_store_gpkg::GpkgStore;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time (user + system) the process has used so far, in seconds, from `/proc/self/stat`
/// (Linux, 100 ticks a second); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // the fields after the command name, which may hold blanks: state is field 3,
            // utime 14 and stime 15
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let seconds = ticks as f64 / 100.0;
    seconds
}

/// The resident set size (`VmRSS` of `/proc/self/status`, Linux) in KiB; 0 elsewhere.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The growth of the resident set while `anomalies` are copied, per anomaly, in bytes.
fn resident_per_anomaly(anomalies: &[Anomaly]) -> f64 {
    // freed memory goes back to the system meanwhile
    std::thread::sleep(std::time::Duration::from_millis(500));
    let before = rss_kib();
    let copy = anomalies.to_vec();
    let grown = rss_kib().saturating_sub(before) as f64 * 1024.0;
    grown / copy.len().max(1) as f64
}

fn main() -> Result<(), common::BoxError> {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().map_or(Ok(0.5), |s| s.parse())?;
    let repeats: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let dir = args.next().map_or_else(std::env::temp_dir, PathBuf::from);
    let rerun = args.next().is_some_and(|a| a == "rerun");
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
    println!(
        "one anomaly: {:.0} bytes resident ({} bytes its record)",
        resident_per_anomaly(&done.anomalies),
        size_of::<Anomaly>()
    );
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
    // what the write takes from the snapshot
    let from_inputs = WriteInputs::new(&inputs, &params, &done);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut times = Vec::with_capacity(repeats);
    let mut cpu = Vec::with_capacity(repeats);
    for i in 0..repeats {
        let path = dir.join(format!("persist_run-{i}.gpkg"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let store = GpkgStore::create(&path)?;
        let mut r = done.clone();
        let t = Instant::now();
        let cpu_at = cpu_seconds();
        let persisted = runtime.block_on(persist_run(
            &store,
            &registry,
            &from_inputs,
            &mut r,
            &Previous::default(),
            Crs::Epsg(7791),
            Utc::now(),
        ))?;
        let s = t.elapsed().as_secs_f64();
        let used = cpu_seconds() - cpu_at;
        println!(
            "persist {i}: {s:.2} s ({used:.2} s CPU), {} anomalies written",
            persisted.total
        );
        times.push(s);
        cpu.push(used);
        if i + 1 < repeats {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    if let (Some(wall), Some(used)) = (times.get(times.len() / 2), cpu.get(cpu.len() / 2)) {
        println!("median {wall:.2} s ({used:.2} s CPU) over {repeats}");
    }
    if rerun && repeats > 0 {
        let store = GpkgStore::open(dir.join(format!("persist_run-{}.gpkg", repeats - 1)))?;
        let mut r = done.clone();
        // a run of its own in the history
        r.run_id.push_str("-again");
        let t = Instant::now();
        let previous = runtime.block_on(previous_anomalies(&store, &r))?;
        println!(
            "rerun: {} previous anomalies read back in {:.2} s ({} kept in full)",
            previous.statuses.len() + previous.kept.len(),
            t.elapsed().as_secs_f64(),
            previous.kept.len()
        );
        let t = Instant::now();
        let cpu_at = cpu_seconds();
        let persisted = runtime.block_on(persist_run(
            &store,
            &registry,
            &from_inputs,
            &mut r,
            &previous,
            Crs::Epsg(7791),
            Utc::now(),
        ))?;
        println!(
            "rerun: persist {:.2} s ({:.2} s CPU), {} anomalies, {} new, {} resolved",
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu_at,
            persisted.total,
            persisted.new,
            persisted.resolved
        );
    }
    Ok(())
}
