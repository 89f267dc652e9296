//! Writes the demo municipality as a supply directory:
//! `cargo run --release -p segit-demo --example write_supply -- <dir> [seed] [scale] [profile]`
//! (profile `town`, the default, or `city`: `-- <dir> 2025 30 city` writes a Milan-sized
//! supply).

use std::path::PathBuf;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "data/demo-supply".to_owned()));
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(2025);
    let scale = args.next().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let profile = match args.next() {
        None => segit_demo::Profile::Town,
        Some(name) => segit_demo::Profile::parse(&name).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("unknown profile {name:?} (town, city)"),
            )
        })?,
    };
    let start = Instant::now();
    let m = segit_demo::generate_profile(&segit_demo::DemoParams { seed, scale }, profile);
    eprintln!(
        "generated in {:.1} s: {} parcels, {} buildings, {} units, {} holdings, {} residents, {} TARI positions",
        start.elapsed().as_secs_f64(),
        m.parcels.len(),
        m.buildings.len(),
        m.units.len(),
        m.holdings.len(),
        m.residents.len(),
        m.tari_positions.len()
    );
    let truth =
        segit_demo::supply::write_supply(&m, &dir, &segit_demo::supply::SupplyOptions::default())?;
    eprintln!(
        "wrote {} ({} files) in {:.1} s",
        dir.display(),
        truth.files.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
