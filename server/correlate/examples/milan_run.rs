//! A full run of the engine at Milan's scale on a synthetic municipality (every source, every
//! rule), with per-stage timings and resident set sizes:
//! `cargo run --release -p segit-correlate --example milan_run -- [scale [rule…]]` (1.0 = Milan:
//! ≈150 000 parcels, 1 500 000 units, 1 400 000 residents, 700 000 TARI premises). The
//! allocator is the binary's (mimalloc). Peak RSS: run it under `/usr/bin/time -v`.

#![allow(clippy::print_stdout)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::time::Instant;

use segit_correlate::{Inputs, Params, Registry, RunOptions, run};
use sha2::{Digest, Sha256};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Feeds what is written to a SHA-256 digest.
struct DigestWriter(Sha256);

impl std::io::Write for DigestWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A line of `/proc/self/status` in MiB (Linux): `VmRSS` now, `VmHWM` the peak.
fn status_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// CPU time of the process so far (user + system, every thread), seconds (Linux, 100 ticks a
/// second): beside the wall times, a figure that other load on the machine does not inflate.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let mut f = s.rsplit_once(')')?.1.split_whitespace().skip(11);
            let user: u64 = f.next()?.parse().ok()?;
            let system: u64 = f.next()?.parse().ok()?;
            Some((user + system) as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

fn main() -> Result<(), common::BoxError> {
    let scale: f64 = std::env::args().nth(1).map_or(Ok(1.0), |s| s.parse())?;
    let t = Instant::now();
    let (data, counts) = common::milan(scale)?;
    println!(
        "generated {counts} in {:.1} s, RSS {} MiB",
        t.elapsed().as_secs_f64(),
        status_mib("VmRSS:")
    );
    let t = Instant::now();
    let cpu = cpu_secs();
    let inputs = Inputs::new(data).with_pseudonym_key(b"bench");
    let indexed = t.elapsed();
    let indexed_cpu = cpu_secs() - cpu;
    let fingerprint = segit_correlate::fingerprint::input_fingerprint(&inputs);
    println!(
        "Inputs::new (indexes, and the input fingerprint {} beside them) in {:.1} s (CPU {:.1} s), RSS {} MiB",
        &fingerprint[..12],
        indexed.as_secs_f64(),
        indexed_cpu,
        status_mib("VmRSS:")
    );
    let options = RunOptions {
        as_of: common::as_of(),
        only: std::env::args().skip(2).collect(),
    };
    let cpu = cpu_secs();
    let r = run(
        &Registry::standard(),
        &inputs,
        &Params::default(),
        &options,
        &mut |rep| println!("{:>4} {:>7} ms  {}", rep.rule_id, rep.millis, rep.status),
    );
    let run_cpu = cpu_secs() - cpu;
    let rules_ms: u128 = r.rules.iter().map(|x| x.millis).sum();
    println!(
        "run {} in {:.1} s wall (CPU {:.1} s; Σ rule times {:.1} s on 2 threads): {} anomalies",
        r.run_id,
        r.millis as f64 / 1000.0,
        run_cpu,
        rules_ms as f64 / 1000.0,
        r.anomalies.len()
    );
    println!(
        "engine total (Inputs::new + run) {:.1} s (CPU {:.1} s); RSS {} MiB, peak {} MiB",
        indexed.as_secs_f64() + r.millis as f64 / 1000.0,
        indexed_cpu + run_cpu,
        status_mib("VmRSS:"),
        status_mib("VmHWM:")
    );
    // Digest of the anomalies as JSON, in the run's deterministic order: equal digests mean
    // byte-identical results (computed after the figures above, streaming, one record at a time).
    let mut digest = DigestWriter(Sha256::new());
    for a in &r.anomalies {
        serde_json::to_writer(&mut digest, a)?;
        digest.0.update(b"\n");
    }
    let mut hex = String::new();
    for b in &digest.0.finalize()[..8] {
        write!(hex, "{b:02x}")?;
    }
    println!("anomalies digest (SHA-256 of their JSON lines) {hex}");
    Ok(())
}
